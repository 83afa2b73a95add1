//! What the throughput benchmarks run, shared word for word by the criterion bench
//! (`benches/throughput.rs`) and the wasm/native comparison (`benches/wasm-bench/`),
//! so that a ratio between them compares the same code.
//!
//! Throughput is only ever quoted as a ratio to [`bare_event_loop`], measured in the
//! same run: the irreducible cost of one step of an event queue on this machine.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use quorum_protocols::sim::any::Recording;
use quorum_protocols::{Scenario, build_with};

/// The office under a steady workload (5 parents/s, 1% loss) with a partition, a heal,
/// a crash and a restart, so elections, retries and refusals are part of the mix.
pub fn office(nodes: usize, until_ms: u64) -> Scenario {
    mixed("office", nodes, until_ms)
}

/// `protocol` (5 nodes or more) under the office's workload and faults: 5 requests/s
/// (puts and gets for Raft, transactions for 2PC and 3PC), 1% loss, a partition, a crash.
pub fn mixed(protocol: &str, nodes: usize, until_ms: u64) -> Scenario {
    // Multi-Paxos counts its nodes by role: two proposers, three acceptors, the rest replicas.
    let params = if protocol == "multi-paxos" {
        format!(r#"{{"proposers":2,"acceptors":3,"learners":{}}}"#, nodes - 5)
    } else {
        "{}".into()
    };
    let json = format!(
        r#"{{"version":1,"protocol":"{protocol}","nodes":{nodes},"seed":7,"params":{params},
            "network":{{"latency_ms":[20,80],"drop":0.01}},"workload":{{"rate_per_s":5.0}},
            "timeline":[{{"at_ms":10000,"action":"partition","groups":[[0,1],[2,3,4]]}},
                        {{"at_ms":20000,"action":"heal"}},{{"at_ms":30000,"action":"crash","node":2}},
                        {{"at_ms":40000,"action":"restart","node":2}}],
            "until_ms":{until_ms}}}"#
    );
    Scenario::from_json(&json).expect("the benchmark scenario is valid")
}

/// Runs a scenario to its end, every invariant checked and the trace hashed after
/// every event, keeping what `recording` says (`Full` as the lab does, `Hash` as
/// `quorum-sim run` and searches do); returns the number of events processed.
pub fn run(scenario: &Scenario, recording: Recording) -> u64 {
    let mut sim = build_with(scenario, recording).expect("the benchmark scenario builds");
    sim.run_until(scenario.until_ms, u64::MAX);
    sim.step_index()
}

/// Events the bare loop processes per run.
pub const BARE_EVENTS: u64 = 100_000;
/// Events waiting in the bare loop's queue at any time (one popped, one pushed).
pub const BARE_PENDING: usize = 64;

/// A small event, about what a simulator's queue entry carries besides its time.
#[derive(Clone, Copy)]
struct BareEvent {
    node: u8,
    kind: u8,
    payload: u32,
}

/// Ordered by (time, sequence number) only, as a deterministic simulator orders its queue.
struct Entry {
    at: u64,
    seq: u64,
    event: BareEvent,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The bare event loop: a `BinaryHeap` of (time, seq, small event) holding
/// [`BARE_PENDING`] entries; each popped event's handler schedules one new event a
/// pseudo-random 1–100 ms later (xorshift64, fixed seed). Returns the events processed.
pub fn bare_event_loop(events: u64) -> u64 {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut heap = BinaryHeap::with_capacity(BARE_PENDING + 1);
    let mut seq = 0;
    for _ in 0..BARE_PENDING {
        let r = next();
        heap.push(Reverse(Entry { at: r % 100, seq, event: BareEvent { node: r as u8, kind: 0, payload: r as u32 } }));
        seq += 1;
    }
    let mut checksum = 0u64;
    for _ in 0..events {
        let Reverse(Entry { at, event, .. }) = heap.pop().expect("the queue never empties");
        // The trivial handler: look at the event, schedule its successor.
        checksum = checksum.wrapping_add(u64::from(event.payload) ^ u64::from(event.node) ^ u64::from(event.kind));
        let r = next();
        let event = BareEvent { node: (r >> 8) as u8 % 9, kind: event.kind.wrapping_add(1), payload: r as u32 };
        heap.push(Reverse(Entry { at: at + 1 + r % 100, seq, event }));
        seq += 1;
    }
    std::hint::black_box(checksum);
    events
}
