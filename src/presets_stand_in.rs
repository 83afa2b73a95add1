//! Stand-in for `quorum_protocols::presets()` until the protocols crate
//! provides it (see .notes/ui-requests.md); deleted when it lands.

use quorum_protocols::Scenario;

#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub scenario: Scenario,
}

pub fn presets() -> Vec<Preset> {
    let scenario = Scenario::from_json(include_str!("../protocols/scenarios/office-sample.json"))
        .expect("the sample scenario is valid");
    vec![Preset { id: "office", title: "The birth-number office", summary: "Five branches issue numbers", scenario }]
}
