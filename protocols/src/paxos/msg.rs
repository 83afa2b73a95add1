//! What Paxos roles say to each other ("Paxos Made Simple", §2.2–2.3):
//! `prepare` and `promise` (phase 1), `accept` and `accepted` (phase 2),
//! and the refusal an acceptor sends when it has promised a higher ballot.

use std::fmt;

use crate::raft::msg::{Command, Key};
use crate::sim::time::RequestId;

/// A position in Multi-Paxos' sequence of instances, from 1 (single-decree Paxos uses slot 0 only).
pub type Slot = u64;

/// A proposal number: unique per proposer because it carries the
/// proposer's number, and ordered by round first. Round 0 is "none yet".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ballot {
    pub round: u32,
    /// The proposer's number among the proposers, from 0.
    pub proposer: u8,
}

impl Ballot {
    pub const NONE: Ballot = Ballot { round: 0, proposer: 0 };

    pub fn is_none(self) -> bool {
        self.round == 0
    }
}

/// "3.1": round 3 of proposer P1.
impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.is_none() { f.write_str("none") } else { write!(f, "{}.{}", self.round, self.proposer + 1) }
    }
}

/// What an instance decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// Single-decree Paxos: a value a client proposed ("x").
    Plain { request: RequestId, text: Key },
    /// Multi-Paxos: a command for the replicas' key-value store, or the
    /// no-op a new leader puts in a slot no one reported.
    Command(Command),
}

impl Value {
    /// The client request this value came from, if any (a no-op has none).
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Value::Plain { request, .. } => Some(*request),
            Value::Command(command) => command.request(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Value::Plain { text, .. } => write!(f, "{text}"),
            Value::Command(command) => write!(f, "{command}"),
        }
    }
}

/// An acceptor's acceptance: `value` in `slot` under `ballot`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Accepted {
    pub slot: Slot,
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Phase 1a: "promise not to accept ballots below `ballot`, and tell me
    /// what you accepted in slots from `from_slot` on".
    Prepare { ballot: Ballot, from_slot: Slot },
    /// Phase 1b: the promise, with the acceptor's highest-ballot acceptance
    /// in each of those slots.
    Promise { ballot: Ballot, accepted: Vec<Accepted> },
    /// Phase 2a: "accept `value` in `slot` under `ballot`".
    Accept(Accepted),
    /// Phase 2b, to the learners and the ballot's proposer.
    Accepted(Accepted),
    /// The acceptor has promised `promised`, above `ballot`: the proposer of
    /// `ballot` should give it up.
    Nack { ballot: Ballot, promised: Ballot },
    /// Multi-Paxos: the leader of `ballot` is alive; other proposers hold off.
    Heartbeat { ballot: Ballot },
}

impl Msg {
    /// Bytes on a wire: a header of 24, 8 per number, 16 per value.
    pub fn size(&self) -> usize {
        24 + match self {
            Msg::Prepare { .. } => 16,
            Msg::Promise { accepted, .. } => 8 + 32 * accepted.len(),
            Msg::Accept(_) | Msg::Accepted(_) => 32,
            Msg::Nack { .. } => 16,
            Msg::Heartbeat { .. } => 8,
        }
    }

    /// "Prepare 3.1", "Promise 3.1 (2.2, x)", "Accept 3.1 #4 x=5".
    pub fn label(&self) -> String {
        // Single-decree Paxos has only slot 0; Multi-Paxos counts slots from 1.
        let slot = |a: &Accepted| if a.slot == 0 { String::new() } else { format!(" #{}", a.slot) };
        match self {
            Msg::Prepare { ballot, .. } => format!("Prepare {ballot}"),
            Msg::Promise { ballot, accepted } => match accepted.as_slice() {
                [] => format!("Promise {ballot} (none)"),
                [a] => format!("Promise {ballot} ({}, {}){}", a.ballot, a.value, slot(a)),
                all => format!("Promise {ballot} ({} accepted)", all.len()),
            },
            Msg::Accept(a) => format!("Accept {}{} {}", a.ballot, slot(a), a.value),
            Msg::Accepted(a) => format!("Accepted {}{} {}", a.ballot, slot(a), a.value),
            Msg::Nack { ballot, promised } => format!("Nack {ballot} < {promised}"),
            Msg::Heartbeat { ballot } => format!("Heartbeat {ballot}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_order_by_round_then_proposer_and_read_as_in_the_lab() {
        let b = |round, proposer| Ballot { round, proposer };
        assert!(b(1, 2) < b(2, 0) && b(2, 0) < b(2, 1));
        assert_eq!(b(3, 0).to_string(), "3.1");
        assert_eq!(Ballot::NONE.to_string(), "none");
        let x = Value::Plain { request: 0, text: Key::new("x").unwrap() };
        let a = Accepted { slot: 0, ballot: b(2, 1), value: x };
        assert_eq!(Msg::Promise { ballot: b(3, 0), accepted: vec![a] }.label(), "Promise 3.1 (2.2, x)");
        assert_eq!(Msg::Prepare { ballot: b(3, 0), from_slot: 0 }.label(), "Prepare 3.1");
    }
}
