//! Each rule of the office in isolation, named after the rule.

use super::branch::{Branch, Copying, Role, Vault};
use super::msg::{Entry, Msg, Record, Support};
use super::props::*;
use super::{Office, Timer, Variant};
use crate::sim::any::PropertyKind;
use crate::sim::ctx::{Ctx, Effect};
use crate::sim::log::Log;
use crate::sim::nodes::NodeSet;
use crate::sim::params::Params;
use crate::sim::protocol::{EndState, Findings, Monitor, Nodes, Protocol, StepView};
use crate::sim::rng::Stream;
use crate::sim::scenario::Scenario;
use crate::sim::workload::{ClientEvent, ClientEventKind};

fn office(variant: Variant) -> Office {
    let scenario = Scenario::from_json(r#"{"version":1,"protocol":"office","nodes":5,"seed":1,"until_ms":1000}"#);
    Office { variant, ..Office::configure(&scenario.unwrap(), &Params::default()).unwrap() }
}

fn entry(request: u64) -> Entry {
    Entry { request, taken_at: 0 }
}

fn book(requests: &[u64]) -> Log<Entry> {
    requests.iter().map(|&r| entry(r)).collect::<Vec<_>>().into()
}

fn branch(id: usize, mandate: u64, requests: &[u64]) -> Branch {
    Branch::new(id, Vault { mandate, voted_for: None, book: book(requests), book_mandate: mandate })
}

/// Runs one handler at virtual time `now` and returns what it asked for.
fn run(now: u64, f: impl FnOnce(&mut Ctx<Office>)) -> Vec<Effect<Office>> {
    let mut rng = Stream::new(0, "test");
    let mut ctx = Ctx::new(0, now, 5, &mut rng, Vec::new(), true);
    f(&mut ctx);
    ctx.into_effects().0
}

fn sent(effects: &[Effect<Office>]) -> Vec<(usize, Msg)> {
    effects
        .iter()
        .filter_map(|e| if let Effect::Send { to, msg } = e { Some((*to, msg.clone())) } else { None })
        .collect()
}

fn replies(effects: &[Effect<Office>]) -> Vec<(u64, u64)> {
    effects
        .iter()
        .filter_map(|e| if let Effect::Reply { request, reply } = e { Some((*request, *reply)) } else { None })
        .collect()
}

fn main_office(id: usize, mandate: u64, requests: &[u64]) -> Branch {
    let mut b = branch(id, mandate, requests);
    let mut matched = vec![0; 5];
    matched[id] = requests.len();
    let copying = vec![Copying::FRESH; 5];
    b.role = Role::MainOffice { matched, copying, heard_at: vec![0; 5], answer_to: Default::default() };
    b
}

#[test]
fn vote_supports_one_candidate_per_mandate() {
    let o = office(Variant::Correct);
    let mut b = branch(0, 1, &[7]);
    let first = run(0, |ctx| b.on_campaign(&o, ctx, 2, 2));
    assert_eq!(
        sent(&first),
        vec![(2, Msg::Support(Support { mandate: 2, book_mandate: 1, book: book(&[7]) }))],
        "the vote carries the voter's book"
    );
    assert!(sent(&run(0, |ctx| b.on_campaign(&o, ctx, 3, 2))).is_empty(), "no second vote in mandate 2");
    assert_eq!(sent(&run(0, |ctx| b.on_campaign(&o, ctx, 4, 1))), vec![(4, Msg::Newer { mandate: 2 })]);
}

#[test]
fn appointment_takes_the_latest_confirmed_book_not_the_longest() {
    let o = office(Variant::Correct);
    let mut c = branch(0, 3, &[]);
    c.vault.mandate = 4;
    c.role = Role::Candidate { votes: NodeSet::default().with(0), best: (3, book(&[1])) };
    let stale_but_long = Support { mandate: 4, book_mandate: 2, book: book(&[1, 2, 3, 4]) };
    let recent = Support { mandate: 4, book_mandate: 3, book: book(&[1, 5]) };
    run(0, |ctx| c.on_support(&o, ctx, 1, stale_but_long));
    assert!(matches!(c.role, Role::Candidate { .. }), "two votes of five are not a majority");
    let effects = run(0, |ctx| c.on_support(&o, ctx, 2, recent));
    assert!(matches!(c.role, Role::MainOffice { .. }));
    assert_eq!(c.vault.book, book(&[1, 5]));
    assert_eq!(c.vault.book_mandate, 4);
    assert_eq!(sent(&effects).len(), 4, "the new Main Office sends every branch its book");
}

#[test]
fn copy_never_shortens_a_book_within_a_mandate() {
    let o = office(Variant::Correct);
    let mut b = branch(1, 2, &[1, 2, 3]);
    let late = Record { mandate: 2, from: 0, entries: book(&[1]), issued: 0 };
    let effects = run(0, |ctx| b.on_record(&o, ctx, 0, late));
    assert_eq!(b.vault.book, book(&[1, 2, 3]), "a reordered old record must not truncate");
    assert_eq!(sent(&effects), vec![(0, Msg::Recorded { mandate: 2, len: 3, ok: true })]);
    let more = Record { mandate: 2, from: 2, entries: book(&[3, 4]), issued: 0 };
    run(0, |ctx| b.on_record(&o, ctx, 0, more));
    assert_eq!(b.vault.book, book(&[1, 2, 3, 4]));
}

#[test]
fn copy_replaces_an_older_mandates_book_only_whole() {
    let o = office(Variant::Correct);
    let mut b = branch(1, 2, &[1, 9]);
    let partial = Record { mandate: 3, from: 1, entries: book(&[2]), issued: 0 };
    let effects = run(0, |ctx| b.on_record(&o, ctx, 0, partial));
    assert_eq!(sent(&effects), vec![(0, Msg::Recorded { mandate: 3, len: 0, ok: false })], "send it all");
    let whole = Record { mandate: 3, from: 0, entries: book(&[1, 2]), issued: 0 };
    run(0, |ctx| b.on_record(&o, ctx, 0, whole));
    assert_eq!((b.vault.book.clone(), b.vault.book_mandate), (book(&[1, 2]), 3));
}

#[test]
fn issue_waits_for_a_majority_then_answers_the_waiting_branch() {
    let o = office(Variant::Correct);
    let mut m = main_office(0, 1, &[]);
    run(0, |ctx| m.on_forward(&o, ctx, 3, 42));
    assert_eq!(m.vault.book.to_vec(), vec![Entry { request: 42, taken_at: 3 }]);
    assert!(sent(&run(0, |ctx| m.on_recorded(ctx, 1, 1, true))).is_empty(), "two of five hold it");
    let effects = run(0, |ctx| m.on_recorded(ctx, 2, 1, true));
    assert_eq!(m.issued, 1);
    assert_eq!(sent(&effects), vec![(3, Msg::Answer { request: 42, number: 1 })]);
}

#[test]
fn request_ids_give_a_retry_the_same_number() {
    let o = office(Variant::Correct);
    let mut m = main_office(0, 1, &[5, 6]);
    m.issued = 2;
    let effects = run(0, |ctx| m.on_forward(&o, ctx, 4, 5));
    assert_eq!(sent(&effects), vec![(4, Msg::Answer { request: 5, number: 1 })]);
    assert_eq!(m.vault.book.len(), 2, "no new entry for a retry");
}

#[test]
fn without_request_ids_a_retry_gets_a_fresh_entry() {
    let o = office(Variant::NoRequestId);
    let mut m = main_office(0, 1, &[5, 6]);
    m.issued = 2;
    run(0, |ctx| m.on_forward(&o, ctx, 4, 5));
    let requests: Vec<u64> = m.vault.book.iter().map(|e| e.request).collect();
    assert_eq!(requests, [5, 6, 5]);
}

#[test]
fn front_desk_answers_from_the_book_forwards_or_closes() {
    let o = office(Variant::Correct);
    let mut b = branch(1, 1, &[8]);
    b.issued = 1;
    assert_eq!(replies(&run(10, |ctx| b.on_request(&o, ctx, 8))), vec![(8, 1)]);
    b.role = Role::Branch { main: Some(0), heard_at: 10 };
    assert_eq!(sent(&run(20, |ctx| b.on_request(&o, ctx, 9))), vec![(0, Msg::Forward { request: 9 })]);
    let silent_too_long = 20 + o.timing.lease_ms + 1;
    let effects = run(silent_too_long, |ctx| b.on_request(&o, ctx, 10));
    assert!(effects.iter().any(|e| matches!(e, Effect::Refuse { request: 10, reason } if reason.contains("closed"))));
}

#[test]
fn no_quorum_issues_alone_only_after_losing_its_main_office() {
    let o = office(Variant::NoQuorum);
    let mut fresh = branch(1, 0, &[]);
    assert!(replies(&run(0, |ctx| fresh.on_request(&o, ctx, 1))).is_empty(), "cold start: closed");
    let mut cut_off = branch(1, 2, &[4, 5]);
    assert_eq!(replies(&run(0, |ctx| cut_off.on_request(&o, ctx, 9))), vec![(9, 3)]);
}

#[test]
fn lease_closes_a_main_office_that_stops_hearing_from_a_majority() {
    let o = office(Variant::Correct);
    let mut m = main_office(0, 1, &[]);
    let effects = run(o.timing.lease_ms + 1, |ctx| m.on_heartbeat(&o, ctx));
    assert!(matches!(m.role, Role::Branch { main: None, .. }));
    assert!(effects.iter().any(|e| matches!(e, Effect::SetTimer { timer: Timer::Election, .. })));
    let mut heard = main_office(0, 1, &[]);
    let effects = run(o.timing.lease_ms, |ctx| heard.on_heartbeat(&o, ctx));
    assert!(matches!(heard.role, Role::MainOffice { .. }));
    assert_eq!(sent(&effects).len(), 4, "heartbeats to every branch");
}

/// What the Main Office's records to branch 1 start from, over a few heartbeats.
fn record_starts(m: &mut Branch, o: &Office, beats: usize) -> Vec<usize> {
    (0..beats)
        .map(|_| {
            let effects = run(0, |ctx| m.on_heartbeat(o, ctx));
            match &sent(&effects).iter().find(|(to, _)| *to == 1).unwrap().1 {
                Msg::Record(r) => r.from,
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

#[test]
fn copy_sends_each_entry_once_and_resends_to_a_silent_branch_ever_more_rarely() {
    let o = office(Variant::Correct);
    let mut m = main_office(0, 1, &[1, 2, 3]);
    // Branch 1 never answers: the whole book again at beats 0, 2, 5, 10, … (waits 1, 2, 4, …).
    let starts = record_starts(&mut m, &o, 12);
    let resent: Vec<usize> = (0..starts.len()).filter(|&i| starts[i] == 0).collect();
    assert_eq!(resent, vec![0, 2, 5, 10], "{starts:?}");
    // A new entry goes out once, from where the last record ended.
    let effects = run(0, |ctx| m.on_request(&o, ctx, 4));
    assert!(sent(&effects).iter().any(|(to, msg)| *to == 1 && matches!(msg, Msg::Record(r) if r.from == 3)));
    // An answer resets the wait: what is still missing goes at the next beat.
    run(0, |ctx| m.on_recorded(ctx, 1, 2, true));
    assert_eq!(record_starts(&mut m, &o, 1), vec![2]);
}

#[test]
fn copy_asks_again_from_a_gap_not_from_the_start() {
    let o = office(Variant::Correct);
    let mut b = branch(1, 2, &[1, 2]);
    let overtaking = Record { mandate: 2, from: 3, entries: book(&[4]), issued: 0 };
    let effects = run(0, |ctx| b.on_record(&o, ctx, 0, overtaking));
    assert_eq!(sent(&effects), vec![(0, Msg::Recorded { mandate: 2, len: 2, ok: false })]);
    let mut m = main_office(0, 2, &[1, 2, 3, 4]);
    run(0, |ctx| m.on_recorded(ctx, 1, 2, false));
    let effects = run(0, |ctx| m.on_request(&o, ctx, 5));
    assert!(sent(&effects).iter().any(|(to, msg)| *to == 1 && matches!(msg, Msg::Record(r) if r.from == 2)));
}

// ----- the ledger: each property can fail ----------------------------------------

fn told(request: u64, number: u64) -> ClientEvent<Office> {
    ClientEvent { at: 0, request, node: 0, kind: ClientEventKind::Replied { reply: number } }
}

/// The properties the ledger finds violated (witnesses aside).
fn check(ledger: &mut Ledger, branches: &[Branch], events: &[ClientEvent<Office>]) -> Vec<&'static str> {
    let everyone: Vec<usize> = (0..branches.len()).collect();
    let mut found = Findings::default();
    let step = StepView { nodes: Nodes::Slice(branches), touched: &everyone, events, now: 0 };
    ledger.check(&office(Variant::Correct), &step, &mut found);
    found.into_vec().iter().filter(|f| f.property.kind != PropertyKind::Sometimes).map(|f| f.property.name).collect()
}

fn judge(ledger: &Ledger, o: &Office, end: &EndState) -> Vec<&'static str> {
    let mut found = Findings::default();
    ledger.judge_end(o, end, &mut found);
    found.into_vec().iter().map(|f| f.property.name).collect()
}

fn five(books: [&[u64]; 5]) -> Vec<Branch> {
    books.iter().enumerate().map(|(i, b)| branch(i, 1, b)).collect()
}

#[test]
fn ledger_accepts_a_healthy_office() {
    let mut ledger = Ledger::new(&office(Variant::Correct));
    let branches = five([&[1, 2], &[1, 2], &[1], &[], &[]]);
    assert!(check(&mut ledger, &branches, &[told(1, 1)]).is_empty());
}

#[test]
fn ledger_catches_a_number_told_before_it_was_issued() {
    let mut ledger = Ledger::new(&office(Variant::Correct));
    let branches = five([&[1, 2], &[1, 2], &[1], &[], &[]]);
    assert_eq!(check(&mut ledger, &branches, &[told(2, 2)]), vec![TOLD_WAS_ISSUED.name]);
}

#[test]
fn ledger_catches_one_number_told_to_two_parents() {
    let mut ledger = Ledger::new(&office(Variant::Correct));
    let branches = five([&[1], &[1], &[1], &[], &[]]);
    assert_eq!(
        check(&mut ledger, &branches, &[told(1, 1), told(7, 1)]),
        vec![TOLD_WAS_ISSUED.name, UNIQUE_NUMBERS.name]
    );
}

#[test]
fn ledger_catches_a_request_issued_twice() {
    let mut ledger = Ledger::new(&office(Variant::Correct));
    let branches = five([&[3, 3], &[3, 3], &[3, 3], &[], &[]]);
    assert_eq!(check(&mut ledger, &branches, &[]), vec![ONE_NUMBER_PER_REQUEST.name]);
}

#[test]
fn ledger_catches_a_gap() {
    let mut ledger = Ledger::new(&office(Variant::Correct));
    let mut branches = five([&[1, 2], &[1, 2], &[9, 2], &[], &[]]);
    for b in &mut branches[2..] {
        b.vault.book_mandate = 2; // position 0 differs in mandate and content: only #2 has a majority
    }
    branches[0].vault.book_mandate = 2;
    branches[1].vault.book_mandate = 2;
    branches[0].vault.book.set(0, entry(4));
    branches[1].vault.book.set(0, entry(5));
    let found = check(&mut ledger, &branches, &[]);
    assert_eq!(found, vec![NO_GAPS.name]);
    assert!(check(&mut ledger, &branches, &[]).is_empty(), "reported once");
}

#[test]
fn ledger_catches_an_issued_number_that_a_minority_crash_could_lose() {
    let mut ledger = Ledger::new(&office(Variant::Correct));
    let mut branches = five([&[1], &[1], &[1], &[], &[]]);
    assert!(check(&mut ledger, &branches, &[]).is_empty());
    branches[2].vault.book.truncate(0); // a vault that forgets
    assert_eq!(check(&mut ledger, &branches, &[]), vec![ISSUED_SURVIVES.name]);
}

#[test]
fn liveness_is_judged_only_while_a_majority_is_healthy() {
    let o = office(Variant::Correct);
    let ledger = Ledger::new(&o);
    let window = o.settle_ms + 20 * 80;
    let waiting = EndState { now: 100_000, healthy_since: Some(0), slowest_ms: 80, outstanding: vec![(3, 1_000)] };
    assert_eq!(judge(&ledger, &o, &waiting), vec![RETRYING_PARENT_SERVED.name]);
    let partitioned = EndState { healthy_since: None, ..waiting.clone() };
    assert!(judge(&ledger, &o, &partitioned).is_empty());
    let recent = EndState { outstanding: vec![(3, 100_000 - window + 1)], ..waiting };
    assert!(judge(&ledger, &o, &recent).is_empty(), "too recent to judge");
}
