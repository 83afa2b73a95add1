//! The simulation loop: events in time order, effects applied, properties
//! checked after every step, snapshots for stepping back and seeking.
//!
//! A run is a pure function of its scenario. The world (everything that
//! changes) is one cloneable value; a snapshot of it every few hundred steps
//! makes "step back" a restore plus a short replay. The trace, the client
//! history and the message table only grow, so snapshots record their
//! lengths instead of copying them.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use super::any::{AnySim, Metrics, ProtocolInfo, TraceKind, TraceRow, Violation};
use super::ctx::{Ctx, Delay, Effect};
use super::fault::{Held, Slot};
use super::net::Network;
use super::protocol::{EndState, Monitor, Protocol, Request, majority};
use super::queue::EventQueue;
use super::rng::Stream;
use super::scenario::{Action, Fault, Scenario, ScenarioError, TimelineEntry};
use super::time::{NodeId, RequestId, Time, node_name};
use super::trace::{MsgId, MsgRecord, TraceEntry, TraceEvent, TraceHasher, hash_fault};
use super::view::{Fate, Frame, Liveness, MessageFrame, NodeFrame};
use super::workload::{ClientEvent, ClientEventKind, Workload};

/// Steps between snapshots at the start (the interval doubles when thinned).
const SNAPSHOT_EVERY: u64 = 256;
/// Snapshots kept before every other one is dropped. Each holds the whole
/// world (books grow with the run), so this bounds memory; a step back then
/// replays at most a few thousand events (milliseconds).
const MAX_SNAPSHOTS: usize = 64;
/// Violations kept; a broken variant can violate on almost every step.
const MAX_VIOLATIONS: usize = 500;

/// Something scheduled on the event queue.
#[derive(Clone, Debug)]
enum Event<P: Protocol> {
    /// A message copy reaches the end of its flight.
    Arrive(MsgId),
    /// A message held by a paused node is handed to it on resume.
    Deliver(MsgId),
    Timer {
        node: NodeId,
        timer: P::Timer,
        generation: u64,
    },
    /// A new client arrives.
    Arrival,
    /// A client's patience runs out.
    Retry(RequestId),
    /// A client request reaches its node (on resume from a pause).
    Invoke {
        node: NodeId,
        request: Request<P::Op>,
    },
}

/// Everything that changes during a run and must be restored when seeking.
#[derive(Clone, Debug)]
struct World<P: Protocol> {
    now: Time,
    step: u64,
    queue: EventQueue<Event<P>>,
    nodes: Vec<P::Node>,
    slots: Vec<Slot<P>>,
    network: Network,
    workload: Workload<P::Op>,
    monitor: P::Monitor,
    rng_net: Stream,
    rng_timers: Stream,
    rng_clients: Stream,
    rng_protocol: Stream,
    /// Index of the next timeline entry to apply.
    next_action: usize,
    in_flight: BTreeSet<MsgId>,
    next_generation: u64,
    messages_sent: u64,
    /// When the last fault or repair happened (for liveness judgements).
    faults_changed_at: Time,
    /// The slowest one-way latency the network has had.
    slowest_ms: Time,
}

/// Where the append-only logs stood when a snapshot was taken.
#[derive(Clone, Copy, Debug)]
struct Marks {
    trace: usize,
    trace_hash: u64,
    history: usize,
    messages: usize,
    violations: usize,
}

#[derive(Clone, Debug)]
struct Snapshot<P: Protocol> {
    world: World<P>,
    marks: Marks,
}

/// A simulation of protocol `P`.
pub struct Sim<P: Protocol> {
    protocol: P,
    scenario: Scenario,
    /// For each timeline entry: added by the user (true) or part of the scenario's script.
    user_made: Vec<bool>,
    world: World<P>,
    trace: Vec<TraceEntry<P>>,
    trace_hash: u64,
    history: Vec<ClientEvent<P>>,
    messages: Vec<MsgRecord<P>>,
    violations: Vec<Violation>,
    snapshots: Vec<Snapshot<P>>,
    snapshot_every: u64,
    horizon: Time,
    /// Nodes whose state the current step may have changed (for the monitor).
    touched: Vec<NodeId>,
}

impl<P: Protocol> Sim<P> {
    /// Builds and starts a run; every node's `on_start` runs before the first step.
    /// Checks the scenario first: what every protocol shares, then what `P` needs.
    pub fn new(scenario: &Scenario) -> Result<Sim<P>, ScenarioError> {
        scenario.validate_common()?;
        let protocol = P::configure(scenario)?;
        for (i, entry) in scenario.timeline.iter().enumerate() {
            if let Action::Client(c) = &entry.action {
                protocol.parse_op(c).map_err(|e| ScenarioError(format!("timeline[{i}]: {e}")))?;
            }
        }
        let mut scenario = scenario.clone();
        scenario.timeline = scenario.sorted_timeline();
        let n = scenario.nodes;
        let seed = scenario.seed;
        let world = World {
            now: 0,
            step: 0,
            queue: EventQueue::default(),
            nodes: (0..n).map(|id| protocol.init(id)).collect(),
            slots: (0..n).map(|_| Slot::default()).collect(),
            network: Network::new(scenario.network.clone(), n),
            workload: Workload::new(scenario.workload.clone()),
            monitor: P::Monitor::new(&protocol),
            rng_net: Stream::new(seed, "network"),
            rng_timers: Stream::new(seed, "timers"),
            rng_clients: Stream::new(seed, "clients"),
            rng_protocol: Stream::new(seed, "protocol"),
            next_action: 0,
            in_flight: BTreeSet::new(),
            next_generation: 0,
            messages_sent: 0,
            faults_changed_at: 0,
            slowest_ms: scenario.network.latency_ms[1],
        };
        let mut sim = Sim {
            protocol,
            user_made: vec![false; scenario.timeline.len()],
            scenario,
            world,
            trace: Vec::new(),
            trace_hash: TraceHasher::default().finish(),
            history: Vec::new(),
            messages: Vec::new(),
            violations: Vec::new(),
            snapshots: Vec::new(),
            snapshot_every: SNAPSHOT_EVERY,
            horizon: 0,
            touched: Vec::new(),
        };
        for id in 0..n {
            sim.run_handler(id, |p, node, ctx| p.on_start(node, ctx));
        }
        sim.schedule_arrival();
        sim.check_properties(0);
        sim.take_snapshot();
        Ok(sim)
    }

    // ----- recording -------------------------------------------------------

    fn record(&mut self, event: TraceEvent<P>) {
        let mut h = TraceHasher(self.trace_hash);
        self.world.step.hash(&mut h);
        self.world.now.hash(&mut h);
        self.hash_event(&event, &mut h);
        self.trace_hash = h.finish();
        self.trace.push(TraceEntry { step: self.world.step, at: self.world.now, event });
    }

    fn hash_event(&self, event: &TraceEvent<P>, h: &mut TraceHasher) {
        std::mem::discriminant(event).hash(h);
        match event {
            TraceEvent::Send { msg } => {
                let m = &self.messages[*msg as usize];
                (msg, m.from, m.to, m.arrive_at, m.fate, m.duplicate, &m.msg).hash(h);
            }
            TraceEvent::Deliver { msg } => msg.hash(h),
            TraceEvent::Drop { msg, fate } => (msg, fate).hash(h),
            TraceEvent::Timer { node, timer } => (node, timer).hash(h),
            TraceEvent::Fault { fault } => hash_fault(fault, h),
            TraceEvent::Client { event } => {
                let e = &self.history[*event];
                (e.request, e.node).hash(h);
                match &e.kind {
                    ClientEventKind::Invoked { attempt, op } => (0u8, attempt, op).hash(h),
                    ClientEventKind::Replied { reply } => (1u8, reply).hash(h),
                    ClientEventKind::Refused { reason } => (2u8, reason).hash(h),
                }
            }
            TraceEvent::Note { node, text } => (node, text).hash(h),
        }
    }

    fn client_event(&mut self, request: RequestId, node: NodeId, kind: ClientEventKind<P>) {
        self.history.push(ClientEvent { at: self.world.now, request, node, kind });
        self.record(TraceEvent::Client { event: self.history.len() - 1 });
    }

    // ----- handlers and their effects --------------------------------------

    /// Runs one handler on a live node and carries out what it asked for.
    fn run_handler(&mut self, id: NodeId, handler: impl FnOnce(&P, &mut P::Node, &mut Ctx<P>)) {
        self.touched.push(id);
        let n = self.world.nodes.len();
        let World { nodes, rng_protocol, now, .. } = &mut self.world;
        let mut ctx = Ctx::new(id, *now, n, rng_protocol);
        handler(&self.protocol, &mut nodes[id], &mut ctx);
        for effect in ctx.into_effects() {
            self.carry_out(id, effect);
        }
    }

    fn carry_out(&mut self, id: NodeId, effect: Effect<P>) {
        let now = self.world.now;
        match effect {
            Effect::Send { to, msg } => self.send(id, to, msg),
            Effect::SetTimer { timer, delay } => {
                let wait = match delay {
                    Delay::Fixed(ms) => ms,
                    Delay::Between(lo, hi) => self.world.rng_timers.between(lo, hi.max(lo)),
                };
                let generation = self.world.next_generation;
                self.world.next_generation += 1;
                self.world.slots[id].arm(timer.clone(), generation);
                self.world.queue.push(now + wait, Event::Timer { node: id, timer, generation });
            }
            Effect::CancelTimer { timer } => self.world.slots[id].disarm(&timer),
            Effect::Note(text) => {
                self.world.slots[id].log_line(text.clone());
                self.record(TraceEvent::Note { node: id, text });
            }
            Effect::Reply { request, reply } => {
                self.world.workload.answered(request, now);
                self.client_event(request, id, ClientEventKind::Replied { reply });
            }
            Effect::Refuse { request, reason } => {
                self.world.workload.refused();
                self.client_event(request, id, ClientEventKind::Refused { reason });
            }
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        let now = self.world.now;
        self.world.messages_sent += 1;
        for flight in self.world.network.flights(from, to, &mut self.world.rng_net) {
            let id = self.messages.len() as MsgId;
            self.messages.push(MsgRecord {
                from,
                to,
                sent_at: now,
                arrive_at: now + flight.delay,
                fate: flight.fate,
                duplicate: flight.duplicate,
                msg: msg.clone(),
            });
            self.world.in_flight.insert(id);
            self.world.queue.push(now + flight.delay, Event::Arrive(id));
            self.record(TraceEvent::Send { msg: id });
        }
    }

    // ----- the loop ----------------------------------------------------------

    /// Processes the next event or timeline action if it happens no later
    /// than `limit`. False when nothing is left before then.
    fn advance(&mut self, limit: Time) -> bool {
        loop {
            let Some(next) = self.next_time().filter(|&t| t <= limit) else { return false };
            // Timeline actions run before any other event at the same millisecond,
            // so a recorded user action replays at exactly the point it was taken.
            let take_action = self.scenario.timeline.get(self.world.next_action).is_some_and(|e| e.at_ms == next);
            let history_before = self.history.len();
            if take_action {
                let entry = self.scenario.timeline[self.world.next_action].clone();
                self.world.next_action += 1;
                self.world.now = self.world.now.max(entry.at_ms);
                self.world.step += 1;
                self.apply_action(entry.action);
            } else {
                let (at, event) = self.world.queue.pop().expect("the queue holds the next event");
                if self.is_stale(&event) {
                    continue;
                }
                self.world.now = at;
                self.world.step += 1;
                self.handle(event);
            }
            self.check_properties(history_before);
            self.horizon = self.horizon.max(self.world.now);
            if self.world.step % self.snapshot_every == 0 {
                self.take_snapshot();
            }
            return true;
        }
    }

    /// A timer that was re-armed or cancelled since this firing was scheduled.
    fn is_stale(&self, event: &Event<P>) -> bool {
        match event {
            Event::Timer { node, timer, generation } => !self.world.slots[*node].is_armed(timer, *generation),
            _ => false,
        }
    }

    fn handle(&mut self, event: Event<P>) {
        match event {
            Event::Arrive(id) => self.arrive(id),
            Event::Deliver(id) => self.deliver(id),
            Event::Timer { node, timer, generation } => {
                let slot = &mut self.world.slots[node];
                if slot.liveness == Liveness::Paused {
                    slot.held.push(Held::Timer { timer, generation });
                    return;
                }
                slot.disarm(&timer);
                self.record(TraceEvent::Timer { node, timer: timer.clone() });
                self.run_handler(node, |p, n, ctx| p.on_timer(n, ctx, timer));
            }
            Event::Arrival => {
                let node = self.world.rng_clients.below(self.world.nodes.len() as u64) as NodeId;
                let op = self.protocol.workload_op(self.world.workload.peek_id());
                self.open_request(node, op);
                self.schedule_arrival();
            }
            Event::Retry(id) => {
                let n = self.world.nodes.len();
                if let Some((node, request)) = self.world.workload.retry(id, n, &mut self.world.rng_clients) {
                    self.invoke(node, request);
                }
            }
            Event::Invoke { node, request } => self.present(node, request),
        }
    }

    /// A message's fate as things stand: one sent into a working link still
    /// meets any partition or crash that has happened since.
    fn fate_now(&self, m: &MsgRecord<P>) -> Fate {
        match m.fate {
            Fate::Delivered if !self.world.network.reachable(m.from, m.to) => Fate::Blocked,
            Fate::Delivered if self.world.slots[m.to].liveness == Liveness::Crashed => Fate::NodeDown,
            fate => fate,
        }
    }

    fn arrive(&mut self, id: MsgId) {
        self.world.in_flight.remove(&id);
        let rec = &self.messages[id as usize];
        let (fate, to) = (self.fate_now(rec), rec.to);
        if fate != Fate::Delivered {
            self.record(TraceEvent::Drop { msg: id, fate });
        } else if self.world.slots[to].liveness == Liveness::Paused {
            self.world.slots[to].held.push(Held::Message(id));
        } else {
            self.deliver(id);
        }
    }

    fn deliver(&mut self, id: MsgId) {
        let rec = &self.messages[id as usize];
        let (from, to, msg) = (rec.from, rec.to, rec.msg.clone());
        self.record(TraceEvent::Deliver { msg: id });
        self.run_handler(to, |p, node, ctx| p.on_message(node, ctx, from, msg));
    }

    fn schedule_arrival(&mut self) {
        if let Some(wait) = self.world.workload.next_arrival(&mut self.world.rng_clients) {
            self.world.queue.push(self.world.now + wait, Event::Arrival);
        }
    }

    /// A new client walks up to `node` with `op`.
    fn open_request(&mut self, node: NodeId, op: P::Op) {
        let request = self.world.workload.open(op, node, self.world.now);
        self.invoke(node, request);
    }

    /// A client (re)tries at `node`, and will try again if no answer comes.
    fn invoke(&mut self, node: NodeId, request: Request<P::Op>) {
        let retry_at = self.world.now + self.world.workload.settings.retry_after_ms;
        self.world.queue.push(retry_at, Event::Retry(request.id));
        let kind = ClientEventKind::Invoked { attempt: request.attempt, op: request.op.clone() };
        self.client_event(request.id, node, kind);
        self.present(node, request);
    }

    /// The request reaches the node, if the node can take it.
    fn present(&mut self, node: NodeId, request: Request<P::Op>) {
        match self.world.slots[node].liveness {
            Liveness::Up => self.run_handler(node, |p, n, ctx| p.on_request(n, ctx, request)),
            Liveness::Paused => self.world.slots[node].held.push(Held::Request(request)),
            // Nobody is there to answer; the client will time out and retry.
            Liveness::Crashed => {}
        }
    }

    // ----- faults and user actions -----------------------------------------

    fn apply_action(&mut self, action: Action) {
        match action {
            Action::Client(c) => match self.protocol.parse_op(&c) {
                Ok(op) => self.open_request(c.node, op),
                Err(_) => unreachable!("client actions are checked before they enter the timeline"),
            },
            Action::Fault(fault) => {
                self.world.faults_changed_at = self.world.now;
                self.record(TraceEvent::Fault { fault: fault.clone() });
                self.apply_fault(fault);
            }
        }
    }

    fn apply_fault(&mut self, fault: Fault) {
        let now = self.world.now;
        match fault {
            Fault::Partition { groups } => self.world.network.partition(&groups),
            Fault::Heal => self.world.network.heal(),
            Fault::Cut { from, to } => self.world.network.cut(from, to),
            Fault::SetNetwork { latency_ms, drop, duplicate } => {
                self.world.network.set(latency_ms, drop, duplicate);
                self.world.slowest_ms = self.world.slowest_ms.max(self.world.network.settings.latency_ms[1]);
            }
            Fault::Crash { node } => {
                if self.world.slots[node].liveness == Liveness::Crashed {
                    return;
                }
                let durable = self.protocol.durable(&self.world.nodes[node]);
                self.world.nodes[node] = self.protocol.recover(node, durable);
                self.touched.push(node);
                self.world.slots[node].crash();
                self.world.slots[node].log_line("crashed".into());
            }
            Fault::Restart { node } => {
                if self.world.slots[node].liveness != Liveness::Crashed {
                    return;
                }
                self.world.slots[node].liveness = Liveness::Up;
                self.world.slots[node].log_line("restarted".into());
                self.run_handler(node, |p, n, ctx| p.on_start(n, ctx));
            }
            Fault::Pause { node } => {
                if self.world.slots[node].liveness == Liveness::Up {
                    self.world.slots[node].liveness = Liveness::Paused;
                }
            }
            Fault::Resume { node } => {
                if self.world.slots[node].liveness != Liveness::Paused {
                    return;
                }
                for held in self.world.slots[node].resume() {
                    let event = match held {
                        Held::Message(id) => Event::Deliver(id),
                        Held::Timer { timer, generation } => Event::Timer { node, timer, generation },
                        Held::Request(request) => Event::Invoke { node, request },
                    };
                    self.world.queue.push(now, event);
                }
            }
        }
    }

    // ----- properties --------------------------------------------------------

    fn check_properties(&mut self, history_from: usize) {
        let found = self.world.monitor.check(
            &self.protocol,
            &self.world.nodes,
            &self.touched,
            &self.history[history_from..],
            self.world.now,
        );
        self.touched.clear();
        for (invariant, detail) in found {
            if self.violations.len() < MAX_VIOLATIONS {
                let (time_ms, step) = (self.world.now, self.world.step);
                self.violations.push(Violation { invariant, time_ms, step, detail });
            }
        }
    }

    /// Whether a majority of nodes is up, unpaused and able to reach each
    /// other both ways right now (exhaustive: node counts are small).
    fn majority_healthy(&self) -> bool {
        let n = self.world.nodes.len();
        let net = &self.world.network;
        if net.settings.drop >= 1.0 {
            return false;
        }
        let up: Vec<NodeId> = (0..n).filter(|&i| self.world.slots[i].liveness == Liveness::Up).collect();
        let majority = majority(n);
        (0u32..1 << up.len()).any(|mask| {
            let members: Vec<NodeId> =
                up.iter().enumerate().filter(|(b, _)| mask >> b & 1 == 1).map(|(_, &i)| i).collect();
            members.len() >= majority
                && members
                    .iter()
                    .all(|&a| members.iter().all(|&b| a == b || (net.reachable(a, b) && net.reachable(b, a))))
        })
    }

    // ----- snapshots and seeking ---------------------------------------------

    fn marks(&self) -> Marks {
        Marks {
            trace: self.trace.len(),
            trace_hash: self.trace_hash,
            history: self.history.len(),
            messages: self.messages.len(),
            violations: self.violations.len(),
        }
    }

    fn take_snapshot(&mut self) {
        if self.snapshots.last().is_some_and(|s| s.world.step >= self.world.step) {
            return;
        }
        self.snapshots.push(Snapshot { world: self.world.clone(), marks: self.marks() });
        if self.snapshots.len() > MAX_SNAPSHOTS {
            // Keep every other snapshot and take them half as often from now on:
            // memory stays bounded, seeking costs at most a longer replay.
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.snapshot_every *= 2;
        }
    }

    fn restore(&mut self, index: usize) {
        let snap = &self.snapshots[index];
        let m = snap.marks;
        self.world = snap.world.clone();
        self.trace.truncate(m.trace);
        self.trace_hash = m.trace_hash;
        self.history.truncate(m.history);
        self.messages.truncate(m.messages);
        self.violations.truncate(m.violations);
    }

    /// Going back in time: restores the latest snapshot that `keep` accepts.
    /// Going forward never restores: the logs past the current step were
    /// truncated by an earlier rewind, so only a replay can rebuild them.
    fn rewind_to(&mut self, keep: impl Fn(&World<P>) -> bool) {
        if keep(&self.world) {
            return;
        }
        if let Some(index) = self.snapshots.iter().rposition(|s| keep(&s.world)) {
            self.restore(index);
        }
    }

    /// Records a user action taken now. Acting while looking at the past forks
    /// the run: the user's own actions that had not happened yet belong to the
    /// abandoned future and are dropped, with its snapshots; the scenario's
    /// scripted actions stay, so a preset's story goes on around the change.
    fn fork(&mut self, entry: TimelineEntry) {
        let next = self.world.next_action;
        let mut future: Vec<(TimelineEntry, bool)> = self
            .scenario
            .timeline
            .drain(next..)
            .zip(self.user_made.drain(next..))
            .filter(|(_, user_made)| !user_made)
            .collect();
        let position = future.iter().take_while(|(e, _)| e.at_ms <= entry.at_ms).count();
        future.insert(position, (entry, true));
        for (e, user_made) in future {
            self.scenario.timeline.push(e);
            self.user_made.push(user_made);
        }
        let step = self.world.step;
        self.snapshots.retain(|s| s.world.step <= step);
        self.horizon = self.world.now;
    }

    /// The time of the next thing to happen, if anything is left.
    fn next_time(&self) -> Option<Time> {
        let action = self.scenario.timeline.get(self.world.next_action).map(|e| e.at_ms);
        match (action, self.world.queue.peek_time()) {
            (Some(a), Some(e)) => Some(a.min(e)),
            (a, e) => a.or(e),
        }
    }

    /// Processes events up to and including `t`, at most `max_events`; false if capped.
    fn run_to(&mut self, t: Time, max_events: u64) -> bool {
        for _ in 0..max_events {
            if !self.advance(t) {
                return true;
            }
        }
        self.next_time().is_none_or(|next| next > t)
    }
}

fn fate_words(fate: Fate) -> &'static str {
    match fate {
        Fate::Delivered => "delivered",
        Fate::Lost => "lost in the network",
        Fate::Blocked => "blocked by the partition",
        Fate::NodeDown => "arrived at a crashed node",
    }
}

impl<P: Protocol> Sim<P> {
    fn row(&self, entry: &TraceEntry<P>) -> TraceRow {
        let noun = P::info().client_noun;
        let msg_text = |id: MsgId| {
            let m = &self.messages[id as usize];
            let dup = if m.duplicate { " (duplicate)" } else { "" };
            (m.from, m.to, format!("{}{dup}", self.protocol.label(&m.msg)))
        };
        let (node, kind, text) = match &entry.event {
            TraceEvent::Send { msg } => {
                let (from, to, label) = msg_text(*msg);
                let fate = self.messages[*msg as usize].fate;
                let doom =
                    if fate == Fate::Delivered { String::new() } else { format!(" — will be {}", fate_words(fate)) };
                (Some(from), TraceKind::Send, format!("{} → {}: {label}{doom}", node_name(from), node_name(to)))
            }
            TraceEvent::Deliver { msg } => {
                let (from, to, label) = msg_text(*msg);
                (Some(to), TraceKind::Deliver, format!("{} ← {}: {label}", node_name(to), node_name(from)))
            }
            TraceEvent::Drop { msg, fate } => {
                let (from, to, label) = msg_text(*msg);
                (
                    Some(to),
                    TraceKind::Drop,
                    format!("{label} {} → {} {}", node_name(from), node_name(to), fate_words(*fate)),
                )
            }
            TraceEvent::Timer { node, timer } => {
                (Some(*node), TraceKind::Timer, format!("{}: {timer:?} timer fires", node_name(*node)))
            }
            TraceEvent::Fault { fault } => (None, TraceKind::Fault, fault.to_string()),
            TraceEvent::Client { event } => {
                let e = &self.history[*event];
                let (who, at) = (format!("{noun} r{}", e.request), node_name(e.node));
                let text = match &e.kind {
                    ClientEventKind::Invoked { attempt: 1, .. } => format!("{who} arrives at {at}"),
                    ClientEventKind::Invoked { attempt, .. } => {
                        format!("{who} tries again at {at} (attempt {attempt})")
                    }
                    ClientEventKind::Replied { reply } => {
                        format!("{at} answers {who}: {}", self.protocol.describe_reply(reply))
                    }
                    ClientEventKind::Refused { reason } => format!("{at} turns {who} away: {reason}"),
                };
                (Some(e.node), TraceKind::Client, text)
            }
            TraceEvent::Note { node, text } => (Some(*node), TraceKind::Note, format!("{}: {text}", node_name(*node))),
        };
        TraceRow { step: entry.step, time_ms: entry.at, node, kind, text }
    }
}

impl<P: Protocol> AnySim for Sim<P> {
    fn info(&self) -> &'static ProtocolInfo {
        P::info()
    }

    fn scenario(&self) -> Scenario {
        self.scenario.clone()
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
        self.rewind_to(|w| w.step <= step);
        while self.world.step < step && self.advance(Time::MAX) {}
    }

    fn seek_time(&mut self, t: Time) {
        self.rewind_to(|w| w.now <= t);
        self.run_to(t, u64::MAX);
    }

    fn apply(&mut self, action: Action, at: Time) -> Result<Time, String> {
        action.validate(self.world.nodes.len())?;
        if let Action::Client(c) = &action {
            self.protocol.parse_op(c)?;
        }
        let earliest = if self.world.step == 0 { 0 } else { self.world.now + 1 };
        let at = at.max(earliest);
        self.fork(TimelineEntry { at_ms: at, action });
        self.run_to(at, u64::MAX);
        Ok(at)
    }

    fn frame(&self, t: f64) -> Frame {
        let nodes = (0..self.world.nodes.len())
            .map(|id| {
                let slot = &self.world.slots[id];
                NodeFrame {
                    id,
                    name: node_name(id),
                    liveness: slot.liveness,
                    view: self.protocol.view(&self.world.nodes[id]),
                    log: slot.log.iter().cloned().collect(),
                }
            })
            .collect();
        let messages = self
            .world
            .in_flight
            .iter()
            .map(|&id| {
                let m = &self.messages[id as usize];
                // A message that will meet a partition or a crash shows as doomed already.
                let fate = self.fate_now(m);
                MessageFrame {
                    id,
                    from: m.from,
                    to: m.to,
                    label: self.protocol.label(&m.msg),
                    sent_at: m.sent_at as f64,
                    arrive_at: m.arrive_at as f64,
                    fate,
                    duplicate: m.duplicate,
                }
            })
            .collect();
        let network = &self.world.network;
        Frame {
            time: t,
            nodes,
            messages,
            partitions: network.partitions(),
            cuts: network.cuts(),
            network: network.settings.clone(),
        }
    }

    fn trace_rows(&self, from: usize, to: usize) -> Vec<TraceRow> {
        let to = to.min(self.trace.len());
        self.trace.get(from.min(to)..to).unwrap_or_default().iter().map(|e| self.row(e)).collect()
    }

    fn trace_len(&self) -> usize {
        self.trace.len()
    }

    fn violations(&self) -> &[Violation] {
        &self.violations
    }

    fn judge_end(&self) -> Vec<Violation> {
        let end = EndState {
            now: self.world.now,
            healthy_since: self.majority_healthy().then_some(self.world.faults_changed_at),
            slowest_ms: self.world.slowest_ms,
            outstanding: self.world.workload.outstanding(),
        };
        self.world
            .monitor
            .judge_end(&self.protocol, &end)
            .into_iter()
            .map(|(invariant, detail)| Violation { invariant, time_ms: end.now, step: self.world.step, detail })
            .collect()
    }

    fn metrics(&self) -> Metrics {
        self.world.workload.metrics(self.world.messages_sent)
    }

    fn trace_hash(&self) -> u64 {
        self.trace_hash
    }
}
