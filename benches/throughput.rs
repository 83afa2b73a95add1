//! Simulator throughput: events per second for the office, 5 and 9 branches,
//! under a steady workload with one partition and one crash (so elections,
//! retries and refusals are part of the mix), invariants checked after every
//! event as in the lab. Run: `cargo bench -p quorum-protocols --bench throughput`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quorum_protocols::{Scenario, build};

fn scenario(nodes: usize, until_ms: u64) -> Scenario {
    let json = format!(
        r#"{{"version":1,"protocol":"office","nodes":{nodes},"seed":7,
            "network":{{"latency_ms":[20,80],"drop":0.01}},"workload":{{"rate_per_s":5.0}},
            "timeline":[{{"at_ms":10000,"action":"partition","groups":[[0,1],[2,3,4]]}},
                        {{"at_ms":20000,"action":"heal"}},{{"at_ms":30000,"action":"crash","node":2}},
                        {{"at_ms":40000,"action":"restart","node":2}}],
            "until_ms":{until_ms}}}"#
    );
    Scenario::from_json(&json).expect("the benchmark scenario is valid")
}

fn events_in(scenario: &Scenario) -> u64 {
    let mut sim = build(scenario).unwrap();
    sim.run_until(scenario.until_ms, u64::MAX);
    sim.step_index()
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("office");
    // The long run shows how the cost per event grows as books get longer.
    for (nodes, until_ms) in [(5, 60_000), (9, 60_000), (5, 600_000)] {
        let scenario = scenario(nodes, until_ms);
        group.throughput(Throughput::Elements(events_in(&scenario)));
        group.bench_function(format!("{nodes}_branches_{}s", until_ms / 1000), |b| b.iter(|| events_in(&scenario)));
    }
    group.finish();
}

/// Stepping back costs a snapshot restore plus a replay of up to a snapshot interval.
fn step_back(c: &mut Criterion) {
    for until_ms in [60_000, 600_000] {
        let scenario = scenario(5, until_ms);
        let mut sim = build(&scenario).unwrap();
        sim.run_until(scenario.until_ms, u64::MAX);
        let last = sim.step_index();
        c.bench_function(&format!("step_back_at_{}s", until_ms / 1000), |b| {
            b.iter(|| {
                sim.seek_step(last - 1);
                sim.seek_step(last);
            })
        });
    }
}

criterion_group!(benches, throughput, step_back);
criterion_main!(benches);
