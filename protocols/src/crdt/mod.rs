//! # CRDTs: replicas that always answer and still converge
//!
//! Conflict-free replicated data types (Shapiro, Preguiça, Baquero,
//! Zawirski, 2011). Every replica applies a client's update at once, on
//! either side of any partition: it is available. Replicas gossip their
//! state (or, in delta mode, the updates since their last round) to a few
//! peers at random, and merge what arrives by a join: commutative,
//! associative, idempotent. So duplicated, reordered or late gossip changes
//! nothing, and replicas that have seen the same updates hold the same state.
//!
//! Types (param `type`): `g-counter` (a count per replica, merge = the
//! larger of each), `pn-counter` (two of them), `lww-register` (the write
//! with the latest (clock, replica) stamp wins: a fast clock makes an
//! earlier write win, data loss LWW accepts by design), `or-set`
//! (observed-remove, add-wins: a remove deletes only the adds it has seen),
//! `mv-register` (concurrent writes are all kept, each with its version
//! vector, until a write that has seen them replaces them).
//!
//! Where to look: [`lattice`] (each type's merge and order), [`replica`]
//! (updates, gossip, merging), [`props`] (convergence, no lost update,
//! monotonic states). Variants: `naive-counter` (a plain integer, merged by
//! keeping the larger: concurrent increments are lost),
//! `remove-wins-set-without-tags` (a set that removes by element: a
//! concurrent add vanishes).

pub mod lattice;
pub mod props;
pub mod replica;

use crate::raft::msg::Key;
use crate::sim::any::{ClientActionInfo, FieldInfo, FieldKind, ProtocolInfo, VariantInfo};
use crate::sim::ctx::Delay;
use crate::sim::params::{ParamInfo, ParamKind, ParamValue, Params};
use crate::sim::protocol::{Facts, Protocol, Request, Start};
use crate::sim::rng::Stream;
use crate::sim::scenario::{ClientAction, Scenario, ScenarioError};
use crate::sim::time::{NodeId, RequestId, Time};
use crate::sim::view::{Accent, Item, ItemState, NodeView};

use lattice::{State, show_vector};
use props::{PROPERTIES, Watcher};
use replica::Replica;

pub type Ctx<'a> = crate::sim::ctx::Ctx<'a, Crdt>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    GCounter,
    PnCounter,
    LwwRegister,
    OrSet,
    MvRegister,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Gossip sends the whole state.
    State,
    /// Gossip sends the updates since the last round, and the whole state every fourth.
    Delta,
}

/// Which rule is broken, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    /// A counter gossiped as one number, merged by keeping the larger.
    NaiveCounter,
    /// A set that removes by element, without tags.
    NaiveSet,
}

const TYPES: [&str; 5] = ["g-counter", "pn-counter", "lww-register", "or-set", "mv-register"];

static VARIANTS: [VariantInfo; 3] = [
    VariantInfo::new("correct", "State-based CRDTs: merge is a join, so replicas converge"),
    VariantInfo {
        name: "naive-counter",
        summary: "Replicas gossip a plain number and keep the larger: concurrent increments are lost",
        pins: &[("type", ParamValue::Choice("pn-counter"))],
    },
    VariantInfo {
        name: "remove-wins-set-without-tags",
        summary: "A set that removes by element: an add concurrent with a remove elsewhere vanishes",
        pins: &[("type", ParamValue::Choice("or-set"))],
    },
];

static PARAMS: [ParamInfo; 4] = [
    ParamInfo {
        name: "type",
        label: "Type",
        help: "g-counter and pn-counter count; lww-register keeps the latest write by clock; or-set adds and removes elements (adds win); mv-register keeps concurrent writes side by side",
        kind: ParamKind::Choice { choices: &TYPES, default: "pn-counter" },
    },
    ParamInfo {
        name: "mode",
        label: "Gossip",
        help: "state: every round sends the whole state; delta: only the updates since the last round, and the whole state every fourth",
        kind: ParamKind::Choice { choices: &["state", "delta"], default: "state" },
    },
    ParamInfo {
        name: "gossip_ms",
        label: "Gossip every (ms)",
        help: "How often each replica sends its state to peers chosen at random",
        kind: ParamKind::Int { min: 50, max: 10_000, default: 500 },
    },
    ParamInfo {
        name: "fanout",
        label: "Fan-out",
        help: "How many peers each round goes to",
        kind: ParamKind::Int { min: 1, max: 8, default: 1 },
    },
];

const VALUE: FieldInfo =
    FieldInfo { name: "value", label: "Value", kind: FieldKind::Int { min: -999_999, max: 999_999 } };
const ELEMENT: FieldInfo = FieldInfo { name: "element", label: "Element", kind: FieldKind::Text { max_len: Key::MAX } };
const INC: ClientActionInfo = ClientActionInfo { name: "inc", label: "Increment", fields: &[] };
const DEC: ClientActionInfo = ClientActionInfo { name: "dec", label: "Decrement", fields: &[] };
const SET: ClientActionInfo = ClientActionInfo { name: "set", label: "Write a value", fields: &[VALUE] };
const ADD: ClientActionInfo = ClientActionInfo { name: "add", label: "Add an element", fields: &[ELEMENT] };
const REMOVE: ClientActionInfo = ClientActionInfo { name: "remove", label: "Remove an element", fields: &[ELEMENT] };
const READ: ClientActionInfo = ClientActionInfo { name: "read", label: "Read the value", fields: &[] };

static ALL_ACTIONS: [ClientActionInfo; 6] = [INC, DEC, SET, ADD, REMOVE, READ];
static G_ACTIONS: [ClientActionInfo; 2] = [INC, READ];
static PN_ACTIONS: [ClientActionInfo; 3] = [INC, DEC, READ];
static REGISTER_ACTIONS: [ClientActionInfo; 2] = [SET, READ];
static SET_ACTIONS: [ClientActionInfo; 3] = [ADD, REMOVE, READ];

static INFO: ProtocolInfo = ProtocolInfo {
    name: "crdt",
    title: "CRDTs",
    node_noun: "replica",
    client_noun: "client",
    variants: &VARIANTS,
    properties: &PROPERTIES,
    params: &PARAMS,
    client_actions: &ALL_ACTIONS,
    min_nodes: 2,
    max_nodes: 9,
    role_params: &[],
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Gossip,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A replica's state (with its causal context), or in delta mode the
    /// join of its recent updates (without).
    Gossip { state: State, seen: Option<Vec<u64>> },
}

/// What a client asks a replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Inc,
    Dec,
    Set(i64),
    Add(Key),
    Remove(Key),
    Read,
}

/// What a client is told: the replica's value after its update.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reply(pub String);

/// The elements the workload adds and removes.
const ELEMENTS: [&str; 4] = ["a", "b", "c", "d"];

/// One replicated type, configured for a run.
#[derive(Clone, Debug)]
pub struct Crdt {
    pub replicas: usize,
    pub kind: Kind,
    pub mode: Mode,
    pub variant: Variant,
    pub gossip_ms: Time,
    pub fanout: usize,
    /// How long a whole network needs to spread every update everywhere.
    pub settle_ms: Time,
}

impl Crdt {
    /// The state before any update.
    pub fn initial(&self) -> State {
        let zeros = vec![0; self.replicas];
        match (self.variant, self.kind) {
            (Variant::NaiveCounter, _) => State::Naive(0),
            (Variant::NaiveSet, _) => State::NaiveSet { added: Vec::new(), removed: Vec::new() },
            (_, Kind::GCounter) => State::GCounter(zeros),
            (_, Kind::PnCounter) => State::PnCounter { p: zeros.clone(), n: zeros },
            (_, Kind::LwwRegister) => State::Lww(None),
            (_, Kind::OrSet) => State::OrSet { adds: Vec::new(), removed: Vec::new() },
            (_, Kind::MvRegister) => State::Mv(Vec::new()),
        }
    }

    /// A state in full, for the log: "[A3 B0 C2]", "P[A1 B0] N[A0 B1]", "{a, c} (5 tags, 2 removed)".
    pub fn describe(&self, state: &State) -> String {
        let name = |i| self.node_name(i);
        match state {
            State::GCounter(v) => show_vector(v, &name),
            State::PnCounter { p, n } => format!("P{} N{}", show_vector(p, &name), show_vector(n, &name)),
            State::Naive(v) => v.to_string(),
            State::Lww(Some((stamp, v))) => format!("{v} @{}/{}", stamp.at, self.node_name(stamp.by as usize)),
            State::OrSet { adds, removed } => {
                let tag = |(replica, n): &(u8, u64)| format!("{}{n}", self.node_name(*replica as usize));
                let adds: Vec<String> = adds.iter().map(|(e, t)| format!("{e}@{}", tag(t))).collect();
                let removed: Vec<String> = removed.iter().map(tag).collect();
                format!("{state} tags [{}] removed [{}]", adds.join(" "), removed.join(" "))
            }
            State::NaiveSet { removed, .. } => {
                let removed: Vec<String> = removed.iter().map(|e| e.to_string()).collect();
                format!("{state} removed [{}]", removed.join(" "))
            }
            State::Mv(values) => {
                let values: Vec<String> =
                    values.iter().map(|(vv, v)| format!("{v} {}", show_vector(vv, &name))).collect();
                format!("{{{}}}", values.join(" | "))
            }
            State::Lww(None) => state.to_string(),
        }
    }
}

impl Protocol for Crdt {
    type Node = Replica;
    type Msg = Msg;
    type Timer = Timer;
    type Durable = (State, Vec<u64>);
    type Op = Op;
    type Reply = Reply;
    type Monitor = Watcher;

    fn info() -> &'static ProtocolInfo {
        &INFO
    }

    fn configure(scenario: &Scenario, params: &Params) -> Result<Crdt, ScenarioError> {
        let n = scenario.nodes;
        let kind = match params.choice("type") {
            "g-counter" => Kind::GCounter,
            "lww-register" => Kind::LwwRegister,
            "or-set" => Kind::OrSet,
            "mv-register" => Kind::MvRegister,
            _ => Kind::PnCounter,
        };
        let variant = match scenario.variant.as_str() {
            "naive-counter" => Variant::NaiveCounter,
            "remove-wins-set-without-tags" => Variant::NaiveSet,
            _ => Variant::Correct,
        };
        let mode = if params.choice("mode") == "delta" { Mode::Delta } else { Mode::State };
        let gossip_ms = params.int("gossip_ms") as Time;
        let fanout = (params.int("fanout") as usize).min(n - 1);
        // Rounds enough for random pushes to reach every replica (a few per
        // doubling), four times as many when only every fourth is whole.
        let rounds = (6 + 3 * n as Time) * if mode == Mode::Delta { 4 } else { 1 };
        let settle_ms = rounds * gossip_ms + 20 * scenario.network.latency_ms[1];
        Ok(Crdt { replicas: n, kind, mode, variant, gossip_ms, fanout, settle_ms })
    }

    fn client_actions(&self) -> &'static [ClientActionInfo] {
        match self.kind {
            Kind::GCounter => &G_ACTIONS,
            Kind::PnCounter => &PN_ACTIONS,
            Kind::LwwRegister | Kind::MvRegister => &REGISTER_ACTIONS,
            Kind::OrSet => &SET_ACTIONS,
        }
    }

    fn parse_op(&self, action: &ClientAction) -> Result<Op, String> {
        let element = || crate::raft::kv::key_of(action, "element");
        Ok(match action.name.as_str() {
            "inc" => Op::Inc,
            "dec" => Op::Dec,
            "set" => Op::Set(crate::raft::kv::value_of(action)),
            "add" => Op::Add(element()?),
            "remove" => Op::Remove(element()?),
            _ => Op::Read,
        })
    }

    /// Clients go to any replica and update its value over a small domain
    /// (or read it, one time in five).
    fn workload_request(&self, rng: &mut Stream, nodes: usize, request: RequestId) -> (NodeId, Op) {
        let node = rng.below(nodes as u64) as NodeId;
        let element = Key::new(ELEMENTS[rng.below(ELEMENTS.len() as u64) as usize]).expect("short elements");
        let op = match (rng.below(5), self.kind) {
            (0, _) => Op::Read,
            (1 | 2, Kind::PnCounter) => Op::Dec,
            (_, Kind::GCounter | Kind::PnCounter) => Op::Inc,
            (_, Kind::LwwRegister | Kind::MvRegister) => Op::Set(request as i64 % 1_000),
            (1 | 2, Kind::OrSet) => Op::Remove(element),
            (_, Kind::OrSet) => Op::Add(element),
        };
        (node, op)
    }

    fn init(&self, id: NodeId) -> Replica {
        self.recover(id, (self.initial(), vec![0; self.replicas]))
    }

    /// Gossip starts at a random point of the first interval, so replicas do not send in step.
    fn on_start(&self, _: &mut Replica, ctx: &mut Ctx, _: Start) {
        ctx.set_timer(Timer::Gossip, Delay::Between(1, self.gossip_ms));
    }

    fn on_message(&self, node: &mut Replica, ctx: &mut Ctx, from: NodeId, msg: Msg) {
        let Msg::Gossip { state, seen } = msg;
        node.on_gossip(self, ctx, from, &state, seen.as_deref());
    }

    fn on_timer(&self, node: &mut Replica, ctx: &mut Ctx, _: Timer) {
        node.on_gossip_timer(self, ctx);
    }

    /// Always answered, at once, with the value after the update.
    fn on_request(&self, node: &mut Replica, ctx: &mut Ctx, request: Request<Op>) {
        if request.op != Op::Read {
            node.update(self, ctx, request.op);
        }
        node.last_op = Some(request.op);
        node.served += 1;
        ctx.reply(request.id, Reply(node.state.to_string()));
    }

    fn durable(&self, node: &Replica) -> (State, Vec<u64>) {
        (node.state.clone(), node.seen.clone())
    }

    fn recover(&self, id: NodeId, (state, seen): (State, Vec<u64>)) -> Replica {
        Replica { id, state, seen, delta: None, rounds: 0, last_op: None, served: 0 }
    }

    /// Every replica up and the network whole: then gossip must bring them all together.
    fn healthy(&self, facts: &Facts) -> bool {
        facts.all_up() && facts.network_whole()
    }

    fn view(&self, node: &Replica) -> NodeView {
        let value = node.state.to_string();
        let state = self.describe(&node.state);
        let mut facts = vec![format!("value {value}")];
        if state != value {
            facts.push(state);
        }
        facts.push(format!("seen {}", show_vector(&node.seen, &|i| self.node_name(i))));
        let items = match &node.state {
            State::OrSet { .. } | State::NaiveSet { .. } => {
                node.state.elements().iter().map(|e| Item::new(e.to_string(), ItemState::Settled)).collect()
            }
            State::Mv(values) => values
                .iter()
                .map(|(vv, v)| {
                    let state = if values.len() > 1 { ItemState::Conflicting } else { ItemState::Settled };
                    Item::new(format!("{v} {}", show_vector(vv, &|i| self.node_name(i))), state)
                })
                .collect(),
            _ => Vec::new(),
        };
        NodeView { role: "Replica".into(), accent: Accent::Plain, facts, items }
    }

    fn label(&self, msg: &Msg) -> String {
        match msg {
            Msg::Gossip { state, seen: Some(_) } => format!("State {}", self.describe(state)),
            Msg::Gossip { state, seen: None } => format!("Delta {}", self.describe(state)),
        }
    }

    fn size(&self, msg: &Msg) -> usize {
        let Msg::Gossip { state, seen } = msg;
        24 + state.size() + seen.as_ref().map_or(0, |s| 8 * s.len())
    }

    fn describe_reply(&self, reply: &Reply) -> String {
        format!("value {}", reply.0)
    }
}

#[cfg(test)]
mod tests;
