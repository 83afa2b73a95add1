//! One test per rule. Each drives a role's handlers directly and reads what
//! it did: its state, what it sent, whether it persisted first.

use crate::raft::msg::{Command, Key};
use crate::sim::ctx::{Delay, Effect, testing};
use crate::sim::params::Params;
use crate::sim::protocol::{Protocol, Request};
use crate::sim::scenario::Scenario;

use super::acceptor::Acceptor;
use super::msg::{Accepted, Ballot, Msg, Value};
use super::node::{Ctx, Node};
use super::proposer::{Phase, Proposer};
use super::{Op, Paxos, Reply, Timer};

type Did = testing::Did<Paxos>;

/// Two proposers (nodes 0, 1), three acceptors (2–4), one learner (5).
fn paxos(protocol: &str, variant: &str, params: &str) -> Paxos {
    let json = format!(
        r#"{{"version":1,"protocol":"{protocol}","variant":"{variant}","nodes":6,"seed":1,"params":{{"proposers":2,"acceptors":3,"learners":1{params}}},"network":{{"latency_ms":[10,10]}},"until_ms":1000}}"#
    );
    let scenario = Scenario::from_json(&json).unwrap();
    let info = *Paxos::family().iter().find(|i| i.name == protocol).unwrap();
    Paxos::configure(&scenario, &Params::read(info.params, &[], &scenario.params).unwrap()).unwrap()
}

fn single() -> Paxos {
    paxos("paxos", "correct", "")
}

fn b(round: u32, proposer: u8) -> Ballot {
    Ballot { round, proposer }
}

fn text(t: &str) -> Value {
    Value::Plain { request: 1, text: Key::new(t).unwrap() }
}

fn run(id: usize, handler: impl FnOnce(&mut Ctx)) -> Did {
    Did::run(id, 1_000, 6, handler)
}

fn acceptor(p: &Paxos) -> Acceptor {
    let Node::Acceptor(a) = p.init(2) else { panic!("node 2 is an acceptor") };
    a
}

fn proposer(p: &Paxos, id: usize) -> Proposer {
    let Node::Proposer(pr) = p.init(id) else { panic!("node {id} is a proposer") };
    pr
}

/// A proposer that took a client's value `x` and sent Prepare 1.1.
fn preparing(p: &Paxos) -> Proposer {
    let mut pr = proposer(p, 0);
    let request = Request { id: 1, attempt: 1, op: Op::Propose { text: Key::new("x").unwrap() } };
    run(0, |ctx| pr.on_request(p, ctx, request));
    pr
}

#[test]
fn a_prepare_is_promised_on_disk_first_and_reports_the_highest_acceptance() {
    let p = single();
    let mut a = acceptor(&p);
    a.accepted.put(0, Some((b(1, 1), text("y"))), None);
    a.promised = b(1, 1);
    let did = run(2, |ctx| a.on_prepare(&p, ctx, 0, b(2, 0), 0));
    assert!(did.persisted, "the promise is on disk before it leaves");
    assert_eq!(a.promised, b(2, 0));
    let sent = did.sent();
    let accepted = vec![Accepted { slot: 0, ballot: b(1, 1), value: text("y") }];
    assert!(sent.contains(&(0, Msg::Promise { ballot: b(2, 0), accepted })), "{sent:?}");
    assert!(sent.contains(&(1, Msg::Nack { ballot: b(1, 1), promised: b(2, 0) })), "P2 learns it was overtaken");
}

#[test]
fn a_prepare_or_accept_below_the_promise_is_refused_naming_it() {
    let p = single();
    let mut a = acceptor(&p);
    a.promised = b(3, 1);
    let did = run(2, |ctx| a.on_prepare(&p, ctx, 0, b(2, 0), 0));
    assert_eq!(did.sent(), vec![(0, Msg::Nack { ballot: b(2, 0), promised: b(3, 1) })]);
    let did = run(2, |ctx| a.on_accept(&p, ctx, 0, Accepted { slot: 0, ballot: b(2, 0), value: text("x") }));
    assert_eq!(did.sent(), vec![(0, Msg::Nack { ballot: b(2, 0), promised: b(3, 1) })]);
    assert!(a.accepted.is_empty() && !did.persisted);
}

#[test]
fn an_accept_at_or_above_the_promise_is_accepted_on_disk_and_told_to_learners_and_the_proposer() {
    let p = single();
    let mut a = acceptor(&p);
    a.promised = b(2, 0);
    let acc = Accepted { slot: 0, ballot: b(2, 0), value: text("x") };
    let did = run(2, |ctx| a.on_accept(&p, ctx, 0, acc));
    assert!(did.persisted);
    assert_eq!(a.accepted_in(0), Some((b(2, 0), text("x"))));
    assert_eq!(did.sent(), vec![(5, Msg::Accepted(acc)), (0, Msg::Accepted(acc))]);
}

#[test]
fn a_forgetful_acceptor_writes_no_promise_to_disk() {
    let correct = single();
    let forgetful = paxos("paxos", "forgetful-acceptor", "");
    let mut a = acceptor(&correct);
    run(2, |ctx| a.on_prepare(&correct, ctx, 0, b(4, 0), 0));
    assert_eq!(correct.durable(&Node::Acceptor(a.clone())).promised, b(4, 0));
    assert_eq!(forgetful.durable(&Node::Acceptor(a)).promised, Ballot::NONE);
}

#[test]
fn a_new_ballot_is_above_every_round_used_or_heard_and_on_disk_before_prepare_leaves() {
    let p = single();
    let mut pr = proposer(&p, 0);
    pr.round = 7; // heard in a refusal, or used before a crash
    let request = Request { id: 1, attempt: 1, op: Op::Propose { text: Key::new("x").unwrap() } };
    let did = run(0, |ctx| pr.on_request(&p, ctx, request));
    assert!(did.persisted);
    assert_eq!((pr.ballot, pr.phase), (b(8, 0), Phase::Preparing));
    let prepares: Vec<usize> = did.sent().iter().map(|(to, _)| *to).collect();
    assert_eq!(prepares, [2, 3, 4], "every acceptor, no one else");
}

/// Phase 2 proposes the value of the highest-ballot acceptance reported,
/// and the proposer's own only if none was; `ignore-accepted` always its own.
#[test]
fn phase_2_proposes_the_highest_reported_value() {
    for (variant, expected) in [("correct", "z"), ("ignore-accepted", "x")] {
        let p = paxos("paxos", variant, "");
        let mut pr = preparing(&p);
        let report = |ballot, t| vec![Accepted { slot: 0, ballot, value: text(t) }];
        run(0, |ctx| pr.on_promise(&p, ctx, 2, b(1, 0), report(b(0, 1), "y")));
        let did = run(0, |ctx| pr.on_promise(&p, ctx, 3, b(1, 0), report(b(1, 1), "z")));
        let accepts: Vec<Msg> = did.sent().into_iter().map(|(_, m)| m).collect();
        let value = text(expected);
        assert_eq!(accepts, vec![Msg::Accept(Accepted { slot: 0, ballot: b(1, 0), value }); 3], "{variant}");
    }
    // With no report, its own value.
    let p = single();
    let mut pr = preparing(&p);
    run(0, |ctx| pr.on_promise(&p, ctx, 2, b(1, 0), vec![]));
    let did = run(0, |ctx| pr.on_promise(&p, ctx, 3, b(1, 0), vec![]));
    assert!(matches!(did.sent()[0].1, Msg::Accept(Accepted { value, .. }) if value == text("x")));
}

#[test]
fn a_majority_of_acceptances_chooses_the_value_and_answers_the_clients() {
    let p = single();
    let mut pr = preparing(&p);
    run(0, |ctx| pr.on_promise(&p, ctx, 2, b(1, 0), vec![]));
    run(0, |ctx| pr.on_promise(&p, ctx, 3, b(1, 0), vec![]));
    let acc = Accepted { slot: 0, ballot: b(1, 0), value: text("x") };
    let did = run(0, |ctx| pr.on_accepted(&p, ctx, 2, acc));
    assert!(did.replies().is_empty(), "one acceptance of three chooses nothing");
    let did = run(0, |ctx| pr.on_accepted(&p, ctx, 3, acc));
    assert_eq!(did.replies(), vec![Reply::Chosen(text("x"))]);
    assert_eq!((pr.chosen_in(0), pr.phase), (Some(text("x")), Phase::Idle));
}

/// Refused, a proposer tries a higher ballot: at once without backoff (the
/// duel), after a random wait with it.
#[test]
fn a_refused_ballot_is_retried_higher_at_once_or_after_a_backoff() {
    let p = paxos("paxos", "correct", r#","backoff":false"#);
    let mut pr = preparing(&p);
    let did = run(0, |ctx| pr.on_nack(&p, ctx, b(1, 0), b(4, 1)));
    assert_eq!(pr.ballot, b(5, 0), "above the ballot that refused it");
    assert!(matches!(did.sent()[0].1, Msg::Prepare { .. }));
    let p = single();
    let mut pr = preparing(&p);
    let did = run(0, |ctx| pr.on_nack(&p, ctx, b(1, 0), b(4, 1)));
    assert!(did.sent().is_empty());
    let waits =
        did.effects.iter().any(|e| matches!(e, Effect::SetTimer { timer: Timer::Retry, delay: Delay::Between(0, _) }));
    assert!(waits, "{:?}", did.effects);
    assert_eq!(pr.phase, Phase::Idle);
}

/// A learner needs a majority under one ballot: two acceptances under
/// different ballots are not a choice.
#[test]
fn a_learner_learns_from_a_majority_of_one_ballot_only() {
    let p = single();
    let Node::Learner(mut l) = p.init(5) else { panic!("node 5 is a learner") };
    run(5, |ctx| l.on_accepted(&p, ctx, 2, Accepted { slot: 0, ballot: b(1, 0), value: text("x") }));
    run(5, |ctx| l.on_accepted(&p, ctx, 3, Accepted { slot: 0, ballot: b(2, 1), value: text("x") }));
    assert_eq!(l.learned_in(0), None);
    let did = run(5, |ctx| l.on_accepted(&p, ctx, 4, Accepted { slot: 0, ballot: b(2, 1), value: text("x") }));
    assert!(did.persisted);
    assert_eq!(l.learned_in(0), Some(text("x")));
}

/// A new Multi-Paxos leader proposes again what promises reported, fills
/// the gaps below the highest with no-ops, and only then new commands;
/// `no-gap-fill` starts new commands at slot 1.
#[test]
fn a_new_leader_re_proposes_reported_slots_and_fills_gaps_with_no_ops() {
    let put = |request, value| Value::Command(Command::Put { request, key: Key::new("x").unwrap(), value });
    for (variant, expected) in
        [("correct", vec![(1, put(7, 1)), (2, Value::Command(Command::Noop)), (3, put(8, 2))]), ("no-gap-fill", vec![])]
    {
        let p = paxos("multi-paxos", variant, "");
        let mut pr = proposer(&p, 0);
        run(0, |ctx| pr.on_election_timeout(&p, ctx));
        let reported = vec![
            Accepted { slot: 1, ballot: b(1, 1), value: put(7, 1) },
            Accepted { slot: 3, ballot: b(1, 1), value: put(8, 2) },
        ];
        run(0, |ctx| pr.on_promise(&p, ctx, 2, pr.ballot, reported.clone()));
        let ballot = pr.ballot;
        let did = run(0, |ctx| pr.on_promise(&p, ctx, 3, ballot, vec![]));
        assert!(pr.leading(&p), "{variant}");
        let mut proposed: Vec<(u64, Value)> = did
            .sent()
            .into_iter()
            .filter_map(|(_, m)| if let Msg::Accept(a) = m { Some((a.slot, a.value)) } else { None })
            .collect();
        proposed.dedup();
        assert_eq!(proposed, expected, "{variant}");
    }
}

#[test]
fn roles_count_the_nodes() {
    let info = Paxos::info();
    let params = crate::sim::json::map;
    assert_eq!(info.nodes_for(&params(r#"{"proposers": 3}"#)), Some(3 + 3 + 1), "defaults fill the rest");
    assert_eq!(info.nodes_for(&params(r#"{"acceptors": 5, "learners": 2}"#)), Some(2 + 5 + 2));
    assert_eq!(crate::raft::Raft::info().nodes_for(&params("{}")), None);
}
