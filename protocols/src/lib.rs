//! Quorum's protocols and the deterministic simulator that runs them.
//!
//! Nothing here touches a browser, a clock or an entropy source: a run is a
//! function of its [`Scenario`], natively and in WebAssembly alike.

pub mod office;
pub mod sim;

pub use sim::any::AnySim;
pub use sim::scenario::{Scenario, ScenarioError};

use sim::any::ProtocolInfo;
use sim::engine::Sim;
use sim::protocol::Protocol;

/// Every protocol the lab can run.
pub fn protocols() -> Vec<&'static ProtocolInfo> {
    vec![office::Office::info()]
}

/// Builds a simulation for a scenario, checking everything a protocol needs.
pub fn build(scenario: &Scenario) -> Result<Box<dyn AnySim>, ScenarioError> {
    match scenario.protocol.as_str() {
        "office" => Ok(Box::new(Sim::<office::Office>::new(scenario)?)),
        other => {
            let known: Vec<&str> = protocols().iter().map(|p| p.name).collect();
            Err(ScenarioError(format!("unknown protocol `{other}` (known: {})", known.join(", "))))
        }
    }
}
