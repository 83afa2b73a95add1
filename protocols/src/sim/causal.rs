//! Happened-before over a run's events: a Lamport clock and a vector clock
//! for every event at a node, as the space-time diagram shows them.
//!
//! The clocks are the observer's bookkeeping, not the protocols' state: no
//! node reads them, so they survive a crash and cost nothing in a run that
//! is not watched. Event `a` happened before `b` exactly when `a`'s vector is
//! below `b`'s ([`happened_before`]); neither below the other is concurrent.

use super::any::{EventKind, SimEvent};
use super::time::NodeId;

/// The clocks of one event at a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub lamport: u64,
    /// Events seen from each node, the event itself included.
    pub vector: Vec<u32>,
}

/// Assigns stamps to events in the order they happened.
#[derive(Clone, Debug)]
pub struct Clocks {
    /// Each node's latest stamp.
    latest: Vec<Stamp>,
    /// The stamp each message copy left with, until it arrives or is dropped,
    /// by message id (ids grow, so this stays sorted by pushing; a handful are
    /// in flight at once, and a list is smaller code than a map in the wasm).
    in_flight: Vec<(u64, Stamp)>,
}

impl Clocks {
    pub fn new(nodes: usize) -> Clocks {
        Clocks { latest: vec![Stamp { lamport: 0, vector: vec![0; nodes] }; nodes], in_flight: Vec::new() }
    }

    /// The event's stamp and node, or `None` for what happens at no node (a
    /// fault, a lost message) and for a log line, which is commentary on its
    /// node's event rather than an event of its own.
    pub fn observe(&mut self, event: &SimEvent) -> Option<(NodeId, Stamp)> {
        match event.what {
            EventKind::Send { msg, from, .. } => {
                let stamp = self.tick(from, None)?;
                self.in_flight.push((msg, stamp.clone()));
                Some((from, stamp))
            }
            EventKind::Receive { msg, to, .. } => {
                let sent = self.landed(msg);
                Some((to, self.tick(to, sent)?))
            }
            EventKind::Drop { msg, .. } => {
                self.landed(msg);
                None
            }
            EventKind::Timer { node, .. }
            | EventKind::Invoke { node, .. }
            | EventKind::Reply { node, .. }
            | EventKind::Refuse { node, .. } => Some((node, self.tick(node, None)?)),
            EventKind::Note { .. } | EventKind::Fault { .. } => None,
        }
    }

    /// Takes message `msg` out of flight, with the stamp it left with.
    fn landed(&mut self, msg: u64) -> Option<Stamp> {
        let at = self.in_flight.binary_search_by_key(&msg, |(id, _)| *id).ok()?;
        Some(self.in_flight.remove(at).1)
    }

    /// Lamport's rules: a node counts each of its events, and a receipt first
    /// takes in what the sender had seen.
    fn tick(&mut self, node: NodeId, sent: Option<Stamp>) -> Option<Stamp> {
        let own = self.latest.get_mut(node)?;
        if let Some(sent) = sent {
            own.lamport = own.lamport.max(sent.lamport);
            for (mine, theirs) in own.vector.iter_mut().zip(&sent.vector) {
                *mine = (*mine).max(*theirs);
            }
        }
        own.lamport += 1;
        own.vector[node] += 1;
        Some(own.clone())
    }
}

/// `a` happened before `b`: every count in `a` is at most `b`'s, and they differ.
pub fn happened_before(a: &[u32], b: &[u32]) -> bool {
    a != b && a.iter().zip(b).all(|(x, y)| x <= y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::view::Fate;

    fn at(step: u64, what: EventKind) -> SimEvent {
        SimEvent { step, time_ms: step, what }
    }

    fn send(msg: u64, from: NodeId, to: NodeId) -> EventKind {
        EventKind::Send {
            msg,
            from,
            to,
            arrive_ms: 0,
            fate: Fate::Delivered,
            duplicate: false,
            label: String::new(),
            bytes: 0,
        }
    }

    fn stamps(events: &[EventKind]) -> Vec<Option<(NodeId, Stamp)>> {
        let mut clocks = Clocks::new(3);
        events.iter().enumerate().map(|(i, e)| clocks.observe(&at(i as u64, e.clone()))).collect()
    }

    #[test]
    fn a_receipt_takes_in_the_senders_past() {
        let got = stamps(&[
            EventKind::Timer { node: 0, timer: "t".into() },
            send(1, 0, 1),
            EventKind::Timer { node: 2, timer: "t".into() },
            EventKind::Receive { msg: 1, from: 0, to: 1 },
        ]);
        let v = |i: usize| got[i].clone().unwrap().1;
        assert_eq!(v(1), Stamp { lamport: 2, vector: vec![2, 0, 0] });
        assert_eq!(v(3), Stamp { lamport: 3, vector: vec![2, 1, 0] });
        assert!(happened_before(&v(0).vector, &v(3).vector));
        // C's timer is concurrent with both: neither is below the other.
        assert!(!happened_before(&v(2).vector, &v(3).vector) && !happened_before(&v(3).vector, &v(2).vector));
    }

    #[test]
    fn lost_messages_and_notes_stamp_nothing() {
        let got = stamps(&[
            send(7, 0, 1),
            EventKind::Drop { msg: 7, from: 0, to: 1, fate: Fate::Lost },
            EventKind::Note { node: 1, text: "hm".into() },
            EventKind::Receive { msg: 7, from: 0, to: 1 },
        ]);
        assert_eq!(got[1], None);
        assert_eq!(got[2], None);
        // A receipt of a copy no longer in flight learns nothing from the sender.
        assert_eq!(got[3].clone().unwrap().1.vector, vec![0, 1, 0]);
    }

    #[test]
    fn events_at_unknown_nodes_are_ignored() {
        assert_eq!(stamps(&[EventKind::Timer { node: 9, timer: "t".into() }]), vec![None]);
    }
}
