//! The step loop: the next event or timeline action, the handler it runs,
//! and the effects the handler asked for (sends, timers, persistence, log
//! lines, answers to clients).

use super::super::any::{PropertyKind, Recording, Violation};
use super::super::ctx::{Ctx, Delay, Effect};
use super::super::fault::Held;
use super::super::net::Flight;
use super::super::protocol::{Findings, Monitor, Nodes, Protocol, Request, Start, StepView};
use super::super::time::{NodeId, Time, later};
use super::super::trace::InFlight;
use super::super::view::{Fate, Liveness};
use super::super::workload::ClientEventKind;
use super::{Event, Sim, World};

/// How long a client takes to follow a hint to another node.
const HINT_MS: Time = 1;

/// Which handler a node runs.
pub(super) enum Call<P: Protocol> {
    Start(Start),
    Message { from: NodeId, msg: P::Msg },
    Timer(P::Timer),
    Request(Request<P::Op>),
}

/// Violations kept; a broken variant can violate on almost every step.
const MAX_VIOLATIONS: usize = 500;

impl<P: Protocol> Sim<P> {
    // ----- handlers and their effects --------------------------------------

    /// Runs one handler on a live node and carries out what it asked for.
    /// (One function for every handler, not one per closure: the engine is
    /// compiled once per protocol, and each copy ships in the wasm.)
    pub(super) fn run_handler(&mut self, id: NodeId, call: Call<P>) {
        if !self.touched.contains(&id) {
            self.touched.push(id);
        }
        let n = self.world.nodes.len();
        let keep_notes = self.rec.level() == Recording::Full;
        let local_now = self.world.slots[id].clock.local(self.world.now);
        let buffer = std::mem::take(&mut self.effects);
        let (mut effects, persist) = {
            let world = &mut self.world;
            let mut ctx = Ctx::new(id, local_now, n, &mut world.rng_protocol, buffer, keep_notes);
            let (p, node) = (&self.protocol, &mut world.nodes[id]);
            match call {
                Call::Start(start) => p.on_start(node, &mut ctx, start),
                Call::Message { from, msg } => p.on_message(node, &mut ctx, from, msg),
                Call::Timer(timer) => p.on_timer(node, &mut ctx, timer),
                Call::Request(request) => p.on_request(node, &mut ctx, request),
            }
            ctx.into_effects()
        };
        // The disk is written before anything the handler sent can leave.
        if persist {
            let world = &mut self.world;
            self.protocol.persist(&mut world.nodes[id], &mut world.disks[id]);
        }
        for effect in effects.drain(..) {
            self.carry_out(id, effect);
        }
        self.effects = effects;
    }

    fn carry_out(&mut self, id: NodeId, effect: Effect<P>) {
        let now = self.world.now;
        match effect {
            Effect::Send { to, msg } => self.send(id, to, msg),
            Effect::SetTimer { timer, delay } => {
                let local_wait = match delay {
                    Delay::Fixed(ms) => ms,
                    Delay::Between(lo, hi) => self.world.rng_timers.between(lo, hi.max(lo)),
                };
                let generation = self.world.next_generation;
                self.world.next_generation += 1;
                let slot = &mut self.world.slots[id];
                slot.arm(timer.clone(), generation);
                // A wait too long to ever end leaves the timer armed but never firing.
                if let Some(at) = later(now, slot.clock.true_wait(local_wait)) {
                    self.world.queue.push(at, Event::Timer { node: id, timer, generation });
                }
            }
            Effect::CancelTimer { timer } => self.world.slots[id].disarm(&timer),
            Effect::Note(text) => {
                self.rec.note(&self.world, id, &text);
                self.world.slots[id].log_line(text);
            }
            Effect::Reply { request, reply } => {
                self.world.workload.answered(request, now);
                self.rec.client(&self.world, request, id, ClientEventKind::Replied { reply });
            }
            Effect::Refuse { request, reason } => {
                self.world.workload.refused();
                self.rec.client(&self.world, request, id, ClientEventKind::Refused { reason });
            }
            Effect::Redirect { request, to, reason } => {
                self.world.workload.refused();
                self.rec.client(&self.world, request, id, ClientEventKind::Refused { reason });
                let to = to.min(self.world.nodes.len() - 1);
                if let Some(attempt) = self.world.workload.follow_hint(request, to)
                    && let Some(at) = later(now, HINT_MS)
                {
                    self.world.queue.push(at, Event::Retry { request, attempt });
                }
            }
        }
    }

    // From here to the handler a message travels by value; the functions on
    // its way are inlined, as at opt-level "z" each call would copy it (an
    // event can be over 100 bytes), and inlined the copies merge.
    #[inline(always)]
    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        self.world.messages_sent += 1;
        let (first, second) = self.world.network.flights(from, to, &mut self.world.rng_net);
        // Only a duplicate costs a copy of the message; otherwise it moves.
        match second {
            Some(copy) => {
                self.launch(from, to, first, msg.clone());
                self.launch(from, to, copy, msg);
            }
            None => self.launch(from, to, first, msg),
        }
    }

    /// Puts one copy of a message on its way.
    #[inline(always)]
    fn launch(&mut self, from: NodeId, to: NodeId, flight: Flight, msg: P::Msg) {
        let now = self.world.now;
        let id = self.world.next_msg;
        self.world.next_msg += 1;
        let arrive_at = now + flight.delay;
        // Built as the event it travels in, so the message is not moved again to wrap it.
        let event =
            Event::Arrive(InFlight { id, from, to, sent_at: now, fate: flight.fate, duplicate: flight.duplicate, msg });
        if let Event::Arrive(copy) = &event {
            self.rec.send(&self.world, copy, arrive_at);
        }
        self.world.queue.push(arrive_at, event);
    }

    // ----- the loop ----------------------------------------------------------

    /// Processes the next event or timeline action if it happens no later
    /// than `limit`. False when nothing is left before then.
    pub(super) fn advance(&mut self, limit: Time) -> bool {
        loop {
            let Some(next) = self.next_time().filter(|&t| t <= limit) else { return false };
            // Timeline actions run before any other event at the same millisecond,
            // so a recorded user action replays at exactly the point it was taken.
            let take_action = self.scenario.timeline.get(self.world.next_action).is_some_and(|e| e.at_ms == next);
            if take_action {
                let entry = self.scenario.timeline[self.world.next_action].clone();
                self.world.next_action += 1;
                self.world.now = self.world.now.max(entry.at_ms);
                self.world.step += 1;
                self.apply_action(entry.action);
            } else {
                // Not an action's time, so the next event's.
                let event = self.world.queue.pop().expect("the queue holds the next event");
                if self.is_stale(&event) {
                    continue;
                }
                self.world.now = next;
                self.world.step += 1;
                self.handle(event);
            }
            self.check_properties();
            self.horizon = self.horizon.max(self.world.now);
            self.rec.sample_series(&self.world);
            if self.snapshots.due(self.world.step) {
                self.snapshots.take(&self.world, self.rec.marks(&self.world), self.rec.level());
            }
            return true;
        }
    }

    /// An event that would change nothing: a timer re-armed or cancelled
    /// since this firing was scheduled, or a retry of a request already answered.
    fn is_stale(&self, event: &Event<P>) -> bool {
        match event {
            Event::Timer { node, timer, generation } => !self.world.slots[*node].is_armed(timer, *generation),
            Event::Retry { request, attempt } => !self.world.workload.is_waiting_on(*request, *attempt),
            _ => false,
        }
    }

    #[inline(always)]
    fn handle(&mut self, event: Event<P>) {
        match event {
            Event::Arrive(copy) => self.arrive(copy),
            Event::Deliver(copy) => self.deliver(copy),
            Event::Timer { node, timer, generation } => {
                let slot = &mut self.world.slots[node];
                if slot.liveness == Liveness::Paused {
                    slot.held.push(Held::Timer { timer, generation });
                    return;
                }
                slot.disarm(&timer);
                self.rec.timer(&self.world, node, &timer);
                self.run_handler(node, Call::Timer(timer));
            }
            Event::Arrival => {
                let n = self.world.nodes.len();
                let id = self.world.workload.peek_id();
                let (node, op) = self.protocol.workload_request(&mut self.world.rng_clients, n, id);
                if self.world.workload.has_room() {
                    self.open_request(node, op);
                } else {
                    self.world.workload.turn_away();
                }
                self.schedule_arrival();
            }
            Event::Retry { request: id, .. } => {
                let n = self.world.nodes.len();
                let World { workload, rng_clients, .. } = &mut self.world;
                let protocol = &self.protocol;
                if let Some((node, request)) =
                    workload.retry(id, |last, rng| protocol.retry_node(rng, n, last), rng_clients)
                {
                    self.invoke(node, request);
                }
            }
            Event::Invoke { node, request } => self.present(node, request),
        }
    }

    /// A message's fate as things stand: one sent into a working link still
    /// meets any partition or crash that has happened since.
    pub(super) fn fate_now(&self, from: NodeId, to: NodeId, fate: Fate) -> Fate {
        match fate {
            Fate::Delivered if !self.world.network.reachable(from, to) => Fate::Blocked,
            Fate::Delivered if self.world.slots[to].liveness == Liveness::Crashed => Fate::NodeDown,
            fate => fate,
        }
    }

    #[inline(always)]
    fn arrive(&mut self, copy: InFlight<P>) {
        let fate = self.fate_now(copy.from, copy.to, copy.fate);
        let slot = &mut self.world.slots[copy.to];
        if fate != Fate::Delivered {
            self.rec.drop(&self.world, &copy, fate);
        } else if slot.liveness == Liveness::Paused {
            if slot.can_hold() {
                slot.held.push(Held::Message(copy));
            } else {
                self.rec.drop(&self.world, &copy, Fate::Lost);
            }
        } else {
            self.deliver(copy);
        }
    }

    #[inline(always)]
    fn deliver(&mut self, copy: InFlight<P>) {
        self.rec.deliver(&self.world, &copy);
        self.delivered = Some(copy.id);
        let InFlight { from, to, msg, .. } = copy;
        self.run_handler(to, Call::Message { from, msg });
    }

    pub(super) fn schedule_arrival(&mut self) {
        let wait = self.world.workload.next_arrival(&mut self.world.rng_clients);
        if let Some(at) = wait.and_then(|w| later(self.world.now, w)) {
            self.world.queue.push(at, Event::Arrival);
        }
    }

    /// A new client walks up to `node` with `op`.
    pub(super) fn open_request(&mut self, node: NodeId, op: P::Op) {
        let request = self.world.workload.open(op, node, self.world.now);
        self.invoke(node, request);
    }

    /// A client (re)tries at `node`, and will try again if no answer comes.
    fn invoke(&mut self, node: NodeId, request: Request<P::Op>) {
        let waits = self.world.workload.waits(request.id);
        let wait = self.world.workload.patience(waits, &mut self.world.rng_clients);
        if let Some(at) = later(self.world.now, wait) {
            self.world.queue.push(at, Event::Retry { request: request.id, attempt: request.attempt });
        }
        let kind = ClientEventKind::Invoked { attempt: request.attempt, op: request.op.clone() };
        self.rec.client(&self.world, request.id, node, kind);
        self.present(node, request);
    }

    /// The request reaches the node, if the node can take it.
    pub(super) fn present(&mut self, node: NodeId, request: Request<P::Op>) {
        let slot = &mut self.world.slots[node];
        match slot.liveness {
            Liveness::Up => self.run_handler(node, Call::Request(request)),
            Liveness::Paused if slot.can_hold() => slot.held.push(Held::Request(request)),
            // Nobody is there to answer (or the paused node's buffer is
            // full); the client will time out and retry.
            Liveness::Paused | Liveness::Crashed => {}
        }
    }

    /// The time of the next thing to happen, if anything is left.
    pub(super) fn next_time(&self) -> Option<Time> {
        let action = self.scenario.timeline.get(self.world.next_action).map(|e| e.at_ms);
        match (action, self.world.queue.peek_time()) {
            (Some(a), Some(e)) => Some(a.min(e)),
            (a, e) => a.or(e),
        }
    }

    /// Processes events up to and including `t`, at most `max_events`; false if capped.
    pub(super) fn run_to(&mut self, t: Time, max_events: u64) -> bool {
        for _ in 0..max_events {
            if !self.advance(t) {
                return true;
            }
        }
        self.next_time().is_none_or(|next| next > t)
    }

    // ----- properties --------------------------------------------------------

    pub(super) fn check_properties(&mut self) {
        let mut found = Findings::default();
        let step = StepView {
            nodes: Nodes::Slice(&self.world.nodes),
            touched: &self.touched,
            events: self.rec.step_events(),
            now: self.world.now,
        };
        self.world.monitor.check(&self.protocol, &step, &mut found);
        self.touched.clear();
        let delivered = self.delivered.take();
        for f in found.into_vec() {
            debug_assert!(
                self.protocol.running().properties.iter().any(|p| std::ptr::eq(*p, f.property)),
                "{} is not among the protocol's declared properties",
                f.property.name
            );
            if self.rec.violations.len() < MAX_VIOLATIONS || f.property.kind == PropertyKind::Sometimes {
                self.rec.finding(&self.world, f, delivered);
            }
        }
        self.rec.end_step(&self.world);
    }

    /// Turns monitor findings judged at the end into violations.
    pub(super) fn end_violations(&self, found: Findings) -> Vec<Violation> {
        found.into_vec().into_iter().map(|f| self.rec.violation(&self.world, f, None)).collect()
    }
}
