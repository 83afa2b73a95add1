//! The properties of atomic commitment, judged on what nodes wrote in their
//! logs (a decision counts once it is written) and on the votes they cast.

use crate::sim::any::{Distribution, Latencies, PropertyInfo};
use crate::sim::log::Log;
use crate::sim::protocol::{EndState, Findings, Monitor, StepView};
use crate::sim::scenario::FaultKind;
use crate::sim::time::{NodeId, Time};

use super::msg::{Outcome, Record, Tx};
use super::node::{MAX_TX, Node, Role};
use super::{Commit, Phases, Protocol};

const ATOMICITY_RULE: &str = "No two nodes decide differently for one transaction";

pub static ATOMICITY: PropertyInfo = PropertyInfo::always("atomicity", ATOMICITY_RULE);
/// 3PC decides from what each side can reach: a partition (or anything that
/// makes a live node look dead) can split a decision. Its known limit.
pub static ATOMICITY_3PC: PropertyInfo = PropertyInfo::always("atomicity", ATOMICITY_RULE).limited_whenever(&[
    FaultKind::Partition,
    FaultKind::Cut,
    FaultKind::Pause,
    FaultKind::Loss,
    FaultKind::Clock,
]);
pub static COMMIT_NEEDS_ALL_YES: PropertyInfo =
    PropertyInfo::always("commit-needs-all-yes", "A transaction commits only if every cohort voted YES");
pub static DECISION_FINAL: PropertyInfo =
    PropertyInfo::always("decision-final", "A decision, once written, never changes, across restarts");
pub static DECIDES_WHEN_HEALTHY: PropertyInfo = PropertyInfo::eventually(
    "decides-when-healthy",
    "Every transaction is decided once every node is up and the network is whole",
);
pub static COMMITTED: PropertyInfo = PropertyInfo::sometimes("transaction-committed", "A transaction commits");

pub static PROPERTIES_2PC: [&PropertyInfo; 5] =
    [&ATOMICITY, &COMMIT_NEEDS_ALL_YES, &DECISION_FINAL, &DECIDES_WHEN_HEALTHY, &COMMITTED];
pub static PROPERTIES_3PC: [&PropertyInfo; 5] =
    [&ATOMICITY_3PC, &COMMIT_NEEDS_ALL_YES, &DECISION_FINAL, &DECIDES_WHEN_HEALTHY, &COMMITTED];

/// Outcomes as bytes in dense per-transaction logs (0: none yet).
fn code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Commit => 1,
        Outcome::Abort => 2,
    }
}

fn word(code: u8) -> &'static str {
    if code == 1 { "commit" } else { "abort" }
}

/// Ground truth about a run: who decided what, who voted YES, who is blocked.
#[derive(Clone, Debug)]
pub struct Auditor {
    atomicity: &'static PropertyInfo,
    cohorts: u16,
    /// The first decision written for each transaction, and by whom (node + 1).
    outcome: Log<u8>,
    first_by: Log<u8>,
    /// Per node, its decision for each transaction as it was written.
    decided: Vec<Log<u8>>,
    /// Per node, how much of its log was checked.
    seen: Vec<usize>,
    /// Cohorts seen holding a YES vote, per transaction, as bits.
    yes: Log<u16>,
    /// When the coordinator began each transaction (true time + 1; 0: not seen).
    begun_at: Log<Time>,
    transactions: u64,
    committed: u64,
    aborted: u64,
    commit_latency: Latencies,
    /// Every lock held: node, transaction, since when, and since when
    /// blocked (true time).
    locks: Vec<(NodeId, Tx, Time, Option<Time>)>,
    /// Blocked stretches that have ended, in total and the longest.
    blocked_total_ms: Time,
    blocked_longest_ms: Time,
    /// The latest step's time, so the metrics count stretches still going on.
    now: Time,
    settle_ms: Time,
}

impl Auditor {
    fn audit_log(&mut self, p: &Commit, id: NodeId, node: &Node, now: Time, found: &mut Findings) {
        let len = node.wal.len();
        if len < self.seen[id] {
            // Records that were never persisted are gone: decisions are
            // always persisted, so any lost one breaks finality.
            for tx in 0..self.decided[id].len() {
                let had = self.decided[id][tx];
                if had != 0 && node.state(tx as Tx).decided().is_none() {
                    found.violated_at(
                        &DECISION_FINAL,
                        format!(
                            "after a restart {} no longer knows it decided {} for t{tx}",
                            p.node_name(id),
                            word(had)
                        ),
                        vec![id],
                    );
                    self.decided[id].set(tx, 0);
                }
            }
        }
        let from = self.seen[id].min(len);
        for at in from..len {
            if let Record::Decided(tx, outcome) = node.wal[at] {
                self.audit_decision(p, id, tx, code(outcome), now, found);
            }
        }
        self.seen[id] = len;
    }

    fn audit_decision(&mut self, p: &Commit, id: NodeId, tx: Tx, outcome: u8, now: Time, found: &mut Findings) {
        if tx > MAX_TX {
            return;
        }
        let at = tx as usize;
        let mine = self.decided[id].get(at).copied().unwrap_or(0);
        if mine != 0 && mine != outcome {
            found.violated_at(
                &DECISION_FINAL,
                format!("{} decided {} for t{tx}, then {}", p.node_name(id), word(mine), word(outcome)),
                vec![id],
            );
        }
        self.decided[id].put(at, outcome, 0);
        let first = self.outcome.get(at).copied().unwrap_or(0);
        if first == 0 {
            self.outcome.put(at, outcome, 0);
            self.first_by.put(at, id as u8 + 1, 0);
            self.count(tx, outcome, now);
        } else if first != outcome {
            let other = self.first_by[at] as NodeId - 1;
            let (a, b) = (p.node_name(other), p.node_name(id));
            found.violated_at(
                self.atomicity,
                format!("t{tx}: {a} decided {} and {b} decided {}", word(first), word(outcome)),
                vec![other, id],
            );
        }
        if outcome == 1 {
            let yes = self.yes.get(at).copied().unwrap_or(0);
            if yes & self.cohorts != self.cohorts {
                let missing: Vec<String> = (1..16)
                    .filter(|c| self.cohorts >> c & 1 == 1 && yes >> c & 1 == 0)
                    .map(|c| p.node_name(c))
                    .collect();
                found.violated_at(
                    &COMMIT_NEEDS_ALL_YES,
                    format!("t{tx} committed at {} without a YES from {}", p.node_name(id), missing.join(", ")),
                    vec![id],
                );
            } else {
                found.witnessed(&COMMITTED, format!("t{tx} committed"));
            }
        }
    }

    fn count(&mut self, tx: Tx, outcome: u8, now: Time) {
        if outcome == 1 {
            self.committed += 1;
            let begun = self.begun_at.get(tx as usize).copied().unwrap_or(0);
            if begun > 0 {
                self.commit_latency.add(now - (begun - 1));
            }
        } else {
            self.aborted += 1;
        }
    }

    fn audit_role(&mut self, id: NodeId, node: &Node, now: Time) {
        match &node.role {
            Role::Coordinator(c) => {
                for a in c.active.iter().filter(|a| a.tx <= MAX_TX) {
                    if self.begun_at.get(a.tx as usize).is_none_or(|&t| t == 0) {
                        self.begun_at.put(a.tx as usize, now + 1, 0);
                        self.transactions += 1;
                    }
                }
            }
            Role::Cohort(c) => {
                for lock in c.locks.iter().filter(|l| l.tx <= MAX_TX) {
                    let at = lock.tx as usize;
                    let bits = self.yes.get(at).copied().unwrap_or(0);
                    self.yes.put(at, bits | 1 << id, 0);
                }
                // Locks and blocked stretches as true time sees them.
                let held = |tx: Tx| c.locks.iter().find(|l| l.tx == tx);
                let (mut total, mut longest) = (self.blocked_total_ms, self.blocked_longest_ms);
                self.locks.retain(|&(node, tx, _, blocked)| {
                    let still = node != id || held(tx).is_some_and(|l| blocked.is_none() || l.blocked_since.is_some());
                    if !still && let Some(from) = blocked {
                        total += now - from;
                        longest = longest.max(now - from);
                    }
                    still
                });
                (self.blocked_total_ms, self.blocked_longest_ms) = (total, longest);
                for lock in &c.locks {
                    match self.locks.iter_mut().find(|&&mut (node, tx, _, _)| node == id && tx == lock.tx) {
                        None => self.locks.push((id, lock.tx, now, lock.blocked_since.map(|_| now))),
                        Some(entry) if entry.3.is_none() && lock.blocked_since.is_some() => entry.3 = Some(now),
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

impl Monitor<Commit> for Auditor {
    fn new(p: &Commit) -> Auditor {
        let n = p.nodes;
        Auditor {
            atomicity: if p.phases == Phases::Three { &ATOMICITY_3PC } else { &ATOMICITY },
            cohorts: p.cohorts().fold(0, |bits, c| bits | 1 << c),
            outcome: Log::new(),
            first_by: Log::new(),
            decided: vec![Log::new(); n],
            seen: vec![0; n],
            yes: Log::new(),
            begun_at: Log::new(),
            transactions: 0,
            committed: 0,
            aborted: 0,
            commit_latency: Latencies::default(),
            locks: Vec::new(),
            blocked_total_ms: 0,
            blocked_longest_ms: 0,
            now: 0,
            settle_ms: p.settle_ms,
        }
    }

    /// Votes first, then decisions: a cohort's YES and a COMMIT can come in one step.
    fn check(&mut self, p: &Commit, step: &StepView<Commit>, found: &mut Findings) {
        self.now = step.now;
        for &id in step.touched {
            self.audit_role(id, &step.nodes[id], step.now);
        }
        for &id in step.touched {
            self.audit_log(p, id, &step.nodes[id], step.now, found);
        }
    }

    fn judge_end(&self, p: &Commit, end: &EndState, found: &mut Findings) {
        end.report_starving(
            self.settle_ms,
            &DECIDES_WHEN_HEALTHY,
            ("client", "has no outcome", "every node up and the network whole"),
            found,
        );
        let Some(since) = end.healthy_since else { return };
        let stuck = self
            .locks
            .iter()
            .filter(|&&(_, _, from, _)| from.max(since) + self.settle_ms + 20 * end.slowest_ms <= end.now);
        for &(id, tx, from, _) in stuck.take(3) {
            {
                found.violated_at(
                    &DECIDES_WHEN_HEALTHY,
                    format!(
                        "{} has held its lock on t{tx} since {from} ms, with every node up and the network whole since {since} ms",
                        p.node_name(id)
                    ),
                    vec![id],
                );
            }
        }
    }

    fn metrics(&self, messages: u64) -> Vec<(&'static str, f64)> {
        let decided = (self.committed + self.aborted) as f64;
        let ongoing = self.locks.iter().filter_map(|&(_, _, _, blocked)| blocked.map(|from| self.now - from));
        let (total, longest) =
            ongoing.fold((self.blocked_total_ms, self.blocked_longest_ms), |(t, l), span| (t + span, l.max(span)));
        vec![
            ("transactions", self.transactions as f64),
            ("committed", self.committed as f64),
            ("aborted", self.aborted as f64),
            ("messages_per_transaction", if decided == 0.0 { 0.0 } else { messages as f64 / decided }),
            ("blocked_ms", total as f64),
            ("longest_blocked_ms", longest as f64),
        ]
    }

    fn distributions(&self) -> Vec<(&'static str, Distribution)> {
        vec![("commit_latency_ms", self.commit_latency.distribution())]
    }
}
