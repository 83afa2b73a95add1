//! The event queue: events ordered by virtual time, ties by the order they
//! were scheduled, so a run never depends on a hash map's or heap's whims.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::time::Time;

/// A deterministic priority queue of events. The heap orders small keys
/// (time, scheduling order, slot); the events themselves (a message with its
/// payload) sit still in a slab, so sifting never moves them.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<(Time, u64, u32)>>,
    slab: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slab: Vec::new(), free: Vec::new(), next_seq: 0 }
    }
}

impl<E> EventQueue<E> {
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
        self.heap.push(Reverse((at, seq, slot)));
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }

    pub fn pop(&mut self) -> Option<(Time, E)> {
        let Reverse((at, _, slot)) = self.heap.pop()?;
        self.free.push(slot);
        let event = self.slab[slot as usize].take().expect("a queued slot holds its event");
        Some((at, event))
    }

    /// Every pending event with its time, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (Time, &E)> {
        self.heap.iter().map(|Reverse((at, _, slot))| (*at, self.slab[*slot as usize].as_ref().expect("queued")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_times_come_first() {
        let mut q = EventQueue::default();
        q.push(30, "c");
        q.push(10, "a");
        q.push(20, "b");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(10, "a"), (20, "b"), (30, "c")]);
    }

    #[test]
    fn equal_times_run_in_scheduling_order() {
        let mut q = EventQueue::default();
        for name in ["first", "second", "third", "fourth"] {
            q.push(5, name);
        }
        q.push(1, "early");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, vec!["early", "first", "second", "third", "fourth"]);
    }

    #[test]
    fn clones_pop_identically() {
        let mut q = EventQueue::default();
        for i in 0..50u64 {
            q.push(i % 7, i);
        }
        let mut c = q.clone();
        let a: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        let b: Vec<_> = std::iter::from_fn(|| c.pop()).collect();
        assert_eq!(a, b);
    }
}
