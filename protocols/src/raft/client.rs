//! Client interaction (§8 of the paper, dissertation chapter 6) and
//! membership changes one server at a time (dissertation §4.1).

use crate::sim::protocol::Request;
use crate::sim::time::{NodeId, node_name};

use super::kv::Reply;
use super::msg::{Command, Entry, Servers};
use super::server::{Ctx, PendingRead, Role, Server};
use super::{Op, Raft, Reads, Variant};

impl Server {
    /// "Clients of Raft send all of their requests to the leader … if the
    /// client's first choice is not the leader, that server will reject the
    /// client's request and supply information about the most recent leader
    /// it has heard from" (§8); one that knows of none sends the client to
    /// another server at random (the client follows a few such hints, then
    /// waits before trying again). A leader answers a put whose request ID has
    /// already taken effect from its session table (§6.3), without
    /// appending it again.
    pub fn on_request(&mut self, raft: &Raft, ctx: &mut Ctx, request: Request<Op>) {
        if !self.is_leader() {
            match self.leader_id.filter(|&l| l != self.id) {
                Some(leader) => ctx.redirect(request.id, leader, format!("not the leader, try {}", node_name(leader))),
                None => {
                    let other = self.someone_else(ctx);
                    ctx.redirect(request.id, other, format!("no leader known here, try {}", node_name(other)));
                }
            }
            return;
        }
        let id = request.id;
        if self.leader().is_some_and(|l| l.clients.contains(id)) {
            // Its entry is in this leader's log already: it will be answered
            // when that entry is applied (appending a copy per retry would
            // only grow the log while a majority is unreachable).
            return;
        }
        if self.kv.applied_at(id).is_some() && raft.variant != Variant::NoSessionTable {
            ctx.reply(id, Reply::Done);
            return;
        }
        let command = match request.op {
            Op::Put { key, value } => Command::Put { request: id, key, value },
            Op::Get { key } => match (raft.variant, raft.reads) {
                (Variant::StaleRead, _) => {
                    ctx.reply(id, Reply::Value(self.kv.get(key)));
                    return;
                }
                (_, Reads::Lease) if self.holds_lease(ctx) => {
                    ctx.reply(id, Reply::Value(self.kv.get(key)));
                    return;
                }
                (_, Reads::ReadIndex | Reads::Lease) => {
                    self.start_read(raft, ctx, PendingRead { request: id, key, read_index: 0, round: 0 });
                    return;
                }
                (_, Reads::Log) => Command::Get { request: id, key },
            },
            Op::AddServer { server } | Op::RemoveServer { server } => {
                let servers = match request.op {
                    Op::AddServer { .. } => self.config.with(server),
                    _ => self.config.without(server),
                };
                if servers == self.config {
                    ctx.reply(id, Reply::Done);
                    return;
                }
                if let Err(why) = self.may_change_config(servers) {
                    ctx.refuse(id, why);
                    return;
                }
                Command::Config { request: id, servers }
            }
        };
        self.propose(raft, ctx, id, command);
    }

    /// A server to send a client to when no leader is known: another member
    /// of the latest configuration this server knows, else any other server.
    fn someone_else(&self, ctx: &mut Ctx) -> NodeId {
        let members: Vec<NodeId> = self.peers(ctx.nodes()).collect();
        if members.is_empty() {
            (self.id + 1 + ctx.choose(ctx.nodes() as u64 - 1) as usize) % ctx.nodes()
        } else {
            members[ctx.choose(members.len() as u64) as usize]
        }
    }

    /// Leaders: "If command received from client: append entry to local
    /// log, respond after entry applied to state machine" (Figure 2).
    fn propose(&mut self, raft: &Raft, ctx: &mut Ctx, request: u64, command: Command) {
        self.append(Entry { term: self.current_term, command });
        ctx.persist();
        ctx.note(format_args!("appends {command} at {}", self.last_log_index()));
        if let Some(leader) = self.leader() {
            leader.clients.insert(request);
        }
        let last = self.last_log_index();
        let due: Vec<_> = match &self.role {
            Role::Leader(l) => self.peers(ctx.nodes()).filter(|&s| l.next_index[s] == last).collect(),
            _ => Vec::new(),
        };
        for to in due {
            self.send_append(ctx, to);
        }
        self.advance_commit(raft, ctx);
    }

    /// Dissertation §4.1: one server at a time, only after the previous
    /// change has committed, and (the fix of §4.1's bug note) only once this
    /// leader has committed an entry of its own term.
    fn may_change_config(&self, servers: Servers) -> Result<(), &'static str> {
        if servers.is_empty() {
            return Err("a cluster needs at least one server");
        }
        if self.config_index > self.commit_index {
            return Err("another membership change is still in progress");
        }
        if self.term_at(self.commit_index) != self.current_term {
            return Err("the new leader has not committed an entry of its term yet");
        }
        Ok(())
    }

    /// A lease read (dissertation §6.4.1) is served at once while the lease
    /// holds and this leader has committed an entry of its term (so its
    /// state machine is as recent as any committed write).
    fn holds_lease(&mut self, ctx: &Ctx) -> bool {
        let own_term_committed = self.term_at(self.commit_index) == self.current_term;
        own_term_committed && self.leader().is_some_and(|l| ctx.now() < l.lease_until)
    }

    /// Read index (§6.4): note the commit index, then confirm leadership
    /// with a fresh heartbeat round. A leader that has not yet committed an
    /// entry of its term does not know the latest commit index: it waits.
    fn start_read(&mut self, raft: &Raft, ctx: &mut Ctx, mut read: PendingRead) {
        read.read_index = self.commit_index;
        self.next_round(ctx.now());
        let Some(leader) = self.leader() else { return };
        read.round = leader.round;
        leader.reads.push(read);
        self.broadcast_append(raft, ctx);
        self.serve_reads(ctx);
    }

    /// Answers the reads whose round a majority has confirmed and whose
    /// read index is applied (and that came after an entry of this term committed).
    pub fn serve_reads(&mut self, ctx: &mut Ctx) {
        let (id, config, applied, term) = (self.id, self.config, self.last_applied, self.current_term);
        let own_term_committed = self.term_at(self.commit_index) == term;
        let Role::Leader(leader) = &mut self.role else { return };
        if leader.reads.is_empty() {
            return;
        }
        let confirmed = |round: u64| {
            let acks = config.iter().filter(|&s| s == id || leader.answered_round.get(s).is_some_and(|&r| r >= round));
            acks.count() > config.len() / 2
        };
        let ready: Vec<PendingRead> = leader
            .reads
            .iter()
            .copied()
            .filter(|r| own_term_committed && confirmed(r.round) && applied >= r.read_index)
            .collect();
        if ready.is_empty() {
            return;
        }
        leader.reads.retain(|r| !ready.contains(r));
        for r in ready {
            ctx.reply(r.request, Reply::Value(self.kv.get(r.key)));
        }
    }
}
