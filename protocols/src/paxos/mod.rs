//! # Paxos and Multi-Paxos
//!
//! - **Single-decree Paxos** (Lamport, "Paxos Made Simple"): proposers,
//!   acceptors and learners agree on one value. Phase 1: a proposer sends
//!   `prepare(b)`; an acceptor that has promised nothing higher promises `b`
//!   and reports its highest-ballot acceptance. Phase 2: with a majority of
//!   promises, the proposer sends `accept(b, v)`, where `v` is the value of
//!   the highest-ballot acceptance reported, or its own if none was; an
//!   acceptor accepts unless it promised higher, and tells the learners. A
//!   value is chosen once a majority of acceptors accepted it under one
//!   ballot. Two proposers that keep overtaking each other can prevent any
//!   choice forever (the duel); a random backoff, or a leader, ends it.
//! - **Multi-Paxos** (§3 of the paper): one instance per slot of a log. The
//!   proposer whose phase 1 succeeds leads: that one phase 1 covers every
//!   open slot, and each client command then takes only phase 2. Heartbeats
//!   keep the other proposers from starting ballots. A new leader proposes
//!   again what promises reported and fills the gaps with no-ops; learners
//!   are the replicas, applying chosen commands in slot order to a
//!   key-value store (the same one Raft's servers keep).
//!
//! Where to look: [`proposer`] (ballots, phases, backoff, leading),
//! [`acceptor`] (promise, accept), [`learner`] (learning, applying),
//! [`props`] (what is chosen, judged on the acceptors' acceptances).
//!
//! Variants: `ignore-accepted` (a proposer proposes its own value whatever
//! the promises reported), `forgetful-acceptor` (promises are not written to
//! disk), and Multi-Paxos' `no-gap-fill` (a new leader proposes into slots
//! it knows nothing about without adopting what acceptors accepted there).

pub mod acceptor;
pub mod learner;
pub mod msg;
pub mod node;
pub mod proposer;
pub mod props;

use std::ops::Range;

use crate::raft::kv;
use crate::raft::msg::Key;
use crate::sim::any::{ClientActionInfo, FieldInfo, FieldKind, ProtocolInfo, VariantInfo};
use crate::sim::params::{ParamInfo, ParamKind, Params};
use crate::sim::protocol::{Facts, Protocol, Request, Start};
use crate::sim::rng::Stream;
use crate::sim::scenario::{ClientAction, Scenario, ScenarioError};
use crate::sim::time::{NodeId, RequestId, Time};
use crate::sim::view::{Accent, Item, ItemState, Layout, NodeView};

use acceptor::Acceptor;
use learner::Learner;
use msg::{Ballot, Msg, Slot, Value};
use node::{Ctx, Durable, Node};
use proposer::{Phase, Proposer};
use props::{PROPERTIES_MULTI, PROPERTIES_SINGLE, Referee};

/// Which rule is broken, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    /// A proposer proposes its own value even when a promise reported one.
    IgnoreAccepted,
    /// Acceptors do not write their promises to disk.
    ForgetfulAcceptor,
    /// Multi-Paxos: a new leader skips what acceptors accepted in slots it did not know.
    NoGapFill,
}

static FORGETFUL: VariantInfo = VariantInfo::new(
    "forgetful-acceptor",
    "Acceptors do not write their promises to disk: after a restart one accepts a ballot below the one it promised",
);

static VARIANTS_SINGLE: [VariantInfo; 3] = [
    VariantInfo::new("correct", "Single-decree Paxos as in Paxos Made Simple"),
    VariantInfo::new(
        "ignore-accepted",
        "A proposer ignores the values reported in promises and proposes its own: two values are chosen",
    ),
    FORGETFUL,
];

static VARIANTS_MULTI: [VariantInfo; 3] = [
    VariantInfo::new("correct", "Multi-Paxos with a stable leader, gaps filled with no-ops"),
    VariantInfo::new(
        "no-gap-fill",
        "A new leader proposes new commands into slots it knows nothing about, without adopting what was accepted there",
    ),
    FORGETFUL,
];

const fn count(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    min: i64,
    max: i64,
    default: i64,
) -> ParamInfo {
    ParamInfo { name, label, help, kind: ParamKind::Int { min, max, default } }
}

const PROPOSERS: ParamInfo =
    count("proposers", "Proposers", "Nodes that propose values (P1, P2, …); the first nodes", 1, 3, 2);
const ACCEPTORS: ParamInfo =
    count("acceptors", "Acceptors", "Nodes that promise and accept (A1, A2, …); a majority of them chooses", 3, 7, 3);

static PARAMS_SINGLE: [ParamInfo; 4] = [
    PROPOSERS,
    ACCEPTORS,
    count("learners", "Learners", "Nodes that learn the chosen value (L1, …); the last nodes", 1, 3, 1),
    ParamInfo {
        name: "backoff",
        label: "Random backoff",
        help: "A proposer whose ballot fails waits a random, growing time before its next; without it two proposers can overtake each other forever",
        kind: ParamKind::Bool { default: true },
    },
];

static PARAMS_MULTI: [ParamInfo; 3] = [
    PROPOSERS,
    ACCEPTORS,
    count("learners", "Replicas", "Learners that apply the chosen commands to a key-value store (L1, …)", 1, 3, 2),
];

static PROPOSE: [ClientActionInfo; 1] = [ClientActionInfo {
    name: "propose",
    label: "Propose a value",
    fields: &[FieldInfo { name: "value", label: "Value", kind: FieldKind::Text { max_len: Key::MAX } }],
}];

const fn info(
    name: &'static str,
    title: &'static str,
    variants: &'static [VariantInfo],
    properties: &'static [&'static crate::sim::any::PropertyInfo],
    params: &'static [ParamInfo],
    client_actions: &'static [ClientActionInfo],
) -> ProtocolInfo {
    ProtocolInfo {
        name,
        title,
        node_noun: "node",
        client_noun: "client",
        variants,
        properties,
        params,
        client_actions,
        min_nodes: 5,
        max_nodes: 13,
        role_params: &["proposers", "acceptors", "learners"],
    }
}

static INFO_SINGLE: ProtocolInfo =
    info("paxos", "Paxos", &VARIANTS_SINGLE, &PROPERTIES_SINGLE, &PARAMS_SINGLE, &PROPOSE);
static INFO_MULTI: ProtocolInfo =
    info("multi-paxos", "Multi-Paxos", &VARIANTS_MULTI, &PROPERTIES_MULTI, &PARAMS_MULTI, &kv::ACTIONS);

/// The clocks, in virtual ms, tuned to the slowest link the scenario starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How long a proposer waits for a phase's majority before it gives the ballot up.
    pub phase_ms: Time,
    /// The first backoff's longest wait; it doubles with each failed ballot, up to 16 times.
    pub backoff_ms: Time,
    /// Multi-Paxos: how often the leader sends heartbeats.
    pub heartbeat_ms: Time,
    /// Multi-Paxos: the shortest wait without a heartbeat before a proposer
    /// runs phase 1 (each is drawn between it and twice it).
    pub election_ms: Time,
    /// Multi-Paxos: how long an accept request goes unanswered before the leader sends it again.
    pub resend_ms: Time,
}

impl Timing {
    pub fn for_latency(slowest_ms: Time) -> Timing {
        let heartbeat_ms = 50 + slowest_ms;
        Timing {
            phase_ms: 4 * slowest_ms + 100,
            backoff_ms: 2 * slowest_ms + 50,
            heartbeat_ms,
            election_ms: (2 * (heartbeat_ms + slowest_ms)).max(300),
            resend_ms: 2 * slowest_ms + 100,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// A proposer's wait for the majority of one phase of a ballot.
    Phase(Ballot),
    /// Single-decree: the end of a proposer's backoff.
    Retry,
    /// Multi-Paxos: a proposer's wait for the leader's heartbeat.
    Election,
    /// Multi-Paxos: the leader's heartbeat.
    Heartbeat,
}

/// What a client asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Single-decree: propose this value.
    Propose {
        text: Key,
    },
    Put {
        key: Key,
        value: i64,
    },
    Get {
        key: Key,
    },
}

/// What a client is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// Single-decree: the value chosen (perhaps another client's).
    Chosen(Value),
    Kv(kv::Reply),
}

/// Paxos or Multi-Paxos, configured for one run. Nodes are numbered
/// proposers first, then acceptors, then learners.
#[derive(Clone, Debug)]
pub struct Paxos {
    pub multi: bool,
    pub proposers: usize,
    pub acceptors: usize,
    pub learners: usize,
    pub variant: Variant,
    pub backoff: bool,
    pub timing: Timing,
    /// How long a healthy system needs to answer a client (for the liveness judgement).
    pub settle_ms: Time,
}

impl Paxos {
    pub fn proposer_ids(&self) -> Range<NodeId> {
        0..self.proposers
    }

    pub fn acceptor_ids(&self) -> Range<NodeId> {
        self.proposers..self.proposers + self.acceptors
    }

    pub fn learner_ids(&self) -> Range<NodeId> {
        self.proposers + self.acceptors..self.proposers + self.acceptors + self.learners
    }

    /// The node of the proposer that owns `ballot`.
    pub fn proposer_node(&self, ballot: Ballot) -> NodeId {
        ballot.proposer as NodeId
    }

    /// A majority of the acceptors.
    pub fn quorum(&self) -> usize {
        self.acceptors / 2 + 1
    }

    fn random_proposer(&self, rng: &mut Stream) -> NodeId {
        rng.below(self.proposers as u64) as NodeId
    }
}

impl Protocol for Paxos {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Op = Op;
    type Reply = Reply;
    type Monitor = Referee;

    fn info() -> &'static ProtocolInfo {
        &INFO_SINGLE
    }

    fn family() -> Vec<&'static ProtocolInfo> {
        vec![&INFO_SINGLE, &INFO_MULTI]
    }

    fn running(&self) -> &'static ProtocolInfo {
        if self.multi { &INFO_MULTI } else { &INFO_SINGLE }
    }

    fn configure(scenario: &Scenario, params: &Params) -> Result<Paxos, ScenarioError> {
        let multi = scenario.protocol == "multi-paxos";
        let role = |name| params.int(name) as usize;
        let (proposers, acceptors, learners) = (role("proposers"), role("acceptors"), role("learners"));
        if proposers + acceptors + learners != scenario.nodes {
            return Err(ScenarioError(format!(
                "{proposers} proposers, {acceptors} acceptors and {learners} learners make {} nodes, not {}: set `nodes` to their sum",
                proposers + acceptors + learners,
                scenario.nodes
            )));
        }
        let variant = match scenario.variant.as_str() {
            "ignore-accepted" => Variant::IgnoreAccepted,
            "forgetful-acceptor" => Variant::ForgetfulAcceptor,
            "no-gap-fill" => Variant::NoGapFill,
            _ => Variant::Correct,
        };
        let timing = Timing::for_latency(scenario.network.latency_ms[1]);
        let workload = &scenario.workload;
        Ok(Paxos {
            multi,
            proposers,
            acceptors,
            learners,
            variant,
            backoff: !multi && params.bool("backoff"),
            // A few ballots, each after its backoff or an election timeout;
            // then a client whose backoff may have grown to the cap asks again.
            settle_ms: 4 * timing.phase_ms
                + if multi { 4 * timing.election_ms } else { 16 * timing.backoff_ms }
                + 2 * workload.retry_after_ms
                + workload.max_retry_ms,
            timing,
        })
    }

    fn node_name(&self, id: NodeId) -> String {
        let (letter, first) = match id {
            _ if id < self.proposers => ('P', 0),
            _ if id < self.proposers + self.acceptors => ('A', self.proposers),
            _ => ('L', self.proposers + self.acceptors),
        };
        format!("{letter}{}", id - first + 1)
    }

    fn layout(&self) -> Layout {
        Layout::Rows {
            rows: vec![self.proposer_ids().collect(), self.acceptor_ids().collect(), self.learner_ids().collect()],
        }
    }

    fn parse_op(&self, action: &ClientAction) -> Result<Op, String> {
        let key = |field| kv::key_of(action, field);
        match action.name.as_str() {
            "propose" => Ok(Op::Propose { text: key("value")? }),
            "put" => Ok(Op::Put { key: key("key")?, value: kv::value_of(action) }),
            _ => Ok(Op::Get { key: key("key")? }),
        }
    }

    /// Clients ask a proposer at random: to propose a value of their own
    /// (single-decree), or to put or get one of a few keys.
    fn workload_request(&self, rng: &mut Stream, _: usize, request: RequestId) -> (NodeId, Op) {
        let node = self.random_proposer(rng);
        if self.multi {
            let key = kv::workload_key(rng);
            let op = if rng.below(2) == 0 { Op::Put { key, value: request as i64 } } else { Op::Get { key } };
            (node, op)
        } else {
            let text = Key::new(&format!("v{}", request % 10_000_000)).expect("short values");
            (node, Op::Propose { text })
        }
    }

    /// A client whose answer did not come asks another proposer.
    fn retry_node(&self, rng: &mut Stream, _: usize, last: NodeId) -> NodeId {
        let others = self.proposers as u64 - 1;
        if others == 0 { 0 } else { (last + 1 + rng.below(others) as usize) % self.proposers }
    }

    fn init(&self, id: NodeId) -> Node {
        self.recover(id, Durable::default())
    }

    /// Multi-Paxos proposers wait for a leader's heartbeat before they run;
    /// a restarted single-decree proposer has no clients left to serve.
    fn on_start(&self, node: &mut Node, ctx: &mut Ctx, _: Start) {
        if let Node::Proposer(proposer) = node
            && self.multi
        {
            proposer.arm_election(self, ctx);
        }
    }

    fn on_message(&self, node: &mut Node, ctx: &mut Ctx, from: NodeId, msg: Msg) {
        match (node, msg) {
            (Node::Acceptor(a), msg) => {
                a.latest = None;
                match msg {
                    Msg::Prepare { ballot, from_slot } => a.on_prepare(self, ctx, from, ballot, from_slot),
                    Msg::Accept(accept) => a.on_accept(self, ctx, from, accept),
                    _ => {}
                }
            }
            (Node::Learner(l), msg) => {
                l.latest = None;
                if let Msg::Accepted(accepted) = msg {
                    l.on_accepted(self, ctx, from, accepted);
                }
            }
            (Node::Proposer(p), Msg::Promise { ballot, accepted }) => p.on_promise(self, ctx, from, ballot, accepted),
            (Node::Proposer(p), Msg::Accepted(accepted)) => p.on_accepted(self, ctx, from, accepted),
            (Node::Proposer(p), Msg::Nack { ballot, promised }) => p.on_nack(self, ctx, ballot, promised),
            (Node::Proposer(p), Msg::Heartbeat { ballot }) => p.on_heartbeat(self, ctx, ballot),
            (Node::Proposer(_), _) => {}
        }
    }

    fn on_timer(&self, node: &mut Node, ctx: &mut Ctx, timer: Timer) {
        let Node::Proposer(p) = node else { return };
        match timer {
            Timer::Phase(ballot) => p.on_phase_timeout(self, ctx, ballot),
            Timer::Retry => p.on_retry(self, ctx),
            Timer::Election => p.on_election_timeout(self, ctx),
            Timer::Heartbeat => p.on_heartbeat_timer(self, ctx),
        }
    }

    /// Clients talk to proposers; anyone else sends them to the first.
    fn on_request(&self, node: &mut Node, ctx: &mut Ctx, request: Request<Op>) {
        match node {
            Node::Proposer(p) => p.on_request(self, ctx, request),
            _ => ctx.redirect(request.id, 0, "clients talk to proposers"),
        }
    }

    fn durable(&self, node: &Node) -> Durable {
        match node {
            Node::Proposer(p) => Durable { round: p.round, ..Durable::default() },
            Node::Acceptor(a) => {
                let (promised, accepted) = a.durable(self);
                Durable { promised, accepted, ..Durable::default() }
            }
            Node::Learner(l) => Durable { learned: l.learned.clone(), ..Durable::default() },
        }
    }

    fn recover(&self, id: NodeId, disk: Durable) -> Node {
        if self.proposer_ids().contains(&id) {
            Node::Proposer(Proposer { index: id as u8, round: disk.round, ..Proposer::default() })
        } else if self.acceptor_ids().contains(&id) {
            Node::Acceptor(Acceptor { promised: disk.promised, accepted: disk.accepted, latest: None })
        } else {
            Node::Learner(Learner::recover(disk.learned))
        }
    }

    /// One proposer and a majority of acceptors up and connected: then a
    /// value must be chosen and every client answered.
    fn healthy(&self, facts: &Facts) -> bool {
        let acceptors: Vec<NodeId> = self.acceptor_ids().collect();
        self.proposer_ids().any(|p| facts.majority_connected_with(&acceptors, p))
    }

    fn view(&self, node: &Node) -> NodeView {
        match node {
            Node::Proposer(p) => self.proposer_view(p),
            Node::Acceptor(a) => self.acceptor_view(a),
            Node::Learner(l) => self.learner_view(l),
        }
    }

    fn label(&self, msg: &Msg) -> String {
        msg.label()
    }

    fn size(&self, msg: &Msg) -> usize {
        msg.size()
    }

    fn describe_reply(&self, reply: &Reply) -> String {
        match reply {
            Reply::Chosen(value) => format!("chosen: {value}"),
            Reply::Kv(reply) => reply.to_string(),
        }
    }
}

/// The last few of a log's slots that hold something, as items.
fn slot_items<T: Copy>(log: &crate::sim::log::Log<Option<T>>, item: impl Fn(Slot, T) -> Item) -> Vec<Item> {
    const SHOWN: usize = 8;
    let held = (0..log.len()).rev().filter_map(|s| log[s].map(|v| item(s as Slot, v))).take(SHOWN);
    let mut items: Vec<Item> = held.collect();
    items.reverse();
    items
}

impl Paxos {
    fn proposer_view(&self, p: &Proposer) -> NodeView {
        let mut facts = Vec::new();
        let accent = match p.phase {
            Phase::Idle => Accent::Plain,
            Phase::Preparing => Accent::Secondary,
            Phase::Accepting => Accent::Primary,
        };
        let role = if p.leading(self) { "Leader" } else { "Proposer" };
        if !p.ballot.is_none() {
            facts.push(format!("ballot {}", p.ballot));
        }
        match p.phase {
            Phase::Preparing => facts.push(format!("phase 1: {} of {} promises", p.promised_by.len(), self.quorum())),
            Phase::Accepting if !self.multi => {
                if let Some(pr) = p.proposals.first() {
                    facts.push(format!(
                        "phase 2: {} ({} of {} accepted)",
                        pr.accept.value,
                        pr.accepted_by.len(),
                        self.quorum()
                    ))
                }
            }
            _ => {}
        }
        if self.multi {
            match p.leader {
                Some(b) if b.proposer != p.index => facts.push(format!("follows P{} ({b})", b.proposer + 1)),
                _ => {}
            }
            if p.leading(self) || p.applied > 0 {
                facts.push(format!("applied up to #{}: {}", p.applied, p.kv.describe()));
            }
        } else if let Some(value) = p.chosen_in(0) {
            facts.push(format!("knows {value} is chosen"));
        }
        if !p.waiting.is_empty() {
            facts.push(crate::sim::view::count(p.waiting.len(), "client waiting", "clients waiting"));
        }
        let mut items = slot_items(&p.chosen, |slot, v| Item {
            index: Some(slot),
            tag: None,
            text: v.to_string(),
            state: ItemState::Settled,
        });
        items.extend(p.proposals.iter().filter(|_| self.multi).map(|pr| Item {
            index: Some(pr.accept.slot),
            tag: Some(pr.accept.ballot.round as u64),
            text: pr.accept.value.to_string(),
            state: ItemState::Tentative,
        }));
        NodeView { role: role.into(), accent, facts, items }
    }

    fn acceptor_view(&self, a: &Acceptor) -> NodeView {
        let mut facts = vec![format!("promised {}", a.promised)];
        if !self.multi {
            facts.push(match a.accepted_in(0) {
                Some((b, v)) => format!("accepted ({b}, {v})"),
                None => "accepted nothing".into(),
            });
        }
        let items = slot_items(&a.accepted, |slot, (b, v)| Item {
            index: Some(slot),
            tag: Some(b.round as u64),
            text: format!("{b} {v}"),
            state: ItemState::Tentative,
        });
        let accent = if a.promised.is_none() { Accent::Dim } else { Accent::Plain };
        NodeView { role: "Acceptor".into(), accent, facts, items }
    }

    fn learner_view(&self, l: &Learner) -> NodeView {
        let facts = if self.multi {
            vec![format!("applied up to #{}", l.applied), l.kv.describe()]
        } else {
            vec![l.learned_in(0).map_or("learned nothing yet".into(), |v| format!("learned {v}"))]
        };
        let items = slot_items(&l.learned, |slot, v| Item {
            index: Some(slot),
            tag: None,
            text: v.to_string(),
            state: ItemState::Settled,
        });
        let accent = if l.learned.is_empty() { Accent::Dim } else { Accent::Plain };
        NodeView { role: if self.multi { "Replica" } else { "Learner" }.into(), accent, facts, items }
    }
}

#[cfg(test)]
mod tests;
