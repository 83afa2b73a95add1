//! Log replication (§5.3) and commitment (§5.4.2).

use crate::sim::ctx::Delay;
use crate::sim::protocol::reached_by_quorum;
use crate::sim::time::NodeId;

use super::msg::{AppendEntries, Appended, Index, Msg, Term};
use super::server::{Ctx, Role, Server};
use super::{Raft, Reads, Timer, Variant};

/// Most entries one AppendEntries carries: a follower far behind catches up
/// in batches, and a dead one is not sent the whole log on every heartbeat.
const MAX_BATCH: usize = 64;

impl Server {
    /// Leaders: "send AppendEntries RPC with log entries starting at
    /// nextIndex" (Figure 2). Once a follower's log is known to match,
    /// entries stream: each is sent once and nextIndex moves past it at
    /// once (a follower that missed some says so on the next heartbeat).
    /// Until then the leader probes, and only answers move nextIndex.
    pub fn send_append(&mut self, ctx: &mut Ctx, to: NodeId) {
        let (term, leader_commit, last) = (self.current_term, self.commit_index, self.last_log_index());
        let Role::Leader(leader) = &self.role else { return };
        let next = leader.next_index[to].clamp(1, last + 1);
        let round = leader.round;
        let prev_log_index = next - 1;
        let entries: Vec<_> = self.log.iter_from(prev_log_index as usize).take(MAX_BATCH).copied().collect();
        let sent = entries.len() as Index;
        let prev_log_term = self.term_at(prev_log_index);
        if let Some(leader) = self.leader()
            && !leader.probing[to]
        {
            leader.next_index[to] = next + sent;
        }
        ctx.send(
            to,
            Msg::AppendEntries(AppendEntries { term, prev_log_index, prev_log_term, entries, leader_commit, round }),
        );
    }

    /// Sends every other server in the configuration what it is due.
    pub fn broadcast_append(&mut self, _: &Raft, ctx: &mut Ctx) {
        for to in self.peers(ctx.nodes()) {
            self.send_append(ctx, to);
        }
    }

    /// Leaders: "repeat during idle periods to prevent election timeouts"
    /// (§5.2). Each beat is a new round, which a read index waits for. A
    /// candidate's beat retries its RequestVotes.
    pub fn on_heartbeat(&mut self, raft: &Raft, ctx: &mut Ctx) {
        if !self.is_leader() {
            self.retry_request_votes(raft, ctx);
            return;
        }
        self.next_round(ctx.now());
        self.broadcast_append(raft, ctx);
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(raft.timing.heartbeat_ms));
    }

    /// AppendEntries RPC, receiver implementation (Figure 2): "1. Reply
    /// false if term < currentTerm. 2. Reply false if log doesn't contain an
    /// entry at prevLogIndex whose term matches prevLogTerm. 3. If an
    /// existing entry conflicts with a new one (same index but different
    /// terms), delete the existing entry and all that follow it. 4. Append
    /// any new entries not already in the log. 5. If leaderCommit >
    /// commitIndex, set commitIndex = min(leaderCommit, index of last new
    /// entry)." What was appended is persisted before the reply leaves.
    pub fn on_append_entries(&mut self, raft: &Raft, ctx: &mut Ctx, leader: NodeId, ae: AppendEntries) {
        let round = ae.round;
        let term = self.current_term.max(ae.term);
        let prev_log_index = ae.prev_log_index;
        let reply = |success, match_index, conflict_term| {
            Msg::Appended(Appended { term, success, match_index, conflict_term, prev_log_index, round })
        };
        if ae.term < self.current_term {
            ctx.send(leader, reply(false, 0, 0));
            return;
        }
        if !self.observe_term(raft, ctx, ae.term) && !matches!(self.role, Role::Follower) {
            // Candidates (§5.2): "If AppendEntries RPC received from new
            // leader: convert to follower".
            self.become_follower(raft, ctx);
        }
        self.leader_id = Some(leader);
        self.heard_leader_at = Some(ctx.now());
        self.arm_election(raft, ctx);

        if ae.prev_log_index > self.last_log_index() || self.term_at(ae.prev_log_index) != ae.prev_log_term {
            let (retry_at, conflict_term) = self.backtrack_hint(raft, ae.prev_log_index);
            ctx.send(leader, reply(false, retry_at, conflict_term));
            return;
        }
        let mut index = ae.prev_log_index;
        let mut changed = false;
        for entry in ae.entries {
            index += 1;
            match self.entry(index) {
                Some(mine) if mine.term == entry.term => continue,
                Some(_) => {
                    ctx.note(format_args!("deletes entries from {index} on: they conflict with the leader's"));
                    self.truncate_from(index, raft.initial);
                }
                None => {}
            }
            self.append(entry);
            changed = true;
        }
        if changed {
            ctx.persist();
        }
        if ae.leader_commit > self.commit_index {
            self.commit_index = ae.leader_commit.min(index);
            self.apply_committed(raft, ctx);
        }
        ctx.send(leader, reply(true, index, 0));
    }

    /// Where the leader should try next after a failed consistency check at
    /// `prev`: one entry back (Figure 2), or with fast backtracking (§5.3,
    /// "the follower can include the term of the conflicting entry and the
    /// first index it stores for that term") a whole term back at a time.
    fn backtrack_hint(&self, raft: &Raft, prev: Index) -> (Index, Term) {
        if !raft.fast_backtrack {
            return (prev, 0);
        }
        if prev > self.last_log_index() {
            return (self.last_log_index() + 1, 0);
        }
        let conflict_term = self.term_at(prev);
        let mut first = prev;
        while first > 1 && self.term_at(first - 1) == conflict_term {
            first -= 1;
        }
        (first, conflict_term)
    }

    /// A reply to AppendEntries. Leaders (Figure 2): "If successful: update
    /// nextIndex and matchIndex for follower. If AppendEntries fails because
    /// of log inconsistency: decrement nextIndex and retry." A failure that
    /// answers an older AppendEntries than the latest probe is stale: acting
    /// on it would undo the backtracking already done.
    pub fn on_appended(&mut self, raft: &Raft, ctx: &mut Ctx, from: NodeId, reply: Appended) {
        let Appended { term, success, match_index: index, conflict_term, prev_log_index, round } = reply;
        if self.observe_term(raft, ctx, term) || term < self.current_term {
            return;
        }
        let now = ctx.now();
        let retry_from = (!success).then(|| self.retry_point(index, conflict_term));
        let Some(leader) = self.leader() else { return };
        leader.heard_at[from] = now;
        leader.answered_round[from] = leader.answered_round[from].max(round);
        match retry_from {
            None => {
                leader.match_index[from] = leader.match_index[from].max(index);
                leader.next_index[from] = leader.next_index[from].max(index + 1);
                leader.probing[from] = false;
                self.advance_commit(raft, ctx);
            }
            Some(next) => {
                let latest = if leader.probing[from] {
                    prev_log_index + 1 == leader.next_index[from]
                } else {
                    prev_log_index >= leader.match_index[from]
                };
                if latest {
                    leader.probing[from] = true;
                    leader.next_index[from] = next.min(prev_log_index).max(leader.match_index[from] + 1);
                    self.send_append(ctx, from);
                }
            }
        }
        if raft.reads == Reads::Lease {
            self.extend_lease(raft);
        }
        self.serve_reads(ctx);
    }

    /// Dissertation §6.4.1: once a majority (this leader included) has
    /// answered a heartbeat round, no server of that majority votes for
    /// another candidate until an election timeout after it received it, so
    /// no other leader exists until then. Measured from when the round was
    /// sent, and shortened for clock drift (`Raft::lease_ms`).
    fn extend_lease(&mut self, raft: &Raft) {
        let (id, config) = (self.id, self.config);
        let Some(leader) = self.leader() else { return };
        let answered = config.iter().map(|s| if s == id { leader.round } else { leader.answered_round[s] });
        let round = reached_by_quorum(answered.map(|r| r as usize), config.len() / 2 + 1) as u64;
        if let Some(&(_, sent_at)) = leader.round_sent_at.iter().find(|(r, _)| *r == round) {
            leader.lease_until = leader.lease_until.max(sent_at + raft.lease_ms);
        }
    }

    /// The leader's side of backtracking: with a conflicting term it holds
    /// too, just after its own last entry of that term; else the follower's hint.
    fn retry_point(&self, hint: Index, conflict_term: Term) -> Index {
        if conflict_term > 0 {
            // Terms only grow along a log: walk back past the later ones.
            let mut i = self.last_log_index();
            while i > 0 && self.term_at(i) > conflict_term {
                i -= 1;
            }
            if i > 0 && self.term_at(i) == conflict_term {
                return i + 1;
            }
        }
        hint.max(1)
    }

    /// Leaders (Figure 2): "If there exists an N such that N > commitIndex,
    /// a majority of matchIndex[i] ≥ N, and log[N].term == currentTerm: set
    /// commitIndex = N" (§5.3, §5.4). Only entries of the leader's own term
    /// are committed by counting replicas; earlier ones commit with them
    /// (`commit-old-term` counts them too: Figure 8). The configuration is
    /// the latest one, without this leader if it removed itself (§4.2.2).
    pub fn advance_commit(&mut self, raft: &Raft, ctx: &mut Ctx) {
        let (id, last, config, term) = (self.id, self.last_log_index(), self.config, self.current_term);
        let Role::Leader(leader) = &self.role else { return };
        let held = config.iter().map(|s| if s == id { last } else { leader.match_index.get(s).copied().unwrap_or(0) });
        let n = reached_by_quorum(held.map(|i| i as usize), config.len() / 2 + 1) as Index;
        let own_term = self.term_at(n) == term || raft.variant == Variant::CommitOldTerm;
        if n > self.commit_index && own_term {
            self.commit_index = n;
            // Followers learn the new commit index from the next AppendEntries.
            self.apply_committed(raft, ctx);
            if !self.config.contains(self.id) && self.commit_index >= self.config_index {
                ctx.note(format_args!("steps down: its removal is committed"));
                self.leader_id = None;
                self.become_follower(raft, ctx);
            }
        }
    }
}
