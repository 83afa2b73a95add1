//! An append-mostly log that says when it was rewritten.
//!
//! Replicated logs (the office's book, Raft's log, Multi-Paxos slots) mostly
//! grow at the end, and monitors check them after every step. A monitor
//! that re-read a whole log each step would cost more the longer the run;
//! one that trusted the protocol to "only append" would miss exactly the
//! bug a broken variant has. A [`Log`] counts every change that is not an
//! append (truncation, replacement, overwrite) itself, in code the protocol
//! cannot bypass, so a monitor can re-check only the new end when the count
//! is unchanged and the whole log when it is not.

use std::ops::Deref;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Log<T> {
    entries: Vec<T>,
    /// How many times entries already in the log were changed or removed.
    rewrites: u64,
}

impl<T> Log<T> {
    pub fn new() -> Log<T> {
        Log { entries: Vec::new(), rewrites: 0 }
    }

    /// How many times entries already in the log were changed or removed:
    /// unchanged since a monitor last looked means only appends happened.
    pub fn rewrites(&self) -> u64 {
        self.rewrites
    }

    pub fn push(&mut self, entry: T) {
        self.entries.push(entry);
    }

    /// Keeps the first `len` entries (a rewrite if any are dropped).
    pub fn truncate(&mut self, len: usize) {
        if len < self.entries.len() {
            self.entries.truncate(len);
            self.rewrites += 1;
        }
    }

    /// Replaces the whole log (a rewrite).
    pub fn replace(&mut self, entries: Vec<T>) {
        self.entries = entries;
        self.rewrites += 1;
    }

    /// Overwrites one entry (a rewrite).
    pub fn set(&mut self, index: usize, entry: T) {
        self.entries[index] = entry;
        self.rewrites += 1;
    }
}

impl<T: Clone> Log<T> {
    pub fn extend_from_slice(&mut self, entries: &[T]) {
        self.entries.extend_from_slice(entries);
    }
}

impl<T> Deref for Log<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.entries
    }
}

impl<T> From<Vec<T>> for Log<T> {
    fn from(entries: Vec<T>) -> Log<T> {
        Log { entries, rewrites: 0 }
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
        assert_eq!((&log[..], log.rewrites()), (&[1, 2, 3, 4, 5][..], 0));
        log.truncate(4);
        log.set(0, 7);
        log.replace(vec![8]);
        assert_eq!((&log[..], log.rewrites()), (&[8][..], 3));
    }
}
