//! Lessons: a preset's run told as a story of steps. Each step says what to
//! look at and when it shows (at the start, at a time, when a `sometimes`
//! property is first witnessed, when a property is violated, when the
//! scenario's script brings a fault); it may name nodes to highlight, and may
//! ask the student to do something, checked from what they did.
//!
//! Nothing is animated by hand: the lab plays the simulation and stops at
//! each step's moment, which [`moments`] finds by running the scenario, so a
//! lesson cannot drift from the protocol it describes (a test runs every
//! lesson and checks that every step's moment comes, in order).

use crate::sim::any::{EventKind, Recording};
use crate::sim::scenario::{Action, FaultKind, Scenario, ScenarioError};
use crate::sim::time::{NodeId, Time};
use crate::{Preset, build_with};

/// A lesson: a preset and the story told over its run.
#[derive(Debug)]
pub struct Lesson {
    /// Its name in links (`#lesson=…`).
    pub id: &'static str,
    pub title: &'static str,
    /// What the student comes away with, in a sentence.
    pub teaches: &'static str,
    /// The preset whose run the story tells.
    pub preset: &'static str,
    pub story: &'static [Step],
}

/// One step of a story.
#[derive(Debug)]
pub struct Step {
    pub text: &'static str,
    pub when: When,
    /// Nodes to ring on the canvas while the step shows.
    pub highlight: &'static [NodeId],
    /// Kinds of message to ring on the canvas while the step shows (see [`of_kind`]).
    pub messages: &'static [&'static str],
    /// Whether playback stops here; a step that does not stop is a caption
    /// the run plays on under (a student can still go Back to it).
    pub pause: bool,
    /// Something the student must do before the story goes on.
    pub ask: Option<Ask>,
}

/// When a step shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    /// Where the previous step left the run (for the first step: the start).
    Now,
    /// At this virtual time.
    At(Time),
    /// Right after the first witness of this `sometimes` property.
    Witness(&'static str),
    /// Right after this property is first violated.
    Violation(&'static str),
    /// Right after the script's next fault of this kind (after the previous step).
    Fault(FaultKind),
    /// When the next message of this kind to leave its node (after the
    /// previous step) is half way along its link, where its ring shows best.
    Message(&'static str),
}

/// What a step asks the student to do, from its moment on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ask {
    /// Bring a fault of this kind (split the network, crash a node…).
    Fault(FaultKind),
    /// Take this client action (`register`, `put`…).
    Client(&'static str),
}

/// Where the run shows a step: a time, and the event to show there when it
/// is known (a witness or violation is seen after a particular event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub time: Time,
    pub event: Option<u64>,
}

/// Each step's moment in `scenario`'s run, or `None` for a step whose
/// trigger never comes (a witness never seen, no such fault scripted).
pub fn moments(scenario: &Scenario, story: &[Step]) -> Result<Vec<Option<Moment>>, ScenarioError> {
    // Only a message trigger needs the events; the rest is in what any run keeps.
    let sends = story.iter().any(|s| matches!(s.when, When::Message(_)));
    let mut sim = build_with(scenario, if sends { Recording::Full } else { Recording::Hash })?;
    sim.run_until(scenario.until_ms, u64::MAX);
    let events = if sends { sim.events(0, sim.trace_len()) } else { Vec::new() };
    let timeline = scenario.sorted_timeline();
    let mut last = Moment { time: 0, event: None };
    let mut out = Vec::with_capacity(story.len());
    for step in story {
        let moment = match step.when {
            When::Now => Some(last),
            When::At(time) => Some(Moment { time, event: None }),
            When::Witness(name) => sim
                .witnesses()
                .iter()
                .find(|w| w.property == name)
                .map(|w| Moment { time: w.time_ms, event: Some(w.step) }),
            When::Violation(name) => sim
                .recorded_violations()
                .iter()
                .find(|v| v.invariant == name)
                .map(|v| Moment { time: v.time_ms, event: Some(v.step) }),
            When::Fault(kind) => timeline
                .iter()
                .find(|e| e.at_ms >= last.time && matches!(&e.action, Action::Fault(f) if f.kind() == Some(kind)))
                .map(|e| Moment { time: e.at_ms, event: None }),
            When::Message(kind) => events.iter().find_map(|e| match &e.what {
                EventKind::Send { label, arrive_ms, .. }
                    if e.time_ms >= last.time && e.step > last.event.unwrap_or(0) && of_kind(label, kind) =>
                {
                    Some(Moment { time: e.time_ms + arrive_ms.saturating_sub(e.time_ms) / 2, event: None })
                }
                _ => None,
            }),
        };
        if let Some(m) = moment {
            last = m;
        }
        out.push(moment);
    }
    Ok(out)
}

/// Whether a message labelled `label` on the canvas ("Prepare 1.1") is of
/// `kind`, the label's first word ("Prepare"; not "Accept" for "Accepted").
pub fn of_kind(label: &str, kind: &str) -> bool {
    label.strip_prefix(kind).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Whether the student did what `ask` asks in `now` (the run as it stands)
/// at or after `since`: an action of that kind that the lesson's own
/// scenario (`script`) does not have.
pub fn done(ask: Ask, script: &Scenario, now: &Scenario, since: Time) -> bool {
    let fits = |action: &Action| match (ask, action) {
        (Ask::Fault(kind), Action::Fault(f)) => f.kind() == Some(kind),
        (Ask::Client(name), Action::Client(c)) => c.name == name,
        _ => false,
    };
    now.timeline.iter().any(|e| e.at_ms >= since && fits(&e.action) && !script.timeline.contains(e))
}

impl Lesson {
    /// The preset it tells, from `presets`.
    pub fn preset_in<'a>(&self, presets: &'a [Preset]) -> Option<&'a Preset> {
        presets.iter().find(|p| p.id == self.preset)
    }
}

/// A step's defaults: it shows now, rings nothing, pauses, asks nothing.
const STEP: Step = Step { text: "", when: When::Now, highlight: &[], messages: &[], pause: true, ask: None };

/// Every lesson, grouped by protocol in the order the lab lists them.
pub fn lessons() -> &'static [Lesson] {
    &LESSONS
}

static LESSONS: [Lesson; 17] = [
    Lesson {
        id: "office-majority",
        title: "The office: one officer, a majority of copies",
        teaches: "why a number counts only once a majority of branches holds it, and what a cut-off Main Office can and cannot do",
        preset: "office-tour",
        story: &[
            Step {
                text: "Five branches, A to E. One of them is elected Main Office and alone hands out numbers; each number is copied to the other branches before it is given to a parent.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "The first number is issued: the Main Office gave it out only after a majority (three of five) had recorded it. Any two majorities share a branch, so whoever comes next will learn of it.",
                when: When::Witness("number-issued"),
                ..STEP
            },
            Step {
                text: "The network splits: A and B on one side, C, D and E on the other. Only a side with a majority (three of five) can copy a number to a majority, so only that side can issue; the other refuses (\"office closed until further notice\") rather than risk giving a number twice.",
                when: When::Fault(FaultKind::Partition),
                highlight: &[0, 1],
                ..STEP
            },
            Step {
                text: "The network has healed. Cut off, A and B kept campaigning, each time for a higher mandate; back in touch, B's mandate beats C's, and B opens the Main Office with the book the majority kept: nothing issued is lost.",
                when: When::At(17_000),
                highlight: &[1],
                ..STEP
            },
            Step {
                text: "Now branch C burns down: it loses everything it had not written to disk. Every number issued is held by a majority, and any majority of the four left still includes a branch that holds it, so no number is lost.",
                when: When::Fault(FaultKind::Crash),
                highlight: &[2],
                ..STEP
            },
            Step {
                text: "Your turn: split the network yourself (Network panel: put branches into groups, then \"Split the network\") and see which side keeps issuing.",
                when: When::Now,
                ask: Some(Ask::Fault(FaultKind::Partition)),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "office-lease",
        title: "The office: elections, and a lease against zombies",
        teaches: "how a new Main Office is elected when the old one goes silent, and why the old one must close when it wakes",
        preset: "office-zombie",
        story: &[
            Step {
                text: "C was elected Main Office for mandate 1. It holds office on a lease: every branch's answer renews it, and if it has not heard from a majority for longer than the lease, it must close. A branch that hears from no Main Office for an election timeout campaigns for the next mandate.",
                when: When::At(500),
                highlight: &[2],
                ..STEP
            },
            Step {
                text: "C freezes: a long garbage-collection pause, or a virtual machine swapped out. It cannot tell; its clock and timers stop with it, and messages to it wait.",
                when: When::Fault(FaultKind::Pause),
                highlight: &[2],
                ..STEP
            },
            Step {
                text: "The branches hear nothing from C. E's election timer fires first: it campaigns for mandate 2, A, B and D support it, and it opens the Main Office with the book the majority kept. Now two branches believe they are Main Office: E for mandate 2, and C, asleep, for mandate 1.",
                when: When::At(7_200),
                highlight: &[2, 4],
                ..STEP
            },
            Step {
                text: "C wakes. Before anything else it checks its lease: nobody has answered it for seconds, so it closes the Main Office, then takes E's records like any branch. Even without the lease C could not issue: a number needs a majority's copies, and branches in mandate 2 refuse a Main Office of mandate 1. The lease saves the parents from waiting on a zombie.",
                when: When::At(11_000),
                highlight: &[2],
                ..STEP
            },
            Step {
                text: "Your turn: pause the Main Office yourself (select it, then Pause), let the others elect, and resume it.",
                when: When::Now,
                ask: Some(Ask::Fault(FaultKind::Pause)),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "office-pigeon-mail",
        title: "The office by pigeon mail: slow, never wrong",
        teaches: "that slow and lossy links cost time, not correctness, and why the tail of the latency matters more than its median",
        preset: "office-pigeon-mail",
        story: &[
            Step {
                text: "The same office over pigeon mail: every message takes 0.4 to 0.9 s and one in twenty is lost. A parent who hears nothing for eight seconds asks again.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "The first elections fail. A and D campaign almost together and split the supports (C backs A, E backs D), and a lost message costs a whole election timeout, which slow links make long. Until there is a Main Office, parents are turned away: \"office closed until further notice\".",
                when: When::At(9_500),
                highlight: &[0, 3],
                ..STEP
            },
            Step {
                text: "Mandate 3: E wins the support of all four others and opens the Main Office, fifteen seconds in (on a fast network, a third of a second).",
                when: When::At(15_200),
                highlight: &[4],
                ..STEP
            },
            Step {
                text: "The first number is issued: E entered a parent's request in its book, copied it to the branches and issued it once a majority held it. Every number needs the slow network crossed there and back, so a parent waits seconds; but no number is ever given twice or skipped.",
                when: When::At(20_400),
                highlight: &[4],
                ..STEP
            },
            Step {
                text: "Ninety seconds in, every safety property still holds. Half the parents waited under 3 s, but the slowest one in a hundred waited over 20 s: lost messages and retries make a long tail, which an average hides. The latency chart shows p50 and p99 apart.",
                when: When::At(90_000),
                ..STEP
            },
            Step {
                text: "Your turn: register a newborn yourself (select a branch, then Register) and count the seconds until its number comes.",
                when: When::Now,
                ask: Some(Ask::Client("register")),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "office-split-brain",
        title: "The office without a quorum: split brain",
        teaches: "what goes wrong when a branch cut off from the Main Office issues numbers on its own",
        preset: "office-split-brain",
        story: &[
            Step {
                text: "This office runs the broken variant no-quorum: a branch that loses touch with the Main Office starts issuing numbers by itself.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "The network splits. Both sides now think they may issue the next number.",
                when: When::Fault(FaultKind::Partition),
                ..STEP
            },
            Step {
                text: "There it is: two parents hold the same number. Without a majority to agree, each side's \"next number\" was the same one. The invariant bar says which rule broke; its link shows the event.",
                when: When::Violation("unique-numbers"),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "office-request-ids",
        title: "The office without request IDs: a retry is a new request",
        teaches: "why retries need request IDs to be idempotent (exactly-once is at-least-once plus deduplication)",
        preset: "office-no-request-id",
        story: &[
            Step {
                text: "This office runs the broken variant no-request-id, over slow links (150 to 300 ms). A parent who hears nothing for 600 ms asks again, but the office cannot tell a retry from a new parent.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "A retry arrived, and was given a second number: one request, two numbers. With a request ID the Main Office would have found the first answer and sent it again; the client's retries would be harmless (idempotent).",
                when: When::Violation("one-number-per-request"),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "raft-election",
        title: "Raft: the first election",
        teaches: "terms, votes and why a candidate needs a majority",
        preset: "raft-first-election",
        story: &[
            Step {
                text: "Five servers start as followers in term 0. Each waits for a heartbeat for a random election timeout; the first to time out becomes a candidate.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "A leader is elected: it asked for votes in a new term, and a majority granted theirs (each server votes at most once per term, so two leaders in one term are impossible).",
                when: When::Witness("leader-elected"),
                ..STEP
            },
            Step {
                text: "Now crash the leader (select it, then Crash) and watch the others time out, start a new term and elect another.",
                when: When::Now,
                ask: Some(Ask::Fault(FaultKind::Crash)),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "raft-replication",
        title: "Raft: replication, and a follower catching up",
        teaches: "how the leader's log reaches the followers, and how the consistency check repairs a follower that fell behind",
        preset: "raft-catch-up",
        story: &[
            Step {
                text: "E is elected leader of term 1. Clients' commands go to the leader (a follower sends them there); the leader appends each to its log, sends it in AppendEntries, and applies it and answers once a majority holds it.",
                when: When::Witness("leader-elected"),
                highlight: &[4],
                ..STEP
            },
            Step {
                text: "B crashes. Four of five servers are still a majority, so the leader keeps committing; B's log stays as it was, while the others' grows by five commands a second.",
                when: When::Fault(FaultKind::Crash),
                highlight: &[1],
                ..STEP
            },
            Step {
                text: "Twelve seconds later B restarts, with the log it had written to disk. Each AppendEntries names the index and term of the entry just before its new ones; B lacks that entry, so it refuses (\"✗ try\"), and the leader steps back one entry and tries again.",
                when: When::At(14_120),
                highlight: &[1, 4],
                ..STEP
            },
            Step {
                text: "Step by step, the leader has walked back to index 8, the first entry B lacks. There the check passes: B takes every entry after it in one message, and its log matches the leader's. Logs that agree on one entry's index and term agree on everything before it (the Log Matching property), so one check is enough.",
                when: When::At(16_040),
                highlight: &[1],
                ..STEP
            },
            Step {
                text: "Your turn: crash a follower yourself (select it, then Crash), restart it later, and watch it catch up.",
                when: When::Now,
                ask: Some(Ask::Fault(FaultKind::Crash)),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "raft-commit-rule",
        title: "Raft: committed means on a majority",
        teaches: "why a leader answers only once a majority holds an entry, and why only uncommitted entries are ever overwritten",
        preset: "raft-stranded-leader",
        story: &[
            Step {
                text: "D leads term 1. A client's put x=1 went into D's log at index 2, and D answered only when a majority of the five servers held it: that is what committed means, and only committed entries are applied.",
                when: When::At(2_540),
                highlight: &[3],
                ..STEP
            },
            Step {
                text: "The network split: D and E on one side, A, B and C on the other. D still believes it leads and appends the next puts (x=2 at index 3, y=3 at 4), but only E can copy them, two of five: not committed, so D answers no one. On the other side A timed out and won term 2 with B's and C's votes.",
                when: When::At(3_450),
                highlight: &[3, 4],
                ..STEP
            },
            Step {
                text: "A commits x=4 at index 4 with B and C: the same index as D's y=3, another entry. That is allowed, because D's entry was never committed.",
                when: When::At(3_800),
                highlight: &[0],
                ..STEP
            },
            Step {
                text: "The network healed. D hears of term 2 and steps down, and D and E delete their entries from index 3 on: they conflict with the leader's log. Only uncommitted entries are ever deleted, since a committed one is on a majority and every new leader needs votes from a majority. The clients who got no answer ask again, at A.",
                when: When::At(6_320),
                highlight: &[3, 4],
                ..STEP
            },
            Step {
                text: "Your turn: put the leader in a minority yourself (Network panel: group it with one follower, then \"Split the network\") and watch its new entries go uncommitted.",
                when: When::Now,
                ask: Some(Ask::Fault(FaultKind::Partition)),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "raft-pre-vote",
        title: "Raft: a returning server and pre-vote",
        teaches: "why a server cut off from the others should ask before it raises its term",
        preset: "raft-pre-vote",
        story: &[
            Step {
                text: "Five servers with pre-vote on. A leader is elected and replicates the clients' commands.",
                when: When::Witness("leader-elected"),
                ..STEP
            },
            Step {
                text: "D is cut off. It stops hearing the leader and its election timer fires, again and again. Without pre-vote it would start an election each time, raising its term.",
                when: When::Fault(FaultKind::Partition),
                highlight: &[3],
                ..STEP
            },
            Step {
                text: "The network has healed. With pre-vote, D first asked whether it could win; no one could have voted for it, so it never raised its term, and its return does not depose the leader. Switch Pre-vote off and watch the same return start an election.",
                when: When::At(10_500),
                highlight: &[3],
                ..STEP
            },
        ],
    },
    Lesson {
        id: "raft-figure-8",
        title: "Raft: Figure 8, and why a leader commits only its own term's entries",
        teaches: "why counting replicas of an older term's entry is not enough to commit it",
        preset: "raft-figure-8-bug",
        story: &[
            Step {
                text: "Figure 8 of the Raft paper, with the broken variant commit-old-term: a leader that finds an entry of an older term on a majority counts it as committed. Leaders crash and come back, and terms pass, as in the figure.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "A leader that lacks an entry already counted as committed was elected: a server whose log ends in a later term wins votes from servers holding that older entry. The entry was on a majority, yet was never safe.",
                when: When::Violation("leader-completeness"),
                highlight: &[4],
                ..STEP
            },
            Step {
                text: "Now two servers have applied different values at one index: the old-term entry is overwritten. Raft's rule is to commit an older term's entries only indirectly, by committing an entry of the leader's own term after them (a no-op at the start of its term). The preset raft-figure-8 runs the same steps with the rule, and nothing committed is lost.",
                when: When::Violation("state-machine-safety"),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "paxos-roles",
        title: "Paxos: proposers, acceptors, learners",
        teaches: "the two phases of Paxos, and why a value once chosen stays chosen",
        preset: "paxos-happy-path",
        story: &[
            Step {
                text: "Paxos gives three jobs to three kinds of node: a proposer (P1) puts a value forward, acceptors (A1 to A3) vote, and a learner (L1) finds out what was chosen. A value is chosen once a majority of acceptors accept it under one ballot.",
                when: When::Now,
                highlight: &[0],
                ..STEP
            },
            Step {
                text: "A client asks P1 to propose x. Phase 1: P1 sends prepare with ballot 1.1 (round 1, proposer 1) to every acceptor.",
                when: When::Message("Prepare"),
                highlight: &[0],
                messages: &["Prepare"],
                ..STEP
            },
            Step {
                text: "Each acceptor promises to ignore lower ballots, and reports the value it has accepted, if any: none yet.",
                when: When::Message("Promise"),
                highlight: &[1, 2, 3],
                messages: &["Promise"],
                pause: false,
                ..STEP
            },
            Step {
                text: "Promises from a majority (two of three) let P1 go on. Nobody reported an accepted value, so P1 may propose its own: phase 2, accept 1.1 x. Had an acceptor reported one, P1 would have had to propose that value instead: this is what keeps a chosen value chosen.",
                when: When::Message("Accept"),
                highlight: &[0],
                messages: &["Accept"],
                ..STEP
            },
            Step {
                text: "A3 and A1 have accepted x: two of three, under one ballot. x is chosen at this moment, though nobody knows it yet. Any later ballot's prepare reaches at least one of these two, hears of x, and must propose x.",
                when: When::Witness("value-chosen"),
                highlight: &[1, 3],
                messages: &["Accepted"],
                ..STEP
            },
            Step {
                text: "Each acceptor told P1 and L1 what it accepted. Counting two Accepted messages for one ballot, P1 answers its client and L1 learns x: a learner learns a value only after it was chosen.",
                when: When::At(400),
                highlight: &[0, 4],
                ..STEP
            },
            Step {
                text: "Your turn: ask P1 to propose another value (select P1, then Propose). It knows x was chosen and answers x: Paxos decides once.",
                when: When::Now,
                highlight: &[0],
                ask: Some(Ask::Client("propose")),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "paxos-duel",
        title: "Paxos: duelling proposers",
        teaches: "why Paxos is safe but not live without a leader or a random backoff",
        preset: "paxos-duel",
        story: &[
            Step {
                text: "Two proposers, P1 and P2, three acceptors and a learner. Each proposer runs phase 1 (prepare) with a ballot, then phase 2 (accept) with the value it may propose.",
                when: When::Now,
                highlight: &[0, 1],
                ..STEP
            },
            Step {
                text: "Five seconds in, nothing is chosen, though every node is up: each proposer's prepare, with a higher ballot, arrives before the other's accepts, so the acceptors reject those accepts, and both start again higher. Safety holds (no two values chosen); liveness does not. FLP says no protocol can guarantee both in every schedule: a leader, or a random backoff (the paxos-duel-backoff preset), makes this schedule unlikely.",
                when: When::At(5_000),
                highlight: &[0, 1],
                ..STEP
            },
        ],
    },
    Lesson {
        id: "multi-paxos-gaps",
        title: "Multi-Paxos: a new leader fills the gaps",
        teaches: "how a new leader learns what its predecessor may have had chosen, and why it fills holes with no-ops",
        preset: "multi-paxos-leader-crash",
        story: &[
            Step {
                text: "Multi-Paxos: P2 leads, so each client command needs only phase 2 (accept) in the next slot. Two commands are chosen in slots 1 and 2.",
                when: When::At(2_500),
                highlight: &[1],
                ..STEP
            },
            Step {
                text: "P2's links to the acceptors are cut just as it sends the accept for slot 3: that accept is lost. The network heals, slot 4 is chosen, and P2 crashes.",
                when: When::Fault(FaultKind::Crash),
                highlight: &[1],
                ..STEP
            },
            Step {
                text: "P2 has gone silent. P1 times out and runs phase 1 with a higher ballot for every open slot at once. The acceptors' promises report what they accepted: P1 proposes slot 4's command again, and fills slot 3, which nobody accepted, with a no-op, because the replicas cannot apply slot 4 until slot 3 is decided.",
                when: When::At(4_200),
                highlight: &[0],
                ..STEP
            },
        ],
    },
    Lesson {
        id: "2pc-blocking",
        title: "Two-phase commit blocks",
        teaches: "why cohorts that voted YES must wait for a crashed coordinator",
        preset: "2pc-coordinator-crash",
        story: &[
            Step {
                text: "A coordinator asks its cohorts to prepare a transaction. Each that votes YES promises to commit or abort as told, and keeps its locks until it hears.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "The coordinator crashes just as the YES votes arrive. The cohorts have promised: alone, none may commit (another might have voted NO) or abort (the coordinator might have decided commit). They block, locks held.",
                when: When::Fault(FaultKind::Crash),
                highlight: &[0],
                ..STEP
            },
        ],
    },
    Lesson {
        id: "3pc-split",
        title: "Three-phase commit under a partition",
        teaches: "why 3PC, safe under crashes, decides both ways when the network splits",
        preset: "3pc-split",
        story: &[
            Step {
                text: "3PC adds a phase between the votes and the commit (PreCommit), so a cohort that times out can tell from its peers whether anyone may have committed: no blocking when nodes crash.",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "A partition cuts P3 and P4 off just after PreCommit leaves: only P1 and P2 are pre-committed. Each side runs the termination protocol on what it can reach.",
                when: When::Fault(FaultKind::Partition),
                highlight: &[3, 4],
                ..STEP
            },
            Step {
                text: "One side commits, the other aborts: atomicity is broken. 3PC assumes a failed node is a crashed one; a partition is not a crash. This is its known limit, and why commit protocols built on consensus (Paxos Commit) exist.",
                when: When::Violation("atomicity"),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "crdt-convergence",
        title: "CRDTs: a counter that counts on both sides of a partition",
        teaches: "how replicas that never wait for each other still converge, and why their merge must be commutative, associative and idempotent",
        preset: "crdt-counter-partition",
        story: &[
            Step {
                text: "Four replicas of a PN-counter. Each keeps one count of increments (P) and one of decrements (N) per replica, adds to its own slot only, and answers at once without asking anyone. Every 400 ms each sends its whole state to another replica (gossip).",
                when: When::Now,
                ..STEP
            },
            Step {
                text: "The network splits: A and B on one side, C and D on the other. Nobody stops counting: a replica never waits for the others, so it stays available through a partition.",
                when: When::Fault(FaultKind::Partition),
                ..STEP
            },
            Step {
                text: "Both sides counted: A read 2, and so did C, though six updates have been made in all. Each side misses what the other did: the replicas have diverged, and every answer was immediate.",
                when: When::At(3_000),
                highlight: &[0, 2],
                ..STEP
            },
            Step {
                text: "The network healed, and gossip flows again. A merge keeps, slot by slot, the larger of the two counts: a slot only grows, so the order of merges, a state received twice or late, change nothing (commutative, associative, idempotent).",
                when: When::At(5_430),
                ..STEP
            },
            Step {
                text: "Every replica holds the same state, and B reads 4: five increments less one decrement. No leader, no quorum, no agreed order; the price is that a read may be stale, and only operations that commute can be built this way.",
                when: When::At(9_050),
                highlight: &[1],
                ..STEP
            },
            Step {
                text: "Your turn: split the replicas another way (Network panel), count on both sides, then heal, and watch them converge again.",
                when: When::Now,
                ask: Some(Ask::Fault(FaultKind::Partition)),
                ..STEP
            },
        ],
    },
    Lesson {
        id: "crdt-lww-skew",
        title: "CRDTs: last writer wins, and a fast clock",
        teaches: "that replicas converge without coordination, and what a last-writer-wins register gives up",
        preset: "crdt-lww-skew",
        story: &[
            Step {
                text: "Three replicas of a last-writer-wins register. Each answers writes at once, even when cut off, and they gossip their state; merging keeps the write with the latest timestamp. C's clock runs three seconds fast.",
                when: When::Now,
                highlight: &[2],
                ..STEP
            },
            Step {
                text: "C is cut off. It writes 1; a second later, in true time, A writes 2. Both sides keep answering: available under a partition, as CAP allows only when consistency gives way.",
                when: When::At(2_100),
                highlight: &[0, 2],
                ..STEP
            },
            Step {
                text: "The network heals and the replicas converge: every one holds 1. The later write (2) lost, because C's fast clock stamped its earlier write later. Convergence is guaranteed; keeping the newest write is not, unless clocks can be trusted.",
                when: When::Witness("lww-lost-newer-write"),
                highlight: &[2],
                ..STEP
            },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn every_lesson_tells_a_preset_and_every_step_comes_in_order() {
        let presets = presets();
        for lesson in lessons() {
            let preset =
                lesson.preset_in(&presets).unwrap_or_else(|| panic!("{}: no preset {}", lesson.id, lesson.preset));
            let moments = moments(&preset.scenario, lesson.story).unwrap();
            // Only lessons that ring messages need the run's sends (a recorded run).
            let sent =
                if lesson.story.iter().any(|s| !s.messages.is_empty()) { sends(&preset.scenario) } else { Vec::new() };
            let mut last = 0;
            for (i, (step, moment)) in lesson.story.iter().zip(&moments).enumerate() {
                let moment =
                    moment.unwrap_or_else(|| panic!("{} step {}: {:?} never comes", lesson.id, i + 1, step.when));
                assert!(
                    moment.time >= last,
                    "{} step {}: at {} ms, before the step before",
                    lesson.id,
                    i + 1,
                    moment.time
                );
                last = moment.time;
                for &node in step.highlight {
                    assert!(node < preset.scenario.nodes, "{} step {}: no node {node}", lesson.id, i + 1);
                }
                for &kind in step.messages {
                    assert!(sent.iter().any(|l| of_kind(l, kind)), "{}: no {kind} sent", lesson.id);
                }
            }
            let ids = lessons().iter().filter(|l| l.id == lesson.id).count();
            assert_eq!(ids, 1, "{}: one lesson per id", lesson.id);
        }
    }

    /// A step's text says what the run just did; each row names a trace line
    /// that must come after the step before and by this step's moment.
    #[test]
    fn each_timed_step_shows_what_its_text_says() {
        let said: &[(&str, usize, &str)] = &[
            ("office-lease", 1, "C: opens the Main Office for mandate 1"),
            ("office-lease", 2, "pause C"),
            ("office-lease", 3, "E: opens the Main Office for mandate 2"),
            ("office-lease", 4, "C: lost touch with the majority: closes the Main Office"),
            ("office-pigeon-mail", 2, "E: supports D for mandate 1"),
            ("office-pigeon-mail", 2, "lost in the network"),
            ("office-pigeon-mail", 2, "turns parent r1 away: office closed"),
            ("office-pigeon-mail", 3, "E: opens the Main Office for mandate 3"),
            ("office-pigeon-mail", 4, "E: issues #1"),
            ("raft-replication", 1, "E: becomes leader for term 1"),
            ("raft-replication", 2, "crash B"),
            ("raft-replication", 3, "B → E: Appended t1 ✗ try"),
            ("raft-replication", 4, "B → E: Appended t1 ✗ try 8"),
            ("raft-replication", 4, "E → B: AppendEntries t1 [8.."),
            ("raft-commit-rule", 1, "D answers client r1: done"),
            ("raft-commit-rule", 2, "D: appends y=3 at 4"),
            ("raft-commit-rule", 2, "A: becomes leader for term 2"),
            ("raft-commit-rule", 3, "A answers client r4: done"),
            ("raft-commit-rule", 4, "D: deletes entries from 3 on"),
            ("raft-commit-rule", 4, "E: deletes entries from 3 on"),
            ("paxos-roles", 2, "P1: prepares ballot 1.1"),
            ("paxos-roles", 3, "A1: promises 1.1"),
            ("paxos-roles", 4, "P1 → A1: Accept 1.1 x"),
            ("paxos-roles", 5, "A1: accepts x"),
            ("paxos-roles", 6, "P1 answers client r1: chosen: x"),
            ("paxos-roles", 6, "L1: learns x"),
            ("crdt-convergence", 3, "A answers client r7: value 2"),
            ("crdt-convergence", 3, "C answers client r8: value 2"),
            ("crdt-convergence", 4, "D: merges B's"),
            ("crdt-convergence", 5, "B answers client r9: value 4"),
        ];
        let presets = presets();
        for &(id, step, line) in said {
            let lesson = lessons().iter().find(|l| l.id == id).unwrap();
            let scenario = &lesson.preset_in(&presets).unwrap().scenario;
            let moments = moments(scenario, lesson.story).unwrap();
            let from = if step == 1 { 0 } else { moments[step - 2].unwrap().time };
            let to = moments[step - 1].unwrap().time;
            let mut sim = build_with(scenario, Recording::Full).unwrap();
            sim.run_until(to, u64::MAX);
            let rows = sim.trace_rows(0, sim.trace_len());
            assert!(
                rows.iter().any(|r| (from..=to).contains(&r.time_ms) && r.text.contains(line)),
                "{id} step {step}: no \"{line}\" in {from}..={to} ms"
            );
        }
    }

    /// A step that only shows, `when` it says.
    fn quiet(when: When) -> Step {
        Step { when, ..STEP }
    }

    /// The labels of every message sent in `scenario`'s run.
    fn sends(scenario: &Scenario) -> Vec<String> {
        let mut sim = build_with(scenario, Recording::Full).unwrap();
        sim.run_until(scenario.until_ms, u64::MAX);
        let events = sim.events(0, sim.trace_len());
        events
            .into_iter()
            .filter_map(|e| if let EventKind::Send { label, .. } = e.what { Some(label) } else { None })
            .collect()
    }

    #[test]
    fn a_witness_is_found_at_its_event_and_a_missing_one_is_none() {
        let presets = presets();
        let tour = &presets.iter().find(|p| p.id == "office-tour").unwrap().scenario;
        let story = [
            quiet(When::Witness("number-issued")),
            quiet(When::Witness("no-such-thing")),
            quiet(When::Fault(FaultKind::Partition)),
            quiet(When::Fault(FaultKind::Partition)),
        ];
        let got = moments(tour, &story).unwrap();
        let first = got[0].unwrap();
        assert!(first.event.is_some() && first.time > 0 && first.time < 8_000, "{first:?}");
        assert_eq!(got[1], None);
        assert_eq!(got[2], Some(Moment { time: 8_000, event: None }), "the scripted partition");
        assert_eq!(got[3], Some(Moment { time: 8_000, event: None }), "the same one: not before the step before");
    }

    #[test]
    fn a_message_step_shows_right_after_the_next_send_of_its_kind() {
        assert!(of_kind("Accept 1.1 x", "Accept") && of_kind("Accept", "Accept"));
        assert!(!of_kind("Accepted 1.1 x", "Accept"), "a kind is a whole word");
        let presets = presets();
        let happy = &presets.iter().find(|p| p.id == "paxos-happy-path").unwrap().scenario;
        let story = [quiet(When::Message("Accept")), quiet(When::Message("Accept")), quiet(When::Message("Nothing"))];
        let got = moments(happy, &story).unwrap();
        // P1 sends its three accepts at 298 ms; the first reaches A1 at 347 ms. The second
        // step waits for an accept sent after the first step's moment: there is none.
        assert_eq!(got[0], Some(Moment { time: 322, event: None }));
        assert_eq!(got[1], None, "no accept is sent after that");
        assert_eq!(got[2], None);
    }

    #[test]
    fn a_challenge_is_done_by_the_students_own_action_only() {
        let presets = presets();
        let script = presets.iter().find(|p| p.id == "office-tour").unwrap().scenario.clone();
        let ask = Ask::Fault(FaultKind::Crash);
        assert!(!done(ask, &script, &script, 0), "the scripted crash at 24 s is not the student's");
        let mut now = script.clone();
        let crash = Scenario::from_json(
            r#"{"version":1,"protocol":"office","nodes":5,"seed":1,"timeline":[{"at_ms":5000,"action":"crash","node":1}],"until_ms":9000}"#,
        )
        .unwrap()
        .timeline;
        now.timeline.extend(crash);
        assert!(done(ask, &script, &now, 4_000));
        assert!(!done(ask, &script, &now, 6_000), "done before the step asked");
        assert!(!done(Ask::Fault(FaultKind::Partition), &script, &now, 0), "a crash is not a partition");
    }
}
