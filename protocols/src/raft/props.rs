//! Raft's properties (Figure 3 of the paper, and what clients must see),
//! judged on ground truth: what each server *applied*, as the monitor
//! recorded it, never "held by a majority" (Figure 8 shows why that is not
//! the same as committed in Raft).

use crate::sim::any::{Distribution, Latencies, PropertyInfo};
use crate::sim::log::Log;
use crate::sim::protocol::{EndState, Findings, Monitor, Nodes, StepView};
use crate::sim::scenario::FaultKind;
use crate::sim::time::{NodeId, RequestId, Time, node_name};
use crate::sim::workload::ClientEventKind;

use super::kv::{JournalWatch, Reply};
use super::msg::{Command, Entry, Key, Term};
use super::server::{Role, Server};
use super::{Op, Raft, Reads};

pub static ELECTION_SAFETY: PropertyInfo =
    PropertyInfo::always("election-safety", "At most one leader is elected in a term");
pub static LEADER_APPEND_ONLY: PropertyInfo = PropertyInfo::always(
    "leader-append-only",
    "A leader never overwrites or deletes entries in its log; it only appends",
);
pub static LOG_MATCHING: PropertyInfo =
    PropertyInfo::always("log-matching", "Two logs with an entry of the same index and term are identical up to it");
pub static LEADER_COMPLETENESS: PropertyInfo =
    PropertyInfo::always("leader-completeness", "A committed entry is in the log of every leader of a later term");
pub static STATE_MACHINE_SAFETY: PropertyInfo =
    PropertyInfo::always("state-machine-safety", "No two servers apply different entries at the same index");
pub static APPLIED_ONCE: PropertyInfo =
    PropertyInfo::always("applied-once", "A retried put takes effect once, however often it is retried");
pub static LINEARIZABLE_READS: PropertyInfo = PropertyInfo::always(
    "linearizable-reads",
    "A get returns the value of the latest put committed before it began, or of one committed while it waited",
);
pub static LEASE_READS: PropertyInfo = PropertyInfo::always(
    "lease-reads",
    "With lease reads, a get still returns the latest committed value, as long as clocks drift within the bound",
)
.limited_whenever(&[FaultKind::Clock]);
pub static COMMITS_WHEN_HEALTHY: PropertyInfo = PropertyInfo::eventually(
    "commits-when-healthy",
    "A client that keeps retrying while a majority is up and connected is answered",
);
pub static LEADER_ELECTED: PropertyInfo = PropertyInfo::sometimes("leader-elected", "A leader is elected");

pub static PROPERTIES: [&PropertyInfo; 10] = [
    &ELECTION_SAFETY,
    &LEADER_APPEND_ONLY,
    &LOG_MATCHING,
    &LEADER_COMPLETENESS,
    &STATE_MACHINE_SAFETY,
    &APPLIED_ONCE,
    &LINEARIZABLE_READS,
    &LEASE_READS,
    &COMMITS_WHEN_HEALTHY,
    &LEADER_ELECTED,
];

/// What one entry looked like wherever it appeared with this index and term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    term: Term,
    command: Command,
    prev_term: Term,
}

/// What the monitor remembers of one server since its last check.
#[derive(Clone, Debug, Default)]
struct Seen {
    log_len: usize,
    log_rewrites: u64,
    /// The term and log (length, rewrites) while it was leader.
    led: Option<(Term, usize, u64)>,
    last_applied: u64,
    /// Which puts took effect in each life of its state machine.
    journal: JournalWatch,
    /// The highest term in which it was seen campaigning.
    campaigned: Term,
}

/// The ground truth of a run.
#[derive(Clone, Debug, Default)]
pub struct Judge {
    seen: Vec<Seen>,
    /// For each index (from 1, at position index - 1), the entries seen there, by term.
    stamps: Log<Vec<Stamp>>,
    /// Applied entries: position i holds index i + 1, as first applied anywhere.
    applied: Log<Entry>,
    /// For each applied entry, the term its first applier was in: it was
    /// committed in that term or before, so every leader of a later term must hold it.
    committed_by: Log<Term>,
    /// The leader of each term (node + 1; 0: none seen).
    leader_of: Log<u64>,
    /// For each key (a handful), the puts that took effect, in log order, with when.
    puts: Vec<(Key, Log<(Time, i64)>)>,
    /// For each request ID: whether its put took effect, when it was first
    /// asked, the key a get asked for, and whether it was answered.
    requests: Log<RequestFacts>,
    /// Latency from a request's first attempt to its entry's first application, as counts.
    commit_latency: Latencies,
    elections: u64,
    leaders: u64,
    leaderless_ms: Time,
    /// Since when no server has been leader (if none is now).
    leaderless_since: Option<Time>,
    is_leader: Vec<bool>,
    settle_ms: Time,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct RequestFacts {
    put_done: bool,
    answered: bool,
    asked_at: Time,
    get_key: Option<Key>,
}

/// Request IDs beyond this are not tracked (the workload never comes near).
const MAX_REQUEST: RequestId = 1 << 24;

impl Judge {
    fn facts(&self, id: RequestId) -> RequestFacts {
        self.requests.get(id as usize).copied().unwrap_or_default()
    }

    fn set_facts(&mut self, id: RequestId, facts: RequestFacts) {
        if id <= MAX_REQUEST {
            self.requests.put(id as usize, facts, RequestFacts::default());
        }
    }

    /// Log matching, inductively: every (index, term) carries one command
    /// and one previous term wherever it appears, so two logs that agree at
    /// an index and term agree on everything before it.
    fn check_log(&mut self, id: NodeId, server: &Server, found: &mut Findings) {
        let seen = &self.seen[id];
        let from = server.log.changed_from(seen.log_len, seen.log_rewrites);
        for at in from..server.log.len() {
            let entry = server.log[at];
            let prev_term = if at == 0 { 0 } else { server.log[at - 1].term };
            let stamp = Stamp { term: entry.term, command: entry.command, prev_term };
            let mut here = self.stamps.get(at).cloned().unwrap_or_default();
            match here.iter().find(|s| s.term == entry.term) {
                Some(other) if *other != stamp => {
                    found.violated_at(
                        &LOG_MATCHING,
                        format!(
                            "{} holds [{}] t{} = {} after t{}, but another log holds [{}] t{} = {} after t{}",
                            node_name(id),
                            at + 1,
                            entry.term,
                            entry.command,
                            prev_term,
                            at + 1,
                            other.term,
                            other.command,
                            other.prev_term
                        ),
                        vec![id],
                    );
                }
                Some(_) => {}
                None => {
                    here.push(stamp);
                    self.stamps.put(at, here, Vec::new());
                }
            }
        }
        let seen = &mut self.seen[id];
        (seen.log_len, seen.log_rewrites) = (server.log.len(), server.log.rewrites());
    }

    /// Election safety, leader append-only, and leader completeness at the
    /// moment a leader is first seen.
    fn check_leader(&mut self, id: NodeId, server: &Server, found: &mut Findings) {
        let term = server.current_term;
        let is_leader = matches!(server.role, Role::Leader(_));
        if matches!(server.role, Role::Candidate { .. }) && self.seen[id].campaigned < term {
            self.seen[id].campaigned = term;
            self.elections += 1;
        }
        self.is_leader[id] = is_leader;
        if !is_leader {
            self.seen[id].led = None;
            return;
        }
        let log = (server.log.len(), server.log.rewrites());
        match self.seen[id].led {
            Some((t, len, rewrites)) if t == term => {
                if log.1 != rewrites || log.0 < len {
                    found.violated_at(
                        &LEADER_APPEND_ONLY,
                        format!("leader {} of term {term} changed entries already in its log", node_name(id)),
                        vec![id],
                    );
                }
            }
            _ => self.first_seen_leading(id, server, found),
        }
        self.seen[id].led = Some((term, log.0, log.1));
    }

    fn first_seen_leading(&mut self, id: NodeId, server: &Server, found: &mut Findings) {
        let term = server.current_term;
        match self.leader_of.get(term as usize).map(|&l| l as usize).filter(|&l| l != 0) {
            Some(other) if other - 1 != id => found.violated_at(
                &ELECTION_SAFETY,
                format!("{} and {} are both leaders of term {term}", node_name(other - 1), node_name(id)),
                vec![other - 1, id],
            ),
            Some(_) => {}
            None => {
                self.leader_of.put(term as usize, id as u64 + 1, 0);
                self.leaders += 1;
                if self.leaders == 1 {
                    found.witnessed(&LEADER_ELECTED, format!("{} is elected leader of term {term}", node_name(id)));
                }
            }
        }
        // A leader of an earlier term may first be seen only now (it was
        // paused with its votes in hand): it owes nothing committed later.
        let missing = (0..self.applied.len())
            .find(|&at| self.committed_by[at] < term && server.log.get(at) != Some(&self.applied[at]));
        if let Some(at) = missing {
            found.violated_at(
                &LEADER_COMPLETENESS,
                format!(
                    "{} leads term {term} without committed entry [{}] t{} = {}",
                    node_name(id),
                    at + 1,
                    self.applied[at].term,
                    self.applied[at].command
                ),
                vec![id],
            );
        }
    }

    /// State machine safety on what the server applied since the last
    /// check; the first application of an index is the ground truth.
    fn check_applied(&mut self, id: NodeId, servers: Nodes<Server>, now: Time, found: &mut Findings) {
        let server = &servers[id];
        if server.last_applied < self.seen[id].last_applied {
            // Restarted: it replays its log into a fresh state machine.
            self.seen[id].last_applied = 0;
        }
        for index in self.seen[id].last_applied + 1..=server.last_applied {
            let at = index as usize - 1;
            let Some(&entry) = server.log.get(at) else { break };
            match self.applied.get(at) {
                Some(first) if *first != entry => found.violated_at(
                    &STATE_MACHINE_SAFETY,
                    format!(
                        "{} applied [{index}] t{} = {}, but [{index}] t{} = {} was applied before",
                        node_name(id),
                        entry.term,
                        entry.command,
                        first.term,
                        first.command
                    ),
                    vec![id],
                ),
                Some(_) => {}
                None => self.first_applied(id, entry, servers, now, found),
            }
        }
        self.seen[id].last_applied = server.last_applied;
    }

    /// An entry is applied for the first time: it is committed, in the
    /// applier's term or before. Leaders of later terms must already hold it.
    fn first_applied(&mut self, id: NodeId, entry: Entry, servers: Nodes<Server>, now: Time, found: &mut Findings) {
        let at = self.applied.len();
        let term = servers[id].current_term;
        self.applied.push(entry);
        self.committed_by.push(term);
        for (l, leader) in servers.iter().enumerate() {
            if self.is_leader[l] && leader.current_term > term && leader.log.get(at) != Some(&entry) {
                found.violated_at(
                    &LEADER_COMPLETENESS,
                    format!(
                        "[{}] t{} = {} is committed, but {}, leader of term {}, does not hold it",
                        at + 1,
                        entry.term,
                        entry.command,
                        node_name(l),
                        leader.current_term
                    ),
                    vec![l],
                );
            }
        }
        let Some(request) = entry.command.request() else { return };
        let mut facts = self.facts(request);
        if let Command::Put { key, value, .. } = entry.command
            && !facts.put_done
        {
            facts.put_done = true;
            match self.puts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, history)) => history.push((now, value)),
                None => self.puts.push((key, vec![(now, value)].into())),
            }
        }
        if !facts.answered && facts.asked_at <= now && request <= MAX_REQUEST && self.requests.len() > request as usize
        {
            self.commit_latency.add(now - facts.asked_at);
        }
        self.set_facts(request, facts);
    }

    /// Applied once: a put's request takes effect at most once in each
    /// life of a server's state machine.
    fn check_journal(&mut self, id: NodeId, server: &Server, found: &mut Findings) {
        for request in self.seen[id].journal.repeats(&server.kv.journal) {
            found.violated_at(
                &APPLIED_ONCE,
                format!("{} applied the put of request r{request} a second time", node_name(id)),
                vec![id],
            );
        }
    }

    /// A get's answer must be the value after some prefix of the puts that
    /// took effect: at least every put applied before the get began, at
    /// most every put applied by the time it was answered. With lease reads
    /// this rests on clocks, and is judged as `lease-reads`.
    fn check_read(&self, raft: &Raft, request: RequestId, node: NodeId, value: Option<i64>, found: &mut Findings) {
        let facts = self.facts(request);
        let Some(key) = facts.get_key else { return };
        let empty = Log::new();
        let history = self.puts.iter().find(|(k, _)| *k == key).map_or(&empty, |(_, h)| h);
        let before = history.partition_point(|&(at, _)| at < facts.asked_at);
        let value_after = |p: usize| if p == 0 { None } else { Some(history[p - 1].1) };
        if (before..=history.len()).any(|p| value_after(p) == value) {
            return;
        }
        let show = |v: Option<i64>| v.map_or("no value".into(), |v| v.to_string());
        let property = if raft.reads == Reads::Lease { &LEASE_READS } else { &LINEARIZABLE_READS };
        found.violated_at(
            property,
            format!(
                "get {key} (r{request}) began at {} ms and was answered {} by {}, but {key} was already {} then",
                facts.asked_at,
                show(value),
                node_name(node),
                show(value_after(before))
            ),
            vec![node],
        );
    }

    fn on_client_events(&mut self, raft: &Raft, step: &StepView<Raft>, found: &mut Findings) {
        for e in step.events {
            match &e.kind {
                ClientEventKind::Invoked { attempt: 1, op } => {
                    let get_key = match op {
                        Op::Get { key } => Some(*key),
                        _ => None,
                    };
                    let facts = RequestFacts { asked_at: e.at, get_key, ..self.facts(e.request) };
                    self.set_facts(e.request, facts);
                }
                ClientEventKind::Replied { reply } => {
                    let facts = self.facts(e.request);
                    if facts.answered {
                        continue;
                    }
                    if let Reply::Value(value) = reply {
                        self.check_read(raft, e.request, e.node, *value, found);
                    }
                    self.set_facts(e.request, RequestFacts { answered: true, ..facts });
                }
                _ => {}
            }
        }
    }
}

impl Monitor<Raft> for Judge {
    fn new(raft: &Raft) -> Self {
        Judge {
            seen: vec![Seen::default(); raft.nodes],
            is_leader: vec![false; raft.nodes],
            leaderless_since: Some(0),
            settle_ms: raft.settle_ms,
            ..Judge::default()
        }
    }

    fn check(&mut self, raft: &Raft, step: &StepView<Raft>, found: &mut Findings) {
        for &id in step.touched {
            let server = &step.nodes[id];
            self.check_log(id, server, found);
            self.check_leader(id, server, found);
        }
        for &id in step.touched {
            self.check_applied(id, step.nodes, step.now, found);
            self.check_journal(id, &step.nodes[id], found);
        }
        self.on_client_events(raft, step, found);
        let leaderless = !self.is_leader.contains(&true);
        match (leaderless, self.leaderless_since) {
            (true, None) => self.leaderless_since = Some(step.now),
            (false, Some(since)) => {
                self.leaderless_ms += step.now - since;
                self.leaderless_since = None;
            }
            _ => {}
        }
    }

    fn judge_end(&self, _: &Raft, end: &EndState, found: &mut Findings) {
        end.report_starving(
            self.settle_ms,
            &COMMITS_WHEN_HEALTHY,
            ("client", "is still unanswered", "a majority up and connected"),
            found,
        );
    }

    fn metrics(&self, messages: u64) -> Vec<(&'static str, f64)> {
        let committed = self.applied.len() as f64;
        vec![
            ("committed", committed),
            ("elections", self.elections as f64),
            ("leader_changes", self.leaders as f64),
            ("leaderless_ms", self.leaderless_ms as f64),
            ("messages_per_committed", if committed == 0.0 { 0.0 } else { messages as f64 / committed }),
        ]
    }

    fn distributions(&self) -> Vec<(&'static str, Distribution)> {
        vec![("commit_latency_ms", self.commit_latency.distribution())]
    }
}
