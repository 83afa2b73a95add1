//! Maps and sets keyed by ids (request ids, times, slots), kept as sorted
//! lists.
//!
//! Why not `BTreeMap`: every distinct `BTreeMap<K, V>` compiles its own insert,
//! remove, merge and steal code into the download (about 6 KB of wasm each),
//! while these are a binary search over a `Vec`. The ids they hold arrive
//! mostly in increasing order (an insert lands at the end) and are few at a
//! time (requests waiting, latencies seen), so the list is also the faster of
//! the two here, and cheaper to clone into a snapshot. Iteration is in
//! increasing key order, as a `BTreeMap`'s.

/// A map from `u64` ids to values, in increasing id order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdMap<V> {
    entries: Vec<(u64, V)>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap { entries: Vec::new() }
    }
}

impl<V> IdMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find(&self, id: u64) -> Result<usize, usize> {
        // Most lookups are of the newest ids: try the end first.
        match self.entries.last() {
            Some(&(last, _)) if last < id => Err(self.entries.len()),
            _ => self.entries.binary_search_by_key(&id, |(k, _)| *k),
        }
    }

    pub fn get(&self, id: u64) -> Option<&V> {
        self.find(id).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut V> {
        self.find(id).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains(&self, id: u64) -> bool {
        self.find(id).is_ok()
    }

    /// Sets `id`'s value; returns the value it had.
    pub fn insert(&mut self, id: u64, value: V) -> Option<V> {
        match self.find(id) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (id, value));
                None
            }
        }
    }

    pub fn remove(&mut self, id: u64) -> Option<V> {
        self.find(id).ok().map(|i| self.entries.remove(i).1)
    }

    /// `id`'s value, inserting the default first if there is none.
    pub fn entry_or_default(&mut self, id: u64) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(id) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (id, V::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Ids and values, in increasing id order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        self.entries.iter().map(|(id, v)| (*id, v))
    }
}

/// A set of `u64` ids, in increasing order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IdSet(IdMap<()>);

impl IdSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, id: u64) -> bool {
        self.0.contains(id)
    }

    /// Adds `id`; false if it was there already.
    pub fn insert(&mut self, id: u64) -> bool {
        self.0.insert(id, ()).is_none()
    }

    /// Takes `id` out; false if it was not there.
    pub fn remove(&mut self, id: u64) -> bool {
        self.0.remove(id).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any sequence of inserts, removals and lookups does what a `BTreeMap`'s does.
        #[test]
        fn behaves_as_a_btree_map(ops in proptest::collection::vec((0u8..4, 0u64..40, any::<u32>()), 0..200)) {
            let (mut ours, mut theirs) = (IdMap::new(), BTreeMap::new());
            for (op, id, value) in ops {
                match op {
                    0 => prop_assert_eq!(ours.insert(id, value), theirs.insert(id, value)),
                    1 => prop_assert_eq!(ours.remove(id), theirs.remove(&id)),
                    2 => *ours.entry_or_default(id) += 1,
                    _ => prop_assert_eq!(ours.get(id), theirs.get(&id)),
                }
                if op == 2 {
                    *theirs.entry(id).or_default() += 1;
                }
                prop_assert_eq!(ours.len(), theirs.len());
            }
            let listed: Vec<(u64, u32)> = ours.iter().map(|(k, v)| (k, *v)).collect();
            let expected: Vec<(u64, u32)> = theirs.into_iter().collect();
            prop_assert_eq!(listed, expected);
        }
    }

    #[test]
    fn a_set_says_whether_it_changed() {
        let mut set = IdSet::new();
        assert!(set.insert(7) && set.insert(3) && !set.insert(7));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![3, 7]);
        assert!(set.contains(3) && !set.contains(5));
        assert!(set.remove(3) && !set.remove(3));
        assert_eq!(set.len(), 1);
    }
}
