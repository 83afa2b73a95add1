//! The proposer ("Paxos Made Simple", §2.2), and in Multi-Paxos the
//! distinguished proposer, the leader (§3): phase 1 once for every open
//! slot, then phase 2 per command.

use crate::raft::kv::{self, Kv};
use crate::raft::msg::Command;
use crate::sim::ctx::Delay;
use crate::sim::log::Log;
use crate::sim::nodes::NodeSet;
use crate::sim::protocol::Request;
use crate::sim::time::{RequestId, Time};

use super::acceptor::slot_name;
use super::msg::{Accepted, Ballot, Msg, Slot, Value};
use super::node::Ctx;
use super::{Op, Paxos, Reply, Timer, Variant};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Phase {
    /// No ballot of its own under way.
    #[default]
    Idle,
    /// Phase 1: prepare sent, collecting promises.
    Preparing,
    /// Phase 2: proposing values under a ballot a majority promised (in
    /// Multi-Paxos: leading).
    Accepting,
}

/// A value proposed under the current ballot and not yet known chosen.
#[derive(Clone, Copy, Debug, Hash)]
pub struct Proposal {
    pub accept: Accepted,
    pub accepted_by: NodeSet,
    /// When the accept requests first and last left (this node's clock):
    /// they are sent again if some are lost, and a leader whose proposal no
    /// majority answers for long steps down.
    pub proposed_at: Time,
    pub sent_at: Time,
}

#[derive(Clone, Debug, Default, Hash)]
pub struct Proposer {
    /// Its number among the proposers: the second part of its ballots.
    pub index: u8,
    /// The highest round it has used (on disk, so a restart never reuses a
    /// ballot) or seen in a refusal.
    pub round: u32,
    pub ballot: Ballot,
    pub phase: Phase,
    /// Phase 1: the acceptors that promised `ballot`, and the highest-ballot
    /// acceptance they reported in each slot.
    pub promised_by: NodeSet,
    pub reported: Vec<Accepted>,
    /// Phase 2: what it proposed and does not yet know chosen.
    pub proposals: Vec<Proposal>,
    /// Ballots in a row that failed: each doubles the backoff.
    pub failures: u32,
    /// Single-decree: the value its first waiting client proposed.
    pub own: Option<Value>,
    /// What it knows chosen, by slot.
    pub chosen: Log<Option<Value>>,
    /// Multi-Paxos: the leader's store, with every chosen command up to
    /// `applied` applied, so it can answer clients; the next free slot.
    pub kv: Kv,
    pub applied: Slot,
    pub next_slot: Slot,
    /// Clients waiting for an answer here, with the slot of their command
    /// (0 in single-decree Paxos, or while it is not yet proposed).
    pub waiting: Vec<(RequestId, Slot)>,
    /// Multi-Paxos: commands waiting for this proposer to lead.
    pub queued: Vec<Command>,
    /// Multi-Paxos: the highest ballot heard leading (its own when leading).
    pub leader: Option<Ballot>,
}

impl Proposer {
    pub fn chosen_in(&self, slot: Slot) -> Option<Value> {
        self.chosen.get(slot as usize).copied().flatten()
    }

    pub fn leading(&self, p: &Paxos) -> bool {
        p.multi && self.phase == Phase::Accepting
    }

    /// A client's request. Single-decree: answered at once if the value is
    /// known chosen; otherwise its value becomes this proposer's own, and
    /// a ballot starts if none is under way. Multi-Paxos: the leader gives
    /// the command the next slot; another proposer points to the leader it
    /// knows, or holds the command until it leads.
    pub fn on_request(&mut self, p: &Paxos, ctx: &mut Ctx, request: Request<Op>) {
        let command = match request.op {
            Op::Propose { text } => {
                if let Some(value) = self.chosen_in(0) {
                    ctx.reply(request.id, Reply::Chosen(value));
                    return;
                }
                self.own.get_or_insert(Value::Plain { request: request.id, text });
                self.wait(request.id, 0);
                if self.phase == Phase::Idle {
                    self.begin_ballot(p, ctx);
                }
                return;
            }
            Op::Put { key, value } => Command::Put { request: request.id, key, value },
            Op::Get { key } => Command::Get { request: request.id, key },
        };
        if self.kv.applied_at(request.id).is_some() {
            ctx.reply(request.id, Reply::Kv(kv::Reply::Done));
        } else if self.waiting.iter().any(|&(r, _)| r == request.id) {
            // A retry of a command under way: its answer will come.
        } else if self.leading(p) {
            self.wait(request.id, self.next_slot);
            self.propose_next(p, ctx, command);
        } else if let Some(leader) = self.leader.filter(|b| b.proposer != self.index) {
            ctx.redirect(request.id, p.proposer_node(leader), format!("the leader is P{}", leader.proposer + 1));
        } else {
            self.wait(request.id, 0);
            self.queued.push(command);
        }
    }

    fn wait(&mut self, request: RequestId, slot: Slot) {
        self.waiting.retain(|&(r, _)| r != request);
        self.waiting.push((request, slot));
    }

    /// Phase 1a: a new ballot above every one it has used or heard of, on
    /// disk before the prepare requests leave.
    pub fn begin_ballot(&mut self, p: &Paxos, ctx: &mut Ctx) {
        self.round += 1;
        self.ballot = Ballot { round: self.round, proposer: self.index };
        self.phase = Phase::Preparing;
        self.promised_by = NodeSet::default();
        self.reported.clear();
        self.proposals.clear();
        ctx.persist();
        let from_slot = if p.multi { self.applied + 1 } else { 0 };
        ctx.note(format_args!("prepares ballot {}", self.ballot));
        for acceptor in p.acceptor_ids() {
            ctx.send(acceptor, Msg::Prepare { ballot: self.ballot, from_slot });
        }
        ctx.set_timer(Timer::Phase(self.ballot), Delay::Fixed(p.timing.phase_ms));
    }

    /// Phase 1b received: with a majority of promises, phase 2 begins. A
    /// value reported by a promise must be proposed again: of those in one
    /// slot, the one accepted under the highest ballot.
    pub fn on_promise(&mut self, p: &Paxos, ctx: &mut Ctx, from: usize, ballot: Ballot, accepted: Vec<Accepted>) {
        if ballot != self.ballot || self.phase != Phase::Preparing {
            return;
        }
        self.promised_by = self.promised_by.with(from);
        for a in accepted {
            match self.reported.iter_mut().find(|r| r.slot == a.slot) {
                Some(r) if r.ballot < a.ballot => *r = a,
                Some(_) => {}
                None => self.reported.push(a),
            }
        }
        if self.promised_by.len() < p.quorum() {
            return;
        }
        self.phase = Phase::Accepting;
        if p.multi {
            self.lead(p, ctx);
        } else {
            let reported = self.reported.first().map(|a| a.value);
            let value = match reported {
                Some(value) if p.variant != Variant::IgnoreAccepted => value,
                _ => self.own.or(reported).expect("a proposer prepares only with a value to propose"),
            };
            self.propose(p, ctx, 0, value);
            ctx.set_timer(Timer::Phase(self.ballot), Delay::Fixed(p.timing.phase_ms));
        }
    }

    /// Multi-Paxos: a majority promised, so this proposer leads. Every open
    /// slot a promise reported is proposed again, every gap below the
    /// highest gets a no-op, then the held commands follow.
    fn lead(&mut self, p: &Paxos, ctx: &mut Ctx) {
        ctx.cancel_timer(Timer::Phase(self.ballot));
        ctx.cancel_timer(Timer::Election);
        self.leader = Some(self.ballot);
        self.failures = 0;
        self.next_slot = self.applied + 1;
        let highest = self.reported.iter().map(|a| a.slot).max().unwrap_or(0);
        ctx.note(format_args!("leads with ballot {}; {} open slots reported", self.ballot, self.reported.len()));
        if p.variant != Variant::NoGapFill {
            for slot in self.next_slot..=highest {
                let reported = self.reported.iter().find(|a| a.slot == slot);
                let value = reported.map_or(Value::Command(Command::Noop), |a| a.value);
                // A held command found already proposed is answered from its slot.
                if let Some(request) = value.request()
                    && let Some(waiting) = self.waiting.iter_mut().find(|(r, _)| *r == request)
                {
                    waiting.1 = slot;
                    self.queued.retain(|c| c.request() != Some(request));
                }
                self.propose(p, ctx, slot, value);
            }
            self.next_slot = self.next_slot.max(highest + 1);
        }
        for command in std::mem::take(&mut self.queued) {
            if let Some(request) = command.request() {
                self.wait(request, self.next_slot);
            }
            self.propose_next(p, ctx, command);
        }
        self.on_heartbeat_timer(p, ctx);
    }

    fn propose_next(&mut self, p: &Paxos, ctx: &mut Ctx, command: Command) {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.propose(p, ctx, slot, Value::Command(command));
    }

    /// Phase 2a: asks every acceptor to accept `value` in `slot`.
    fn propose(&mut self, p: &Paxos, ctx: &mut Ctx, slot: Slot, value: Value) {
        let accept = Accepted { slot, ballot: self.ballot, value };
        let now = ctx.now();
        self.proposals.push(Proposal { accept, accepted_by: NodeSet::default(), proposed_at: now, sent_at: now });
        for acceptor in p.acceptor_ids() {
            ctx.send(acceptor, Msg::Accept(accept));
        }
    }

    /// Phase 2b received: a majority of acceptances under its ballot means
    /// the value is chosen. Single-decree: every waiting client is told.
    /// Multi-Paxos: chosen commands are applied in slot order and their
    /// clients answered.
    pub fn on_accepted(&mut self, p: &Paxos, ctx: &mut Ctx, from: usize, a: Accepted) {
        let Some(at) = self.proposals.iter().position(|pr| pr.accept == a) else { return };
        let proposal = &mut self.proposals[at];
        proposal.accepted_by = proposal.accepted_by.with(from);
        if proposal.accepted_by.len() < p.quorum() {
            return;
        }
        self.proposals.swap_remove(at);
        self.chosen.put(a.slot as usize, Some(a.value), None);
        ctx.note(format_args!("{} is chosen in {}", a.value, slot_name(a.slot)));
        if p.multi {
            self.apply_chosen(ctx);
        } else {
            for (request, _) in self.waiting.drain(..) {
                ctx.reply(request, Reply::Chosen(a.value));
            }
            self.phase = Phase::Idle;
            self.failures = 0;
            ctx.cancel_timer(Timer::Phase(self.ballot));
        }
    }

    fn apply_chosen(&mut self, ctx: &mut Ctx) {
        while let Some(Value::Command(command)) = self.chosen_in(self.applied + 1) {
            self.applied += 1;
            let reply = self.kv.apply(self.applied, &command, true);
            let slot = self.applied;
            if let Some(request) = command.request()
                && let Some(at) = self.waiting.iter().position(|&(r, s)| r == request && s == slot)
            {
                self.waiting.swap_remove(at);
                ctx.reply(request, Reply::Kv(reply));
            }
        }
    }

    /// An acceptor promised a higher ballot: this one is given up. Single
    /// decree: it tries again with a higher one, after a random backoff if
    /// `backoff` is on, at once if not (which can duel forever). Multi-Paxos:
    /// it stops leading and waits to hear from the new leader.
    pub fn on_nack(&mut self, p: &Paxos, ctx: &mut Ctx, ballot: Ballot, promised: Ballot) {
        self.round = self.round.max(promised.round);
        if ballot != self.ballot || self.phase == Phase::Idle {
            return;
        }
        ctx.note(format_args!("gives up ballot {ballot}: an acceptor promised {promised}"));
        self.give_up(p, ctx);
        if p.multi {
            self.leader = Some(promised);
        }
    }

    /// Its ballot failed (refused, or a phase went unanswered).
    fn give_up(&mut self, p: &Paxos, ctx: &mut Ctx) {
        let was_leading = self.leading(p);
        self.phase = Phase::Idle;
        self.proposals.clear();
        self.failures += 1;
        ctx.cancel_timer(Timer::Phase(self.ballot));
        if p.multi {
            if was_leading {
                ctx.cancel_timer(Timer::Heartbeat);
                self.leader = None;
                // Its clients ask again elsewhere; what it proposed may still be chosen.
                for (request, _) in self.waiting.drain(..) {
                    ctx.refuse(request, "this proposer no longer leads");
                }
            }
            self.arm_election(p, ctx);
        } else if p.backoff {
            let most = p.timing.backoff_ms << self.failures.min(4);
            ctx.set_timer(Timer::Retry, Delay::Between(0, most));
        } else {
            self.begin_ballot(p, ctx);
        }
    }

    /// A phase went unanswered by a majority (lost messages, crashed or
    /// cut-off acceptors): the ballot is given up like a refused one.
    pub fn on_phase_timeout(&mut self, p: &Paxos, ctx: &mut Ctx, ballot: Ballot) {
        if ballot == self.ballot && self.phase != Phase::Idle && !self.leading(p) {
            ctx.note(format_args!("ballot {ballot} went unanswered"));
            self.give_up(p, ctx);
        }
    }

    /// Single-decree: the backoff is over; a ballot starts if a client still waits.
    pub fn on_retry(&mut self, p: &Paxos, ctx: &mut Ctx) {
        if self.phase == Phase::Idle && !self.waiting.is_empty() && self.chosen_in(0).is_none() {
            self.begin_ballot(p, ctx);
        }
    }

    pub fn arm_election(&self, p: &Paxos, ctx: &mut Ctx) {
        let lo = p.timing.election_ms;
        ctx.set_timer(Timer::Election, Delay::Between(lo, 2 * lo));
    }

    /// Multi-Paxos: no heartbeat from a leader for an election timeout, so
    /// this proposer runs phase 1 for every open slot.
    pub fn on_election_timeout(&mut self, p: &Paxos, ctx: &mut Ctx) {
        if self.leading(p) {
            return;
        }
        self.arm_election(p, ctx);
        if self.phase == Phase::Idle {
            self.begin_ballot(p, ctx);
        }
    }

    /// Multi-Paxos: the leader tells the other proposers it is alive, and
    /// sends again the accept requests that went unanswered.
    pub fn on_heartbeat_timer(&mut self, p: &Paxos, ctx: &mut Ctx) {
        if !self.leading(p) {
            return;
        }
        let me = ctx.id();
        for proposer in p.proposer_ids().filter(|&n| n != me) {
            ctx.send(proposer, Msg::Heartbeat { ballot: self.ballot });
        }
        let now = ctx.now();
        // Cut off from the acceptors but not from the other proposers, a
        // leader would hold them off forever: unanswered for two election
        // timeouts, it steps down and lets another try.
        if self.proposals.iter().any(|pr| now >= pr.proposed_at + 2 * p.timing.election_ms) {
            ctx.note(format_args!("no majority answers ballot {}: steps down", self.ballot));
            return self.give_up(p, ctx);
        }
        let stale = p.timing.resend_ms;
        for proposal in self.proposals.iter_mut().filter(|pr| now >= pr.sent_at + stale) {
            proposal.sent_at = now;
            for acceptor in p.acceptor_ids().filter(|&a| !proposal.accepted_by.contains(a)) {
                ctx.send(acceptor, Msg::Accept(proposal.accept));
            }
        }
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(p.timing.heartbeat_ms));
    }

    /// Multi-Paxos: a leader with a ballot at least as high as this
    /// proposer's is alive: it defers (and stops leading, if it led).
    pub fn on_heartbeat(&mut self, p: &Paxos, ctx: &mut Ctx, ballot: Ballot) {
        if ballot < self.ballot {
            return;
        }
        self.round = self.round.max(ballot.round);
        if self.phase != Phase::Idle {
            ctx.note(format_args!("defers to the leader of ballot {ballot}"));
            self.give_up(p, ctx);
        }
        self.leader = Some(ballot);
        self.failures = 0;
        self.arm_election(p, ctx);
        // Held commands go to the leader.
        if !self.queued.is_empty() {
            self.queued.clear();
            for (request, _) in self.waiting.drain(..) {
                ctx.redirect(request, p.proposer_node(ballot), format!("the leader is P{}", ballot.proposer + 1));
            }
        }
    }
}
