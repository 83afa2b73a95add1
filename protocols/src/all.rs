//! Every protocol as one type, [`All`], for what runs them all: the lab and `quorum-sim`.
//!
//! The engine is generic over the protocol, so each protocol type would cost
//! the download a compiled copy of it. `All` is one type whose nodes,
//! messages, timers, operations and replies are enums over the protocols'
//! own, and whose handlers pass each call to the protocol it belongs to, in
//! that protocol's own types ([`Ctx::nest`]): the engine is compiled once,
//! however many protocols there are. Adding a protocol is one line in
//! [`all_protocols!`]'s list at the bottom.
//!
//! `All` is transparent: every hash delegates to the inner value, so a run
//! hashes exactly as it does under the protocol's own type (a test checks it
//! for every preset), and each monitor sees its own protocol's nodes. It
//! costs a match per handler and a move per effect; compiled once, the
//! simulator affords opt-level "s", and runs faster than the copies did at "z".

use std::hash::{Hash, Hasher};

use crate::sim::any::{ClientActionInfo, Distribution, ProtocolInfo};
use crate::sim::ctx::Ctx;
use crate::sim::nodes::MAX_NODES;
use crate::sim::params::Params;
use crate::sim::protocol::{EndState, Facts, Findings, Monitor, Nodes, Protocol, Request, Start, StepView};
use crate::sim::rng::Stream;
use crate::sim::scenario::{ClientAction, Scenario, ScenarioError};
use crate::sim::time::{NodeId, RequestId};
use crate::sim::view::{Layout, NodeView};
use crate::sim::workload::{ClientEvent, ClientEventKind};

/// An enum over one associated type of every protocol, hashed as the value it holds.
macro_rules! one_of {
    ($(#[$meta:meta])* $enum:ident = $assoc:ident: $($name:ident($ty:ty)),+) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub enum $enum {
            $($name(<$ty as Protocol>::$assoc)),+
        }

        /// Shown as the value it holds ("Election", not "Raft(Election)"): the trace names timers this way.
        impl std::fmt::Debug for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                match self {
                    $($enum::$name(inner) => inner.fmt(f)),+
                }
            }
        }
    };
}

macro_rules! hashed_as_inner {
    ($enum:ident: $($name:ident),+) => {
        impl Hash for $enum {
            fn hash<H: Hasher>(&self, state: &mut H) {
                match self {
                    $($enum::$name(inner) => inner.hash(state)),+
                }
            }
        }
    };
}

/// A value of another protocol than the run's: the engine never mixes them.
fn mixed() -> ! {
    unreachable!("a run holds one protocol's values only")
}

macro_rules! all_protocols {
    ($($name:ident($ty:ty)),+ $(,)?) => {
        /// One protocol, configured for a run.
        #[derive(Clone, Debug)]
        pub enum All {
            $($name($ty)),+
        }

        one_of!(AllNode = Node: $($name($ty)),+);
        one_of!(
            #[derive(PartialEq, Eq)]
            AllTimer = Timer: $($name($ty)),+
        );
        one_of!(AllMsg = Msg: $($name($ty)),+);
        one_of!(AllDurable = Durable: $($name($ty)),+);
        one_of!(AllOp = Op: $($name($ty)),+);
        one_of!(AllReply = Reply: $($name($ty)),+);
        one_of!(AllMonitor = Monitor: $($name($ty)),+);
        hashed_as_inner!(AllNode: $($name),+);
        hashed_as_inner!(AllTimer: $($name),+);
        hashed_as_inner!(AllMsg: $($name),+);
        hashed_as_inner!(AllOp: $($name),+);
        hashed_as_inner!(AllReply: $($name),+);

        impl Protocol for All {
            type Node = AllNode;
            type Msg = AllMsg;
            type Timer = AllTimer;
            type Durable = AllDurable;
            type Op = AllOp;
            type Reply = AllReply;
            type Monitor = AllMonitor;

            /// The first protocol's: `All` is known by its family.
            fn info() -> &'static ProtocolInfo {
                Self::family()[0]
            }

            fn family() -> Vec<&'static ProtocolInfo> {
                let mut all = Vec::new();
                $(all.extend(<$ty>::family());)+
                all
            }

            fn running(&self) -> &'static ProtocolInfo {
                match self {
                    $(All::$name(p) => p.running()),+
                }
            }

            fn configure(scenario: &Scenario, params: &Params) -> Result<All, ScenarioError> {
                $(
                    if <$ty>::family().iter().any(|i| i.name == scenario.protocol) {
                        return Ok(All::$name(<$ty>::configure(scenario, params)?));
                    }
                )+
                unreachable!("the engine admits only the family's protocols")
            }

            fn node_name(&self, id: NodeId) -> String {
                match self {
                    $(All::$name(p) => p.node_name(id)),+
                }
            }

            fn layout(&self) -> Layout {
                match self {
                    $(All::$name(p) => p.layout()),+
                }
            }

            fn client_actions(&self) -> &'static [ClientActionInfo] {
                match self {
                    $(All::$name(p) => p.client_actions()),+
                }
            }

            fn parse_op(&self, action: &ClientAction) -> Result<AllOp, String> {
                match self {
                    $(All::$name(p) => p.parse_op(action).map(AllOp::$name)),+
                }
            }

            fn workload_request(&self, rng: &mut Stream, nodes: usize, request: RequestId) -> (NodeId, AllOp) {
                match self {
                    $(All::$name(p) => {
                        let (node, op) = p.workload_request(rng, nodes, request);
                        (node, AllOp::$name(op))
                    })+
                }
            }

            fn retry_node(&self, rng: &mut Stream, nodes: usize, last: NodeId) -> NodeId {
                match self {
                    $(All::$name(p) => p.retry_node(rng, nodes, last)),+
                }
            }

            fn init(&self, id: NodeId) -> AllNode {
                match self {
                    $(All::$name(p) => AllNode::$name(p.init(id))),+
                }
            }

            fn on_start(&self, node: &mut AllNode, ctx: &mut Ctx<All>, start: Start) {
                match (self, node) {
                    $((All::$name(p), AllNode::$name(n)) => wrap::$name(ctx, |c| p.on_start(n, c, start)),)+
                    _ => mixed(),
                }
            }

            fn on_message(&self, node: &mut AllNode, ctx: &mut Ctx<All>, from: NodeId, msg: AllMsg) {
                match (self, node, msg) {
                    $((All::$name(p), AllNode::$name(n), AllMsg::$name(m)) => {
                        wrap::$name(ctx, |c| p.on_message(n, c, from, m))
                    })+
                    _ => mixed(),
                }
            }

            fn on_timer(&self, node: &mut AllNode, ctx: &mut Ctx<All>, timer: AllTimer) {
                match (self, node, timer) {
                    $((All::$name(p), AllNode::$name(n), AllTimer::$name(t)) => {
                        wrap::$name(ctx, |c| p.on_timer(n, c, t))
                    })+
                    _ => mixed(),
                }
            }

            fn on_request(&self, node: &mut AllNode, ctx: &mut Ctx<All>, request: Request<AllOp>) {
                let Request { id, attempt, op } = request;
                match (self, node, op) {
                    $((All::$name(p), AllNode::$name(n), AllOp::$name(op)) => {
                        wrap::$name(ctx, |c| p.on_request(n, c, Request { id, attempt, op }))
                    })+
                    _ => mixed(),
                }
            }

            fn durable(&self, node: &AllNode) -> AllDurable {
                match (self, node) {
                    $((All::$name(p), AllNode::$name(n)) => AllDurable::$name(p.durable(n)),)+
                    _ => mixed(),
                }
            }

            fn persist(&self, node: &mut AllNode, disk: &mut AllDurable) {
                match (self, node, disk) {
                    $((All::$name(p), AllNode::$name(n), AllDurable::$name(d)) => p.persist(n, d),)+
                    _ => mixed(),
                }
            }

            fn recover(&self, id: NodeId, disk: AllDurable) -> AllNode {
                match (self, disk) {
                    $((All::$name(p), AllDurable::$name(d)) => AllNode::$name(p.recover(id, d)),)+
                    _ => mixed(),
                }
            }

            fn healthy(&self, facts: &Facts) -> bool {
                match self {
                    $(All::$name(p) => p.healthy(facts)),+
                }
            }

            fn view(&self, node: &AllNode) -> NodeView {
                match (self, node) {
                    $((All::$name(p), AllNode::$name(n)) => p.view(n),)+
                    _ => mixed(),
                }
            }

            fn label(&self, msg: &AllMsg) -> String {
                match (self, msg) {
                    $((All::$name(p), AllMsg::$name(m)) => p.label(m),)+
                    _ => mixed(),
                }
            }

            fn size(&self, msg: &AllMsg) -> usize {
                match (self, msg) {
                    $((All::$name(p), AllMsg::$name(m)) => p.size(m),)+
                    _ => mixed(),
                }
            }

            fn describe_reply(&self, reply: &AllReply) -> String {
                match (self, reply) {
                    $((All::$name(p), AllReply::$name(r)) => p.describe_reply(r),)+
                    _ => mixed(),
                }
            }
        }

        /// Each protocol's effects as `All`'s.
        #[allow(non_snake_case)]
        mod wrap {
            use super::*;

            $(
                pub fn $name(ctx: &mut Ctx<All>, handler: impl FnOnce(&mut Ctx<$ty>)) {
                    ctx.nest(|e| e.map(AllMsg::$name, AllTimer::$name, AllReply::$name), handler)
                }
            )+
        }

        impl Monitor<All> for AllMonitor {
            fn new(protocol: &All) -> AllMonitor {
                match protocol {
                    $(All::$name(p) => AllMonitor::$name(Monitor::new(p))),+
                }
            }

            /// The step as the protocol's own monitor sees it: its nodes, and
            /// the clients' events in its own operations and replies.
            fn check(&mut self, protocol: &All, step: &StepView<All>, found: &mut Findings) {
                match (self, protocol) {
                    $((AllMonitor::$name(m), All::$name(p)) => {
                        // Borrowed out on the stack: no allocation, no call per access
                        // (every protocol refuses more than 9 nodes, fewer than MAX_NODES).
                        let all = step.nodes;
                        let first = match all.get(0) {
                            AllNode::$name(n) => n,
                            _ => mixed(),
                        };
                        let mut refs: [&<$ty as Protocol>::Node; MAX_NODES] = [first; MAX_NODES];
                        for (r, node) in refs.iter_mut().zip(all.iter()) {
                            *r = match node {
                                AllNode::$name(n) => n,
                                _ => mixed(),
                            };
                        }
                        let events: Vec<ClientEvent<$ty>> = step.events.iter().map(|e| ClientEvent {
                            at: e.at,
                            request: e.request,
                            node: e.node,
                            kind: match &e.kind {
                                ClientEventKind::Invoked { attempt, op: AllOp::$name(op) } => {
                                    ClientEventKind::Invoked { attempt: *attempt, op: op.clone() }
                                }
                                ClientEventKind::Replied { reply: AllReply::$name(reply) } => {
                                    ClientEventKind::Replied { reply: reply.clone() }
                                }
                                ClientEventKind::Refused { reason } => ClientEventKind::Refused { reason: reason.clone() },
                                _ => mixed(),
                            },
                        }).collect();
                        let own = StepView { nodes: Nodes::Refs(&refs[..all.len()]), touched: step.touched, events: &events, now: step.now };
                        m.check(p, &own, found)
                    })+
                    _ => mixed(),
                }
            }

            fn judge_end(&self, protocol: &All, end: &EndState, found: &mut Findings) {
                match (self, protocol) {
                    $((AllMonitor::$name(m), All::$name(p)) => m.judge_end(p, end, found),)+
                    _ => mixed(),
                }
            }

            fn metrics(&self, messages: u64) -> Vec<(&'static str, f64)> {
                match self {
                    $(AllMonitor::$name(m) => m.metrics(messages)),+
                }
            }

            fn distributions(&self) -> Vec<(&'static str, Distribution)> {
                match self {
                    $(AllMonitor::$name(m) => m.distributions()),+
                }
            }
        }
    };
}

all_protocols!(
    Office(crate::office::Office),
    Raft(crate::raft::Raft),
    Commit(crate::commit::Commit),
    Paxos(crate::paxos::Paxos),
    Crdt(crate::crdt::Crdt),
);
