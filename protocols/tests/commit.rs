//! 2PC and 3PC against their properties: under any fault schedule 2PC stays
//! atomic; under crashes alone neither protocol breaks anything; under
//! partitions 3PC can decide both ways, and only as its known limit; each
//! broken variant is caught by random schedules, not only by its preset.

mod common;

use common::{
    CALM_AT, Storm, cases, chaotic, config, count_caught, draws, names, nothing_extra, outcome, preset,
    protocol_metric, scheduled,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use quorum_protocols::build_with;
use quorum_protocols::commit::Commit;
use quorum_protocols::commit::msg::State;
use quorum_protocols::commit::props::{ATOMICITY, COMMIT_NEEDS_ALL_YES};
use quorum_protocols::sim::any::{AnySim, EventKind, Recording};
use quorum_protocols::sim::engine::Sim;
use quorum_protocols::sim::json::Map;
use quorum_protocols::sim::scenario::{Action, Fault, NetworkSettings, Scenario, TimelineEntry};
use serde_json::json;

fn params(protocol: &'static str) -> impl Strategy<Value = Map> + Clone {
    (any::<bool>(), 0.0..0.4f64).prop_map(move |(cooperative, no)| {
        common::object(if protocol == "2pc" {
            json!({"cooperative_termination": cooperative, "no_probability": no})
        } else {
            json!({"no_probability": no})
        })
    })
}

/// Crashes and restarts of any node at any time, on a reliable network
/// (latency jitter still reorders messages), then every node up.
fn crash_only(protocol: &'static str, variant: &'static str) -> impl Strategy<Value = Scenario> {
    let nodes = proptest::sample::select(&[3usize, 4, 5, 6][..]);
    (nodes, any::<u64>(), 1..100u64, 0..100u64, 0.5..4.0f64, params(protocol)).prop_flat_map(
        move |(nodes, seed, lo, span, rate, params)| {
            let fault = (0..nodes, any::<bool>())
                .prop_map(|(node, crash)| if crash { Fault::Crash { node } } else { Fault::Restart { node } });
            proptest::collection::vec((0..CALM_AT, fault), 0..14).prop_map(move |faults| {
                let mut timeline: Vec<TimelineEntry> =
                    faults.into_iter().map(|(at_ms, f)| TimelineEntry { at_ms, action: Action::Fault(f) }).collect();
                timeline.extend(
                    (0..nodes)
                        .map(|node| TimelineEntry { at_ms: CALM_AT, action: Action::Fault(Fault::Restart { node }) }),
                );
                let network = NetworkSettings { latency_ms: [lo, lo + span], drop: 0.0, duplicate: 0.0 };
                scheduled(protocol, variant, (nodes, seed), params.clone(), network, rate, timeline)
            })
        },
    )
}

proptest! {
    #![proptest_config(config(cases(100)))]

    /// 2PC may block, but never decides two ways, whatever the faults; once
    /// every node is up and the network whole, every transaction is decided.
    #[test]
    fn correct_2pc_survives_random_faults(scenario in chaotic("2pc", "correct", &[3, 4, 5, 6], params("2pc"), nothing_extra)) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }

    /// Under crashes alone (a reliable network, so silence means a crash)
    /// 3PC breaks nothing either.
    #[test]
    fn correct_3pc_survives_crashes(scenario in crash_only("3pc", "correct")) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }

    /// Under every kind of fault 3PC may split a decision, but only as its
    /// known limit; nothing else breaks.
    #[test]
    fn correct_3pc_fails_only_by_its_known_limit(scenario in chaotic("3pc", "correct", &[3, 4, 5, 6], params("3pc"), nothing_extra)) {
        let violations = outcome(&scenario);
        let unexpected: Vec<_> = violations.iter().filter(|v| !(v.invariant == ATOMICITY.name && v.known_limit)).collect();
        prop_assert!(unexpected.is_empty(), "{:#?}\nscenario: {}", unexpected, scenario.to_json_pretty());
    }
}

/// Crashes drawn event by event: after any event, with small odds, a node
/// crashes (any number may be down at once) and comes back a moment later,
/// so crashes land just after a vote, a PreCommit, a decision. The network
/// is reliable: silence means a crash. Returns the broken properties.
fn crash_storm(protocol: &str, variant: &str, seed: u64) -> (Scenario, Vec<&'static str>) {
    let mut draw = draws(seed);
    let nodes = 3 + draw(4);
    let rate = [0.5, 2.0, 8.0][draw(3) as usize];
    let (crash_odds, max_down) = (1 + draw(40), 50 + draw(3_000));
    let json = json!({
        "version": 1, "protocol": protocol, "variant": variant, "nodes": nodes, "seed": seed,
        "network": {"latency_ms": [5, 60]}, "workload": {"rate_per_s": rate, "max_retry_ms": 4_000},
        "until_ms": 40_000,
    });
    let scenario = Scenario::from_json(&json.to_string()).expect("a valid scenario");
    let pick = |draw: &mut common::Draw| draw(nodes) as usize;
    let storm = Storm { until: 20_000, odds: crash_odds, min_down: 10, spread: max_down, pick: &pick };
    common::crash_storm(&scenario, &storm, &mut draw)
}

#[test]
fn correct_2pc_and_3pc_survive_crash_storms() {
    for seed in 1..=u64::from(cases(300)) {
        for protocol in ["2pc", "3pc"] {
            let (scenario, broken) = crash_storm(protocol, "correct", seed);
            assert!(
                broken.is_empty(),
                "{protocol}, seed {seed} broke {broken:?}\nscenario: {}",
                scenario.to_json_pretty()
            );
        }
    }
}

fn metric(scenario: &Scenario, name: &str) -> f64 {
    let mut sim = build_with(scenario, Recording::Hash).unwrap();
    sim.run_until(scenario.until_ms, u64::MAX);
    protocol_metric(&sim.metrics(), name)
}

/// Crashes block 2PC's cohorts (the metric shows it) far more than 3PC's,
/// over the same schedules.
#[test]
fn crashes_block_2pc_more_than_3pc() {
    let mut runner = proptest::test_runner::TestRunner::new(config(40));
    let (mut two, mut three) = (0.0, 0.0);
    for _ in 0..40 {
        let scenario = crash_only("2pc", "correct").new_tree(&mut runner).unwrap().current();
        two += metric(&scenario, "blocked_ms");
        three += metric(&Scenario { protocol: "3pc".into(), params: Map::new(), ..scenario }, "blocked_ms");
    }
    assert!(two > 0.0, "no 2PC cohort was ever blocked");
    assert!(three < two / 2.0, "3PC blocked {three} ms, 2PC {two} ms");
}

/// Partitions split 3PC's decision in some schedules (the lesson), never 2PC's.
#[test]
fn partitions_split_3pc_but_not_2pc() {
    let split = |found: &[&str]| found.contains(&ATOMICITY.name);
    let three = count_caught(80, chaotic("3pc", "correct", &[4, 5], params("3pc"), nothing_extra), split);
    assert!(three >= 1, "no random schedule split a 3PC decision");
    let two = count_caught(80, chaotic("2pc", "correct", &[4, 5], params("2pc"), nothing_extra), split);
    assert_eq!(two, 0);
}

/// Each broken variant is caught by random schedules.
#[test]
fn random_faults_catch_every_broken_variant() {
    let breaks = |found: &[&str]| found.contains(&ATOMICITY.name) || found.contains(&COMMIT_NEEDS_ALL_YES.name);
    for (protocol, variant) in [("2pc", "vote-before-log"), ("3pc", "vote-before-log")] {
        let caught = count_caught(80, crash_only(protocol, variant), breaks);
        assert!(caught >= 2, "{protocol} {variant}: caught in only {caught} of 80 crash schedules");
    }
    let caught = count_caught(80, crash_only("2pc", "presumed-commit-on-timeout"), breaks);
    assert!(caught >= 2, "presumed-commit-on-timeout: caught in only {caught} of 80 crash schedules");
    // Storms of crashes at every moment catch them within a few seeds.
    for (protocol, variant) in
        [("2pc", "vote-before-log"), ("3pc", "vote-before-log"), ("2pc", "presumed-commit-on-timeout")]
    {
        let first = (1..=50).find(|&seed| breaks(&crash_storm(protocol, variant, seed).1));
        assert!(first.is_some(), "no crash storm of 50 caught {protocol} {variant}");
    }
    // The same schedules leave the correct protocols unbroken.
    for protocol in ["2pc", "3pc"] {
        assert_eq!(count_caught(80, crash_only(protocol, "correct"), |found| !found.is_empty()), 0, "{protocol}");
    }
}

// ----- presets ----------------------------------------------------------------

/// A preset run to its end.
struct Run {
    sim: Sim<Commit>,
    broken: Vec<&'static str>,
    /// The transaction the preset's timeline begins first.
    tx: u64,
}

impl Run {
    fn of(id: &str) -> Run {
        let scenario = preset(id);
        let (sim, broken) = common::run_preset::<Commit>(id);
        let scripted = scenario.timeline.iter().find(|e| matches!(e.action, Action::Client(_))).map(|e| e.at_ms);
        let tx = sim
            .events(0, usize::MAX)
            .into_iter()
            .find_map(|e| match e.what {
                EventKind::Invoke { request, .. } if Some(e.time_ms) == scripted => Some(request),
                _ => None,
            })
            .expect("the scripted transaction began");
        Run { broken, sim, tx }
    }

    fn metric(&self, name: &str) -> f64 {
        protocol_metric(&self.sim.metrics(), name)
    }

    /// Where every node stands in the scripted transaction.
    fn states(&self) -> Vec<State> {
        self.sim.nodes().iter().map(|n| n.state(self.tx)).collect()
    }
}

fn everywhere(state: State) -> Vec<State> {
    vec![state; 4]
}

#[test]
fn the_happy_path_commits_and_a_no_vote_aborts_everywhere() {
    let run = Run::of("2pc-happy-path");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.states(), everywhere(State::Committed));
    assert_eq!((run.metric("aborted"), run.metric("blocked_ms")), (0.0, 0.0), "nothing else goes wrong");
    let run = Run::of("2pc-one-no");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.states(), everywhere(State::Aborted));
}

/// The same coordinator crash blocks 2PC's cohorts for seconds, until the
/// coordinator returns and aborts (presumed abort); 3PC's terminate among
/// themselves in well under one.
#[test]
fn a_coordinator_crash_blocks_2pc_and_not_3pc() {
    let two = Run::of("2pc-coordinator-crash");
    assert!(two.broken.is_empty(), "{:?}", two.broken);
    assert_eq!(two.states(), everywhere(State::Aborted));
    assert!(two.metric("longest_blocked_ms") >= 6_000.0, "2PC blocked only {} ms", two.metric("longest_blocked_ms"));
    let three = Run::of("3pc-coordinator-crash");
    assert!(three.broken.is_empty(), "{:?}", three.broken);
    assert_eq!(three.states(), everywhere(State::Aborted));
    assert!(three.metric("longest_blocked_ms") < 1_000.0, "3PC blocked {} ms", three.metric("longest_blocked_ms"));
}

#[test]
fn cooperative_termination_helps_only_if_someone_who_knows_is_up() {
    let helps = Run::of("2pc-cooperative-helps");
    assert!(helps.broken.is_empty(), "{:?}", helps.broken);
    assert_eq!(helps.states(), everywhere(State::Committed));
    assert!(helps.metric("longest_blocked_ms") < 1_000.0, "blocked {} ms", helps.metric("longest_blocked_ms"));
    let cannot = Run::of("2pc-cooperative-cannot");
    assert!(cannot.broken.is_empty(), "{:?}", cannot.broken);
    assert_eq!(cannot.states(), everywhere(State::Committed), "decided once the coordinator is back");
    assert!(cannot.metric("longest_blocked_ms") >= 7_000.0, "blocked only {} ms", cannot.metric("longest_blocked_ms"));
}

#[test]
fn a_lost_commit_is_sent_again_until_acknowledged() {
    let run = Run::of("2pc-lost-commit");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.states(), everywhere(State::Committed));
    assert!(run.metric("blocked_ms") > 0.0, "P2 waited for its COMMIT");
}

/// The partition splits 3PC's decision, and the bar shows it as the known limit.
#[test]
fn a_partition_after_pre_commit_splits_3pc_as_its_known_limit() {
    let scenario = preset("3pc-split");
    let mut sim = build_with(&scenario, Recording::Full).unwrap();
    sim.run_until(scenario.until_ms, u64::MAX);
    let split: Vec<_> = sim.violations().iter().filter(|v| v.invariant == ATOMICITY.name).collect();
    assert!(!split.is_empty(), "the two sides decided alike");
    assert!(split.iter().all(|v| v.known_limit), "{split:#?}");
    assert_eq!(names(sim.violations()), vec![ATOMICITY.name]);
}

#[test]
fn each_broken_variant_preset_breaks_atomicity_and_the_correct_protocol_does_not() {
    for (id, breaks) in [
        ("2pc-vote-before-log", &[ATOMICITY.name][..]),
        ("3pc-vote-before-log", &[ATOMICITY.name][..]),
        ("2pc-presumed-commit", &[ATOMICITY.name, COMMIT_NEEDS_ALL_YES.name][..]),
    ] {
        let scenario = preset(id);
        assert_eq!(names(&outcome(&scenario)), breaks, "{id}");
        let correct = Scenario { variant: "correct".into(), ..scenario };
        assert_eq!(names(&outcome(&correct)), Vec::<&str>::new(), "{id} as correct");
    }
}
