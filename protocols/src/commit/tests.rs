//! One test per rule. Each drives a node's handlers directly and reads what
//! it did: its state, what it sent, whether it persisted first.

use crate::sim::ctx::testing;
use crate::sim::nodes::NodeSet;
use crate::sim::params::Params;
use crate::sim::protocol::{Protocol, Request, Start};
use crate::sim::scenario::Scenario;

use super::msg::{Msg, Outcome, Record, State};
use super::node::{Ctx, Node, Role};
use super::{COORDINATOR, Commit, Op, Timer};

type Did = testing::Did<Commit>;

/// 2PC or 3PC with a coordinator and three cohorts.
fn commit(protocol: &str, variant: &str, params: &str) -> Commit {
    let json = format!(
        r#"{{"version":1,"protocol":"{protocol}","variant":"{variant}","nodes":4,"seed":1,"params":{params},"network":{{"latency_ms":[10,10]}},"until_ms":1000}}"#
    );
    let scenario = Scenario::from_json(&json).unwrap();
    let info = *Commit::family().iter().find(|i| i.name == protocol).unwrap();
    let pins = info.variant(variant).unwrap().pins;
    Commit::configure(&scenario, &Params::read(info.params, pins, &scenario.params).unwrap()).unwrap()
}

fn on(node: &mut Node, handler: impl FnOnce(&mut Node, &mut Ctx)) -> Did {
    Did::run(node.id, 1_000, 4, |ctx| handler(node, ctx))
}

fn begin(p: &Commit, c: &mut Node, tx: u64, attempt: u32) -> Did {
    on(c, |n, ctx| n.on_begin(p, ctx, Request { id: tx, attempt, op: Op::Begin { vote_no: NodeSet::default() } }))
}

fn decisions(did: &Did) -> Vec<(usize, Outcome)> {
    did.sent()
        .into_iter()
        .filter_map(|(to, m)| if let Msg::Decision { outcome, .. } = m { Some((to, outcome)) } else { None })
        .collect()
}

/// A coordinator that began t1 and heard YES from every cohort but the last.
fn voting(p: &Commit) -> Node {
    let mut c = p.init(COORDINATOR);
    begin(p, &mut c, 1, 1);
    for cohort in 1..3 {
        on(&mut c, |n, ctx| n.on_vote(p, ctx, cohort, 1, true));
    }
    c
}

fn prepared(p: &Commit, id: usize) -> Node {
    let mut cohort = p.init(id);
    on(&mut cohort, |n, ctx| n.on_prepare(p, ctx, COORDINATOR, 1, false));
    cohort
}

#[test]
fn phase_1_a_cohort_writes_its_prepared_record_before_it_votes_yes() {
    let p = commit("2pc", "correct", "{}");
    let mut cohort = p.init(1);
    let did = on(&mut cohort, |n, ctx| n.on_prepare(&p, ctx, COORDINATOR, 1, false));
    assert!(did.persisted);
    assert_eq!(did.sent(), vec![(COORDINATOR, Msg::Vote { tx: 1, yes: true })]);
    assert_eq!(cohort.wal.to_vec(), vec![Record::Prepared(1)]);
    assert!(matches!(&cohort.role, Role::Cohort(c) if c.locks.len() == 1), "the YES holds a lock");
}

#[test]
fn vote_before_log_sends_yes_without_persisting() {
    let p = commit("2pc", "vote-before-log", "{}");
    let mut cohort = p.init(1);
    let did = on(&mut cohort, |n, ctx| n.on_prepare(&p, ctx, COORDINATOR, 1, false));
    assert!(!did.persisted, "the bug: the record is not on disk when the YES leaves");
    assert_eq!(did.sent(), vec![(COORDINATOR, Msg::Vote { tx: 1, yes: true })]);
}

#[test]
fn phase_1_a_cohort_that_cannot_commit_votes_no_and_aborts_at_once() {
    let p = commit("2pc", "correct", "{}");
    let mut cohort = p.init(1);
    let did = on(&mut cohort, |n, ctx| n.on_prepare(&p, ctx, COORDINATOR, 1, true));
    assert_eq!(did.sent(), vec![(COORDINATOR, Msg::Vote { tx: 1, yes: false })]);
    assert_eq!(cohort.state(1), State::Aborted);
    assert!(did.persisted);
}

#[test]
fn phase_2_the_coordinator_commits_only_when_every_vote_is_yes_and_writes_it_first() {
    let p = commit("2pc", "correct", "{}");
    let mut c = voting(&p);
    assert_eq!(c.state(1), State::Init, "one vote is missing");
    let did = on(&mut c, |n, ctx| n.on_vote(&p, ctx, 3, 1, true));
    assert!(did.persisted);
    assert_eq!(decisions(&did), vec![(1, Outcome::Commit), (2, Outcome::Commit), (3, Outcome::Commit)]);
    assert_eq!(did.replies(), vec![Outcome::Commit]);
    assert_eq!(c.wal.to_vec(), vec![Record::Decided(1, Outcome::Commit)]);
}

#[test]
fn phase_2_one_no_vote_aborts() {
    let p = commit("2pc", "correct", "{}");
    let mut c = voting(&p);
    let did = on(&mut c, |n, ctx| n.on_vote(&p, ctx, 3, 1, false));
    assert_eq!(decisions(&did).len(), 3);
    assert!(decisions(&did).iter().all(|&(_, o)| o == Outcome::Abort));
}

#[test]
fn a_coordinator_that_waits_too_long_for_votes_aborts() {
    let p = commit("2pc", "correct", "{}");
    let mut c = voting(&p);
    let did = on(&mut c, |n, ctx| n.on_votes_timeout(&p, ctx, 1));
    assert_eq!(c.state(1), State::Aborted);
    assert_eq!(did.replies(), vec![Outcome::Abort]);
}

#[test]
fn the_decision_is_sent_again_until_every_cohort_acknowledges_then_forgotten() {
    let p = commit("2pc", "correct", "{}");
    let mut c = voting(&p);
    on(&mut c, |n, ctx| n.on_vote(&p, ctx, 3, 1, true));
    on(&mut c, |n, ctx| n.on_ack(&p, ctx, 1, 1));
    let resent = on(&mut c, |n, ctx| n.on_resend(&p, ctx));
    assert_eq!(decisions(&resent), vec![(2, Outcome::Commit), (3, Outcome::Commit)]);
    on(&mut c, |n, ctx| n.on_ack(&p, ctx, 2, 1));
    let last = on(&mut c, |n, ctx| n.on_ack(&p, ctx, 3, 1));
    assert!(last.persisted);
    assert_eq!(c.wal.to_vec().last(), Some(&Record::Ended(1)));
    assert!(decisions(&on(&mut c, |n, ctx| n.on_resend(&p, ctx))).is_empty());
}

#[test]
fn a_prepared_2pc_cohort_cannot_decide_alone_it_blocks_and_asks() {
    let p = commit("2pc", "correct", "{}");
    let mut cohort = prepared(&p, 1);
    let did = on(&mut cohort, |n, ctx| n.on_patience(&p, ctx, 1));
    assert_eq!(cohort.state(1), State::Ready, "still undecided");
    assert!(matches!(&cohort.role, Role::Cohort(c) if c.locks[0].blocked_since == Some(1_000)));
    assert_eq!(did.sent(), vec![(COORDINATOR, Msg::StateRequest { tx: 1 })], "asks the coordinator only");
}

#[test]
fn cooperative_termination_asks_the_peers_too_and_a_peer_that_knows_settles_it() {
    let p = commit("2pc", "correct", r#"{"cooperative_termination":true}"#);
    let mut cohort = prepared(&p, 1);
    let asked: Vec<usize> =
        on(&mut cohort, |n, ctx| n.on_patience(&p, ctx, 1)).sent().into_iter().map(|(to, _)| to).collect();
    assert_eq!(asked, vec![0, 2, 3]);
    on(&mut cohort, |n, ctx| n.on_state_reply(&p, ctx, 2, 1, State::Ready));
    assert_eq!(cohort.state(1), State::Ready, "an uncertain peer cannot help");
    on(&mut cohort, |n, ctx| n.on_state_reply(&p, ctx, 3, 1, State::Committed));
    assert_eq!(cohort.state(1), State::Committed);
    assert!(matches!(&cohort.role, Role::Cohort(c) if c.locks.is_empty()), "the lock is released");
}

#[test]
fn a_cohort_asked_before_it_voted_aborts_first_then_answers() {
    let p = commit("2pc", "correct", "{}");
    let mut cohort = p.init(2);
    let did = on(&mut cohort, |n, ctx| n.on_state_request(&p, ctx, 1, 1));
    assert_eq!(did.sent(), vec![(1, Msg::StateReply { tx: 1, state: State::Aborted })]);
    assert_eq!(
        on(&mut cohort, |n, ctx| n.on_prepare(&p, ctx, COORDINATOR, 1, false)).sent(),
        vec![(COORDINATOR, Msg::Vote { tx: 1, yes: false })]
    );
}

#[test]
fn presumed_commit_on_timeout_commits_alone() {
    let p = commit("2pc", "presumed-commit-on-timeout", "{}");
    let mut cohort = prepared(&p, 1);
    on(&mut cohort, |n, ctx| n.on_patience(&p, ctx, 1));
    assert_eq!(cohort.state(1), State::Committed);
}

#[test]
fn a_restarted_prepared_cohort_takes_its_lock_again_and_asks() {
    let p = commit("2pc", "correct", "{}");
    let before = prepared(&p, 1);
    let mut cohort = p.recover(1, p.durable(&before));
    let did = on(&mut cohort, |n, ctx| p.on_start(n, ctx, Start::Restart));
    assert_eq!(cohort.state(1), State::Ready);
    assert!(matches!(&cohort.role, Role::Cohort(c) if c.locks.len() == 1 && c.locks[0].recovered));
    assert!(did.sent().contains(&(COORDINATOR, Msg::StateRequest { tx: 1 })));
}

#[test]
fn commit_for_work_never_prepared_cannot_be_carried_out() {
    let p = commit("2pc", "correct", "{}");
    let mut cohort = p.init(1);
    on(&mut cohort, |n, ctx| n.on_decision(ctx, COORDINATOR, 1, Outcome::Commit));
    assert_eq!(cohort.state(1), State::Aborted);
}

#[test]
fn presumed_abort_a_restarted_coordinator_with_no_decision_aborts() {
    let p = commit("2pc", "correct", "{}");
    let mut c = p.recover(COORDINATOR, p.durable(&voting(&p)));
    let did = on(&mut c, |n, ctx| n.on_coordinator_state_request(&p, ctx, 2, 1));
    assert_eq!(c.state(1), State::Aborted);
    assert!(did.sent().contains(&(2, Msg::StateReply { tx: 1, state: State::Aborted })));
    // A client's retry of a transaction it has no trace of is presumed aborted too.
    let mut c = p.init(COORDINATOR);
    assert_eq!(begin(&p, &mut c, 7, 2).replies(), vec![Outcome::Abort]);
}

#[test]
fn three_phase_every_yes_leads_to_pre_commit_written_first_and_commit_after_every_ack() {
    let p = commit("3pc", "correct", "{}");
    let mut c = voting(&p);
    let did = on(&mut c, |n, ctx| n.on_vote(&p, ctx, 3, 1, true));
    assert!(did.persisted);
    assert_eq!(c.state(1), State::PreCommitted);
    assert_eq!(did.sent().iter().filter(|(_, m)| matches!(m, Msg::PreCommit { .. })).count(), 3);
    on(&mut c, |n, ctx| n.on_pre_commit_ack(&p, ctx, 1, 1));
    on(&mut c, |n, ctx| n.on_pre_commit_ack(&p, ctx, 2, 1));
    assert_eq!(c.state(1), State::PreCommitted);
    let did = on(&mut c, |n, ctx| n.on_pre_commit_ack(&p, ctx, 3, 1));
    assert_eq!(decisions(&did).len(), 3);
    assert_eq!(c.state(1), State::Committed);
}

/// P1, prepared and timed out, collects answers and closes the window.
fn terminate(p: &Commit, replies: &[(usize, State)], recovered: bool) -> (Node, Did) {
    let mut cohort = if recovered { p.recover(1, p.durable(&prepared(p, 1))) } else { prepared(p, 1) };
    let asked = on(&mut cohort, |n, ctx| n.on_patience(p, ctx, 1));
    assert!(
        asked.effects.iter().any(|e| matches!(e, crate::sim::ctx::Effect::SetTimer { timer: Timer::Collect(1), .. }))
    );
    for &(from, state) in replies {
        on(&mut cohort, |n, ctx| n.on_state_reply(p, ctx, from, 1, state));
    }
    let did = on(&mut cohort, |n, ctx| n.on_collect(p, ctx, 1));
    (cohort, did)
}

#[test]
fn termination_protocol_someone_pre_committed_means_pre_commit_everyone_then_commit() {
    let p = commit("3pc", "correct", "{}");
    let (mut cohort, did) = terminate(&p, &[(2, State::PreCommitted), (3, State::Ready)], false);
    assert_eq!(cohort.state(1), State::PreCommitted, "it pre-commits itself first");
    assert_eq!(did.sent(), vec![(2, Msg::PreCommit { tx: 1 }), (3, Msg::PreCommit { tx: 1 })]);
    on(&mut cohort, |n, ctx| n.on_cohort_pre_commit_ack(&p, ctx, 2, 1));
    let did = on(&mut cohort, |n, ctx| n.on_cohort_pre_commit_ack(&p, ctx, 3, 1));
    assert_eq!(cohort.state(1), State::Committed);
    assert_eq!(decisions(&did).len(), 3, "told to everyone, the coordinator too");
}

#[test]
fn termination_protocol_everyone_uncertain_means_no_one_committed_abort() {
    let p = commit("3pc", "correct", "{}");
    let (cohort, _) = terminate(&p, &[(3, State::Ready)], false);
    assert_eq!(cohort.state(1), State::Aborted);
}

#[test]
fn termination_protocol_the_lowest_uncertain_responder_leads() {
    let p = commit("3pc", "correct", "{}");
    let mut cohort = prepared(&p, 2);
    on(&mut cohort, |n, ctx| n.on_patience(&p, ctx, 1));
    on(&mut cohort, |n, ctx| n.on_state_reply(&p, ctx, 1, 1, State::Ready));
    let did = on(&mut cohort, |n, ctx| n.on_collect(&p, ctx, 1));
    assert_eq!(cohort.state(1), State::Ready, "P1 leads; P2 waits for it");
    assert!(did.sent().is_empty());
}

#[test]
fn termination_protocol_a_restarted_uncertain_cohort_does_not_abort_for_want_of_answers() {
    let p = commit("3pc", "correct", "{}");
    let (cohort, _) = terminate(&p, &[(3, State::Ready)], true);
    assert_eq!(cohort.state(1), State::Ready, "P2 did not answer: it may have committed while P1 was down");
    let (cohort, _) = terminate(&p, &[(2, State::Ready), (3, State::Ready)], true);
    assert_eq!(cohort.state(1), State::Aborted, "every cohort answered uncertain");
}
