//! Raw exports (no wasm-bindgen, no strings across the boundary): each runs a benchmark of
//! `benches/common.rs` `reps` times and returns the events processed, so the caller can
//! time it and divide. The native binary (`src/native.rs`) calls the very same functions.

#[path = "../../common.rs"]
mod common;

/// The office benchmark scenario (`common::office`) with `nodes` branches until
/// `until_ms`, run `reps` times from scratch; returns the events processed in all.
#[unsafe(no_mangle)]
pub extern "C" fn office(nodes: u32, until_ms: u32, reps: u32) -> u64 {
    let scenario = common::office(nodes as usize, u64::from(until_ms));
    (0..reps).map(|_| common::run(&scenario, quorum_protocols::sim::any::Recording::Full)).sum()
}

/// The bare event loop (`common::bare_event_loop`), `reps` runs of `common::BARE_EVENTS`.
#[unsafe(no_mangle)]
pub extern "C" fn bare(reps: u32) -> u64 {
    (0..reps).map(|_| common::bare_event_loop(common::BARE_EVENTS)).sum()
}
