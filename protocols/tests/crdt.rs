//! CRDTs against their properties: under any fault schedule every correct
//! type in either gossip mode converges once the network is whole and loses
//! nothing acknowledged; the broken variants lose updates in random
//! schedules as well as in their presets; the presets end as their
//! summaries say.

mod common;

use common::{CALM_AT, cases, chaotic, config, count_caught, fault, names, nothing_extra, outcome, preset, scheduled};
use proptest::prelude::*;
use quorum_protocols::crdt::Crdt;
use quorum_protocols::crdt::props::{LWW_LOST_NEWER, MONOTONIC, NO_LOST_UPDATE};
use quorum_protocols::sim::any::AnySim;
use quorum_protocols::sim::json::Map;
use quorum_protocols::sim::scenario::{Action, ClientAction, Fault, NetworkSettings, Scenario, TimelineEntry};
use serde_json::json;

const TYPES: [&str; 5] = ["g-counter", "pn-counter", "lww-register", "or-set", "mv-register"];

fn params(types: &'static [&'static str]) -> impl Strategy<Value = Map> + Clone {
    let kind = proptest::sample::select(types);
    (kind, any::<bool>(), proptest::sample::select(&[100u64, 200, 300][..]), 1..4u64).prop_map(
        |(kind, delta, gossip_ms, fanout)| {
            let mode = if delta { "delta" } else { "state" };
            common::object(json!({"type": kind, "mode": mode, "gossip_ms": gossip_ms, "fanout": fanout}))
        },
    )
}

/// The client actions a type offers, with the fields they need.
fn op(kind: &str, node: usize, draw: u8) -> ClientAction {
    let element = ["a", "b", "c"][draw as usize % 3];
    let (name, params) = match (kind, draw % 4) {
        ("g-counter", _) | ("pn-counter", 0 | 1) => ("inc", json!({})),
        ("pn-counter", _) => ("dec", json!({})),
        ("or-set", 0 | 1) => ("add", json!({"element": element})),
        ("or-set", _) => ("remove", json!({"element": element})),
        _ => ("set", json!({"value": draw})),
    };
    ClientAction { name: name.into(), node, params: common::object(params) }
}

/// Updates scripted before the calm (no workload), among random faults:
/// once gossip settles, every replica must have converged, so what was
/// lost can be judged.
fn quiescent(variant: &'static str, types: &'static [&'static str]) -> impl Strategy<Value = Scenario> {
    let nodes = proptest::sample::select(&[2usize, 3, 4, 6][..]);
    (nodes, any::<u64>(), 1..100u64, 0..150u64, params(types)).prop_flat_map(move |(nodes, seed, lo, span, params)| {
        let kind = params.get("type").and_then(|t| t.as_str()).unwrap_or("pn-counter").to_string();
        let faults = proptest::collection::vec((0..CALM_AT, fault(nodes)), 0..10);
        let updates = proptest::collection::vec((0..CALM_AT, 0..nodes, any::<u8>()), 1..30);
        (faults, updates).prop_map(move |(faults, updates)| {
            let mut timeline: Vec<TimelineEntry> =
                faults.into_iter().map(|(at_ms, f)| TimelineEntry { at_ms, action: Action::Fault(f) }).collect();
            timeline.extend(
                updates
                    .into_iter()
                    .map(|(at_ms, node, draw)| TimelineEntry { at_ms, action: Action::Client(op(&kind, node, draw)) }),
            );
            let calm = [Fault::Heal, Fault::SetNetwork { latency_ms: None, drop: Some(0.0), duplicate: Some(0.0) }]
                .into_iter()
                .chain((0..nodes).flat_map(|node| [Fault::Restart { node }, Fault::Resume { node }]));
            timeline.extend(calm.map(|f| TimelineEntry { at_ms: CALM_AT, action: Action::Fault(f) }));
            let network = NetworkSettings { latency_ms: [lo, lo + span], drop: 0.05, duplicate: 0.05 };
            scheduled("crdt", variant, (nodes, seed), params.clone(), network, 0.0, timeline)
        })
    })
}

proptest! {
    #![proptest_config(config(cases(100)))]

    /// With clients updating all the time: whatever the faults, every
    /// replica catches up with what all of them had before the last stretch
    /// of gossip, and no state ever moves down.
    #[test]
    fn every_correct_crdt_survives_random_faults(scenario in chaotic("crdt", "correct", &[2, 3, 5, 7], params(&TYPES), nothing_extra)) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }

    /// With updates only before the calm: every replica ends equal, holding
    /// every acknowledged update.
    #[test]
    fn every_correct_crdt_converges_and_loses_nothing(scenario in quiescent("correct", &TYPES)) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }
}

#[test]
fn random_schedules_catch_both_broken_variants() {
    let lost = |found: &[&str]| found.contains(&NO_LOST_UPDATE.name);
    let caught = count_caught(80, quiescent("naive-counter", &["pn-counter"]), lost);
    assert!(caught >= 5, "naive-counter: caught in only {caught} of 80 schedules");
    let caught = count_caught(80, quiescent("remove-wins-set-without-tags", &["or-set"]), lost);
    assert!(caught >= 2, "remove-wins-set-without-tags: caught in only {caught} of 80 schedules");
    assert_eq!(count_caught(80, quiescent("correct", &TYPES), |found| !found.is_empty()), 0);
}

// ----- presets ----------------------------------------------------------------

type Run = common::Run<Crdt>;

impl common::Run<Crdt> {
    /// Every replica's value, as a client reads it.
    fn values(&self) -> Vec<String> {
        self.sim.nodes().iter().map(|r| r.state.to_string()).collect()
    }

    fn witnessed(&self, property: &str) -> bool {
        self.sim.witnesses().iter().any(|w| w.property == property)
    }
}

#[test]
fn both_sides_of_a_partition_count_and_the_heal_adds_them_up() {
    let run = Run::of("crdt-counter-partition");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.values(), ["4"; 4], "1 + 3 increments on one side, 2 - 1 on the other");
    assert_eq!(run.metric("distinct_states"), 1.0);
    let answers = run.answers();
    assert_eq!(
        answers[answers.len() - 3..],
        ["value 2", "value 2", "value 4"],
        "each side read its own count, then all"
    );
}

#[test]
fn a_concurrent_add_beats_a_remove_in_an_or_set() {
    let run = Run::of("crdt-or-set-add-wins");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.values(), ["{x}"; 3], "x re-added concurrently survives; y removed after it was seen is gone");
    let broken = Run::of("crdt-set-without-tags");
    assert_eq!(broken.broken, [NO_LOST_UPDATE.name]);
    assert_eq!(broken.values(), ["{}"; 3]);
}

#[test]
fn a_fast_clock_makes_last_writer_wins_keep_the_earlier_write() {
    let run = Run::of("crdt-lww-skew");
    assert!(run.broken.is_empty(), "data loss by design is not a violation: {:?}", run.broken);
    assert_eq!(run.values(), ["1"; 3], "C's write (1) from a clock 3 s fast beat A's later 2");
    assert!(run.witnessed(LWW_LOST_NEWER.name));
}

#[test]
fn a_multi_value_register_keeps_concurrent_writes_until_one_has_seen_both() {
    let run = Run::of("crdt-mv-register");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    let both = |a: &String| a.contains('2') && a.contains('3') && a.contains(" | ");
    assert!(run.answers().iter().any(both), "a read after the heal sees both writes: {:?}", run.answers());
    assert_eq!(run.values(), ["{4}"; 3]);
}

#[test]
fn duplicated_and_reordered_gossip_changes_nothing() {
    let run = Run::of("crdt-duplicates");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    let increments = run.answers().len() as u64; // every answer is to an increment or a read
    assert!(increments > 20);
    let count: i64 = run.values()[0].parse().unwrap();
    assert!(run.values().iter().all(|v| v == &count.to_string()), "{:?}", run.values());
}

#[test]
fn a_counter_gossiped_as_one_number_loses_concurrent_increments() {
    let run = Run::of("crdt-naive-counter");
    assert_eq!(run.broken, [MONOTONIC.name, NO_LOST_UPDATE.name]);
    assert_eq!(run.values(), ["3"; 4]);
    let correct = Scenario { variant: "correct".into(), ..preset("crdt-naive-counter") };
    assert_eq!(names(&outcome(&correct)), Vec::<&str>::new());
}
