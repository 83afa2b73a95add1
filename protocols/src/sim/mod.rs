//! The deterministic simulator: virtual time, a seeded network, faults, a trace.
//!
//! One module per concern: [`time`] and [`queue`] (virtual time and the
//! event queue), [`clock`] (each node's clock: offset and drift), [`rng`]
//! (seeded random streams), [`net`] (latency, loss, duplication,
//! partitions), [`nodes`] (sets of nodes as bits), [`ids`] (maps and sets
//! of ids), [`fault`] (crash, restart, pause), [`decimal`] (numbers as
//! text), [`log`] (a replicated log that counts its rewrites), [`ctx`] (what
//! a handler may do), [`trace`] (what happened, and its hash), [`workload`] (the
//! clients), [`params`] (a protocol's parameters), [`protocol`] (the trait
//! every protocol implements and its monitor), [`engine`] (the loop,
//! recording, snapshots and seeking), [`scenario`] and [`share`] (runs as
//! data and as links; [`json`] reads and writes that data, [`deflate`] and
//! [`base64url`] pack it into a link), [`view`] and [`any`] (what the UI
//! sees), [`causal`] (happened-before, for the space-time diagram).

pub mod any;
pub mod base64url;
pub mod causal;
pub mod clock;
pub mod ctx;
pub mod decimal;
pub mod deflate;
pub mod engine;
pub mod fault;
pub mod ids;
pub mod json;
pub mod log;
pub mod net;
pub mod nodes;
pub mod params;
pub mod protocol;
pub mod queue;
pub mod rng;
pub mod scenario;
pub mod share;
pub mod time;
pub mod trace;
pub mod view;
pub mod workload;
