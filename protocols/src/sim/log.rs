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
    /// Full chunks of `CHUNK` entries, then one partly filled (never empty).
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
    /// How many times entries already in the log were changed or removed.
    rewrites: u64,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log { chunks: Vec::new(), len: 0, rewrites: 0 }
    }
}

impl<T> Log<T> {
    pub fn new() -> Log<T> {
        Log::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many times entries already in the log were changed or removed:
    /// unchanged since a monitor last looked means only appends happened.
    pub fn rewrites(&self) -> u64 {
        self.rewrites
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK).and_then(|c| c.get(index % CHUNK))
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The entries from `from` on.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &T> {
        let skip = from % CHUNK;
        self.chunks.iter().skip(from / CHUNK).flat_map(|c| c.iter()).skip(skip)
    }
}

impl<T: Clone> Log<T> {
    pub fn push(&mut self, entry: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Rc::make_mut(last).push(entry),
            // A short log (a message's few entries) does not reserve a whole
            // chunk; once a log has filled one, it is long, and takes them whole.
            _ => {
                let mut chunk = Vec::with_capacity(if self.chunks.is_empty() { 2 } else { CHUNK });
                chunk.push(entry);
                self.chunks.push(Rc::new(chunk));
            }
        }
        self.len += 1;
    }

    pub fn extend_from_slice(&mut self, entries: &[T]) {
        for e in entries {
            self.push(e.clone());
        }
    }

    /// Keeps the first `len` entries (a rewrite if any are dropped).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK));
        if let Some(last) = self.chunks.last_mut()
            && len % CHUNK != 0
        {
            Rc::make_mut(last).truncate(len % CHUNK);
        }
        self.len = len;
        self.rewrites += 1;
    }

    /// Replaces the whole log (a rewrite).
    pub fn replace(&mut self, entries: Vec<T>) {
        self.chunks.clear();
        self.len = 0;
        self.extend_from_slice(&entries);
        self.rewrites += 1;
    }

    /// Overwrites one entry (a rewrite).
    pub fn set(&mut self, index: usize, entry: T) {
        assert!(index < self.len, "set({index}) on a log of {}", self.len);
        Rc::make_mut(&mut self.chunks[index / CHUNK])[index % CHUNK] = entry;
        self.rewrites += 1;
    }

    /// Becomes a copy of `other` (sharing its chunks): a rewrite.
    pub fn replace_with(&mut self, other: &Log<T>) {
        self.chunks = other.chunks.clone();
        self.len = other.len;
        self.rewrites += 1;
    }

    /// The entries from `from` on, as a log sharing this one's chunks (all
    /// but a partly skipped first chunk): what a message carrying a long
    /// suffix holds, without copying it.
    pub fn suffix(&self, from: usize) -> Log<T> {
        let mut out = Log::new();
        if from >= self.len {
            return out;
        }
        let first = from / CHUNK;
        if from % CHUNK == 0 {
            out.chunks = self.chunks[first..].to_vec();
            out.len = self.len - from;
            return out;
        }
        for e in &self.chunks[first][from % CHUNK..] {
            out.push(e.clone());
        }
        // Later chunks cannot be shared without realigning them: copy the
        // few entries of the partial first chunk, then share whole chunks
        // only if the suffix happens to align. Suffixes are short except for
        // whole-book resends, which start at 0 and share everything.
        for e in self.chunks[first + 1..].iter().flat_map(|c| c.iter()) {
            out.push(e.clone());
        }
        out
    }

    /// Sets entry `index`, first growing the log with `fill` up to it (a
    /// dense map from small numbers, such as request IDs, to values).
    pub fn put(&mut self, index: usize, entry: T, fill: T) {
        while self.len <= index {
            self.push(fill.clone());
        }
        self.set(index, entry);
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }

    /// The entries from `from` on, as a vector (what a message carries).
    pub fn to_vec_from(&self, from: usize) -> Vec<T> {
        self.iter_from(from).cloned().collect()
    }
}

impl<T> std::ops::Index<usize> for Log<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        self.get(index).unwrap_or_else(|| panic!("index {index} past a log of {}", self.len))
    }
}

impl<T: PartialEq> PartialEq for Log<T> {
    /// Same entries (chunks shared by a clone compare at once).
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.chunks.iter().zip(&other.chunks).all(|(a, b)| Rc::ptr_eq(a, b) || a.as_slice() == b.as_slice())
    }
}

impl<T: Eq> Eq for Log<T> {}

impl<T: Hash> Hash for Log<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len.hash(state);
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
        assert_eq!(a.to_vec_from(126), vec![126, 127, 128, 129]);
        assert!(Rc::ptr_eq(&a.chunks[1], &snapshot.chunks[1]), "untouched chunks stay shared");
        assert_ne!(a, snapshot);
        a.set(5, 5);
        a.extend_from_slice(&(130..200).collect::<Vec<_>>());
        assert_eq!(a, snapshot, "equal entries are equal logs");
    }

    #[test]
    fn suffixes_share_what_they_can() {
        let log: Log<usize> = (0..300).collect::<Vec<_>>().into();
        let whole = log.suffix(0);
        assert!(Rc::ptr_eq(&whole.chunks[4], &log.chunks[4]));
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
