//! Same scenario, same run: twice, after seeking, and after a round trip
//! through a share link with the user's actions in it.

use quorum_protocols::commit::Commit;
use quorum_protocols::crdt::Crdt;
use quorum_protocols::office::Office;
use quorum_protocols::paxos::Paxos;
use quorum_protocols::raft::Raft;
use quorum_protocols::sim::engine::Sim;
use quorum_protocols::sim::protocol::Protocol;
use quorum_protocols::sim::scenario::{Action, ClientAction, Fault, TimelineEntry};
use quorum_protocols::sim::share::{decode_fragment, encode_fragment};
use quorum_protocols::{AnySim, Scenario, build, presets};

fn sample() -> Scenario {
    Scenario::from_json(include_str!("../scenarios/office-sample.json")).unwrap()
}

fn run_to(scenario: &Scenario, t: u64) -> Box<dyn AnySim> {
    let mut sim = build(scenario).unwrap();
    assert!(sim.run_until(t, u64::MAX));
    sim
}

#[test]
fn the_same_scenario_gives_the_same_trace() {
    for preset in presets() {
        let a = run_to(&preset.scenario, preset.scenario.until_ms);
        let b = run_to(&preset.scenario, preset.scenario.until_ms);
        assert_eq!(a.trace_hash(), b.trace_hash(), "{}", preset.id);
        assert_eq!(a.trace_len(), b.trace_len(), "{}", preset.id);
        // Single-decree Paxos decides its one value in a few dozen events.
        assert!(a.step_index() > 12, "{} ran only {} events", preset.id, a.step_index());
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let mut other = sample();
    other.seed += 1;
    assert_ne!(run_to(&sample(), 10_000).trace_hash(), run_to(&other, 10_000).trace_hash());
}

/// The lab and `quorum-sim` run every protocol as one type (`all::All`, so
/// the engine is compiled once): a run there is the run under the protocol's
/// own type, hash for hash, violation for violation.
#[test]
fn every_protocol_runs_the_same_under_the_one_type_for_all() {
    fn own<P: Protocol>(scenario: &Scenario) -> Box<dyn AnySim> {
        let mut sim = Sim::<P>::new(scenario).unwrap();
        sim.run_until(scenario.until_ms, u64::MAX);
        Box::new(sim)
    }
    for preset in presets() {
        let scenario = &preset.scenario;
        let alone = match scenario.protocol.as_str() {
            "office" => own::<Office>(scenario),
            "raft" => own::<Raft>(scenario),
            "paxos" | "multi-paxos" => own::<Paxos>(scenario),
            "crdt" => own::<Crdt>(scenario),
            _ => own::<Commit>(scenario),
        };
        let together = run_to(scenario, scenario.until_ms);
        assert_eq!(together.trace_hash(), alone.trace_hash(), "{}", preset.id);
        assert_eq!(together.step_index(), alone.step_index(), "{}", preset.id);
        assert_eq!(together.violations(), alone.violations(), "{}", preset.id);
        assert_eq!(together.metrics(), alone.metrics(), "{}", preset.id);
    }
}

/// Pinned in `sample-10s.trace-hash` (the office), `raft-10s.trace-hash`
/// (Raft's catch-up preset), `3pc-10s.trace-hash` (3PC's split) and
/// `multi-paxos-10s.trace-hash` (Multi-Paxos' leader crash), which
/// the browser test reads too: the same
/// scenario must hash the same natively and in wasm. (A deliberate change
/// to a protocol or the simulator changes these files.)
#[test]
fn the_sample_trace_hashes_are_pinned() {
    let raft = Scenario::from_json(include_str!("../scenarios/raft-catch-up.json")).unwrap();
    let split = Scenario::from_json(include_str!("../scenarios/3pc-split.json")).unwrap();
    let gap = Scenario::from_json(include_str!("../scenarios/multi-paxos-leader-crash.json")).unwrap();
    for (scenario, pinned) in [
        (sample(), include_str!("sample-10s.trace-hash")),
        (raft, include_str!("raft-10s.trace-hash")),
        (split, include_str!("3pc-10s.trace-hash")),
        (gap, include_str!("multi-paxos-10s.trace-hash")),
    ] {
        let sim = run_to(&scenario, 10_000);
        assert_eq!(
            format!("{:016x}", sim.trace_hash()),
            pinned.trim(),
            "{}, steps {}",
            scenario.protocol,
            sim.step_index()
        );
    }
}

#[test]
fn stepping_back_and_forward_again_reproduces_the_run() {
    let mut sim = run_to(&sample(), 20_000);
    let (hash, steps, rows) = (sim.trace_hash(), sim.step_index(), sim.trace_len());
    for target in [steps - 1, steps / 2, 1, 0, steps - 300] {
        sim.seek_step(target);
        assert_eq!(sim.step_index(), target);
        sim.seek_step(steps);
        assert_eq!((sim.trace_hash(), sim.trace_len()), (hash, rows), "after visiting step {target}");
    }
}

#[test]
fn one_step_back_shows_the_previous_state() {
    let mut sim = run_to(&sample(), 5_000);
    let steps = sim.step_index();
    let before_last = {
        let mut fresh = build(&sample()).unwrap();
        for _ in 0..steps - 1 {
            assert!(fresh.step());
        }
        (fresh.trace_hash(), fresh.frame(0.0))
    };
    sim.seek_step(steps - 1);
    assert_eq!((sim.trace_hash(), sim.frame(0.0)), before_last);
}

#[test]
fn seeking_by_time_lands_after_every_event_up_to_that_time() {
    let mut sim = run_to(&sample(), 20_000);
    let reached = sim.horizon();
    assert!((19_000..=20_000).contains(&reached), "the horizon is the last event's time, {reached}");
    sim.seek_time(7_000);
    let direct = run_to(&sample(), 7_000);
    assert_eq!(sim.trace_hash(), direct.trace_hash());
    assert_eq!(sim.now(), direct.now());
    assert!(sim.now() <= 7_000);
    assert_eq!(sim.horizon(), reached, "the horizon is kept for the scrubber");
    assert_eq!(sim.trace_len(), direct.trace_len(), "the recorded future is not shown");
    assert_eq!(sim.violations(), direct.violations());
}

fn crash(node: usize) -> Action {
    Action::Fault(Fault::Crash { node })
}

#[test]
fn user_actions_are_recorded_and_a_shared_link_replays_them_exactly() {
    let mut sim = run_to(&sample(), 4_000);
    let at = sim.apply(crash(3), 4_001).unwrap();
    assert_eq!(at, 4_001);
    sim.run_until(6_000, u64::MAX);
    let register = ClientAction { name: "register".into(), node: 1, params: Default::default() };
    sim.apply(Action::Client(register), 6_000).unwrap();
    sim.run_until(8_000, u64::MAX);

    let shared = decode_fragment(&encode_fragment(&sim.scenario()).unwrap()).unwrap();
    let replay = run_to(&shared, 8_000);
    assert_eq!(replay.trace_hash(), sim.trace_hash());
    assert_eq!(replay.frame(8_000.0), sim.frame(8_000.0));
}

#[test]
fn acting_in_the_past_forks_the_run_but_keeps_the_script() {
    let mut sim = run_to(&sample(), 14_000);
    sim.apply(crash(4), 14_001).unwrap();
    sim.seek_time(5_000);
    let now = sim.now();
    sim.apply(crash(1), 5_000).unwrap();
    let timeline = sim.scenario().timeline;
    // The user's own later action belonged to the abandoned future: gone.
    assert!(!timeline.iter().any(|e| e.action == crash(4)), "{timeline:?}");
    // The scenario's script stays, with the new action in time order.
    let script = sample().sorted_timeline();
    let mut expected = script.clone();
    let at = expected.iter().take_while(|e| e.at_ms <= 5_000).count();
    expected.insert(at, TimelineEntry { at_ms: 5_000, action: crash(1) });
    assert_eq!(timeline, expected);
    assert!(sim.now() >= now);
    assert_eq!(sim.horizon(), sim.now(), "the old future is no longer on the scrubber");
    // And the script goes on: its first fault after the fork still happens.
    let next = script.iter().find(|e| e.at_ms > 5_000).expect("the sample scripts faults after 5 s");
    let Action::Fault(fault) = &next.action else { panic!("the sample scripts faults") };
    sim.run_until(next.at_ms, u64::MAX);
    let rows = sim.trace_rows(0, sim.trace_len());
    assert!(rows.iter().any(|r| r.time_ms == next.at_ms && r.text == fault.to_string()), "{fault} at {}", next.at_ms);
}

#[test]
fn acting_at_the_live_edge_keeps_the_scripted_future() {
    let mut sim = run_to(&sample(), 2_000);
    sim.apply(crash(0), 2_000).unwrap();
    assert_eq!(sim.scenario().timeline.len(), sample().timeline.len() + 1);
}

#[test]
fn an_action_never_lands_before_an_event_already_shown() {
    let mut sim = run_to(&sample(), 3_000);
    let last_event = sim.now();
    let at = sim.apply(crash(1), 0).unwrap();
    assert_eq!(at, last_event + 1);
}

#[test]
fn bad_actions_are_refused_and_change_nothing() {
    let mut sim = run_to(&sample(), 3_000);
    let before = (sim.trace_hash(), sim.scenario());
    assert!(sim.apply(crash(9), 3_001).unwrap_err().contains("does not exist"));
    let unknown = ClientAction { name: "divorce".into(), node: 0, params: Default::default() };
    assert!(sim.apply(Action::Client(unknown), 3_001).unwrap_err().contains("no client action"));
    assert_eq!((sim.trace_hash(), sim.scenario()), before);
}

#[test]
fn frames_show_the_network_in_force() {
    let script = sample().sorted_timeline();
    let (at, change) = script
        .iter()
        .find_map(|e| match &e.action {
            Action::Fault(Fault::SetNetwork { latency_ms, drop, duplicate }) => {
                Some((e.at_ms, (*latency_ms, *drop, *duplicate)))
            }
            _ => None,
        })
        .expect("the sample changes the network");
    let mut sim = run_to(&sample(), at - 1);
    assert_eq!(sim.frame((at - 1) as f64).network, sample().network);
    sim.run_until(at, u64::MAX);
    let net = sim.frame(at as f64).network;
    let old = sample().network;
    let want = (change.0.unwrap_or(old.latency_ms), change.1.unwrap_or(old.drop), change.2.unwrap_or(old.duplicate));
    assert_eq!((net.latency_ms, net.drop, net.duplicate), want);
    assert_ne!(net, old, "the change shows");
    sim.seek_time(at / 2);
    assert_eq!(sim.frame((at / 2) as f64).network, old);
}

#[test]
fn run_until_stops_at_the_event_cap() {
    let mut sim = build(&sample()).unwrap();
    assert!(!sim.run_until(30_000, 100));
    assert_eq!(sim.step_index(), 100);
}

/// Busy enough to fill several of the trace's chunks in a few virtual minutes.
fn busy() -> Scenario {
    let json = r#"{"version":1,"protocol":"office","nodes":5,"seed":3,"workload":{"rate_per_s":8},
        "timeline":[{"at_ms":20000,"action":"crash","node":1},{"at_ms":40000,"action":"restart","node":1}],
        "until_ms":120000}"#;
    Scenario::from_json(json).unwrap()
}

/// A lab left running keeps only the latest lines; looking back at the
/// start records them again, identical to what a fresh run shows.
#[test]
fn a_forgotten_trace_is_recorded_again_when_the_user_looks_back() {
    let mut sim = Sim::<Office>::new(&busy()).unwrap();
    sim.set_trace_window(10_000);
    sim.run_until(120_000, u64::MAX);
    let (end, hash, lines) = (sim.step_index(), sim.trace_hash(), sim.trace_len());
    assert!(lines > 25_000, "{lines} lines");
    let kept_at_end = sim.trace_rows(0, lines).len();
    assert!(kept_at_end < lines, "the oldest lines were forgotten");
    assert!(sim.trace_rows(0, 10).is_empty(), "and are not shown");
    let mut fresh = Sim::<Office>::new(&busy()).unwrap();
    fresh.run_until(120_000, u64::MAX);
    sim.seek_step(300);
    // Recorded again from the snapshot the seek restored (step 256) on.
    let shown = sim.trace_len();
    let kept = shown - sim.trace_rows(0, shown).len();
    assert!(kept > 0 && kept + 100 < shown, "lines {kept}..{shown}");
    assert_eq!(sim.trace_rows(0, shown), fresh.trace_rows(kept, shown));
    assert_eq!(sim.events(0, shown), fresh.events(kept, shown));
    sim.seek_step(end);
    assert_eq!((sim.trace_hash(), sim.trace_len()), (hash, lines));
    let last = sim.trace_len();
    assert_eq!(sim.trace_rows(last - 50, last), fresh.trace_rows(last - 50, last));
}

/// Messages a paused node held while the trace window moved on are still
/// shown when it resumes and takes them: every line the window keeps is the
/// line a fresh run shows, deliveries of long-held messages included.
#[test]
fn a_window_that_moved_on_still_shows_what_a_paused_node_held() {
    let json = r#"{"version":1,"protocol":"office","nodes":5,"seed":3,"workload":{"rate_per_s":8},
        "timeline":[{"at_ms":10000,"action":"pause","node":2},{"at_ms":100000,"action":"resume","node":2}],
        "until_ms":110000}"#;
    let scenario = Scenario::from_json(json).unwrap();
    let mut sim = Sim::<Office>::new(&scenario).unwrap();
    sim.set_trace_window(5_000);
    sim.run_until(110_000, u64::MAX);
    let mut fresh = Sim::<Office>::new(&scenario).unwrap();
    fresh.run_until(110_000, u64::MAX);
    let lines = sim.trace_len();
    assert_eq!(lines, fresh.trace_len());
    let kept = lines - sim.trace_rows(0, lines).len();
    assert!(kept > 0, "the window moved on");
    let resumed = fresh.trace_rows(kept, lines).iter().filter(|r| r.text.contains("C ←")).count();
    assert!(resumed > 100, "the paused node took what it held within the window: {resumed} lines");
    let (shown, expected) = (sim.trace_rows(0, lines), fresh.trace_rows(kept, lines));
    assert_eq!(shown.len(), expected.len(), "every kept line is shown");
    assert!(shown == expected, "the kept lines read as a fresh run's");
}
