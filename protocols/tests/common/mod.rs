//! What the protocol test suites share: running a scenario to its verdict,
//! and random fault schedules that end in a calm every protocol must serve.

#![allow(dead_code)] // each suite uses what it needs

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use quorum_protocols::sim::any::{AnySim, EventKind, Metrics, Recording, Violation};
use quorum_protocols::sim::engine::Sim;
use quorum_protocols::sim::json::{Json, Map, Number};
use quorum_protocols::sim::protocol::Protocol;
use quorum_protocols::sim::scenario::{Action, Fault, NetworkSettings, Scenario, TimelineEntry, WorkloadSettings};
use quorum_protocols::{build_with, presets};
use serde_json::Value;

/// Runs a scenario to its end; returns every violation, safety and liveness.
pub fn outcome(scenario: &Scenario) -> Vec<Violation> {
    let mut sim = build_with(scenario, Recording::Hash).unwrap();
    sim.run_until(scenario.until_ms, u64::MAX);
    let mut all = sim.violations().to_vec();
    all.extend(sim.judge_end());
    all
}

/// A protocol's own metric, by name (its metrics are a list sorted by name).
pub fn protocol_metric(metrics: &Metrics, name: &str) -> f64 {
    let found = metrics.protocol.iter().find(|(n, _)| *n == name);
    found.map(|(_, v)| *v).unwrap_or_else(|| panic!("no metric {name}"))
}

/// The distinct properties the violations break, sorted.
pub fn names(violations: &[Violation]) -> Vec<&'static str> {
    let mut names: Vec<_> = violations.iter().map(|v| v.invariant).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Runs a preset to its end under protocol `P`'s own type (for its nodes'
/// final state), recorded in full; returns it with the properties it broke.
pub fn run_preset<P: Protocol>(id: &str) -> (Sim<P>, Vec<&'static str>) {
    let scenario = preset(id);
    let mut sim = Sim::<P>::new(&scenario).expect("presets are valid");
    sim.run_until(scenario.until_ms, u64::MAX);
    let mut violations = sim.violations().to_vec();
    violations.extend(sim.judge_end());
    let broken = names(&violations);
    (sim, broken)
}

/// A preset run to its end, for a suite to read its outcome (each suite adds
/// what it reads off its own protocol's nodes).
pub struct Run<P: Protocol> {
    pub sim: Sim<P>,
    /// The properties it broke, sorted.
    pub broken: Vec<&'static str>,
}

impl<P: Protocol> Run<P> {
    pub fn of(id: &str) -> Run<P> {
        let (sim, broken) = run_preset::<P>(id);
        Run { sim, broken }
    }

    pub fn metric(&self, name: &str) -> f64 {
        protocol_metric(&self.sim.metrics(), name)
    }

    /// What clients were told, in order.
    pub fn answers(&self) -> Vec<String> {
        let events = self.sim.events(0, usize::MAX);
        events
            .into_iter()
            .filter_map(|e| if let EventKind::Reply { text, .. } = e.what { Some(text) } else { None })
            .collect()
    }
}

pub fn preset(id: &str) -> Scenario {
    presets().into_iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no preset `{id}`")).scenario
}

/// When the random faults stop and the network is repaired.
pub const CALM_AT: u64 = 25_000;
pub const UNTIL: u64 = 70_000;

pub fn fault(nodes: usize) -> impl Strategy<Value = Fault> {
    let node = 0..nodes;
    prop_oneof![
        node.clone().prop_map(|node| Fault::Crash { node }),
        node.clone().prop_map(|node| Fault::Restart { node }),
        node.clone().prop_map(|node| Fault::Pause { node }),
        node.clone().prop_map(|node| Fault::Resume { node }),
        (node.clone(), node.clone())
            .prop_filter("two nodes", |(a, b)| a != b)
            .prop_map(|(from, to)| Fault::Cut { from, to }),
        proptest::collection::vec(0..3usize, nodes).prop_map(|side| {
            let groups = (0..3).map(|g| (0..side.len()).filter(|&n| side[n] == g).collect()).collect();
            Fault::Partition { groups }
        }),
        Just(Fault::Heal),
        (1..150u64, 0..250u64, 0.0..0.3f64, 0.0..0.2f64).prop_map(|(lo, span, drop, dup)| Fault::SetNetwork {
            latency_ms: Some([lo, lo + span]),
            drop: Some(drop),
            duplicate: Some(dup),
        }),
    ]
}

/// A scenario of `protocol` with random faults until `CALM_AT` (crashes of
/// any number of nodes, pauses, partitions of every shape, one-way cuts,
/// loss, duplication, latency swings), then every node up and a whole,
/// reliable network at the starting latency, so every retrying client must
/// be served by the end.
/// `extra` adds protocol-specific timeline entries (membership changes).
pub fn chaotic<E>(
    protocol: &'static str,
    variant: &'static str,
    node_counts: &'static [usize],
    params: impl Strategy<Value = Map> + Clone + 'static,
    extra: impl Fn(usize) -> E + Clone + 'static,
) -> impl Strategy<Value = Scenario>
where
    E: Strategy<Value = Vec<TimelineEntry>> + 'static,
{
    let nodes = proptest::sample::select(node_counts);
    (nodes, any::<u64>(), 1..120u64, 0..150u64, 0.5..4.0f64).prop_flat_map(move |(nodes, seed, lo, span, rate)| {
        let faults = proptest::collection::vec((0..CALM_AT, fault(nodes)), 0..14);
        (faults, params.clone(), extra(nodes)).prop_map(move |(faults, params, extra)| {
            let mut timeline: Vec<TimelineEntry> =
                faults.into_iter().map(|(at_ms, f)| TimelineEntry { at_ms, action: Action::Fault(f) }).collect();
            timeline.extend(extra);
            let network =
                Fault::SetNetwork { latency_ms: Some([lo, lo + span]), drop: Some(0.0), duplicate: Some(0.0) };
            let calm = [Fault::Heal, network]
                .into_iter()
                .chain((0..nodes).flat_map(|node| [Fault::Restart { node }, Fault::Resume { node }]));
            timeline.extend(calm.map(|f| TimelineEntry { at_ms: CALM_AT, action: Action::Fault(f) }));
            let network = NetworkSettings { latency_ms: [lo, lo + span], drop: 0.02, duplicate: 0.02 };
            scheduled(protocol, variant, (nodes, seed), params, network, rate, timeline)
        })
    })
}

/// A random schedule's scenario: `timeline` on `network`, clients at `rate`
/// who keep trying often enough to be served within the calm, until `UNTIL`.
pub fn scheduled(
    protocol: &str,
    variant: &str,
    (nodes, seed): (usize, u64),
    params: Map,
    network: NetworkSettings,
    rate: f64,
    timeline: Vec<TimelineEntry>,
) -> Scenario {
    Scenario {
        version: 1,
        protocol: protocol.into(),
        variant: variant.into(),
        nodes,
        seed,
        title: None,
        params,
        network,
        clocks: Vec::new(),
        workload: WorkloadSettings {
            rate_per_s: rate,
            retry_after_ms: 1_500,
            max_retry_ms: 8_000,
            ..Default::default()
        },
        timeline,
        until_ms: UNTIL,
    }
}

/// No parameters and nothing extra: what a protocol without either passes to [`chaotic`].
pub fn no_params() -> impl Strategy<Value = Map> + Clone {
    Just(Map::new())
}

/// serde_json's value as ours, field for field (the suites write parameters with `json!`).
pub fn from_serde(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Number(n) => Json::Number(match (n.as_u64(), n.as_i64()) {
            (Some(n), _) => Number::Whole(n),
            (None, Some(n)) => Number::Negative(n),
            _ => Number::Float(n.as_f64().expect("a number")),
        }),
        Value::String(s) => Json::String(s),
        Value::Array(items) => Json::Array(items.into_iter().map(from_serde).collect()),
        Value::Object(map) => map.into_iter().map(|(k, v)| (k, from_serde(v))).collect::<Map>().into(),
    }
}

/// Ours as serde_json's value, field for field.
pub fn to_serde(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(Number::Whole(n)) => Value::from(*n),
        Json::Number(Number::Negative(n)) => Value::from(*n),
        Json::Number(Number::Float(x)) => Value::from(*x),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(to_serde).collect()),
        Json::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect()),
    }
}

/// A `json!` object as ours (a scenario's or a client action's parameters).
pub fn object(v: Value) -> Map {
    quorum_protocols::sim::json::object(from_serde(v)).expect("an object")
}

pub fn nothing_extra(_: usize) -> Just<Vec<TimelineEntry>> {
    Just(Vec::new())
}

/// A stream of draws below `n` from `seed` (xorshift): an event storm's own
/// dice, independent of the simulation's streams.
pub fn draws(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move |n| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    }
}

/// How many random schedules a property test tries: `QUORUM_CASES` if set
/// (the soak, `scripts/soak.sh`, sets 10 000), else `quick`.
pub fn cases(quick: u32) -> u32 {
    std::env::var("QUORUM_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(quick)
}

pub fn config(cases: u32) -> Config {
    // A fixed seed: CI runs the same schedules every time (a failure is a bug
    // to fix, not a roll of the dice); change the seed to explore others.
    Config { cases, rng_seed: RngSeed::Fixed(0x0FF1CE), failure_persistence: None, ..Config::default() }
}

/// In how many of `tries` random schedules from `strategy` some violation
/// satisfies `caught`.
pub fn count_caught(
    tries: u32,
    strategy: impl Strategy<Value = Scenario>,
    caught: impl Fn(&[&'static str]) -> bool,
) -> u32 {
    let mut runner = TestRunner::new(config(tries));
    (0..tries).filter(|_| caught(&names(&outcome(&strategy.new_tree(&mut runner).unwrap().current())))).count() as u32
}

/// A storm's own dice: a draw below `n`.
pub type Draw = dyn FnMut(u64) -> u64;

/// How a crash storm strikes: after any event, with `odds` in 1000, the node
/// `pick` names crashes (unless it is down already), and comes back
/// `min_down` plus up to `spread` ms later; until `until`, then every node
/// is restarted and the run goes on to its end.
pub struct Storm<'a> {
    pub until: u64,
    pub odds: u64,
    pub min_down: u64,
    pub spread: u64,
    pub pick: &'a dyn Fn(&mut Draw) -> usize,
}

/// Runs `scenario` through `storm`, drawing from `draw`; returns the
/// scenario as it ran (every crash in its timeline) and what it broke.
pub fn crash_storm(scenario: &Scenario, storm: &Storm, draw: &mut Draw) -> (Scenario, Vec<&'static str>) {
    let mut sim = build_with(scenario, Recording::Hash).expect("a valid scenario");
    let mut down: Vec<(u64, usize)> = Vec::new();
    while sim.now() < storm.until && sim.step() {
        let now = sim.now();
        let act = |sim: &mut Box<dyn AnySim>, f: Fault| sim.apply(Action::Fault(f), now).expect("a valid fault");
        for &(_, node) in down.iter().filter(|(at, _)| *at <= now) {
            act(&mut sim, Fault::Restart { node });
        }
        down.retain(|(at, _)| *at > now);
        let node = (storm.pick)(draw);
        if draw(1_000) < storm.odds && !down.iter().any(|d| d.1 == node) {
            act(&mut sim, Fault::Crash { node });
            down.push((now + storm.min_down + draw(storm.spread), node));
        }
    }
    for (_, node) in down {
        sim.apply(Action::Fault(Fault::Restart { node }), sim.now()).expect("a valid fault");
    }
    sim.run_until(scenario.until_ms, u64::MAX);
    let mut all = sim.violations().to_vec();
    all.extend(sim.judge_end());
    (sim.scenario(), names(&all))
}

/// Text that needs escaping, and some that does not.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{0,12}",
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![Just('"'), Just('\\'), Just('/'), any::<char>(), (0u8..32).prop_map(char::from)],
            0..8
        )
        .prop_map(|c| c.into_iter().collect()),
    ]
}

/// Any float, also NaN and infinities (written `null`) when `finite` is false.
pub fn float(finite: bool) -> BoxedStrategy<f64> {
    let finite_values = prop_oneof![
        0.0..1.0f64,
        Just(0.1),
        Just(-0.0),
        Just(1e-7),
        Just(5e-324),
        Just(1.7976931348623157e308),
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
    ];
    if finite { finite_values.boxed() } else { prop_oneof![4 => finite_values, 1 => any::<f64>()].boxed() }
}

/// Any JSON value, nested up to three deep.
pub fn value(finite: bool) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        float(finite).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
