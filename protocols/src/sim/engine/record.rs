//! Recording a run: the trace and its hash, the message table, the client
//! history, properties found, and metrics sampled over virtual time.
//!
//! How much is kept depends on the [`Recording`] level; the hash is the same
//! at every level, so a run checked by hash alone (search, `quorum-sim run`)
//! is the very run the lab shows.
//!
//! Records reach as far as the run has gone, which may be past the step
//! shown: after a step back, the future stays recorded (the run is
//! deterministic, so replaying it gives the same entries), and replaying
//! only re-computes the hash. Only acting in the past (a fork) cuts it off.
//!
//! Memory stays bounded however long the lab runs: the trace, message table
//! and client history are [`Tape`]s that keep the latest `KEEP_LINES` lines
//! or so. Seeking to a step before what is kept restores a snapshot and
//! records again from there (the replay a seek does anyway).

use std::hash::{Hash, Hasher};

use super::super::any::{Culprits, PropertyKind, Recording, Series, Violation, Witness};
use super::super::protocol::{Finding, Monitor, Protocol};
use super::super::scenario::Fault;
use super::super::time::{NodeId, RequestId, Time};
use super::super::trace::{InFlight, MsgId, MsgRecord, TraceEntry, TraceEvent, TraceHasher, hash_fault, text_hash};
use super::super::view::Fate;
use super::super::workload::{ClientEvent, ClientEventKind};
use super::World;
use super::faults::is_known_limit;
use super::tape::Tape;

/// Trace lines kept in memory at most (about 50 bytes each, plus the
/// messages and client events they refer to); the oldest go first.
const KEEP_LINES: usize = 400_000;

/// Virtual time between metric samples at the start (doubles when thinned).
const SAMPLE_EVERY_MS: Time = 250;
/// Samples kept per series before every other one is dropped.
const MAX_SAMPLES: usize = 2_048;

/// What a snapshot must restore of the records: the hash at its step, and
/// where the trace and client history stood (to record again from there).
#[derive(Clone, Copy, Debug)]
pub(super) struct Marks {
    hash: u64,
    lines: usize,
    history: usize,
}

/// The message copies on their way in a world (in the queue, or held by a
/// paused node, which has them already: they "arrive" now), with when they arrive.
fn flying<P: Protocol>(world: &World<P>) -> impl Iterator<Item = (Time, &InFlight<P>)> {
    let queued = world.queue.iter().filter_map(|(at, e)| match e {
        super::Event::Arrive(m) | super::Event::Deliver(m) => Some((at, m)),
        _ => None,
    });
    let held = world.slots.iter().flat_map(|s| &s.held).filter_map(move |h| match h {
        super::super::fault::Held::Message(m) => Some((world.now, m)),
        _ => None,
    });
    queued.chain(held)
}

/// The copy with this id in a list sorted by id.
fn find<P: Protocol>(copies: &[(MsgId, MsgRecord<P>)], id: MsgId) -> Option<&MsgRecord<P>> {
    copies.binary_search_by_key(&id, |(i, _)| *i).ok().map(|at| &copies[at].1)
}

/// `items` sorted by `id`, the first of each id kept (as a stable sort and
/// `dedup_by_key` would do). Only the ids are sorted, so one sort's code
/// serves every kind of item (each protocol's messages, the frames).
pub(super) fn sorted_by_id<T>(items: Vec<T>, id: impl Fn(&T) -> u64) -> Vec<T> {
    let mut ids: Vec<u64> = items.iter().map(&id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut sorted: Vec<Option<T>> = (0..ids.len()).map(|_| None).collect();
    for item in items {
        let slot = &mut sorted[ids.binary_search(&id(&item)).expect("every id was collected")];
        if slot.is_none() {
            *slot = Some(item);
        }
    }
    sorted.into_iter().flatten().collect()
}

/// Keeps the first, third, fifth, … element (thinning a bounded record).
pub(super) fn every_other<T>(v: &mut Vec<T>) {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        i % 2 == 1
    });
}

/// Metrics sampled over virtual time, stored column by column.
#[derive(Clone, Debug)]
struct Samples {
    every: Time,
    next_at: Time,
    times: Vec<Time>,
    columns: Vec<(&'static str, Vec<f64>)>,
}

impl Samples {
    fn new() -> Samples {
        Samples { every: SAMPLE_EVERY_MS, next_at: 0, times: Vec::new(), columns: Vec::new() }
    }

    fn push(&mut self, at: Time, values: Vec<(&'static str, f64)>) {
        if self.columns.is_empty() {
            self.columns = values.iter().map(|&(name, _)| (name, Vec::new())).collect();
        }
        self.times.push(at);
        for ((_, column), (_, v)) in self.columns.iter_mut().zip(values) {
            column.push(v);
        }
        if self.times.len() > MAX_SAMPLES {
            every_other(&mut self.times);
            self.columns.iter_mut().for_each(|(_, c)| every_other(c));
            self.every *= 2;
        }
        self.next_at = (at / self.every + 1) * self.every;
    }

    /// Forgets samples after `now` (after a rewind).
    fn truncate_after(&mut self, now: Time) {
        let keep = self.times.partition_point(|&t| t <= now);
        self.times.truncate(keep);
        self.columns.iter_mut().for_each(|(_, c)| c.truncate(keep));
        self.next_at = self.times.last().map_or(0, |&t| (t / self.every + 1) * self.every);
    }
}

pub(super) struct Recorder<P: Protocol> {
    level: Recording,
    hash: u64,
    pub(super) trace: Tape<TraceEntry<P>>,
    /// Message copies by id (full recording only).
    pub(super) messages: Tape<MsgRecord<P>>,
    /// Copies older than the kept messages that are still on their way (a
    /// paused node can hold one for an hour): their delivery is still to be shown.
    /// Sorted by id. A list, not a map: each map type costs the download a
    /// copy of the map's code, and these change only when records are cut.
    flying_before: Vec<(MsgId, MsgRecord<P>)>,
    pub(super) history: Tape<ClientEvent<P>>,
    /// What clients saw during the current step (for the monitor).
    step_events: Vec<ClientEvent<P>>,
    pub(super) violations: Vec<Violation>,
    pub(super) witnesses: Vec<Witness>,
    samples: Samples,
    /// Trace lines kept at most (`KEEP_LINES`; tests use fewer).
    pub(super) keep_lines: usize,
    /// The last step whose records are all kept (`None` before the first).
    recorded_to: Option<u64>,
}

impl<P: Protocol> Recorder<P> {
    pub(super) fn new(level: Recording) -> Recorder<P> {
        Recorder {
            level,
            hash: TraceHasher::default().finish(),
            trace: Tape::default(),
            messages: Tape::default(),
            flying_before: Vec::new(),
            history: Tape::default(),
            step_events: Vec::new(),
            violations: Vec::new(),
            witnesses: Vec::new(),
            samples: Samples::new(),
            keep_lines: KEEP_LINES,
            recorded_to: None,
        }
    }

    pub(super) fn level(&self) -> Recording {
        self.level
    }

    fn full(&self) -> bool {
        self.level == Recording::Full
    }

    /// Whether what happens at the world's step is new (not a replay of a kept future).
    fn keep(&self, world: &World<P>) -> bool {
        self.full() && self.recorded_to.is_none_or(|r| world.step > r)
    }

    pub(super) fn hash(&self) -> u64 {
        self.hash
    }

    /// Adds one trace entry to the hash: step, time, a tag, then its fields.
    fn hash_entry(&mut self, world: &World<P>, tag: u8, fields: impl Hash) {
        let mut h = TraceHasher(self.hash);
        h.write_u64(world.step);
        h.write_u64(world.now);
        h.write_u8(tag);
        fields.hash(&mut h);
        self.hash = h.finish();
    }

    fn push(&mut self, world: &World<P>, event: TraceEvent<P>) {
        if self.keep(world) {
            self.trace.push(TraceEntry { step: world.step, at: world.now, event });
        }
    }

    pub(super) fn send(&mut self, world: &World<P>, copy: &InFlight<P>, arrive_at: Time) {
        let InFlight { id, from, to, fate, duplicate, .. } = *copy;
        self.hash_entry(world, 0, (id, from, to, arrive_at, fate, duplicate, &copy.msg));
        if self.keep(world) {
            debug_assert_eq!(self.messages.end() as u64, id, "message ids are table positions");
            self.messages.push(MsgRecord::of(copy, arrive_at));
            self.push(world, TraceEvent::Send { msg: id });
        }
    }

    pub(super) fn deliver(&mut self, world: &World<P>, copy: &InFlight<P>) {
        self.hash_entry(world, 1, copy.id);
        self.push(world, TraceEvent::Deliver { msg: copy.id });
    }

    pub(super) fn drop(&mut self, world: &World<P>, copy: &InFlight<P>, fate: Fate) {
        self.hash_entry(world, 2, (copy.id, fate));
        self.push(world, TraceEvent::Drop { msg: copy.id, fate });
    }

    pub(super) fn timer(&mut self, world: &World<P>, node: NodeId, timer: &P::Timer) {
        self.hash_entry(world, 3, (node, timer));
        if self.keep(world) {
            self.push(world, TraceEvent::Timer { node, timer: timer.clone() });
        }
    }

    pub(super) fn fault(&mut self, world: &World<P>, fault: &Fault) {
        let mut h = TraceHasher::default();
        hash_fault(fault, &mut h);
        self.hash_entry(world, 4, h.finish());
        if self.keep(world) {
            self.push(world, TraceEvent::Fault { fault: Box::new(fault.clone()) });
        }
    }

    pub(super) fn client(&mut self, world: &World<P>, request: RequestId, node: NodeId, kind: ClientEventKind<P>) {
        match &kind {
            ClientEventKind::Invoked { attempt, op } => self.hash_entry(world, 5, (request, node, 0u8, attempt, op)),
            ClientEventKind::Replied { reply } => self.hash_entry(world, 5, (request, node, 1u8, reply)),
            ClientEventKind::Refused { reason } => self.hash_entry(world, 5, (request, node, 2u8, text_hash(reason))),
        }
        let index = self.history.end() + self.step_events.len();
        self.step_events.push(ClientEvent { at: world.now, request, node, kind });
        self.push(world, TraceEvent::Client { event: index });
    }

    /// A log line (commentary: kept, not hashed).
    pub(super) fn note(&mut self, world: &World<P>, node: NodeId, text: &str) {
        if self.keep(world) {
            self.push(world, TraceEvent::Note { node, text: text.into() });
        }
    }

    pub(super) fn step_events(&self) -> &[ClientEvent<P>] {
        &self.step_events
    }

    /// The step is over: its client events join the history (if kept).
    pub(super) fn end_step(&mut self, world: &World<P>) {
        if self.keep(world) {
            for e in self.step_events.drain(..) {
                self.history.push(e);
            }
            self.recorded_to = Some(world.step);
            if self.trace.end() - self.trace.start() > self.keep_lines {
                self.forget_oldest(world);
            }
        } else {
            self.step_events.clear();
        }
    }

    /// Forgets the older half of what is kept: lines, the client events they
    /// name, and the messages no kept line refers to (those still on their
    /// way are set aside, to show their delivery, and stay set aside while a
    /// kept line refers to them: a paused node may take them long after).
    fn forget_oldest(&mut self, world: &World<P>) {
        let keep_from = self.trace.end() - self.keep_lines / 2;
        self.trace.forget_before(keep_from);
        let lines = self.trace.range(self.trace.start(), self.trace.end());
        let (mut first_event, mut first_msg) = (self.history.end(), world.next_msg as usize);
        // Kept lines' messages already out of the table: only set-aside ones can be.
        let mut set_aside: Vec<MsgId> = Vec::new();
        for line in lines {
            match line.event {
                TraceEvent::Client { event } => first_event = first_event.min(event),
                TraceEvent::Send { msg } | TraceEvent::Deliver { msg } | TraceEvent::Drop { msg, .. } => {
                    first_msg = first_msg.min(msg as usize);
                    if self.messages.get(msg as usize).is_none() {
                        set_aside.push(msg);
                    }
                }
                _ => {}
            }
        }
        // Still flying (set aside before, or about to be forgotten), or named by a kept line.
        let mut keep: Vec<MsgId> = flying(world).map(|(_, m)| m.id).chain(set_aside).collect();
        keep.sort_unstable();
        keep.dedup();
        let before = std::mem::take(&mut self.flying_before);
        for id in keep {
            let forgotten = if id < first_msg as MsgId { self.messages.get(id as usize) } else { None };
            if let Some(record) = forgotten.or_else(|| find(&before, id)) {
                self.flying_before.push((id, record.clone()));
            }
        }
        self.history.forget_before(first_event);
        self.messages.forget_before(first_msg);
    }

    /// A finding as a violation; `message` is the message whose delivery
    /// revealed it, if the step was one (the protocol's monitor sees states,
    /// not messages, so the engine names the message that led there).
    pub(super) fn violation(&self, world: &World<P>, f: Finding, message: Option<MsgId>) -> Violation {
        Violation {
            invariant: f.property.name,
            kind: f.property.kind,
            time_ms: world.now,
            step: world.step,
            known_limit: is_known_limit(f.property, world.faults_seen),
            detail: f.detail,
            culprits: Culprits { nodes: f.nodes, messages: message.into_iter().collect() },
        }
    }

    /// Keeps what a monitor found: a violation, or the first witness of a `sometimes` property.
    pub(super) fn finding(&mut self, world: &World<P>, f: Finding, message: Option<MsgId>) {
        if self.recorded_to.is_some_and(|r| world.step <= r) {
            return; // a replay: found and kept the first time
        }
        if f.property.kind == PropertyKind::Sometimes {
            if !self.witnesses.iter().any(|w| w.property == f.property.name) {
                let (time_ms, step) = (world.now, world.step);
                self.witnesses.push(Witness { property: f.property.name, time_ms, step, detail: f.detail });
            }
            return;
        }
        let v = self.violation(world, f, message);
        self.violations.push(v);
    }

    /// Samples the metrics when a sampling time has passed (full recording only).
    pub(super) fn sample_series(&mut self, world: &World<P>) {
        if !self.full() || world.now < self.samples.next_at {
            return;
        }
        let mut values = world.workload.counts();
        values.extend(world.workload.recent_latency(world.now));
        values.push(("messages", world.messages_sent as f64));
        values.extend(world.monitor.metrics(world.messages_sent));
        let at = world.now / self.samples.every * self.samples.every;
        self.samples.push(at, values);
    }

    pub(super) fn series_len(&self) -> usize {
        self.samples.times.len()
    }

    pub(super) fn series(&self) -> Vec<Series> {
        let s = &self.samples;
        s.columns
            .iter()
            .map(|(name, column)| Series {
                name,
                points: s.times.iter().copied().zip(column.iter().copied()).collect(),
            })
            .collect()
    }

    /// Where the records stand at the world's step (which a replay may have
    /// recorded already).
    pub(super) fn marks(&self, world: &World<P>) -> Marks {
        let lines = self.trace_len_at(world.step);
        Marks { hash: self.hash, lines, history: self.history_at_line(lines) }
    }

    /// The history's length when the trace had `lines` lines.
    fn history_at_line(&self, lines: usize) -> usize {
        let next_client = (lines..self.trace.end()).find_map(|at| match self.trace.get(at)?.event {
            TraceEvent::Client { event } => Some(event),
            _ => None,
        });
        next_client.unwrap_or(self.history.end())
    }

    /// At a snapshot's step: the hash as it was then. The records stay,
    /// unless the snapshot is older than what they keep, or newer than what
    /// they reach: then they restart there, and the replay from the snapshot
    /// records again.
    pub(super) fn rewind(&mut self, m: Marks, world: &World<P>) {
        self.hash = m.hash;
        let beyond = self.recorded_to.is_some_and(|r| world.step > r);
        if self.full() && (m.lines < self.trace.start() || beyond) {
            self.trace.restart_at(m.lines);
            self.history.restart_at(m.history);
            // Copies still flying will be delivered in the lines recorded next.
            self.messages.restart_at(world.next_msg as usize);
            let copies = flying(world).map(|(arrive_at, m)| (m.id, MsgRecord::of(m, arrive_at)));
            self.flying_before = sorted_by_id(copies.collect(), |(id, _)| *id);
            self.recorded_to = Some(world.step);
        }
    }

    /// How many trace lines belong to steps up to `step`.
    pub(super) fn trace_len_at(&self, step: u64) -> usize {
        self.trace.partition_point(|e| e.step <= step)
    }

    /// The violations seen up to `step`.
    pub(super) fn violations_at(&self, step: u64) -> &[Violation] {
        &self.violations[..self.violations.partition_point(|v| v.step <= step)]
    }

    pub(super) fn witnesses_at(&self, step: u64) -> &[Witness] {
        &self.witnesses[..self.witnesses.partition_point(|w| w.step <= step)]
    }

    /// The user acts at the world's step: the recorded future is no longer
    /// the run's, so everything after this step goes.
    pub(super) fn cut_future(&mut self, world: &World<P>) {
        if self.recorded_to.is_none_or(|r| r <= world.step) {
            return; // at the live edge: there is no recorded future
        }
        let lines = self.trace_len_at(world.step);
        self.history.truncate(self.history_at_line(lines));
        self.trace.truncate(lines);
        self.messages.truncate(world.next_msg as usize);
        let violations = self.violations_at(world.step).len();
        self.violations.truncate(violations);
        let witnesses = self.witnesses_at(world.step).len();
        self.witnesses.truncate(witnesses);
        self.samples.truncate_after(world.now);
        self.recorded_to = Some(world.step);
    }

    /// A message copy by id, if still kept.
    pub(super) fn message(&self, id: u64) -> Option<&MsgRecord<P>> {
        self.messages.get(id as usize).or_else(|| find(&self.flying_before, id))
    }

    /// A client event by its place in the history, if still kept.
    pub(super) fn client_event(&self, index: usize) -> Option<&ClientEvent<P>> {
        self.history.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_by_id_keeps_the_first_of_each_id() {
        let items = vec![(5, 'a'), (1, 'b'), (5, 'c'), (3, 'd'), (1, 'e')];
        assert_eq!(sorted_by_id(items, |&(id, _)| id), [(1, 'b'), (3, 'd'), (5, 'a')]);
        assert!(sorted_by_id(Vec::<(u64, char)>::new(), |&(id, _)| id).is_empty());
    }
}
