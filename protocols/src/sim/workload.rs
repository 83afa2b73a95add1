//! The clients: arrivals where the protocol sends them, retries with the
//! same request ID and an exponential backoff, and the client-visible
//! history the safety properties are judged on.

use super::ids::IdMap;
use std::any::Any;
use std::marker::PhantomData;
use std::rc::Rc;

use super::any::{ClientActionInfo, FieldKind, Latencies, Latency, Metrics};
use super::protocol::{Protocol, Request};
use super::rng::Stream;
use super::scenario::{ClientAction, WorkloadSettings};
use super::time::{NodeId, RequestId, Time};

/// Checks a client action against the fields its protocol declares (every
/// declared field present and of its kind, nothing else), then lets the
/// protocol read it into an operation.
pub fn check_client_action<P: Protocol>(protocol: &P, action: &ClientAction) -> Result<P::Op, String> {
    check_fields(protocol.running().title, protocol.client_actions(), action)?;
    protocol.parse_op(action)
}

/// The protocol-independent part of [`check_client_action`] (compiled once,
/// not once per protocol).
fn check_fields(title: &str, actions: &[ClientActionInfo], action: &ClientAction) -> Result<(), String> {
    let Some(info) = actions.iter().find(|a| a.name == action.name) else {
        let known: Vec<&str> = actions.iter().map(|a| a.name).collect();
        return Err(format!("{title} has no client action `{}` (it has: {})", action.name, known.join(", ")));
    };
    for key in action.params.keys() {
        if !info.fields.iter().any(|f| f.name == key) {
            return Err(if info.fields.is_empty() {
                format!("`{}` takes only a `node`, not `{key}`", info.name)
            } else {
                let names: Vec<&str> = info.fields.iter().map(|f| f.name).collect();
                format!("`{}` takes `node` and {}, not `{key}`", info.name, names.join(", "))
            });
        }
    }
    for field in info.fields {
        let Some(value) = action.params.get(field.name) else {
            // A list of nodes left out is the empty list (a transaction no one refuses).
            if matches!(field.kind, FieldKind::Nodes { .. }) {
                continue;
            }
            return Err(format!("`{}` needs `{}`", info.name, field.name));
        };
        let ok = match field.kind {
            FieldKind::Text { max_len } => value.as_str().is_some_and(|s| s.chars().count() <= max_len),
            FieldKind::Int { min, max } => value.as_i64().is_some_and(|v| (min..=max).contains(&v)),
            FieldKind::Nodes { first } => value
                .as_array()
                .is_some_and(|a| a.len() <= 64 && a.iter().all(|n| n.as_u64().is_some_and(|n| n >= first as u64))),
        };
        if !ok {
            let want = match field.kind {
                FieldKind::Text { max_len } => format!("text of at most {max_len} characters"),
                FieldKind::Int { min, max } => format!("a whole number from {min} to {max}"),
                FieldKind::Nodes { first } => format!("a list of node numbers from {first} on"),
            };
            return Err(format!("`{}`.{} must be {want}, not {value}", info.name, field.name));
        }
    }
    Ok(())
}

/// Something a client saw: the history properties are judged on.
#[derive(Clone, Debug)]
pub struct ClientEvent<P: Protocol> {
    pub at: Time,
    pub request: RequestId,
    pub node: NodeId,
    pub kind: ClientEventKind<P>,
}

#[derive(Clone, Debug)]
pub enum ClientEventKind<P: Protocol> {
    /// The client asked (attempt 1) or asked again (attempt > 1).
    Invoked { attempt: u32, op: P::Op },
    /// The client got its answer.
    Replied { reply: P::Reply },
    /// The node said it cannot serve the request now.
    Refused { reason: String },
}

/// A request still waiting for its answer.
#[derive(Clone, Debug)]
struct Pending {
    /// The request's operation (the workload's `Op`), type-erased so that
    /// the map of waiting requests is one type for every protocol: a map
    /// per protocol would cost the download a copy of the map's code.
    op: Rc<dyn Any>,
    first_at: Time,
    attempts: u32,
    node: NodeId,
    /// Where the last node said to ask instead, not yet followed.
    hint: Option<NodeId>,
    /// Hints followed since the client last ran out of patience.
    hops: u32,
    /// How many times the client has run out of patience, plus one: what
    /// its next wait grows with (following a hint is not a timeout).
    waits: u32,
}

/// Hints a client follows in a row before it waits out its own patience.
const MAX_HOPS: u32 = 3;

/// The population of clients, and the numbers they would report: kept as
/// things happen, so reading them costs nothing however long the run.
#[derive(Clone, Debug)]
pub struct Workload<Op> {
    pub settings: WorkloadSettings,
    next_id: RequestId,
    outstanding: IdMap<Pending>,
    retries: u64,
    refused: u64,
    turned_away: u64,
    /// From first attempt to first answer, for every answered request.
    latencies: Latencies,
    /// The answers of the last [`RECENT_MS`] (and perhaps a few older ones,
    /// dropped at the next answer): when, and their latency. Latency over
    /// time is read from these, as the whole run's quantiles would hide a
    /// bad minute.
    recent: Vec<(Time, Time)>,
    op: PhantomData<Op>,
}

/// How far back "latency now" looks, in virtual ms.
pub const RECENT_MS: Time = 2_000;

impl<Op: Clone + 'static> Workload<Op> {
    pub fn new(settings: WorkloadSettings) -> Self {
        Workload {
            settings,
            next_id: 1,
            outstanding: IdMap::new(),
            retries: 0,
            refused: 0,
            turned_away: 0,
            latencies: Latencies::default(),
            recent: Vec::new(),
            op: PhantomData,
        }
    }

    /// How long until the next client arrives (Poisson arrivals), if any come at all.
    pub fn next_arrival(&self, rng: &mut Stream) -> Option<Time> {
        (self.settings.rate_per_s > 0.0).then(|| rng.exponential_ms(1000.0 / self.settings.rate_per_s))
    }

    /// The next request's ID, without opening it (the protocol may need it to build the op).
    pub fn peek_id(&self) -> RequestId {
        self.next_id
    }

    /// Whether another client may start waiting.
    pub fn has_room(&self) -> bool {
        self.outstanding.len() < self.settings.max_waiting
    }

    /// A client arrived while too many were waiting, and left.
    pub fn turn_away(&mut self) {
        self.turned_away += 1;
    }

    /// Whether request `id` still waits for its answer and has not tried
    /// again since attempt number `attempt`.
    pub fn is_waiting_on(&self, id: RequestId, attempt: u32) -> bool {
        self.outstanding.get(id).is_some_and(|p| p.attempts == attempt)
    }

    /// A node told the client of request `id` to ask `to`: the attempt the
    /// client will follow it from, unless it was answered meanwhile or has
    /// followed enough hints in a row (then it waits out its patience).
    pub fn follow_hint(&mut self, id: RequestId, to: NodeId) -> Option<u32> {
        let pending = self.outstanding.get_mut(id)?;
        if pending.hops >= MAX_HOPS {
            return None;
        }
        pending.hops += 1;
        pending.hint = Some(to);
        Some(pending.attempts)
    }

    /// How many times request `id`'s client has waited in vain, plus one (1 if unknown).
    pub fn waits(&self, id: RequestId) -> u32 {
        self.outstanding.get(id).map_or(1, |p| p.waits)
    }

    /// How long a client waits, the `attempt`th time it waits, before trying
    /// again: `retry_after_ms` the first time, then twice as long each time
    /// up to `max_retry_ms`, each later wait drawn between half and all of
    /// that (jitter, so retries after an outage do not arrive in lockstep).
    pub fn patience(&self, attempt: u32, rng: &mut Stream) -> Time {
        let WorkloadSettings { retry_after_ms: first, max_retry_ms: cap, .. } = self.settings;
        if attempt <= 1 {
            return first;
        }
        let doubled = first.saturating_mul(1 << (attempt - 1).min(20)).min(cap);
        rng.between(doubled / 2, doubled)
    }

    /// A new client with a new request ID walks up to `node`.
    pub fn open(&mut self, op: Op, node: NodeId, now: Time) -> Request<Op> {
        let id = self.next_id;
        self.next_id += 1;
        let pending =
            Pending { op: Rc::new(op.clone()), first_at: now, attempts: 1, node, hint: None, hops: 0, waits: 1 };
        self.outstanding.insert(id, pending);
        Request { id, attempt: 1, op }
    }

    /// A client whose answer did not come tries again, with the same
    /// request ID: where it was told to, or else at the node `choose` picks
    /// (given the last one). `None` if it was answered.
    pub fn retry(
        &mut self,
        id: RequestId,
        choose: impl FnOnce(NodeId, &mut Stream) -> NodeId,
        rng: &mut Stream,
    ) -> Option<(NodeId, Request<Op>)> {
        let pending = self.outstanding.get_mut(id)?;
        pending.node = match pending.hint.take() {
            Some(hinted) => hinted,
            None => {
                pending.hops = 0;
                pending.waits += 1;
                choose(pending.node, rng)
            }
        };
        pending.attempts += 1;
        self.retries += 1;
        let op = pending.op.downcast_ref::<Op>().expect("the op `open` stored").clone();
        Some((pending.node, Request { id, attempt: pending.attempts, op }))
    }

    /// The client got its answer and stops retrying. A client that retried
    /// elsewhere may be answered twice; it takes the first.
    pub fn answered(&mut self, id: RequestId, now: Time) {
        if let Some(pending) = self.outstanding.remove(id) {
            let latency = now - pending.first_at;
            self.latencies.add(latency);
            self.recent.retain(|&(at, _)| at + RECENT_MS >= now);
            self.recent.push((now, latency));
        }
    }

    /// A node turned a client away ("office closed until further notice").
    pub fn refused(&mut self) {
        self.refused += 1;
    }

    /// Requests still waiting, with the time of their first attempt.
    pub fn outstanding(&self) -> Vec<(RequestId, Time)> {
        self.outstanding.iter().map(|(id, p)| (id, p.first_at)).collect()
    }

    /// The clients' counts, cheap to read at any time (no quantiles): what
    /// the metric series sample.
    pub fn counts(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("requests", (self.next_id - 1) as f64),
            ("confirmed", self.latencies.total() as f64),
            ("retries", self.retries as f64),
            ("refused", self.refused as f64),
            ("waiting", self.outstanding.len() as f64),
        ]
    }

    /// Latency of the answers in the last [`RECENT_MS`] before `now`: p50, p99
    /// and the mean (nearest rank), each `NaN` when there were none (a chart
    /// draws a gap there, not a fall to zero).
    pub fn recent_latency(&self, now: Time) -> [(&'static str, f64); 3] {
        let mut latencies: Vec<u64> =
            self.recent.iter().filter(|&&(at, _)| at + RECENT_MS >= now).map(|&(_, l)| l).collect();
        latencies.sort_unstable();
        let rank = |q: f64| {
            let n = latencies.len();
            let i = ((q * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1;
            latencies.get(i).map_or(f64::NAN, |&l| l as f64)
        };
        let mean =
            if latencies.is_empty() { f64::NAN } else { latencies.iter().sum::<u64>() as f64 / latencies.len() as f64 };
        [("latency_p50", rank(0.5)), ("latency_p99", rank(0.99)), ("latency_mean", mean)]
    }

    /// The clients' numbers, given how many messages the nodes sent.
    pub fn metrics(&self, messages: u64) -> Metrics {
        let confirmed = self.latencies.total();
        Metrics {
            requests: self.next_id - 1,
            confirmed,
            retries: self.retries,
            refused: self.refused,
            waiting: self.outstanding.len() as u64,
            turned_away: self.turned_away,
            latency_ms: Latency { p50: self.latencies.quantile(0.5), p99: self.latencies.quantile(0.99) },
            messages,
            messages_per_confirmed: if confirmed == 0 { 0.0 } else { messages as f64 / confirmed as f64 },
            protocol: Vec::new(),
            distributions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_nearest_rank() {
        let of = |values: &[Time]| {
            let mut l = Latencies::default();
            values.iter().for_each(|&v| l.add(v));
            l
        };
        let v: Vec<Time> = (1..=100).rev().collect();
        assert_eq!(of(&v).quantile(0.5), Some(50));
        assert_eq!(of(&v).quantile(0.99), Some(99));
        assert_eq!(of(&[7]).quantile(0.99), Some(7));
        assert_eq!(of(&[3, 3, 3, 9]).quantile(0.5), Some(3));
        assert_eq!(of(&[]).quantile(0.5), None);
    }

    #[test]
    fn latency_now_reads_only_the_recent_answers() {
        let mut w = Workload::new(WorkloadSettings::default());
        let nan = |v: f64| v.is_nan();
        assert!(w.recent_latency(0).iter().all(|&(_, v)| nan(v)), "no answers: no latency, not zero");
        // Answered at 1 000 after 900 ms, then at 2 500 after 100, 200 and 300 ms.
        let first = w.open((), 0, 100).id;
        w.answered(first, 1_000);
        for latency in [100, 200, 300] {
            let id = w.open((), 0, 2_500 - latency).id;
            w.answered(id, 2_500);
        }
        let values = |now| w.recent_latency(now).map(|(_, v)| v);
        assert_eq!(values(2_500), [200.0, 900.0, 375.0], "p50, p99, mean of all four");
        assert_eq!(values(3_100), [200.0, 300.0, 200.0], "the answer at 1 000 is more than 2 s old");
        assert!(values(4_600).iter().all(|v| nan(*v)), "nothing answered in the last 2 s");
    }

    #[test]
    fn retries_keep_the_id_and_move_to_another_node() {
        let mut w = Workload::new(WorkloadSettings::default());
        let mut rng = Stream::new(1, "w");
        let r = w.open((), 2, 0);
        let other = |last: NodeId, rng: &mut Stream| (last + 1 + rng.below(4) as usize) % 5;
        for attempt in 2..20 {
            let (node, again) = w.retry(r.id, other, &mut rng).unwrap();
            assert_eq!(again.id, r.id);
            assert_eq!(again.attempt, attempt);
            assert!(node < 5);
        }
        w.answered(r.id, 100);
        assert!(w.retry(r.id, other, &mut rng).is_none());
        assert!(w.outstanding().is_empty());
    }

    #[test]
    fn a_client_follows_a_few_hints_without_growing_its_patience() {
        let mut w = Workload::new(WorkloadSettings { retry_after_ms: 1_000, ..Default::default() });
        let mut rng = Stream::new(4, "w");
        let r = w.open((), 0, 0);
        let nowhere = |_: NodeId, _: &mut Stream| unreachable!("a hint says where");
        for hop in 1..=MAX_HOPS {
            let attempt = w.follow_hint(r.id, 3).expect("a hint is followed");
            assert_eq!(attempt, hop, "followed from the attempt that was told");
            let (node, again) = w.retry(r.id, nowhere, &mut rng).unwrap();
            assert_eq!((node, again.attempt), (3, hop + 1));
            assert!(!w.is_waiting_on(r.id, hop), "the earlier attempt's timeout is stale now");
        }
        assert_eq!(w.follow_hint(r.id, 2), None, "enough hops: wait out the patience");
        assert_eq!(w.waits(r.id), 1, "hints are not timeouts");
        w.retry(r.id, |_, _| 1, &mut rng);
        assert_eq!(w.waits(r.id), 2);
        assert!(w.follow_hint(r.id, 2).is_some(), "after a timeout, hints count from zero");
    }

    #[test]
    fn retries_back_off_with_jitter_up_to_the_cap() {
        let w =
            Workload::<()>::new(WorkloadSettings { retry_after_ms: 1_000, max_retry_ms: 10_000, ..Default::default() });
        let mut rng = Stream::new(3, "w");
        assert_eq!(w.patience(1, &mut rng), 1_000);
        for (attempt, full) in [(2, 2_000), (3, 4_000), (4, 8_000), (5, 10_000), (40, 10_000)] {
            let waits: Vec<Time> = (0..50).map(|_| w.patience(attempt, &mut rng)).collect();
            assert!(waits.iter().all(|&t| (full / 2..=full).contains(&t)), "attempt {attempt}: {waits:?}");
            assert!(waits.windows(2).any(|p| p[0] != p[1]), "jittered");
        }
    }

    #[test]
    fn metrics_count_first_answers_and_their_latency() {
        let mut w = Workload::new(WorkloadSettings::default());
        let mut rng = Stream::new(2, "w");
        let slow = w.open((), 0, 0);
        let fast = w.open((), 1, 50);
        w.open((), 2, 60); // never answered
        w.retry(slow.id, |_, _| 3, &mut rng);
        w.refused();
        w.answered(fast.id, 80);
        w.answered(slow.id, 900);
        w.answered(slow.id, 950); // a second branch answers too: not counted again
        let m = w.metrics(40);
        assert_eq!((m.requests, m.confirmed, m.retries, m.refused, m.waiting), (3, 2, 1, 1, 1));
        assert_eq!((m.latency_ms.p50, m.latency_ms.p99), (Some(30), Some(900)));
        assert_eq!(m.messages_per_confirmed, 20.0);
    }
}
