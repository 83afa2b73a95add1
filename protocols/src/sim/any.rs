//! The one erased interface the UI (and the command line) drives, whatever the protocol.

use serde::Serialize;

use super::json::Map;
use super::params::{ParamInfo, ParamValue, Params};
use super::scenario::{Action, FaultKind, Scenario};
use super::time::{NodeId, Time};
use super::view::{Fate, Frame};

/// A variant of a protocol: `correct`, or one that breaks a rule on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct VariantInfo {
    pub name: &'static str,
    /// One line in plain language: what this variant does differently.
    pub summary: &'static str,
    /// Parameters this variant depends on, with the values it needs.
    pub pins: &'static [(&'static str, ParamValue)],
}

impl VariantInfo {
    pub const fn new(name: &'static str, summary: &'static str) -> VariantInfo {
        VariantInfo { name, summary, pins: &[] }
    }
}

/// A named property, with the sentence the invariant bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyInfo {
    pub name: &'static str,
    /// The rule in plain language ("No number is given to two requests").
    pub rule: &'static str,
    pub kind: PropertyKind,
    /// Faults under which this property fails by design (3PC's atomicity
    /// under a partition): a failure with only these present is a known
    /// limit, shown as the lesson it is, not a bug.
    pub known_limits: &'static [FaultKind],
    /// Whether the limit holds whenever one of `known_limits` happened,
    /// whatever else did (clock drift breaks lease reads, but only a
    /// partition or a crash lets it show), rather than only when nothing else did.
    pub limit_whenever: bool,
}

impl PropertyInfo {
    pub const fn always(name: &'static str, rule: &'static str) -> PropertyInfo {
        PropertyInfo { name, rule, kind: PropertyKind::Always, known_limits: &[], limit_whenever: false }
    }

    pub const fn eventually(name: &'static str, rule: &'static str) -> PropertyInfo {
        PropertyInfo { name, rule, kind: PropertyKind::Eventually, known_limits: &[], limit_whenever: false }
    }

    pub const fn sometimes(name: &'static str, rule: &'static str) -> PropertyInfo {
        PropertyInfo { name, rule, kind: PropertyKind::Sometimes, known_limits: &[], limit_whenever: false }
    }

    /// The same property, failing by design under `faults`.
    pub const fn limited_by(self, faults: &'static [FaultKind]) -> PropertyInfo {
        PropertyInfo { known_limits: faults, ..self }
    }

    /// The same property, failing by design whenever one of `faults`
    /// happened, even together with others.
    pub const fn limited_whenever(self, faults: &'static [FaultKind]) -> PropertyInfo {
        PropertyInfo { known_limits: faults, limit_whenever: true, ..self }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyKind {
    /// Checked after every event; one counterexample is a violation.
    Always,
    /// Judged at the end of a run.
    Eventually,
    /// Should happen in some runs ("a leader was elected"): a witness is
    /// recorded the first time it does (lessons and the explorer use it).
    Sometimes,
}

/// A field of a client action, beyond the `node` every action has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    pub name: &'static str,
    pub label: &'static str,
    #[serde(flatten)]
    pub kind: FieldKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    /// Short text (a key, a value), at most `max_len` characters.
    Text { max_len: usize },
    /// A whole number in `[min, max]`.
    Int { min: i64, max: i64 },
    /// Several node numbers, from `first` on (the cohorts that will vote no:
    /// every node but the coordinator, node 0).
    Nodes { first: usize },
}

/// A client action the UI can offer on a node, e.g. "register" → "Register a newborn here".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClientActionInfo {
    pub name: &'static str,
    pub label: &'static str,
    /// Its fields besides `node`; all are required but a list of nodes (empty if left out).
    pub fields: &'static [FieldInfo],
}

/// What the UI needs to know about a protocol before running it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProtocolInfo {
    pub name: &'static str,
    pub title: &'static str,
    /// What the protocol calls its nodes ("branch").
    pub node_noun: &'static str,
    /// What the protocol calls its clients ("parent").
    pub client_noun: &'static str,
    pub variants: &'static [VariantInfo],
    pub properties: &'static [&'static PropertyInfo],
    pub params: &'static [ParamInfo],
    pub client_actions: &'static [ClientActionInfo],
    /// Allowed node counts, smallest and largest.
    pub min_nodes: usize,
    pub max_nodes: usize,
    /// Parameters that count the nodes of each role (Paxos' proposers,
    /// acceptors, learners): the node count is their sum.
    pub role_params: &'static [&'static str],
}

impl ProtocolInfo {
    pub fn variant(&self, name: &str) -> Option<&'static VariantInfo> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// The node count a scenario's `params` imply, if this protocol counts
    /// its nodes by role: the sum of the role counts, defaults where unset
    /// (so the lab keeps `nodes` in step when a role count changes).
    pub fn nodes_for(&self, params: &Map) -> Option<usize> {
        if self.role_params.is_empty() {
            return None;
        }
        let count = |name: &&str| {
            let default = self.params.iter().find(|p| p.name == *name).map(|p| p.kind.default_value());
            let set = params.get(name).and_then(|v| v.as_i64());
            match (set, default) {
                (Some(n), _) | (None, Some(ParamValue::Int(n))) => usize::try_from(n).unwrap_or(0),
                _ => 0,
            }
        };
        Some(self.role_params.iter().map(count).sum())
    }
}

/// A property that failed, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub kind: PropertyKind,
    pub time_ms: Time,
    /// The event after which it was seen (seek here to show it).
    pub step: u64,
    /// What went wrong, in plain language with the concrete values.
    pub detail: String,
    pub culprits: Culprits,
    /// Only faults under which the property fails by design had happened
    /// (its `known_limits`): the lesson, not a bug.
    pub known_limit: bool,
}

/// What a violation involves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Culprits {
    pub nodes: Vec<NodeId>,
    /// Message ids (as in the structured events).
    pub messages: Vec<u64>,
}

/// The first time a `sometimes` property happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub property: &'static str,
    pub time_ms: Time,
    pub step: u64,
    pub detail: String,
}

/// How a property stands in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Held,
    Violated,
    /// It failed, but only with faults under which it fails by design.
    KnownLimit,
    Witnessed,
    NotWitnessed,
}

/// One property with its status in the run so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyStatus {
    pub name: &'static str,
    pub kind: PropertyKind,
    pub status: Status,
}

/// How much of a run is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recording {
    /// Everything: trace, messages, client history, metric series and
    /// snapshots for seeking (the lab, `quorum-sim trace`).
    Full,
    /// Only the trace hash, properties and metrics (`quorum-sim run`, search).
    Hash,
}

/// One thing that happened, structured for the space-time diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct SimEvent {
    /// The step this belongs to (seek here to show the world after it).
    pub step: u64,
    pub time_ms: Time,
    pub what: EventKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A message copy leaves `from`; `arrive_ms` is when its fate is met.
    Send {
        msg: u64,
        from: NodeId,
        to: NodeId,
        arrive_ms: Time,
        fate: Fate,
        duplicate: bool,
        label: String,
        bytes: usize,
    },
    /// A message copy is handed to `to`.
    Receive {
        msg: u64,
        from: NodeId,
        to: NodeId,
    },
    /// A message copy does not arrive.
    Drop {
        msg: u64,
        from: NodeId,
        to: NodeId,
        fate: Fate,
    },
    Timer {
        node: NodeId,
        timer: String,
    },
    Fault {
        fault: super::scenario::Fault,
    },
    /// A client asks (attempt 1) or asks again.
    Invoke {
        request: u64,
        node: NodeId,
        attempt: u32,
    },
    Reply {
        request: u64,
        node: NodeId,
        text: String,
    },
    Refuse {
        request: u64,
        node: NodeId,
        reason: String,
    },
    /// A line in a node's log.
    Note {
        node: NodeId,
        text: String,
    },
}

/// A metric over virtual time, for charts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    pub name: &'static str,
    pub points: Vec<(Time, f64)>,
}

/// One line of the trace, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceRow {
    /// The event this line belongs to (seek here to show the world after it).
    pub step: u64,
    pub time_ms: Time,
    pub node: Option<NodeId>,
    pub kind: TraceKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    Send,
    Deliver,
    Drop,
    Timer,
    Fault,
    Client,
    Note,
}

/// Numbers about a run: the engine's, from the clients' point of view, and
/// the protocol's own beside them (`elections`, `issued`, …).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Distinct client requests.
    pub requests: u64,
    /// Requests that got their answer.
    pub confirmed: u64,
    /// Attempts beyond the first.
    pub retries: u64,
    /// Times a node refused a request (it could not serve it then).
    pub refused: u64,
    /// Clients still waiting for an answer.
    pub waiting: u64,
    /// Clients who went away unserved because too many were waiting already.
    pub turned_away: u64,
    pub latency_ms: Latency,
    pub messages: u64,
    /// Messages sent per confirmed request (0 when nothing was confirmed).
    pub messages_per_confirmed: f64,
    /// The protocol's own numbers, sorted by name (see [`put`]).
    #[serde(flatten, serialize_with = "as_map")]
    pub protocol: Vec<(&'static str, f64)>,
    /// The protocol's distributions, sorted by name.
    #[serde(flatten, serialize_with = "as_map")]
    pub distributions: Vec<(&'static str, Distribution)>,
}

/// Puts `value` under `name` in a list sorted by name, replacing one of the same
/// name: a map as a list (a few entries), since every map type costs the
/// download a copy of the map's code.
pub fn put<T>(list: &mut Vec<(&'static str, T)>, name: &'static str, value: T) {
    match list.binary_search_by_key(&name, |(n, _)| n) {
        Ok(at) => list[at].1 = value,
        Err(at) => list.insert(at, (name, value)),
    }
}

/// A list of named values written as a JSON object's fields.
fn as_map<S: serde::Serializer, T: Serialize>(list: &[(&'static str, T)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(list.iter().map(|(name, value)| (name, value)))
}

/// A protocol's distribution of some quantity (`commit_latency_ms`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Distribution {
    pub p50: f64,
    pub p99: f64,
    pub mean: f64,
}

/// Durations counted per value: recording one costs a map update, not a
/// shift of every longer one (the cost stays flat however long the run),
/// and quantiles walk the distinct values. The clients' latencies and a
/// protocol's (Raft's commit latency) are both kept this way.
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    counts: super::ids::IdMap<u64>,
    total: u64,
}

impl Latencies {
    pub fn add(&mut self, latency: Time) {
        *self.counts.entry_or_default(latency) += 1;
        self.total += 1;
    }

    /// How many were added.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0..=1), nearest-rank.
    pub fn quantile(&self, q: f64) -> Option<Time> {
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total.max(1));
        let mut seen = 0;
        self.counts.iter().find_map(|(value, &n)| {
            seen += n;
            (seen >= rank).then_some(value)
        })
    }

    /// As `{p50, p99, mean}`; all zero when there are none.
    pub fn distribution(&self) -> Distribution {
        if self.total == 0 {
            return Distribution::default();
        }
        let quantile = |q| self.quantile(q).unwrap_or_default() as f64;
        let sum: f64 = self.counts.iter().map(|(v, &n)| v as f64 * n as f64).sum();
        Distribution { p50: quantile(0.5), p99: quantile(0.99), mean: sum / self.total as f64 }
    }
}

/// Latency from a request's first attempt to its answer, in virtual ms.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    pub p50: Option<Time>,
    pub p99: Option<Time>,
}

/// A simulation of any protocol, as the UI sees it.
///
/// Time only moves through `step`, `run_until` and `seek_*`; acting on the
/// run (`apply`) while looking at the past forks it: later interventions are
/// dropped and the new one is recorded in the scenario's timeline, so the
/// scenario always reproduces exactly what the user saw.
pub trait AnySim {
    fn info(&self) -> &'static ProtocolInfo;
    /// The parameters in force (the scenario's, with defaults filled in).
    fn params(&self) -> &Params;
    /// The client actions this configuration offers.
    fn client_actions(&self) -> &'static [super::any::ClientActionInfo];
    /// The scenario as it stands, including every action the user took.
    fn scenario(&self) -> Scenario;
    fn recording(&self) -> Recording;
    /// Virtual time of the state shown: the last event's time, or later if
    /// `run_until` went past it.
    fn now(&self) -> Time;
    /// How many events have been processed (the step index of the state shown).
    fn step_index(&self) -> u64;
    /// The furthest virtual time this run has reached, for the time scrubber.
    fn horizon(&self) -> Time;
    /// Processes one event; false when nothing is left to happen.
    fn step(&mut self) -> bool;
    /// Processes every event up to and including `t`, at most `max_events` of
    /// them; returns false if it stopped at that cap before reaching `t`.
    fn run_until(&mut self, t: Time, max_events: u64) -> bool;
    /// Shows the world right after event `step` (0 = the start).
    fn seek_step(&mut self, step: u64);
    /// Shows the world after every event up to and including time `t`.
    fn seek_time(&mut self, t: Time);
    /// Applies an action at virtual time `at` (or as soon after as the run
    /// allows: never before an event already shown). Returns the time used.
    fn apply(&mut self, action: Action, at: Time) -> Result<Time, String>;
    /// What to draw at view time `t` (between `now()` and the next event).
    fn frame(&self, t: f64) -> Frame;
    /// Trace lines in `[from, to)` (line numbers, not steps); empty unless
    /// the run is recorded in full.
    fn trace_rows(&self, from: usize, to: usize) -> Vec<TraceRow>;
    /// The same lines as structured events, for the space-time diagram.
    fn events(&self, from: usize, to: usize) -> Vec<SimEvent>;
    fn trace_len(&self) -> usize;
    /// The trace lines kept, `[first, last)`: also those after the step
    /// shown, when the view stepped back from further on (the future the run
    /// will replay unless the user acts).
    fn recorded_lines(&self) -> std::ops::Range<usize>;
    /// The events of recorded lines in `[from, to)`, past the step shown too.
    fn recorded_events(&self, from: usize, to: usize) -> Vec<SimEvent>;
    /// Violations of `always` properties seen so far, in order.
    fn violations(&self) -> &[Violation];
    /// Every violation recorded, in order, also those after the step shown
    /// (the run has been further and will go the same way again): the
    /// scrubber marks them all. `violations()` is its beginning.
    fn recorded_violations(&self) -> &[Violation];
    /// `eventually` properties judged as if the run ended now.
    fn judge_end(&self) -> Vec<Violation>;
    /// The first witness of each `sometimes` property seen so far.
    fn witnesses(&self) -> &[Witness];
    /// Every property with its status as if the run ended now.
    fn properties(&self) -> Vec<PropertyStatus>;
    fn metrics(&self) -> Metrics;
    /// The metrics sampled over virtual time (empty unless recorded in full),
    /// as far as the run has been (past the step shown too).
    fn series(&self) -> Vec<Series>;
    /// How many samples [`AnySim::series`] holds: when it changes, the series did.
    fn series_len(&self) -> usize;
    /// A stable hash of one node's state (for the explorer's visited set).
    fn node_hash(&self, node: NodeId) -> u64;
    /// A hash of the full trace so far: equal runs have equal hashes, natively and in wasm.
    fn trace_hash(&self) -> u64;
}
