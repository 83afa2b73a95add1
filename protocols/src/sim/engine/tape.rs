//! A tape: an append-only record kept in fixed chunks, of which only a
//! window may be kept.
//!
//! Entries have global positions (line numbers, message ids). Growing never
//! copies what is already there (a `Vec` doubling its buffer would hold two
//! copies at once), and the oldest chunks can be forgotten to bound memory:
//! the run is deterministic, so forgotten entries are recorded again when a
//! replay passes them.

use std::collections::VecDeque;

const CHUNK: usize = 4_096;

#[derive(Debug)]
pub(super) struct Tape<T> {
    chunks: VecDeque<Vec<T>>,
    /// The global position of the first entry kept.
    start: usize,
    /// The global position after the last entry.
    end: usize,
}

impl<T> Default for Tape<T> {
    fn default() -> Self {
        Tape { chunks: VecDeque::new(), start: 0, end: 0 }
    }
}

impl<T> Tape<T> {
    pub(super) fn start(&self) -> usize {
        self.start
    }

    pub(super) fn end(&self) -> usize {
        self.end
    }

    /// Chunk and offset of a global position: chunk `k` holds positions
    /// `[k·CHUNK, (k+1)·CHUNK)`, the first one only from `start` on.
    fn locate(&self, at: usize) -> (usize, usize) {
        let c = at / CHUNK - self.start / CHUNK;
        (c, if c == 0 { at - self.start } else { at % CHUNK })
    }

    pub(super) fn push(&mut self, entry: T) {
        if self.chunks.is_empty() || self.end % CHUNK == 0 {
            self.chunks.push_back(Vec::with_capacity(CHUNK));
        }
        self.chunks.back_mut().expect("a chunk was just ensured").push(entry);
        self.end += 1;
    }

    /// The entry at global position `at`, if kept.
    pub(super) fn get(&self, at: usize) -> Option<&T> {
        if at < self.start || at >= self.end {
            return None;
        }
        let (c, i) = self.locate(at);
        self.chunks.get(c).and_then(|chunk| chunk.get(i))
    }

    /// The kept entries in global positions `[from, to)`.
    pub(super) fn range(&self, from: usize, to: usize) -> impl Iterator<Item = &T> {
        (from.max(self.start)..to.min(self.end)).filter_map(|at| self.get(at))
    }

    /// The first global position at or after `start()` whose entry fails
    /// `before` (entries must be ordered so that `before` holds for a prefix).
    pub(super) fn partition_point(&self, before: impl Fn(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (self.start, self.end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&before) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Forgets every entry at or after global position `end`.
    pub(super) fn truncate(&mut self, end: usize) {
        if end >= self.end {
            return;
        }
        if end <= self.start {
            return self.restart_at(end);
        }
        let (c, i) = self.locate(end);
        self.chunks.truncate(c + 1);
        if let Some(last) = self.chunks.back_mut() {
            last.truncate(i);
        }
        if self.chunks.back().is_some_and(Vec::is_empty) {
            self.chunks.pop_back();
        }
        self.end = end;
    }

    /// Forgets whole chunks before global position `keep_from`.
    pub(super) fn forget_before(&mut self, keep_from: usize) {
        while self.chunks.len() > 1 {
            let chunk_end = (self.start / CHUNK + 1) * CHUNK;
            if chunk_end > keep_from {
                break;
            }
            self.chunks.pop_front();
            self.start = chunk_end;
        }
    }

    /// Forgets everything: the next entry pushed will be at global position `at`.
    pub(super) fn restart_at(&mut self, at: usize) {
        self.chunks.clear();
        self.start = at;
        self.end = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_survive_forgetting_and_restarting() {
        let mut t = Tape::default();
        for i in 0..10_000 {
            t.push(i);
        }
        assert_eq!((t.get(9_999), t.get(10_000)), (Some(&9_999), None));
        t.forget_before(5_000);
        assert_eq!((t.start(), t.get(4_095), t.get(4_096), t.end()), (4_096, None, Some(&4_096), 10_000));
        assert_eq!(t.partition_point(|&v| v < 7_000), 7_000);
        t.truncate(8_200);
        assert_eq!((t.end(), t.get(8_199), t.get(8_200)), (8_200, Some(&8_199), None));
        t.push(42);
        assert_eq!(t.get(8_200), Some(&42));
        assert_eq!(t.range(8_198, 9_000).copied().collect::<Vec<_>>(), vec![8_198, 8_199, 42]);
        t.restart_at(3_000);
        t.push(7);
        assert_eq!((t.start(), t.get(3_000), t.end()), (3_000, Some(&7), 3_001));
        for i in 0..5_000 {
            t.push(i);
        }
        assert_eq!(t.get(3_001 + 4_999), Some(&4_999));
        assert_eq!(t.get(4_096), Some(&(4_096 - 3_001)), "chunks stay aligned to global positions");
    }
}
