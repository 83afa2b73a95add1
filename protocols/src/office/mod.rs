//! # The birth-number issuing office
//!
//! A country gives every newborn The Very Next Number: 1, 2, 3, … with no
//! number given twice and none skipped. One officer at one table keeps that
//! promise trivially. This office has five branches (any odd number from 3 to
//! 9), so it keeps the promise the way replicated systems do:
//!
//! - **One Main Office at a time.** A branch that stops hearing from the Main
//!   Office *campaigns* for a new *mandate*; a branch supports one candidate
//!   per mandate; a candidate with a majority's support opens the Main Office.
//!   Two majorities always share a branch, so no two Main Offices share a mandate.
//! - **A number is issued only when a majority has it in their books.** The
//!   Main Office enters a request at the end of its book and sends the entry
//!   to every branch; once a majority hold it (in books confirmed by the same
//!   mandate), it is issued, and the branch where the parent waits answers.
//! - **The new Main Office starts from the most complete book** among those
//!   that elected it (the one confirmed by the latest mandate, then the
//!   longest), which is why no issued number is ever lost or changed. (This is
//!   the view change of Viewstamped Replication in the office's own words.)
//! - **Request IDs make retries safe.** A parent whose answer does not come
//!   asks again, perhaps at another branch, with the same request ID; the
//!   book is searched for it first, so the retry gets the same number.
//! - **A lease keeps the office honest about availability.** The Main Office
//!   holds office only while it keeps hearing from a majority; a branch cut
//!   off from a majority says "office closed until further notice" instead of
//!   guessing (consistency and partition tolerance over availability).
//!
//! Variants that break a rule on purpose: `no-quorum` (a branch cut off from
//! the Main Office issues numbers on its own: split brain) and
//! `no-request-id` (retries are treated as new requests: one parent, two numbers).

pub mod branch;
pub mod msg;
pub mod props;

use crate::sim::any::{ClientActionInfo, ProtocolInfo, VariantInfo};
use crate::sim::ctx::Ctx;
use crate::sim::log::Log;
use crate::sim::params::Params;
use crate::sim::protocol::{Protocol, Request, Start};
use crate::sim::rng::Stream;
use crate::sim::scenario::{ClientAction, Scenario, ScenarioError};
use crate::sim::time::{NodeId, RequestId, Time, node_name};
use crate::sim::view::{Accent, Item, ItemState, NodeView, count};

use branch::{Branch, Role, Vault};
use msg::Msg;
use props::{Ledger, PROPERTIES};

/// Which rules the office follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    /// A branch without a Main Office issues numbers on its own authority.
    NoQuorum,
    /// Requests are never looked up by ID: every retry is a new registration.
    NoRequestId,
}

static VARIANTS: [VariantInfo; 3] = [
    VariantInfo::new("correct", "Majority quorum, elected Main Office, request IDs"),
    VariantInfo::new("no-quorum", "A branch cut off from the Main Office issues numbers on its own (split brain)"),
    VariantInfo::new("no-request-id", "Retries are treated as new requests and get fresh numbers"),
];

static INFO: ProtocolInfo = ProtocolInfo {
    name: "office",
    title: "The birth-number office",
    node_noun: "branch",
    client_noun: "parent",
    variants: &VARIANTS,
    properties: &PROPERTIES,
    params: &[],
    client_actions: &[ClientActionInfo { name: "register", label: "Register a newborn here", fields: &[] }],
    min_nodes: 3,
    max_nodes: 9,
    role_params: &[],
};

/// The office's clocks, in virtual ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How often the Main Office sends each branch its records (or a heartbeat).
    pub heartbeat_ms: Time,
    /// How long a silence the Main Office (and a branch forwarding to it) tolerates.
    pub lease_ms: Time,
    /// A branch campaigns after a silence drawn from this range.
    pub election_ms: [Time; 2],
    /// The first campaign of a freshly opened office, which has no Main Office
    /// to be patient with, comes sooner.
    pub opening_ms: [Time; 2],
}

impl Timing {
    /// Clocks tuned to the slowest link the scenario starts with, as operators
    /// tune timeouts to round-trip times: pigeon mail makes the office slow,
    /// not leaderless. (Only the starting network counts, so a run replays
    /// the same however the user changes the network later.)
    pub fn for_latency(slowest_ms: Time) -> Timing {
        let lease_ms = (5 * slowest_ms).max(1_000);
        Timing {
            heartbeat_ms: 100 + slowest_ms,
            lease_ms,
            election_ms: [lease_ms, 2 * lease_ms],
            opening_ms: [lease_ms / 4, lease_ms / 2],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// A branch's patience with a silent Main Office.
    Election,
    /// The Main Office's beat: copy entries, renew the lease.
    Heartbeat,
}

/// The office's configuration for one run.
#[derive(Clone, Debug)]
pub struct Office {
    pub nodes: usize,
    pub variant: Variant,
    pub timing: Timing,
    /// How long a healthy majority needs to serve a retrying parent (for the
    /// liveness judgement), before adding a few round trips: elections and retries.
    pub settle_ms: Time,
}

impl Protocol for Office {
    type Node = Branch;
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Vault;
    type Op = ();
    /// The number a parent is told.
    type Reply = u64;
    type Monitor = Ledger;

    fn info() -> &'static ProtocolInfo {
        &INFO
    }

    fn configure(scenario: &Scenario, _: &Params) -> Result<Office, ScenarioError> {
        let variant = match scenario.variant.as_str() {
            "no-quorum" => Variant::NoQuorum,
            "no-request-id" => Variant::NoRequestId,
            _ => Variant::Correct,
        };
        let n = scenario.nodes;
        if !(INFO.min_nodes..=INFO.max_nodes).contains(&n) || n % 2 == 0 {
            return Err(ScenarioError(format!("the office needs an odd number of branches from 3 to 9, not {n}")));
        }
        let timing = Timing::for_latency(scenario.network.latency_ms[1]);
        let settle_ms = 2 * timing.election_ms[1] + 2 * scenario.workload.retry_after_ms;
        Ok(Office { nodes: n, variant, timing, settle_ms })
    }

    /// `register` has no fields: the engine has checked that already.
    fn parse_op(&self, _: &ClientAction) -> Result<(), String> {
        Ok(())
    }

    /// A parent walks into any branch.
    fn workload_request(&self, rng: &mut Stream, nodes: usize, _: RequestId) -> (NodeId, ()) {
        (rng.below(nodes as u64) as NodeId, ())
    }

    fn init(&self, id: NodeId) -> Branch {
        Branch::new(id, Vault { mandate: 0, voted_for: None, book: Log::new(), book_mandate: 0 })
    }

    fn on_start(&self, node: &mut Branch, ctx: &mut Ctx<Self>, start: Start) {
        node.on_start(self, ctx, start);
    }

    fn on_message(&self, node: &mut Branch, ctx: &mut Ctx<Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Campaign { mandate } => node.on_campaign(self, ctx, from, mandate),
            Msg::Support(vote) => node.on_support(self, ctx, from, vote),
            Msg::Record(record) => node.on_record(self, ctx, from, record),
            Msg::Recorded { mandate, len, ok } => {
                if mandate > node.vault.mandate {
                    node.on_newer(self, ctx, mandate);
                } else if mandate == node.vault.mandate {
                    node.on_recorded(ctx, from, len, ok);
                }
            }
            Msg::Forward { request } => node.on_forward(self, ctx, from, request),
            Msg::Answer { request, number } => node.on_answer(ctx, request, number),
            Msg::Newer { mandate } => node.on_newer(self, ctx, mandate),
        }
    }

    fn on_timer(&self, node: &mut Branch, ctx: &mut Ctx<Self>, timer: Timer) {
        match timer {
            Timer::Election => node.on_election_timeout(self, ctx),
            Timer::Heartbeat => node.on_heartbeat(self, ctx),
        }
    }

    fn on_request(&self, node: &mut Branch, ctx: &mut Ctx<Self>, request: Request<()>) {
        node.on_request(self, ctx, request.id);
    }

    fn durable(&self, node: &Branch) -> Vault {
        node.vault.clone()
    }

    /// The vault is written as a log: only the entries after the part of the
    /// book already on disk (the whole book after it was replaced).
    fn persist(&self, node: &mut Branch, disk: &mut Vault) {
        node.write_vault(disk);
    }

    fn recover(&self, id: NodeId, vault: Vault) -> Branch {
        Branch::new(id, vault)
    }

    fn view(&self, node: &Branch) -> NodeView {
        let (role, accent) = match &node.role {
            Role::MainOffice { .. } => ("Main Office", Accent::Primary),
            Role::Candidate { .. } => ("Candidate", Accent::Secondary),
            Role::Branch { main: Some(_), .. } => ("Branch", Accent::Plain),
            Role::Branch { main: None, .. } => ("Branch", Accent::Dim),
        };
        let mut facts = vec![format!("mandate {}", node.vault.mandate), format!("issued {}", node.issued)];
        match node.role {
            Role::Branch { main: Some(main), .. } => facts.push(format!("Main Office: {}", node_name(main))),
            Role::Branch { main: None, .. } => facts.push("no Main Office known".into()),
            _ => {}
        }
        if !node.waiting.is_empty() {
            facts.push(format!("{} waiting", count(node.waiting.len(), "parent", "parents")));
        }
        const SHOWN: usize = 8;
        let book = &node.vault.book;
        let items = (book.len().saturating_sub(SHOWN)..book.len())
            .map(|at| Item {
                index: Some(at as u64 + 1),
                tag: None,
                text: format!("#{} r{}", at + 1, book[at].request),
                state: if at < node.issued { ItemState::Settled } else { ItemState::Tentative },
            })
            .collect();
        NodeView { role: role.into(), accent, facts, items }
    }

    fn label(&self, msg: &Msg) -> String {
        msg.label()
    }

    fn size(&self, msg: &Msg) -> usize {
        msg.size()
    }

    fn describe_reply(&self, number: &u64) -> String {
        format!("your number is #{number}")
    }
}

#[cfg(test)]
mod tests;
