//! The office's properties, checked against ground truth rather than against
//! what the branches believe: a number is *issued* the moment a majority of
//! branches hold the same entry at its position, in books confirmed by the
//! same mandate, whether or not any branch knows it yet.

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::any::{PropertyInfo, PropertyKind};
use crate::sim::protocol::{EndState, Monitor, majority};
use crate::sim::time::{NodeId, RequestId, Time};
use crate::sim::workload::{ClientEvent, ClientEventKind};

use super::Office;
use super::branch::Branch;
use super::msg::Entry;

pub const UNIQUE_NUMBERS: &str = "unique-numbers";
pub const NO_GAPS: &str = "no-gaps";
pub const TOLD_WAS_ISSUED: &str = "told-was-issued";
pub const ONE_NUMBER_PER_REQUEST: &str = "one-number-per-request";
pub const ISSUED_SURVIVES: &str = "issued-survives";
pub const RETRYING_PARENT_SERVED: &str = "retrying-parent-served";

const fn always(name: &'static str, rule: &'static str) -> PropertyInfo {
    PropertyInfo { name, rule, kind: PropertyKind::Always }
}

pub static PROPERTIES: [PropertyInfo; 6] = [
    always(UNIQUE_NUMBERS, "No number is given to two parents"),
    always(NO_GAPS, "Numbers are issued 1, 2, 3, … with none skipped"),
    always(TOLD_WAS_ISSUED, "Every number a parent is told has been issued (recorded by a majority of branches)"),
    always(ONE_NUMBER_PER_REQUEST, "A request ID never gets two numbers"),
    always(ISSUED_SURVIVES, "An issued number stays in a majority of vaults, so no minority crash can lose it"),
    PropertyInfo {
        name: RETRYING_PARENT_SERVED,
        rule: "A parent who keeps retrying while a majority is up and connected gets a number",
        kind: PropertyKind::Eventually,
    },
];

/// The ground truth of a run: what has really been issued and told.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Issued entries: position i holds number i + 1.
    issued: Vec<Entry>,
    /// The number each issued request holds.
    number_of: BTreeMap<RequestId, u64>,
    /// What parents were told: number → request, and request → number.
    told: BTreeMap<u64, RequestId>,
    told_request: BTreeMap<RequestId, u64>,
    /// For each branch: whether its book starts with every issued entry.
    agrees: Vec<bool>,
    /// Positions already reported, so one broken fact is reported once.
    reported_gaps: BTreeSet<usize>,
    reported_lost: BTreeSet<usize>,
    majority: usize,
    settle_ms: Time,
}

type Found = Vec<(&'static str, String)>;

impl Ledger {
    /// The entry a majority holds at `at` in books of one mandate, if any.
    fn chosen(&self, branches: &[Branch], at: usize) -> Option<Entry> {
        let held = |b: &Branch| b.vault.book.get(at).map(|e| (b.vault.book_mandate, *e));
        branches
            .iter()
            .filter_map(held)
            .find(|candidate| branches.iter().filter(|b| held(b).as_ref() == Some(candidate)).count() >= self.majority)
            .map(|(_, entry)| entry)
    }

    fn discover_issued(&mut self, branches: &[Branch], found: &mut Found) {
        while let Some(entry) = self.chosen(branches, self.issued.len()) {
            let number = self.issued.len() as u64 + 1;
            if let Some(earlier) = self.number_of.insert(entry.request, number) {
                found.push((
                    ONE_NUMBER_PER_REQUEST,
                    format!("request r{} was issued #{earlier} and now #{number} as well", entry.request),
                ));
            }
            self.issued.push(entry);
        }
        let next = self.issued.len();
        let longest = branches.iter().map(|b| b.vault.book.len()).max().unwrap_or(0);
        for at in next + 1..longest {
            if !self.reported_gaps.contains(&at) && self.chosen(branches, at).is_some() {
                self.reported_gaps.insert(at);
                found.push((NO_GAPS, format!("#{} is recorded by a majority but #{} is not", at + 1, next + 1)));
            }
        }
    }

    /// Keeps `agrees` up to date cheaply: a branch the step did not touch has
    /// the same book, so only the newly issued positions need comparing; a
    /// touched branch is compared in full (a protocol may rewrite its book).
    fn check_survival(&mut self, branches: &[Branch], touched: &[NodeId], issued_before: usize, found: &mut Found) {
        let k = self.issued.len();
        for (c, b) in branches.iter().enumerate() {
            let from = if touched.contains(&c) { 0 } else { issued_before };
            if from == 0 || self.agrees[c] {
                self.agrees[c] = b.vault.book.get(from..k) == Some(&self.issued[from..k]);
            }
        }
        if self.agrees.iter().filter(|&&a| a).count() >= self.majority {
            return;
        }
        for (at, entry) in self.issued.iter().enumerate() {
            let holders = branches.iter().filter(|b| b.vault.book.get(at) == Some(entry)).count();
            if holders < self.majority && self.reported_lost.insert(at) {
                found.push((
                    ISSUED_SURVIVES,
                    format!(
                        "#{} (r{}) is now in only {holders} vault(s); a minority crash could lose it",
                        at + 1,
                        entry.request
                    ),
                ));
            }
        }
    }

    fn check_told(&mut self, request: RequestId, number: u64, found: &mut Found) {
        match self.issued.get(number.saturating_sub(1) as usize) {
            Some(e) if e.request == request => {}
            Some(e) => found.push((
                TOLD_WAS_ISSUED,
                format!("parent r{request} was told #{number}, but #{number} was issued to r{}", e.request),
            )),
            None => found.push((
                TOLD_WAS_ISSUED,
                format!(
                    "parent r{request} was told #{number}, but only {} number(s) have been issued (recorded by a majority)",
                    self.issued.len()
                ),
            )),
        }
        if let Some(&other) = self.told.get(&number)
            && other != request
        {
            found.push((UNIQUE_NUMBERS, format!("#{number} was given to both r{other} and r{request}")));
        }
        if let Some(&earlier) = self.told_request.get(&request)
            && earlier != number
        {
            found.push((ONE_NUMBER_PER_REQUEST, format!("parent r{request} was told #{earlier} and later #{number}")));
        }
        self.told.insert(number, request);
        self.told_request.insert(request, number);
    }
}

impl Monitor<Office> for Ledger {
    fn new(office: &Office) -> Self {
        Ledger {
            majority: majority(office.nodes),
            settle_ms: office.settle_ms,
            agrees: vec![true; office.nodes],
            ..Ledger::default()
        }
    }

    fn check(
        &mut self,
        _: &Office,
        branches: &[Branch],
        touched: &[NodeId],
        events: &[ClientEvent<Office>],
        _: Time,
    ) -> Found {
        let mut found = Vec::new();
        let issued_before = self.issued.len();
        self.discover_issued(branches, &mut found);
        self.check_survival(branches, touched, issued_before, &mut found);
        for e in events {
            if let ClientEventKind::Replied { reply } = e.kind {
                self.check_told(e.request, reply, &mut found);
            }
        }
        found
    }

    fn judge_end(&self, _: &Office, end: &EndState) -> Found {
        let Some(since) = end.healthy_since else { return Vec::new() };
        let starving: Vec<(RequestId, Time)> = end
            .outstanding
            .iter()
            .copied()
            .filter(|&(_, first_at)| first_at.max(since) + self.settle_ms + 20 * end.slowest_ms <= end.now)
            .collect();
        starving
            .iter()
            .take(3)
            .map(|(request, first_at)| {
                let also = if starving.len() > 3 { format!(" ({} parents in all)", starving.len()) } else { String::new() };
                (
                    RETRYING_PARENT_SERVED,
                    format!(
                        "parent r{request} has waited since {first_at} ms with a majority up and connected since {since} ms, and still has no number{also}"
                    ),
                )
            })
            .collect()
    }
}
