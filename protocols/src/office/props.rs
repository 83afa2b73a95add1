//! The office's properties, checked against ground truth rather than against
//! what the branches believe: a number is *issued* the moment a majority of
//! branches hold the same entry at its position, in books confirmed by the
//! same mandate, whether or not any branch knows it yet.

use crate::sim::any::PropertyInfo;
use crate::sim::ids::IdSet;
use crate::sim::log::Log;
use crate::sim::protocol::{EndState, Findings, Monitor, Nodes, StepView, majority, reached_by_quorum};
use crate::sim::time::{NodeId, RequestId, Time};
use crate::sim::view::count;
use crate::sim::workload::ClientEventKind;

use super::Office;
use super::branch::Branch;
use super::msg::Entry;

pub static UNIQUE_NUMBERS: PropertyInfo = PropertyInfo::always("unique-numbers", "No number is given to two parents");
pub static NO_GAPS: PropertyInfo = PropertyInfo::always("no-gaps", "Numbers are issued 1, 2, 3, … with none skipped");
pub static TOLD_WAS_ISSUED: PropertyInfo = PropertyInfo::always(
    "told-was-issued",
    "Every number a parent is told has been issued (recorded by a majority of branches)",
);
pub static ONE_NUMBER_PER_REQUEST: PropertyInfo =
    PropertyInfo::always("one-number-per-request", "A request ID never gets two numbers");
pub static ISSUED_SURVIVES: PropertyInfo = PropertyInfo::always(
    "issued-survives",
    "An issued number stays in a majority of vaults, so no minority crash can lose it",
);
pub static RETRYING_PARENT_SERVED: PropertyInfo = PropertyInfo::eventually(
    "retrying-parent-served",
    "A parent who keeps retrying while a majority is up and connected gets a number",
);
pub static NUMBER_ISSUED: PropertyInfo =
    PropertyInfo::sometimes("number-issued", "A number is issued (a majority holds it)");

pub static PROPERTIES: [&PropertyInfo; 7] = [
    &UNIQUE_NUMBERS,
    &NO_GAPS,
    &TOLD_WAS_ISSUED,
    &ONE_NUMBER_PER_REQUEST,
    &ISSUED_SURVIVES,
    &RETRYING_PARENT_SERVED,
    &NUMBER_ISSUED,
];

/// The ground truth of a run: what has really been issued and told.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Issued entries: position i holds number i + 1.
    issued: Log<Entry>,
    /// The number each issued request holds, by request ID (0: none yet).
    /// Request IDs are dense, so these maps are logs: cheap to snapshot.
    number_of: Log<u64>,
    /// What parents were told: request by number, and number by request (0: none).
    told: Log<RequestId>,
    told_request: Log<u64>,
    /// Which branch told each number first, by number (branch + 1; 0: none),
    /// to name both branches when a number is told twice.
    told_by: Log<u64>,
    told_count: u64,
    /// For each branch: how long a prefix of its book is known to equal the
    /// issued entries, and the book's rewrite count when that was checked
    /// (a rewritten book is checked again from the start).
    verified: Vec<(usize, u64)>,
    /// Each book as last checked: length, rewrites, confirming mandate. A
    /// step that changed none of them (and told nobody anything) cannot have
    /// issued, lost or skipped a number, so it costs one comparison per branch.
    last_seen: Vec<(usize, u64, u64)>,
    /// Positions already reported, so one broken fact is reported once. As
    /// `u64`: the set type the protocols keep already (of request ids), so
    /// no other set's code is in the download.
    reported_gaps: IdSet,
    reported_lost: IdSet,
    majority: usize,
    settle_ms: Time,
}

type Found = Findings;

/// Keys beyond this are not kept (a protocol bug telling an absurd number is
/// reported all the same; it just cannot be matched with a later one).
const MAX_KEY: u64 = 1 << 24;

/// The value at `key` in a dense map (0 means none).
fn dense_get(map: &Log<u64>, key: u64) -> Option<u64> {
    map.get(usize::try_from(key).ok()?).copied().filter(|&v| v != 0)
}

fn dense_put(map: &mut Log<u64>, key: u64, value: u64) {
    if key <= MAX_KEY {
        map.put(key as usize, value, 0);
    }
}

impl Ledger {
    /// The entry a majority holds at `at` in books of one mandate, if any.
    fn chosen(&self, branches: Nodes<Branch>, at: usize) -> Option<Entry> {
        // Most positions are not yet in a majority of books at all: say so cheaply.
        if branches.iter().filter(|b| b.vault.book.len() > at).count() < self.majority {
            return None;
        }
        let held = |b: &Branch| b.vault.book.get(at).map(|e| (b.vault.book_mandate, *e));
        branches
            .iter()
            .filter_map(held)
            .find(|candidate| branches.iter().filter(|b| held(b).as_ref() == Some(candidate)).count() >= self.majority)
            .map(|(_, entry)| entry)
    }

    fn discover_issued(&mut self, branches: Nodes<Branch>, found: &mut Found) {
        while let Some(entry) = self.chosen(branches, self.issued.len()) {
            let number = self.issued.len() as u64 + 1;
            let earlier = dense_get(&self.number_of, entry.request);
            dense_put(&mut self.number_of, entry.request, number);
            if let Some(earlier) = earlier {
                found.violated(
                    &ONE_NUMBER_PER_REQUEST,
                    format!("request r{} was issued #{earlier} and now #{number} as well", entry.request),
                );
            }
            if number == 1 {
                found.witnessed(&NUMBER_ISSUED, format!("#1 is issued to r{}", entry.request));
            }
            self.issued.push(entry);
        }
        let next = self.issued.len();
        let longest = branches.iter().map(|b| b.vault.book.len()).max().unwrap_or(0);
        for at in next + 1..longest {
            if !self.reported_gaps.contains(at as u64) && self.chosen(branches, at).is_some() {
                self.reported_gaps.insert(at as u64);
                found.violated(&NO_GAPS, format!("#{} is recorded by a majority but #{} is not", at + 1, next + 1));
            }
        }
    }

    /// Keeps `verified` up to date cheaply: a book that was only appended to
    /// since the last check is compared from where the check stopped; a
    /// rewritten one (its [`Log`](crate::sim::log::Log) counts rewrites, so
    /// the protocol cannot hide one) from the start. Only positions held by
    /// fewer than a majority of verified prefixes are counted one by one.
    fn check_survival(&mut self, branches: Nodes<Branch>, found: &mut Found) {
        let k = self.issued.len();
        for (c, b) in branches.iter().enumerate() {
            let (len, seen) = &mut self.verified[c];
            let book = &b.vault.book;
            if book.rewrites() != *seen {
                (*len, *seen) = (0, book.rewrites());
            }
            *len = (*len).min(book.len());
            while *len < k.min(book.len()) && book[*len] == self.issued[*len] {
                *len += 1;
            }
        }
        // Positions below this are in a majority of verified prefixes.
        let safe_below = reached_by_quorum(self.verified.iter().map(|&(len, _)| len), self.majority);
        for at in safe_below..k {
            let entry = &self.issued[at];
            let holders = branches.iter().filter(|b| b.vault.book.get(at) == Some(entry)).count();
            if holders < self.majority && self.reported_lost.insert(at as u64) {
                let lost: Vec<NodeId> =
                    (0..branches.len()).filter(|&b| branches[b].vault.book.get(at) != Some(entry)).collect();
                found.violated_at(
                    &ISSUED_SURVIVES,
                    format!(
                        "#{} (r{}) is now in only {}; a minority crash could lose it",
                        at + 1,
                        entry.request,
                        count(holders, "vault", "vaults")
                    ),
                    lost,
                );
            }
        }
    }

    /// `branch`, after the branch that told `number` first if that was another one.
    fn with_first_teller(&self, number: u64, branch: NodeId) -> Vec<NodeId> {
        match dense_get(&self.told_by, number).map(|b| b as NodeId - 1) {
            Some(first) if first != branch => vec![first, branch],
            _ => vec![branch],
        }
    }

    /// Checks what `branch` told the parent of `request`; a violation names
    /// the branch, and the one that told the same number before.
    fn check_told(&mut self, branch: NodeId, request: RequestId, number: u64, found: &mut Found) {
        match self.issued.get(number.saturating_sub(1) as usize) {
            Some(e) if e.request == request => {}
            Some(e) => found.violated_at(
                &TOLD_WAS_ISSUED,
                format!("parent r{request} was told #{number}, but #{number} was issued to r{}", e.request),
                vec![branch],
            ),
            None => {
                let issued = match self.issued.len() {
                    1 => "1 number has".to_string(),
                    n => format!("{n} numbers have"),
                };
                found.violated_at(
                    &TOLD_WAS_ISSUED,
                    format!(
                        "parent r{request} was told #{number}, but only {issued} been issued (recorded by a majority)"
                    ),
                    vec![branch],
                )
            }
        }
        if let Some(other) = dense_get(&self.told, number)
            && other != request
        {
            found.violated_at(
                &UNIQUE_NUMBERS,
                format!("#{number} was given to both r{other} and r{request}"),
                self.with_first_teller(number, branch),
            );
        }
        if let Some(earlier) = dense_get(&self.told_request, request)
            && earlier != number
        {
            found.violated_at(
                &ONE_NUMBER_PER_REQUEST,
                format!("parent r{request} was told #{earlier} and later #{number}"),
                self.with_first_teller(earlier, branch),
            );
        }
        if dense_get(&self.told_request, request).is_none() {
            self.told_count += 1;
        }
        if dense_get(&self.told_by, number).is_none() {
            dense_put(&mut self.told_by, number, branch as u64 + 1);
        }
        dense_put(&mut self.told, number, request);
        dense_put(&mut self.told_request, request, number);
    }
}

impl Monitor<Office> for Ledger {
    fn new(office: &Office) -> Self {
        Ledger {
            majority: majority(office.nodes),
            settle_ms: office.settle_ms,
            verified: vec![(0, 0); office.nodes],
            last_seen: vec![(0, 0, 0); office.nodes],
            ..Ledger::default()
        }
    }

    fn check(&mut self, _: &Office, step: &StepView<Office>, found: &mut Found) {
        // Only the branches the step touched can have changed their books.
        let mut changed = false;
        for &c in step.touched {
            let vault = &step.nodes[c].vault;
            let now = (vault.book.len(), vault.book.rewrites(), vault.book_mandate);
            changed |= self.last_seen[c] != now;
            self.last_seen[c] = now;
        }
        if changed {
            self.discover_issued(step.nodes, found);
            self.check_survival(step.nodes, found);
        }
        for e in step.events {
            if let ClientEventKind::Replied { reply } = e.kind {
                self.check_told(e.node, e.request, reply, found);
            }
        }
    }

    fn metrics(&self, _: u64) -> Vec<(&'static str, f64)> {
        vec![("issued", self.issued.len() as f64), ("told", self.told_count as f64)]
    }

    fn judge_end(&self, _: &Office, end: &EndState, found: &mut Found) {
        end.report_starving(
            self.settle_ms,
            &RETRYING_PARENT_SERVED,
            ("parent", "still has no number", "a majority up and connected"),
            found,
        );
    }
}
