//! What Paxos promises, judged on ground truth: a value is chosen in a
//! slot the moment a majority of acceptors has accepted it under one
//! ballot, whether or not anyone has learned it yet (true for Paxos, unlike
//! Raft, whose commitment is the leader's knowledge).

use crate::raft::kv::JournalWatch;
use crate::raft::props::APPLIED_ONCE;
use crate::sim::any::{Distribution, Latencies, PropertyInfo};
use crate::sim::log::Log;
use crate::sim::nodes::NodeSet;
use crate::sim::protocol::{EndState, Findings, Monitor, StepView};
use crate::sim::time::{NodeId, Time};
use crate::sim::workload::ClientEventKind;

use super::acceptor::slot_name;
use super::msg::{Accepted, Ballot, Slot, Value};
use super::node::Node;
use super::proposer::Phase;
use super::{Paxos, Protocol};

pub static ONE_VALUE_CHOSEN: PropertyInfo = PropertyInfo::always(
    "one-value-chosen",
    "At most one value is chosen in each instance (chosen: accepted by a majority of acceptors under one ballot)",
);
pub static CHOSEN_WAS_PROPOSED: PropertyInfo =
    PropertyInfo::always("chosen-was-proposed", "Only a value some client proposed (or a leader's no-op) is chosen");
pub static LEARNED_WAS_CHOSEN: PropertyInfo =
    PropertyInfo::always("learned-was-chosen", "A learner learns only a value that is chosen");
pub static SAME_ORDER: PropertyInfo =
    PropertyInfo::always("same-order", "Every replica applies the same command in each slot");
pub static DECIDES_WHEN_HEALTHY: PropertyInfo = PropertyInfo::eventually(
    "decides-when-healthy",
    "Every client is answered once a proposer and a majority of acceptors are up and connected",
);
pub static VALUE_CHOSEN: PropertyInfo = PropertyInfo::sometimes("value-chosen", "A value is chosen");

pub static PROPERTIES_SINGLE: [&PropertyInfo; 5] =
    [&ONE_VALUE_CHOSEN, &CHOSEN_WAS_PROPOSED, &LEARNED_WAS_CHOSEN, &DECIDES_WHEN_HEALTHY, &VALUE_CHOSEN];
pub static PROPERTIES_MULTI: [&PropertyInfo; 7] = [
    &ONE_VALUE_CHOSEN,
    &CHOSEN_WAS_PROPOSED,
    &LEARNED_WAS_CHOSEN,
    &SAME_ORDER,
    &APPLIED_ONCE,
    &DECIDES_WHEN_HEALTHY,
    &VALUE_CHOSEN,
];

/// What happened in one slot, as true time saw it.
#[derive(Clone, Debug, Default)]
struct SlotTruth {
    /// Every acceptance, per ballot: the value and the acceptors.
    votes: Vec<(Ballot, Value, NodeSet)>,
    /// The first value chosen.
    chosen: Option<Value>,
    /// When a proposer first worked on it (true time + 1; 0: not seen).
    began: Time,
    /// A second value was chosen (reported once).
    split: bool,
}

impl SlotTruth {
    fn was_chosen(&self, value: Value, quorum: usize) -> bool {
        self.votes.iter().any(|&(_, v, by)| v == value && by.len() >= quorum)
    }
}

/// Ground truth about a run of Paxos or Multi-Paxos.
#[derive(Clone, Debug)]
pub struct Referee {
    quorum: usize,
    slots: Log<SlotTruth>,
    /// Per request ID, 1 if a client asked for it.
    invoked: Log<u64>,
    /// Per replica (a learner, or a Multi-Paxos proposer, which keeps a
    /// store to answer clients): how far its applied slots were checked,
    /// and which puts took effect in it.
    applied_seen: Vec<Slot>,
    journals: Vec<JournalWatch>,
    /// The first command any replica applied in each slot.
    first_applied: Log<Option<Value>>,
    /// Per proposer, its latest ballot.
    ballots_seen: Vec<Ballot>,
    ballots: u64,
    chosen: u64,
    decision_latency: Latencies,
    leader: Option<Ballot>,
    leader_changes: u64,
    settle_ms: Time,
}

impl Referee {
    /// A copy of what happened in `slot`, to change and put back with `set_slot`.
    fn slot(&self, slot: Slot) -> SlotTruth {
        self.truth(slot).cloned().unwrap_or_default()
    }

    fn truth(&self, slot: Slot) -> Option<&SlotTruth> {
        self.slots.get(slot as usize)
    }

    fn set_slot(&mut self, slot: Slot, truth: SlotTruth) {
        self.slots.put(slot as usize, truth, SlotTruth::default());
    }

    /// An acceptance: it may choose a value, and a second value chosen in
    /// one slot breaks the one property Paxos exists for.
    fn count_acceptance(&mut self, p: &Paxos, id: NodeId, acc: Accepted, now: Time, found: &mut Findings) {
        let Accepted { slot, ballot, value } = acc;
        let mut truth = self.slot(slot);
        let by = match truth.votes.iter_mut().find(|(b, v, _)| *b == ballot && *v == value) {
            Some(vote) => {
                vote.2 = vote.2.with(id);
                vote.2
            }
            None => {
                truth.votes.push((ballot, value, NodeSet::default().with(id)));
                NodeSet::default().with(id)
            }
        };
        if by.len() == self.quorum {
            let acceptors: Vec<NodeId> = by.iter().collect();
            match truth.chosen {
                None => {
                    truth.chosen = Some(value);
                    self.chosen += 1;
                    if truth.began > 0 {
                        self.decision_latency.add(now - (truth.began - 1));
                    }
                    found.witnessed(
                        &VALUE_CHOSEN,
                        format!("{value} is chosen in {} under ballot {ballot}", slot_name(slot)),
                    );
                    let proposed = value.request().is_none_or(|r| self.invoked.get(r as usize) == Some(&1));
                    if !proposed || (!p.multi && value.request().is_none()) {
                        found.violated_at(
                            &CHOSEN_WAS_PROPOSED,
                            format!("{value} is chosen in {}, but no client proposed it", slot_name(slot)),
                            acceptors,
                        );
                    }
                }
                Some(first) if first != value && !truth.split => {
                    truth.split = true;
                    found.violated_at(
                        &ONE_VALUE_CHOSEN,
                        format!(
                            "{} chose {first}, and now {value} too: {} accepted it under ballot {ballot}",
                            slot_name(slot),
                            acceptors.iter().map(|&a| p.node_name(a)).collect::<Vec<_>>().join(", ")
                        ),
                        acceptors,
                    );
                }
                Some(_) => {}
            }
        }
        self.set_slot(slot, truth);
    }

    /// A replica's newly applied slots agree with what any replica applied there first.
    fn check_applied(&mut self, p: &Paxos, id: NodeId, applied: Slot, log: &Log<Option<Value>>, found: &mut Findings) {
        if applied < self.applied_seen[id] {
            self.applied_seen[id] = 0; // restarted: it replays from the start
        }
        for slot in self.applied_seen[id] + 1..=applied {
            let Some(value) = log.get(slot as usize).copied().flatten() else { continue };
            match self.first_applied.get(slot as usize).copied().flatten() {
                None => self.first_applied.put(slot as usize, Some(value), None),
                Some(first) if first != value => found.violated_at(
                    &SAME_ORDER,
                    format!(
                        "{} applied {value} in slot {slot}, where another replica applied {first}",
                        p.node_name(id)
                    ),
                    vec![id],
                ),
                Some(_) => {}
            }
        }
        self.applied_seen[id] = applied;
    }

    fn check_journal(&mut self, p: &Paxos, id: NodeId, journal: &Log<u64>, found: &mut Findings) {
        for request in self.journals[id].repeats(journal) {
            found.violated_at(
                &APPLIED_ONCE,
                format!("{} applied the put of request r{request} a second time", p.node_name(id)),
                vec![id],
            );
        }
    }

    fn check_node(&mut self, p: &Paxos, id: NodeId, node: &Node, now: Time, found: &mut Findings) {
        match node {
            Node::Acceptor(a) => {
                if let Some(acc) = a.latest {
                    self.count_acceptance(p, id, acc, now, found);
                }
            }
            Node::Learner(l) => {
                if let Some(slot) = l.latest
                    && let Some(value) = l.learned_in(slot)
                    && !self.truth(slot).is_some_and(|t| t.was_chosen(value, self.quorum))
                {
                    found.violated_at(
                        &LEARNED_WAS_CHOSEN,
                        format!(
                            "{} learned {value} in {}, which no majority accepted",
                            p.node_name(id),
                            slot_name(slot)
                        ),
                        vec![id],
                    );
                }
                if p.multi {
                    self.check_applied(p, id, l.applied, &l.learned, found);
                    self.check_journal(p, id, &l.kv.journal, found);
                }
            }
            Node::Proposer(pr) => {
                if pr.ballot > self.ballots_seen[id] {
                    self.ballots_seen[id] = pr.ballot;
                    self.ballots += 1;
                }
                let working = (pr.phase != Phase::Idle && !p.multi).then_some(0);
                // Copied and written back only the first time: a leader's every step
                // sees all its proposals in flight.
                for slot in working.into_iter().chain(pr.proposals.iter().map(|pr| pr.accept.slot)) {
                    if self.truth(slot).is_none_or(|t| t.began == 0) {
                        let mut truth = self.slot(slot);
                        truth.began = now + 1;
                        self.set_slot(slot, truth);
                    }
                }
                if p.multi {
                    if pr.leading(p) && self.leader != Some(pr.ballot) {
                        if self.leader.is_some_and(|old| old.proposer != pr.index) {
                            self.leader_changes += 1;
                        }
                        self.leader = Some(pr.ballot);
                    }
                    self.check_applied(p, id, pr.applied, &pr.chosen, found);
                    self.check_journal(p, id, &pr.kv.journal, found);
                }
            }
        }
    }
}

impl Monitor<Paxos> for Referee {
    fn new(p: &Paxos) -> Referee {
        let n = p.proposers + p.acceptors + p.learners;
        Referee {
            quorum: p.quorum(),
            slots: Log::new(),
            invoked: Log::new(),
            applied_seen: vec![0; n],
            journals: vec![JournalWatch::default(); n],
            first_applied: Log::new(),
            ballots_seen: vec![Ballot::NONE; n],
            ballots: 0,
            chosen: 0,
            decision_latency: Latencies::default(),
            leader: None,
            leader_changes: 0,
            settle_ms: p.settle_ms,
        }
    }

    fn check(&mut self, p: &Paxos, step: &StepView<Paxos>, found: &mut Findings) {
        for event in step.events {
            if let ClientEventKind::Invoked { .. } = event.kind
                && event.request < 1 << 24
            {
                self.invoked.put(event.request as usize, 1, 0);
            }
        }
        for &id in step.touched {
            self.check_node(p, id, &step.nodes[id], step.now, found);
        }
    }

    fn judge_end(&self, _: &Paxos, end: &EndState, found: &mut Findings) {
        end.report_starving(
            self.settle_ms,
            &DECIDES_WHEN_HEALTHY,
            ("client", "has no answer", "a proposer and a majority of acceptors up and connected"),
            found,
        );
    }

    fn metrics(&self, messages: u64) -> Vec<(&'static str, f64)> {
        let per = if self.chosen == 0 { 0.0 } else { messages as f64 / self.chosen as f64 };
        vec![
            ("chosen", self.chosen as f64),
            ("ballots", self.ballots as f64),
            ("messages_per_decision", per),
            ("leader_changes", self.leader_changes as f64),
        ]
    }

    fn distributions(&self) -> Vec<(&'static str, Distribution)> {
        vec![("decision_latency_ms", self.decision_latency.distribution())]
    }
}
