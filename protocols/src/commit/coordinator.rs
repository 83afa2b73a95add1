//! The coordinator's rules: begin, collect votes, decide, make the decision stick.

use crate::sim::ctx::Delay;
use crate::sim::nodes::NodeSet;
use crate::sim::protocol::{Protocol, Request};
use crate::sim::time::NodeId;

use super::msg::{Msg, Outcome, Record, State, Tx};
use super::node::{Active, Coordinator, Ctx, Node, Role};
use super::{Commit, Op, Phases, Timer};

impl Node {
    fn coordinator(&mut self) -> &mut Coordinator {
        match &mut self.role {
            Role::Coordinator(c) => c,
            Role::Cohort(_) => unreachable!("only node {} coordinates", super::COORDINATOR),
        }
    }

    fn active(&mut self, tx: Tx) -> Option<&mut Active> {
        self.coordinator().active.iter_mut().find(|a| a.tx == tx)
    }

    /// A client asks to run a transaction: phase 1 (2PC's PREPARE, 3PC's
    /// CanCommit?). Nothing is written: a coordinator that crashes now has
    /// decided nothing, and aborts (presumed abort). A retry of a decided
    /// transaction is told the outcome again; of one being decided, waits;
    /// of one it has no trace of, may be of one it began before a crash (and
    /// whose cohorts may be deciding it without it): presumed aborted.
    pub fn on_begin(&mut self, p: &Commit, ctx: &mut Ctx, request: Request<Op>) {
        let tx = request.id;
        if let Some(outcome) = self.state(tx).decided() {
            return ctx.reply(tx, outcome);
        }
        if self.active(tx).is_some() || self.coordinator().recovering.iter().any(|&(t, _)| t == tx) {
            return;
        }
        if request.attempt > 1 {
            ctx.note(format_args!("t{tx}: a retry, and no trace of it: presumed aborted"));
            return self.decide(p, ctx, tx, Outcome::Abort);
        }
        let Op::Begin { vote_no } = request.op;
        self.coordinator().active.push(Active { tx, yes: NodeSet::default(), pre_committed: None });
        ctx.note(format_args!("t{tx}: asks every cohort to prepare"));
        for cohort in p.cohorts() {
            ctx.send(cohort, Msg::Prepare { tx, vote_no: vote_no.contains(cohort) });
        }
        ctx.set_timer(Timer::Votes(tx), Delay::Fixed(p.timing.votes_ms));
    }

    /// A vote: NO aborts at once; the last YES commits (2PC) or starts the
    /// pre-commit round (3PC). The decision is written before it is sent.
    pub fn on_vote(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx, yes: bool) {
        let Some(active) = self.active(tx).filter(|a| a.pre_committed.is_none()) else { return };
        if !yes {
            ctx.note(format_args!("t{tx}: {} votes NO", p.node_name(from)));
            return self.decide(p, ctx, tx, Outcome::Abort);
        }
        active.yes = active.yes.with(from);
        if active.yes.len() < p.cohorts().count() {
            return;
        }
        ctx.cancel_timer(Timer::Votes(tx));
        match p.phases {
            Phases::Two => self.decide(p, ctx, tx, Outcome::Commit),
            Phases::Three => {
                ctx.note(format_args!("t{tx}: every vote is YES; pre-commit"));
                self.write(ctx, Record::PreCommitted(tx));
                if let Some(a) = self.active(tx) {
                    a.pre_committed = Some(NodeSet::default());
                }
                for cohort in p.cohorts() {
                    ctx.send(cohort, Msg::PreCommit { tx });
                }
                ctx.set_timer(Timer::Resend, Delay::Fixed(p.timing.resend_ms));
            }
        }
    }

    /// 3PC: a cohort is pre-committed; when all are, DoCommit.
    pub fn on_pre_commit_ack(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx) {
        let Some(acked) = self.active(tx).and_then(|a| a.pre_committed.as_mut()) else { return };
        *acked = acked.with(from);
        if acked.len() == p.cohorts().count() {
            self.decide(p, ctx, tx, Outcome::Commit);
        }
    }

    /// The votes did not all come in time: abort.
    pub fn on_votes_timeout(&mut self, p: &Commit, ctx: &mut Ctx, tx: Tx) {
        if self.active(tx).is_some_and(|a| a.pre_committed.is_none()) {
            ctx.note(format_args!("t{tx}: not every vote came in time"));
            self.decide(p, ctx, tx, Outcome::Abort);
        }
    }

    /// Phase 2: write the decision, then tell every cohort (again until each
    /// acknowledges) and the client.
    pub fn decide(&mut self, p: &Commit, ctx: &mut Ctx, tx: Tx, outcome: Outcome) {
        ctx.cancel_timer(Timer::Votes(tx));
        if self.state(tx).decided().is_none() {
            self.write(ctx, Record::Decided(tx, outcome));
        }
        let outcome = self.state(tx).decided().unwrap_or(outcome);
        let c = self.coordinator();
        c.active.retain(|a| a.tx != tx);
        c.recovering.retain(|&(t, _)| t != tx);
        if !c.unacked.iter().any(|&(t, _, _)| t == tx) {
            c.unacked.push((tx, outcome, NodeSet::default()));
        }
        ctx.note(format_args!("t{tx}: decided {outcome:?}"));
        for cohort in p.cohorts() {
            ctx.send(cohort, Msg::Decision { tx, outcome });
        }
        ctx.reply(tx, outcome);
        ctx.set_timer(Timer::Resend, Delay::Fixed(p.timing.resend_ms));
    }

    /// A cohort has the outcome; once all have, the coordinator forgets the transaction.
    pub fn on_ack(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx) {
        let c = self.coordinator();
        let Some(i) = c.unacked.iter().position(|&(t, _, _)| t == tx) else { return };
        c.unacked[i].2 = c.unacked[i].2.with(from);
        if c.unacked[i].2.len() == p.cohorts().count() {
            c.unacked.remove(i);
            self.write(ctx, Record::Ended(tx));
        }
    }

    /// Sends again what has not been acknowledged: decisions, PreCommit, and
    /// (3PC, after a restart) the question of where each cohort stands.
    pub fn on_resend(&mut self, p: &Commit, ctx: &mut Ctx) {
        let c = self.coordinator();
        let mut busy = false;
        for &(tx, outcome, acked) in &c.unacked {
            for cohort in p.cohorts().filter(|&n| !acked.contains(n)) {
                ctx.send(cohort, Msg::Decision { tx, outcome });
                busy = true;
            }
        }
        for &Active { tx, pre_committed, .. } in &c.active {
            let Some(acked) = pre_committed else { continue };
            for cohort in p.cohorts().filter(|&n| !acked.contains(n)) {
                ctx.send(cohort, Msg::PreCommit { tx });
                busy = true;
            }
        }
        for &(tx, _) in &c.recovering {
            for cohort in p.cohorts() {
                ctx.send(cohort, Msg::StateRequest { tx });
                busy = true;
            }
        }
        if busy {
            ctx.set_timer(Timer::Resend, Delay::Fixed(p.timing.resend_ms));
        }
    }

    /// A cohort asks where the coordinator stands: it answers with its
    /// decision. A 2PC coordinator that has no decision and is not deciding
    /// the transaction now lost it in a crash: it decides abort (presumed abort).
    pub fn on_coordinator_state_request(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx) {
        let c = self.coordinator();
        let deciding = c.active.iter().any(|a| a.tx == tx) || c.recovering.iter().any(|&(t, _)| t == tx);
        if self.state(tx).decided().is_none() && !deciding && p.phases == Phases::Two {
            ctx.note(format_args!("t{tx}: no decision on record: abort"));
            self.decide(p, ctx, tx, Outcome::Abort);
        }
        if let Some(outcome) = self.state(tx).decided() {
            ctx.send(from, Msg::StateReply { tx, state: State::of(outcome) });
        }
    }

    /// A cohort's state. A decided cohort settles a transaction this
    /// coordinator has not decided (a 3PC recovery coordinator decided it
    /// while this one was away). After a restart (3PC), for a transaction it
    /// had pre-committed but not decided: a pre-committed cohort means
    /// PreCommit went out, so the round resumes; every cohort uncertain
    /// means no one can have committed: abort.
    pub fn on_coordinator_state_reply(&mut self, p: &Commit, ctx: &mut Ctx, from: NodeId, tx: Tx, state: State) {
        if let Some(outcome) = state.decided() {
            if self.state(tx).decided().is_none() {
                self.decide(p, ctx, tx, outcome);
            }
            return;
        }
        let c = self.coordinator();
        if !c.recovering.iter().any(|&(t, _)| t == tx) {
            return;
        }
        if state == State::PreCommitted {
            c.recovering.retain(|&(t, _)| t != tx);
            let acked = NodeSet::default().with(from);
            c.active.push(Active { tx, yes: NodeSet::default(), pre_committed: Some(acked) });
            for cohort in p.cohorts() {
                ctx.send(cohort, Msg::PreCommit { tx });
            }
            return;
        }
        let Some((_, uncertain)) = c.recovering.iter_mut().find(|(t, _)| *t == tx) else { return };
        *uncertain = uncertain.with(from);
        if uncertain.len() == p.cohorts().count() {
            ctx.note(format_args!("t{tx}: every cohort is uncertain, so no one committed"));
            self.decide(p, ctx, tx, Outcome::Abort);
        }
    }
}
