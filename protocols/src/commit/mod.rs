//! # Atomic commitment: two-phase and three-phase commit
//!
//! One coordinator (node 0, "C") and 2–8 cohorts ("P1", "P2", …) decide
//! together whether a transaction commits: all of them or none.
//!
//! - **2PC** (Gray, "Notes on Data Base Operating Systems"; Bernstein,
//!   Hadzilacos and Goodman, ch. 7). Phase 1: PREPARE; a cohort that can
//!   commit writes its prepared record, holds its lock and votes YES, one
//!   that cannot votes NO and aborts. Phase 2: the coordinator writes its
//!   decision, COMMIT only if every vote was YES, and sends it until every
//!   cohort has acknowledged. A prepared cohort cannot decide alone: when the
//!   coordinator is down it is **blocked**, its lock held. With cooperative
//!   termination it asks its peers, which helps only if one of them knows.
//! - **3PC** (Skeen, "Nonblocking Commit Protocols"). Between the votes and
//!   the decision, PreCommit tells every cohort that all voted YES. When the
//!   coordinator goes silent, the cohorts run the termination protocol: the
//!   lowest-numbered uncertain cohort collects the states it can reach and
//!   commits if anyone was pre-committed, aborts if no one was. Under
//!   crashes it does not block where 2PC does; under a partition, each side
//!   decides from what it can reach, and the two sides can decide differently:
//!   the known limit that Paxos Commit and consensus-based commit remove.
//!
//! Where to look: [`coordinator`] (begin, votes, decision), [`cohort`] (vote,
//! lock, blocking, termination), [`node`] (the log and what a restart
//! rebuilds from it), [`props`] (atomicity and the rest, judged on the logs).
//!
//! Variants: `vote-before-log` (the YES leaves before the prepared record
//! is on disk), `presumed-commit-on-timeout` (2PC: a blocked cohort commits alone).

pub mod cohort;
pub mod coordinator;
pub mod msg;
pub mod node;
pub mod props;

use crate::sim::any::{ClientActionInfo, FieldInfo, FieldKind, PropertyInfo, ProtocolInfo, VariantInfo};
use crate::sim::decimal::Fixed;
use crate::sim::nodes::NodeSet;
use crate::sim::params::{ParamInfo, ParamKind, Params};
use crate::sim::protocol::{Facts, Protocol, Request, Start};
use crate::sim::rng::Stream;
use crate::sim::scenario::{ClientAction, Scenario, ScenarioError};
use crate::sim::time::{NodeId, RequestId, Time};
use crate::sim::view::{Accent, Item, ItemState, Layout, NodeView};

use msg::{Msg, Outcome, Record, Tx};
use node::{Ctx, Node, Role};
use props::{Auditor, PROPERTIES_2PC, PROPERTIES_3PC};

/// The coordinator's node number.
pub const COORDINATOR: NodeId = 0;

/// Which rule is broken, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    /// A cohort votes YES before its prepared record is on disk.
    VoteBeforeLog,
    /// 2PC: a blocked cohort gives up waiting and commits on its own.
    PresumedCommitOnTimeout,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phases {
    Two,
    Three,
}

static VOTE_BEFORE_LOG: VariantInfo = VariantInfo::new(
    "vote-before-log",
    "A cohort votes YES before its prepared record reaches disk: a crash makes it forget, and it aborts what the others commit",
);

static VARIANTS_2PC: [VariantInfo; 3] = [
    VariantInfo::new("correct", "Two-phase commit with presumed abort"),
    VOTE_BEFORE_LOG,
    VariantInfo::new(
        "presumed-commit-on-timeout",
        "A blocked cohort stops waiting and commits on its own, though another cohort may have voted NO",
    ),
];

static VARIANTS_3PC: [VariantInfo; 2] =
    [VariantInfo::new("correct", "Three-phase commit with Skeen's termination protocol"), VOTE_BEFORE_LOG];

const NO_PROBABILITY: ParamInfo = ParamInfo {
    name: "no_probability",
    label: "Chance of a NO vote",
    help: "For each transaction the workload begins, the chance that each cohort votes NO",
    kind: ParamKind::Float { min: 0.0, max: 1.0, default: 0.1 },
};

static PARAMS_2PC: [ParamInfo; 2] = [
    NO_PROBABILITY,
    ParamInfo {
        name: "cooperative_termination",
        label: "Cooperative termination",
        help: "A blocked cohort asks its peers too, and learns the outcome if any of them knows it",
        kind: ParamKind::Bool { default: false },
    },
];

static PARAMS_3PC: [ParamInfo; 1] = [NO_PROBABILITY];

static BEGIN: [ClientActionInfo; 1] = [ClientActionInfo {
    name: "begin",
    label: "Begin a transaction",
    fields: &[FieldInfo { name: "votes", label: "Cohorts that vote NO", kind: FieldKind::Nodes { first: 1 } }],
}];

const fn info(
    name: &'static str,
    title: &'static str,
    variants: &'static [VariantInfo],
    properties: &'static [&'static PropertyInfo],
    params: &'static [ParamInfo],
) -> ProtocolInfo {
    ProtocolInfo {
        name,
        title,
        node_noun: "node",
        client_noun: "client",
        variants,
        properties,
        params,
        client_actions: &BEGIN,
        min_nodes: 3,
        max_nodes: 9,
        role_params: &[],
    }
}

static INFO_2PC: ProtocolInfo = info("2pc", "Two-phase commit", &VARIANTS_2PC, &PROPERTIES_2PC, &PARAMS_2PC);
static INFO_3PC: ProtocolInfo = info("3pc", "Three-phase commit", &VARIANTS_3PC, &PROPERTIES_3PC, &PARAMS_3PC);

/// The clocks, in virtual ms, tuned to the slowest link the scenario starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How long the coordinator waits for votes before it aborts.
    pub votes_ms: Time,
    /// How long a cohort that voted YES waits for the outcome before it
    /// asks (2PC) or starts the termination protocol (3PC): longer than the
    /// coordinator's wait for votes, so a live coordinator decides first.
    pub patience_ms: Time,
    /// How often unacknowledged messages are sent again.
    pub resend_ms: Time,
    /// 3PC: how long the termination protocol collects answers.
    pub collect_ms: Time,
}

impl Timing {
    pub fn for_latency(slowest_ms: Time) -> Timing {
        let votes_ms = 4 * slowest_ms + 200;
        Timing {
            votes_ms,
            patience_ms: 2 * votes_ms + 4 * slowest_ms,
            resend_ms: 2 * slowest_ms + 100,
            collect_ms: 3 * slowest_ms + 50,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The coordinator's wait for the votes of a transaction.
    Votes(Tx),
    /// The coordinator's resending of what was not acknowledged.
    Resend,
    /// A prepared cohort's wait for the outcome.
    Patience(Tx),
    /// 3PC: the end of the termination protocol's collection (or pre-commit) round.
    Collect(Tx),
}

/// What a client asks: run a transaction; `vote_no` are the cohorts that will refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Begin { vote_no: NodeSet },
}

/// 2PC or 3PC, configured for one run.
#[derive(Clone, Debug)]
pub struct Commit {
    pub nodes: usize,
    pub phases: Phases,
    pub variant: Variant,
    pub timing: Timing,
    pub no_probability: f64,
    pub cooperative_termination: bool,
    /// How long a healthy system needs to decide a transaction (for the liveness judgement).
    pub settle_ms: Time,
}

impl Commit {
    pub fn cohorts(&self) -> impl Iterator<Item = NodeId> + Clone + use<> {
        1..self.nodes
    }
}

impl Protocol for Commit {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Durable = crate::sim::log::Log<Record>;
    type Op = Op;
    type Reply = Outcome;
    type Monitor = Auditor;

    fn info() -> &'static ProtocolInfo {
        &INFO_2PC
    }

    fn family() -> Vec<&'static ProtocolInfo> {
        vec![&INFO_2PC, &INFO_3PC]
    }

    fn running(&self) -> &'static ProtocolInfo {
        match self.phases {
            Phases::Two => &INFO_2PC,
            Phases::Three => &INFO_3PC,
        }
    }

    fn configure(scenario: &Scenario, params: &Params) -> Result<Commit, ScenarioError> {
        let phases = if scenario.protocol == "3pc" { Phases::Three } else { Phases::Two };
        let n = scenario.nodes;
        if !(INFO_2PC.min_nodes..=INFO_2PC.max_nodes).contains(&n) {
            return Err(ScenarioError(format!(
                "atomic commit runs a coordinator and 2 to 8 cohorts (3 to 9 nodes), not {n}"
            )));
        }
        let timing = Timing::for_latency(scenario.network.latency_ms[1]);
        let variant = match scenario.variant.as_str() {
            "vote-before-log" => Variant::VoteBeforeLog,
            "presumed-commit-on-timeout" => Variant::PresumedCommitOnTimeout,
            _ => Variant::Correct,
        };
        let cooperative = phases == Phases::Two && params.bool("cooperative_termination");
        Ok(Commit {
            nodes: n,
            phases,
            variant,
            // A client learns the outcome only when it asks again: after a
            // coordinator's crash, its backoff may have grown to the cap.
            settle_ms: 4 * timing.patience_ms + 2 * scenario.workload.retry_after_ms + scenario.workload.max_retry_ms,
            timing,
            no_probability: params.float("no_probability"),
            cooperative_termination: cooperative,
        })
    }

    fn node_name(&self, id: NodeId) -> String {
        if id == COORDINATOR { "C".into() } else { format!("P{id}") }
    }

    fn layout(&self) -> Layout {
        Layout::Hub { center: COORDINATOR }
    }

    fn parse_op(&self, action: &ClientAction) -> Result<Op, String> {
        let mut vote_no = NodeSet::default();
        for v in action.params.get("votes").and_then(|v| v.as_array()).into_iter().flatten() {
            match v.as_u64().map(|n| n as usize).filter(|n| (1..self.nodes).contains(n)) {
                Some(n) => vote_no = vote_no.with(n),
                None => return Err(format!("`votes` names cohorts 1 to {}, not {v}", self.nodes - 1)),
            }
        }
        Ok(Op::Begin { vote_no })
    }

    /// Transactions begin at the coordinator; each cohort votes NO with
    /// probability `no_probability`.
    fn workload_request(&self, rng: &mut Stream, _: usize, _: RequestId) -> (NodeId, Op) {
        let vote_no =
            self.cohorts().filter(|_| rng.chance(self.no_probability)).fold(NodeSet::default(), NodeSet::with);
        (COORDINATOR, Op::Begin { vote_no })
    }

    /// A client whose answer did not come asks the coordinator again.
    fn retry_node(&self, _: &mut Stream, _: usize, _: NodeId) -> NodeId {
        COORDINATOR
    }

    fn init(&self, id: NodeId) -> Node {
        Node::new(id, crate::sim::log::Log::new(), COORDINATOR)
    }

    /// After a crash: a prepared cohort takes its lock again and asks for
    /// the outcome; the coordinator sends its unacknowledged decisions again
    /// and (3PC) asks where the cohorts stand on what it had pre-committed.
    fn on_start(&self, node: &mut Node, ctx: &mut Ctx, start: Start) {
        if start == Start::First {
            return;
        }
        let now = ctx.now();
        match &mut node.role {
            Role::Coordinator(_) => node.on_resend(self, ctx),
            Role::Cohort(c) => {
                // The lock is held again from now (the log cannot say since when).
                for lock in &mut c.locks {
                    lock.since = now;
                }
                let prepared: Vec<Tx> = c.locks.iter().map(|l| l.tx).collect();
                for tx in prepared {
                    ctx.note(format_args!("t{tx}: restarted prepared; asks for the outcome"));
                    node.on_patience(self, ctx, tx);
                }
            }
        }
    }

    fn on_message(&self, node: &mut Node, ctx: &mut Ctx, from: NodeId, msg: Msg) {
        let coordinating = matches!(node.role, Role::Coordinator(_));
        match msg {
            Msg::Prepare { tx, vote_no } => node.on_prepare(self, ctx, from, tx, vote_no),
            Msg::Vote { tx, yes } => node.on_vote(self, ctx, from, tx, yes),
            Msg::PreCommit { tx } => node.on_pre_commit(self, ctx, from, tx),
            Msg::PreCommitAck { tx } if coordinating => node.on_pre_commit_ack(self, ctx, from, tx),
            Msg::PreCommitAck { tx } => node.on_cohort_pre_commit_ack(self, ctx, from, tx),
            // A recovery coordinator's decision (3PC) settles what this one had not.
            Msg::Decision { tx, outcome } if coordinating => {
                if node.state(tx).decided().is_none() {
                    node.decide(self, ctx, tx, outcome)
                }
            }
            Msg::Decision { tx, outcome } => node.on_decision(ctx, from, tx, outcome),
            Msg::Ack { tx } if coordinating => node.on_ack(self, ctx, from, tx),
            Msg::Ack { .. } => {}
            Msg::StateRequest { tx } if coordinating => node.on_coordinator_state_request(self, ctx, from, tx),
            Msg::StateRequest { tx } => node.on_state_request(self, ctx, from, tx),
            Msg::StateReply { tx, state } if coordinating => {
                node.on_coordinator_state_reply(self, ctx, from, tx, state)
            }
            Msg::StateReply { tx, state } => node.on_state_reply(self, ctx, from, tx, state),
        }
    }

    fn on_timer(&self, node: &mut Node, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Votes(tx) => node.on_votes_timeout(self, ctx, tx),
            Timer::Resend => node.on_resend(self, ctx),
            Timer::Patience(tx) => node.on_patience(self, ctx, tx),
            Timer::Collect(tx) => node.on_collect(self, ctx, tx),
        }
    }

    /// Transactions begin at the coordinator; a cohort sends the client there.
    fn on_request(&self, node: &mut Node, ctx: &mut Ctx, request: Request<Op>) {
        if matches!(node.role, Role::Coordinator(_)) {
            node.on_begin(self, ctx, request);
        } else {
            ctx.redirect(request.id, COORDINATOR, "transactions begin at the coordinator");
        }
    }

    fn durable(&self, node: &Node) -> crate::sim::log::Log<Record> {
        node.wal.clone()
    }

    /// The log is only ever appended to, so only what the disk lacks is written.
    fn persist(&self, node: &mut Node, disk: &mut crate::sim::log::Log<Record>) {
        for record in node.wal.iter_from(disk.len()) {
            disk.push(*record);
        }
    }

    fn recover(&self, id: NodeId, wal: crate::sim::log::Log<Record>) -> Node {
        Node::new(id, wal, COORDINATOR)
    }

    /// Every node up and the network whole: only then must every
    /// transaction be decided (a 2PC cohort may block while the coordinator is down).
    fn healthy(&self, facts: &Facts) -> bool {
        facts.all_up() && facts.network_whole()
    }

    fn view(&self, node: &Node) -> NodeView {
        let mut facts = Vec::new();
        let (role, accent) = match &node.role {
            Role::Coordinator(c) => {
                let names = |set: NodeSet| set.iter().map(|n| self.node_name(n)).collect::<Vec<_>>().join(" ");
                for a in c.active.iter().take(3) {
                    facts.push(match a.pre_committed {
                        Some(acked) if acked.is_empty() => format!("t{}: every vote YES, pre-commit sent", a.tx),
                        Some(acked) => format!("t{}: pre-commit acknowledged by {}", a.tx, names(acked)),
                        None if a.yes.is_empty() => format!("t{}: waiting for votes", a.tx),
                        None => format!("t{}: YES from {}", a.tx, names(a.yes)),
                    });
                }
                if c.active.len() > 3 {
                    facts.push(format!("{} more deciding", c.active.len() - 3));
                }
                if !c.unacked.is_empty() {
                    facts.push(format!("{} awaiting acks", c.unacked.len()));
                }
                ("Coordinator", Accent::Primary)
            }
            Role::Cohort(c) => {
                for lock in c.locks.iter().take(3) {
                    let state = node.state(lock.tx).word();
                    let held =
                        format!("t{}: {state}, lock held since {} s", lock.tx, Fixed(lock.since as f64 / 1000.0, 1));
                    facts.push(match lock.blocked_since {
                        Some(since) => format!("{held}, blocked since {} s", Fixed(since as f64 / 1000.0, 1)),
                        None => held,
                    });
                }
                if c.locks.len() > 3 {
                    facts.push(format!("{} more locks held", c.locks.len() - 3));
                }
                let accent = match c.locks.iter().any(|l| l.blocked_since.is_some()) {
                    true => Accent::Secondary,
                    false if c.locks.is_empty() => Accent::Dim,
                    false => Accent::Plain,
                };
                ("Cohort", accent)
            }
        };
        const SHOWN: usize = 8;
        let wal = &node.wal;
        let items = (wal.len().saturating_sub(SHOWN)..wal.len())
            .map(|at| {
                let record = wal[at];
                let state = match record {
                    Record::Decided(_, Outcome::Abort) => ItemState::Discarded,
                    Record::Decided(..) | Record::Ended(_) => ItemState::Settled,
                    _ if node.state(record.tx()).decided().is_some() => ItemState::Settled,
                    _ => ItemState::Tentative,
                };
                Item { index: None, tag: Some(record.tx()), text: record.to_string(), state }
            })
            .collect();
        NodeView { role: role.into(), accent, facts, items }
    }

    fn label(&self, msg: &Msg) -> String {
        msg.label()
    }

    fn describe_reply(&self, outcome: &Outcome) -> String {
        match outcome {
            Outcome::Commit => "committed".into(),
            Outcome::Abort => "aborted".into(),
        }
    }
}

#[cfg(test)]
mod tests;
