//! The trait every protocol implements, and the monitor that judges it.
//!
//! A protocol is a set of handlers over one node type (an enum when a
//! protocol has several roles: coordinator and cohort, proposer and
//! acceptor). Handlers never touch the world: they change their own node and
//! ask for effects through the [`Ctx`] outbox. What survives a crash is what
//! the node last *persisted* (`ctx.persist()`): a node that answers before
//! persisting can forget its answer in a crash, which is the bug a broken
//! variant shows. Safety properties live next to the protocol as a
//! [`Monitor`] that watches every step.

use std::fmt::Debug;
use std::hash::Hash;

use super::any::{ClientActionInfo, Distribution, PropertyInfo, PropertyKind, ProtocolInfo};
use super::ctx::Ctx;
use super::net::Network;
use super::params::Params;
use super::rng::Stream;
use super::scenario::{ClientAction, Scenario, ScenarioError};
use super::time::{NodeId, RequestId, Time, node_name};
use super::view::{Layout, Liveness, NodeView};
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

/// Why a node is starting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Start {
    /// The run begins: the node has never run before.
    First,
    /// The node comes back after a crash, from what it had persisted.
    Restart,
}

pub trait Protocol: Clone + Debug + Sized + 'static {
    /// A node's whole state; hashed for the explorer's visited set.
    type Node: Clone + Debug + Hash;
    type Msg: Clone + Debug + Hash;
    type Timer: Clone + Debug + Hash + Eq;
    /// The part of a node that survives a crash, as it was last persisted.
    type Durable: Clone + Debug;
    /// What a client asks for.
    type Op: Clone + Debug + Hash;
    /// What a client is told.
    type Reply: Clone + Debug + Hash;
    type Monitor: Monitor<Self>;

    fn info() -> &'static ProtocolInfo;
    /// Every protocol this type runs, by a scenario's `protocol` name: just
    /// [`Protocol::info`] for most; 2PC and 3PC share their rules, and so
    /// one type (and one compiled engine, which keeps the download small).
    fn family() -> Vec<&'static ProtocolInfo> {
        vec![Self::info()]
    }
    /// The member of the family this configuration runs.
    fn running(&self) -> &'static ProtocolInfo {
        Self::info()
    }
    /// Builds the protocol's configuration from a scenario whose `params`
    /// have been checked against `info().params` (defaults filled in),
    /// refusing what it cannot run (node counts, combinations of parameters).
    fn configure(scenario: &Scenario, params: &Params) -> Result<Self, ScenarioError>;

    /// A node's display name: A, B, C by default; C, P1, A2 for roles.
    fn node_name(&self, id: NodeId) -> String {
        node_name(id)
    }
    /// How the canvas should place the nodes.
    fn layout(&self) -> Layout {
        Layout::Ring
    }
    /// The client actions this configuration offers (they may depend on the
    /// parameters, e.g. one per CRDT type). Their fields are checked by the
    /// engine before [`Protocol::parse_op`] sees them.
    fn client_actions(&self) -> &'static [ClientActionInfo] {
        self.running().client_actions
    }
    /// Turns a client action from a timeline or the UI into an operation.
    fn parse_op(&self, action: &ClientAction) -> Result<Self::Op, String>;
    /// Where a new workload client goes and what it asks, drawn from the
    /// clients' own random stream (2PC begins at the coordinator, CRDT
    /// updates go to any replica).
    fn workload_request(&self, rng: &mut Stream, nodes: usize, request: RequestId) -> (NodeId, Self::Op);
    /// Where a client whose answer did not come tries next: by default
    /// another node, chosen at random.
    fn retry_node(&self, rng: &mut Stream, nodes: usize, last: NodeId) -> NodeId {
        let others = nodes.saturating_sub(1) as u64;
        if others == 0 { last } else { (last + 1 + rng.below(others) as usize) % nodes }
    }

    /// A node as it is before it first starts.
    fn init(&self, id: NodeId) -> Self::Node;
    /// Starting for the first time, or again after a crash: typically arms the first timers.
    fn on_start(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, start: Start);
    fn on_message(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, from: NodeId, msg: Self::Msg);
    fn on_timer(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, timer: Self::Timer);
    fn on_request(&self, node: &mut Self::Node, ctx: &mut Ctx<Self>, request: Request<Self::Op>);

    /// The durable part of a node, as it would be written to disk now.
    fn durable(&self, node: &Self::Node) -> Self::Durable;
    /// Writes the node's durable part to its disk (after a handler that
    /// called `ctx.persist()`). The default rewrites the whole disk; a
    /// protocol with a long log overrides it to write only what changed.
    fn persist(&self, node: &mut Self::Node, disk: &mut Self::Durable) {
        *disk = self.durable(node);
    }
    /// A node rebuilt from its disk after a crash (volatile state empty).
    fn recover(&self, id: NodeId, disk: Self::Durable) -> Self::Node;

    /// Whether the system is in a state where it must make progress (for
    /// `eventually` properties). By default a majority of nodes is up and
    /// connected both ways; 2PC wants everyone up, CRDTs a whole network.
    fn healthy(&self, facts: &Facts) -> bool {
        facts.majority_connected()
    }

    fn view(&self, node: &Self::Node) -> NodeView;
    /// A short label for a message in flight ("Record #4–5").
    fn label(&self, msg: &Self::Msg) -> String;
    /// About how many bytes the message would take on a wire.
    fn size(&self, msg: &Self::Msg) -> usize {
        let _ = msg;
        std::mem::size_of::<Self::Msg>()
    }
    fn describe_reply(&self, reply: &Self::Reply) -> String;
}

/// The smallest number of nodes that is more than half of `nodes`.
pub fn majority(nodes: usize) -> usize {
    nodes / 2 + 1
}

/// The largest of `values` that at least `quorum` of them reach (0 if
/// none): how far a log is held by a quorum, given how far each node holds
/// it. Without allocating: it runs on every acknowledgement.
pub fn reached_by_quorum(values: impl Iterator<Item = usize> + Clone, quorum: usize) -> usize {
    // Plain loops: at opt-level "z" each adapter's closure would stay a call.
    let mut reached = 0;
    for v in values.clone() {
        if v > reached {
            let mut holders = 0;
            for w in values.clone() {
                holders += usize::from(w >= v);
            }
            if holders >= quorum {
                reached = v;
            }
        }
    }
    reached
}

/// What the simulator knows about the world right now, for judging health.
pub struct Facts<'a> {
    pub liveness: &'a [Liveness],
    pub network: &'a Network,
}

impl Facts<'_> {
    fn up(&self) -> Vec<NodeId> {
        (0..self.liveness.len()).filter(|&i| self.liveness[i] == Liveness::Up).collect()
    }

    /// Every node is up and not paused.
    pub fn all_up(&self) -> bool {
        self.liveness.iter().all(|&l| l == Liveness::Up)
    }

    /// No partition, cut or total loss.
    pub fn network_whole(&self) -> bool {
        self.network.partitions().is_empty() && self.network.cuts().is_empty() && self.network.settings.drop < 1.0
    }

    /// A majority of nodes is up, unpaused and able to reach each other both
    /// ways (exhaustive: node counts are small).
    pub fn majority_connected(&self) -> bool {
        self.majority_connected_among(&(0..self.liveness.len()).collect::<Vec<_>>())
    }

    /// As [`Facts::majority_connected`], for a majority of `members` only
    /// (Raft's configuration when not every node is in it).
    pub fn majority_connected_among(&self, members: &[NodeId]) -> bool {
        self.connected(members, None)
    }

    /// A majority of `members` and node `with` up, unpaused and able to
    /// reach each other both ways (Paxos: a proposer and a majority of acceptors).
    pub fn majority_connected_with(&self, members: &[NodeId], with: NodeId) -> bool {
        self.connected(members, Some(with))
    }

    fn connected(&self, members: &[NodeId], with: Option<NodeId>) -> bool {
        if self.network.settings.drop >= 1.0 || with.is_some_and(|w| self.liveness[w] != Liveness::Up) {
            return false;
        }
        let up: Vec<NodeId> = self.up().into_iter().filter(|n| members.contains(n)).collect();
        let need = majority(members.len());
        let net = self.network;
        let linked = |a: NodeId, b: NodeId| a == b || (net.reachable(a, b) && net.reachable(b, a));
        (0u32..1 << up.len()).any(|mask| {
            let chosen: Vec<NodeId> =
                up.iter().enumerate().filter(|(b, _)| mask >> b & 1 == 1).map(|(_, &i)| i).collect();
            chosen.len() >= need
                && chosen.iter().all(|&a| chosen.iter().all(|&b| linked(a, b)) && with.is_none_or(|w| linked(a, w)))
        })
    }
}

/// What the simulator knows at the end of a run, for `eventually` properties.
#[derive(Clone, Debug)]
pub struct EndState {
    pub now: Time,
    /// Since when the protocol's [`Protocol::healthy`] has held without a
    /// break (`None` if it does not hold now).
    pub healthy_since: Option<Time>,
    /// The slowest one-way latency the network has had in this run.
    pub slowest_ms: Time,
    /// Requests still waiting for an answer, with the time of their first attempt.
    pub outstanding: Vec<(RequestId, Time)>,
}

impl EndState {
    /// For a liveness property: reports under `property` the clients that
    /// have waited through `settle_ms` of health (plus twenty of the slowest
    /// one-way trips), three by name and the count of the rest. `noun` names
    /// a client ("parent"), `lacks` what it is still without ("still has no
    /// number"), `healthy` what health means for this protocol ("a majority up
    /// and connected").
    pub fn report_starving(
        &self,
        settle_ms: Time,
        property: &'static PropertyInfo,
        (noun, lacks, healthy): (&str, &str, &str),
        found: &mut Findings,
    ) {
        let Some(since) = self.healthy_since else { return };
        let starving: Vec<(RequestId, Time)> = self
            .outstanding
            .iter()
            .copied()
            .filter(|&(_, first_at)| first_at.max(since) + settle_ms + 20 * self.slowest_ms <= self.now)
            .collect();
        for (request, first_at) in starving.iter().take(3) {
            let also = if starving.len() > 3 { format!(" ({} {noun}s in all)", starving.len()) } else { String::new() };
            found.violated(
                property,
                format!(
                    "{noun} r{request} has waited since {first_at} ms with {healthy} since {since} ms, and {lacks}{also}"
                ),
            );
        }
    }
}

/// Every node's state, as a monitor reads it: the engine's nodes, or one
/// protocol's nodes borrowed out of the enum that runs every protocol as
/// one type ([`crate::all::All`]).
pub enum Nodes<'a, N> {
    /// The engine's own nodes.
    Slice(&'a [N]),
    /// One protocol's nodes inside another type's, each borrowed out of it.
    Refs(&'a [&'a N]),
}

// By hand: the derives would ask `N: Copy`, and a view is copied whatever the nodes are.
impl<N> Clone for Nodes<'_, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<N> Copy for Nodes<'_, N> {}

// Monitors read nodes on every step: at opt-level "z" these would stay calls
// (an iterator's step calling `get` calling the slice's bounds check), so they
// are inlined.
impl<'a, N> Nodes<'a, N> {
    #[inline(always)]
    pub fn len(&self) -> usize {
        match self {
            Nodes::Slice(nodes) => nodes.len(),
            Nodes::Refs(nodes) => nodes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Node `i`, borrowed for as long as the view's nodes are.
    #[inline(always)]
    pub fn get(&self, i: usize) -> &'a N {
        match *self {
            Nodes::Slice(nodes) => &nodes[i],
            Nodes::Refs(nodes) => nodes[i],
        }
    }

    #[inline(always)]
    pub fn iter(&self) -> NodesIter<'a, N> {
        NodesIter { nodes: *self, next: 0 }
    }
}

/// The nodes of a [`Nodes`] in order.
pub struct NodesIter<'a, N> {
    nodes: Nodes<'a, N>,
    next: usize,
}

impl<N> Clone for NodesIter<'_, N> {
    fn clone(&self) -> Self {
        NodesIter { nodes: self.nodes, next: self.next }
    }
}

impl<'a, N> Iterator for NodesIter<'a, N> {
    type Item = &'a N;

    #[inline(always)]
    fn next(&mut self) -> Option<&'a N> {
        if self.next == self.nodes.len() {
            return None;
        }
        self.next += 1;
        Some(self.nodes.get(self.next - 1))
    }
}

impl<N> std::ops::Index<usize> for Nodes<'_, N> {
    type Output = N;

    #[inline]
    fn index(&self, i: usize) -> &N {
        self.get(i)
    }
}

/// What one step may have changed, as the monitor sees it.
pub struct StepView<'a, P: Protocol> {
    /// Every node (crashed ones hold only what they had persisted).
    pub nodes: Nodes<'a, P::Node>,
    /// The nodes the step may have changed: the one whose handler ran, or
    /// that crashed or restarted; every node after the start.
    pub touched: &'a [NodeId],
    /// What clients saw during the step.
    pub events: &'a [ClientEvent<P>],
    pub now: Time,
}

/// Something a monitor found, tied to one of the protocol's declared properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub property: &'static PropertyInfo,
    /// In plain language with the concrete values.
    pub detail: String,
    /// The nodes involved.
    pub nodes: Vec<NodeId>,
}

/// The monitor's outbox: properties are named by their declared
/// [`PropertyInfo`], so a misspelt or undeclared one cannot be reported.
#[derive(Debug, Default)]
pub struct Findings(pub(crate) Vec<Finding>);

impl Findings {
    /// An `always` or `eventually` property is broken.
    pub fn violated(&mut self, property: &'static PropertyInfo, detail: String) {
        self.violated_at(property, detail, Vec::new());
    }

    /// As [`Findings::violated`], naming the nodes involved.
    pub fn violated_at(&mut self, property: &'static PropertyInfo, detail: String, nodes: Vec<NodeId>) {
        debug_assert_ne!(property.kind, PropertyKind::Sometimes, "{} is witnessed, not violated", property.name);
        self.0.push(Finding { property, detail, nodes });
    }

    /// A `sometimes` property happened ("a leader was elected"); only the
    /// first witness is kept, so reporting it again is harmless.
    pub fn witnessed(&mut self, property: &'static PropertyInfo, detail: String) {
        debug_assert_eq!(property.kind, PropertyKind::Sometimes, "{} is not a `sometimes` property", property.name);
        self.0.push(Finding { property, detail, nodes: Vec::new() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.0
    }
}

/// Watches a run and names what breaks a protocol's properties.
pub trait Monitor<P: Protocol>: Clone + Debug {
    fn new(protocol: &P) -> Self;
    /// Called after every step. Reports what is first seen now; it must not
    /// report the same broken fact twice. Checking only what the step
    /// touched keeps the cost flat however long the run.
    fn check(&mut self, protocol: &P, step: &StepView<P>, found: &mut Findings);
    /// Judges `eventually` properties as if the run ended now.
    fn judge_end(&self, protocol: &P, end: &EndState, found: &mut Findings);
    /// The protocol's own numbers (`elections`, `committed`, …), read at any
    /// step, given how many messages the nodes have sent (for ratios such as
    /// `messages_per_committed`).
    fn metrics(&self, messages: u64) -> Vec<(&'static str, f64)> {
        let _ = messages;
        Vec::new()
    }
    /// The protocol's distributions (`commit_latency_ms`), as `{p50, p99, mean}`.
    fn distributions(&self) -> Vec<(&'static str, Distribution)> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reached_by_quorum_is_the_majority_th_largest() {
        let of = |v: &[usize], q| reached_by_quorum(v.iter().copied(), q);
        assert_eq!(of(&[5, 3, 9, 3, 1], 3), 3);
        assert_eq!(of(&[5, 3, 9, 3, 1], 1), 9);
        assert_eq!(of(&[5, 3, 9, 3, 1], 5), 1);
        assert_eq!(of(&[2, 2], 3), 0, "no value reached by three");
    }
}
