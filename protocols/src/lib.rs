//! Quorum's protocols and the deterministic simulator that runs them.
//!
//! Nothing here touches a browser, a clock or an entropy source: a run is a
//! function of its [`Scenario`], natively and in WebAssembly alike.

pub mod sim;

pub use sim::any::AnySim;
pub use sim::scenario::{Scenario, ScenarioError};

/// Builds a simulation for a scenario, checking everything a protocol needs.
pub fn build(scenario: &Scenario) -> Result<Box<dyn AnySim>, ScenarioError> {
    scenario.validate_common()?;
    Err(ScenarioError(format!("unknown protocol `{}`", scenario.protocol)))
}
