//! Leader election (§5.2, §5.4.1), pre-vote and check-quorum (dissertation §9.6).

use crate::sim::ctx::Delay;
use crate::sim::time::{NodeId, node_name};

use super::msg::{Command, Entry, Index, Msg, Servers, Term};
use super::server::{Ctx, Leader, Role, Server};
use super::{Raft, Timer, Variant};

impl Server {
    /// Followers (§5.2): "if election timeout elapses without receiving
    /// AppendEntries RPC from current leader or granting vote to candidate:
    /// convert to candidate". With pre-vote, first ask whether an election
    /// could be won. A leader's timer is check-quorum's instead. A server
    /// outside its latest configuration campaigns only while that
    /// configuration is uncommitted: it may still be needed to commit it
    /// (dissertation §4.2.2); a server never yet added does not.
    pub fn on_election_timeout(&mut self, raft: &Raft, ctx: &mut Ctx) {
        if self.is_leader() {
            self.check_quorum(raft, ctx);
            return;
        }
        self.arm_election(raft, ctx);
        if !self.config.contains(self.id) && self.config_index <= self.commit_index {
            return;
        }
        if raft.pre_vote {
            let votes = Servers::default().with(self.id);
            self.role = Role::PreCandidate { votes };
            ctx.note(format_args!("pre-vote for term {}", self.current_term + 1));
            self.request_votes(ctx, self.current_term + 1, true, votes);
            ctx.set_timer(Timer::Heartbeat, Delay::Fixed(raft.timing.heartbeat_ms));
            self.maybe_win_pre_vote(raft, ctx, votes);
        } else {
            self.start_election(raft, ctx);
        }
    }

    /// Candidates (§5.2): "On conversion to candidate, start election:
    /// increment currentTerm, vote for self, reset election timer, send
    /// RequestVote RPCs to all other servers". The vote is persisted first.
    fn start_election(&mut self, raft: &Raft, ctx: &mut Ctx) {
        self.current_term += 1;
        self.voted_for = Some(self.id);
        self.leader_id = None;
        let votes = Servers::default().with(self.id);
        self.role = Role::Candidate { votes };
        ctx.persist();
        ctx.note(format_args!("starts an election for term {}", self.current_term));
        self.arm_election(raft, ctx);
        self.request_votes(ctx, self.current_term, false, votes);
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(raft.timing.heartbeat_ms));
        self.maybe_win(raft, ctx, votes);
    }

    /// Asks every server in the configuration that has not granted its vote yet.
    fn request_votes(&self, ctx: &mut Ctx, term: Term, pre_vote: bool, granted: Servers) {
        let (last_log_index, last_log_term) = (self.last_log_index(), self.last_log_term());
        for to in self.peers(ctx.nodes()).filter(|&s| !granted.contains(s)) {
            ctx.send(to, Msg::RequestVote { term, last_log_index, last_log_term, pre_vote });
        }
    }

    /// "Servers retry RPCs if they do not receive a response in a timely
    /// manner" (§5.1): a candidate asks again, every heartbeat interval,
    /// those whose vote it has not received (a lost request or answer
    /// should not cost a whole election).
    pub fn retry_request_votes(&mut self, raft: &Raft, ctx: &mut Ctx) {
        let (term, pre_vote, votes) = match self.role {
            Role::PreCandidate { votes } => (self.current_term + 1, true, votes),
            Role::Candidate { votes } => (self.current_term, false, votes),
            _ => return,
        };
        self.request_votes(ctx, term, pre_vote, votes);
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(raft.timing.heartbeat_ms));
    }

    /// §5.4.1, the election restriction: a voter denies its vote if its own
    /// log is more up-to-date than the candidate's (the later last term
    /// wins; with equal terms, the longer log).
    fn candidate_is_up_to_date(&self, last_log_index: Index, last_log_term: Term) -> bool {
        (last_log_term, last_log_index) >= (self.last_log_term(), self.last_log_index())
    }

    /// Whether this server has heard from a leader within the shortest
    /// election timeout: then it believes a leader exists, and neither
    /// grants a pre-vote nor lets a RequestVote change its term
    /// (dissertation §4.2.3: without this, a removed server that never
    /// learnt of its removal times out again and again and deposes every
    /// leader).
    fn leader_is_fresh(&self, raft: &Raft, ctx: &Ctx) -> bool {
        self.is_leader()
            || self.heard_leader_at.is_some_and(|at| ctx.now().saturating_sub(at) < raft.timing.election_ms[0])
    }

    /// RequestVote RPC, receiver implementation (Figure 2): "1. Reply false
    /// if term < currentTerm. 2. If votedFor is null or candidateId, and
    /// candidate's log is at least as up-to-date as receiver's log, grant
    /// vote." The vote is persisted before the reply leaves. A pre-vote is
    /// granted by the same test, for the next term, without changing
    /// anything. Either is ignored while a current leader is known (§4.2.3).
    pub fn on_request_vote(
        &mut self,
        raft: &Raft,
        ctx: &mut Ctx,
        candidate: NodeId,
        term: Term,
        last_log: (Index, Term),
        pre_vote: bool,
    ) {
        let log_ok = raft.variant == Variant::NoUpToDateCheck || self.candidate_is_up_to_date(last_log.0, last_log.1);
        if pre_vote {
            let granted = term > self.current_term && log_ok && !self.leader_is_fresh(raft, ctx);
            let reply_term = if granted { term } else { self.current_term };
            ctx.send(candidate, Msg::Vote { term: reply_term, granted, pre_vote: true });
            return;
        }
        if term > self.current_term && self.leader_is_fresh(raft, ctx) {
            return;
        }
        self.observe_term(raft, ctx, term);
        let granted = term == self.current_term && self.voted_for.is_none_or(|v| v == candidate) && log_ok;
        if granted {
            self.voted_for = Some(candidate);
            ctx.persist();
            ctx.note(format_args!("votes for {} in term {term}", node_name(candidate)));
            self.arm_election(raft, ctx);
        }
        ctx.send(candidate, Msg::Vote { term: self.current_term, granted, pre_vote: false });
    }

    /// A reply to RequestVote: a newer term ends the campaign; a granted
    /// vote counts if it is for this very campaign.
    pub fn on_vote(&mut self, raft: &Raft, ctx: &mut Ctx, voter: NodeId, term: Term, granted: bool, pre_vote: bool) {
        if !granted {
            self.observe_term(raft, ctx, term);
            return;
        }
        match self.role {
            Role::PreCandidate { votes } if pre_vote && term == self.current_term + 1 => {
                let votes = votes.with(voter);
                self.role = Role::PreCandidate { votes };
                self.maybe_win_pre_vote(raft, ctx, votes);
            }
            Role::Candidate { votes } if !pre_vote && term == self.current_term => {
                let votes = votes.with(voter);
                self.role = Role::Candidate { votes };
                self.maybe_win(raft, ctx, votes);
            }
            _ => {}
        }
    }

    fn maybe_win_pre_vote(&mut self, raft: &Raft, ctx: &mut Ctx, votes: Servers) {
        if votes.is_majority_of(self.config) {
            self.start_election(raft, ctx);
        }
    }

    /// Candidates (§5.2): "If votes received from majority of servers:
    /// become leader".
    fn maybe_win(&mut self, raft: &Raft, ctx: &mut Ctx, votes: Servers) {
        if votes.is_majority_of(self.config) {
            self.become_leader(raft, ctx);
        }
    }

    /// Leaders: "Upon election: send initial empty AppendEntries RPCs
    /// (heartbeat) to each server"; nextIndex starts just after the
    /// leader's last entry, matchIndex at 0 (Figure 2). The leader first
    /// appends a no-op of its term (§8), so that earlier entries commit
    /// (not in `commit-old-term`, which as in Figure 8 counts replicas of
    /// earlier terms' entries instead).
    fn become_leader(&mut self, raft: &Raft, ctx: &mut Ctx) {
        let n = ctx.nodes();
        let next = self.last_log_index() + 1;
        self.role = Role::Leader(Box::new(Leader {
            next_index: vec![next; n],
            match_index: vec![0; n],
            probing: vec![true; n],
            heard_at: vec![ctx.now(); n],
            answered_round: vec![0; n],
            round: 0,
            round_sent_at: vec![(0, ctx.now())],
            lease_until: 0,
            clients: Default::default(),
            reads: Vec::new(),
        }));
        self.leader_id = Some(self.id);
        ctx.note(format_args!("becomes leader for term {}", self.current_term));
        if raft.variant != Variant::CommitOldTerm {
            self.append(Entry { term: self.current_term, command: Command::Noop });
            ctx.persist();
        }
        if raft.check_quorum {
            ctx.set_timer(Timer::Election, Delay::Fixed(raft.timing.election_ms[0]));
        } else {
            ctx.cancel_timer(Timer::Election);
        }
        self.broadcast_append(raft, ctx);
        self.advance_commit(raft, ctx);
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(raft.timing.heartbeat_ms));
    }

    /// Check-quorum (dissertation §6.2): a leader that has not heard from a
    /// majority within an election timeout steps down, so a leader cut off
    /// in a minority stops taking requests it can never commit.
    fn check_quorum(&mut self, raft: &Raft, ctx: &mut Ctx) {
        let since = ctx.now().saturating_sub(raft.timing.election_ms[0]);
        let (id, config) = (self.id, self.config);
        let Some(leader) = self.leader() else { return };
        let heard = config.iter().filter(|&s| s == id || leader.heard_at.get(s).is_some_and(|&t| t >= since));
        if heard.count() > config.len() / 2 {
            ctx.set_timer(Timer::Election, Delay::Fixed(raft.timing.election_ms[0]));
        } else {
            ctx.note(format_args!("steps down: has not heard from a majority (check-quorum)"));
            self.leader_id = None;
            self.become_follower(raft, ctx);
        }
    }
}
