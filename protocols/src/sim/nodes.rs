//! Small sets of nodes, as bits.

use std::fmt;

use super::time::{NodeId, node_name};

/// The most nodes any protocol runs (every protocol allows at most 9); a
/// [`NodeSet`] holds this many.
pub const MAX_NODES: usize = 16;

/// A set of nodes as bits (a Raft configuration, the votes a candidate
/// holds, the cohorts that voted yes): at most 16 nodes, cheap to copy.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NodeSet(u16);

impl NodeSet {
    /// The first `n` nodes.
    pub fn first(n: usize) -> NodeSet {
        NodeSet(((1u32 << n) - 1) as u16)
    }

    pub fn contains(self, id: NodeId) -> bool {
        id < 16 && self.0 >> id & 1 == 1
    }

    pub fn with(self, id: NodeId) -> NodeSet {
        NodeSet(self.0 | 1 << id)
    }

    pub fn without(self, id: NodeId) -> NodeSet {
        NodeSet(self.0 & !(1 << id))
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = NodeId> + Clone {
        (0..16).filter(move |&i| self.contains(i))
    }

    /// How many of these nodes are in `config` (votes that count).
    pub fn count_in(self, config: NodeSet) -> usize {
        (self.0 & config.0).count_ones() as usize
    }

    /// More than half of `config` is in this set.
    pub fn is_majority_of(self, config: NodeSet) -> bool {
        self.count_in(config) > config.len() / 2
    }
}

impl fmt::Display for NodeSet {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let names: Vec<String> = self.iter().map(node_name).collect();
        write!(f, "{{{}}}", names.join(","))
    }
}

impl fmt::Debug for NodeSet {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
