//! Raw exports (no wasm-bindgen, no strings across the boundary): each runs a benchmark of
//! `benches/common.rs` `reps` times and returns the events processed, so the caller can
//! time it and divide. The native binary (`src/native.rs`) calls the very same functions.

#[path = "../../common.rs"]
mod common;

use quorum_protocols::sim::any::Recording;

fn office_runs(nodes: u32, until_ms: u32, reps: u32, recording: Recording) -> u64 {
    let scenario = common::office(nodes as usize, u64::from(until_ms));
    (0..reps).map(|_| common::run(&scenario, recording)).sum()
}

/// The office benchmark scenario (`common::office`) with `nodes` branches until
/// `until_ms`, recorded in full as the lab does, run `reps` times from scratch;
/// returns the events processed in all.
#[unsafe(no_mangle)]
pub extern "C" fn office(nodes: u32, until_ms: u32, reps: u32) -> u64 {
    office_runs(nodes, until_ms, reps, Recording::Full)
}

/// The same, keeping only the trace hash (as `quorum-sim run` and searches do).
#[unsafe(no_mangle)]
pub extern "C" fn office_hash(nodes: u32, until_ms: u32, reps: u32) -> u64 {
    office_runs(nodes, until_ms, reps, Recording::Hash)
}

/// Raft under the same workload and faults (`common::mixed("raft", …)`), `servers` servers until
/// `until_ms`, recorded in full as the lab does, run `reps` times.
#[unsafe(no_mangle)]
pub extern "C" fn raft(servers: u32, until_ms: u32, reps: u32) -> u64 {
    let scenario = common::mixed("raft", servers as usize, u64::from(until_ms));
    (0..reps).map(|_| common::run(&scenario, Recording::Full)).sum()
}

/// The bare event loop (`common::bare_event_loop`), `reps` runs of `common::BARE_EVENTS`.
#[unsafe(no_mangle)]
pub extern "C" fn bare(reps: u32) -> u64 {
    (0..reps).map(|_| common::bare_event_loop(common::BARE_EVENTS)).sum()
}

thread_local! {
    /// The run `seek` jumps around in, built on first use.
    static LONG_RUN: std::cell::RefCell<Option<(u32, Box<dyn quorum_protocols::AnySim>)>> =
        const { std::cell::RefCell::new(None) };
}

/// `count` seeks to pseudo-random steps (xorshift, fixed seed) of the office benchmark
/// run to `until_ms`, recorded in full as the lab does (built and run on the first
/// call for that length, which a warm-up call absorbs). Returns the steps landed on, summed.
#[unsafe(no_mangle)]
pub extern "C" fn seek(until_ms: u32, count: u32) -> u64 {
    LONG_RUN.with_borrow_mut(|run| {
        if run.as_ref().is_none_or(|(len, _)| *len != until_ms) {
            let scenario = common::office(5, u64::from(until_ms));
            let mut sim = quorum_protocols::build(&scenario).expect("the benchmark scenario builds");
            sim.run_until(scenario.until_ms, u64::MAX);
            *run = Some((until_ms, sim));
        }
        let (_, sim) = run.as_mut().expect("just built");
        let last = sim.horizon();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut landed = 0;
        for _ in 0..count {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            sim.seek_time(state % (last + 1));
            landed += sim.step_index();
        }
        landed
    })
}
