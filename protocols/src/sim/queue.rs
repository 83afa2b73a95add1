//! The event queue: events ordered by virtual time, ties by the order they
//! were scheduled, so a run never depends on a hash map's or heap's whims.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::time::Time;

/// A deterministic priority queue of events. The heap orders small keys
/// (time, scheduling order, slot) packed into one `u128`, so a sift compares
/// two integers; the events themselves (a message with its payload) sit
/// still in a slab, so sifting never moves them.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<u128>>,
    slab: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
}

/// Bits of a key below the time: the scheduling order, then the slot.
const TIME_SHIFT: u32 = 128 - 52;
const SEQ_SHIFT: u32 = 32;

/// The key of the `seq`-th event scheduled, at `at`, kept in `slot`: keys
/// order as (time, scheduling order), since times are below [`NEVER`](super::time::NEVER)
/// (52 bits) and scheduling orders below 2^44 (years of events at millions a second).
fn key(at: Time, seq: u64, slot: u32) -> u128 {
    debug_assert!(at < super::time::NEVER);
    assert!(seq < 1 << (TIME_SHIFT - SEQ_SHIFT), "fewer than 2^44 events scheduled in a run");
    u128::from(at) << TIME_SHIFT | u128::from(seq) << SEQ_SHIFT | u128::from(slot)
}

fn time_of(key: u128) -> Time {
    (key >> TIME_SHIFT) as Time
}

fn slot_of(key: u128) -> usize {
    key as u32 as usize
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slab: Vec::new(), free: Vec::new(), next_seq: 0 }
    }
}

// `push` and `pop` are inlined into the step loop: at opt-level "z" an event
// passed by value through a call is copied (a message can be over 100 bytes).
impl<E> EventQueue<E> {
    #[inline(always)]
    pub fn push(&mut self, at: Time, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slab.push(Some(event));
                u32::try_from(self.slab.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        self.heap.push(Reverse(key(at, seq, slot)));
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|&Reverse(key)| time_of(key))
    }

    /// Takes the next event out (its time is [`peek_time`](Self::peek_time)'s):
    /// only the event is returned, so it is moved out of the slab once.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<E> {
        let Reverse(key) = self.heap.pop()?;
        self.free.push(slot_of(key) as u32);
        self.slab[slot_of(key)].take()
    }

    /// Every pending event with its time, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (Time, &E)> {
        self.heap.iter().map(|&Reverse(key)| (time_of(key), self.slab[slot_of(key)].as_ref().expect("queued")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed<E>(q: &mut EventQueue<E>) -> Option<(Time, E)> {
        Some((q.peek_time()?, q.pop()?))
    }

    #[test]
    fn earlier_times_come_first() {
        let mut q = EventQueue::default();
        q.push(30, "c");
        q.push(10, "a");
        q.push(20, "b");
        let order: Vec<_> = std::iter::from_fn(|| timed(&mut q)).collect();
        assert_eq!(order, vec![(10, "a"), (20, "b"), (30, "c")]);
    }

    #[test]
    fn equal_times_run_in_scheduling_order() {
        let mut q = EventQueue::default();
        for name in ["first", "second", "third", "fourth"] {
            q.push(5, name);
        }
        q.push(1, "early");
        let order: Vec<_> = std::iter::from_fn(|| timed(&mut q)).map(|(_, e)| e).collect();
        assert_eq!(order, vec!["early", "first", "second", "third", "fourth"]);
    }

    #[test]
    fn late_times_and_reused_slots_keep_the_order() {
        let mut q = EventQueue::default();
        let last = crate::sim::time::NEVER - 1;
        q.push(last, "last");
        q.push(7, "a");
        q.push(7, "b");
        assert_eq!(timed(&mut q), Some((7, "a")));
        // "c" reuses "a"'s slot but was scheduled after "b".
        q.push(7, "c");
        q.push(last - 1, "second to last");
        assert_eq!(q.peek_time(), Some(7));
        let order: Vec<_> = std::iter::from_fn(|| timed(&mut q)).collect();
        assert_eq!(order, vec![(7, "b"), (7, "c"), (last - 1, "second to last"), (last, "last")]);
    }

    #[test]
    fn clones_pop_identically() {
        let mut q = EventQueue::default();
        for i in 0..50u64 {
            q.push(i % 7, i);
        }
        let mut c = q.clone();
        let a: Vec<_> = std::iter::from_fn(|| timed(&mut q)).collect();
        let b: Vec<_> = std::iter::from_fn(|| timed(&mut c)).collect();
        assert_eq!(a, b);
    }
}
