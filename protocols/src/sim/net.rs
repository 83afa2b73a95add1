//! The network: latency, loss, duplication, partitions and one-way cuts.
//!
//! Latency on every link is `min + jitter`, the jitter drawn uniformly from
//! `[0, max - min]`; reordering is nothing more than that jitter. A message's
//! fate is decided when it is sent, so the UI can draw it in flight: lost and
//! blocked messages travel half their latency and vanish there. A partition
//! that begins while a message is in flight still stops it on arrival.

use super::rng::Stream;
use super::scenario::NetworkSettings;
use super::time::{NodeId, Time};
use super::view::Fate;

/// One copy of a message on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    /// How long it travels before its fate is met.
    pub delay: Time,
    pub fate: Fate,
    /// A copy the network made.
    pub duplicate: bool,
}

/// Who can reach whom, and how well.
#[derive(Clone, Debug)]
pub struct Network {
    pub settings: NetworkSettings,
    /// Each node's partition group; `None` when the network is whole.
    group_of: Option<Vec<usize>>,
    /// Sorted, no pair twice. A list, not a set: there are few, and a set
    /// type of its own would cost the download its code.
    cuts: Vec<(NodeId, NodeId)>,
    nodes: usize,
}

impl Network {
    pub fn new(settings: NetworkSettings, nodes: usize) -> Network {
        Network { settings, group_of: None, cuts: Vec::new(), nodes }
    }

    /// Splits the nodes into groups; nodes named in no group form one more group.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let rest = groups.len();
        let mut group_of = vec![rest; self.nodes];
        for (g, members) in groups.iter().enumerate() {
            for &node in members {
                group_of[node] = g;
            }
        }
        self.group_of = Some(group_of);
    }

    /// Blocks messages from `from` to `to` (the other direction still works).
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if let Err(at) = self.cuts.binary_search(&(from, to)) {
            self.cuts.insert(at, (from, to));
        }
    }

    /// Removes every partition and cut.
    pub fn heal(&mut self) {
        self.group_of = None;
        self.cuts.clear();
    }

    /// Changes latency, loss or duplication; `None` keeps the current value.
    pub fn set(&mut self, latency_ms: Option<[Time; 2]>, drop: Option<f64>, duplicate: Option<f64>) {
        if let Some(l) = latency_ms {
            self.settings.latency_ms = l;
        }
        if let Some(p) = drop {
            self.settings.drop = p;
        }
        if let Some(p) = duplicate {
            self.settings.duplicate = p;
        }
    }

    pub fn reachable(&self, from: NodeId, to: NodeId) -> bool {
        let same_side = self.group_of.as_ref().is_none_or(|g| g[from] == g[to]);
        same_side && self.cuts.binary_search(&(from, to)).is_err()
    }

    /// The partition groups as lists of nodes (empty when the network is whole).
    pub fn partitions(&self) -> Vec<Vec<NodeId>> {
        let Some(group_of) = &self.group_of else { return Vec::new() };
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        // The groups in order of their numbers, each the next number above the
        // last (a few nodes: cheaper in code than sorting the numbers).
        let mut last = None;
        while let Some(g) = group_of.iter().copied().filter(|&g| last.is_none_or(|l| g > l)).min() {
            groups.push((0..self.nodes).filter(|&n| group_of[n] == g).collect());
            last = Some(g);
        }
        groups
    }

    pub fn cuts(&self) -> Vec<(NodeId, NodeId)> {
        self.cuts.clone()
    }

    /// Decides what happens to a message sent now: one flight, and a second
    /// when the network duplicates it. Draws in a fixed order so runs are reproducible.
    pub fn flights(&self, from: NodeId, to: NodeId, rng: &mut Stream) -> (Flight, Option<Flight>) {
        let one = |delay, fate| (Flight { delay, fate, duplicate: false }, None);
        if from == to {
            return one(0, Fate::Delivered);
        }
        let [lo, hi] = self.settings.latency_ms;
        let latency = rng.between(lo, hi);
        if !self.reachable(from, to) {
            return one(latency / 2, Fate::Blocked);
        }
        if rng.chance(self.settings.drop) {
            return one(latency / 2, Fate::Lost);
        }
        let copy = rng.chance(self.settings.duplicate).then(|| Flight {
            delay: rng.between(lo, hi),
            fate: Fate::Delivered,
            duplicate: true,
        });
        (Flight { delay: latency, fate: Fate::Delivered, duplicate: false }, copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(drop: f64, duplicate: f64) -> Network {
        Network::new(NetworkSettings { latency_ms: [20, 80], drop, duplicate }, 5)
    }

    #[test]
    fn latency_stays_within_the_range() {
        let n = net(0.0, 0.0);
        let mut rng = Stream::new(1, "t");
        for _ in 0..1000 {
            let (f, copy) = n.flights(0, 1, &mut rng);
            assert!(copy.is_none());
            assert!((20..=80).contains(&f.delay));
            assert_eq!(f.fate, Fate::Delivered);
        }
    }

    #[test]
    fn jitter_reorders_messages() {
        let n = net(0.0, 0.0);
        let mut rng = Stream::new(2, "t");
        let delays: Vec<Time> = (0..50).map(|i| i + n.flights(0, 1, &mut rng).0.delay).collect();
        assert!(delays.windows(2).any(|w| w[1] < w[0]), "a later send should sometimes arrive first");
    }

    #[test]
    fn drop_probability_is_respected() {
        let n = net(0.3, 0.0);
        let mut rng = Stream::new(3, "t");
        let lost = (0..4000).filter(|_| n.flights(0, 1, &mut rng).0.fate == Fate::Lost).count();
        assert!((1000..1400).contains(&lost), "lost {lost} of 4000 at p=0.3");
    }

    #[test]
    fn duplication_makes_a_second_copy() {
        let n = net(0.0, 0.5);
        let mut rng = Stream::new(4, "t");
        let copies: usize = (0..1000).map(|_| 1 + usize::from(n.flights(0, 1, &mut rng).1.is_some())).sum();
        assert!((1400..1600).contains(&copies), "{copies} copies of 1000 at p=0.5");
    }

    #[test]
    fn partitions_block_across_groups_only() {
        let mut n = net(0.0, 0.0);
        n.partition(&[vec![0, 1], vec![2, 3]]);
        assert!(n.reachable(0, 1) && n.reachable(3, 2));
        assert!(!n.reachable(1, 2) && !n.reachable(2, 1));
        // Node 4 was named nowhere: it is alone in a group of its own.
        assert!(!n.reachable(4, 0) && !n.reachable(3, 4));
        assert_eq!(n.partitions(), vec![vec![0, 1], vec![2, 3], vec![4]]);
        let mut rng = Stream::new(5, "t");
        assert_eq!(n.flights(0, 2, &mut rng).0.fate, Fate::Blocked);
        n.heal();
        assert!(n.reachable(1, 2));
        assert!(n.partitions().is_empty());
    }

    #[test]
    fn cuts_are_one_way() {
        let mut n = net(0.0, 0.0);
        n.cut(0, 1);
        assert!(!n.reachable(0, 1));
        assert!(n.reachable(1, 0));
        assert_eq!(n.cuts(), vec![(0, 1)]);
    }

    #[test]
    fn set_network_keeps_what_it_does_not_name() {
        let mut n = net(0.1, 0.0);
        n.set(Some([200, 400]), None, None);
        assert_eq!(n.settings.latency_ms, [200, 400]);
        assert_eq!(n.settings.drop, 0.1);
    }
}
