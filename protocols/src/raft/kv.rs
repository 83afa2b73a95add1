//! The replicated state machine: a key-value store that applies each
//! client's command once (the client-session table of the Raft
//! dissertation, §6.3), rebuilt from the log after every restart.

use std::fmt;

use crate::sim::any::{ClientActionInfo, FieldInfo, FieldKind};
use crate::sim::log::Log;
use crate::sim::rng::Stream;
use crate::sim::scenario::ClientAction;
use crate::sim::time::RequestId;

use super::msg::{Command, Index, Key};

const KEY: FieldInfo = FieldInfo { name: "key", label: "Key", kind: FieldKind::Text { max_len: Key::MAX } };

/// The store's client actions (Raft's and Multi-Paxos' clients offer them).
pub const PUT: ClientActionInfo = ClientActionInfo {
    name: "put",
    label: "Put a value",
    fields: &[KEY, FieldInfo { name: "value", label: "Value", kind: FieldKind::Int { min: -999_999, max: 999_999 } }],
};
pub const GET: ClientActionInfo = ClientActionInfo { name: "get", label: "Get a value", fields: &[KEY] };
pub static ACTIONS: [ClientActionInfo; 2] = [PUT, GET];

/// The keys the workload puts and gets.
const WORKLOAD_KEYS: [&str; 3] = ["x", "y", "z"];

pub fn workload_key(rng: &mut Stream) -> Key {
    Key::new(WORKLOAD_KEYS[rng.below(WORKLOAD_KEYS.len() as u64) as usize]).expect("short keys")
}

/// A client action's short text `field` as a key (the engine has checked its length).
pub fn key_of(action: &ClientAction, field: &str) -> Result<Key, String> {
    let text = action.params.get(field).and_then(|v| v.as_str()).unwrap_or_default();
    Key::new(text).ok_or_else(|| format!("`{field}` has at most {} bytes", Key::MAX))
}

/// A put's value.
pub fn value_of(action: &ClientAction) -> i64 {
    action.params.get("value").and_then(|v| v.as_i64()).unwrap_or_default()
}

/// What a client is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// A put (or a membership change) took effect.
    Done,
    /// A get's answer: the key's value, or none if it was never put.
    Value(Option<i64>),
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Reply::Done => f.write_str("done"),
            Reply::Value(Some(v)) => write!(f, "value {v}"),
            Reply::Value(None) => f.write_str("no value"),
        }
    }
}

/// The state machine and its session table; volatile (§5.3: a restarted
/// server replays its log from the start).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kv {
    /// The few keys there are, sorted, with their values (a vector, not a
    /// map: lookups among a handful of keys, and no map code in the wasm).
    values: Vec<(Key, i64)>,
    /// The index at which each request's put or membership change took
    /// effect (0: not yet), by request ID; IDs are dense, so this is a log too.
    applied_at: Log<Index>,
    /// Every request whose put took effect, in order: what the monitor
    /// reads to check that none took effect twice.
    pub journal: Log<RequestId>,
}

/// Request IDs beyond this are not remembered by the session table (a
/// protocol bug could invent one; the workload never comes near it).
const MAX_REQUEST: RequestId = 1 << 24;

impl Kv {
    pub fn get(&self, key: Key) -> Option<i64> {
        self.values.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
    }

    /// Where request `request` took effect, if it did.
    pub fn applied_at(&self, request: RequestId) -> Option<Index> {
        self.applied_at.get(usize::try_from(request).ok()?).copied().filter(|&i| i > 0)
    }

    /// Applies the command at `index`. A put whose request already took
    /// effect is skipped (`dedup` off: applied again, the bug the session
    /// table prevents). Returns what the client is told.
    pub fn apply(&mut self, index: Index, command: &Command, dedup: bool) -> Reply {
        match *command {
            Command::Noop => Reply::Done,
            Command::Get { key, .. } => Reply::Value(self.get(key)),
            Command::Config { request, .. } => {
                self.took_effect(request, index);
                Reply::Done
            }
            Command::Put { request, key, value } => {
                if !(dedup && self.applied_at(request).is_some()) {
                    match self.values.binary_search_by_key(&key, |&(k, _)| k) {
                        Ok(at) => self.values[at].1 = value,
                        Err(at) => self.values.insert(at, (key, value)),
                    }
                    self.journal.push(request);
                    self.took_effect(request, index);
                }
                Reply::Done
            }
        }
    }

    fn took_effect(&mut self, request: RequestId, index: Index) {
        if request <= MAX_REQUEST && self.applied_at(request).is_none() {
            self.applied_at.put(request as usize, index, 0);
        }
    }

    /// The store's contents, for the view ("x=3 y=7").
    pub fn describe(&self) -> String {
        let pairs: Vec<String> = self.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if pairs.is_empty() { "no keys yet".into() } else { pairs.join(" ") }
    }
}

/// What a monitor remembers of one replica's journal, to see a put take
/// effect twice in one life of its state machine (a restart replays it).
#[derive(Clone, Debug, Default)]
pub struct JournalWatch {
    len: usize,
    /// Which life (since a restart) the replica is in; `executed` stamps requests with it.
    life: u64,
    /// For each request ID, the life in which its put took effect (0:
    /// never). Numbers are u64 throughout the monitors: each other element
    /// type of a `Log` is one more copy of its code in the wasm.
    executed: Log<u64>,
}

impl JournalWatch {
    /// The requests that took effect again since the last look.
    pub fn repeats(&mut self, journal: &Log<RequestId>) -> Vec<RequestId> {
        if journal.len() < self.len {
            self.life += 1;
            self.len = 0;
        }
        let life = self.life + 1;
        let mut again = Vec::new();
        for at in self.len..journal.len() {
            let request = journal[at];
            if request > MAX_REQUEST {
                continue;
            }
            if self.executed.get(request as usize) == Some(&life) {
                again.push(request);
            }
            self.executed.put(request as usize, life, 0);
        }
        self.len = journal.len();
        again
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(request: RequestId, value: i64) -> Command {
        Command::Put { request, key: Key::new("x").unwrap(), value }
    }

    #[test]
    fn a_retried_put_takes_effect_once() {
        let mut kv = Kv::default();
        kv.apply(1, &put(7, 1), true);
        kv.apply(2, &put(8, 2), true);
        kv.apply(3, &put(7, 1), true); // the retry, appended again by a new leader
        assert_eq!(kv.get(Key::new("x").unwrap()), Some(2), "the retry did not overwrite the later put");
        assert_eq!(kv.journal.to_vec(), vec![7, 8]);
        assert_eq!(kv.applied_at(7), Some(1));
    }

    #[test]
    fn without_the_session_table_a_retry_applies_twice() {
        let mut kv = Kv::default();
        kv.apply(1, &put(7, 1), false);
        kv.apply(2, &put(7, 1), false);
        assert_eq!(kv.journal.to_vec(), vec![7, 7]);
    }
}
