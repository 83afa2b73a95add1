//! What CRDTs promise: replicas converge once the network lets gossip
//! through; no acknowledged update is lost; a replica's state only moves up
//! its type's order. Judged on every replica's state as true time sees it.

use crate::sim::any::PropertyInfo;
use crate::sim::protocol::{EndState, Findings, Monitor, Protocol, StepView};
use crate::sim::time::{NodeId, Time};

use super::lattice::{Stamp, State, Tag, dominated, join_vectors};
use super::replica::Replica;
use super::{Crdt, Op};
use crate::raft::msg::Key;

pub static CONVERGES: PropertyInfo = PropertyInfo::eventually(
    "converges",
    "Once every replica is up and the network whole, gossip brings every replica to the same state",
);
pub static NO_LOST_UPDATE: PropertyInfo = PropertyInfo::eventually(
    "no-lost-update",
    "Converged, a counter holds every increment and decrement a replica acknowledged, and a set every element added and not removed since",
);
pub static MONOTONIC: PropertyInfo =
    PropertyInfo::always("monotonic", "A replica's state only moves up: nothing it had merged is ever undone");
pub static DIVERGED: PropertyInfo =
    PropertyInfo::sometimes("replicas-diverged", "Two replicas hold updates the other has not seen");
pub static LWW_LOST_NEWER: PropertyInfo = PropertyInfo::sometimes(
    "lww-lost-newer-write",
    "Last writer wins kept an earlier write over a later one (by true time): a clock decided",
);

pub static PROPERTIES: [&PropertyInfo; 5] = [&CONVERGES, &NO_LOST_UPDATE, &MONOTONIC, &DIVERGED, &LWW_LOST_NEWER];

/// An acknowledged remove, with what it had observed.
#[derive(Clone, Debug)]
struct Removal {
    element: Key,
    /// The tags it removed (OR-set), or the remover's causal context (the set without tags).
    tags: Vec<Tag>,
    seen: Vec<u64>,
}

#[derive(Clone, Debug)]
pub struct Watcher {
    /// Every replica's latest state and causal context.
    states: Vec<State>,
    seen: Vec<Vec<u64>>,
    /// Per replica, how many client operations it had served at the last look.
    served: Vec<u64>,
    /// Increments minus decrements applied (each acknowledged at once; a
    /// client's retry that reaches a second replica counts twice, as it does
    /// in the counter: CRDTs do not make retries idempotent).
    total: i64,
    /// Acknowledged adds, by element and tag (the adder and its count of updates).
    adds: Vec<(Key, Tag)>,
    removals: Vec<Removal>,
    /// Each last-writer-wins write's stamp and true time.
    /// (sorted by stamp, so a replica's change of value is looked up, not searched for).
    writes: Vec<(Stamp, Time)>,
    operations: u64,
    stale_reads: u64,
    /// Whether every replica held the same state after the latest step, and
    /// when they last came to.
    converged: bool,
    converged_at: Time,
    /// The join of every replica's state, taken every quarter of `settle_ms`
    /// (the last few): what every replica must have reached once gossip had
    /// time to spread it, however many updates came since.
    checkpoints: Vec<(Time, State)>,
    settle_ms: Time,
}

/// Checkpoints kept: enough to reach back past `settle_ms` and a little more.
const CHECKPOINTS: usize = 8;

impl Watcher {
    fn check_replica(&mut self, c: &Crdt, id: NodeId, replica: &Replica, now: Time, found: &mut Findings) {
        let before = &self.states[id];
        if !before.below(&replica.state) {
            found.violated_at(
                &MONOTONIC,
                format!("{} went from {} to {}", c.node_name(id), c.describe(before), c.describe(&replica.state)),
                vec![id],
            );
        }
        if let (State::Lww(Some((old, _))), State::Lww(Some((new, _)))) = (before, &replica.state)
            && old != new
            && let (Some(old_at), Some(new_at)) = (self.written_at(*old), self.written_at(*new))
            && new_at < old_at
        {
            found.witnessed(
                &LWW_LOST_NEWER,
                format!(
                    "{} replaced the write made at {old_at} ms with one made at {new_at} ms, whose clock read later",
                    c.node_name(id)
                ),
            );
        }
        for (other, seen) in self.seen.iter().enumerate() {
            if other != id && !dominated(seen, &replica.seen) && !dominated(&replica.seen, seen) {
                found.witnessed(
                    &DIVERGED,
                    format!("{} and {} each hold updates the other has not seen", c.node_name(id), c.node_name(other)),
                );
            }
        }
        self.states[id] = replica.state.clone();
        self.seen[id] = replica.seen.clone();
        let all_equal = self.states.iter().all(|s| *s == self.states[0]);
        if all_equal && !self.converged {
            self.converged_at = now;
        }
        self.converged = all_equal;
    }

    fn written_at(&self, stamp: Stamp) -> Option<Time> {
        let at = self.writes.binary_search_by_key(&stamp, |&(s, _)| s).ok()?;
        Some(self.writes[at].1)
    }

    /// Counts what a client's answered update did, read off the replica after it (the
    /// replica's state as last seen, in `states`, is the one before it).
    fn acknowledge(&mut self, id: NodeId, op: Op, replica: &Replica, now: Time) {
        let me = replica.id as u8;
        match op {
            Op::Read => {
                let mut everything = vec![0; replica.seen.len()];
                for seen in &self.seen {
                    join_vectors(&mut everything, seen);
                }
                if !dominated(&everything, &replica.seen) {
                    self.stale_reads += 1;
                }
                return;
            }
            Op::Inc => self.total += 1,
            Op::Dec => self.total -= 1,
            Op::Set(_) => {
                if let State::Lww(Some((stamp, _))) = replica.state
                    && stamp.by == me
                {
                    let at = self.writes.partition_point(|&(s, _)| s < stamp);
                    self.writes.insert(at, (stamp, now));
                }
            }
            Op::Add(element) => self.adds.push((element, (me, replica.seen[id]))),
            Op::Remove(element) => {
                let tags = match (&self.states[id], &replica.state) {
                    (State::OrSet { removed: old, .. }, State::OrSet { removed, .. }) => {
                        removed.iter().filter(|t| old.binary_search(t).is_err()).copied().collect()
                    }
                    _ => Vec::new(),
                };
                self.removals.push(Removal { element, tags, seen: replica.seen.clone() });
            }
        }
        self.operations += 1;
    }

    /// The elements some acknowledged add put in and no remove that observed it took out.
    fn must_hold(&self) -> Vec<Key> {
        let observed = |r: &Removal, tag: Tag| {
            r.tags.contains(&tag) || r.seen.get(tag.0 as usize).is_some_and(|&n| r.tags.is_empty() && n >= tag.1)
        };
        let mut elements: Vec<Key> = self
            .adds
            .iter()
            .filter(|&&(e, tag)| !self.removals.iter().any(|r| r.element == e && observed(r, tag)))
            .map(|&(e, _)| e)
            .collect();
        elements.sort_unstable();
        elements.dedup();
        elements
    }
}

impl Monitor<Crdt> for Watcher {
    fn new(c: &Crdt) -> Watcher {
        Watcher {
            states: vec![c.initial(); c.replicas],
            seen: vec![vec![0; c.replicas]; c.replicas],
            served: vec![0; c.replicas],
            total: 0,
            adds: Vec::new(),
            removals: Vec::new(),
            writes: Vec::new(),
            operations: 0,
            stale_reads: 0,
            converged: true,
            converged_at: 0,
            checkpoints: Vec::new(),
            settle_ms: c.settle_ms,
        }
    }

    fn check(&mut self, c: &Crdt, step: &StepView<Crdt>, found: &mut Findings) {
        for &id in step.touched {
            let replica = &step.nodes[id];
            if replica.served != self.served[id] {
                self.served[id] = replica.served;
                if let Some(op) = replica.last_op {
                    self.acknowledge(id, op, replica, step.now);
                }
            }
        }
        for &id in step.touched {
            let replica = &step.nodes[id];
            // Gossip that brought nothing new changed nothing to check.
            if replica.state != self.states[id] || replica.seen != self.seen[id] {
                self.check_replica(c, id, replica, step.now, found);
            }
        }
        let due = self.checkpoints.last().is_none_or(|&(at, _)| step.now >= at + self.settle_ms / 4);
        if due {
            let mut joined = self.states[0].clone();
            for state in &self.states[1..] {
                joined.merge(state);
            }
            if self.checkpoints.len() == CHECKPOINTS {
                self.checkpoints.remove(0);
            }
            self.checkpoints.push((step.now, joined));
        }
    }

    /// Every update made before the last `settle_ms` of health must have
    /// reached every replica; converged, the value must hold every
    /// acknowledged update.
    fn judge_end(&self, c: &Crdt, end: &EndState, found: &mut Findings) {
        let Some(since) = end.healthy_since else { return };
        let Some(deadline) = end.now.checked_sub(self.settle_ms + 20 * end.slowest_ms).filter(|&d| d >= since) else {
            return;
        };
        let reached = self.checkpoints.iter().rev().find(|&&(at, _)| at <= deadline && at >= since);
        if let Some((at, joined)) = reached
            && let Some(behind) = (0..self.states.len()).find(|&i| !joined.below(&self.states[i]))
        {
            found.violated_at(
                &CONVERGES,
                format!(
                    "with every replica up and the network whole since {since} ms, {} holds {}, without updates all replicas together had at {at} ms: {}",
                    c.node_name(behind),
                    c.describe(&self.states[behind]),
                    c.describe(joined)
                ),
                vec![behind],
            );
            return;
        }
        let ids = 0..self.states.len();
        if ids.clone().any(|i| self.states[i] != self.states[0]) {
            return; // updates still spreading: what was lost is judged once they have
        }
        let state = &self.states[0];
        let lost = match state {
            State::GCounter(_) | State::PnCounter { .. } | State::Naive(_) if state.count() != self.total => {
                Some(format!(
                    "every replica counts {}, but the acknowledged increments and decrements add up to {}",
                    state.count(),
                    self.total
                ))
            }
            State::OrSet { .. } | State::NaiveSet { .. } => {
                let held = state.elements();
                let missing: Vec<String> =
                    self.must_hold().into_iter().filter(|e| !held.contains(e)).map(|e| e.to_string()).collect();
                (!missing.is_empty()).then(|| {
                    format!(
                        "{} was added and never removed by anyone who had seen that add, yet no replica holds it",
                        missing.join(", ")
                    )
                })
            }
            _ => None,
        };
        if let Some(detail) = lost {
            found.violated_at(&NO_LOST_UPDATE, detail, ids.collect());
        }
    }

    fn metrics(&self, messages: u64) -> Vec<(&'static str, f64)> {
        let state_bytes = self.states.iter().map(State::size).max().unwrap_or(0);
        // The convergence indicator: 1 when every replica holds the same state.
        let distinct = (0..self.states.len()).filter(|&i| !self.states[..i].contains(&self.states[i])).count();
        vec![
            ("operations", self.operations as f64),
            ("converged_at_ms", self.converged_at as f64),
            ("gossip_messages", messages as f64),
            ("state_bytes", state_bytes as f64),
            ("stale_reads", self.stale_reads as f64),
            ("distinct_states", distinct as f64),
        ]
    }
}
