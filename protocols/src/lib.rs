//! Quorum's protocols and the deterministic simulator that runs them.
//!
//! Nothing here touches a browser, a clock or an entropy source: a run is a
//! function of its [`Scenario`], natively and in WebAssembly alike.

pub mod office;
pub mod sim;

pub use sim::any::AnySim;
pub use sim::scenario::{Scenario, ScenarioError};

use sim::any::{ProtocolInfo, Recording};
use sim::engine::Sim;
use sim::protocol::Protocol;

/// Every protocol the lab can run.
pub fn protocols() -> Vec<&'static ProtocolInfo> {
    vec![office::Office::info()]
}

/// Builds a simulation for a scenario, recorded in full (as the lab needs),
/// checking everything a protocol needs.
pub fn build(scenario: &Scenario) -> Result<Box<dyn AnySim>, ScenarioError> {
    build_with(scenario, Recording::Full)
}

/// Builds a simulation that keeps as much of the run as `recording` says.
pub fn build_with(scenario: &Scenario, recording: Recording) -> Result<Box<dyn AnySim>, ScenarioError> {
    match scenario.protocol.as_str() {
        "office" => Ok(Box::new(Sim::<office::Office>::with_recording(scenario, recording)?)),
        other => {
            let known: Vec<&str> = protocols().iter().map(|p| p.name).collect();
            Err(ScenarioError(format!("unknown protocol `{other}` (known: {})", known.join(", "))))
        }
    }
}

/// A ready-made scenario for the lab's picker (and for `quorum-sim`: the same
/// JSON files live in `protocols/scenarios/`).
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub id: &'static str,
    pub summary: &'static str,
    pub scenario: Scenario,
}

impl Preset {
    /// The scenario's own title (every preset has one; a shared scenario may too).
    pub fn title(&self) -> &str {
        self.scenario.title.as_deref().unwrap_or(self.id)
    }
}

/// The presets, the lab's opening scenario first.
pub fn presets() -> Vec<Preset> {
    let preset = |id, summary, json: &str| Preset {
        id,
        summary,
        scenario: Scenario::from_json(json).expect("presets are valid (checked by tests)"),
    };
    vec![
        preset(
            "office-tour",
            "Five branches issue numbers; the Main Office is cut off and replaced, the network heals, a branch burns down and comes back.",
            include_str!("../scenarios/office-tour.json"),
        ),
        preset(
            "office-zombie",
            "The Main Office freezes for five seconds (a long GC pause) and wakes up believing it still rules.",
            include_str!("../scenarios/office-zombie.json"),
        ),
        preset(
            "office-pigeon-mail",
            "Links of 0.4–0.9 s with 5% loss: slow, but no number is ever given twice.",
            include_str!("../scenarios/office-pigeon-mail.json"),
        ),
        preset(
            "office-split-brain",
            "Variant no-quorum: branches cut off from the Main Office issue numbers on their own, and two parents end up with one number.",
            include_str!("../scenarios/office-split-brain.json"),
        ),
        preset(
            "office-no-request-id",
            "Variant no-request-id: impatient parents retry, and every retry is given a fresh number.",
            include_str!("../scenarios/office-no-request-id.json"),
        ),
        preset(
            "office-sample",
            "Partition, heal, crash, restart, a one-way cut, a pause, then a slow and lossy network.",
            include_str!("../scenarios/office-sample.json"),
        ),
    ]
}
