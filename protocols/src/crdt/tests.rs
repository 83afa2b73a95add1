//! The merge laws for every type (commutative, associative, idempotent;
//! updates inflate), over states reached by random updates and merges; and
//! the replica's rules one by one.

use proptest::prelude::*;

use crate::raft::msg::Key;
use crate::sim::ctx::testing;
use crate::sim::params::Params;
use crate::sim::protocol::Protocol;
use crate::sim::scenario::Scenario;

use super::lattice::State;
use super::replica::Replica;
use super::{Crdt, Msg, Op};

type Did = testing::Did<Crdt>;

fn crdt(kind: &str, variant: &str, mode: &str) -> Crdt {
    let json = format!(
        r#"{{"version":1,"protocol":"crdt","variant":"{variant}","nodes":3,"seed":1,"params":{{"type":"{kind}","mode":"{mode}"}},"until_ms":1000}}"#
    );
    let scenario = Scenario::from_json(&json).unwrap();
    Crdt::configure(&scenario, &Params::read(Crdt::info().params, &[], &scenario.params).unwrap()).unwrap()
}

fn op_for(kind: &str, draw: u8) -> Op {
    let element = Key::new(["a", "b"][draw as usize % 2]).unwrap();
    match (kind, draw % 3) {
        ("g-counter", _) | ("pn-counter", 0) => Op::Inc,
        ("pn-counter", _) => Op::Dec,
        ("or-set", 0 | 1) => Op::Add(element),
        ("or-set", _) => Op::Remove(element),
        _ => Op::Set(i64::from(draw)),
    }
}

/// Three replicas after `steps`: an update at a replica, or a merge of one
/// replica's state into another's. Every update must move its replica up.
fn replay(c: &Crdt, kind: &str, steps: &[(usize, usize, u8)]) -> Vec<State> {
    let mut replicas: Vec<Replica> = (0..3).map(|id| c.init(id)).collect();
    for (i, &(at, from, draw)) in steps.iter().enumerate() {
        let now = 1_000 + i as u64; // clocks move, so LWW stamps differ
        if draw % 4 == 0 && at != from {
            let (state, seen) = (replicas[from].state.clone(), replicas[from].seen.clone());
            Did::run(at, now, 3, |ctx| replicas[at].on_gossip(c, ctx, from, &state, Some(&seen)));
        } else {
            let before = replicas[at].state.clone();
            Did::run(at, now, 3, |ctx| replicas[at].update(c, ctx, op_for(kind, draw)));
            assert!(before.below(&replicas[at].state), "{kind}: an update moved {before:?} down");
        }
    }
    replicas.into_iter().map(|r| r.state).collect()
}

fn join(a: &State, b: &State) -> State {
    let mut j = a.clone();
    j.merge(b);
    j
}

proptest! {
    #[test]
    fn merge_is_a_join_for_every_type(
        kind in proptest::sample::select(&["g-counter", "pn-counter", "lww-register", "or-set", "mv-register"][..]),
        steps in proptest::collection::vec((0..3usize, 0..3usize, any::<u8>()), 0..40),
    ) {
        let c = crdt(kind, "correct", "state");
        let s = replay(&c, kind, &steps);
        let (a, b, d) = (&s[0], &s[1], &s[2]);
        prop_assert_eq!(join(a, b), join(b, a), "commutative");
        prop_assert_eq!(join(&join(a, b), d), join(a, &join(b, d)), "associative");
        prop_assert_eq!(join(a, a), a.clone(), "idempotent");
        prop_assert!(a.below(&join(a, b)) && b.below(&join(a, b)), "the join is above both");
        prop_assert!(join(a, b).below(&join(&join(a, b), d)), "merging only moves up");
    }
}

#[test]
fn a_g_counter_counts_per_replica_and_merges_by_the_larger_entry() {
    let c = crdt("g-counter", "correct", "state");
    let mut a = c.init(0);
    for _ in 0..3 {
        Did::run(0, 10, 3, |ctx| a.update(&c, ctx, Op::Inc));
    }
    let mut b = c.init(1);
    let did = Did::run(1, 10, 3, |ctx| b.update(&c, ctx, Op::Inc));
    assert!(did.persisted, "an update is on disk before the client hears of it");
    Did::run(1, 20, 3, |ctx| b.on_gossip(&c, ctx, 0, &a.state.clone(), Some(&a.seen.clone())));
    assert_eq!(b.state, State::GCounter(vec![3, 1, 0]));
    assert_eq!(b.state.to_string(), "4");
    assert_eq!(b.seen, vec![3, 1, 0]);
}

#[test]
fn an_or_set_remove_deletes_only_the_tags_it_observed() {
    let c = crdt("or-set", "correct", "state");
    let x = Key::new("x").unwrap();
    let mut a = c.init(0);
    let mut b = c.init(1);
    Did::run(0, 10, 3, |ctx| a.update(&c, ctx, Op::Add(x)));
    Did::run(1, 10, 3, |ctx| b.on_gossip(&c, ctx, 0, &a.state.clone(), None));
    Did::run(0, 20, 3, |ctx| a.update(&c, ctx, Op::Add(x))); // a second tag, unseen by B
    Did::run(1, 20, 3, |ctx| b.update(&c, ctx, Op::Remove(x)));
    assert_eq!(b.state.to_string(), "{}");
    Did::run(1, 30, 3, |ctx| b.on_gossip(&c, ctx, 0, &a.state.clone(), None));
    assert_eq!(b.state.to_string(), "{x}", "the add B had not seen wins");
    // Without tags, the remove takes the element for good.
    let naive = crdt("or-set", "remove-wins-set-without-tags", "state");
    let (mut a, mut b) = (naive.init(0), naive.init(1));
    Did::run(1, 20, 3, |ctx| b.update(&naive, ctx, Op::Remove(x)));
    Did::run(0, 20, 3, |ctx| a.update(&naive, ctx, Op::Add(x)));
    Did::run(1, 30, 3, |ctx| b.on_gossip(&naive, ctx, 0, &a.state.clone(), None));
    assert_eq!(b.state.to_string(), "{}");
}

#[test]
fn last_writer_wins_by_the_writers_clock() {
    let c = crdt("lww-register", "correct", "state");
    let (mut fast, mut slow) = (c.init(0), c.init(1));
    Did::run(0, 5_000, 3, |ctx| fast.update(&c, ctx, Op::Set(1))); // its clock reads 5 s
    Did::run(1, 2_000, 3, |ctx| slow.update(&c, ctx, Op::Set(2))); // later in true time, but reads 2 s
    Did::run(1, 2_100, 3, |ctx| slow.on_gossip(&c, ctx, 0, &fast.state.clone(), None));
    assert_eq!(slow.state.to_string(), "1");
}

#[test]
fn a_multi_value_register_keeps_concurrent_writes_and_a_later_one_replaces_them() {
    let c = crdt("mv-register", "correct", "state");
    let (mut a, mut b) = (c.init(0), c.init(1));
    Did::run(0, 10, 3, |ctx| a.update(&c, ctx, Op::Set(1)));
    Did::run(1, 10, 3, |ctx| b.update(&c, ctx, Op::Set(2)));
    Did::run(1, 20, 3, |ctx| b.on_gossip(&c, ctx, 0, &a.state.clone(), None));
    assert_eq!(b.state.to_string(), "{1 | 2}");
    Did::run(1, 30, 3, |ctx| b.update(&c, ctx, Op::Set(3)));
    assert_eq!(b.state, State::Mv(vec![(vec![1, 2, 0], 3)]), "it has seen both: one value, its vector above both");
}

#[test]
fn delta_gossip_sends_recent_updates_and_the_whole_state_every_fourth_round() {
    let c = crdt("g-counter", "correct", "delta");
    let mut a = c.init(0);
    Did::run(0, 10, 3, |ctx| a.update(&c, ctx, Op::Inc));
    let kinds =
        |did: &Did| did.sent().into_iter().map(|(_, Msg::Gossip { seen, .. })| seen.is_some()).collect::<Vec<bool>>();
    assert_eq!(kinds(&Did::run(0, 20, 3, |ctx| a.on_gossip_timer(&c, ctx))), [false], "round 1: the delta");
    assert!(kinds(&Did::run(0, 30, 3, |ctx| a.on_gossip_timer(&c, ctx))).is_empty(), "round 2: nothing new");
    Did::run(0, 40, 3, |ctx| a.on_gossip_timer(&c, ctx));
    assert_eq!(kinds(&Did::run(0, 50, 3, |ctx| a.on_gossip_timer(&c, ctx))), [true], "round 4: the whole state");
}

#[test]
fn a_naive_counter_keeps_the_larger_number_and_loses_the_other() {
    let c = crdt("pn-counter", "naive-counter", "state");
    let (mut a, mut b) = (c.init(0), c.init(1));
    Did::run(0, 10, 3, |ctx| a.update(&c, ctx, Op::Inc));
    Did::run(1, 10, 3, |ctx| b.update(&c, ctx, Op::Inc));
    Did::run(1, 20, 3, |ctx| b.on_gossip(&c, ctx, 0, &a.state.clone(), None));
    assert_eq!(b.state.to_string(), "1", "two increments, one counted");
}
