//! What the UI draws, computed by the simulator and the protocol.
//!
//! The UI never looks inside a protocol: every protocol maps its node state
//! onto a [`NodeView`], and the engine adds what it knows itself (liveness,
//! partitions, messages in flight, recent log lines). Drawing is the UI's job.

use serde::Serialize;

use super::scenario::NetworkSettings;
use super::time::NodeId;

/// A count in English: "1 parent", "3 parents" (`plural` for every count but 1).
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// How strongly a node stands out: neutral tones the UI maps to theme
/// colours. Each protocol says which of its roles gets which (a leader or
/// coordinator is usually `Primary`); the UI never reads a role from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accent {
    /// The most prominent tone.
    Primary,
    /// A second, distinct tone.
    Secondary,
    /// The ordinary tone.
    Plain,
    /// Faded: doing nothing of note.
    Dim,
}

/// How a held item (a log entry, an issued number, a chosen value) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Safe: it can no longer change (issued, committed, chosen).
    Settled,
    /// Held here, not yet known to be safe.
    Tentative,
    /// Disagrees with what another node holds at the same index.
    Conflicting,
    /// Will be, or was, thrown away (a truncated log suffix).
    Discarded,
}

/// One thing a node holds, e.g. "#7 r12" in a branch's book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Its position (a log index), so the UI can align items across nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// A colour tag (a term, a ballot, a replica): equal tags, equal colours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<u64>,
    pub text: String,
    pub state: ItemState,
}

impl Item {
    pub fn new(text: String, state: ItemState) -> Item {
        Item { index: None, tag: None, text, state }
    }
}

/// How the canvas should place the nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Layout {
    /// Evenly on a circle.
    Ring,
    /// One node in the middle (a coordinator), the rest around it.
    Hub { center: NodeId },
    /// Rows of nodes, top to bottom (Paxos: proposers, acceptors, learners).
    Rows { rows: Vec<Vec<NodeId>> },
}

/// A protocol's picture of one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeView {
    /// The role in the protocol's own words ("Main Office", "Branch", "Candidate").
    pub role: String,
    pub accent: Accent,
    /// Short facts shown under the node ("mandate 3", "issued 12").
    pub facts: Vec<String>,
    /// What the node holds, oldest first (the UI shows the last few).
    pub items: Vec<Item>,
}

/// Whether a node is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Liveness {
    Up,
    /// Stopped the world: state kept, nothing processed until resumed.
    Paused,
    /// Down: only the durable state survives.
    Crashed,
}

/// A node as the UI draws it at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeFrame {
    pub id: NodeId,
    /// Display name ("A", "B", …).
    pub name: String,
    pub liveness: Liveness,
    pub view: NodeView,
    /// The node's most recent log lines, oldest first.
    pub log: Vec<String>,
    /// How far the node's clock is from true time, in ms (0 for most nodes).
    pub clock_offset_ms: i64,
}

/// What happens to a message when it reaches the end of its flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Delivered,
    /// Lost by the network (the drop probability).
    Lost,
    /// Blocked by a partition or a one-way cut.
    Blocked,
    /// Arrived at a crashed node.
    NodeDown,
}

/// A message drawn between its endpoints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageFrame {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    /// Type and key fields, e.g. "Record #5–6".
    pub label: String,
    pub sent_at: f64,
    pub arrive_at: f64,
    /// The fate decided so far: a message sent into a partition is known to be
    /// blocked when sent; one that meets a partition or a crash on arrival
    /// learns its fate then.
    pub fate: Fate,
    /// A copy made by the network's duplication.
    pub duplicate: bool,
}

/// Everything the canvas needs for one animation frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The view time in virtual ms (fractional: the playback clock interpolates).
    pub time: f64,
    pub nodes: Vec<NodeFrame>,
    pub messages: Vec<MessageFrame>,
    /// Partition groups (empty when the network is whole).
    pub partitions: Vec<Vec<NodeId>>,
    /// One-way cuts as (from, to).
    pub cuts: Vec<(NodeId, NodeId)>,
    /// Latency, loss and duplication in force.
    pub network: NetworkSettings,
    pub layout: Layout,
}

impl Frame {
    /// Where a message is along its link at this frame's time, from 0 (sender) to 1 (receiver).
    pub fn progress(&self, m: &MessageFrame) -> f64 {
        let span = m.arrive_at - m.sent_at;
        if span <= 0.0 {
            return 1.0;
        }
        ((self.time - m.sent_at) / span).clamp(0.0, 1.0)
    }
}
