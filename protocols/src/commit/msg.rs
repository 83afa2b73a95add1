//! What 2PC and 3PC say to each other, and what they write in their logs.

use std::fmt;

use crate::sim::time::RequestId;

/// A transaction, named by the client request that began it (a retry names the same one).
pub type Tx = RequestId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Commit,
    Abort,
}

/// Where a node stands in one transaction: what a cohort reports when
/// asked (cooperative termination, 3PC's termination protocol).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum State {
    /// Has not voted (INIT): may still abort on its own.
    #[default]
    Init,
    /// Voted YES and waits for the outcome (2PC's PREPARED, 3PC's WAIT):
    /// uncertain, it may not decide alone.
    Ready,
    /// 3PC: has heard that everyone voted YES.
    PreCommitted,
    Committed,
    Aborted,
}

impl State {
    pub fn decided(self) -> Option<Outcome> {
        match self {
            State::Committed => Some(Outcome::Commit),
            State::Aborted => Some(Outcome::Abort),
            _ => None,
        }
    }

    pub fn of(outcome: Outcome) -> State {
        match outcome {
            Outcome::Commit => State::Committed,
            Outcome::Abort => State::Aborted,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            State::Init => "INIT",
            State::Ready => "PREPARED",
            State::PreCommitted => "PRE-COMMITTED",
            State::Committed => "COMMITTED",
            State::Aborted => "ABORTED",
        }
    }
}

/// One line of a node's write-ahead log: a promise or a decision, written
/// (persisted) before the message that announces it leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Record {
    /// A cohort's YES vote: its work is saved and its lock held.
    Prepared(Tx),
    /// 3PC: the coordinator is about to send PreCommit, or a cohort received it.
    PreCommitted(Tx),
    Decided(Tx, Outcome),
    /// The coordinator heard every acknowledgement and forgets the transaction.
    Ended(Tx),
}

impl Record {
    pub fn tx(self) -> Tx {
        match self {
            Record::Prepared(tx) | Record::PreCommitted(tx) | Record::Decided(tx, _) | Record::Ended(tx) => tx,
        }
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Record::Prepared(tx) => write!(f, "t{tx} prepared"),
            Record::PreCommitted(tx) => write!(f, "t{tx} pre-commit"),
            Record::Decided(tx, Outcome::Commit) => write!(f, "t{tx} commit"),
            Record::Decided(tx, Outcome::Abort) => write!(f, "t{tx} abort"),
            Record::Ended(tx) => write!(f, "t{tx} end"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Phase 1: 2PC's PREPARE, 3PC's CanCommit?. `vote_no` stands for the
    /// cohort's own reason to refuse (a constraint that fails), chosen by the client.
    Prepare {
        tx: Tx,
        vote_no: bool,
    },
    Vote {
        tx: Tx,
        yes: bool,
    },
    /// 3PC's second phase: everyone voted YES.
    PreCommit {
        tx: Tx,
    },
    PreCommitAck {
        tx: Tx,
    },
    /// The outcome: COMMIT (3PC's DoCommit) or ABORT.
    Decision {
        tx: Tx,
        outcome: Outcome,
    },
    Ack {
        tx: Tx,
    },
    /// Where do you stand in `tx`? (a restarted cohort, cooperative
    /// termination, 3PC's termination protocol collecting states)
    StateRequest {
        tx: Tx,
    },
    StateReply {
        tx: Tx,
        state: State,
    },
}

impl Msg {
    pub fn label(&self) -> String {
        match self {
            Msg::Prepare { tx, .. } => format!("PREPARE t{tx}"),
            Msg::Vote { tx, yes: true } => format!("YES t{tx}"),
            Msg::Vote { tx, yes: false } => format!("NO t{tx}"),
            Msg::PreCommit { tx } => format!("PRE-COMMIT t{tx}"),
            Msg::PreCommitAck { tx } => format!("ACK pre t{tx}"),
            Msg::Decision { tx, outcome: Outcome::Commit } => format!("COMMIT t{tx}"),
            Msg::Decision { tx, outcome: Outcome::Abort } => format!("ABORT t{tx}"),
            Msg::Ack { tx } => format!("ACK t{tx}"),
            Msg::StateRequest { tx } => format!("STATE? t{tx}"),
            Msg::StateReply { tx, state } => format!("{} t{tx}", state.word()),
        }
    }
}
