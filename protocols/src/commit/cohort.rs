//! A cohort's rules: vote, hold the lock, learn the outcome; when the
//! coordinator goes silent, 2PC blocks (or asks its peers) and 3PC runs the
//! termination protocol.

use crate::sim::ctx::Delay;
use crate::sim::nodes::NodeSet;
use crate::sim::protocol::Protocol;
use crate::sim::time::NodeId;

use super::msg::{Msg, Outcome, Record, State, Tx};
use super::node::{Ctx, Lock, Node, Termination};
use super::{COORDINATOR, Commit, Phases, Timer, Variant};

impl Node {
    /// The lock this cohort holds for `tx`, if it voted YES and awaits the outcome.
    pub fn lock(&mut self, tx: Tx) -> Option<&mut Lock> {
        self.cohort()?.locks.iter_mut().find(|l| l.tx == tx)
    }

    fn termination(&mut self, tx: Tx) -> Option<&mut Termination> {
        self.cohort()?.terminations.iter_mut().find(|t| t.tx == tx)
    }

    /// Phase 1: a cohort that can commit saves its work (the prepared
    /// record) *before* it votes YES, and holds its lock until it learns the
    /// outcome; one that cannot votes NO and aborts at once.
    pub fn on_prepare(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx, vote_no: bool) {
        match self.state(tx) {
            State::Aborted => return ctx.send(from, Msg::Vote { tx, yes: false }),
            State::Ready | State::PreCommitted => return ctx.send(from, Msg::Vote { tx, yes: true }),
            State::Committed => return,
            State::Init => {}
        }
        if vote_no {
            ctx.note(format_args!("t{tx}: cannot commit; votes NO and aborts"));
            self.write(ctx, Record::Decided(tx, Outcome::Abort));
            return ctx.send(from, Msg::Vote { tx, yes: false });
        }
        if p.variant == Variant::VoteBeforeLog {
            // The bug: the YES leaves before the prepared record is on disk.
            self.wal.push(Record::Prepared(tx));
            self.set_state(tx, State::Ready);
        } else {
            self.write(ctx, Record::Prepared(tx));
        }
        let now = ctx.now();
        if let Some(c) = self.cohort() {
            c.locks.push(Lock { tx, since: now, recovered: false, blocked_since: None });
        }
        ctx.note(format_args!("t{tx}: prepared; votes YES and holds its lock"));
        ctx.send(from, Msg::Vote { tx, yes: true });
        ctx.set_timer(Timer::Patience(tx), Delay::Fixed(p.timing.patience_ms));
    }

    /// 3PC: everyone voted YES. A cohort that never prepared (its record was
    /// lost) cannot go along.
    pub fn on_pre_commit(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx) {
        match self.state(tx) {
            State::Ready => {
                self.write(ctx, Record::PreCommitted(tx));
                ctx.note(format_args!("t{tx}: pre-committed"));
                ctx.set_timer(Timer::Patience(tx), Delay::Fixed(p.timing.patience_ms));
            }
            State::PreCommitted => {}
            State::Init => {
                self.learn(ctx, tx, Outcome::Abort, "it never prepared");
                return ctx.send(from, Msg::StateReply { tx, state: State::Aborted });
            }
            state => return ctx.send(from, Msg::StateReply { tx, state }),
        }
        ctx.send(from, Msg::PreCommitAck { tx });
    }

    /// The outcome, from the coordinator or a peer: write it, release the
    /// lock, acknowledge. COMMIT for work that was never prepared (the record
    /// lost in a crash) cannot be carried out: that cohort aborts.
    pub fn on_decision(&mut self, ctx: &mut Ctx, from: NodeId, tx: Tx, outcome: Outcome) {
        if outcome == Outcome::Commit && self.state(tx) == State::Init {
            self.learn(ctx, tx, Outcome::Abort, "its prepared work is gone");
        } else {
            self.learn(ctx, tx, outcome, "told");
        }
        ctx.send(from, Msg::Ack { tx });
    }

    /// Takes `outcome` for `tx` unless already decided, and releases its lock.
    pub fn learn(&mut self, ctx: &mut Ctx, tx: Tx, outcome: Outcome, why: impl std::fmt::Display) {
        if self.state(tx).decided().is_some() {
            return;
        }
        self.write(ctx, Record::Decided(tx, outcome));
        ctx.note(format_args!("t{tx}: {outcome:?} ({why})"));
        ctx.cancel_timer(Timer::Patience(tx));
        if let Some(c) = self.cohort() {
            c.locks.retain(|l| l.tx != tx);
            c.terminations.retain(|t| t.tx != tx);
        }
    }

    /// The coordinator has been silent too long. A 2PC cohort that voted YES
    /// cannot decide alone: it is blocked, and asks (the coordinator; its
    /// peers too with cooperative termination). A 3PC cohort starts the
    /// termination protocol.
    pub fn on_patience(&mut self, p: &Commit, ctx: &mut Ctx, tx: Tx) {
        if self.state(tx).decided().is_some() || self.lock(tx).is_none() {
            return;
        }
        if p.variant == Variant::PresumedCommitOnTimeout {
            return self.learn(ctx, tx, Outcome::Commit, "tired of waiting, presumes commit");
        }
        let now = ctx.now();
        if let Some(lock) = self.lock(tx)
            && lock.blocked_since.is_none()
        {
            lock.blocked_since = Some(now);
            ctx.note(format_args!("t{tx}: blocked, holding its lock"));
        }
        ctx.set_timer(Timer::Patience(tx), Delay::Fixed(p.timing.patience_ms));
        match p.phases {
            Phases::Two => {
                ctx.send(COORDINATOR, Msg::StateRequest { tx });
                if p.cooperative_termination {
                    for peer in p.cohorts().filter(|&n| n != self.id) {
                        ctx.send(peer, Msg::StateRequest { tx });
                    }
                }
            }
            Phases::Three => self.start_termination(p, ctx, tx),
        }
    }

    /// 3PC: ask every node where it stands, and decide when the window closes.
    fn start_termination(&mut self, p: &Commit, ctx: &mut Ctx, tx: Tx) {
        let (id, state) = (self.id, self.state(tx));
        if self.termination(tx).is_some() {
            return;
        }
        let Some(c) = self.cohort() else { return };
        c.terminations.push(Termination { tx, replies: vec![(id, state)], pre_committing: None });
        ctx.note(format_args!("t{tx}: termination protocol: collects states"));
        for peer in (0..p.nodes).filter(|&n| n != id) {
            ctx.send(peer, Msg::StateRequest { tx });
        }
        ctx.set_timer(Timer::Collect(tx), Delay::Fixed(p.timing.collect_ms));
    }

    /// Someone asks where this cohort stands. One that has not voted aborts
    /// first (it may: it promised nothing), so its answer can settle the
    /// asker. An uncertain 3PC cohort joins the termination protocol.
    pub fn on_state_request(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx) {
        if self.state(tx) == State::Init && self.lock(tx).is_none() {
            self.learn(ctx, tx, Outcome::Abort, "asked before it voted");
        }
        let state = self.state(tx);
        ctx.send(from, Msg::StateReply { tx, state });
        if p.phases == Phases::Three && state.decided().is_none() && self.lock(tx).is_some() {
            self.start_termination(p, ctx, tx);
        }
    }

    /// An answer: a decided node settles it; 3PC's termination counts the rest.
    pub fn on_state_reply(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx, state: State) {
        if let Some(outcome) = state.decided() {
            return self.learn(ctx, tx, outcome, format_args!("{} knew", p.node_name(from)));
        }
        match self.termination(tx) {
            Some(t) if !t.replies.iter().any(|&(n, _)| n == from) => t.replies.push((from, state)),
            _ => ctx.note(format_args!("t{tx}: {} is uncertain too", p.node_name(from))),
        }
    }

    /// 3PC: a responder acknowledged this recovery coordinator's PreCommit.
    pub fn on_cohort_pre_commit_ack(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx) {
        let Some(t) = self.termination(tx) else { return };
        let Some(acked) = t.pre_committing.as_mut() else { return };
        *acked = acked.with(from);
        let uncertain = t.replies.iter().filter(|(_, s)| s.decided().is_none()).count();
        if acked.len() >= uncertain {
            self.announce(p, ctx, tx, Outcome::Commit, "every responder is pre-committed");
        }
    }

    /// 3PC, when the collection window closes. The lowest-numbered uncertain
    /// responder is the recovery coordinator; the others wait for it. Its
    /// rules (Skeen): anyone pre-committed means everyone voted YES, so it
    /// pre-commits the uncertain ones, then commits; everyone uncertain means
    /// no one can have committed, so it aborts; unless it restarted itself
    /// uncertain and some cohort has not answered (it cannot tell what was
    /// decided while it was down): then it stays blocked.
    pub fn on_collect(&mut self, p: &Commit, ctx: &mut Ctx, tx: Tx) {
        let (id, now) = (self.id, self.state(tx));
        let recovered = self.lock(tx).is_some_and(|l| l.recovered);
        let Some(t) = self.termination(tx) else { return };
        // Its own state may have moved on (a PreCommit) since it began collecting.
        t.replies.retain(|&(n, _)| n != id);
        t.replies.push((id, now));
        if t.pre_committing.is_some() {
            return self.announce(p, ctx, tx, Outcome::Commit, "pre-committed every responder it could");
        }
        let leader = t.replies.iter().filter(|(_, s)| s.decided().is_none()).map(|&(n, _)| n).min();
        if leader != Some(id) {
            return self.end_termination(tx);
        }
        let answered = t.replies.iter().filter(|&&(n, _)| n != COORDINATOR).count();
        if t.replies.iter().any(|&(_, s)| s == State::PreCommitted) {
            let uncertain: Vec<NodeId> =
                t.replies.iter().filter(|&&(n, s)| s.decided().is_none() && n != id).map(|&(n, _)| n).collect();
            t.pre_committing = Some(NodeSet::default());
            if self.state(tx) == State::Ready {
                self.write(ctx, Record::PreCommitted(tx));
            }
            ctx.note(format_args!("t{tx}: recovery coordinator: someone is pre-committed, so pre-commit all"));
            for n in uncertain {
                ctx.send(n, Msg::PreCommit { tx });
            }
            ctx.set_timer(Timer::Collect(tx), Delay::Fixed(p.timing.collect_ms));
            self.on_cohort_pre_commit_ack(p, ctx, id, tx);
        } else if !recovered || answered == p.cohorts().count() {
            self.announce(p, ctx, tx, Outcome::Abort, "recovery coordinator: everyone it reached is uncertain");
        } else {
            ctx.note(format_args!("t{tx}: restarted uncertain, and not every cohort answered: stays blocked"));
            self.end_termination(tx);
        }
    }

    /// Another cohort leads the termination, or no one can yet: wait (the
    /// patience timer starts a new round).
    fn end_termination(&mut self, tx: Tx) {
        if let Some(c) = self.cohort() {
            c.terminations.retain(|t| t.tx != tx);
        }
    }

    /// A recovery coordinator's decision: its own, then everyone's.
    fn announce(&mut self, p: &Commit, ctx: &mut Ctx, tx: Tx, outcome: Outcome, why: impl std::fmt::Display) {
        self.learn(ctx, tx, outcome, why);
        for peer in (0..p.nodes).filter(|&n| n != self.id) {
            ctx.send(peer, Msg::Decision { tx, outcome });
        }
    }
}
