//! An append-mostly log, cheap to snapshot, that says when it was rewritten.
//!
//! Replicated logs (the office's book, Raft's log, Multi-Paxos slots) grow
//! with the run, and the lab snapshots the whole world every few hundred
//! steps. A [`Log`] keeps its entries in shared chunks, so a clone (a
//! snapshot) copies a pointer per 64 entries, and a chunk is copied only if
//! it changes afterwards: an hour-long run's snapshots share one copy of
//! each log.
//!
//! Monitors check logs after every step. One that re-read a whole log each
//! step would cost more the longer the run; one that trusted the protocol to
//! "only append" would miss exactly the bug a broken variant has. A log
//! counts every change that is not an append (truncation, replacement,
//! overwrite) itself, in code the protocol cannot bypass, so a monitor can
//! re-check only the new end when the count is unchanged.

use std::hash::{Hash, Hasher};
use std::rc::Rc;

const CHUNK: usize = 64;

#[derive(Clone)]
pub struct Log<T> {
    /// Full chunks of exactly `CHUNK` entries, shared by clones.
    full: Vec<Rc<[T]>>,
    /// The entries after them (fewer than `CHUNK`), the log's own: a short
    /// log (a message's few entries) is one plain allocation, and appending
    /// never has to ask whether a chunk is shared.
    tail: Vec<T>,
    /// How many times entries already in the log were changed or removed.
    rewrites: u64,
    /// The first position the latest rewrite changed.
    rewritten_from: usize,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log { full: Vec::new(), tail: Vec::new(), rewrites: 0, rewritten_from: 0 }
    }
}

impl<T> Log<T> {
    pub fn new() -> Log<T> {
        Log::default()
    }

    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.full.is_empty() && self.tail.is_empty()
    }

    /// How many times entries already in the log were changed or removed:
    /// unchanged since a monitor last looked means only appends happened.
    pub fn rewrites(&self) -> u64 {
        self.rewrites
    }

    /// Where a monitor that last saw this log with `seen_len` entries and
    /// `seen_rewrites` rewrites must start checking again: at the old end
    /// if it was only appended to, where the one rewrite since began, or
    /// from the start if there were more (or the log was replaced).
    pub fn changed_from(&self, seen_len: usize, seen_rewrites: u64) -> usize {
        let from = match self.rewrites.wrapping_sub(seen_rewrites) {
            0 => seen_len,
            1 => seen_len.min(self.rewritten_from),
            _ => 0,
        };
        from.min(self.len())
    }

    /// The first position whose entry fails `before` (which must hold for a
    /// prefix): a binary search, for logs ordered by time.
    pub fn partition_point(&self, before: impl Fn(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(&self[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        match self.full.get(index / CHUNK) {
            Some(chunk) => chunk.get(index % CHUNK),
            None => self.tail.get(index - self.full.len() * CHUNK),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.iter_from(0)
    }

    /// The entries from `from` on.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &T> {
        let whole = (from / CHUNK).min(self.full.len());
        self.full[whole..].iter().flat_map(|c| c.iter()).chain(&self.tail).skip(from - whole * CHUNK)
    }
}

impl<T: Clone> Log<T> {
    pub fn push(&mut self, entry: T) {
        self.tail.push(entry);
        if self.tail.len() == CHUNK {
            // The tail's buffer stays, for the next chunk's entries.
            self.full.push(self.tail.drain(..).collect());
        }
    }

    pub fn extend_from_slice(&mut self, entries: &[T]) {
        for e in entries {
            self.push(e.clone());
        }
    }

    /// Keeps the first `len` entries (a rewrite if any are dropped).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let whole = len / CHUNK;
        if whole < self.full.len() {
            self.tail = self.full[whole][..len % CHUNK].to_vec();
            self.full.truncate(whole);
        } else {
            self.tail.truncate(len - whole * CHUNK);
        }
        self.rewrote(len);
    }

    /// Replaces the whole log (a rewrite).
    pub fn replace(&mut self, entries: Vec<T>) {
        self.full.clear();
        self.tail.clear();
        self.extend_from_slice(&entries);
        self.rewrote(0);
    }

    /// Overwrites one entry (a rewrite); a chunk shared with a clone is copied first.
    pub fn set(&mut self, index: usize, entry: T) {
        assert!(index < self.len(), "set({index}) on a log of {}", self.len());
        match self.full.get_mut(index / CHUNK) {
            Some(chunk) => match Rc::get_mut(chunk) {
                Some(entries) => entries[index % CHUNK] = entry,
                None => {
                    let mut copy = chunk.to_vec();
                    copy[index % CHUNK] = entry;
                    *chunk = copy.into();
                }
            },
            None => {
                let at = index - self.full.len() * CHUNK;
                self.tail[at] = entry;
            }
        }
        self.rewrote(index);
    }

    /// Becomes a copy of `other` (sharing its chunks): a rewrite.
    pub fn replace_with(&mut self, other: &Log<T>) {
        self.full = other.full.clone();
        self.tail = other.tail.clone();
        self.rewrote(0);
    }

    /// The entries from `from` on, as a log sharing this one's chunks when
    /// `from` starts one (a whole-book resend starts at 0 and shares all
    /// but the tail); otherwise a copy (suffixes are then short).
    pub fn suffix(&self, from: usize) -> Log<T> {
        if from % CHUNK == 0 && from / CHUNK <= self.full.len() {
            return Log {
                full: self.full[from / CHUNK..].to_vec(),
                tail: self.tail.clone(),
                rewrites: 0,
                rewritten_from: 0,
            };
        }
        let mut out = Log::new();
        for e in self.iter_from(from) {
            out.push(e.clone());
        }
        out
    }

    /// Sets entry `index`, first growing the log with `fill` up to it (a
    /// dense map from small numbers, such as request IDs, to values).
    pub fn put(&mut self, index: usize, entry: T, fill: T) {
        while self.len() <= index {
            self.push(fill.clone());
        }
        self.set(index, entry);
    }

    fn rewrote(&mut self, from: usize) {
        self.rewrites += 1;
        self.rewritten_from = from;
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

impl<T> std::ops::Index<usize> for Log<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        self.get(index).unwrap_or_else(|| panic!("index {index} past a log of {}", self.len()))
    }
}

impl<T: PartialEq> PartialEq for Log<T> {
    /// Same entries (chunks shared by a clone compare at once).
    fn eq(&self, other: &Self) -> bool {
        self.full.len() == other.full.len()
            && self.full.iter().zip(&other.full).all(|(a, b)| Rc::ptr_eq(a, b) || a[..] == b[..])
            && self.tail == other.tail
    }
}

impl<T: Eq> Eq for Log<T> {}

impl<T: Hash> Hash for Log<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        self.iter().for_each(|e| e.hash(state));
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Log<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Clone> From<Vec<T>> for Log<T> {
    fn from(entries: Vec<T>) -> Log<T> {
        let mut log = Log::new();
        log.extend_from_slice(&entries);
        log
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_search_finds_where_a_predicate_stops_holding() {
        let log: Log<u32> = (0..200).map(|i| i * 2).collect::<Vec<_>>().into();
        assert_eq!(log.partition_point(|&v| v < 101), 51);
        assert_eq!(log.partition_point(|_| true), 200);
        assert_eq!(Log::<u32>::new().partition_point(|_| true), 0);
    }

    #[test]
    fn a_monitor_learns_where_to_check_again() {
        let mut log: Log<u32> = (0..100).collect::<Vec<_>>().into();
        let seen = (log.len(), log.rewrites());
        log.push(100);
        assert_eq!(log.changed_from(seen.0, seen.1), 100, "appended: check the new end");
        let seen = (log.len(), log.rewrites());
        log.truncate(70);
        log.push(7);
        assert_eq!(log.changed_from(seen.0, seen.1), 70, "one truncation: from where it cut");
        let seen = (log.len(), log.rewrites());
        log.set(3, 9);
        log.truncate(50);
        assert_eq!(log.changed_from(seen.0, seen.1), 0, "two rewrites: from the start");
    }

    #[test]
    fn appends_are_not_rewrites_but_everything_else_is() {
        let mut log: Log<u32> = vec![1, 2].into();
        log.push(3);
        log.extend_from_slice(&[4, 5]);
        log.truncate(9);
        assert_eq!((log.to_vec(), log.rewrites()), (vec![1, 2, 3, 4, 5], 0));
        log.truncate(4);
        log.set(0, 7);
        log.replace(vec![8]);
        assert_eq!((log.to_vec(), log.rewrites()), (vec![8], 3));
    }

    #[test]
    fn a_clone_shares_chunks_until_one_side_changes() {
        let mut a: Log<usize> = (0..200).collect::<Vec<_>>().into();
        let snapshot = a.clone();
        a.set(5, 99);
        a.push(200);
        a.truncate(130);
        assert_eq!(snapshot.to_vec(), (0..200).collect::<Vec<_>>(), "the snapshot keeps what it saw");
        assert_eq!((a.len(), a[5], a[129], a.get(130)), (130, 99, 129, None));
        assert_eq!(a.iter_from(126).copied().collect::<Vec<_>>(), vec![126, 127, 128, 129]);
        assert!(Rc::ptr_eq(&a.full[1], &snapshot.full[1]), "untouched chunks stay shared");
        assert_ne!(a, snapshot);
        a.set(5, 5);
        a.extend_from_slice(&(130..200).collect::<Vec<_>>());
        assert_eq!(a, snapshot, "equal entries are equal logs");
    }

    #[test]
    fn suffixes_share_what_they_can() {
        let log: Log<usize> = (0..300).collect::<Vec<_>>().into();
        let whole = log.suffix(0);
        assert!(Rc::ptr_eq(&whole.full[3], &log.full[3]));
        assert_eq!(log.suffix(128).to_vec(), (128..300).collect::<Vec<_>>());
        assert_eq!(log.suffix(290).to_vec(), (290..300).collect::<Vec<_>>());
        assert!(log.suffix(300).is_empty());
        let mut book: Log<usize> = vec![9].into();
        book.replace_with(&whole);
        assert_eq!((book.len(), book.rewrites()), (300, 1));
    }

    #[test]
    fn put_grows_a_dense_map() {
        let mut m: Log<u32> = Log::new();
        m.put(3, 7, 0);
        m.put(1, 5, 0);
        assert_eq!(m.to_vec(), vec![0, 5, 0, 7]);
        assert_eq!(m.iter_from(64).count(), 0);
    }
}
