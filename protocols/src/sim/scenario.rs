//! Scenarios: a run described as data (JSON v1), validated before it runs.
//!
//! A scenario names the protocol and variant, the node count, the seed, the
//! network, the client workload, a timeline of interventions at virtual
//! times, and when to stop. The same scenario always gives the same run.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::clock::{MAX_DRIFT, MAX_OFFSET_MS};
use super::time::{NodeId, Time, node_name};

/// The only scenario format version so far.
pub const VERSION: u32 = 1;
/// Longest run a scenario may ask for (one virtual hour).
pub const MAX_UNTIL_MS: Time = 3_600_000;
/// Most timeline entries a scenario may carry.
pub const MAX_TIMELINE: usize = 2_000;
/// Slowest one-way link a scenario may ask for.
pub const MAX_LATENCY_MS: Time = 10_000;
/// Busiest workload a scenario may ask for.
pub const MAX_RATE_PER_S: f64 = 50.0;
/// Largest duplication probability: above this a message storm never ends.
pub const MAX_DUPLICATE: f64 = 0.5;
/// Most clients a scenario may keep waiting at once.
pub const MAX_WAITING: usize = 2_000;

/// A run described as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    pub protocol: String,
    #[serde(default = "default_variant")]
    pub variant: String,
    pub nodes: usize,
    pub seed: u64,
    /// A title shown in the lab, e.g. "Split brain after a partition".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The protocol's own parameters, checked against its declared list
    /// (see [`ParamInfo`](super::params::ParamInfo)); left out, every one takes its default.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub network: NetworkSettings,
    /// Nodes whose clocks start off true time (the rest read it exactly).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<ClockSetting>,
    #[serde(default)]
    pub workload: WorkloadSettings,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    pub until_ms: Time,
}

fn default_variant() -> String {
    "correct".into()
}

/// The network every link starts with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// One-way latency range `[min, max]` in ms: base `min` plus jitter drawn
    /// uniformly from `[0, max - min]`. Jitter is what reorders messages.
    pub latency_ms: [Time; 2],
    /// Probability that a message is lost.
    #[serde(default)]
    pub drop: f64,
    /// Probability that a message is delivered twice (the copy has its own latency).
    #[serde(default)]
    pub duplicate: f64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings { latency_ms: [20, 80], drop: 0.0, duplicate: 0.0 }
    }
}

/// A node's clock at the start: `offset_ms` ahead of true time (negative:
/// behind), running `drift` fast (0.01 = 1% fast; negative: slow).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSetting {
    pub node: NodeId,
    #[serde(default)]
    pub offset_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<f64>,
}

/// Clients arriving at nodes the protocol chooses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSettings {
    /// Mean arrivals per virtual second (Poisson arrivals); 0 for none.
    pub rate_per_s: f64,
    /// How long a client waits for an answer before its first retry (same
    /// request ID, usually another node).
    #[serde(default = "default_retry_after")]
    pub retry_after_ms: Time,
    /// Later retries wait twice as long each time, with jitter, up to this.
    #[serde(default = "default_max_retry")]
    pub max_retry_ms: Time,
    /// Most clients waiting at once; a client who arrives when this many are
    /// still waiting goes away unserved (counted as `turned_away`).
    #[serde(default = "default_max_waiting")]
    pub max_waiting: usize,
}

fn default_retry_after() -> Time {
    2_000
}

fn default_max_retry() -> Time {
    30_000
}

fn default_max_waiting() -> usize {
    500
}

impl Default for WorkloadSettings {
    fn default() -> Self {
        WorkloadSettings {
            rate_per_s: 1.0,
            retry_after_ms: default_retry_after(),
            max_retry_ms: default_max_retry(),
            max_waiting: default_max_waiting(),
        }
    }
}

/// One intervention at a virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Map<String, Value>", into = "Map<String, Value>")]
pub struct TimelineEntry {
    pub at_ms: Time,
    pub action: Action,
}

/// Something done to the run: a fault, a repair, or a client's request.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Fault(Fault),
    Client(ClientAction),
}

/// Faults and repairs, the same for every protocol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Split the nodes into groups that cannot reach each other. Nodes not
    /// named in any group form one more group together.
    Partition { groups: Vec<Vec<NodeId>> },
    /// Remove every partition and cut.
    Heal,
    /// Stop a node: it loses everything but its durable state; its timers die;
    /// messages to it are lost.
    Crash { node: NodeId },
    /// Start a crashed node again from its durable state.
    Restart { node: NodeId },
    /// Stop the world on a node (a long GC pause): state kept, nothing processed.
    Pause { node: NodeId },
    /// End a pause: everything that queued up arrives at once.
    Resume { node: NodeId },
    /// Cut one direction of a link: messages from `from` to `to` are lost.
    Cut { from: NodeId, to: NodeId },
    /// Set a node's clock: from now it reads true time + `offset_ms` and runs
    /// `drift` fast (left out: the drift it had).
    SetClock {
        node: NodeId,
        offset_ms: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drift: Option<f64>,
    },
    /// Change the network for every link; fields left out keep their value.
    SetNetwork {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<[Time; 2]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drop: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duplicate: Option<f64>,
    },
}

/// How a fault reads in the trace and the lab: "crash B", "split A B | C D E".
impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(&node_name))
    }
}

impl Fault {
    /// The fault in words, with nodes named by `name` (a protocol's role names: "crash C").
    pub fn describe(&self, name: &dyn Fn(NodeId) -> String) -> String {
        let mut out = String::new();
        let _ = self.write_words(&mut out, name);
        out
    }

    fn write_words(&self, f: &mut impl std::fmt::Write, node_name: &dyn Fn(NodeId) -> String) -> std::fmt::Result {
        let names = |nodes: &[NodeId]| nodes.iter().map(|&n| node_name(n)).collect::<Vec<_>>().join(" ");
        match self {
            Fault::Partition { groups } => {
                write!(f, "split {}", groups.iter().map(|g| names(g)).collect::<Vec<_>>().join(" | "))
            }
            Fault::Heal => f.write_str("heal the network"),
            Fault::Crash { node } => write!(f, "crash {}", node_name(*node)),
            Fault::Restart { node } => write!(f, "restart {}", node_name(*node)),
            Fault::Pause { node } => write!(f, "pause {}", node_name(*node)),
            Fault::Resume { node } => write!(f, "resume {}", node_name(*node)),
            Fault::Cut { from, to } => write!(f, "cut {} → {}", node_name(*from), node_name(*to)),
            Fault::SetClock { node, offset_ms, drift } => {
                write!(f, "clock of {} set {offset_ms:+} ms", node_name(*node))?;
                match drift {
                    Some(d) => write!(f, ", drift {}", percent(*d)),
                    None => Ok(()),
                }
            }
            Fault::SetNetwork { latency_ms, drop, duplicate } => {
                let mut parts = Vec::new();
                if let Some([lo, hi]) = latency_ms {
                    parts.push(format!("latency {lo}–{hi} ms"));
                }
                for (what, p) in [("drop", drop), ("duplicate", duplicate)] {
                    if let Some(p) = p {
                        parts.push(format!("{what} {}", percent(*p)));
                    }
                }
                if parts.is_empty() {
                    f.write_str("network unchanged")
                } else {
                    write!(f, "network: {}", parts.join(", "))
                }
            }
        }
    }
}

/// "12.5%", "10%", "-1%".
fn percent(p: f64) -> String {
    let v = p * 100.0;
    if (v - v.round()).abs() < 1e-9 { format!("{v:.0}%") } else { format!("{v:.1}%") }
}

/// The kinds of fault, for properties that fail by design under some of them
/// (a known limit, not a bug).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Partition,
    Crash,
    Pause,
    Cut,
    Clock,
    Loss,
    Duplication,
}

impl Fault {
    /// Which kind of trouble this fault brings, if any (a heal or restart brings none).
    pub fn kind(&self) -> Option<FaultKind> {
        match self {
            Fault::Partition { .. } => Some(FaultKind::Partition),
            Fault::Crash { .. } => Some(FaultKind::Crash),
            Fault::Pause { .. } => Some(FaultKind::Pause),
            Fault::Cut { .. } => Some(FaultKind::Cut),
            Fault::SetClock { .. } => Some(FaultKind::Clock),
            Fault::SetNetwork { drop: Some(p), .. } if *p > 0.0 => Some(FaultKind::Loss),
            Fault::SetNetwork { duplicate: Some(p), .. } if *p > 0.0 => Some(FaultKind::Duplication),
            Fault::Heal | Fault::Restart { .. } | Fault::Resume { .. } | Fault::SetNetwork { .. } => None,
        }
    }
}

const FAULT_NAMES: [&str; 9] =
    ["partition", "heal", "crash", "restart", "pause", "resume", "cut", "set_clock", "set_network"];

/// A protocol-specific client action, e.g. `{"action":"register","node":2}`
/// for the office. The protocol checks the name and parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientAction {
    pub name: String,
    pub node: NodeId,
    pub params: Map<String, Value>,
}

impl TryFrom<Map<String, Value>> for TimelineEntry {
    type Error = String;

    fn try_from(mut map: Map<String, Value>) -> Result<Self, String> {
        let at_ms = match map.remove("at_ms") {
            Some(v) => v.as_u64().ok_or("`at_ms` must be a whole number of milliseconds")?,
            None => return Err("a timeline entry needs `at_ms`".into()),
        };
        let name = match map.get("action") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err("a timeline entry needs an `action` name".into()),
        };
        let action = if FAULT_NAMES.contains(&name.as_str()) {
            Action::Fault(serde_json::from_value(Value::Object(map)).map_err(|e| format!("`{name}`: {e}"))?)
        } else {
            map.remove("action");
            let node = map
                .remove("node")
                .and_then(|v| v.as_u64())
                .ok_or_else(|| format!("client action `{name}` needs a `node` number"))?;
            let node = usize::try_from(node).map_err(|_| format!("node {node} is out of range"))?;
            Action::Client(ClientAction { name, node, params: map })
        };
        Ok(TimelineEntry { at_ms, action })
    }
}

impl From<TimelineEntry> for Map<String, Value> {
    fn from(entry: TimelineEntry) -> Self {
        let mut map = Map::new();
        map.insert("at_ms".into(), entry.at_ms.into());
        match entry.action {
            Action::Fault(fault) => {
                if let Ok(Value::Object(fields)) = serde_json::to_value(fault) {
                    map.extend(fields);
                }
            }
            Action::Client(client) => {
                map.insert("action".into(), client.name.into());
                map.insert("node".into(), client.node.into());
                map.extend(client.params);
            }
        }
        map
    }
}

/// Why a scenario was refused. The text is written for the person who made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

fn fail<T>(msg: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError(msg.into()))
}

impl Scenario {
    /// Parses scenario JSON, with an error that says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| ScenarioError(format!("not a valid scenario: {e}")))?;
        scenario.validate_common()?;
        Ok(scenario)
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }

    /// Checks what every protocol has in common; the protocol checks the rest
    /// (variant, node count, client actions) when the simulation is built.
    pub fn validate_common(&self) -> Result<(), ScenarioError> {
        if self.version != VERSION {
            return fail(format!(
                "scenario version {} is not supported (this Quorum reads version {VERSION})",
                self.version
            ));
        }
        if self.until_ms == 0 || self.until_ms > MAX_UNTIL_MS {
            return fail(format!("until_ms must be between 1 and {MAX_UNTIL_MS}"));
        }
        if self.timeline.len() > MAX_TIMELINE {
            return fail(format!(
                "the timeline has {} entries; at most {MAX_TIMELINE} are allowed",
                self.timeline.len()
            ));
        }
        if let Some(title) = &self.title
            && title.chars().count() > 200
        {
            return fail("the title is longer than 200 characters");
        }
        self.network.validate("network")?;
        self.workload.validate()?;
        let mut clocked = BTreeSet::new();
        for (i, c) in self.clocks.iter().enumerate() {
            check_clock(c.node, self.nodes, c.offset_ms, c.drift)
                .map_err(|e| ScenarioError(format!("clocks[{i}]: {e}")))?;
            if !clocked.insert(c.node) {
                return fail(format!("clocks[{i}]: node {} has a clock setting already", c.node));
            }
        }
        for (i, entry) in self.timeline.iter().enumerate() {
            if entry.at_ms > MAX_UNTIL_MS {
                return fail(format!("timeline[{i}]: at_ms {} is past {MAX_UNTIL_MS}", entry.at_ms));
            }
            entry.action.validate(self.nodes).map_err(|e| ScenarioError(format!("timeline[{i}]: {e}")))?;
        }
        Ok(())
    }

    /// The timeline in the order it runs: by time, ties in the order written.
    pub fn sorted_timeline(&self) -> Vec<TimelineEntry> {
        let mut timeline = self.timeline.clone();
        timeline.sort_by_key(|e| e.at_ms);
        timeline
    }
}

fn check_probability(what: &str, p: f64, max: f64) -> Result<(), ScenarioError> {
    if !(0.0..=max).contains(&p) {
        return fail(format!("{what} must be between 0 and {max}, not {p}"));
    }
    Ok(())
}

fn check_latency(what: &str, [lo, hi]: [Time; 2]) -> Result<(), ScenarioError> {
    if lo > hi {
        return fail(format!("{what}.latency_ms: the minimum {lo} is above the maximum {hi}"));
    }
    if hi > MAX_LATENCY_MS {
        return fail(format!("{what}.latency_ms: {hi} ms is above the limit of {MAX_LATENCY_MS} ms"));
    }
    Ok(())
}

impl NetworkSettings {
    fn validate(&self, what: &str) -> Result<(), ScenarioError> {
        check_latency(what, self.latency_ms)?;
        check_probability(&format!("{what}.drop"), self.drop, 1.0)?;
        check_probability(&format!("{what}.duplicate"), self.duplicate, MAX_DUPLICATE)
    }
}

impl WorkloadSettings {
    fn validate(&self) -> Result<(), ScenarioError> {
        if !(0.0..=MAX_RATE_PER_S).contains(&self.rate_per_s) {
            return fail(format!(
                "workload.rate_per_s must be between 0 and {MAX_RATE_PER_S}, not {}",
                self.rate_per_s
            ));
        }
        if !(100..=600_000).contains(&self.retry_after_ms) {
            return fail("workload.retry_after_ms must be between 100 and 600000");
        }
        if !(self.retry_after_ms..=600_000).contains(&self.max_retry_ms) {
            return fail("workload.max_retry_ms must be between retry_after_ms and 600000");
        }
        if !(1..=MAX_WAITING).contains(&self.max_waiting) {
            return fail(format!("workload.max_waiting must be between 1 and {MAX_WAITING}"));
        }
        Ok(())
    }
}

fn check_clock(node: NodeId, nodes: usize, offset_ms: i64, drift: Option<f64>) -> Result<(), String> {
    check_node(node, nodes)?;
    if !(-MAX_OFFSET_MS..=MAX_OFFSET_MS).contains(&offset_ms) {
        return Err(format!("offset_ms must be between -{MAX_OFFSET_MS} and {MAX_OFFSET_MS}"));
    }
    if let Some(d) = drift
        && !(-MAX_DRIFT..=MAX_DRIFT).contains(&d)
    {
        return Err(format!("drift must be between -{MAX_DRIFT} and {MAX_DRIFT}, not {d}"));
    }
    Ok(())
}

fn check_node(node: NodeId, nodes: usize) -> Result<(), String> {
    if node >= nodes {
        return Err(format!("node {node} does not exist (nodes are 0..{})", nodes.saturating_sub(1)));
    }
    Ok(())
}

impl Action {
    /// Checks node numbers and values; client actions are checked by their protocol.
    pub fn validate(&self, nodes: usize) -> Result<(), String> {
        match self {
            Action::Client(c) => check_node(c.node, nodes),
            Action::Fault(fault) => fault.validate(nodes),
        }
    }
}

impl Fault {
    fn validate(&self, nodes: usize) -> Result<(), String> {
        match self {
            Fault::Crash { node } | Fault::Restart { node } | Fault::Pause { node } | Fault::Resume { node } => {
                check_node(*node, nodes)
            }
            Fault::SetClock { node, offset_ms, drift } => check_clock(*node, nodes, *offset_ms, *drift),
            Fault::Cut { from, to } => {
                check_node(*from, nodes)?;
                check_node(*to, nodes)?;
                if from == to {
                    return Err("a cut needs two different nodes".into());
                }
                Ok(())
            }
            Fault::Partition { groups } => {
                let mut seen = BTreeSet::new();
                for node in groups.iter().flatten() {
                    check_node(*node, nodes)?;
                    if !seen.insert(*node) {
                        return Err(format!("node {node} is in two partition groups"));
                    }
                }
                Ok(())
            }
            Fault::SetNetwork { latency_ms, drop, duplicate } => {
                if let Some(l) = latency_ms {
                    check_latency("set_network", *l).map_err(|e| e.0)?;
                }
                if let Some(p) = drop {
                    check_probability("set_network.drop", *p, 1.0).map_err(|e| e.0)?;
                }
                if let Some(p) = duplicate {
                    check_probability("set_network.duplicate", *p, MAX_DUPLICATE).map_err(|e| e.0)?;
                }
                Ok(())
            }
            Fault::Heal => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_plainly() {
        let split = Fault::Partition { groups: vec![vec![0, 1], vec![2, 3, 4]] };
        assert_eq!(split.to_string(), "split A B | C D E");
        assert_eq!(Fault::Cut { from: 0, to: 3 }.to_string(), "cut A → D");
        let net = Fault::SetNetwork { latency_ms: Some([200, 400]), drop: Some(0.125), duplicate: Some(0.1) };
        assert_eq!(net.to_string(), "network: latency 200–400 ms, drop 12.5%, duplicate 10%");
        let nothing = Fault::SetNetwork { latency_ms: None, drop: None, duplicate: None };
        assert_eq!(nothing.to_string(), "network unchanged");
        let clock = Fault::SetClock { node: 1, offset_ms: 500, drift: Some(0.01) };
        assert_eq!(clock.to_string(), "clock of B set +500 ms, drift 1%");
    }

    #[test]
    fn clocks_params_and_workload_bounds_are_checked() {
        let base = r#""version":1,"protocol":"office","nodes":3,"seed":1,"until_ms":1000"#;
        let err = |extra: &str| Scenario::from_json(&format!("{{{base},{extra}}}")).unwrap_err().0;
        assert!(err(r#""clocks":[{"node":3,"offset_ms":5}]"#).contains("node 3 does not exist"));
        assert!(err(r#""clocks":[{"node":0,"drift":0.9}]"#).contains("drift must be between"));
        assert!(err(r#""clocks":[{"node":0},{"node":0}]"#).contains("already"));
        assert!(
            err(r#""timeline":[{"at_ms":5,"action":"set_clock","node":0,"offset_ms":4000000}]"#).contains("offset_ms")
        );
        assert!(err(r#""workload":{"rate_per_s":1,"max_retry_ms":50}"#).contains("max_retry_ms"));
        assert!(err(r#""params":[1]"#).contains("not a valid scenario"));
        let ok = Scenario::from_json(&format!(
            "{{{base},\"params\":{{\"x\":1}},\"clocks\":[{{\"node\":2,\"offset_ms\":-50}}]}}"
        ));
        assert_eq!(ok.unwrap().clocks[0].offset_ms, -50, "params are the protocol's to check");
    }

    #[test]
    fn timeline_entries_round_trip_through_json() {
        let text = r#"[{"at_ms":5,"action":"register","node":2},{"at_ms":9,"action":"cut","from":0,"to":1}]"#;
        let entries: Vec<TimelineEntry> = serde_json::from_str(text).unwrap();
        assert!(matches!(&entries[0].action, Action::Client(c) if c.name == "register" && c.node == 2));
        let back: serde_json::Value = serde_json::to_value(&entries).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
    }

    #[test]
    fn timeline_entries_say_what_is_missing() {
        let err = |text: &str| serde_json::from_str::<TimelineEntry>(text).unwrap_err().to_string();
        assert!(err(r#"{"action":"heal"}"#).contains("needs `at_ms`"));
        assert!(err(r#"{"at_ms":1}"#).contains("needs an `action`"));
        assert!(err(r#"{"at_ms":1,"action":"register"}"#).contains("needs a `node`"));
        assert!(err(r#"{"at_ms":1,"action":"crash","node":1,"why":"fire"}"#).contains("unknown field"));
    }
}
