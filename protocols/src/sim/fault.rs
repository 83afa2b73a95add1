//! Node faults: what crash, restart, pause and resume do to a node's slot.
//!
//! The engine decides *when*; this module says *what*: a crash keeps only the
//! durable state and kills the node's timers; a pause holds everything that
//! arrives until the node resumes, then lets it all in at once (the "zombie
//! leader" of a long GC pause).

use std::collections::VecDeque;

use super::clock::NodeClock;
use super::protocol::{Protocol, Request};
use super::trace::InFlight;
use super::view::Liveness;

/// How many recent log lines each node keeps for the UI.
pub const LOG_LINES: usize = 6;
/// Most messages and requests a paused node holds, as a real node's socket
/// buffers are bounded: later ones are lost while it is full.
pub const MAX_HELD: usize = 1_024;

/// Something that reached a paused node and waits for it to resume.
#[derive(Clone, Debug)]
pub enum Held<P: Protocol> {
    Message(InFlight<P>),
    Timer { timer: P::Timer, generation: u64 },
    Request(Request<P::Op>),
}

/// The simulator's bookkeeping for one node (the node's own state lives beside it).
#[derive(Clone, Debug)]
pub struct Slot<P: Protocol> {
    pub liveness: Liveness,
    /// Armed timers with the generation their pending event must carry;
    /// re-arming or cancelling changes it, so a stale firing is ignored.
    pub timers: Vec<(P::Timer, u64)>,
    pub held: Vec<Held<P>>,
    pub log: VecDeque<String>,
    /// What the node's clock reads (see [`NodeClock`]).
    pub clock: NodeClock,
}

impl<P: Protocol> Default for Slot<P> {
    fn default() -> Self {
        Slot {
            liveness: Liveness::Up,
            timers: Vec::new(),
            held: Vec::new(),
            log: VecDeque::new(),
            clock: NodeClock::exact(),
        }
    }
}

impl<P: Protocol> Slot<P> {
    pub fn arm(&mut self, timer: P::Timer, generation: u64) {
        self.disarm(&timer);
        self.timers.push((timer, generation));
    }

    pub fn disarm(&mut self, timer: &P::Timer) {
        self.timers.retain(|(t, _)| t != timer);
    }

    /// Whether a timer event with this generation is still the armed one.
    pub fn is_armed(&self, timer: &P::Timer, generation: u64) -> bool {
        self.timers.iter().any(|(t, g)| t == timer && *g == generation)
    }

    pub fn log_line(&mut self, line: String) {
        if self.log.len() == LOG_LINES {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }

    /// Whether a paused node can hold one more message or request (its few
    /// timers count too: the bound only has to stop a flood).
    pub fn can_hold(&self) -> bool {
        self.held.len() < MAX_HELD
    }

    /// The node stops: its timers die and whatever was held for it is lost.
    /// (The caller replaces the node's state with what is durable.)
    pub fn crash(&mut self) {
        self.liveness = Liveness::Crashed;
        self.timers.clear();
        self.held.clear();
    }

    /// Ends a pause, handing back everything that queued up, in arrival order.
    pub fn resume(&mut self) -> Vec<Held<P>> {
        self.liveness = Liveness::Up;
        std::mem::take(&mut self.held)
    }
}
