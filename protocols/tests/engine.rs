//! The engine on its own, driven by a tiny ping/ack protocol that exists only
//! here: everything a protocol can say (parameters, clocks, persistence,
//! client actions with fields, typed properties, known limits) goes through
//! the public interface, with no engine change.

use quorum_protocols::build;
use quorum_protocols::sim::any::{
    AnySim, ClientActionInfo, EventKind, FieldInfo, FieldKind, PropertyInfo, ProtocolInfo, Recording, Status,
    VariantInfo,
};
use quorum_protocols::sim::ctx::{Ctx, Delay};
use quorum_protocols::sim::engine::Sim;
use quorum_protocols::sim::json::{self, Json, Shape};
use quorum_protocols::sim::params::{ParamInfo, ParamKind, ParamValue, Params};
use quorum_protocols::sim::protocol::{EndState, Findings, Monitor, Protocol, Request, Start, StepView};
use quorum_protocols::sim::rng::Stream;
use quorum_protocols::sim::scenario::{Action, ClientAction, FaultKind, Scenario, ScenarioError};
use quorum_protocols::sim::time::{NodeId, RequestId, Time};
use quorum_protocols::sim::view::{Accent, Fate, Item, ItemState, NodeView};

#[derive(Clone, Debug)]
struct Ping {
    /// Whether a bump is persisted before it is answered (variant `forgetful` pins false).
    persist: bool,
}

#[derive(Clone, Debug, Default, Hash)]
struct Node {
    count: u64,
    started: Option<Start>,
    received: Vec<(NodeId, u64)>,
    fired: Vec<Time>,
    reads: Vec<Time>,
}

#[derive(Clone, Debug, Hash)]
enum Msg {
    Ping(u64),
    Ack(u64),
}

#[derive(Clone, Debug, Hash)]
enum Op {
    Bump,
    Ping { to: NodeId, k: u64 },
    Arm { ms: Time },
    Cancel,
    Read,
}

static ANSWERED: PropertyInfo = PropertyInfo::sometimes("ping-answered", "A ping is answered");
static NO_DUPLICATES: PropertyInfo =
    PropertyInfo::always("no-duplicates", "No node receives the same ping twice").limited_by(&[FaultKind::Duplication]);
static PROPERTIES: [&PropertyInfo; 2] = [&ANSWERED, &NO_DUPLICATES];

const INT: FieldKind = FieldKind::Int { min: 0, max: 100_000 };
static INFO: ProtocolInfo = ProtocolInfo {
    name: "ping",
    title: "Ping",
    node_noun: "node",
    client_noun: "client",
    variants: &[
        VariantInfo::new("correct", "Persists before answering"),
        VariantInfo {
            name: "forgetful",
            summary: "Answers before persisting",
            pins: &[("persist", ParamValue::Bool(false))],
        },
    ],
    properties: &PROPERTIES,
    params: &[
        ParamInfo { name: "persist", label: "Persist", help: "", kind: ParamKind::Bool { default: true } },
        ParamInfo { name: "fanout", label: "Fanout", help: "", kind: ParamKind::Int { min: 1, max: 3, default: 1 } },
    ],
    client_actions: &[
        ClientActionInfo { name: "bump", label: "Bump", fields: &[] },
        ClientActionInfo {
            name: "ping",
            label: "Ping",
            fields: &[FieldInfo { name: "to", label: "To", kind: INT }, FieldInfo { name: "k", label: "K", kind: INT }],
        },
        ClientActionInfo { name: "arm", label: "Arm", fields: &[FieldInfo { name: "ms", label: "ms", kind: INT }] },
        ClientActionInfo { name: "cancel", label: "Cancel", fields: &[] },
        ClientActionInfo { name: "read", label: "Read the clock", fields: &[] },
    ],
    min_nodes: 2,
    max_nodes: 5,
    role_params: &[],
};

#[derive(Clone, Debug)]
struct Watch {
    seen: Vec<Vec<(NodeId, u64)>>,
}

impl Monitor<Ping> for Watch {
    fn new(_: &Ping) -> Self {
        Watch { seen: Vec::new() }
    }

    fn check(&mut self, _: &Ping, step: &StepView<Ping>, found: &mut Findings) {
        self.seen.resize(step.nodes.len(), Vec::new());
        for &n in step.touched {
            let received = &step.nodes[n].received;
            if received.len() > self.seen[n].len() {
                let new = received[self.seen[n].len()..].to_vec();
                for r in &new {
                    if self.seen[n].contains(r) {
                        found.violated_at(&NO_DUPLICATES, format!("{n} got ping {} twice", r.1), vec![n]);
                    }
                }
                self.seen[n].extend(new);
                found.witnessed(&ANSWERED, "a ping arrived".into());
            }
        }
    }

    fn judge_end(&self, _: &Ping, _: &EndState, _: &mut Findings) {}
}

fn field(action: &ClientAction, name: &str) -> u64 {
    action.params.get(name).and_then(Json::as_u64).unwrap()
}

impl Protocol for Ping {
    type Node = Node;
    type Msg = Msg;
    type Timer = ();
    type Durable = u64;
    type Op = Op;
    type Reply = u64;
    type Monitor = Watch;

    fn info() -> &'static ProtocolInfo {
        &INFO
    }
    fn configure(_: &Scenario, params: &Params) -> Result<Self, ScenarioError> {
        Ok(Ping { persist: params.bool("persist") })
    }
    fn parse_op(&self, action: &ClientAction) -> Result<Op, String> {
        Ok(match action.name.as_str() {
            "bump" => Op::Bump,
            "ping" => Op::Ping { to: field(action, "to") as NodeId, k: field(action, "k") },
            "arm" => Op::Arm { ms: field(action, "ms") },
            "cancel" => Op::Cancel,
            _ => Op::Read,
        })
    }
    fn workload_request(&self, rng: &mut Stream, nodes: usize, _: RequestId) -> (NodeId, Op) {
        (rng.below(nodes as u64) as NodeId, Op::Bump)
    }
    fn init(&self, _: NodeId) -> Node {
        Node::default()
    }
    fn on_start(&self, node: &mut Node, _: &mut Ctx<Self>, start: Start) {
        node.started = Some(start);
    }
    fn on_message(&self, node: &mut Node, ctx: &mut Ctx<Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Ping(k) => {
                node.received.push((from, k));
                ctx.send(from, Msg::Ack(k));
            }
            Msg::Ack(_) => {}
        }
    }
    fn on_timer(&self, node: &mut Node, ctx: &mut Ctx<Self>, _: ()) {
        node.fired.push(ctx.now());
    }
    /// Every request is answered at once, so no client retries it.
    fn on_request(&self, node: &mut Node, ctx: &mut Ctx<Self>, request: Request<Op>) {
        match request.op {
            Op::Bump => {
                node.count += 1;
                if self.persist {
                    ctx.persist();
                }
            }
            Op::Ping { to, k } => ctx.send(to, Msg::Ping(k)),
            Op::Arm { ms } => ctx.set_timer((), Delay::Fixed(ms)),
            Op::Cancel => ctx.cancel_timer(()),
            Op::Read => node.reads.push(ctx.now()),
        }
        ctx.reply(request.id, node.count);
    }
    fn durable(&self, node: &Node) -> u64 {
        node.count
    }
    fn recover(&self, _: NodeId, count: u64) -> Node {
        Node { count, ..Node::default() }
    }
    fn view(&self, node: &Node) -> NodeView {
        let item = Item::new(node.count.to_string(), ItemState::Settled);
        NodeView { role: "node".into(), accent: Accent::Plain, facts: vec![], items: vec![item] }
    }
    fn label(&self, msg: &Msg) -> String {
        format!("{msg:?}")
    }
    fn describe_reply(&self, reply: &u64) -> String {
        reply.to_string()
    }
}

/// A scenario for the ping protocol: no workload, links of exactly 100 ms
/// unless `extra` (more JSON fields) says otherwise.
fn scenario(extra: &str) -> Scenario {
    let network = if extra.contains("\"network\"") { "" } else { r#","network":{"latency_ms":[100,100]}"# };
    let workload = if extra.contains("\"workload\"") { "" } else { r#","workload":{"rate_per_s":0}"# };
    let json =
        format!(r#"{{"version":1,"protocol":"ping","nodes":3,"seed":4,"until_ms":60000{network}{workload}{extra}}}"#);
    Scenario::from_json(&json).unwrap()
}

fn sim(extra: &str) -> Sim<Ping> {
    Sim::new(&scenario(extra)).unwrap()
}

fn client(name: &str, node: NodeId, fields: &str) -> Action {
    let params = json::object(json::parse(&format!("{{{fields}}}"), Shape::Free).unwrap()).unwrap();
    Action::Client(ClientAction { name: name.into(), node, params })
}

fn fault(json: &str) -> Action {
    scenario(&format!(r#","timeline":[{{"at_ms":0,{json}}}]"#)).timeline.remove(0).action
}

#[test]
fn params_are_checked_against_the_declared_list() {
    let refused = |extra: &str| Sim::<Ping>::new(&scenario(extra)).err().unwrap().0;
    assert!(refused(r#","params":{"fanot":2}"#).contains("unknown parameter `fanot`"));
    assert!(refused(r#","params":{"fanout":9}"#).contains("from 1 to 3"));
    assert!(refused(r#","variant":"forgetful","params":{"persist":true}"#).contains("needs params.persist = false"));
    assert!(refused(r#","variant":"lazy""#).contains("no variant `lazy`"));
    let s = sim(r#","params":{"fanout":3}"#);
    assert_eq!((s.params().int("fanout"), s.params().bool("persist")), (3, true));
}

#[test]
fn client_actions_are_checked_against_their_fields() {
    let mut s = sim("");
    assert!(s.apply(client("ping", 0, r#""to":1"#), 0).unwrap_err().contains("needs `k`"));
    assert!(s.apply(client("ping", 0, r#""to":1,"k":2,"x":1"#), 0).unwrap_err().contains("not `x`"));
    assert!(s.apply(client("arm", 0, r#""ms":"soon""#), 0).unwrap_err().contains("whole number"));
    assert!(s.apply(client("fly", 0, ""), 0).unwrap_err().contains("no client action `fly`"));
    assert_eq!(s.step_index(), 0, "nothing happened");
}

#[test]
fn a_paused_node_gets_what_queued_up_in_arrival_order_on_resume() {
    let mut s = sim("");
    s.apply(fault(r#""action":"pause","node":1"#), 0).unwrap();
    for (k, at) in [(1, 10), (2, 20), (3, 30)] {
        s.apply(client("ping", 0, &format!(r#""to":1,"k":{k}"#)), at).unwrap();
    }
    s.run_until(1_000, u64::MAX);
    assert!(s.nodes()[1].received.is_empty(), "nothing is processed while paused");
    s.apply(fault(r#""action":"resume","node":1"#), 2_000).unwrap();
    s.run_until(2_000, u64::MAX);
    assert_eq!(s.nodes()[1].received, vec![(0, 1), (0, 2), (0, 3)]);
}

#[test]
fn a_rearmed_or_cancelled_timer_never_fires_stale() {
    let mut s = sim("");
    s.apply(client("arm", 0, r#""ms":100"#), 0).unwrap();
    s.apply(client("arm", 0, r#""ms":100"#), 50).unwrap();
    s.run_until(1_000, u64::MAX);
    assert_eq!(s.nodes()[0].fired, vec![150], "only the re-armed firing");
    s.apply(client("arm", 0, r#""ms":100"#), 2_000).unwrap();
    s.apply(client("cancel", 0, ""), 2_050).unwrap();
    s.run_until(5_000, u64::MAX);
    assert_eq!(s.nodes()[0].fired, vec![150]);
}

#[test]
fn duplicated_messages_arrive_twice_and_are_marked() {
    let mut s = sim(r#","network":{"latency_ms":[10,50],"duplicate":0.5}"#);
    for k in 0..40 {
        s.apply(client("ping", 0, &format!(r#""to":1,"k":{k}"#)), 10 * k + 1).unwrap();
    }
    s.run_until(2_000, u64::MAX);
    let got = s.nodes()[1].received.len();
    assert!((50..=75).contains(&got), "{got} pings received for 40 sent at p=0.5");
    let events = s.events(0, s.trace_len());
    assert!(events.iter().any(|e| matches!(e.what, EventKind::Send { duplicate: true, .. })));
    // Receiving a ping twice breaks `no-duplicates`, a known limit when the network duplicates.
    let status = s.properties().into_iter().find(|p| p.name == "no-duplicates").unwrap().status;
    assert_eq!(status, Status::KnownLimit);
    let answered = s.properties().into_iter().find(|p| p.name == "ping-answered").unwrap().status;
    assert_eq!(answered, Status::Witnessed);
}

#[test]
fn a_message_in_flight_meets_a_partition_that_begins_after_it_was_sent() {
    let mut s = sim("");
    s.apply(client("ping", 0, r#""to":1,"k":7"#), 10).unwrap();
    s.apply(fault(r#""action":"partition","groups":[[0],[1,2]]"#), 50).unwrap();
    s.run_until(1_000, u64::MAX);
    assert!(s.nodes()[1].received.is_empty());
    let events = s.events(0, s.trace_len());
    assert!(events.iter().any(|e| matches!(e.what, EventKind::Drop { fate: Fate::Blocked, from: 0, to: 1, .. })));
}

#[test]
fn a_crash_keeps_what_was_persisted_and_nothing_else() {
    for (variant, survives) in [("correct", 3), ("forgetful", 0)] {
        let mut s = sim(&format!(r#","variant":"{variant}""#));
        for at in [10, 20, 30] {
            s.apply(client("bump", 2, ""), at).unwrap();
        }
        s.apply(client("ping", 0, r#""to":2,"k":1"#), 40).unwrap();
        s.run_until(500, u64::MAX);
        assert_eq!((s.nodes()[2].count, s.nodes()[2].received.len()), (3, 1));
        s.apply(fault(r#""action":"crash","node":2"#), 600).unwrap();
        s.apply(fault(r#""action":"restart","node":2"#), 700).unwrap();
        let node = &s.nodes()[2];
        assert_eq!(node.count, survives, "{variant}: what was persisted");
        assert!(node.received.is_empty(), "{variant}: memory is lost");
        assert_eq!(node.started, Some(Start::Restart), "a restart is told it is one");
    }
    assert_eq!(sim("").nodes()[0].started, Some(Start::First));
}

#[test]
fn clock_offsets_and_drift_change_what_a_node_reads_and_when_its_timers_fire() {
    let mut s = sim(r#","clocks":[{"node":1,"offset_ms":-300}]"#);
    s.apply(client("read", 1, ""), 1_000).unwrap();
    s.apply(fault(r#""action":"set_clock","node":0,"offset_ms":500,"drift":0.25"#), 1_200).unwrap();
    s.apply(client("read", 0, ""), 2_000).unwrap();
    s.apply(client("arm", 0, r#""ms":1000"#), 3_000).unwrap();
    s.run_until(10_000, u64::MAX);
    assert_eq!(s.nodes()[1].reads, vec![700]);
    assert_eq!(s.nodes()[0].reads, vec![2_700], "1 700 at 1.2 s, then 1.25 ms per ms");
    assert_eq!(s.nodes()[0].fired, vec![4_950], "1 000 ms of a 25% fast clock is 800 true ms: at 3.8 s it reads 4 950");
    assert_eq!(s.now(), 3_800);
    assert_eq!(s.frame(0.0).nodes[0].clock_offset_ms, 1_150);
}

#[test]
fn a_run_kept_as_a_hash_is_the_same_run() {
    let extra = r#","network":{"latency_ms":[10,50],"drop":0.1,"duplicate":0.2},"workload":{"rate_per_s":20}"#;
    let mut full = Sim::<Ping>::with_recording(&scenario(extra), Recording::Full).unwrap();
    let mut hash = Sim::<Ping>::with_recording(&scenario(extra), Recording::Hash).unwrap();
    full.run_until(20_000, u64::MAX);
    hash.run_until(20_000, u64::MAX);
    assert_eq!(full.trace_hash(), hash.trace_hash());
    assert_eq!((full.step_index(), hash.trace_len()), (hash.step_index(), 0));
    assert!(full.trace_len() > 500, "{} lines", full.trace_len());
}

/// Found as a new user would: a client rate of 1e-300 per second draws a
/// wait of about 1e303 ms. The arrival is never scheduled instead of
/// overflowing virtual time.
#[test]
fn waits_past_the_end_of_time_never_overflow() {
    let json = r#"{"version":1,"protocol":"office","nodes":3,"seed":1,"workload":{"rate_per_s":1e-300},"timeline":[{"at_ms":1,"action":"crash","node":0},{"at_ms":1,"action":"crash","node":1},{"at_ms":1,"action":"crash","node":2}],"until_ms":10}"#;
    let mut s = build(&Scenario::from_json(json).unwrap()).unwrap();
    s.run_until(10, u64::MAX);
    while s.step() {}
    assert!(s.now() < 1 << 52, "time stays sane: {}", s.now());
}

#[test]
fn a_retry_of_an_answered_request_is_not_a_step() {
    let office = r#"{"version":1,"protocol":"office","nodes":3,"seed":2,"network":{"latency_ms":[1,2]},
        "workload":{"rate_per_s":0},"timeline":[{"at_ms":1000,"action":"register","node":0}],"until_ms":20000}"#;
    let mut s = build(&Scenario::from_json(office).unwrap()).unwrap();
    s.run_until(20_000, u64::MAX);
    assert_eq!(s.metrics().confirmed, 1);
    let events = s.events(0, s.trace_len());
    let steps: std::collections::BTreeSet<u64> = events.iter().map(|e| e.step).collect();
    assert_eq!(steps.len() as u64, s.step_index(), "every step left a trace line: none was an idle retry");
}

#[test]
fn client_events_reach_the_monitor_and_the_history() {
    let mut s = sim("");
    s.apply(client("bump", 0, ""), 5).unwrap();
    let rows = s.trace_rows(0, s.trace_len());
    assert!(rows.iter().any(|r| r.text == "A answers client r1: 1"), "{rows:?}");
}
