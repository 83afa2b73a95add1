//! The one erased interface the UI (and the command line) drives, whatever the protocol.

use serde::Serialize;

use super::scenario::{Action, Scenario};
use super::time::{NodeId, Time};
use super::view::Frame;

/// A variant of a protocol: `correct`, or one that breaks a rule on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    pub name: &'static str,
    /// One line in plain language: what this variant does differently.
    pub summary: &'static str,
}

/// A named property, with the sentence the invariant bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyInfo {
    pub name: &'static str,
    /// The rule in plain language ("No number is given to two requests").
    pub rule: &'static str,
    pub kind: PropertyKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyKind {
    /// Checked after every event; one counterexample is a violation.
    Always,
    /// Judged at the end of a run.
    Eventually,
}

/// A client action the UI can offer on a node, e.g. "register" → "Register a newborn here".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClientActionInfo {
    pub name: &'static str,
    pub label: &'static str,
}

/// What the UI needs to know about a protocol before running it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ProtocolInfo {
    pub name: &'static str,
    pub title: &'static str,
    /// What the protocol calls its nodes ("branch").
    pub node_noun: &'static str,
    /// What the protocol calls its clients ("parent").
    pub client_noun: &'static str,
    pub variants: &'static [VariantInfo],
    pub properties: &'static [PropertyInfo],
    pub client_actions: &'static [ClientActionInfo],
    /// Allowed node counts, smallest and largest.
    pub min_nodes: usize,
    pub max_nodes: usize,
}

/// A property that failed, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub time_ms: Time,
    /// The event after which it was seen (seek here to show it).
    pub step: u64,
    /// What went wrong, in plain language with the concrete values.
    pub detail: String,
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

/// Numbers about a run, from the clients' point of view.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Distinct client requests.
    pub requests: u64,
    /// Requests that got their answer.
    pub confirmed: u64,
    /// Attempts beyond the first.
    pub retries: u64,
    /// Times a node refused a request ("office closed until further notice").
    pub refused: u64,
    pub latency_ms: Latency,
    pub messages: u64,
    /// Messages sent per confirmed request (0 when nothing was confirmed).
    pub messages_per_confirmed: f64,
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
    /// The scenario as it stands, including every action the user took.
    fn scenario(&self) -> Scenario;
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
    /// Trace lines in `[from, to)` (line numbers, not steps).
    fn trace_rows(&self, from: usize, to: usize) -> Vec<TraceRow>;
    fn trace_len(&self) -> usize;
    /// Violations of `always` properties seen so far, in order.
    fn violations(&self) -> &[Violation];
    /// `eventually` properties judged as if the run ended now.
    fn judge_end(&self) -> Vec<Violation>;
    fn metrics(&self) -> Metrics;
    /// A hash of the full trace so far: equal runs have equal hashes, natively and in wasm.
    fn trace_hash(&self) -> u64;
}
