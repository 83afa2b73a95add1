//! Simulator throughput, quoted as a ratio to a bare event loop measured in the same run.
//!
//! Groups `raft`, `2pc`, `3pc`, `multi-paxos`, `crdt`: each protocol under the same workload and faults, 60 s
//! and 30 minutes, with its own baseline. Group `office`: the office for 60 virtual seconds (5 and 9 branches), 10 and 30 virtual
//! minutes (5 branches), under a steady workload with one partition and one crash
//! (elections, retries and refusals in the mix), invariants checked after every event as
//! in the lab; and `bare_event_loop`, a `BinaryHeap` event queue with a trivial handler.
//! All report events per second (`Throughput::Elements`), so office ÷ baseline is read
//! from one run: `benches/ratio.sh` prints that table.
//!
//! Run: `cargo bench -p quorum-protocols --bench throughput` (a few minutes on 2 cores).

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

mod common;
use common::{BARE_EVENTS, bare_event_loop, mixed, office, run};
use quorum_protocols::sim::any::Recording;

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("office");
    // Flat sampling: every sample runs the same number of iterations, so the 30-minute
    // run needs 10 iterations, not the 55 of criterion's default linear sampling.
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));

    group.throughput(Throughput::Elements(BARE_EVENTS));
    group.bench_function("bare_event_loop", |b| b.iter(|| bare_event_loop(BARE_EVENTS)));

    // The long runs show whether the cost per event grows as books get longer.
    // `hash`: invariants and trace hash, nothing kept (search, quorum-sim run);
    // `full`: everything the lab keeps (trace, messages, snapshots, series).
    let runs = [
        (5, 60_000, Recording::Hash),
        (9, 60_000, Recording::Hash),
        (5, 600_000, Recording::Hash),
        (5, 1_800_000, Recording::Hash),
        (5, 60_000, Recording::Full),
        (5, 1_800_000, Recording::Full),
    ];
    for (nodes, until_ms, recording) in runs {
        let scenario = office(nodes, until_ms);
        let level = if recording == Recording::Full { "full" } else { "hash" };
        group.throughput(Throughput::Elements(run(&scenario, recording)));
        group.bench_function(format!("{nodes}_branches_{}s_{level}", until_ms / 1000), |b| {
            b.iter(|| run(&scenario, recording))
        });
    }
    group.finish();

    // Each other protocol beside its own baseline run, so its ratio reads from the same group.
    for protocol in ["raft", "2pc", "3pc", "multi-paxos", "crdt"] {
        let mut group = c.benchmark_group(protocol);
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
        group.throughput(Throughput::Elements(BARE_EVENTS));
        group.bench_function("bare_event_loop", |b| b.iter(|| bare_event_loop(BARE_EVENTS)));
        for (until_ms, recording) in
            [(60_000, Recording::Hash), (1_800_000, Recording::Hash), (60_000, Recording::Full)]
        {
            // Multi-Paxos' five are two proposers and three acceptors, plus one replica.
            let nodes = if protocol == "multi-paxos" { 6 } else { 5 };
            let scenario = mixed(protocol, nodes, until_ms);
            let level = if recording == Recording::Full { "full" } else { "hash" };
            group.throughput(Throughput::Elements(run(&scenario, recording)));
            group.bench_function(format!("{nodes}_nodes_{}s_{level}", until_ms / 1000), |b| {
                b.iter(|| run(&scenario, recording))
            });
        }
        group.finish();
    }
}

/// Stepping back costs a snapshot restore plus a replay of up to a snapshot interval.
fn step_back(c: &mut Criterion) {
    let mut group = c.benchmark_group("step_back");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    for until_ms in [60_000, 600_000] {
        let scenario = office(5, until_ms);
        let mut sim = build_to_end(&scenario);
        let last = sim.step_index();
        group.bench_function(format!("at_{}s", until_ms / 1000), |b| {
            b.iter(|| {
                sim.seek_step(last - 1);
                sim.seek_step(last);
            })
        });
    }
    group.finish();
}

fn build_to_end(scenario: &quorum_protocols::Scenario) -> Box<dyn quorum_protocols::AnySim> {
    let mut sim = quorum_protocols::build(scenario).expect("the benchmark scenario builds");
    sim.run_until(scenario.until_ms, u64::MAX);
    sim
}

criterion_group!(benches, throughput, step_back);
criterion_main!(benches);
