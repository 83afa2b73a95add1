//! Scenarios: a run described as data (JSON v1), validated before it runs.
//!
//! A scenario names the protocol and variant, the node count, the seed, the
//! network, the client workload, a timeline of interventions at virtual
//! times, and when to stop. The same scenario always gives the same run.

use serde::Serialize;

use super::clock::{MAX_DRIFT, MAX_OFFSET_MS};
use super::decimal::{Fixed, Shortest};
use super::ids::IdSet;
use super::json::{self, Fields, Json, JsonError, Map, Shape};
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
///
/// Read and written as JSON by hand (see [`json`]), field by field in this
/// order: a field marked "optional" may be left out (or written `null`) and
/// is not written when empty; one with a default may be left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub version: u32,
    pub protocol: String,
    /// Default: "correct".
    pub variant: String,
    pub nodes: usize,
    pub seed: u64,
    /// Optional: a title shown in the lab, e.g. "Split brain after a partition".
    pub title: Option<String>,
    /// The protocol's own parameters, checked against its declared list
    /// (see [`ParamInfo`](super::params::ParamInfo)); left out, every one takes
    /// its default. Not written when empty.
    pub params: Map,
    /// Default: [`NetworkSettings::default`].
    pub network: NetworkSettings,
    /// Nodes whose clocks start off true time (the rest read it exactly).
    /// Default empty, and not written when empty.
    pub clocks: Vec<ClockSetting>,
    /// Default: [`WorkloadSettings::default`].
    pub workload: WorkloadSettings,
    /// Default empty.
    pub timeline: Vec<TimelineEntry>,
    pub until_ms: Time,
}

fn default_variant() -> String {
    "correct".into()
}

/// The network every link starts with.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSettings {
    /// One-way latency range `[min, max]` in ms: base `min` plus jitter drawn
    /// uniformly from `[0, max - min]`. Jitter is what reorders messages.
    pub latency_ms: [Time; 2],
    /// Probability that a message is lost. Default 0.
    pub drop: f64,
    /// Probability that a message is delivered twice (the copy has its own latency). Default 0.
    pub duplicate: f64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings { latency_ms: [20, 80], drop: 0.0, duplicate: 0.0 }
    }
}

/// A node's clock at the start: `offset_ms` ahead of true time (negative:
/// behind), running `drift` fast (0.01 = 1% fast; negative: slow).
#[derive(Clone, Debug, PartialEq)]
pub struct ClockSetting {
    pub node: NodeId,
    /// Default 0.
    pub offset_ms: i64,
    /// Optional.
    pub drift: Option<f64>,
}

/// Clients arriving at nodes the protocol chooses.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadSettings {
    /// Mean arrivals per virtual second (Poisson arrivals); 0 for none.
    pub rate_per_s: f64,
    /// How long a client waits for an answer before its first retry (same
    /// request ID, usually another node). Default 2 s.
    pub retry_after_ms: Time,
    /// Later retries wait twice as long each time, with jitter, up to this. Default 30 s.
    pub max_retry_ms: Time,
    /// Most clients waiting at once; a client who arrives when this many are
    /// still waiting goes away unserved (counted as `turned_away`). Default 500.
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

/// One intervention at a virtual time. In JSON, one object: `at_ms` beside
/// the action's own fields (`{"at_ms":9000,"action":"crash","node":1}`).
#[derive(Clone, Debug, PartialEq)]
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

/// Faults and repairs, the same for every protocol. In JSON, the fault's
/// name in snake case as `action` beside its fields
/// (`{"action":"set_clock","node":1,"offset_ms":500}`: in this order on its
/// own, sorted in a timeline entry); optional fields may be left out (or
/// written `null`), and are not written when `None`.
#[derive(Clone, Debug, PartialEq)]
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
    SetClock { node: NodeId, offset_ms: i64, drift: Option<f64> },
    /// Change the network for every link; fields left out keep their value.
    SetNetwork { latency_ms: Option<[Time; 2]>, drop: Option<f64>, duplicate: Option<f64> },
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

/// 0.125 → "12.5%", 0.1 → "10%", -0.01 → "-1%".
pub fn percent(p: f64) -> String {
    let v = p * 100.0;
    Fixed(v, if (v - v.round()).abs() < 1e-9 { 0 } else { 1 }).to_string() + "%"
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

/// A protocol-specific client action, e.g. `{"action":"register","node":2}`
/// for the office. The protocol checks the name and parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientAction {
    pub name: String,
    pub node: NodeId,
    pub params: Map,
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
        let mut clocked = IdSet::new();
        for (i, c) in self.clocks.iter().enumerate() {
            check_clock(c.node, self.nodes, c.offset_ms, c.drift)
                .map_err(|e| ScenarioError(format!("clocks[{i}]: {e}")))?;
            if !clocked.insert(c.node as u64) {
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
        // Each entry goes after every one not later than it: a stable
        // insertion sort, in order already but for the odd entry (a sort's
        // code for entries would cost the download more).
        let mut timeline: Vec<TimelineEntry> = Vec::with_capacity(self.timeline.len());
        for entry in &self.timeline {
            let at = timeline.partition_point(|e| e.at_ms <= entry.at_ms);
            timeline.insert(at, entry.clone());
        }
        timeline
    }
}

fn check_probability(what: &str, p: f64, max: f64) -> Result<(), ScenarioError> {
    if !(0.0..=max).contains(&p) {
        return fail(format!("{what} must be between 0 and {}, not {}", Shortest(max), Shortest(p)));
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
                "workload.rate_per_s must be between 0 and {}, not {}",
                Shortest(MAX_RATE_PER_S),
                Shortest(self.rate_per_s)
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
        return Err(format!("drift must be between -{0} and {0}, not {1}", Shortest(MAX_DRIFT), Shortest(d)));
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
                let mut seen = IdSet::new();
                for node in groups.iter().flatten() {
                    check_node(*node, nodes)?;
                    if !seen.insert(*node as u64) {
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

/// The objects of a scenario that are structs, whose fields may not repeat;
/// `params` and timeline entries are maps, where the last of a repeated key counts.
const SHAPE: Shape = Shape::Struct(&[
    ("network", Shape::Struct(&[])),
    ("clocks", Shape::ListOf(&Shape::Struct(&[]))),
    ("workload", Shape::Struct(&[])),
]);

impl Scenario {
    /// Parses scenario JSON, with an error that says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let invalid = |e: &dyn std::fmt::Display| ScenarioError(format!("not a valid scenario: {e}"));
        let value = json::parse(text, SHAPE).map_err(|e| invalid(&e))?;
        let scenario = Scenario::read(value).map_err(|e| invalid(&e))?;
        scenario.validate_common()?;
        Ok(scenario)
    }

    fn read(value: Json) -> Result<Scenario, JsonError> {
        let mut f = Fields::new(
            value,
            &[
                "version", "protocol", "variant", "nodes", "seed", "title", "params", "network", "clocks", "workload",
                "timeline", "until_ms",
            ],
        )?;
        Ok(Scenario {
            version: f.req("version", json::small)?,
            protocol: f.req("protocol", json::string)?,
            variant: f.get("variant", json::string)?.unwrap_or_else(default_variant),
            nodes: f.req("nodes", json::small)?,
            seed: f.req("seed", json::whole)?,
            title: f.opt("title", json::string)?,
            params: f.get("params", json::object)?.unwrap_or_default(),
            network: f.get("network", NetworkSettings::read)?.unwrap_or_default(),
            clocks: f.get("clocks", |v| json::list(v, ClockSetting::read))?.unwrap_or_default(),
            workload: f.get("workload", WorkloadSettings::read)?.unwrap_or_default(),
            timeline: f.get("timeline", |v| json::list(v, TimelineEntry::read))?.unwrap_or_default(),
            until_ms: f.req("until_ms", json::whole)?,
        })
    }

    /// Compact JSON, as a link carries it.
    pub fn to_json(&self) -> String {
        self.json().write(false)
    }

    pub fn to_json_pretty(&self) -> String {
        self.json().write(true)
    }

    fn json(&self) -> Json {
        let mut fields: Vec<(&str, Json)> = vec![
            ("version", u64::from(self.version).into()),
            ("protocol", self.protocol.as_str().into()),
            ("variant", self.variant.as_str().into()),
            ("nodes", self.nodes.into()),
            ("seed", self.seed.into()),
        ];
        if let Some(title) = &self.title {
            fields.push(("title", title.as_str().into()));
        }
        if !self.params.is_empty() {
            fields.push(("params", self.params.clone().into()));
        }
        fields.push(("network", self.network.json()));
        if !self.clocks.is_empty() {
            fields.push(("clocks", Json::Array(self.clocks.iter().map(ClockSetting::json).collect())));
        }
        fields.push(("workload", self.workload.json()));
        let timeline = self.timeline.iter().map(|entry| entry.to_map().into());
        fields.push(("timeline", Json::Array(timeline.collect())));
        fields.push(("until_ms", self.until_ms.into()));
        Json::object(fields)
    }
}

impl NetworkSettings {
    fn read(value: Json) -> Result<NetworkSettings, JsonError> {
        let mut f = Fields::new(value, &["latency_ms", "drop", "duplicate"])?;
        Ok(NetworkSettings {
            latency_ms: f.req("latency_ms", json::range)?,
            drop: f.get("drop", json::number)?.unwrap_or_default(),
            duplicate: f.get("duplicate", json::number)?.unwrap_or_default(),
        })
    }

    fn json(&self) -> Json {
        Json::object(vec![
            ("latency_ms", self.latency_ms.into()),
            ("drop", self.drop.into()),
            ("duplicate", self.duplicate.into()),
        ])
    }
}

impl ClockSetting {
    fn read(value: Json) -> Result<ClockSetting, JsonError> {
        let mut f = Fields::new(value, &["node", "offset_ms", "drift"])?;
        Ok(ClockSetting {
            node: f.req("node", json::small)?,
            offset_ms: f.get("offset_ms", json::integer)?.unwrap_or_default(),
            drift: f.opt("drift", json::number)?,
        })
    }

    fn json(&self) -> Json {
        let mut fields: Vec<(&str, Json)> = vec![("node", self.node.into()), ("offset_ms", self.offset_ms.into())];
        if let Some(drift) = self.drift {
            fields.push(("drift", drift.into()));
        }
        Json::object(fields)
    }
}

impl WorkloadSettings {
    fn read(value: Json) -> Result<WorkloadSettings, JsonError> {
        let mut f = Fields::new(value, &["rate_per_s", "retry_after_ms", "max_retry_ms", "max_waiting"])?;
        Ok(WorkloadSettings {
            rate_per_s: f.req("rate_per_s", json::number)?,
            retry_after_ms: f.get("retry_after_ms", json::whole)?.unwrap_or_else(default_retry_after),
            max_retry_ms: f.get("max_retry_ms", json::whole)?.unwrap_or_else(default_max_retry),
            max_waiting: f.get("max_waiting", json::small)?.unwrap_or_else(default_max_waiting),
        })
    }

    fn json(&self) -> Json {
        Json::object(vec![
            ("rate_per_s", self.rate_per_s.into()),
            ("retry_after_ms", self.retry_after_ms.into()),
            ("max_retry_ms", self.max_retry_ms.into()),
            ("max_waiting", self.max_waiting.into()),
        ])
    }
}

impl TimelineEntry {
    fn read(value: Json) -> Result<TimelineEntry, JsonError> {
        let mut map = json::object(value)?;
        let at_ms = match map.remove("at_ms") {
            Some(v) => v.as_u64().ok_or_else(|| JsonError::new("`at_ms` must be a whole number of milliseconds"))?,
            None => return Err(JsonError::new("a timeline entry needs `at_ms`")),
        };
        let name = match map.remove("action") {
            Some(Json::String(s)) => s,
            _ => return Err(JsonError::new("a timeline entry needs an `action` name")),
        };
        // A fault's fields are its own: any other is refused (a client
        // action's other fields are its parameters, for its protocol to check).
        let mut fault = |known: &[&str]| Fields::of(std::mem::take(&mut map), known);
        let fault = match name.as_str() {
            "partition" => {
                let groups = |v| json::list(v, |group| json::list(group, json::small));
                Fault::Partition { groups: fault(&["at_ms", "action", "groups"])?.req("groups", groups)? }
            }
            // Other fields beside a heal were always ignored (serde's derive
            // ignores them for a fault without fields): still so.
            "heal" => Fault::Heal,
            "crash" => Fault::Crash { node: fault(&["at_ms", "action", "node"])?.req("node", json::small)? },
            "restart" => Fault::Restart { node: fault(&["at_ms", "action", "node"])?.req("node", json::small)? },
            "pause" => Fault::Pause { node: fault(&["at_ms", "action", "node"])?.req("node", json::small)? },
            "resume" => Fault::Resume { node: fault(&["at_ms", "action", "node"])?.req("node", json::small)? },
            "cut" => {
                let mut f = fault(&["at_ms", "action", "from", "to"])?;
                Fault::Cut { from: f.req("from", json::small)?, to: f.req("to", json::small)? }
            }
            "set_clock" => {
                let mut f = fault(&["at_ms", "action", "node", "offset_ms", "drift"])?;
                Fault::SetClock {
                    node: f.req("node", json::small)?,
                    offset_ms: f.req("offset_ms", json::integer)?,
                    drift: f.opt("drift", json::number)?,
                }
            }
            "set_network" => {
                let mut f = fault(&["at_ms", "action", "latency_ms", "drop", "duplicate"])?;
                Fault::SetNetwork {
                    latency_ms: f.opt("latency_ms", json::range)?,
                    drop: f.opt("drop", json::number)?,
                    duplicate: f.opt("duplicate", json::number)?,
                }
            }
            _ => {
                let node = map
                    .remove("node")
                    .and_then(|v| v.as_u64())
                    .ok_or_else(|| JsonError::new(format!("client action `{name}` needs a `node` number")))?;
                let node = usize::try_from(node).map_err(|_| JsonError::new(format!("node {node} is out of range")))?;
                let action = Action::Client(ClientAction { name, node, params: map });
                return Ok(TimelineEntry { at_ms, action });
            }
        };
        Ok(TimelineEntry { at_ms, action: Action::Fault(fault) })
    }

    /// The entry as one JSON object. A map, so its keys are written sorted
    /// (`{"action":"crash","at_ms":9000,"node":1}`), as they always were.
    fn to_map(&self) -> Map {
        let mut map = Map::new();
        map.insert("at_ms".into(), self.at_ms.into());
        match &self.action {
            Action::Fault(fault) => {
                for (k, v) in fault.fields() {
                    map.insert(k.into(), v);
                }
            }
            Action::Client(client) => {
                map.insert("action".into(), client.name.as_str().into());
                map.insert("node".into(), client.node.into());
                for (k, v) in client.params.iter() {
                    map.insert(k.into(), v.clone());
                }
            }
        }
        map
    }
}

impl Fault {
    /// `action` and the fault's fields, in declaration order.
    fn fields(&self) -> Vec<(&'static str, Json)> {
        let name = match self {
            Fault::Partition { .. } => "partition",
            Fault::Heal => "heal",
            Fault::Crash { .. } => "crash",
            Fault::Restart { .. } => "restart",
            Fault::Pause { .. } => "pause",
            Fault::Resume { .. } => "resume",
            Fault::Cut { .. } => "cut",
            Fault::SetClock { .. } => "set_clock",
            Fault::SetNetwork { .. } => "set_network",
        };
        let mut fields = vec![("action", Json::from(name))];
        let mut put = |field, value: Option<Json>| fields.extend(value.map(|v| (field, v)));
        match *self {
            Fault::Partition { ref groups } => put("groups", Some(groups.clone().into())),
            Fault::Heal => {}
            Fault::Crash { node } | Fault::Restart { node } | Fault::Pause { node } | Fault::Resume { node } => {
                put("node", Some(node.into()))
            }
            Fault::Cut { from, to } => {
                put("from", Some(from.into()));
                put("to", Some(to.into()));
            }
            Fault::SetClock { node, offset_ms, drift } => {
                put("node", Some(node.into()));
                put("offset_ms", Some(offset_ms.into()));
                put("drift", drift.map(Json::from));
            }
            Fault::SetNetwork { latency_ms, drop, duplicate } => {
                put("latency_ms", latency_ms.map(Json::from));
                put("drop", drop.map(Json::from));
                put("duplicate", duplicate.map(Json::from));
            }
        }
        fields
    }

    /// Compact JSON, fields in declaration order: `{"action":"crash","node":1}`.
    pub fn to_json(&self) -> String {
        Json::object(self.fields()).write(false)
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
    fn the_timeline_runs_by_time_ties_in_the_order_written() {
        let base = r#""version":1,"protocol":"office","nodes":3,"seed":1,"until_ms":1000"#;
        let timeline = r#"[{"at_ms":5,"action":"crash","node":0},{"at_ms":1,"action":"crash","node":1},
            {"at_ms":5,"action":"crash","node":2},{"at_ms":1,"action":"heal"},{"at_ms":0,"action":"heal"}]"#;
        let s = Scenario::from_json(&format!("{{{base},\"timeline\":{timeline}}}")).unwrap();
        let order: Vec<String> = s.sorted_timeline().iter().map(|e| format!("{}:{:?}", e.at_ms, e.action)).collect();
        let written = |i: usize| format!("{}:{:?}", s.timeline[i].at_ms, s.timeline[i].action);
        assert_eq!(order, [4, 1, 3, 0, 2].map(written));
    }

    fn entry(text: &str) -> Result<TimelineEntry, String> {
        TimelineEntry::read(json::parse(text, Shape::Free).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn timeline_entries_round_trip_through_json() {
        for text in [r#"{"action":"register","at_ms":5,"node":2}"#, r#"{"action":"cut","at_ms":9,"from":0,"to":1}"#] {
            let e = entry(text).unwrap();
            assert_eq!(Json::from(e.to_map()).to_string(), text);
        }
        let e = entry(r#"{"at_ms":5,"action":"register","node":2}"#).unwrap();
        assert!(matches!(e.action, Action::Client(c) if c.name == "register" && c.node == 2));
    }

    #[test]
    fn timeline_entries_say_what_is_missing() {
        let err = |text: &str| entry(text).unwrap_err();
        assert!(err(r#"{"action":"heal"}"#).contains("needs `at_ms`"));
        assert!(err(r#"{"at_ms":1}"#).contains("needs an `action`"));
        assert!(err(r#"{"at_ms":1,"action":"register"}"#).contains("needs a `node`"));
        assert_eq!(
            err(r#"{"at_ms":1,"action":"crash","node":1,"why":"fire"}"#),
            "unknown field `why` (known fields: at_ms, action, node)"
        );
        assert_eq!(err(r#"{"at_ms":1,"action":"cut","from":1}"#), "missing field `to`");
        assert_eq!(
            err(r#"{"at_ms":1,"action":"partition","groups":[[0],[1,-2]]}"#),
            "groups[1][1]: expected a whole number, 0 or more, found -2"
        );
    }

    #[test]
    fn errors_name_the_path() {
        let base = r#""version":1,"protocol":"office","nodes":3,"seed":1,"until_ms":1000"#;
        let err = |extra: &str| Scenario::from_json(&format!("{{{base},{extra}}}")).unwrap_err().0;
        assert_eq!(
            err(r#""network":{"latency_ms":[1,2,3]}"#),
            "not a valid scenario: network.latency_ms: expected two numbers [min, max], found 3"
        );
        assert_eq!(
            err(r#""timeline":[{"at_ms":1,"action":"heal"},{"at_ms":2,"action":"crash","node":"a"}]"#),
            "not a valid scenario: timeline[1].node: expected a whole number, 0 or more, found a string"
        );
        assert_eq!(
            err(r#""clocks":[{"node":0,"drift":"x"}]"#),
            "not a valid scenario: clocks[0].drift: expected a number, found a string"
        );
        assert!(
            err(r#""colour":1"#)
                .starts_with("not a valid scenario: unknown field `colour` (known fields: version, protocol,")
        );
        assert_eq!(err(r#""workload":{}"#), "not a valid scenario: workload: missing field `rate_per_s`");
        assert!(err(r#""nodes":4"#).starts_with("not a valid scenario: duplicate field `nodes` at line 1"));
        let huge = Scenario::from_json(r#"{"version":4294967297,"protocol":"office","nodes":3,"seed":1,"until_ms":1}"#);
        assert_eq!(huge.unwrap_err().0, "not a valid scenario: version: 4294967297 is too large");
        assert_eq!(
            Scenario::from_json("[1]").unwrap_err().0,
            "not a valid scenario: expected an object, found an array of 1"
        );
    }
}
