//! A Paxos node: one role, and what of it survives a crash.

use crate::sim::log::Log;

use super::Paxos;
use super::acceptor::Acceptor;
use super::learner::Learner;
use super::msg::{Ballot, Value};
use super::proposer::Proposer;

pub type Ctx<'a> = crate::sim::ctx::Ctx<'a, Paxos>;

#[derive(Clone, Debug, Hash)]
pub enum Node {
    Proposer(Proposer),
    Acceptor(Acceptor),
    Learner(Learner),
}

/// What a node has on disk (each role uses its own part).
#[derive(Clone, Debug, Default)]
pub struct Durable {
    /// A proposer's highest round.
    pub round: u32,
    /// An acceptor's promise and acceptances.
    pub promised: Ballot,
    pub accepted: Log<Option<(Ballot, Value)>>,
    /// A learner's learned values.
    pub learned: Log<Option<Value>>,
}
