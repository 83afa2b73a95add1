//! A Raft server's state (Figure 2, "State") and what every rule shares:
//! terms, the log, persistence, commit and apply. The rules themselves are
//! in [`election`](super::election), [`replication`](super::replication) and
//! [`client`](super::client).

use crate::sim::ctx::Delay;
use crate::sim::ids::IdSet;
use crate::sim::log::Log;
use crate::sim::time::{NodeId, RequestId, Time};

use super::kv::Kv;
use super::msg::{Command, Entry, Index, Key, Servers, Term};
use super::{Raft, Timer, Variant};

pub type Ctx<'a> = crate::sim::ctx::Ctx<'a, Raft>;

/// Heartbeat rounds whose sending time a leader keeps for its lease.
const ROUNDS_KEPT: usize = 16;

/// What a server keeps on stable storage (Figure 2, "Persistent state on
/// all servers"), as it was last written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Durable {
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    pub log: Log<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Follower,
    /// Asking whether it could win before it disturbs anyone's term (pre-vote).
    PreCandidate {
        votes: Servers,
    },
    Candidate {
        votes: Servers,
    },
    Leader(Box<Leader>),
}

/// Figure 2, "Volatile state on leaders", and what a leader waits for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Leader {
    /// For each server, the index of the next log entry to send it.
    pub next_index: Vec<Index>,
    /// For each server, the highest log entry known to be replicated on it.
    pub match_index: Vec<Index>,
    /// For each server, whether the leader is still looking for where its
    /// log agrees (one AppendEntries at a time, nextIndex moved only by
    /// answers) rather than streaming entries after a known match.
    pub probing: Vec<bool>,
    /// When each server last answered this leader (check-quorum).
    pub heard_at: Vec<Time>,
    /// The heartbeat round each server last answered (read index, lease).
    pub answered_round: Vec<u64>,
    pub round: u64,
    /// When the latest rounds were sent (this leader's clock), newest last.
    pub round_sent_at: Vec<(u64, Time)>,
    /// Until when (this leader's clock) no other leader can have been
    /// elected, if clocks drift within bounds: lease reads are served before it.
    pub lease_until: Time,
    /// Clients waiting here for their entry to be applied.
    pub clients: IdSet,
    /// Reads waiting for a read index to be confirmed and applied.
    pub reads: Vec<PendingRead>,
}

/// A read served by read index (§6.4): answered once a majority has
/// confirmed this leader in a round sent after the read arrived, and the
/// state machine has applied up to the commit index of that moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PendingRead {
    pub request: RequestId,
    pub key: Key,
    pub read_index: Index,
    pub round: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Server {
    pub id: NodeId,
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    pub log: Log<Entry>,
    /// How many log entries are known to be on disk already, so a write
    /// appends only the rest.
    on_disk: usize,
    /// Figure 2, "Volatile state on all servers": lost in a crash.
    pub commit_index: Index,
    pub last_applied: Index,
    pub role: Role,
    /// The leader of the current term, if known: where clients are sent.
    pub leader_id: Option<NodeId>,
    /// When this server last heard from a current leader (pre-vote and
    /// check-quorum let a server that has refuse to disturb it).
    pub heard_leader_at: Option<Time>,
    pub kv: Kv,
    /// The latest configuration in the log (a server uses it as soon as it
    /// is appended, dissertation §4.1), and the index of its entry.
    pub config: Servers,
    pub config_index: Index,
}

impl Server {
    pub fn new(id: NodeId, disk: Durable, initial: Servers) -> Server {
        let Durable { current_term, voted_for, log } = disk;
        let mut server = Server {
            id,
            current_term,
            voted_for,
            on_disk: log.len(),
            log,
            commit_index: 0,
            last_applied: 0,
            role: Role::Follower,
            leader_id: None,
            heard_leader_at: None,
            kv: Kv::default(),
            config: initial,
            config_index: 0,
        };
        server.find_config(initial);
        server
    }

    // ----- the log, counted from 1 -----------------------------------------

    pub fn last_log_index(&self) -> Index {
        self.log.len() as Index
    }

    /// The term of the entry at `index` (0 for index 0 and past the end).
    pub fn term_at(&self, index: Index) -> Term {
        self.entry(index).map_or(0, |e| e.term)
    }

    pub fn entry(&self, index: Index) -> Option<&Entry> {
        self.log.get(usize::try_from(index).ok()?.checked_sub(1)?)
    }

    pub fn last_log_term(&self) -> Term {
        self.term_at(self.last_log_index())
    }

    /// Appends an entry and, if it is a configuration, starts using it.
    pub fn append(&mut self, entry: Entry) {
        self.log.push(entry);
        if let Command::Config { servers, .. } = entry.command {
            (self.config, self.config_index) = (servers, self.last_log_index());
        }
    }

    /// Deletes the entries from `index` on (a conflict, §5.3), falling back
    /// to an earlier configuration if its entry goes.
    pub fn truncate_from(&mut self, index: Index, initial: Servers) {
        self.log.truncate(index as usize - 1);
        self.on_disk = self.on_disk.min(self.log.len());
        if self.config_index >= index {
            self.find_config(initial);
        }
    }

    /// The latest configuration entry in the log, or the initial one.
    fn find_config(&mut self, initial: Servers) {
        (self.config, self.config_index) = (initial, 0);
        for index in (1..=self.last_log_index()).rev() {
            if let Some(Entry { command: Command::Config { servers, .. }, .. }) = self.entry(index) {
                (self.config, self.config_index) = (*servers, index);
                return;
            }
        }
    }

    /// Writes the durable state to `disk`, appending only the log entries
    /// not there yet. `forget_vote` is the broken variant that never writes
    /// `voted_for`.
    pub fn write(&mut self, disk: &mut Durable, forget_vote: bool) {
        disk.current_term = self.current_term;
        disk.voted_for = if forget_vote { None } else { self.voted_for };
        let kept = self.on_disk.min(disk.log.len()).min(self.log.len());
        disk.log.truncate(kept);
        for e in self.log.iter_from(kept) {
            disk.log.push(*e);
        }
        self.on_disk = self.log.len();
    }

    /// The other servers in this server's configuration.
    pub fn peers(&self, nodes: usize) -> impl Iterator<Item = NodeId> + use<> {
        let me = self.id;
        self.config.iter().filter(move |&s| s != me && s < nodes)
    }

    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    pub fn leader(&mut self) -> Option<&mut Leader> {
        match &mut self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    // ----- rules every server follows --------------------------------------

    /// "All servers: if RPC request or response contains term T >
    /// currentTerm: set currentTerm = T, convert to follower" (§5.1).
    /// Returns whether the term was newer.
    pub fn observe_term(&mut self, raft: &Raft, ctx: &mut Ctx, term: Term) -> bool {
        if term <= self.current_term {
            return false;
        }
        if self.is_leader() {
            ctx.note(format_args!("steps down: term {term} is newer than {}", self.current_term));
        }
        self.current_term = term;
        self.voted_for = None;
        self.leader_id = None;
        ctx.persist();
        self.become_follower(raft, ctx);
        true
    }

    /// Becomes a follower of the current term, waiting a full election timeout.
    pub fn become_follower(&mut self, raft: &Raft, ctx: &mut Ctx) {
        if !matches!(self.role, Role::Follower) {
            ctx.cancel_timer(Timer::Heartbeat);
        }
        self.role = Role::Follower;
        self.arm_election(raft, ctx);
    }

    /// A randomized election timeout (§5.2), so that split votes are rare.
    pub fn arm_election(&self, raft: &Raft, ctx: &mut Ctx) {
        let [lo, hi] = raft.timing.election_ms;
        ctx.set_timer(Timer::Election, Delay::Between(lo, hi));
    }

    /// Starts heartbeat round `round + 1`, noting when it leaves.
    pub fn next_round(&mut self, now: Time) {
        if let Some(leader) = self.leader() {
            leader.round += 1;
            leader.round_sent_at.push((leader.round, now));
            if leader.round_sent_at.len() > ROUNDS_KEPT {
                leader.round_sent_at.remove(0);
            }
        }
    }

    /// "All servers: if commitIndex > lastApplied: increment lastApplied,
    /// apply log[lastApplied] to state machine" (§5.3). A leader answers the
    /// clients waiting for what it applies.
    pub fn apply_committed(&mut self, raft: &Raft, ctx: &mut Ctx) {
        let dedup = raft.variant != Variant::NoSessionTable;
        while self.last_applied < self.commit_index {
            self.last_applied += 1;
            let Some(entry) = self.entry(self.last_applied).copied() else { break };
            let reply = self.kv.apply(self.last_applied, &entry.command, dedup);
            if let (Some(request), Role::Leader(leader)) = (entry.command.request(), &mut self.role)
                && leader.clients.remove(request)
            {
                ctx.reply(request, reply);
            }
        }
        self.serve_reads(ctx);
    }
}
