//! The trace: every send, delivery, drop, timer, fault, client event and log
//! line, with its virtual time, and a hash of it all that is the same
//! natively and in WebAssembly.

use std::hash::{Hash, Hasher};

use super::protocol::Protocol;
use super::scenario::Fault;
use super::time::{NodeId, Time};
use super::view::Fate;

/// Index of a message in the run's message table.
pub type MsgId = u64;

/// One message copy as sent: enough to show it and its fate.
#[derive(Clone, Debug)]
pub struct MsgRecord<P: Protocol> {
    pub sent_at: Time,
    pub from: NodeId,
    pub to: NodeId,
    pub arrive_at: Time,
    pub fate: Fate,
    pub duplicate: bool,
    pub msg: P::Msg,
}

/// A message copy on its way: it travels inside its arrival event, so
/// delivering it moves it to the handler instead of copying it.
impl<P: Protocol> MsgRecord<P> {
    /// What is kept of a message copy that arrives (or meets its fate) at `arrive_at`.
    pub fn of(copy: &InFlight<P>, arrive_at: Time) -> MsgRecord<P> {
        let InFlight { from, to, sent_at, fate, duplicate, .. } = *copy;
        MsgRecord { sent_at, from, to, arrive_at, fate, duplicate, msg: copy.msg.clone() }
    }
}

#[derive(Clone, Debug)]
pub struct InFlight<P: Protocol> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Time,
    /// Its fate as decided when it was sent (a partition or crash since may still stop it).
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
    /// Boxed: faults are rare and large, and every entry is as large as the largest.
    Fault {
        fault: Box<Fault>,
    },
    /// An entry of the client-visible history (by index).
    Client {
        event: usize,
    },
    Note {
        node: NodeId,
        text: Box<str>,
    },
}

#[derive(Clone, Debug)]
pub struct TraceEntry<P: Protocol> {
    /// The event (step) this line belongs to.
    pub step: u64,
    pub at: Time,
    pub event: TraceEvent<P>,
}

/// The trace's hasher: a word-at-a-time multiply-rotate mix (as FxHash),
/// writing every integer as 64 bits and bytes in little-endian words, so
/// `usize` and enum discriminants hash the same on 32-bit wasm and 64-bit
/// hosts, and a run costs one multiply per word rather than per byte. Not
/// for adversaries: equal runs have equal hashes, that is all it promises.
#[derive(Clone, Copy, Debug)]
pub struct TraceHasher(pub u64);

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const K: u64 = 0x517c_c1b7_2722_0a95;

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher(SEED)
    }
}

impl TraceHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    fn write_i64(&mut self, i: i64) {
        self.mix(i as u64);
    }

    fn write_isize(&mut self, i: isize) {
        self.mix(i as i64 as u64);
    }
}

/// The hash of a piece of text (a refusal's reason) as one number: its
/// words, then a last word holding what is left (zero-padded), then its length.
pub fn text_hash(text: &str) -> u64 {
    let mut h = TraceHasher::default();
    let mut words = text.as_bytes().chunks_exact(8);
    for w in &mut words {
        h.mix(u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    h.mix(u64::from_le_bytes(last));
    h.mix(text.len() as u64);
    h.finish()
}

/// Feeds a fault into the hash through its JSON form (it holds floats,
/// which have no `Hash`; faults are rare, so the cost does not matter).
pub fn hash_fault(fault: &Fault, h: &mut TraceHasher) {
    fault.to_json().hash(h);
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
        assert_eq!(h.finish(), 0x72a3_d7c0_c046_071b, "got {:#x}", h.finish());
    }

    #[test]
    fn text_hashes_tell_texts_apart() {
        assert_ne!(text_hash("abc"), text_hash("abd"));
        assert_ne!(text_hash(""), text_hash("\0"));
    }
}
