//! One test per rule, named after the section of the paper (or of the
//! dissertation) that states it. Each drives a server's handlers directly
//! and reads what it did: its state, what it sent, whether it persisted.

use crate::sim::ctx::Effect;
use crate::sim::params::Params;
use crate::sim::protocol::{Protocol, Request};
use crate::sim::scenario::Scenario;

use super::kv::Reply;
use super::msg::{AppendEntries, Appended, Command, Entry, Key, Msg, Servers};
use super::server::{Ctx, Role, Server};
use super::{Op, Raft};

fn raft(variant: &str, params: &str) -> Raft {
    let json = format!(
        r#"{{"version":1,"protocol":"raft","variant":"{variant}","nodes":3,"seed":1,"params":{params},"network":{{"latency_ms":[10,10]}},"until_ms":1000}}"#
    );
    let scenario = Scenario::from_json(&json).unwrap();
    let info = Raft::info();
    let pins = info.variant(variant).unwrap().pins;
    Raft::configure(&scenario, &Params::read(info.params, pins, &scenario.params).unwrap()).unwrap()
}

type Did = crate::sim::ctx::testing::Did<Raft>;

fn on(server: &mut Server, now: u64, handler: impl FnOnce(&mut Server, &mut Ctx)) -> Did {
    Did::run(server.id, now, 3, |ctx| handler(server, ctx))
}

fn entry(term: u64) -> Entry {
    Entry { term, command: Command::Noop }
}

fn put(request: u64, value: i64) -> Command {
    Command::Put { request, key: Key::new("x").unwrap(), value }
}

/// A server with a log of entries of these terms.
fn server(r: &Raft, id: usize, term: u64, terms: &[u64]) -> Server {
    let mut s = r.init(id);
    s.current_term = term;
    for &t in terms {
        s.append(entry(t));
    }
    s
}

fn vote(r: &Raft, s: &mut Server, candidate: usize, term: u64, last: (u64, u64)) -> Did {
    on(s, 1_000, |s, ctx| s.on_request_vote(r, ctx, candidate, term, last, false))
}

fn granted(did: &Did) -> bool {
    matches!(did.sent()[..], [(_, Msg::Vote { granted: true, .. })])
}

/// Makes `s` the leader of its current term, as an election would.
fn lead(r: &Raft, s: &mut Server) {
    s.current_term -= 1;
    on(s, 0, |s, ctx| s.on_election_timeout(r, ctx));
    let term = s.current_term;
    on(s, 0, |s, ctx| s.on_vote(r, ctx, (s.id + 1) % 3, term, true, false));
    assert!(s.is_leader());
}

fn append_entries(prev: (u64, u64), entries: Vec<Entry>, term: u64, leader_commit: u64) -> AppendEntries {
    AppendEntries { term, prev_log_index: prev.0, prev_log_term: prev.1, entries, leader_commit, round: 0 }
}

#[test]
fn s5_1_a_newer_term_turns_a_leader_into_a_follower() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 0, 2, &[1]);
    lead(&r, &mut s);
    let did = on(&mut s, 10, |s, ctx| {
        s.observe_term(&r, ctx, 7);
    });
    assert_eq!((s.current_term, s.voted_for, s.is_leader()), (7, None, false));
    assert!(did.persisted, "the new term is written before anything else");
}

#[test]
fn s5_2_one_vote_per_term_written_to_disk_before_the_answer() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 0, 1, &[1]);
    let first = vote(&r, &mut s, 1, 2, (1, 1));
    assert!(granted(&first) && first.persisted);
    assert_eq!(s.voted_for, Some(1));
    assert!(!granted(&vote(&r, &mut s, 2, 2, (1, 1))), "a second candidate of term 2 is refused");
    assert!(granted(&vote(&r, &mut s, 1, 2, (1, 1))), "the same candidate asking again is granted");
    assert!(!granted(&vote(&r, &mut s, 2, 1, (5, 1))), "an older term is refused");
}

#[test]
fn s5_2_a_candidate_with_a_majority_becomes_leader_and_appends_a_no_op() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 0, 0, &[]);
    let did = on(&mut s, 0, |s, ctx| s.on_election_timeout(&r, ctx));
    assert!(did.persisted && s.voted_for == Some(0) && s.current_term == 1);
    assert!(matches!(s.role, Role::Candidate { .. }));
    assert_eq!(did.sent().len(), 2, "RequestVote to both others");
    on(&mut s, 0, |s, ctx| s.on_vote(&r, ctx, 2, 1, true, false));
    assert!(s.is_leader());
    assert_eq!(s.log.to_vec(), vec![entry(1)], "§8: a no-op of its own term");
}

#[test]
fn s5_4_1_a_voter_refuses_a_candidate_whose_log_is_less_up_to_date() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 0, 3, &[1, 3]);
    assert!(!granted(&vote(&r, &mut s, 1, 4, (5, 2))), "a longer log of an older last term loses");
    assert!(!granted(&vote(&r, &mut s, 1, 4, (1, 3))), "the same last term but shorter loses");
    assert!(granted(&vote(&r, &mut s, 2, 5, (1, 4))), "a later last term wins, however short");
    // The broken variant skips exactly this check.
    let broken = raft("no-up-to-date-check", "{}");
    let mut s = server(&broken, 0, 3, &[1, 3]);
    assert!(granted(&vote(&broken, &mut s, 1, 4, (1, 1))));
}

#[test]
fn s5_3_the_consistency_check_rejects_a_log_that_does_not_match() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 1, 2, &[1, 2]);
    let did = on(&mut s, 0, |s, ctx| s.on_append_entries(&r, ctx, 0, append_entries((2, 1), vec![entry(3)], 3, 0)));
    assert!(matches!(did.sent()[..], [(0, Msg::Appended(Appended { success: false, match_index: 2, .. }))]));
    assert_eq!(s.last_log_index(), 2, "nothing appended");
    let did = on(&mut s, 0, |s, ctx| s.on_append_entries(&r, ctx, 0, append_entries((5, 3), vec![], 3, 0)));
    assert!(matches!(did.sent()[..], [(0, Msg::Appended(Appended { success: false, .. }))]), "too short");
}

#[test]
fn s5_3_a_conflicting_suffix_is_deleted_and_replaced() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 1, 2, &[1, 2, 2]);
    let did =
        on(&mut s, 0, |s, ctx| s.on_append_entries(&r, ctx, 0, append_entries((1, 1), vec![entry(3), entry(3)], 3, 0)));
    assert_eq!(s.log.to_vec(), vec![entry(1), entry(3), entry(3)]);
    assert!(did.persisted);
    assert!(matches!(did.sent()[..], [(0, Msg::Appended(Appended { success: true, match_index: 3, .. }))]));
}

#[test]
fn s5_3_an_old_append_arriving_late_truncates_nothing() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 1, 3, &[1, 3, 3]);
    // A reordered AppendEntries carrying only entry 2: entry 3 stays.
    on(&mut s, 0, |s, ctx| s.on_append_entries(&r, ctx, 0, append_entries((1, 1), vec![entry(3)], 3, 0)));
    assert_eq!(s.last_log_index(), 3);
    assert_eq!(s.log.rewrites(), 0);
}

#[test]
fn s5_3_a_follower_commits_no_further_than_what_it_was_sent() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 1, 1, &[1, 1, 1, 1]);
    // The leader has committed 4, but this message only vouches for 2: the
    // follower's entries 3 and 4 might not be the leader's.
    on(&mut s, 0, |s, ctx| s.on_append_entries(&r, ctx, 0, append_entries((1, 1), vec![entry(1)], 1, 4)));
    assert_eq!((s.commit_index, s.last_applied), (2, 2));
}

#[test]
fn s5_3_fast_backtracking_skips_a_whole_conflicting_term() {
    let r = raft("correct", r#"{"fast_backtrack":true}"#);
    let mut s = server(&r, 1, 3, &[1, 2, 2, 2]);
    let did = on(&mut s, 0, |s, ctx| s.on_append_entries(&r, ctx, 0, append_entries((4, 3), vec![], 3, 0)));
    let [(_, Msg::Appended(a))] = did.sent()[..] else { panic!("one answer") };
    assert_eq!((a.success, a.match_index, a.conflict_term), (false, 2, 2), "term 2 starts at 2");
}

#[test]
fn s5_4_2_a_leader_counts_replicas_only_for_entries_of_its_term() {
    for (variant, commits) in [("correct", 0), ("commit-old-term", 2)] {
        let r = raft(variant, "{}");
        let mut s = server(&r, 0, 5, &[1, 2]);
        lead(&r, &mut s);
        // Follower 1 holds entries 1 and 2 (of terms 1 and 2), not the no-op.
        let reply = Appended { term: 5, success: true, match_index: 2, conflict_term: 0, prev_log_index: 0, round: 0 };
        on(&mut s, 10, |s, ctx| s.on_appended(&r, ctx, 1, reply));
        assert_eq!(s.commit_index, commits, "{variant}");
    }
}

#[test]
fn s6_3_a_retried_put_is_answered_from_the_session_table() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 0, 1, &[]);
    lead(&r, &mut s);
    let request = Request { id: 9, attempt: 1, op: Op::Put { key: Key::new("x").unwrap(), value: 5 } };
    on(&mut s, 0, |s, ctx| s.on_request(&r, ctx, request.clone()));
    let index = s.last_log_index();
    let reply = Appended {
        term: s.current_term,
        success: true,
        match_index: index,
        conflict_term: 0,
        prev_log_index: 0,
        round: 0,
    };
    let did = on(&mut s, 0, |s, ctx| s.on_appended(&r, ctx, 1, reply));
    assert_eq!(did.replies(), vec![Reply::Done]);
    let retry = on(&mut s, 0, |s, ctx| s.on_request(&r, ctx, Request { attempt: 2, ..request }));
    assert_eq!(retry.replies(), vec![Reply::Done]);
    assert_eq!(s.last_log_index(), index, "not appended again");
}

#[test]
fn s8_a_follower_sends_the_client_to_its_leader() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 1, 1, &[]);
    s.leader_id = Some(2);
    let request = Request { id: 3, attempt: 1, op: Op::Get { key: Key::new("x").unwrap() } };
    let did = on(&mut s, 0, |s, ctx| s.on_request(&r, ctx, request));
    assert!(matches!(&did.effects[..], [Effect::Redirect { to: 2, reason, .. }] if reason == "not the leader, try C"));
}

#[test]
fn dissertation_4_1_one_membership_change_at_a_time() {
    let r = raft("correct", "{}");
    let mut s = server(&r, 0, 1, &[]);
    lead(&r, &mut s);
    s.commit_index = s.last_log_index(); // the no-op has committed
    let change = |id, server| Request { id, attempt: 1, op: Op::RemoveServer { server } };
    on(&mut s, 0, |s, ctx| s.on_request(&r, ctx, change(1, 2)));
    assert_eq!(s.config, Servers::first(2), "used as soon as it is appended");
    let refused = on(&mut s, 0, |s, ctx| s.on_request(&r, ctx, change(2, 1)));
    assert!(matches!(&refused.effects[..], [Effect::Refuse { .. }]));
}

#[test]
fn dissertation_6_2_check_quorum_steps_down_a_leader_that_hears_from_no_majority() {
    let r = raft("correct", r#"{"check_quorum":true}"#);
    let mut s = server(&r, 0, 1, &[]);
    lead(&r, &mut s);
    let later = r.timing.election_ms[0] * 2;
    on(&mut s, later, |s, ctx| s.on_election_timeout(&r, ctx));
    assert!(!s.is_leader());
}

#[test]
fn dissertation_9_6_a_pre_vote_changes_no_term() {
    let r = raft("correct", r#"{"pre_vote":true}"#);
    let mut s = server(&r, 0, 4, &[]);
    let did = on(&mut s, 0, |s, ctx| s.on_election_timeout(&r, ctx));
    assert_eq!((s.current_term, did.persisted), (4, false));
    assert!(did.sent().iter().all(|(_, m)| matches!(m, Msg::RequestVote { term: 5, pre_vote: true, .. })));
    let mut voter = server(&r, 1, 4, &[]);
    let did = on(&mut voter, 0, |s, ctx| s.on_request_vote(&r, ctx, 0, 5, (0, 0), true));
    assert!(matches!(did.sent()[..], [(0, Msg::Vote { granted: true, pre_vote: true, .. })]));
    assert_eq!((voter.current_term, voter.voted_for), (4, None));
}

#[test]
fn forget_vote_writes_no_vote_to_disk() {
    for (variant, kept) in [("correct", Some(1)), ("forget-vote", None)] {
        let r = raft(variant, "{}");
        let mut s = server(&r, 0, 1, &[]);
        vote(&r, &mut s, 1, 2, (0, 0));
        let mut disk = r.durable(&r.init(0));
        r.persist(&mut s, &mut disk);
        assert_eq!(r.recover(0, disk).voted_for, kept, "{variant}");
    }
}

#[test]
fn stale_read_answers_from_the_leaders_own_state() {
    let r = raft("stale-read", "{}");
    let mut s = server(&r, 0, 1, &[]);
    lead(&r, &mut s);
    s.kv.apply(1, &put(1, 7), true);
    let get = Request { id: 2, attempt: 1, op: Op::Get { key: Key::new("x").unwrap() } };
    let did = on(&mut s, 0, |s, ctx| s.on_request(&r, ctx, get));
    assert_eq!(did.replies(), vec![Reply::Value(Some(7))], "at once, confirming nothing");
}

#[test]
fn dissertation_6_4_1_a_lease_read_is_answered_at_once_only_while_the_lease_holds() {
    let r = raft("correct", r#"{"reads":"lease","max_drift_ppm":0}"#);
    let mut s = server(&r, 0, 1, &[]);
    lead(&r, &mut s);
    s.commit_index = s.last_log_index(); // the no-op has committed
    // Follower 1 answers round 0, sent when the leader took office at 0 ms.
    let reply =
        Appended { term: s.current_term, success: true, match_index: 1, conflict_term: 0, prev_log_index: 0, round: 0 };
    on(&mut s, 5, |s, ctx| s.on_appended(&r, ctx, 1, reply));
    let get = |id| Request { id, attempt: 1, op: Op::Get { key: Key::new("x").unwrap() } };
    let soon = on(&mut s, r.lease_ms - 1, |s, ctx| s.on_request(&r, ctx, get(7)));
    assert_eq!(soon.replies(), vec![Reply::Value(None)], "within the lease: at once");
    let late = on(&mut s, r.lease_ms, |s, ctx| s.on_request(&r, ctx, get(8)));
    assert!(late.replies().is_empty(), "after it: a read index round first");
    assert_eq!(r.lease_ms, r.timing.election_ms[0], "no drift allowed, the whole timeout");
}
