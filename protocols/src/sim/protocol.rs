//! The trait every protocol implements.
//!
//! A protocol is a set of handlers over one node type (an enum when a
//! protocol has several roles: coordinator and cohort, proposer and
//! acceptor). Handlers never touch the world: they change their own node and
//! ask for effects through the [`Ctx`] outbox. What survives a crash is
//! declared by [`Protocol::durable`]; a crash keeps only that, a restart
//! starts again from it. Safety properties live next to the protocol as a
//! [`Monitor`] that watches every step.

use std::fmt::Debug;
use std::hash::Hash;

use super::any::ProtocolInfo;
use super::ctx::Ctx;
use super::scenario::{ClientAction, Scenario, ScenarioError};
use super::time::{NodeId, RequestId, Time};
use super::view::NodeView;
use super::workload::ClientEvent;

/// A client's request as a node receives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request<Op> {
    /// Retries of one request carry the same ID.
    pub id: RequestId,
    /// 1 for the first try, 2 for the first retry, …
    pub attempt: u32,
    pub op: Op,
}

pub trait Protocol: Clone + Debug + Sized + 'static {
    type Node: Clone + Debug;
    type Msg: Clone + Debug + Hash;
    type Timer: Clone + Debug + Hash + Eq;
    /// The part of a node that survives a crash.
    type Durable: Clone + Debug;
    /// What a client asks for.
    type Op: Clone + Debug + Hash;
    /// What a client is told.
    type Reply: Clone + Debug + Hash;
    type Monitor: Monitor<Self>;

    fn info() -> &'static ProtocolInfo;
    /// Reads the variant, node count and anything else it needs from a
    /// scenario, refusing what it cannot run.
    fn configure(scenario: &Scenario) -> Result<Self, ScenarioError>;
    /// Turns a client action from a timeline or the UI into an operation.
    fn parse_op(&self, action: &ClientAction) -> Result<Self::Op, String>;
    /// The operation a workload client asks for.
    fn workload_op(&self, request: RequestId) -> Self::Op;

    /// A node as it is before it first starts.
    fn init(&self, id: NodeId) -> Self::Node;
    /// Starting (also after a restart): typically arms the first timers.
    fn on_start(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>);
    fn on_message(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, from: NodeId, msg: Self::Msg);
    fn on_timer(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, timer: Self::Timer);
    fn on_request(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, request: Request<Self::Op>);
    fn durable(&self, node: &Self::Node) -> Self::Durable;
    /// A node rebuilt from what survived a crash (volatile state empty).
    fn recover(&self, id: NodeId, durable: Self::Durable) -> Self::Node;

    fn view(&self, node: &Self::Node) -> NodeView;
    /// A short label for a message in flight ("Record #4–5").
    fn label(&self, msg: &Self::Msg) -> String;
    fn describe_reply(&self, reply: &Self::Reply) -> String;
}

/// The smallest number of nodes that is more than half of `nodes`.
pub fn majority(nodes: usize) -> usize {
    nodes / 2 + 1
}

/// What the simulator knows at the end of a run, for `eventually` properties.
#[derive(Clone, Debug)]
pub struct EndState {
    pub now: Time,
    /// Since when a majority of nodes has been up, unpaused and connected to
    /// each other (`None` if that is not the case now).
    pub healthy_since: Option<Time>,
    /// The slowest one-way latency the network has had in this run.
    pub slowest_ms: Time,
    /// Requests still waiting for an answer, with the time of their first attempt.
    pub outstanding: Vec<(RequestId, Time)>,
}

/// Watches a run and names what breaks a protocol's safety properties.
pub trait Monitor<P: Protocol>: Clone + Debug {
    fn new(protocol: &P) -> Self;
    /// Called after every event with every node (crashed ones hold only their
    /// durable state), the nodes the event may have changed (the one whose
    /// handler ran, or that crashed or restarted; every node after the start),
    /// and the client events it produced. Returns the violations first seen
    /// now as (property name, detail); it must not report the same broken
    /// fact twice.
    fn check(
        &mut self,
        protocol: &P,
        nodes: &[P::Node],
        touched: &[NodeId],
        events: &[ClientEvent<P>],
        now: Time,
    ) -> Vec<(&'static str, String)>;
    /// Judges `eventually` properties as if the run ended now.
    fn judge_end(&self, protocol: &P, end: &EndState) -> Vec<(&'static str, String)>;
}
