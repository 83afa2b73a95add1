//! A node's state: its write-ahead log, where it stands in each transaction,
//! and its role's volatile state; and what a restart rebuilds from the log.

use crate::sim::log::Log;
use crate::sim::nodes::NodeSet;
use crate::sim::time::{NodeId, Time};

use super::Commit;
use super::msg::{Outcome, Record, State, Tx};

pub type Ctx<'a> = crate::sim::ctx::Ctx<'a, Commit>;

/// Transaction ids beyond this are not tracked per node (ids are client
/// request ids, dense from 0; an hour at the busiest workload stays far below).
pub const MAX_TX: Tx = 1 << 22;

#[derive(Clone, Debug, Hash)]
pub struct Node {
    pub id: NodeId,
    /// The write-ahead log as written; what a crash keeps is what was persisted.
    pub wal: Log<Record>,
    /// Where this node stands in each transaction, by id (rebuilt from the log).
    pub states: Log<State>,
    pub role: Role,
}

#[derive(Clone, Debug, Hash)]
pub enum Role {
    Coordinator(Coordinator),
    Cohort(Cohort),
}

/// The coordinator decides many transactions at once, each on its own
/// (they touch different rows, so their locks never conflict).
#[derive(Clone, Debug, Default, Hash)]
pub struct Coordinator {
    /// The transactions being decided.
    pub active: Vec<Active>,
    /// Decided transactions not yet acknowledged by every cohort: the
    /// decision is sent again until they are.
    pub unacked: Vec<(Tx, Outcome, NodeSet)>,
    /// After a restart (3PC): transactions it had pre-committed but not
    /// decided, settled by collecting the cohorts' states, with the cohorts
    /// that answered they are uncertain.
    pub recovering: Vec<(Tx, NodeSet)>,
}

#[derive(Clone, Debug, Hash)]
pub struct Active {
    pub tx: Tx,
    pub yes: NodeSet,
    /// 3PC: the cohorts that acknowledged PreCommit, once every vote was YES.
    pub pre_committed: Option<NodeSet>,
}

#[derive(Clone, Debug, Default, Hash)]
pub struct Cohort {
    /// The locks YES votes hold until their outcomes are known, one per transaction.
    pub locks: Vec<Lock>,
    /// 3PC: the termination protocols this cohort runs.
    pub terminations: Vec<Termination>,
}

#[derive(Clone, Copy, Debug, Hash)]
pub struct Lock {
    pub tx: Tx,
    /// When it was taken (this node's clock).
    pub since: Time,
    /// Taken again from the log after a restart: this cohort cannot tell
    /// what was decided while it was down, so it asks and never decides abort
    /// for want of answers (3PC).
    pub recovered: bool,
    /// Since when (this node's clock) it has waited past its patience for an
    /// outcome it cannot decide alone: blocking.
    pub blocked_since: Option<Time>,
}

/// 3PC's termination protocol as one cohort runs it: collect the states of
/// the nodes it can reach; the lowest-numbered responder acts as recovery
/// coordinator.
#[derive(Clone, Debug, Hash)]
pub struct Termination {
    pub tx: Tx,
    pub replies: Vec<(NodeId, State)>,
    /// Set once this cohort, as recovery coordinator, has sent PreCommit to
    /// the uncertain responders: the ones that acknowledged so far.
    pub pre_committing: Option<NodeSet>,
}

impl Node {
    /// A node starting from its log: the first time an empty one, after a
    /// crash whatever it had persisted.
    pub fn new(id: NodeId, wal: Log<Record>, coordinator: NodeId) -> Node {
        let mut node = Node { id, wal: Log::new(), states: Log::new(), role: Role::Cohort(Cohort::default()) };
        if id == coordinator {
            node.role = Role::Coordinator(Coordinator::default());
        }
        for record in wal.iter() {
            node.replay(*record);
        }
        node.wal = wal;
        node.recover();
        node
    }

    fn replay(&mut self, record: Record) {
        match record {
            Record::Prepared(tx) => self.set_state(tx, State::Ready),
            Record::PreCommitted(tx) => self.set_state(tx, State::PreCommitted),
            Record::Decided(tx, outcome) => self.set_state(tx, State::of(outcome)),
            Record::Ended(_) => {}
        }
    }

    /// What the log says is unfinished: a cohort's lock on a prepared
    /// transaction, a coordinator's decisions not known to be acknowledged.
    fn recover(&mut self) {
        let unfinished = self.unfinished();
        match &mut self.role {
            Role::Cohort(cohort) => {
                let undecided = unfinished.iter().filter(|(_, s)| s.decided().is_none());
                cohort.locks =
                    undecided.map(|&(tx, _)| Lock { tx, since: 0, recovered: true, blocked_since: None }).collect();
            }
            Role::Coordinator(c) => {
                for (tx, state) in unfinished {
                    match state.decided() {
                        Some(outcome) => c.unacked.push((tx, outcome, NodeSet::default())),
                        None => c.recovering.push((tx, NodeSet::default())),
                    }
                }
            }
        }
    }

    /// Transactions in the log not yet ended, with where this node stands
    /// (sorted, not searched per record: a log holds an hour of transactions).
    fn unfinished(&self) -> Vec<(Tx, State)> {
        let (mut ended, mut open) = (Vec::new(), Vec::new());
        for record in self.wal.iter() {
            match record {
                Record::Ended(tx) => ended.push(*tx),
                other => open.push(other.tx()),
            }
        }
        ended.sort_unstable();
        open.sort_unstable();
        open.dedup();
        open.into_iter().filter(|tx| ended.binary_search(tx).is_err()).map(|tx| (tx, self.state(tx))).collect()
    }

    pub fn state(&self, tx: Tx) -> State {
        usize::try_from(tx).ok().and_then(|i| self.states.get(i)).copied().unwrap_or_default()
    }

    pub fn set_state(&mut self, tx: Tx, state: State) {
        if tx <= MAX_TX {
            self.states.put(tx as usize, state, State::Init);
        }
    }

    /// Writes `record` to the log; `ctx.persist()` makes it survive a crash.
    pub fn write(&mut self, ctx: &mut Ctx, record: Record) {
        self.replay(record);
        self.wal.push(record);
        ctx.persist();
    }

    pub fn cohort(&mut self) -> Option<&mut Cohort> {
        match &mut self.role {
            Role::Cohort(c) => Some(c),
            Role::Coordinator(_) => None,
        }
    }
}
