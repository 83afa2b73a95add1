//! Counterexample search: random fault schedules thrown at a scenario, and
//! the first one that breaks a property shrunk to a short story.
//!
//! Simulation testing as FoundationDB and Jepsen do it, on the lab's own
//! deterministic runs: each try keeps the scenario's clients and draws a
//! fault schedule of its own ([`schedule`], swarm-style), runs it with only
//! the trace hash kept, and stops at the first property `violated` (a known
//! limit is the lesson, not a failure). What fails is then shrunk by delta
//! debugging ([`shrink`]) and replays, deterministically, in `quorum-sim run`
//! and in the lab. Nothing here reads a clock: the caller says when to stop.

mod schedule;
mod shrink;

pub use shrink::SHORT;

use crate::build_with;
use crate::sim::any::{Recording, Violation};
use crate::sim::rng::Stream;
use crate::sim::scenario::{Action, MAX_TIMELINE, Scenario, ScenarioError};
use crate::sim::time::Time;

/// How much a search may try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Fault schedules to try at most.
    pub tries: u64,
    /// Most faults in one schedule (each may bring its repair; at least one).
    pub faults: usize,
    /// Seeds the search's own stream: the same seed tries the same schedules.
    pub seed: u64,
}

/// A failure found and shrunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// The violation as the shrunk scenario shows it.
    pub violation: Violation,
    /// The shrunk scenario: it replays to `violation`.
    pub scenario: Scenario,
}

/// What a search did.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Schedules run, the failing one included.
    pub tried: u64,
    /// The first failure, shrunk; `None` when the tries ran out, or `stop` said so, first.
    pub found: Option<Counterexample>,
}

/// Searches for a schedule under which `scenario` breaks a property, within
/// `budget`, asking `stop` before each try (a deadline, a cancel button);
/// shrinks what it finds.
pub fn explore(scenario: &Scenario, budget: &Budget, stop: &mut dyn FnMut() -> bool) -> Result<Outcome, ScenarioError> {
    build_with(scenario, Recording::Hash)?;
    let faults = budget.faults.max(1);
    let clients = scenario.timeline.iter().filter(|e| matches!(e.action, Action::Client(_))).count();
    if clients + schedule::entries(faults) > MAX_TIMELINE {
        return Err(ScenarioError(format!(
            "{clients} client actions and {faults} faults would not fit in a timeline of {MAX_TIMELINE} entries"
        )));
    }
    let mut rng = Stream::new(budget.seed, "explore");
    let mut tried = 0;
    while tried < budget.tries && !stop() {
        tried += 1;
        let candidate = schedule::draw(scenario, faults, &mut rng);
        if let Some(violation) = first_violation(&candidate, None) {
            let mut found = shrink::shrink(Counterexample { violation, scenario: candidate });
            found.scenario.title = Some(format!("{} violated: found by the explorer", found.violation.invariant));
            return Ok(Outcome { tried, found: Some(found) });
        }
    }
    Ok(Outcome { tried, found: None })
}

/// How much virtual time a run goes between looks at its violations: an
/// `always` property broken early ends the run early.
const LOOK_EVERY_MS: Time = 1_000;

/// The first violation in a run of `scenario` that is not a known limit
/// (of `property`, if named): `always` ones as they happen, else one judged
/// at the end. The scenario must be valid.
fn first_violation(scenario: &Scenario, property: Option<&str>) -> Option<Violation> {
    let mut sim = build_with(scenario, Recording::Hash).expect("schedules are valid scenarios");
    let counts = |v: &Violation| !v.known_limit && property.is_none_or(|p| v.invariant == p);
    let mut t = 0;
    while t < scenario.until_ms {
        t = (t + LOOK_EVERY_MS).min(scenario.until_ms);
        sim.run_until(t, u64::MAX);
        if let Some(v) = sim.violations().iter().find(|v| counts(v)) {
            return Some(v.clone());
        }
    }
    sim.judge_end().into_iter().find(counts)
}
