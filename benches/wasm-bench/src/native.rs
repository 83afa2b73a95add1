//! The native counterpart of the .wasm: times the same exports the way `run.mjs` does
//! (warm-up calls, then the median of timed calls) and prints one JSON line per benchmark.
//!
//!   quorum-wasm-bench-native SAMPLES WARMUP bare:10 office:5,60000,10 …

use std::time::Instant;

use quorum_wasm_bench::{bare, office, office_hash, raft, seek};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [samples, warmup, plan @ ..] = &args[..] else {
        eprintln!("usage: quorum-wasm-bench-native SAMPLES WARMUP NAME:ARG,ARG… …");
        std::process::exit(2);
    };
    let samples: usize = samples.parse().expect("SAMPLES is a number");
    let warmup: usize = warmup.parse().expect("WARMUP is a number");
    for item in plan {
        let (name, args) = item.split_once(':').expect("NAME:ARGS");
        let args: Vec<u32> = args.split(',').map(|a| a.parse().expect("arguments are u32")).collect();
        let call = || match (name, &args[..]) {
            ("bare", &[reps]) => bare(reps),
            ("office", &[nodes, until_ms, reps]) => office(nodes, until_ms, reps),
            ("office_hash", &[nodes, until_ms, reps]) => office_hash(nodes, until_ms, reps),
            ("raft", &[servers, until_ms, reps]) => raft(servers, until_ms, reps),
            ("seek", &[until_ms, count]) => seek(until_ms, count),
            _ => panic!("unknown benchmark {item}"),
        };
        for _ in 0..warmup {
            call();
        }
        let mut events = 0;
        let mut ns: Vec<u128> = (0..samples)
            .map(|_| {
                let start = Instant::now();
                events = call();
                start.elapsed().as_nanos()
            })
            .collect();
        ns.sort_unstable();
        println!(r#"{{"item":"{item}","events":{events},"median_ns":{},"all_ns":{ns:?}}}"#, ns[ns.len() / 2]);
    }
}
