//! The office against its properties: every preset ends as it should, the
//! correct office survives random fault schedules, and each broken variant
//! is caught.

mod common;

use common::{cases, chaotic, config, count_caught, names, no_params, nothing_extra, outcome, preset};
use proptest::prelude::*;
use quorum_protocols::build;
use quorum_protocols::office::props::{ONE_NUMBER_PER_REQUEST, TOLD_WAS_ISSUED, UNIQUE_NUMBERS};
use quorum_protocols::sim::scenario::Scenario;

#[test]
fn correct_presets_hold_every_property_and_serve_everyone() {
    for id in ["office-tour", "office-zombie", "office-pigeon-mail", "office-sample"] {
        let scenario = preset(id);
        assert_eq!(scenario.variant, "correct");
        assert_eq!(outcome(&scenario), vec![], "{id}");
        let mut sim = build(&scenario).unwrap();
        sim.run_until(scenario.until_ms, u64::MAX);
        let m = sim.metrics();
        assert!(m.confirmed * 10 >= m.requests * 8, "{id}: only {} of {} parents served", m.confirmed, m.requests);
    }
}

#[test]
fn split_brain_gives_one_number_to_two_parents() {
    let violations = outcome(&preset("office-split-brain"));
    let found = names(&violations);
    assert!(found.contains(&UNIQUE_NUMBERS.name), "{found:?}");
    assert!(found.contains(&TOLD_WAS_ISSUED.name), "{found:?}");
    // It is the partition (at 4 s) that breaks it, not the cold start.
    assert!(violations.iter().all(|v| v.time_ms > 4_000), "{violations:?}");
}

#[test]
fn retries_without_request_ids_get_two_numbers() {
    let found = names(&outcome(&preset("office-no-request-id")));
    assert!(found.contains(&ONE_NUMBER_PER_REQUEST.name), "{found:?}");
}

#[test]
fn without_faults_the_broken_variants_behave() {
    // The variants are wrong only when something goes wrong: on a calm,
    // fast network they are indistinguishable from the correct office.
    for variant in ["no-quorum", "no-request-id"] {
        let mut scenario = preset("office-tour");
        scenario.variant = variant.into();
        scenario.timeline.clear();
        assert_eq!(outcome(&scenario), vec![], "{variant}");
    }
}

#[test]
fn the_same_split_breaks_no_quorum_but_not_the_correct_office() {
    let mut scenario = preset("office-split-brain");
    assert!(!outcome(&scenario).is_empty());
    scenario.variant = "correct".into();
    assert_eq!(outcome(&scenario), vec![]);
}

// ----- random fault schedules -------------------------------------------------

fn office(variant: &'static str) -> impl Strategy<Value = Scenario> {
    chaotic("office", variant, &[3, 5, 7], no_params(), nothing_extra)
}

proptest! {
    #![proptest_config(config(cases(160)))]

    /// Crashes (of any number of branches), pauses, partitions, one-way cuts,
    /// loss, duplication and latency swings never break a safety property,
    /// and once the storm passes every parent gets a number.
    #[test]
    fn the_correct_office_survives_random_faults(scenario in office("correct")) {
        let violations = outcome(&scenario);
        prop_assert!(violations.is_empty(), "{:#?}\nscenario: {}", violations, scenario.to_json_pretty());
    }
}

#[test]
fn random_faults_catch_the_no_quorum_variant() {
    let caught = count_caught(60, office("no-quorum"), |found| {
        [UNIQUE_NUMBERS.name, TOLD_WAS_ISSUED.name].iter().any(|n| found.contains(n))
    });
    assert!(caught >= 10, "split brain caught in only {caught} of 60 random schedules");
}
