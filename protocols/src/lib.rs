//! Quorum's protocols and the deterministic simulator that runs them.
//!
//! Nothing here touches a browser, a clock or an entropy source: a run is a
//! function of its [`Scenario`], natively and in WebAssembly alike.

pub mod all;
pub mod commit;
pub mod crdt;
pub mod explore;
pub mod lesson;
pub mod office;
pub mod paxos;
pub mod raft;
pub mod sim;

pub use sim::any::AnySim;
pub use sim::scenario::{Scenario, ScenarioError};

use sim::any::Recording;
use sim::engine::Sim;

/// Builds a simulation for a scenario, recorded in full (as the lab needs),
/// checking everything a protocol needs.
pub fn build(scenario: &Scenario) -> Result<Box<dyn AnySim>, ScenarioError> {
    build_with(scenario, Recording::Full)
}

/// Builds a simulation that keeps as much of the run as `recording` says.
pub fn build_with(scenario: &Scenario, recording: Recording) -> Result<Box<dyn AnySim>, ScenarioError> {
    // One engine for every protocol (see `all`): what the download pays for once.
    Ok(Box::new(Sim::<all::All>::with_recording(scenario, recording)?))
}

/// A ready-made scenario for the lab's picker (and for `quorum-sim`: the same
/// JSON files live in `protocols/scenarios/`).
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub id: &'static str,
    pub summary: &'static str,
    pub scenario: Scenario,
}

impl Preset {
    /// The scenario's own title (every preset has one; a shared scenario may too).
    pub fn title(&self) -> &str {
        self.scenario.title.as_deref().unwrap_or(self.id)
    }
}

/// The presets, the lab's opening scenario first.
pub fn presets() -> Vec<Preset> {
    // A table read in one loop: one call site, rather than fifty inlined ones in the download.
    PRESETS
        .iter()
        .map(|&(id, summary, json)| Preset {
            id,
            summary,
            scenario: Scenario::from_json(json).expect("presets are valid (checked by tests)"),
        })
        .collect()
}

/// Each preset's id, summary and scenario file.
static PRESETS: [(&str, &str, &str); 50] = [
    (
        "office-tour",
        "Five branches issue numbers; A and B are cut off and turn parents away while C, D and E keep issuing; back in touch, B's higher mandate wins it the Main Office; a branch burns down and comes back.",
        include_str!("../scenarios/office-tour.json"),
    ),
    (
        "office-zombie",
        "The Main Office freezes for five seconds (a long GC pause); the others elect a new one, and the old one, waking, finds its lease run out and closes before it can issue.",
        include_str!("../scenarios/office-zombie.json"),
    ),
    (
        "office-pigeon-mail",
        "Links of 0.4–0.9 s with 5% loss: slow, but no number is ever given twice.",
        include_str!("../scenarios/office-pigeon-mail.json"),
    ),
    (
        "office-split-brain",
        "Variant no-quorum: branches cut off from the Main Office issue numbers on their own, and two parents end up with one number.",
        include_str!("../scenarios/office-split-brain.json"),
    ),
    (
        "office-no-request-id",
        "Variant no-request-id: impatient parents retry, and every retry is given a fresh number.",
        include_str!("../scenarios/office-no-request-id.json"),
    ),
    (
        "office-sample",
        "Partition, heal, crash, restart, a one-way cut, a pause, then a slow and lossy network.",
        include_str!("../scenarios/office-sample.json"),
    ),
    (
        "raft-first-election",
        "Five servers start as followers; the first whose randomized timeout fires asks for votes and leads. Clients' puts and gets go through its log.",
        include_str!("../scenarios/raft-first-election.json"),
    ),
    (
        "raft-leader-crash",
        "The leader crashes: followers stop hearing heartbeats, one times out first and is elected for the next term; the old leader returns as a follower.",
        include_str!("../scenarios/raft-leader-crash.json"),
    ),
    (
        "raft-split-vote",
        "Two of four servers time out together and split the vote; nobody wins term 1, and term 2's election (new random timeouts) settles it.",
        include_str!("../scenarios/raft-split-vote.json"),
    ),
    (
        "raft-stranded-leader",
        "The leader is cut off with one follower: it keeps appending puts it can never commit, the majority elects a new leader, and on heal the stranded entries are deleted.",
        include_str!("../scenarios/raft-stranded-leader.json"),
    ),
    (
        "raft-catch-up",
        "A follower is down for twelve seconds while clients keep writing; back up, the leader backs up one entry per round trip until their logs agree, then sends the rest in batches.",
        include_str!("../scenarios/raft-catch-up.json"),
    ),
    (
        "raft-figure-8",
        "Figure 8 of the paper, step by step, with the rule that a leader commits only entries of its own term (and a no-op to start its term): nothing committed is lost.",
        include_str!("../scenarios/raft-figure-8.json"),
    ),
    (
        "raft-figure-8-bug",
        "Variant commit-old-term: the same steps, but the leader counts replicas of an older term's entry and commits it; a later leader overwrites it, and two servers apply different values at one index.",
        include_str!("../scenarios/raft-figure-8-bug.json"),
    ),
    (
        "raft-disruptive-return",
        "A follower cut off for eight seconds keeps starting elections; when it returns, its high term deposes a working leader.",
        include_str!("../scenarios/raft-disruptive-return.json"),
    ),
    (
        "raft-pre-vote",
        "The same return with pre-vote: the isolated server never raises its term (no one would vote for it), so the leader stays.",
        include_str!("../scenarios/raft-pre-vote.json"),
    ),
    (
        "raft-lease-drift",
        "Lease reads assume clocks drift at most 1%. The leader's clock runs at half speed; cut off with one follower, it still believes its lease holds after the majority has elected a new leader and changed x, and answers a get with the old value: the known limit of lease reads.",
        include_str!("../scenarios/raft-lease-drift.json"),
    ),
    (
        "raft-membership",
        "Three servers start the cluster; two are added one at a time, then the leader removes itself and steps down once its removal is committed.",
        include_str!("../scenarios/raft-membership.json"),
    ),
    (
        "raft-no-up-to-date-check",
        "Variant no-up-to-date-check: a server that missed committed entries is elected anyway, and its log overwrites them.",
        include_str!("../scenarios/raft-no-up-to-date-check.json"),
    ),
    (
        "raft-forget-vote",
        "Variant forget-vote: a server votes, crashes, forgets its vote and votes again in the same term: two leaders of one term.",
        include_str!("../scenarios/raft-forget-vote.json"),
    ),
    (
        "raft-stale-read",
        "Variant stale-read: a leader cut off in a minority answers a get from its own state after the majority has moved on.",
        include_str!("../scenarios/raft-stale-read.json"),
    ),
    (
        "raft-no-session-table",
        "Variant no-session-table: a client's put commits but the leader dies before answering; the client retries and the new leader applies it again.",
        include_str!("../scenarios/raft-no-session-table.json"),
    ),
    (
        "2pc-happy-path",
        "A coordinator and three cohorts: PREPARE, three YES votes, COMMIT, three acknowledgements; then a second transaction the same way.",
        include_str!("../scenarios/2pc-happy-path.json"),
    ),
    (
        "2pc-one-no",
        "Cohort P2 cannot commit: it votes NO and aborts at once, and the coordinator aborts the transaction everywhere. The next one commits.",
        include_str!("../scenarios/2pc-one-no.json"),
    ),
    (
        "2pc-coordinator-crash",
        "The coordinator crashes just as the YES votes arrive. The cohorts have promised: they cannot commit or abort alone, so they wait, locks held, for eight seconds. Back up, the coordinator finds no decision in its log and aborts (presumed abort).",
        include_str!("../scenarios/2pc-coordinator-crash.json"),
    ),
    (
        "2pc-cooperative-helps",
        "The coordinator decides COMMIT, but only P1 hears it before the coordinator crashes. With cooperative termination, P2 and P3 ask their peers, learn from P1, and commit.",
        include_str!("../scenarios/2pc-cooperative-helps.json"),
    ),
    (
        "2pc-cooperative-cannot",
        "The same, but P1 crashes too: P2 and P3 ask each other, neither knows, and both stay blocked until the coordinator and P1 return. Cooperative termination helps only if someone who knows is reachable.",
        include_str!("../scenarios/2pc-cooperative-cannot.json"),
    ),
    (
        "2pc-lost-commit",
        "The link from the coordinator to P2 fails after the votes: P2's COMMIT is lost. The coordinator keeps sending it until P2 acknowledges; P2 holds its lock meanwhile.",
        include_str!("../scenarios/2pc-lost-commit.json"),
    ),
    (
        "3pc-coordinator-crash",
        "The same crash as in 2PC, with three phases: when the coordinator goes silent, the cohorts run the termination protocol. No one is pre-committed, so no one can have committed: they abort at once instead of blocking.",
        include_str!("../scenarios/3pc-coordinator-crash.json"),
    ),
    (
        "3pc-split",
        "A partition cuts P3 and P4 off just after PreCommit leaves, so only P1 and P2 are pre-committed. Each side runs the termination protocol on what it can reach: one side commits, the other aborts. This is 3PC's known limit, not a bug of the lab: it is safe under crashes only, and is why Paxos Commit and consensus-based commit exist.",
        include_str!("../scenarios/3pc-split.json"),
    ),
    (
        "2pc-vote-before-log",
        "Variant vote-before-log: P1 votes YES before its prepared record reaches disk, then crashes. The others commit; P1 comes back with no trace of the transaction, cannot commit work it no longer has, and aborts.",
        include_str!("../scenarios/2pc-vote-before-log.json"),
    ),
    (
        "2pc-presumed-commit",
        "Variant presumed-commit-on-timeout: P2 votes NO, but the coordinator crashes before the vote arrives. P1 and P3, blocked, give up waiting and commit on their own.",
        include_str!("../scenarios/2pc-presumed-commit.json"),
    ),
    (
        "3pc-vote-before-log",
        "Variant vote-before-log in 3PC: P1's YES never reached disk and P1 crashes. The others pre-commit and commit without it; P1 returns with no prepared record and aborts.",
        include_str!("../scenarios/3pc-vote-before-log.json"),
    ),
    (
        "paxos-happy-path",
        "One proposer, three acceptors, one learner. Prepare 1.1, three promises, Accept 1.1 x, and once two acceptors have accepted, x is chosen: before anyone knows it.",
        include_str!("../scenarios/paxos-happy-path.json"),
    ),
    (
        "paxos-adopt",
        "P1's x is chosen. Later P2 proposes y: its promises report (1.1, x), so P2 must propose x under its own ballot, and its client is told x.",
        include_str!("../scenarios/paxos-adopt.json"),
    ),
    (
        "paxos-duel",
        "Two proposers without backoff: each prepare overtakes the other's ballot before its accepts arrive, and they duel forever. Nothing is chosen, though every node is up: the liveness failure that leaders exist to end.",
        include_str!("../scenarios/paxos-duel.json"),
    ),
    (
        "paxos-duel-backoff",
        "The same duel with a random backoff after each failed ballot: one proposer waits long enough for the other to finish, and one value is chosen.",
        include_str!("../scenarios/paxos-duel-backoff.json"),
    ),
    (
        "paxos-acceptor-crash",
        "An acceptor crashes while the accept requests are in flight: the other two are a majority, and x is chosen anyway.",
        include_str!("../scenarios/paxos-acceptor-crash.json"),
    ),
    (
        "paxos-minority-partitioned",
        "Two of five acceptors are cut off: the three that remain are a majority and choose x. After the heal a second client is told x too.",
        include_str!("../scenarios/paxos-minority-partitioned.json"),
    ),
    (
        "multi-paxos-steady",
        "A leader wins phase 1 once; from then on every put and get takes one round of accepts, and both replicas apply them in slot order.",
        include_str!("../scenarios/multi-paxos-steady.json"),
    ),
    (
        "multi-paxos-leader-crash",
        "The leader's accept for slot 3 is lost, slot 4 is chosen, and the leader crashes. P1 runs phase 1 for every open slot, proposes again what acceptors report, and fills slot 3 with a no-op so the replicas can apply slot 4.",
        include_str!("../scenarios/multi-paxos-leader-crash.json"),
    ),
    (
        "paxos-ignore-accepted",
        "Variant ignore-accepted: x is chosen, then P2 proposes its own y although its promises report x. A majority accepts y too: two values chosen.",
        include_str!("../scenarios/paxos-ignore-accepted.json"),
    ),
    (
        "paxos-forgetful-acceptor",
        "Variant forgetful-acceptor: A2 promises P2's ballot 1.2, crashes and forgets it, then accepts P1's older 1.1. x is chosen by A1 and A2, and then y by A2 and A3.",
        include_str!("../scenarios/paxos-forgetful-acceptor.json"),
    ),
    (
        "multi-paxos-no-gap-fill",
        "Variant no-gap-fill: the same leader crash, but the new leader proposes fresh commands from slot 1 without asking what was accepted there. Slots 1 and 2 get second values, and replicas apply different commands.",
        include_str!("../scenarios/multi-paxos-no-gap-fill.json"),
    ),
    (
        "crdt-counter-partition",
        "Four replicas of a PN-counter, split in two: both sides keep counting (each answers at once, though it cannot see the other side), and after the heal gossip merges the per-replica counts, so every replica counts every increment and decrement.",
        include_str!("../scenarios/crdt-counter-partition.json"),
    ),
    (
        "crdt-or-set-add-wins",
        "An observed-remove set: cut off, B removes x (deleting the tag it saw) while A adds x again with a new tag. After the heal x is still there: a remove deletes only the adds it observed. C's y, removed after it was seen, is gone.",
        include_str!("../scenarios/crdt-or-set-add-wins.json"),
    ),
    (
        "crdt-lww-skew",
        "A last-writer-wins register, where C's clock runs three seconds fast. C writes 1; a second later in true time A writes 2. After the heal every replica holds 1: the earlier write won because its clock read later. Data loss that LWW accepts by design.",
        include_str!("../scenarios/crdt-lww-skew.json"),
    ),
    (
        "crdt-mv-register",
        "A multi-value register: A and B write during a partition; after the heal both values are kept, each with its version vector, since neither write saw the other. C's next write has seen both and replaces them.",
        include_str!("../scenarios/crdt-mv-register.json"),
    ),
    (
        "crdt-duplicates",
        "Five G-counter replicas gossip over a network that duplicates half the messages and reorders them (10 to 400 ms): merging is idempotent and commutative, so nothing is counted twice.",
        include_str!("../scenarios/crdt-duplicates.json"),
    ),
    (
        "crdt-naive-counter",
        "Variant naive-counter: the same partition, but replicas gossip one number and keep the larger. Each side counts to 2, the heal keeps 2 (and a decrement even moves a replica down): increments made concurrently are lost.",
        include_str!("../scenarios/crdt-naive-counter.json"),
    ),
    (
        "crdt-set-without-tags",
        "Variant remove-wins-set-without-tags: the same add and remove as the OR-set, but the set removes by element. B's remove deletes x for good, and A's concurrent add of x vanishes.",
        include_str!("../scenarios/crdt-set-without-tags.json"),
    ),
];
