//! The simulation engine: one run of protocol `P`, as a pure function of its scenario.
//!
//! Split along its seams, so each question has one place to look:
//! - [`step`]: the loop, handlers and their effects, messages, clients;
//! - [`faults`]: what crash, restart, pause, partitions and clocks do;
//! - [`record`]: the trace, its hash, the client history, metric series;
//! - [`rewind`]: snapshots, seeking, forking when the user acts in the past;
//! - [`present`]: what the UI sees (frames, trace rows, structured events)
//!   and the erased [`AnySim`](super::any::AnySim) interface.
//!
//! The world (everything that changes) is one cloneable value; the records
//! only grow, so a snapshot notes their lengths instead of copying them.

mod faults;
mod present;
mod record;
mod rewind;
mod step;
mod tape;

use super::any::{ProtocolInfo, Recording};
use super::fault::Slot;
use super::net::Network;
use super::params::Params;
use super::protocol::{Monitor, Protocol, Request, Start};
use super::queue::EventQueue;
use super::rng::Stream;
use super::scenario::{Action, Scenario, ScenarioError};
use super::time::{NodeId, RequestId, Time};
use super::trace::{InFlight, MsgId};
use super::workload::{Workload, check_client_action};

use record::Recorder;
use rewind::Snapshots;
use step::Call;

/// Something scheduled on the event queue.
#[derive(Clone, Debug)]
enum Event<P: Protocol> {
    /// A message copy reaches the end of its flight.
    Arrive(InFlight<P>),
    /// A message held by a paused node is handed to it on resume.
    Deliver(InFlight<P>),
    Timer {
        node: NodeId,
        timer: P::Timer,
        generation: u64,
    },
    /// A new client arrives.
    Arrival,
    /// A client tries again: its patience for attempt number `attempt` ran
    /// out, or it follows a hint (stale once a later attempt has begun).
    Retry {
        request: RequestId,
        attempt: u32,
    },
    /// A client request reaches its node (on resume from a pause).
    Invoke {
        node: NodeId,
        request: Request<P::Op>,
    },
}

/// Everything that changes during a run and must be restored when seeking.
#[derive(Clone, Debug)]
struct World<P: Protocol> {
    now: Time,
    step: u64,
    queue: EventQueue<Event<P>>,
    nodes: Vec<P::Node>,
    /// What each node last persisted: all a crash leaves it.
    disks: Vec<P::Durable>,
    slots: Vec<Slot<P>>,
    network: Network,
    workload: Workload<P::Op>,
    monitor: P::Monitor,
    rng_net: Stream,
    rng_timers: Stream,
    rng_clients: Stream,
    rng_protocol: Stream,
    /// Index of the next timeline entry to apply.
    next_action: usize,
    /// The next message copy's id: ids are stable, the same in every recording.
    next_msg: MsgId,
    next_generation: u64,
    messages_sent: u64,
    /// Since when the protocol's idea of healthy has held, if it holds now.
    healthy_since: Option<Time>,
    /// The slowest one-way latency the network has had.
    slowest_ms: Time,
    /// Which kinds of fault have happened so far (bits of `FaultKind`), for known limits.
    faults_seen: u32,
}

/// What every protocol checks before it is configured: the scenario's
/// protocol among those the type runs, its common fields, its variant, its
/// parameters (with the variant's pins).
fn admit(family: &[&'static ProtocolInfo], scenario: &Scenario) -> Result<Params, ScenarioError> {
    let Some(info) = family.iter().find(|i| i.name == scenario.protocol) else {
        let known: Vec<&str> = family.iter().map(|i| i.name).collect();
        return Err(ScenarioError(format!("unknown protocol `{}` (known: {})", scenario.protocol, known.join(", "))));
    };
    scenario.validate_common()?;
    let variant = info.variant(&scenario.variant).ok_or_else(|| {
        let known: Vec<&str> = info.variants.iter().map(|v| v.name).collect();
        ScenarioError(format!(
            "{} has no variant `{}` (choose one of: {})",
            info.title,
            scenario.variant,
            known.join(", ")
        ))
    })?;
    Params::read(info.params, variant.pins, &scenario.params).map_err(ScenarioError)
}

/// A simulation of protocol `P`.
pub struct Sim<P: Protocol> {
    protocol: P,
    params: Params,
    scenario: Scenario,
    /// For each timeline entry: added by the user (true) or part of the scenario's script.
    user_made: Vec<bool>,
    world: World<P>,
    rec: Recorder<P>,
    snapshots: Snapshots<P>,
    horizon: Time,
    /// Nodes whose state the current step may have changed (for the monitor).
    touched: Vec<NodeId>,
    /// The message the current step delivered, if it delivered one.
    delivered: Option<MsgId>,
    /// The effects buffer handed to every handler, reused.
    effects: Vec<super::ctx::Effect<P>>,
}

impl<P: Protocol> Sim<P> {
    /// Builds and starts a run, recorded in full (as the lab needs).
    pub fn new(scenario: &Scenario) -> Result<Sim<P>, ScenarioError> {
        Sim::with_recording(scenario, Recording::Full)
    }

    /// Builds and starts a run; every node's `on_start` runs before the first
    /// step. Checks the scenario first: what every protocol shares, the
    /// parameters against the declared list, then what `P` needs.
    pub fn with_recording(scenario: &Scenario, recording: Recording) -> Result<Sim<P>, ScenarioError> {
        let params = admit(&P::family(), scenario)?;
        let protocol = P::configure(scenario, &params)?;
        for (i, entry) in scenario.timeline.iter().enumerate() {
            if let Action::Client(c) = &entry.action {
                check_client_action(&protocol, c).map_err(|e| ScenarioError(format!("timeline[{i}]: {e}")))?;
            }
        }
        let mut scenario = scenario.clone();
        scenario.timeline = scenario.sorted_timeline();
        let n = scenario.nodes;
        let seed = scenario.seed;
        let nodes: Vec<P::Node> = (0..n).map(|id| protocol.init(id)).collect();
        let mut slots: Vec<Slot<P>> = (0..n).map(|_| Slot::default()).collect();
        for c in &scenario.clocks {
            slots[c.node].clock.set(0, c.offset_ms, c.drift);
        }
        let world = World {
            now: 0,
            step: 0,
            queue: EventQueue::default(),
            disks: nodes.iter().map(|node| protocol.durable(node)).collect(),
            nodes,
            slots,
            network: Network::new(scenario.network.clone(), n),
            workload: Workload::new(scenario.workload.clone()),
            monitor: P::Monitor::new(&protocol),
            rng_net: Stream::new(seed, "network"),
            rng_timers: Stream::new(seed, "timers"),
            rng_clients: Stream::new(seed, "clients"),
            rng_protocol: Stream::new(seed, "protocol"),
            next_action: 0,
            next_msg: 0,
            next_generation: 0,
            messages_sent: 0,
            healthy_since: None,
            slowest_ms: scenario.network.latency_ms[1],
            faults_seen: faults::initial_faults(&scenario),
        };
        let mut sim = Sim {
            protocol,
            params,
            user_made: vec![false; scenario.timeline.len()],
            scenario,
            world,
            rec: Recorder::new(recording),
            snapshots: Snapshots::default(),
            horizon: 0,
            touched: Vec::new(),
            delivered: None,
            effects: Vec::new(),
        };
        sim.update_health();
        for id in 0..n {
            sim.run_handler(id, Call::Start(Start::First));
        }
        sim.schedule_arrival();
        sim.touched = (0..n).collect();
        sim.check_properties();
        sim.rec.sample_series(&sim.world);
        sim.snapshots.take(&sim.world, sim.rec.marks(&sim.world), recording);
        Ok(sim)
    }

    /// Every node's state as it is now (crashed nodes hold what they had persisted).
    pub fn nodes(&self) -> &[P::Node] {
        &self.world.nodes
    }

    /// Keeps at most about `lines` trace lines in memory (400 000 by
    /// default): older ones are recorded again when the user looks back.
    pub fn set_trace_window(&mut self, lines: usize) {
        self.rec.keep_lines = lines.max(2);
    }
}
