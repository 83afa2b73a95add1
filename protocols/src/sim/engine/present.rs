//! What the UI and the command line see: frames to draw, structured events
//! and trace lines, properties and metrics, behind the erased [`AnySim`].

use std::hash::{Hash, Hasher};

use super::super::any::{
    AnySim, ClientActionInfo, EventKind, Metrics, PropertyKind, PropertyStatus, ProtocolInfo, Recording, Series,
    SimEvent, Status, TraceKind, TraceRow, Violation, Witness, put,
};
use super::super::params::Params;
use super::super::protocol::{EndState, Findings, Monitor, Protocol};
use super::super::scenario::{Action, Scenario, TimelineEntry};
use super::super::time::{NodeId, Time};
use super::super::trace::{MsgId, TraceEntry, TraceEvent, TraceHasher};
use super::super::view::{Fate, Frame, MessageFrame, NodeFrame};
use super::super::workload::{ClientEventKind, check_client_action};
use super::record::sorted_by_id;
use super::{Event, Sim};

fn fate_words(fate: Fate) -> &'static str {
    match fate {
        Fate::Delivered => "delivered",
        Fate::Lost => "lost in the network",
        Fate::Blocked => "blocked by the partition",
        Fate::NodeDown => "arrived at a crashed node",
    }
}

impl<P: Protocol> Sim<P> {
    fn name(&self, id: NodeId) -> String {
        self.protocol.node_name(id)
    }

    /// One trace entry as a structured event (`None` if it refers to a
    /// message or client event no longer kept: a window's first lines).
    fn event(&self, entry: &TraceEntry<P>) -> Option<SimEvent> {
        let msg = |id: MsgId| self.rec.message(id);
        let what = match &entry.event {
            TraceEvent::Send { msg: id } => {
                let m = msg(*id)?;
                EventKind::Send {
                    msg: *id,
                    from: m.from,
                    to: m.to,
                    arrive_ms: m.arrive_at,
                    fate: m.fate,
                    duplicate: m.duplicate,
                    label: self.protocol.label(&m.msg),
                    bytes: self.protocol.size(&m.msg),
                }
            }
            TraceEvent::Deliver { msg: id } => {
                let m = msg(*id)?;
                EventKind::Receive { msg: *id, from: m.from, to: m.to }
            }
            TraceEvent::Drop { msg: id, fate } => {
                let m = msg(*id)?;
                EventKind::Drop { msg: *id, from: m.from, to: m.to, fate: *fate }
            }
            TraceEvent::Timer { node, timer } => EventKind::Timer { node: *node, timer: format!("{timer:?}") },
            TraceEvent::Fault { fault } => EventKind::Fault { fault: (**fault).clone() },
            TraceEvent::Client { event } => {
                let e = self.rec.client_event(*event)?;
                let (request, node) = (e.request, e.node);
                match &e.kind {
                    ClientEventKind::Invoked { attempt, .. } => EventKind::Invoke { request, node, attempt: *attempt },
                    ClientEventKind::Replied { reply } => {
                        EventKind::Reply { request, node, text: self.protocol.describe_reply(reply) }
                    }
                    ClientEventKind::Refused { reason } => EventKind::Refuse { request, node, reason: reason.clone() },
                }
            }
            TraceEvent::Note { node, text } => EventKind::Note { node: *node, text: text.to_string() },
        };
        Some(SimEvent { step: entry.step, time_ms: entry.at, what })
    }

    /// A structured event as one line of text.
    fn row(&self, event: SimEvent) -> TraceRow {
        // A send carries its label; a receipt or a drop looks its message up.
        let label = |id: MsgId| match self.rec.message(id) {
            Some(m) => marked(self.protocol.label(&m.msg), m.duplicate),
            None => format!("message {id}"),
        };
        row(event, self.protocol.running().client_noun, &|n| self.name(n), &label)
    }

    /// The events of the trace lines shown, `[from, to)`, as far as they are kept.
    fn shown(&self, from: usize, to: usize) -> impl Iterator<Item = SimEvent> {
        let to = to.min(self.rec.trace_len_at(self.world.step));
        self.rec.trace.range(from, to).filter_map(|e| self.event(e))
    }

    fn end_state(&self) -> EndState {
        EndState {
            now: self.world.now,
            healthy_since: self.world.healthy_since,
            slowest_ms: self.world.slowest_ms,
            outstanding: self.world.workload.outstanding(),
        }
    }
}

/// A structured event as one line of text, given the client noun, node
/// names and message labels (protocol-independent: compiled once).
fn row(event: SimEvent, noun: &str, name: &dyn Fn(NodeId) -> String, label: &dyn Fn(MsgId) -> String) -> TraceRow {
    let (node, kind, text) = match event.what {
        EventKind::Send { from, to, fate, duplicate, label: l, .. } => {
            let doom =
                if fate == Fate::Delivered { String::new() } else { format!(" — will be {}", fate_words(fate)) };
            let text = format!("{} → {}: {}{doom}", name(from), name(to), marked(l, duplicate));
            (Some(from), TraceKind::Send, text)
        }
        EventKind::Receive { msg, from, to } => {
            (Some(to), TraceKind::Deliver, format!("{} ← {}: {}", name(to), name(from), label(msg)))
        }
        EventKind::Drop { msg, from, to, fate } => {
            let l = label(msg);
            let text = format!("{l} {} → {} {}", name(from), name(to), fate_words(fate));
            (Some(to), TraceKind::Drop, text)
        }
        EventKind::Timer { node, timer } => {
            (Some(node), TraceKind::Timer, format!("{}: {timer} timer fires", name(node)))
        }
        EventKind::Fault { fault } => (None, TraceKind::Fault, fault.describe(&|n| name(n))),
        EventKind::Invoke { request, node, attempt } => {
            let (who, at) = (format!("{noun} r{request}"), name(node));
            let text = if attempt == 1 {
                format!("{who} arrives at {at}")
            } else {
                format!("{who} tries again at {at} (attempt {attempt})")
            };
            (Some(node), TraceKind::Client, text)
        }
        EventKind::Reply { request, node, text } => {
            (Some(node), TraceKind::Client, format!("{} answers {noun} r{request}: {text}", name(node)))
        }
        EventKind::Refuse { request, node, reason } => {
            (Some(node), TraceKind::Client, format!("{} turns {noun} r{request} away: {reason}", name(node)))
        }
        EventKind::Note { node, text } => (Some(node), TraceKind::Note, format!("{}: {text}", name(node))),
    };
    TraceRow { step: event.step, time_ms: event.time_ms, node, kind, text }
}

/// A message label, marked if the copy is a duplicate.
fn marked(label: String, duplicate: bool) -> String {
    if duplicate { format!("{label} (duplicate)") } else { label }
}

impl<P: Protocol> AnySim for Sim<P> {
    fn info(&self) -> &'static ProtocolInfo {
        self.protocol.running()
    }

    fn params(&self) -> &Params {
        &self.params
    }

    fn client_actions(&self) -> &'static [ClientActionInfo] {
        self.protocol.client_actions()
    }

    fn scenario(&self) -> Scenario {
        self.scenario.clone()
    }

    fn recording(&self) -> Recording {
        self.rec.level()
    }

    fn now(&self) -> Time {
        self.world.now
    }

    fn step_index(&self) -> u64 {
        self.world.step
    }

    fn horizon(&self) -> Time {
        self.horizon
    }

    fn step(&mut self) -> bool {
        self.advance(Time::MAX)
    }

    fn run_until(&mut self, t: Time, max_events: u64) -> bool {
        self.run_to(t, max_events)
    }

    fn seek_step(&mut self, step: u64) {
        self.seek_to_step(step);
    }

    fn seek_time(&mut self, t: Time) {
        self.seek_to_time(t);
    }

    fn apply(&mut self, action: Action, at: Time) -> Result<Time, String> {
        action.validate(self.world.nodes.len())?;
        if let Action::Client(c) = &action {
            check_client_action(&self.protocol, c)?;
        }
        let earliest = if self.world.step == 0 { 0 } else { self.world.now + 1 };
        let at = at.max(earliest);
        self.fork(TimelineEntry { at_ms: at, action });
        self.run_to(at, u64::MAX);
        Ok(at)
    }

    fn frame(&self, t: f64) -> Frame {
        let now = self.world.now;
        let nodes = (0..self.world.nodes.len())
            .map(|id| {
                let slot = &self.world.slots[id];
                NodeFrame {
                    id,
                    name: self.name(id),
                    liveness: slot.liveness,
                    view: self.protocol.view(&self.world.nodes[id]),
                    log: slot.log.iter().cloned().collect(),
                    clock_offset_ms: slot.clock.offset_at(now),
                }
            })
            .collect();
        let mut messages: Vec<MessageFrame> = self
            .world
            .queue
            .iter()
            .filter_map(|(at, event)| match event {
                // A message that will meet a partition or a crash shows as doomed already.
                Event::Arrive(m) => Some(MessageFrame {
                    id: m.id,
                    from: m.from,
                    to: m.to,
                    label: self.protocol.label(&m.msg),
                    sent_at: m.sent_at as f64,
                    arrive_at: at as f64,
                    fate: self.fate_now(m.from, m.to, m.fate),
                    duplicate: m.duplicate,
                }),
                _ => None,
            })
            .collect();
        // A message whose delivery revealed a violation at this step is drawn
        // where it arrived, so the lab can ring it with the violation.
        let step = self.world.step;
        let revealed = self.rec.violations_at(step).iter().rev().take_while(|v| v.step == step);
        let delivered = revealed.flat_map(|v| v.culprits.messages.iter()).filter_map(|&id| {
            let m = self.rec.message(id)?;
            Some(MessageFrame {
                id,
                from: m.from,
                to: m.to,
                label: self.protocol.label(&m.msg),
                sent_at: m.sent_at as f64,
                arrive_at: now as f64,
                fate: Fate::Delivered,
                duplicate: m.duplicate,
            })
        });
        messages.extend(delivered);
        let messages = sorted_by_id(messages, |m| m.id);
        let network = &self.world.network;
        Frame {
            time: t,
            nodes,
            messages,
            partitions: network.partitions(),
            cuts: network.cuts(),
            network: network.settings.clone(),
            layout: self.protocol.layout(),
        }
    }

    fn trace_rows(&self, from: usize, to: usize) -> Vec<TraceRow> {
        self.shown(from, to).map(|e| self.row(e)).collect()
    }

    fn events(&self, from: usize, to: usize) -> Vec<SimEvent> {
        self.shown(from, to).collect()
    }

    fn trace_len(&self) -> usize {
        self.rec.trace_len_at(self.world.step)
    }

    fn recorded_lines(&self) -> std::ops::Range<usize> {
        self.rec.trace.start()..self.rec.trace.end()
    }

    fn recorded_events(&self, from: usize, to: usize) -> Vec<SimEvent> {
        self.rec.trace.range(from, to).filter_map(|e| self.event(e)).collect()
    }

    fn violations(&self) -> &[Violation] {
        self.rec.violations_at(self.world.step)
    }

    fn recorded_violations(&self) -> &[Violation] {
        self.rec.violations_at(u64::MAX)
    }

    fn judge_end(&self) -> Vec<Violation> {
        let mut found = Findings::default();
        self.world.monitor.judge_end(&self.protocol, &self.end_state(), &mut found);
        self.end_violations(found)
    }

    fn witnesses(&self) -> &[Witness] {
        self.rec.witnesses_at(self.world.step)
    }

    fn properties(&self) -> Vec<PropertyStatus> {
        let end = self.judge_end();
        let seen = self.rec.violations_at(self.world.step);
        self.protocol
            .running()
            .properties
            .iter()
            .map(|p| {
                let mut failed = seen.iter().chain(&end).filter(|v| v.invariant == p.name).peekable();
                let status = match p.kind {
                    PropertyKind::Sometimes if self.witnesses().iter().any(|w| w.property == p.name) => {
                        Status::Witnessed
                    }
                    PropertyKind::Sometimes => Status::NotWitnessed,
                    _ if failed.peek().is_none() => Status::Held,
                    _ if failed.all(|v| v.known_limit) => Status::KnownLimit,
                    _ => Status::Violated,
                };
                PropertyStatus { name: p.name, kind: p.kind, status }
            })
            .collect()
    }

    fn metrics(&self) -> Metrics {
        let mut m = self.world.workload.metrics(self.world.messages_sent);
        for (name, value) in self.world.monitor.metrics(self.world.messages_sent) {
            put(&mut m.protocol, name, value);
        }
        for (name, d) in self.world.monitor.distributions() {
            put(&mut m.distributions, name, d);
        }
        m
    }

    fn series(&self) -> Vec<Series> {
        self.rec.series()
    }

    fn series_len(&self) -> usize {
        self.rec.series_len()
    }

    fn node_hash(&self, node: NodeId) -> u64 {
        let mut h = TraceHasher::default();
        self.world.nodes[node].hash(&mut h);
        h.finish()
    }

    fn trace_hash(&self) -> u64 {
        self.rec.hash()
    }
}
