//! The acceptor ("Paxos Made Simple", §2.2): it promises, accepts, and
//! remembers both on disk before it answers.

use crate::sim::log::Log;

use super::msg::{Accepted, Ballot, Msg, Slot, Value};
use super::node::Ctx;
use super::{Paxos, Variant};

#[derive(Clone, Debug, Default, Hash)]
pub struct Acceptor {
    /// The highest ballot it has promised (or accepted): it accepts nothing lower.
    pub promised: Ballot,
    /// Its highest-ballot acceptance in each slot.
    pub accepted: Log<Option<(Ballot, Value)>>,
    /// What it accepted in the latest step, for the monitor and the view.
    pub latest: Option<Accepted>,
}

impl Acceptor {
    /// What it accepted in `slot`, if anything.
    pub fn accepted_in(&self, slot: Slot) -> Option<(Ballot, Value)> {
        self.accepted.get(slot as usize).copied().flatten()
    }

    /// Phase 1b: a prepare above every ballot promised so far is promised,
    /// with what was accepted from `from_slot` on; the promise is on disk
    /// before it leaves. A lower one is refused, naming the promise. The
    /// proposer whose ballot was promised before is told at once that it
    /// has been overtaken (the paper's advice to inform it, given eagerly).
    pub fn on_prepare(&mut self, p: &Paxos, ctx: &mut Ctx, from: usize, ballot: Ballot, from_slot: Slot) {
        if ballot < self.promised {
            ctx.send(from, Msg::Nack { ballot, promised: self.promised });
            return;
        }
        let overtaken = self.promised;
        if !overtaken.is_none() && overtaken.proposer != ballot.proposer {
            ctx.send(p.proposer_node(overtaken), Msg::Nack { ballot: overtaken, promised: ballot });
        }
        self.promised = ballot;
        ctx.persist();
        let accepted: Vec<Accepted> = (from_slot as usize..self.accepted.len())
            .filter_map(|slot| {
                self.accepted_in(slot as Slot).map(|(b, value)| Accepted { slot: slot as Slot, ballot: b, value })
            })
            .collect();
        ctx.note(format_args!("promises {ballot}"));
        ctx.send(from, Msg::Promise { ballot, accepted });
    }

    /// Phase 2b: accepts unless it promised a higher ballot; the acceptance
    /// is on disk before the learners and the proposer hear of it.
    pub fn on_accept(&mut self, p: &Paxos, ctx: &mut Ctx, from: usize, a: Accepted) {
        if a.ballot < self.promised {
            ctx.send(from, Msg::Nack { ballot: a.ballot, promised: self.promised });
            return;
        }
        self.promised = a.ballot;
        self.accepted.put(a.slot as usize, Some((a.ballot, a.value)), None);
        self.latest = Some(a);
        ctx.persist();
        ctx.note(format_args!("accepts {} in {} under {}", a.value, slot_name(a.slot), a.ballot));
        for learner in p.learner_ids() {
            ctx.send(learner, Msg::Accepted(a));
        }
        ctx.send(p.proposer_node(a.ballot), Msg::Accepted(a));
    }

    /// Its disk: everything, or (`forgetful-acceptor`) the acceptances only.
    pub fn durable(&self, p: &Paxos) -> (Ballot, Log<Option<(Ballot, Value)>>) {
        let promised = if p.variant == Variant::ForgetfulAcceptor { Ballot::NONE } else { self.promised };
        (promised, self.accepted.clone())
    }
}

/// "slot 4", or "the instance" in single-decree Paxos.
pub fn slot_name(slot: Slot) -> String {
    if slot == 0 { "the instance".into() } else { format!("slot {slot}") }
}
