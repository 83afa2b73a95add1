//! The replicated types as join-semilattices (Shapiro et al., §2–3): each
//! state merges with any other by a join that is commutative, associative
//! and idempotent, and every local update moves the state up the order. A
//! replica can then merge whatever arrives, in any order, any number of
//! times, and replicas that have seen the same updates hold the same state.

use std::fmt;

use crate::raft::msg::Key;
use crate::sim::time::{NodeId, Time};

/// An add's unique tag: the replica that added, and its count of operations then.
pub type Tag = (u8, u64);

/// A timestamp of last-writer-wins: the writer's clock, ties broken by replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub at: Time,
    pub by: u8,
}

/// One replica's state of one type (or of a broken variant's stand-in).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Increments per replica; merge takes the larger of each entry.
    GCounter(Vec<u64>),
    /// Increments and decrements, each a grow-only counter.
    PnCounter { p: Vec<u64>, n: Vec<u64> },
    /// `naive-counter`: one number; merge keeps the larger, so concurrent
    /// increments count once.
    Naive(i64),
    /// The value with the largest stamp.
    Lww(Option<(Stamp, i64)>),
    /// Observed-remove set: every add with its tag, and the tags removed
    /// (both sorted); an element is in while one of its tags is not removed.
    OrSet { adds: Vec<(Key, Tag)>, removed: Vec<Tag> },
    /// `remove-wins-set-without-tags`: elements added and removed, by
    /// element: once removed anywhere, a concurrent add vanishes.
    NaiveSet { added: Vec<Key>, removed: Vec<Key> },
    /// Multi-value register: the concurrent values, each with the version
    /// vector of its write (sorted); a write replaces the values it has seen.
    Mv(Vec<(Vec<u64>, i64)>),
}

/// `a` ≤ `b` entry by entry (missing entries count as 0).
pub fn dominated(a: &[u64], b: &[u64]) -> bool {
    a.iter().enumerate().all(|(i, &x)| x <= b.get(i).copied().unwrap_or(0))
}

/// The entry-wise maximum, into `a`.
pub fn join_vectors(a: &mut Vec<u64>, b: &[u64]) {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, &y) in a.iter_mut().zip(b) {
        *x = (*x).max(y);
    }
}

/// The sorted union of two sorted lists, by walking both (no sort: each
/// sort of another element type would be one more copy of it in the wasm).
fn union<T: Ord + Clone>(a: &mut Vec<T>, b: &[T]) {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j == b.len() || (i < a.len() && a[i] <= b[j]);
        let next = if take_a { &a[i] } else { &b[j] };
        if out.last() != Some(next) {
            out.push(next.clone());
        }
        if take_a { i += 1 } else { j += 1 }
    }
    *a = out;
}

fn subset<T: Ord>(a: &[T], b: &[T]) -> bool {
    a.iter().all(|x| b.binary_search(x).is_ok())
}

impl State {
    /// Merges `other` into this state (the join). Both are of one type.
    pub fn merge(&mut self, other: &State) {
        match (self, other) {
            (State::GCounter(a), State::GCounter(b)) => join_vectors(a, b),
            (State::PnCounter { p, n }, State::PnCounter { p: q, n: m }) => {
                join_vectors(p, q);
                join_vectors(n, m);
            }
            (State::Naive(a), State::Naive(b)) => *a = (*a).max(*b),
            (State::Lww(a), State::Lww(b)) => *a = (*a).max(*b),
            (State::OrSet { adds, removed }, State::OrSet { adds: more, removed: gone }) => {
                union(adds, more);
                union(removed, gone);
            }
            (State::NaiveSet { added, removed }, State::NaiveSet { added: more, removed: gone }) => {
                union(added, more);
                union(removed, gone);
            }
            (State::Mv(a), State::Mv(b)) => {
                union(a, b);
                // Keep only the values no other value's write has seen.
                let all = a.clone();
                a.retain(|(vv, _)| !all.iter().any(|(w, _)| w != vv && dominated(vv, w)));
            }
            _ => debug_assert!(false, "merging states of two types"),
        }
    }

    /// Whether this state is below or equal to `other` in the type's order:
    /// merging it into `other` would change nothing.
    pub fn below(&self, other: &State) -> bool {
        match (self, other) {
            (State::GCounter(a), State::GCounter(b)) => dominated(a, b),
            (State::PnCounter { p, n }, State::PnCounter { p: q, n: m }) => dominated(p, q) && dominated(n, m),
            (State::Naive(a), State::Naive(b)) => a <= b,
            (State::Lww(a), State::Lww(b)) => a <= b,
            (State::OrSet { adds, removed }, State::OrSet { adds: more, removed: gone }) => {
                subset(adds, more) && subset(removed, gone)
            }
            (State::NaiveSet { added, removed }, State::NaiveSet { added: more, removed: gone }) => {
                subset(added, more) && subset(removed, gone)
            }
            (State::Mv(a), State::Mv(b)) => a.iter().all(|(vv, _)| b.iter().any(|(w, _)| dominated(vv, w))),
            _ => false,
        }
    }

    /// The elements in an OR-set (or the naive set), sorted.
    pub fn elements(&self) -> Vec<Key> {
        match self {
            State::OrSet { adds, removed } => {
                let mut live: Vec<Key> =
                    adds.iter().filter(|(_, tag)| removed.binary_search(tag).is_err()).map(|(e, _)| *e).collect();
                live.dedup();
                live
            }
            State::NaiveSet { added, removed } => {
                added.iter().filter(|e| removed.binary_search(e).is_err()).copied().collect()
            }
            _ => Vec::new(),
        }
    }

    /// A counter's value (0 for the other types).
    pub fn count(&self) -> i64 {
        let sum = |v: &[u64]| v.iter().sum::<u64>() as i64;
        match self {
            State::GCounter(v) => sum(v),
            State::PnCounter { p, n } => sum(p) - sum(n),
            State::Naive(v) => *v,
            _ => 0,
        }
    }

    /// About how many bytes the state takes on a wire.
    pub fn size(&self) -> usize {
        match self {
            State::GCounter(v) => 8 * v.len(),
            State::PnCounter { p, n } => 8 * (p.len() + n.len()),
            State::Naive(_) => 8,
            State::Lww(_) => 24,
            State::OrSet { adds, removed } => 24 * adds.len() + 16 * removed.len(),
            State::NaiveSet { added, removed } => 8 * (added.len() + removed.len()),
            State::Mv(values) => values.iter().map(|(vv, _)| 8 + 8 * vv.len()).sum(),
        }
    }
}

/// The value a client reads: "7", "{a, c}", "x = 5", "{3 | 4}".
impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            State::GCounter(_) | State::PnCounter { .. } | State::Naive(_) => write!(f, "{}", self.count()),
            State::Lww(None) => f.write_str("unset"),
            State::Lww(Some((_, v))) => write!(f, "{v}"),
            State::OrSet { .. } | State::NaiveSet { .. } => {
                let elements: Vec<String> = self.elements().iter().map(|e| e.to_string()).collect();
                write!(f, "{{{}}}", elements.join(", "))
            }
            State::Mv(values) if values.is_empty() => f.write_str("unset"),
            State::Mv(values) => {
                let mut values: Vec<i64> = values.iter().map(|&(_, v)| v).collect();
                values.sort_unstable();
                let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                write!(f, "{{{}}}", values.join(" | "))
            }
        }
    }
}

/// A version vector as the lab shows it: "[A1 B0 C2]".
pub fn show_vector(v: &[u64], name: &dyn Fn(NodeId) -> String) -> String {
    let entries: Vec<String> = v.iter().enumerate().map(|(i, n)| format!("{}{n}", name(i))).collect();
    format!("[{}]", entries.join(" "))
}
