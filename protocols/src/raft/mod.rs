//! # Raft
//!
//! Ongaro and Ousterhout, "In Search of an Understandable Consensus
//! Algorithm (Extended Version)", and Ongaro's dissertation "Consensus:
//! Bridging Theory and Practice" for pre-vote, check-quorum, read index,
//! client sessions and membership changes. Names follow Figure 2.
//!
//! Where to look:
//! - [`server`]: the state of Figure 2, persistence, commit and apply;
//! - [`election`]: timeouts, RequestVote, pre-vote, check-quorum — where a
//!   server decides to vote is [`Server::on_request_vote`](server::Server::on_request_vote);
//! - [`replication`]: AppendEntries, backtracking, the commit rule;
//! - [`client`]: client requests, reads, membership changes;
//! - [`kv`]: the key-value state machine and its session table;
//! - [`props`]: the properties of §5.4 (Figure 3), judged on what servers applied.
//!
//! Variants that break one rule on purpose: `no-up-to-date-check`,
//! `commit-old-term` (Figure 8), `forget-vote`, `stale-read`, `no-session-table`.

pub mod client;
pub mod election;
pub mod kv;
pub mod msg;
pub mod props;
pub mod replication;
pub mod server;

use crate::sim::any::{ClientActionInfo, ProtocolInfo, VariantInfo};
use crate::sim::params::{ParamInfo, ParamKind, Params};
use crate::sim::protocol::{Facts, Protocol, Request, Start};
use crate::sim::rng::Stream;
use crate::sim::scenario::{Action, ClientAction, Scenario, ScenarioError};
use crate::sim::time::{NodeId, RequestId, Time, node_name};
use crate::sim::view::{Accent, Item, ItemState, NodeView, count};

use kv::Reply;
use msg::{Key, Msg, Servers};
use props::{Judge, PROPERTIES};
use server::{Ctx, Durable, Role, Server};

/// Which rule Raft breaks, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    /// Votes ignore how up-to-date the candidate's log is (§5.4.1).
    NoUpToDateCheck,
    /// A leader commits entries of earlier terms by counting replicas (Figure 8).
    CommitOldTerm,
    /// `voted_for` is never written to disk.
    ForgetVote,
    /// A leader answers reads from its own state without checking it still leads.
    StaleRead,
    /// The state machine has no session table: a retried put takes effect twice.
    NoSessionTable,
}

static VARIANTS: [VariantInfo; 6] = [
    VariantInfo::new("correct", "Raft as in Figure 2, with client sessions and linearizable reads"),
    VariantInfo::new(
        "no-up-to-date-check",
        "Votes ignore how up to date the candidate's log is: a leader can lack a committed entry",
    ),
    VariantInfo::new(
        "commit-old-term",
        "A new leader appends no entry of its own and commits earlier terms' entries by counting replicas (Figure 8 of the paper)",
    ),
    VariantInfo::new("forget-vote", "voted_for is not persisted: after a crash a server votes twice in one term"),
    VariantInfo::new("stale-read", "A leader answers reads locally without confirming it still leads"),
    VariantInfo::new(
        "no-session-table",
        "The state machine forgets which requests it applied: a retried put takes effect twice",
    ),
];

static PARAMS: [ParamInfo; 8] = [
    ParamInfo {
        name: "pre_vote",
        label: "Pre-vote",
        help: "A server asks whether it could win before it starts an election, so a returning server cannot disrupt a working leader",
        kind: ParamKind::Bool { default: false },
    },
    ParamInfo {
        name: "check_quorum",
        label: "Check quorum",
        help: "A leader that has not heard from a majority for an election timeout steps down, so clients stop waiting on a leader cut off in a minority",
        kind: ParamKind::Bool { default: false },
    },
    ParamInfo {
        name: "fast_backtrack",
        label: "Fast backtracking",
        help: "A follower that rejects AppendEntries says where its conflicting term starts, so the leader skips a whole term at a time",
        kind: ParamKind::Bool { default: false },
    },
    ParamInfo {
        name: "reads",
        label: "Reads",
        help: "log: a get is an entry in the log; read_index: the leader confirms it still leads with a heartbeat round; lease: the leader answers at once while a majority's recent answers promise no other leader yet",
        kind: ParamKind::Choice { choices: &["log", "read_index", "lease"], default: "log" },
    },
    ParamInfo {
        name: "max_drift_ppm",
        label: "Clock drift bound (ppm)",
        help: "How fast or slow any clock may run, in millionths, that lease reads assume: a lease is the election timeout shortened by twice this",
        kind: ParamKind::Int { min: 0, max: 200_000, default: 10_000 },
    },
    ParamInfo {
        name: "election_timeout_ms",
        label: "Election timeout (ms, 0: auto)",
        help: "The shortest election timeout; each is drawn between it and twice it. 0 tunes it to the network's latency",
        kind: ParamKind::Int { min: 0, max: 60_000, default: 0 },
    },
    ParamInfo {
        name: "heartbeat_ms",
        label: "Heartbeat (ms, 0: auto)",
        help: "How often a leader sends AppendEntries when idle. 0 tunes it to the network's latency",
        kind: ParamKind::Int { min: 0, max: 30_000, default: 0 },
    },
    ParamInfo {
        name: "initial_members",
        label: "Initial members (0: all)",
        help: "How many servers (the first ones) start in the cluster; the others can be added. 0 means all",
        kind: ParamKind::Int { min: 0, max: 9, default: 0 },
    },
];

static INFO: ProtocolInfo = ProtocolInfo {
    name: "raft",
    title: "Raft",
    node_noun: "server",
    client_noun: "client",
    variants: &VARIANTS,
    properties: &PROPERTIES,
    params: &PARAMS,
    client_actions: &[
        kv::PUT,
        kv::GET,
        ClientActionInfo { name: "add_server", label: "Add this server to the cluster", fields: &[] },
        ClientActionInfo { name: "remove_server", label: "Remove this server from the cluster", fields: &[] },
    ],
    min_nodes: 3,
    max_nodes: 9,
    role_params: &[],
};

/// What a client asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Put { key: Key, value: i64 },
    Get { key: Key },
    AddServer { server: NodeId },
    RemoveServer { server: NodeId },
}

/// How gets are served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// Through the log, as an entry.
    Log,
    /// By read index (dissertation §6.4).
    ReadIndex,
    /// From the leader's state while its lease holds (dissertation §6.4.1),
    /// else by read index.
    Lease,
}

/// Raft's clocks, in virtual ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub heartbeat_ms: Time,
    /// Each election timeout is drawn from this range.
    pub election_ms: [Time; 2],
}

impl Timing {
    /// Clocks tuned to the slowest link the scenario starts with, as the
    /// paper advises (broadcast time ≪ election timeout), unless set.
    pub fn new(slowest_ms: Time, heartbeat_ms: Time, election_ms: Time) -> Result<Timing, ScenarioError> {
        let heartbeat_ms = if heartbeat_ms > 0 { heartbeat_ms } else { 50 + slowest_ms };
        let lo = if election_ms > 0 { election_ms } else { (2 * (heartbeat_ms + slowest_ms)).max(300) };
        if heartbeat_ms >= lo {
            return Err(ScenarioError(format!(
                "params.heartbeat_ms ({heartbeat_ms}) must be shorter than the election timeout ({lo} ms), or followers start elections against a working leader"
            )));
        }
        Ok(Timing { heartbeat_ms, election_ms: [lo, 2 * lo] })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// A follower's (or candidate's) patience; a leader's check-quorum.
    Election,
    /// A leader's AppendEntries round; a candidate's retry of RequestVote.
    Heartbeat,
}

/// Raft's configuration for one run.
#[derive(Clone, Debug)]
pub struct Raft {
    pub nodes: usize,
    pub variant: Variant,
    pub timing: Timing,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub fast_backtrack: bool,
    pub reads: Reads,
    /// How long a lease lasts after the heartbeat round a majority answered
    /// was sent: the shortest election timeout, less what clocks drifting
    /// within `max_drift_ppm` could take off it.
    pub lease_ms: Time,
    /// The configuration every server starts with.
    pub initial: Servers,
    /// Whether the scenario changes the membership (then "healthy" asks for everyone).
    pub changes_membership: bool,
    /// How long a healthy majority needs to serve a retrying client (for the
    /// liveness judgement), before adding a few round trips.
    pub settle_ms: Time,
}

fn variant(name: &str) -> Variant {
    match name {
        "no-up-to-date-check" => Variant::NoUpToDateCheck,
        "commit-old-term" => Variant::CommitOldTerm,
        "forget-vote" => Variant::ForgetVote,
        "stale-read" => Variant::StaleRead,
        "no-session-table" => Variant::NoSessionTable,
        _ => Variant::Correct,
    }
}

impl Protocol for Raft {
    type Node = Server;
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Op = Op;
    type Reply = Reply;
    type Monitor = Judge;

    fn info() -> &'static ProtocolInfo {
        &INFO
    }

    fn configure(scenario: &Scenario, params: &Params) -> Result<Raft, ScenarioError> {
        let n = scenario.nodes;
        if !(INFO.min_nodes..=INFO.max_nodes).contains(&n) {
            return Err(ScenarioError(format!("Raft runs on 3 to 9 servers, not {n}")));
        }
        let members = params.int("initial_members") as usize;
        if members > n {
            return Err(ScenarioError(format!(
                "params.initial_members is {members}, but the scenario has only {n} servers"
            )));
        }
        let ms = |name| params.int(name) as Time;
        let timing = Timing::new(scenario.network.latency_ms[1], ms("heartbeat_ms"), ms("election_timeout_ms"))?;
        let changes_membership = scenario
            .timeline
            .iter()
            .any(|e| matches!(&e.action, Action::Client(c) if c.name == "add_server" || c.name == "remove_server"));
        Ok(Raft {
            nodes: n,
            variant: variant(&scenario.variant),
            settle_ms: 2 * timing.election_ms[1] + 2 * scenario.workload.retry_after_ms,
            lease_ms: timing.election_ms[0] * (1_000_000 - 2 * params.int("max_drift_ppm") as Time) / 1_000_000,
            timing,
            pre_vote: params.bool("pre_vote"),
            check_quorum: params.bool("check_quorum"),
            fast_backtrack: params.bool("fast_backtrack"),
            reads: match params.choice("reads") {
                "read_index" => Reads::ReadIndex,
                "lease" => Reads::Lease,
                _ => Reads::Log,
            },
            initial: Servers::first(if members == 0 { n } else { members }),
            changes_membership,
        })
    }

    fn parse_op(&self, action: &ClientAction) -> Result<Op, String> {
        let key = || kv::key_of(action, "key");
        match action.name.as_str() {
            "put" => Ok(Op::Put { key: key()?, value: kv::value_of(action) }),
            "get" => Ok(Op::Get { key: key()? }),
            "add_server" => Ok(Op::AddServer { server: action.node }),
            _ => Ok(Op::RemoveServer { server: action.node }),
        }
    }

    /// A client asks any server at random to put or get one of a few keys
    /// (the value of a put is its request ID, so every value is distinct).
    fn workload_request(&self, rng: &mut Stream, nodes: usize, request: RequestId) -> (NodeId, Op) {
        let node = rng.below(nodes as u64) as NodeId;
        let key = kv::workload_key(rng);
        let op = if rng.below(2) == 0 { Op::Put { key, value: request as i64 } } else { Op::Get { key } };
        (node, op)
    }

    fn init(&self, id: NodeId) -> Server {
        Server::new(id, Durable { current_term: 0, voted_for: None, log: Default::default() }, self.initial)
    }

    /// Figure 2: "When servers start up, they begin as followers"; after a
    /// crash, with only what was persisted. With lease reads, a restarted
    /// server waits an election timeout before it votes, as if it had just
    /// heard from a leader: it may have promised a leader its lease before
    /// the crash, and that promise was not on disk.
    fn on_start(&self, node: &mut Server, ctx: &mut Ctx, start: Start) {
        if start == Start::Restart && self.reads == Reads::Lease {
            node.heard_leader_at = Some(ctx.now());
        }
        node.become_follower(self, ctx);
    }

    fn on_message(&self, node: &mut Server, ctx: &mut Ctx, from: NodeId, msg: Msg) {
        match msg {
            Msg::RequestVote { term, last_log_index, last_log_term, pre_vote } => {
                node.on_request_vote(self, ctx, from, term, (last_log_index, last_log_term), pre_vote)
            }
            Msg::Vote { term, granted, pre_vote } => node.on_vote(self, ctx, from, term, granted, pre_vote),
            Msg::AppendEntries(ae) => node.on_append_entries(self, ctx, from, ae),
            Msg::Appended(reply) => node.on_appended(self, ctx, from, reply),
        }
    }

    fn on_timer(&self, node: &mut Server, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Election => node.on_election_timeout(self, ctx),
            Timer::Heartbeat => node.on_heartbeat(self, ctx),
        }
    }

    fn on_request(&self, node: &mut Server, ctx: &mut Ctx, request: Request<Op>) {
        node.on_request(self, ctx, request);
    }

    fn durable(&self, node: &Server) -> Durable {
        Durable { current_term: node.current_term, voted_for: node.voted_for, log: node.log.clone() }
    }

    fn persist(&self, node: &mut Server, disk: &mut Durable) {
        node.write(disk, self.variant == Variant::ForgetVote);
    }

    fn recover(&self, id: NodeId, disk: Durable) -> Server {
        Server::new(id, disk, self.initial)
    }

    /// A majority of the initial configuration up and connected (with
    /// membership changes in the scenario, every server up and the network
    /// whole), and the timing Raft needs (§5.6: broadcast time ≪ election
    /// timeout): a round trip at the network's current latency fits a
    /// quarter of the shortest election timeout. Slower than that, elections
    /// can go on forever, and no liveness is promised.
    fn healthy(&self, facts: &Facts) -> bool {
        if 8 * facts.network.settings.latency_ms[1] > self.timing.election_ms[0] {
            return false;
        }
        if self.changes_membership {
            return facts.all_up() && facts.network_whole();
        }
        facts.majority_connected_among(&self.initial.iter().filter(|&s| s < self.nodes).collect::<Vec<_>>())
    }

    fn view(&self, node: &Server) -> NodeView {
        let (role, accent) = match &node.role {
            Role::Leader(_) => ("Leader", Accent::Primary),
            Role::Candidate { .. } => ("Candidate", Accent::Secondary),
            Role::PreCandidate { .. } => ("Pre-candidate", Accent::Secondary),
            Role::Follower if !node.config.contains(node.id) => ("Not a member", Accent::Dim),
            Role::Follower if node.leader_id.is_some() => ("Follower", Accent::Plain),
            Role::Follower => ("Follower", Accent::Dim),
        };
        let mut facts = vec![format!("term {}", node.current_term)];
        facts.push(match node.voted_for {
            Some(v) => format!("voted for {}", node_name(v)),
            None => "no vote".into(),
        });
        facts.push(format!("commit {} · applied {}", node.commit_index, node.last_applied));
        if let Role::Leader(leader) = &node.role
            && !leader.clients.is_empty()
        {
            facts.push(format!("{} waiting", count(leader.clients.len(), "client", "clients")));
        }
        if node.config != self.initial {
            facts.push(format!("config {}", node.config));
        }
        facts.push(node.kv.describe());
        const SHOWN: u64 = 8;
        let last = node.last_log_index();
        let items = (last.saturating_sub(SHOWN) + 1..=last)
            .filter_map(|index| {
                let e = node.entry(index)?;
                let state = if index <= node.commit_index { ItemState::Settled } else { ItemState::Tentative };
                Some(Item { index: Some(index), tag: Some(e.term), text: e.command.to_string(), state })
            })
            .collect();
        NodeView { role: role.into(), accent, facts, items }
    }

    fn label(&self, msg: &Msg) -> String {
        msg.label()
    }

    fn size(&self, msg: &Msg) -> usize {
        msg.size()
    }

    fn describe_reply(&self, reply: &Reply) -> String {
        reply.to_string()
    }
}

#[cfg(test)]
mod tests;
