//! The learner ("Paxos Made Simple", §2.3): a value is chosen once a
//! majority of acceptors has accepted it under one ballot. In Multi-Paxos
//! learners are the replicas: they apply chosen commands in slot order.

use crate::raft::kv::Kv;
use crate::sim::log::Log;
use crate::sim::nodes::NodeSet;

use super::Paxos;
use super::acceptor::slot_name;
use super::msg::{Accepted, Slot, Value};
use super::node::Ctx;

#[derive(Clone, Debug, Default, Hash)]
pub struct Learner {
    /// The value learned in each slot (on disk: a replica need not learn again).
    pub learned: Log<Option<Value>>,
    /// Acceptances heard in slots not yet learned, per ballot, with the acceptors.
    pub heard: Vec<(Accepted, NodeSet)>,
    /// Multi-Paxos: the store, with every learned command applied up to `applied`.
    pub kv: Kv,
    pub applied: Slot,
    /// The slot learned in the latest step, for the monitor.
    pub latest: Option<Slot>,
}

impl Learner {
    /// A replica rebuilt from what it had learned (the store is replayed).
    pub fn recover(learned: Log<Option<Value>>) -> Learner {
        let mut learner = Learner { learned, ..Learner::default() };
        learner.apply();
        learner
    }

    pub fn learned_in(&self, slot: Slot) -> Option<Value> {
        self.learned.get(slot as usize).copied().flatten()
    }

    /// Counts an acceptance; a majority of acceptors under one ballot means
    /// the value is chosen, and it is learned.
    pub fn on_accepted(&mut self, p: &Paxos, ctx: &mut Ctx, from: usize, a: Accepted) {
        if self.learned_in(a.slot).is_some() {
            return;
        }
        let at = match self.heard.iter().position(|(h, _)| h.slot == a.slot && h.ballot == a.ballot) {
            Some(at) => at,
            None => {
                self.heard.push((a, NodeSet::default()));
                self.heard.len() - 1
            }
        };
        self.heard[at].1 = self.heard[at].1.with(from);
        if self.heard[at].1.len() < p.quorum() {
            return;
        }
        self.learned.put(a.slot as usize, Some(a.value), None);
        self.heard.retain(|(h, _)| h.slot != a.slot);
        self.latest = Some(a.slot);
        ctx.persist();
        ctx.note(format_args!("learns {} in {} (ballot {})", a.value, slot_name(a.slot), a.ballot));
        self.apply();
    }

    /// Applies learned commands in slot order, stopping at the first gap.
    fn apply(&mut self) {
        while let Some(Value::Command(command)) = self.learned_in(self.applied + 1) {
            self.applied += 1;
            self.kv.apply(self.applied, &command, true);
        }
    }
}
