//! The trace: every send, delivery, drop, timer, fault, client event and log
//! line, with its virtual time, and a hash of it all that is the same
//! natively and in WebAssembly.

use std::hash::{Hash, Hasher};

use super::protocol::Protocol;
use super::rng::{FNV_OFFSET, FNV_PRIME};
use super::scenario::Fault;
use super::time::{NodeId, Time};
use super::view::Fate;

/// Index of a message in the run's message table.
pub type MsgId = u64;

/// One message copy as sent: enough to draw it and to replay its fate.
#[derive(Clone, Debug)]
pub struct MsgRecord<P: Protocol> {
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Time,
    pub arrive_at: Time,
    pub fate: Fate,
    pub duplicate: bool,
    pub msg: P::Msg,
}

/// What happened.
#[derive(Clone, Debug)]
pub enum TraceEvent<P: Protocol> {
    Send {
        msg: MsgId,
    },
    Deliver {
        msg: MsgId,
    },
    Drop {
        msg: MsgId,
        fate: Fate,
    },
    Timer {
        node: NodeId,
        timer: P::Timer,
    },
    Fault {
        fault: Fault,
    },
    /// An entry of the client-visible history (by index).
    Client {
        event: usize,
    },
    Note {
        node: NodeId,
        text: String,
    },
}

#[derive(Clone, Debug)]
pub struct TraceEntry<P: Protocol> {
    /// The event (step) this line belongs to.
    pub step: u64,
    pub at: Time,
    pub event: TraceEvent<P>,
}

/// FNV-1a as a [`Hasher`], writing every integer as 64-bit little-endian so
/// `usize` and enum discriminants hash the same on 32-bit wasm and 64-bit hosts.
#[derive(Clone, Copy, Debug)]
pub struct TraceHasher(pub u64);

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher(FNV_OFFSET)
    }
}

impl Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(FNV_PRIME);
        }
    }

    fn write_usize(&mut self, i: usize) {
        self.write(&(i as u64).to_le_bytes());
    }

    fn write_isize(&mut self, i: isize) {
        self.write(&(i as i64).to_le_bytes());
    }
}

/// Feeds a fault into the hash through its JSON form (it holds floats,
/// which have no `Hash`; faults are rare, so the cost does not matter).
pub fn hash_fault(fault: &Fault, h: &mut TraceHasher) {
    serde_json::to_string(fault).unwrap_or_default().hash(h);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usize_hashes_like_u64() {
        let mut a = TraceHasher::default();
        let mut b = TraceHasher::default();
        7usize.hash(&mut a);
        7u64.hash(&mut b);
        assert_eq!(a.finish(), b.finish());
    }

    /// A pinned value: the hash of a simple value must never drift, or
    /// recorded trace hashes (and the wasm-vs-native comparison) break.
    #[test]
    fn the_hash_is_pinned() {
        let mut h = TraceHasher::default();
        (3u64, "Record", Some(2usize)).hash(&mut h);
        assert_eq!(h.finish(), 0x0059_0384_c3b3_c5f7, "got {:#x}", h.finish());
    }
}
