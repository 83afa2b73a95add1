//! One try's fault schedule, drawn swarm-style (Groce et al., "Swarm
//! Testing"): the try first draws which kinds of fault it may use, so rare
//! combinations come up as often as common ones, then up to the budget of
//! faults, some repaired at once and the rest in a calm, healed tail long
//! enough for retries to settle (so `eventually` properties are judged too).
//! Each fault follows a moment of the run as the faults drawn before it
//! leave it (an election, a client's request, an earlier fault), and
//! strikes the node that moment happened at: failures hide just after
//! something else (a leader cut off right after it was elected).

use std::collections::BTreeMap;

use crate::build_with;
use crate::sim::any::{EventKind, Recording, SimEvent};
use crate::sim::rng::Stream;
use crate::sim::scenario::{Action, Fault, MAX_UNTIL_MS, Scenario, TimelineEntry};
use crate::sim::time::{NodeId, Time};

/// The kinds of fault a schedule may use, each with its repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Crash, repaired by a restart.
    Crash,
    /// A two-sided partition, repaired by a heal.
    Partition,
    /// A one-way cut, repaired by a heal.
    Cut,
    /// A pause (a long GC stop), repaired by a resume.
    Pause,
    /// Loss or duplication on every link, repaired by setting it back to none.
    Network,
    /// A clock set off true time (and maybe drifting), repaired by setting it true.
    Clock,
}

const KINDS: [Kind; 6] = [Kind::Crash, Kind::Partition, Kind::Cut, Kind::Pause, Kind::Network, Kind::Clock];

/// Quiet time after the longest client wait, before the run ends.
const CALM_MS: Time = 10_000;
/// Largest clock offset drawn, either way.
const MAX_SKEW_MS: u64 = 5_000;

/// The most timeline entries a schedule of `faults` faults adds to the
/// scenario's client actions: each fault, its repair, and the tail's repair.
pub(super) fn entries(faults: usize) -> usize {
    3 * faults
}

/// `base` with its own faults replaced by a schedule of 1 to `faults`
/// faults drawn from `rng`, within `base.until_ms`, then a calm tail; its
/// client actions, workload and network stay, its seed is drawn anew (each
/// try sees other timings too). Each fault costs a run, recorded in full,
/// of the schedule drawn before it: where its moments come from.
pub(super) fn draw(base: &Scenario, faults: usize, rng: &mut Stream) -> Scenario {
    let kinds = swarm(base.nodes, rng);
    let horizon = base.until_ms;
    let clients = base.timeline.iter().filter(|e| matches!(e.action, Action::Client(_))).cloned();
    let mut scenario = Scenario { seed: rng.next_u64(), timeline: clients.collect(), ..base.clone() };
    let (mut repairs, mut last_ms) = (Vec::new(), 0);
    for _ in 0..rng.between(1, faults as u64) {
        let kind = kinds[rng.below(kinds.len() as u64) as usize];
        let moment = anchor(&moments(&events_of(&scenario), last_ms), rng);
        let at_ms = soon_after(moment.at_ms, horizon, rng);
        let (fault, repair) = kind.draw(base.nodes, moment.node, rng);
        scenario.timeline.push(entry(at_ms, fault));
        last_ms = at_ms;
        if rng.chance(0.5) {
            scenario.timeline.push(entry(soon_after(at_ms, horizon, rng), repair.clone()));
        }
        // In order: the next fault's run is built from it.
        scenario.timeline = sorted(std::mem::take(&mut scenario.timeline));
        repairs.push(repair);
    }
    scenario.timeline.extend(calm(repairs).into_iter().map(|f| entry(horizon, f)));
    scenario.until_ms = (horizon + tail_ms(base)).min(MAX_UNTIL_MS);
    scenario
}

/// Something that happened in a run, which a fault may follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Moment {
    at_ms: Time,
    /// Where it happened; `None` for a fault and for where the faults so far reach.
    node: Option<NodeId>,
}

/// What happens in a run of `scenario` (the faults drawn so far, no tail).
fn events_of(scenario: &Scenario) -> Vec<SimEvent> {
    let mut sim = build_with(scenario, Recording::Full).expect("schedules are valid scenarios");
    sim.run_until(scenario.until_ms, u64::MAX);
    sim.events(0, sim.trace_len())
}

/// The moments among `events` from `from_ms` on, the last fault's time (a
/// story goes forward), by what happened: `from_ms` itself, each fault, each
/// client request's arrival, and each protocol log line by its first word
/// ("becomes", "votes").
fn moments(events: &[SimEvent], from_ms: Time) -> BTreeMap<&str, Vec<Moment>> {
    let mut moments: BTreeMap<&str, Vec<Moment>> = BTreeMap::new();
    // Where this fault's part of the story starts (the run's start for the first).
    moments.insert("start", vec![Moment { at_ms: from_ms, node: None }]);
    for event in events.iter().filter(|e| e.time_ms >= from_ms) {
        let (what, node) = match &event.what {
            EventKind::Fault { .. } => ("fault", None),
            EventKind::Invoke { node, .. } => ("request", Some(*node)),
            EventKind::Note { node, text } => (text.split(' ').next().unwrap_or_default(), Some(*node)),
            _ => continue,
        };
        moments.entry(what).or_default().push(Moment { at_ms: event.time_ms, node });
    }
    moments
}

/// A moment to follow: what happened first, each with even odds (an
/// election as likely as one of a thousand appends), then one of its times.
fn anchor(moments: &BTreeMap<&str, Vec<Moment>>, rng: &mut Stream) -> Moment {
    let of_a_kind = moments.values().nth(rng.below(moments.len() as u64) as usize).expect("`from_ms` is a moment");
    of_a_kind[rng.below(of_a_kind.len() as u64) as usize]
}

/// A time after `from` and before `horizon`, on every scale alike (the
/// wait is drawn below 1 ms, that is none, or 10 ms, 100 ms, 1 s or 10 s,
/// with even odds): a restart in the same millisecond as its crash is as
/// likely as one seconds later. Past the horizon, anywhere before it.
fn soon_after(from: Time, horizon: Time, rng: &mut Stream) -> Time {
    let scale = 10u64.pow(rng.between(0, 4) as u32);
    let at = from + rng.below(scale);
    if at < horizon { at } else { rng.below(horizon) }
}

/// Each kind in with even odds; at least one. A partition or a cut needs two nodes.
fn swarm(nodes: usize, rng: &mut Stream) -> Vec<Kind> {
    let possible: Vec<Kind> =
        KINDS.into_iter().filter(|k| nodes > 1 || !matches!(k, Kind::Partition | Kind::Cut)).collect();
    let kinds: Vec<Kind> = possible.iter().copied().filter(|_| rng.chance(0.5)).collect();
    if kinds.is_empty() { vec![possible[rng.below(possible.len() as u64) as usize]] } else { kinds }
}

impl Kind {
    /// A fault of this kind on `nodes` nodes, and the action that repairs
    /// it: at `at` if named (a crash of, a cut from, a partition cutting
    /// off the node a moment happened at), else at a node drawn.
    fn draw(self, nodes: usize, at: Option<NodeId>, rng: &mut Stream) -> (Fault, Fault) {
        let mut node = || at.unwrap_or_else(|| rng.below(nodes as u64) as NodeId);
        match self {
            Kind::Crash => {
                let node = node();
                (Fault::Crash { node }, Fault::Restart { node })
            }
            Kind::Pause => {
                let node = node();
                (Fault::Pause { node }, Fault::Resume { node })
            }
            Kind::Partition => (Fault::Partition { groups: split(nodes, at, rng) }, Fault::Heal),
            Kind::Cut => {
                let from = node();
                let to = (from + 1 + rng.below(nodes as u64 - 1) as NodeId) % nodes;
                (Fault::Cut { from, to }, Fault::Heal)
            }
            Kind::Network => {
                let p = rng.between(5, 50) as f64 / 100.0;
                let net = |drop, duplicate| Fault::SetNetwork { latency_ms: None, drop, duplicate };
                match rng.chance(0.5) {
                    true => (net(Some(p), None), net(Some(0.0), None)),
                    false => (net(None, Some(p)), net(None, Some(0.0))),
                }
            }
            Kind::Clock => {
                let node = node();
                let offset_ms = rng.between(0, 2 * MAX_SKEW_MS) as i64 - MAX_SKEW_MS as i64;
                let drift = rng.chance(0.5).then(|| rng.between(1, 40) as f64 / 100.0 - 0.2);
                (Fault::SetClock { node, offset_ms, drift }, Fault::SetClock { node, offset_ms: 0, drift: Some(0.0) })
            }
        }
    }
}

/// Two groups, neither empty; `node`, if named, in one of at most half
/// the nodes (cut off from the majority that goes on without it).
fn split(nodes: usize, node: Option<NodeId>, rng: &mut Stream) -> Vec<Vec<NodeId>> {
    let side = match node {
        None => rng.between(1, (1 << nodes) - 2),
        Some(node) => (0..rng.below(nodes as u64 / 2)).fold(1 << node, |side, _| side | 1 << rng.below(nodes as u64)),
    };
    let (a, b): (Vec<NodeId>, Vec<NodeId>) = (0..nodes).partition(|n| side >> n & 1 == 1);
    vec![a, b]
}

/// Every repair the schedule needs at the end, each once, in the order first drawn.
fn calm(repairs: Vec<Fault>) -> Vec<Fault> {
    let mut calm: Vec<Fault> = Vec::new();
    for repair in repairs {
        if !calm.contains(&repair) {
            calm.push(repair);
        }
    }
    calm
}

/// How long the calm lasts: a client that began waiting just before it
/// retries within twice its longest wait, and the protocols' `eventually`
/// properties allow about as much to settle.
fn tail_ms(scenario: &Scenario) -> Time {
    2 * (scenario.workload.max_retry_ms + scenario.workload.retry_after_ms) + CALM_MS
}

fn entry(at_ms: Time, fault: Fault) -> TimelineEntry {
    TimelineEntry { at_ms, action: Action::Fault(fault) }
}

/// By time, ties in the order drawn (the order they run in), so the shrunk
/// scenario reads in order.
fn sorted(mut timeline: Vec<TimelineEntry>) -> Vec<TimelineEntry> {
    timeline.sort_by_key(|e| e.at_ms);
    timeline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_keeps_the_clients_and_repairs_everything_at_the_horizon() {
        let base = Scenario::from_json(
            r#"{"version":1,"protocol":"office","nodes":5,"seed":1,"until_ms":5000,"timeline":[
            {"at_ms":10,"action":"crash","node":1},{"at_ms":20,"action":"register","node":2}]}"#,
        )
        .unwrap();
        let mut rng = Stream::new(7, "explore");
        for _ in 0..200 {
            let s = draw(&base, 6, &mut rng);
            crate::build_with(&s, crate::sim::any::Recording::Hash).expect("a valid scenario");
            let clients: Vec<_> = s.timeline.iter().filter(|e| matches!(e.action, Action::Client(_))).collect();
            assert_eq!(clients, [&base.timeline[1]], "the client action stays, the crash goes");
            assert!(s.timeline.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
            assert!(s.timeline.len() <= 1 + entries(6));
            assert!(s.until_ms > 5000 + CALM_MS);
            let crashed = s.timeline.iter().filter_map(|e| match e.action {
                Action::Fault(Fault::Crash { node }) => Some(node),
                _ => None,
            });
            let restarted =
                |node| s.timeline.iter().any(|e| e.at_ms == 5000 && e.action == Action::Fault(Fault::Restart { node }));
            assert!(crashed.into_iter().all(restarted), "{}", s.to_json_pretty());
        }
    }

    #[test]
    fn a_partition_at_a_node_cuts_it_off_with_at_most_half_the_nodes() {
        let mut rng = Stream::new(7, "explore");
        for nodes in 2..=7 {
            for node in 0..nodes {
                for _ in 0..20 {
                    let groups = split(nodes, Some(node), &mut rng);
                    let with = groups.iter().find(|g| g.contains(&node)).expect("the node is in a group");
                    assert!(with.len() <= nodes / 2 && groups.iter().all(|g| !g.is_empty()), "{groups:?}");
                }
            }
        }
    }
}
