//! A replica: it applies every client's update at once (it is always
//! available), and gossips its state, or the deltas since its last round,
//! to a few peers at random; whatever arrives is merged.

use crate::sim::ctx::Delay;
use crate::sim::protocol::Protocol;
use crate::sim::time::NodeId;

use super::lattice::{Stamp, State, join_vectors};
use super::{Crdt, Ctx, Mode, Msg, Op, Timer};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    pub id: NodeId,
    pub state: State,
    /// How many updates of each replica it has seen (its causal context):
    /// the version vector a full-state gossip carries along.
    pub seen: Vec<u64>,
    /// Delta mode: the join of the updates since its last gossip round.
    pub delta: Option<State>,
    pub rounds: u64,
    /// The latest client operation it served, and how many it has served
    /// since it started, for the monitor (which counts what was applied,
    /// retries included, not only what clients heard back).
    pub last_op: Option<Op>,
    pub served: u64,
}

impl Replica {
    /// A local update: applied at once, on disk, and (delta mode) kept for the next round.
    pub fn update(&mut self, c: &Crdt, ctx: &mut Ctx, op: Op) {
        self.seen[self.id] += 1;
        let me = self.id;
        let delta = match (&mut self.state, op) {
            (State::GCounter(v), Op::Inc) => {
                v[me] += 1;
                State::GCounter(own_entry(v, me))
            }
            (State::PnCounter { p, n }, Op::Inc | Op::Dec) => {
                let counts = if op == Op::Inc { &mut *p } else { &mut *n };
                counts[me] += 1;
                let zero = vec![0; p.len()];
                match op {
                    Op::Inc => State::PnCounter { p: own_entry(p, me), n: zero },
                    _ => State::PnCounter { p: zero, n: own_entry(n, me) },
                }
            }
            (State::Naive(v), Op::Inc) => {
                *v += 1;
                State::Naive(*v)
            }
            (State::Naive(v), Op::Dec) => {
                *v -= 1;
                State::Naive(*v)
            }
            (State::Lww(current), Op::Set(value)) => {
                // Stamped by this replica's own clock: one running fast wins later writes.
                let write = Some((Stamp { at: ctx.now(), by: me as u8 }, value));
                *current = (*current).max(write);
                State::Lww(write)
            }
            (State::Mv(values), Op::Set(value)) => {
                let mut vv = vec![0; c.replicas];
                for (w, _) in values.iter() {
                    join_vectors(&mut vv, w);
                }
                vv[me] += 1;
                *values = vec![(vv, value)];
                self.state.clone()
            }
            (State::OrSet { adds, .. }, Op::Add(e)) => {
                let tag = (me as u8, self.seen[me]);
                let at = adds.partition_point(|a| *a < (e, tag));
                adds.insert(at, (e, tag));
                State::OrSet { adds: vec![(e, tag)], removed: Vec::new() }
            }
            (State::OrSet { adds, removed }, Op::Remove(e)) => {
                // Only the tags it has observed: a concurrent add elsewhere survives.
                let observed: Vec<_> = adds
                    .iter()
                    .filter(|(x, t)| *x == e && removed.binary_search(t).is_err())
                    .map(|&(_, t)| t)
                    .collect();
                let delta = State::OrSet { adds: Vec::new(), removed: observed };
                self.state.merge(&delta);
                delta
            }
            (State::NaiveSet { .. }, Op::Add(e)) => {
                let delta = State::NaiveSet { added: vec![e], removed: Vec::new() };
                self.state.merge(&delta);
                delta
            }
            (State::NaiveSet { .. }, Op::Remove(e)) => {
                let delta = State::NaiveSet { added: Vec::new(), removed: vec![e] };
                self.state.merge(&delta);
                delta
            }
            _ => {
                // An operation of another type (a stale form): nothing changes.
                self.seen[me] -= 1;
                return;
            }
        };
        ctx.persist();
        if c.mode == Mode::Delta {
            match &mut self.delta {
                Some(buffer) => buffer.merge(&delta),
                None => self.delta = Some(delta),
            }
        }
    }

    /// Sends its state (or its deltas) to `fanout` peers at random.
    pub fn on_gossip_timer(&mut self, c: &Crdt, ctx: &mut Ctx) {
        self.rounds += 1;
        // Delta mode sends the whole state every fourth round anyway: a
        // delta that was lost, or went to other peers, reaches everyone in the end.
        let msg = match (&c.mode, self.delta.take()) {
            (Mode::Delta, Some(delta)) if self.rounds % 4 != 0 => Some(Msg::Gossip { state: delta, seen: None }),
            (Mode::Delta, None) if self.rounds % 4 != 0 => None,
            _ => Some(Msg::Gossip { state: self.state.clone(), seen: Some(self.seen.clone()) }),
        };
        if let Some(msg) = msg {
            let mut peers: Vec<NodeId> = ctx.peers().collect();
            for _ in 0..c.fanout.min(peers.len()) {
                let to = peers.swap_remove(ctx.choose(peers.len() as u64) as usize);
                ctx.send(to, msg.clone());
            }
        }
        ctx.set_timer(Timer::Gossip, Delay::Fixed(c.gossip_ms));
    }

    /// Merges what arrived; a full state brings its causal context along.
    /// Merging is idempotent and commutative, so duplicates and reordering change nothing.
    pub fn on_gossip(&mut self, c: &Crdt, ctx: &mut Ctx, from: NodeId, state: &State, seen: Option<&[u64]>) {
        if let Some(seen) = seen {
            join_vectors(&mut self.seen, seen);
        }
        // Most gossip brings nothing new once replicas agree: that costs a comparison, no copy.
        if state.below(&self.state) {
            return;
        }
        let before = ctx.keeps_notes().then(|| c.describe(&self.state));
        self.state.merge(state);
        ctx.persist();
        if let Some(before) = before {
            let rule = match state {
                State::GCounter(_) | State::PnCounter { .. } => "the larger of each entry",
                State::Naive(_) => "the larger number",
                State::Lww(_) => "the later stamp",
                State::OrSet { .. } | State::NaiveSet { .. } => "the union",
                State::Mv(_) => "the values no other write has seen",
            };
            let (came, now) = (c.describe(state), c.describe(&self.state));
            ctx.note(format_args!("merges {}'s {came}, keeping {rule}: {before} → {now}", c.node_name(from)));
        }
        if c.mode == Mode::Delta {
            match &mut self.delta {
                Some(buffer) => buffer.merge(state),
                None => self.delta = Some(state.clone()),
            }
        }
    }
}

/// A vector of zeros but for `me`'s entry: a counter's delta.
fn own_entry(v: &[u64], me: NodeId) -> Vec<u64> {
    let mut delta = vec![0; v.len()];
    delta[me] = v[me];
    delta
}
