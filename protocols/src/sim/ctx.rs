//! What a handler may do: the outbox it writes its effects into.
//!
//! Handlers see the world only through this context: the node's own clock
//! (which may be off and drift, see [`clock`](super::clock)), its peers, and
//! a random stream for protocol choices. Everything a handler does (send,
//! arm a timer, persist, log, answer a client) is recorded as an effect and
//! carried out by the engine after the handler returns.

use std::fmt::Display;

use super::protocol::{Protocol, majority};
use super::rng::Stream;
use super::time::{NodeId, RequestId, Time};

/// How long until a timer fires, in the node's own clock's ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delay {
    Fixed(Time),
    /// Uniform in `[lo, hi]`, drawn by the simulator from its timer stream.
    Between(Time, Time),
}

/// One thing a handler asked for.
#[derive(Clone, Debug)]
pub enum Effect<P: Protocol> {
    Send { to: NodeId, msg: P::Msg },
    SetTimer { timer: P::Timer, delay: Delay },
    CancelTimer { timer: P::Timer },
    Note(String),
    Reply { request: RequestId, reply: P::Reply },
    Refuse { request: RequestId, reason: String },
    Redirect { request: RequestId, to: NodeId, reason: String },
}

impl<Q: Protocol> Effect<Q> {
    /// The same effect in the terms of protocol `P`, which wraps `Q`'s
    /// messages, timers and replies (see [`Ctx::nest`]).
    pub fn map<P: Protocol>(
        self,
        msg: impl FnOnce(Q::Msg) -> P::Msg,
        timer: impl FnOnce(Q::Timer) -> P::Timer,
        reply: impl FnOnce(Q::Reply) -> P::Reply,
    ) -> Effect<P> {
        match self {
            Effect::Send { to, msg: m } => Effect::Send { to, msg: msg(m) },
            Effect::SetTimer { timer: t, delay } => Effect::SetTimer { timer: timer(t), delay },
            Effect::CancelTimer { timer: t } => Effect::CancelTimer { timer: timer(t) },
            Effect::Note(line) => Effect::Note(line),
            Effect::Reply { request, reply: r } => Effect::Reply { request, reply: reply(r) },
            Effect::Refuse { request, reason } => Effect::Refuse { request, reason },
            Effect::Redirect { request, to, reason } => Effect::Redirect { request, to, reason },
        }
    }
}

/// Where a handler's effects go: a buffer the engine carries out afterwards,
/// or, for a protocol run inside another type ([`Ctx::nest`]), straight on
/// into the outer handler's outbox in the outer type's terms.
enum Outbox<'a, P: Protocol> {
    Buffer(Vec<Effect<P>>),
    Forward(&'a mut dyn FnMut(Effect<P>)),
}

impl<P: Protocol> Outbox<'_, P> {
    fn push(&mut self, effect: Effect<P>) {
        match self {
            Outbox::Buffer(effects) => effects.push(effect),
            Outbox::Forward(outer) => outer(effect),
        }
    }
}

/// The handler's view of the world and its outbox.
pub struct Ctx<'a, P: Protocol> {
    id: NodeId,
    now: Time,
    nodes: usize,
    rng: &'a mut Stream,
    effects: Outbox<'a, P>,
    persist: bool,
    keep_notes: bool,
}

impl<'a, P: Protocol> Ctx<'a, P> {
    /// A context for node `id` whose clock reads `now`; `effects` is an empty
    /// buffer to fill (the engine reuses one), `keep_notes` whether log lines
    /// are kept (a run kept only as a hash drops them unformatted).
    pub fn new(
        id: NodeId,
        now: Time,
        nodes: usize,
        rng: &'a mut Stream,
        effects: Vec<Effect<P>>,
        keep_notes: bool,
    ) -> Self {
        debug_assert!(effects.is_empty());
        Ctx { id, now, nodes, rng, effects: Outbox::Buffer(effects), persist: false, keep_notes }
    }

    /// Runs a handler of protocol `Q` on this node (same clock, peers and
    /// random stream), and takes what it asked for as this protocol's
    /// effects through `wrap`: how one type runs every protocol. Each
    /// effect goes into this outbox as it is asked for (no second buffer).
    pub fn nest<Q: Protocol>(&mut self, wrap: impl Fn(Effect<Q>) -> Effect<P>, handler: impl FnOnce(&mut Ctx<Q>)) {
        let outer = &mut self.effects;
        let mut forward = |effect| outer.push(wrap(effect));
        let mut inner = Ctx {
            id: self.id,
            now: self.now,
            nodes: self.nodes,
            rng: &mut *self.rng,
            effects: Outbox::Forward(&mut forward),
            persist: false,
            keep_notes: self.keep_notes,
        };
        handler(&mut inner);
        self.persist |= inner.persist;
    }

    /// What the handler asked for, and whether it persisted its durable state
    /// (a nested handler's effects went to the outer outbox as they came).
    pub fn into_effects(self) -> (Vec<Effect<P>>, bool) {
        match self.effects {
            Outbox::Buffer(effects) => (effects, self.persist),
            Outbox::Forward(_) => (Vec::new(), self.persist),
        }
    }

    /// The node this handler runs on.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's own clock, in virtual ms: true time unless the scenario
    /// set this node's clock off or drifting.
    pub fn now(&self) -> Time {
        self.now
    }

    /// How many nodes take part.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// The smallest number of nodes that is more than half: (n + 1) / 2 for odd n.
    pub fn majority(&self) -> usize {
        majority(self.nodes)
    }

    /// Every node but this one.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + use<P> {
        let me = self.id;
        (0..self.nodes).filter(move |&n| n != me)
    }

    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Sends a copy to every peer.
    pub fn broadcast(&mut self, msg: P::Msg) {
        for to in self.peers() {
            self.effects.push(Effect::Send { to, msg: msg.clone() });
        }
    }

    /// Writes the node's durable state to disk before anything it sends
    /// leaves: what a crash keeps is what was last persisted. Rules that
    /// promise something (a vote, a YES, an accepted value) persist first.
    pub fn persist(&mut self) {
        self.persist = true;
    }

    /// Arms `timer` to fire after `delay` of this node's clock, replacing it if it is already armed.
    pub fn set_timer(&mut self, timer: P::Timer, delay: Delay) {
        self.effects.push(Effect::SetTimer { timer, delay });
    }

    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer { timer });
    }

    /// A line for the node's log and the trace, in the protocol's own words.
    /// Log lines are commentary on what the handler did, not part of the
    /// run's hash: a run kept only as a hash never formats them (pass
    /// `format_args!(…)` so nothing is built).
    pub fn note(&mut self, line: impl Display) {
        if self.keep_notes {
            self.effects.push(Effect::Note(line.to_string()));
        }
    }

    /// Whether log lines are kept: a handler whose line costs work to
    /// compose (a whole state described) asks first.
    pub fn keeps_notes(&self) -> bool {
        self.keep_notes
    }

    /// Answers a client waiting at this node (recorded in the client-visible history).
    pub fn reply(&mut self, request: RequestId, reply: P::Reply) {
        self.effects.push(Effect::Reply { request, reply });
    }

    /// Tells a client waiting here that its request cannot be served now.
    pub fn refuse(&mut self, request: RequestId, reason: impl Into<String>) {
        self.effects.push(Effect::Refuse { request, reason: reason.into() });
    }

    /// Tells a client waiting here to ask `to` instead ("not the leader,
    /// try B"): the client follows the hint at once, a few hops at most
    /// before it falls back on its own patience (two stale hints cannot
    /// bounce it back and forth forever).
    pub fn redirect(&mut self, request: RequestId, to: NodeId, reason: impl Into<String>) {
        self.effects.push(Effect::Redirect { request, to, reason: reason.into() });
    }

    /// A uniform choice in `[0, n)` from the protocol's own random stream.
    pub fn choose(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }
}

/// For protocols' rule tests: run one handler and read what it did.
#[cfg(test)]
pub mod testing {
    use super::{Ctx, Effect, Protocol};
    use crate::sim::rng::Stream;
    use crate::sim::time::NodeId;

    /// What one handler did: the effects, and whether it persisted first.
    pub struct Did<P: Protocol> {
        pub effects: Vec<Effect<P>>,
        pub persisted: bool,
    }

    impl<P: Protocol> Did<P> {
        /// Runs `handler` as node `id` of `nodes`, its clock reading `now`.
        pub fn run(id: NodeId, now: u64, nodes: usize, handler: impl FnOnce(&mut Ctx<P>)) -> Did<P> {
            let mut rng = Stream::new(1, "test");
            let mut ctx = Ctx::new(id, now, nodes, &mut rng, Vec::new(), true);
            handler(&mut ctx);
            let (effects, persisted) = ctx.into_effects();
            Did { effects, persisted }
        }

        pub fn sent(&self) -> Vec<(NodeId, P::Msg)> {
            self.effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Send { to, msg } => Some((*to, msg.clone())),
                    _ => None,
                })
                .collect()
        }

        pub fn replies(&self) -> Vec<P::Reply> {
            self.effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Reply { reply, .. } => Some(reply.clone()),
                    _ => None,
                })
                .collect()
        }
    }
}
