//! What Raft servers keep in their logs and say to each other (Figure 2 of
//! the extended Raft paper: the RequestVote and AppendEntries RPCs, each
//! with its reply).

use std::fmt;

use crate::sim::time::RequestId;

/// An election round: at most one leader per term (§5.1).
pub type Term = u64;
/// A position in the log, counted from 1 as in the paper (0: before the first entry).
pub type Index = u64;

/// A short key of the key-value state machine ("x"), at most [`Key::MAX`]
/// bytes, kept inline so entries copy without allocating.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    bytes: [u8; Key::MAX],
    len: u8,
}

impl Key {
    pub const MAX: usize = 8;

    /// The key `text`, if it is short enough.
    pub fn new(text: &str) -> Option<Key> {
        let mut bytes = [0; Key::MAX];
        bytes.get_mut(..text.len())?.copy_from_slice(text.as_bytes());
        Some(Key { bytes, len: text.len() as u8 })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A set of servers (a configuration, or the votes a candidate holds).
pub use crate::sim::nodes::NodeSet as Servers;

/// What an entry asks the state machine to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// The entry a new leader appends at the start of its term (§8), so
    /// that entries of earlier terms commit with it.
    Noop,
    Put {
        request: RequestId,
        key: Key,
        value: i64,
    },
    /// A read that goes through the log, so it is answered in log order.
    Get {
        request: RequestId,
        key: Key,
    },
    /// The cluster's configuration from this entry on (one server added or
    /// removed at a time, dissertation §4.1). `request` is the client's.
    Config {
        request: RequestId,
        servers: Servers,
    },
}

impl Command {
    /// The client request this entry serves, if any.
    pub fn request(&self) -> Option<RequestId> {
        match *self {
            Command::Noop => None,
            Command::Put { request, .. } | Command::Get { request, .. } | Command::Config { request, .. } => {
                Some(request)
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Command::Noop => f.write_str("no-op"),
            Command::Put { key, value, .. } => write!(f, "{key}={value}"),
            Command::Get { key, .. } => write!(f, "get {key}"),
            Command::Config { servers, .. } => write!(f, "config {servers}"),
        }
    }
}

/// One log entry: a command and the term in which a leader received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub term: Term,
    pub command: Command,
}

/// The AppendEntries RPC (§5.3): replicate `entries` after
/// `prev_log_index`, if the receiver's log agrees there; empty, it is a
/// heartbeat.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AppendEntries {
    pub term: Term,
    pub prev_log_index: Index,
    pub prev_log_term: Term,
    pub entries: Vec<Entry>,
    pub leader_commit: Index,
    /// The leader's heartbeat round, echoed in the reply: a read index
    /// (§6.4) is served once a majority has answered a round sent after it.
    pub round: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// RequestVote (§5.2), or a pre-vote (dissertation §9.6): "would you
    /// vote for me in `term`?", which changes nobody's term.
    RequestVote {
        term: Term,
        last_log_index: Index,
        last_log_term: Term,
        pre_vote: bool,
    },
    /// The reply to RequestVote.
    Vote {
        term: Term,
        granted: bool,
        pre_vote: bool,
    },
    AppendEntries(AppendEntries),
    Appended(Appended),
}

/// The reply to AppendEntries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Appended {
    pub term: Term,
    pub success: bool,
    /// On success, how far the follower's log now matches the leader's; on
    /// failure, where the leader should try next.
    pub match_index: Index,
    /// On failure, the term of the follower's conflicting entry (0 if its
    /// log is too short), for fast backtracking.
    pub conflict_term: Term,
    /// The `prev_log_index` of the AppendEntries answered, so the leader can
    /// tell an answer to an old one from an answer to its latest.
    pub prev_log_index: Index,
    pub round: u64,
}

impl Msg {
    /// Bytes on a wire: a header of 24, 8 per number, 24 per entry.
    pub fn size(&self) -> usize {
        24 + match self {
            Msg::RequestVote { .. } => 25,
            Msg::Vote { .. } => 10,
            Msg::AppendEntries(ae) => 40 + 24 * ae.entries.len(),
            Msg::Appended(_) => 33,
        }
    }

    /// A short label for the canvas and the trace ("AppendEntries t3 [4..6] c=3", "Vote t4 ✓").
    pub fn label(&self) -> String {
        match self {
            Msg::RequestVote { term, pre_vote: false, .. } => format!("RequestVote t{term}"),
            Msg::RequestVote { term, pre_vote: true, .. } => format!("PreVote t{term}"),
            Msg::Vote { term, granted, pre_vote } => {
                let what = if *pre_vote { "PreVote" } else { "Vote" };
                format!("{what} t{term} {}", if *granted { "✓" } else { "✗" })
            }
            Msg::AppendEntries(ae) => {
                let (t, c) = (ae.term, ae.leader_commit);
                match ae.entries.len() as Index {
                    0 => format!("Heartbeat t{t} c={c}"),
                    1 => format!("AppendEntries t{t} [{}] c={c}", ae.prev_log_index + 1),
                    n => format!("AppendEntries t{t} [{}..{}] c={c}", ae.prev_log_index + 1, ae.prev_log_index + n),
                }
            }
            Msg::Appended(a) if a.success => format!("Appended t{} ✓ {}", a.term, a.match_index),
            Msg::Appended(a) => format!("Appended t{} ✗ try {}", a.term, a.match_index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_and_read_back() {
        assert_eq!(Key::new("x").unwrap().as_str(), "x");
        assert_eq!(Key::new("eightchr").unwrap().to_string(), "eightchr");
        assert!(Key::new("ninechars").is_none());
    }

    #[test]
    fn a_majority_counts_only_members_of_the_configuration() {
        let config = Servers::first(5).without(4);
        assert_eq!(config.len(), 4);
        let votes = Servers::default().with(0).with(1).with(4);
        assert_eq!(votes.count_in(config), 2);
        assert!(!votes.is_majority_of(config), "2 of 4 is not a majority");
        assert!(votes.with(2).is_majority_of(config));
        assert_eq!(config.to_string(), "{A,B,C,D}");
    }
}
