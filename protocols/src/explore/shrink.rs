//! Shrinking a failing schedule by delta debugging (Zeller and Hildebrandt,
//! "Simplifying and Isolating Failure-Inducing Input"): the run stops where
//! the violation shows, timeline actions are removed one at a time, and the
//! rest move as early as they can, each change kept only if the same
//! property is still violated. A fault left without its repair is fine: the
//! scenario stays valid, and what still fails is the shorter story.

use super::{Counterexample, first_violation};
use crate::sim::any::PropertyKind;
use crate::sim::scenario::Scenario;
use crate::sim::time::Time;

/// Rounds of shortening, removing and advancing, unless one changes nothing first.
const MAX_ROUNDS: usize = 4;
/// A story this short is what the shrinker aims for: every choice of at most
/// this many of the remaining actions is tried when removing one or two at
/// a time gets stuck (each removal shifts the timings the rest relied on).
pub const SHORT: usize = 4;
/// The most choices of [`SHORT`] actions tried.
const MAX_CHOICES: u64 = 4_096;

/// The smallest failing scenario this finds, with its violation.
pub(super) fn shrink(found: Counterexample) -> Counterexample {
    let mut best = found;
    for _ in 0..MAX_ROUNDS {
        let before = best.scenario.clone();
        best = advance(choose(remove(shorten(best))));
        if best.scenario == before {
            break;
        }
    }
    best
}

/// `candidate` with its violation, if it still violates the same property.
fn keeps(best: &Counterexample, candidate: Scenario) -> Option<Counterexample> {
    let violation = first_violation(&candidate, Some(best.violation.invariant))?;
    Some(Counterexample { violation, scenario: candidate })
}

/// Ends the run where the violation shows: at its time for an `always`
/// property (the run before it is the same), else as early as bisection finds.
fn shorten(best: Counterexample) -> Counterexample {
    let from = match best.violation.kind {
        PropertyKind::Always => best.violation.time_ms.max(1),
        _ => 1,
    };
    let to = best.scenario.until_ms;
    least(best, from, to, |s, until_ms| Scenario { until_ms, ..s.clone() })
}

/// Removes timeline actions one at a time, from the last, then two at a
/// time (a fault and its repair often go, or stay, together).
fn remove(mut best: Counterexample) -> Counterexample {
    for i in (0..best.scenario.timeline.len()).rev() {
        best = without(best, &[i]);
    }
    for j in (1..best.scenario.timeline.len()).rev() {
        for i in (0..j).rev() {
            best = without(best, &[j, i]);
        }
    }
    best
}

/// `best` without the timeline actions at `indices` (given high to low),
/// if it still fails so; else `best`. An index already gone changes nothing.
fn without(best: Counterexample, indices: &[usize]) -> Counterexample {
    if indices.iter().any(|&i| i >= best.scenario.timeline.len()) {
        return best;
    }
    let mut candidate = best.scenario.clone();
    for &i in indices {
        candidate.timeline.remove(i);
    }
    keeps(&best, candidate).unwrap_or(best)
}

/// The first choice of at most [`SHORT`] timeline actions (fewest first,
/// in the order they run) that still fails, if the actions are too many
/// and the choices few enough to try.
fn choose(best: Counterexample) -> Counterexample {
    let n = best.scenario.timeline.len();
    if n <= SHORT || (1..=SHORT as u64).map(|k| binomial(n as u64, k)).sum::<u64>() > MAX_CHOICES {
        return best;
    }
    for k in 0..=SHORT {
        let mut picked: Vec<usize> = (0..k).collect();
        loop {
            let mut candidate = best.scenario.clone();
            candidate.timeline = picked.iter().map(|&i| best.scenario.timeline[i].clone()).collect();
            if let Some(shorter) = keeps(&best, candidate) {
                return shorter;
            }
            if !next_choice(&mut picked, n) {
                break;
            }
        }
    }
    best
}

/// The next choice of `picked.len()` indices below `n` in lexicographic order; false after the last.
fn next_choice(picked: &mut [usize], n: usize) -> bool {
    let k = picked.len();
    let Some(i) = (0..k).rev().find(|&i| picked[i] < n - k + i) else { return false };
    picked[i] += 1;
    for j in i + 1..k {
        picked[j] = picked[j - 1] + 1;
    }
    true
}

fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1, |c, i| c * (n - i) / (i + 1))
}

/// Moves each timeline action as early as it can go, in order: never
/// before the one ahead of it, so the order they run in stays.
fn advance(mut best: Counterexample) -> Counterexample {
    for i in 0..best.scenario.timeline.len() {
        let from = if i == 0 { 0 } else { best.scenario.timeline[i - 1].at_ms };
        let to = best.scenario.timeline[i].at_ms;
        best = least(best, from, to, |s, at_ms| {
            let mut moved = s.clone();
            moved.timeline[i].at_ms = at_ms;
            moved
        });
    }
    best
}

/// The least value in `from..to` at which `set` still makes the scenario
/// fail, given that it fails at `to` (as `best` does): `from` itself, else
/// by bisection.
fn least(best: Counterexample, from: Time, to: Time, set: impl Fn(&Scenario, Time) -> Scenario) -> Counterexample {
    if from >= to {
        return best;
    }
    if let Some(found) = keeps(&best, set(&best.scenario, from)) {
        return found;
    }
    let (mut lo, mut hi, mut best) = (from, to, best);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        match keeps(&best, set(&best.scenario, mid)) {
            Some(found) => (best, hi) = (found, mid),
            None => lo = mid,
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_come_in_order_each_once() {
        let mut seen = Vec::new();
        let mut picked = vec![0, 1];
        loop {
            seen.push(picked.clone());
            if !next_choice(&mut picked, 4) {
                break;
            }
        }
        assert_eq!(seen, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
        assert_eq!(binomial(4, 2), 6);
        assert_eq!((1..=4).map(|k| binomial(12, k)).sum::<u64>(), 12 + 66 + 220 + 495);
    }
}
