//! The office names the branches a violation involves, so the lab can mark
//! them: both branches that told one number, the branch that told a number
//! never issued.

use quorum_protocols::office::props::{TOLD_WAS_ISSUED, UNIQUE_NUMBERS};
use quorum_protocols::sim::any::Recording;
use quorum_protocols::{build_with, presets};

#[test]
fn split_brain_names_the_two_branches_that_told_one_number() {
    let scenario = presets().into_iter().find(|p| p.id == "office-split-brain").unwrap().scenario;
    let mut sim = build_with(&scenario, Recording::Hash).unwrap();
    sim.run_until(scenario.until_ms, u64::MAX);
    // The partition puts A and B on one side, C, D and E on the other.
    let side = |node: usize| node < 2;
    let unique: Vec<_> = sim.violations().iter().filter(|v| v.invariant == UNIQUE_NUMBERS.name).collect();
    assert!(!unique.is_empty());
    for v in unique {
        let nodes = &v.culprits.nodes;
        assert_eq!(nodes.len(), 2, "{v:?}");
        assert_ne!(side(nodes[0]), side(nodes[1]), "one branch on each side of the split: {v:?}");
    }
    for v in sim.violations().iter().filter(|v| v.invariant == TOLD_WAS_ISSUED.name) {
        assert_eq!(v.culprits.nodes.len(), 1, "{v:?}");
    }
}
