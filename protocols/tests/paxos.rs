//! Paxos and Multi-Paxos against their properties: the correct protocols
//! survive random fault schedules and answer every client after the calm;
//! each broken variant is caught by random schedules as well as by its
//! preset; the presets end as their summaries say.

mod common;

use common::{
    Storm, cases, chaotic, config, count_caught, draws, names, nothing_extra, outcome, preset, protocol_metric,
};
use proptest::prelude::*;
use quorum_protocols::build_with;
use quorum_protocols::paxos::Paxos;
use quorum_protocols::paxos::msg::Value as Chosen;
use quorum_protocols::paxos::node::Node;
use quorum_protocols::paxos::proposer::Phase;
use quorum_protocols::paxos::props::{DECIDES_WHEN_HEALTHY, ONE_VALUE_CHOSEN, SAME_ORDER};
use quorum_protocols::sim::any::{AnySim, Recording};
use quorum_protocols::sim::engine::Sim;
use quorum_protocols::sim::json::Map;
use quorum_protocols::sim::scenario::Scenario;
use serde_json::{Value, json};

/// Random schedules over every way of splitting the nodes into roles.
fn paxos(protocol: &'static str, variant: &'static str) -> impl Strategy<Value = Scenario> {
    let roles = vec![(1, 3, 1), (2, 3, 1), (2, 3, 2), (3, 3, 1), (1, 5, 1), (2, 5, 2), (3, 7, 3)];
    proptest::sample::select(roles).prop_flat_map(move |(p, a, l)| {
        let params = common::object(json!({"proposers": p, "acceptors": a, "learners": l}));
        // Each size is one entry of a table that lives for the whole test.
        let nodes: &'static [usize] = Box::leak(Box::new([p + a + l]));
        chaotic(protocol, variant, nodes, Just(params), nothing_extra)
    })
}

proptest! {
    #![proptest_config(config(cases(120)))]

    /// One value per slot, learned and applied only as chosen, whatever the
    /// faults; once the storm passes every client is answered.
    #[test]
    fn correct_paxos_survives_random_faults(scenario in paxos("paxos", "correct")) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }

    #[test]
    fn correct_multi_paxos_survives_random_faults(scenario in paxos("multi-paxos", "correct")) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }
}

/// Each broken variant is caught by random schedules (the forgetful
/// acceptor by crash storms, below), and the same
/// schedules leave the correct protocols unbroken.
#[test]
fn random_faults_catch_every_broken_variant() {
    let safety = |found: &[&str]| found.iter().any(|&n| n != DECIDES_WHEN_HEALTHY.name);
    for (protocol, variant) in [("paxos", "ignore-accepted"), ("multi-paxos", "no-gap-fill")] {
        let caught = count_caught(80, paxos(protocol, variant), safety);
        assert!(caught >= 2, "{protocol} {variant}: caught in only {caught} of 80 schedules");
    }
    for protocol in ["paxos", "multi-paxos"] {
        assert_eq!(count_caught(80, paxos(protocol, "correct"), |found| !found.is_empty()), 0, "{protocol}");
    }
}

/// Every proposer proposes in the first 150 ms, and after any event,
/// with small odds, a node crashes and comes back a moment later, so
/// crashes land between a promise and an accept. The storm lasts ten
/// seconds; the run ends at forty. Returns the broken properties.
fn crash_storm(protocol: &str, variant: &str, seed: u64) -> (Scenario, Vec<&'static str>) {
    let mut draw = draws(seed);
    let (p, a, l) = [(2, 3, 1), (3, 3, 1), (2, 5, 1), (3, 5, 2)][draw(4) as usize];
    let nodes = p + a + l;
    let proposals: Vec<Value> = (0..p)
        .map(|node| json!({"at_ms": draw(150), "action": "propose", "node": node, "value": format!("v{node}")}))
        .collect();
    let rate = [0.5, 2.0, 6.0][draw(3) as usize];
    let json = json!({
        "version": 1, "protocol": protocol, "variant": variant, "nodes": nodes, "seed": seed,
        "params": {"proposers": p, "acceptors": a, "learners": l},
        "network": {"latency_ms": [5, 5 + draw(80)]},
        "workload": {"rate_per_s": rate, "max_retry_ms": 4_000},
        "timeline": if protocol == "paxos" { proposals } else { Vec::new() },
        "until_ms": 40_000,
    });
    let scenario = Scenario::from_json(&json.to_string()).expect("a valid scenario");
    let (crash_odds, max_down) = (1 + draw(300), 1 + draw(30));
    // Acceptors more often than the rest: their promises are what a crash can lose.
    let pick = |draw: &mut common::Draw| {
        if draw(2) == 0 { p + draw(a as u64) as usize } else { draw(nodes as u64) as usize }
    };
    let storm = Storm { until: 10_000, odds: crash_odds, min_down: 1, spread: max_down, pick: &pick };
    common::crash_storm(&scenario, &storm, &mut draw)
}

#[test]
fn correct_paxos_survives_crash_storms() {
    for seed in 1..=u64::from(cases(150)) {
        for protocol in ["paxos", "multi-paxos"] {
            let (scenario, broken) = crash_storm(protocol, "correct", seed);
            assert!(
                broken.is_empty(),
                "{protocol}, seed {seed} broke {broken:?}\nscenario: {}",
                scenario.to_json_pretty()
            );
        }
    }
}

#[test]
fn crash_storms_catch_the_forgetful_acceptor() {
    for protocol in ["paxos", "multi-paxos"] {
        let caught = (1..=400)
            .filter(|&seed| crash_storm(protocol, "forgetful-acceptor", seed).1.contains(&ONE_VALUE_CHOSEN.name))
            .count();
        assert!(caught >= 2, "{protocol}: caught in only {caught} of 400 crash storms");
    }
}

// ----- presets ----------------------------------------------------------------

type Run = common::Run<Paxos>;

impl common::Run<Paxos> {
    /// What each learner learned in the single instance, as text.
    fn learned(&self) -> Vec<String> {
        let learned = |node: &Node| match node {
            Node::Learner(l) => Some(l.learned_in(0).map_or("nothing".into(), |v| v.to_string())),
            _ => None,
        };
        self.sim.nodes().iter().filter_map(learned).collect()
    }

    /// Each replica's applied slots, as text, learners first.
    fn applied(&self) -> Vec<Vec<String>> {
        let slots = |log: &quorum_protocols::sim::log::Log<Option<Chosen>>, upto: u64| {
            (1..=upto).map(|s| log[s as usize].map_or("?".into(), |v| v.to_string())).collect::<Vec<String>>()
        };
        self.sim
            .nodes()
            .iter()
            .filter_map(|node| match node {
                Node::Learner(l) => Some(slots(&l.learned, l.applied)),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn one_proposer_chooses_its_value_in_two_round_trips() {
    let run = Run::of("paxos-happy-path");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.learned(), ["x"]);
    assert_eq!((run.metric("chosen"), run.metric("ballots")), (1.0, 1.0));
    let latency = run.sim.metrics().distributions.iter().find(|(n, _)| *n == "decision_latency_ms").unwrap().1;
    assert!(latency.p50 <= 4.0 * 60.0, "decided in {} ms", latency.p50);
}

#[test]
fn a_second_proposer_adopts_the_chosen_value() {
    let run = Run::of("paxos-adopt");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.learned(), ["x"]);
    assert_eq!(run.answers(), ["chosen: x", "chosen: x"], "the client who proposed y is told x");
}

/// Without backoff the proposers overtake each other for the whole run and
/// nothing is chosen: a liveness failure with every node up. With it, one
/// value is chosen within a few ballots.
#[test]
fn duelling_proposers_choose_nothing_without_backoff_and_decide_with_it() {
    let duel = Run::of("paxos-duel");
    assert_eq!(duel.broken, [DECIDES_WHEN_HEALTHY.name]);
    assert_eq!(duel.metric("chosen"), 0.0);
    assert!(duel.metric("ballots") > 100.0, "only {} ballots", duel.metric("ballots"));
    let calm = Run::of("paxos-duel-backoff");
    assert!(calm.broken.is_empty(), "{:?}", calm.broken);
    assert_eq!(calm.metric("chosen"), 1.0);
    assert!(calm.metric("ballots") <= 6.0, "{} ballots", calm.metric("ballots"));
}

#[test]
fn a_majority_of_acceptors_is_enough() {
    for id in ["paxos-acceptor-crash", "paxos-minority-partitioned"] {
        let run = Run::of(id);
        assert!(run.broken.is_empty(), "{id}: {:?}", run.broken);
        assert_eq!(run.learned(), ["x"], "{id}");
        assert!(run.answers().iter().all(|a| a == "chosen: x"), "{id}: {:?}", run.answers());
    }
}

#[test]
fn a_stable_leader_runs_phase_1_once() {
    let run = Run::of("multi-paxos-steady");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert!(run.metric("chosen") >= 30.0, "only {} slots chosen", run.metric("chosen"));
    assert_eq!(run.metric("ballots"), 2.0, "one ballot per proposer, the first election");
    assert_eq!(run.metric("leader_changes"), 0.0);
    let applied = run.applied();
    assert_eq!(applied[0], applied[1], "the replicas applied the same commands");
}

/// The successor proposes again what the acceptors report and fills the
/// lost slot with a no-op, so the replicas move past it.
#[test]
fn a_new_leader_fills_the_gap_with_a_no_op() {
    let run = Run::of("multi-paxos-leader-crash");
    assert!(run.broken.is_empty(), "{:?}", run.broken);
    assert_eq!(run.metric("leader_changes"), 1.0);
    let applied = run.applied();
    assert_eq!(applied[0], ["x=1", "y=2", "no-op", "y=4", "x=3", "z=5"]);
    assert_eq!(applied[0], applied[1]);
}

#[test]
fn each_broken_variant_preset_breaks_its_property_and_the_correct_protocol_does_not() {
    for (id, breaks) in [
        ("paxos-ignore-accepted", &[ONE_VALUE_CHOSEN.name][..]),
        ("paxos-forgetful-acceptor", &[ONE_VALUE_CHOSEN.name][..]),
        ("multi-paxos-no-gap-fill", &[ONE_VALUE_CHOSEN.name, SAME_ORDER.name][..]),
    ] {
        let scenario = preset(id);
        let mut found = names(&outcome(&scenario));
        found.sort_unstable();
        assert_eq!(found, breaks, "{id}");
        let correct = Scenario { variant: "correct".into(), ..scenario };
        assert_eq!(names(&outcome(&correct)), Vec::<&str>::new(), "{id} as correct");
    }
}

/// Role counts must add up to the node count, and the error says so.
#[test]
fn roles_that_do_not_add_up_are_refused_with_the_reason() {
    let mut params = Map::new();
    params.insert("proposers".into(), 2u64.into());
    let scenario = Scenario { params, nodes: 5, ..preset("paxos-happy-path") };
    let err = build_with(&scenario, Recording::Hash).err().expect("refused");
    assert!(err.0.contains("make 6 nodes, not 5"), "{}", err.0);
}

/// A leader whose messages stop reaching the acceptors, while its heartbeats
/// still reach the other proposer, steps down once its proposals go
/// unanswered, and the other proposer takes over: clients are served.
#[test]
fn a_leader_cut_off_from_the_acceptors_steps_down() {
    let mut json: Value = serde_json::from_str(&preset("multi-paxos-steady").to_json_pretty()).unwrap();
    // P2 (node 1) wins the first election in this preset; from 5 s on it cannot reach A1–A3.
    let cuts: Vec<Value> = (2..5).map(|to| json!({"at_ms": 5_000, "action": "cut", "from": 1, "to": to})).collect();
    json["timeline"] = Value::from(cuts);
    json["until_ms"] = Value::from(40_000);
    let scenario = Scenario::from_json(&json.to_string()).unwrap();
    let mut sim = Sim::<Paxos>::new(&scenario).unwrap();
    sim.run_until(scenario.until_ms, u64::MAX);
    let mut all = sim.violations().to_vec();
    all.extend(sim.judge_end());
    assert!(all.is_empty(), "{all:#?}");
    assert!(protocol_metric(&sim.metrics(), "leader_changes") >= 1.0);
    assert!(matches!(&sim.nodes()[0], Node::Proposer(p) if p.phase == Phase::Accepting), "P1 leads");
}
