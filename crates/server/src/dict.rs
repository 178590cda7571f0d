//! `Dict`: the keyspace's hash table (chained, power-of-two buckets), written for the
//! three things a Redis keyspace needs beyond get/insert/remove:
//!
//! * `SCAN` cursors that survive resizes: buckets are visited in reverse-binary order of
//!   their index, so a table that grows or shrinks between two calls still returns every
//!   key that was present for the whole iteration (some may come twice);
//! * a uniformly chosen random entry (`RANDOMKEY`, active expiry sampling);
//! * compactness: one boxed node per entry (key, value, next pointer) and 8 bytes per
//!   bucket; the table grows at load factor 1 and is shrunk by cron when under 1/8 full.
//!
//! Resizing moves nodes (no reallocation per entry) in one step.
//!
//! Each node can carry a small `Copy` metadata word `M` (zero-sized by default): the
//! keyspace keeps Redis's 24-bit LRU/LFU access field there. New nodes get the dict's
//! `fresh_meta`, which the owner keeps current.

use crate::sds::Sds;
use std::hash::BuildHasher;

/// Initial bucket count of a non-empty table.
const MIN_BUCKETS: usize = 4;

struct Node<V, M> {
    key: Sds,
    val: V,
    meta: M,
    next: Option<Box<Node<V, M>>>,
}

/// The hash table.
pub struct Dict<V, M: Copy + Default = ()> {
    table: Vec<Option<Box<Node<V, M>>>>,
    len: usize,
    hasher: foldhash::fast::FixedState,
    /// Metadata given to nodes created from now on.
    pub fresh_meta: M,
}

fn random_seed() -> u64 {
    use std::hash::{BuildHasher as _, Hasher};
    let s = std::collections::hash_map::RandomState::new();
    let mut h = s.build_hasher();
    h.write_u64(0x5eed);
    h.finish()
}

impl<V, M: Copy + Default> Default for Dict<V, M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V, M: Copy + Default> Dict<V, M> {
    pub fn new() -> Self {
        Dict {
            table: Vec::new(),
            len: 0,
            hasher: foldhash::fast::FixedState::with_seed(random_seed()),
            fresh_meta: M::default(),
        }
    }

    /// Value and metadata of `key`, mutable.
    pub fn get_mut_meta(&mut self, key: &[u8]) -> Option<(&mut V, &mut M)> {
        if self.len == 0 {
            return None;
        }
        let b = self.bucket_of(key);
        let mut cur = self.table[b].as_deref_mut();
        while let Some(n) = cur {
            if n.key.as_bytes() == key {
                return Some((&mut n.val, &mut n.meta));
            }
            cur = n.next.as_deref_mut();
        }
        None
    }

    /// Metadata of `key`.
    pub fn get_meta(&self, key: &[u8]) -> Option<M> {
        if self.len == 0 {
            return None;
        }
        let mut cur = self.table[self.bucket_of(key)].as_deref();
        while let Some(n) = cur {
            if n.key.as_bytes() == key {
                return Some(n.meta);
            }
            cur = n.next.as_deref();
        }
        None
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of buckets (for INFO / DEBUG).
    pub fn buckets(&self) -> usize {
        self.table.len()
    }

    #[inline]
    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    #[inline]
    fn bucket_of(&self, key: &[u8]) -> usize {
        (self.hash(key) as usize) & (self.table.len() - 1)
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        if self.len == 0 {
            return None;
        }
        let mut cur = self.table[self.bucket_of(key)].as_deref();
        while let Some(n) = cur {
            if n.key.as_bytes() == key {
                return Some(&n.val);
            }
            cur = n.next.as_deref();
        }
        None
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.len == 0 {
            return None;
        }
        let b = self.bucket_of(key);
        let mut cur = self.table[b].as_deref_mut();
        while let Some(n) = cur {
            if n.key.as_bytes() == key {
                return Some(&mut n.val);
            }
            cur = n.next.as_deref_mut();
        }
        None
    }

    /// The stored key and value for `key`.
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&Sds, &V)> {
        if self.len == 0 {
            return None;
        }
        let mut cur = self.table[self.bucket_of(key)].as_deref();
        while let Some(n) = cur {
            if n.key.as_bytes() == key {
                return Some((&n.key, &n.val));
            }
            cur = n.next.as_deref();
        }
        None
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Inserts or replaces; returns the previous value. The key is copied only when new.
    pub fn insert(&mut self, key: &[u8], val: V) -> Option<V> {
        if let Some(slot) = self.get_mut(key) {
            return Some(std::mem::replace(slot, val));
        }
        self.insert_new(Sds::new(key), val);
        None
    }

    /// Inserts or replaces; a replaced entry's metadata becomes `fresh_meta` unless
    /// `keep_meta`. Returns the previous value.
    pub fn insert_refresh(&mut self, key: &[u8], val: V, keep_meta: bool) -> Option<V> {
        let fresh = self.fresh_meta;
        if let Some((slot, meta)) = self.get_mut_meta(key) {
            if !keep_meta {
                *meta = fresh;
            }
            return Some(std::mem::replace(slot, val));
        }
        self.insert_new(Sds::new(key), val);
        None
    }

    /// Inserts a key known to be absent.
    pub fn insert_new(&mut self, key: Sds, val: V) {
        if self.len >= self.table.len() {
            let want = (self.len + 1).next_power_of_two().max(MIN_BUCKETS);
            self.resize(want.max(self.table.len() * 2));
        }
        let b = self.bucket_of(key.as_bytes());
        let next = self.table[b].take();
        let meta = self.fresh_meta;
        self.table[b] = Some(Box::new(Node {
            key,
            val,
            meta,
            next,
        }));
        self.len += 1;
    }

    /// Returns the value for `key`, inserting `make()` first when absent.
    pub fn get_or_insert_with(&mut self, key: &[u8], make: impl FnOnce() -> V) -> &mut V {
        if self.get(key).is_none() {
            self.insert_new(Sds::new(key), make());
        }
        self.get_mut(key).expect("present after insert")
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<(Sds, V)> {
        if self.len == 0 {
            return None;
        }
        let b = self.bucket_of(key);
        let mut cur = &mut self.table[b];
        while cur.as_ref().is_some_and(|n| n.key.as_bytes() != key) {
            cur = &mut cur.as_mut().expect("checked above").next;
        }
        let mut node = cur.take()?;
        *cur = node.next.take();
        self.len -= 1;
        let Node { key, val, .. } = *node;
        Some((key, val))
    }

    /// Drops everything and releases the table.
    pub fn clear(&mut self) {
        let old = std::mem::take(&mut self.table);
        self.len = 0;
        // Unlink chains iteratively so long chains never recurse deeply in Drop.
        for mut head in old {
            while let Some(mut n) = head {
                head = n.next.take();
            }
        }
    }

    fn resize(&mut self, buckets: usize) {
        let old = std::mem::take(&mut self.table);
        self.table.resize_with(buckets, || None);
        for mut head in old {
            while let Some(mut n) = head {
                head = n.next.take();
                let b = self.bucket_of(n.key.as_bytes());
                n.next = self.table[b].take();
                self.table[b] = Some(n);
            }
        }
    }

    /// Shrinks the table when it is less than 1/8 full (Redis resizes below 10% fill).
    pub fn shrink_if_sparse(&mut self) {
        if self.table.len() > MIN_BUCKETS && self.len * 8 < self.table.len() {
            if self.len == 0 {
                self.table = Vec::new();
            } else {
                self.resize(self.len.next_power_of_two().max(MIN_BUCKETS));
            }
        }
    }

    /// Visits one bucket position of a scan and returns the next cursor (0 when done).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&Sds, &V)) -> u64 {
        if self.table.is_empty() {
            return 0;
        }
        let mask = (self.table.len() - 1) as u64;
        let mut cur = self.table[(cursor & mask) as usize].as_deref();
        while let Some(n) = cur {
            f(&n.key, &n.val);
            cur = n.next.as_deref();
        }
        // Increment the cursor's masked bits in reverse-binary order.
        let mut v = cursor | !mask;
        v = v.reverse_bits();
        v = v.wrapping_add(1);
        v.reverse_bits()
    }

    /// A random entry, using `rand` as a source of random numbers.
    pub fn random(&self, rand: impl FnMut() -> u64) -> Option<(&Sds, &V)> {
        self.random_meta(rand).map(|(k, v, _)| (k, v))
    }

    /// A random entry with its metadata.
    pub fn random_meta(&self, mut rand: impl FnMut() -> u64) -> Option<(&Sds, &V, M)> {
        if self.len == 0 {
            return None;
        }
        let n = self.table.len();
        let mut b = (rand() as usize) & (n - 1);
        // A table at least 1/8 full finds a filled bucket quickly; bound the tries and
        // fall back to walking forward from the last pick.
        let mut tries = 0;
        while self.table[b].is_none() {
            tries += 1;
            b = if tries < 64 {
                (rand() as usize) & (n - 1)
            } else {
                (b + 1) & (n - 1)
            };
        }
        let mut chain_len = 0;
        let mut cur = self.table[b].as_deref();
        while let Some(node) = cur {
            chain_len += 1;
            cur = node.next.as_deref();
        }
        let mut pick = (rand() as usize) % chain_len;
        let mut cur = self.table[b].as_deref();
        while let Some(node) = cur {
            if pick == 0 {
                return Some((&node.key, &node.val, node.meta));
            }
            pick -= 1;
            cur = node.next.as_deref();
        }
        None
    }

    /// Iterates over all entries in bucket order.
    pub fn iter(&self) -> impl Iterator<Item = (&Sds, &V)> {
        self.table.iter().flat_map(|head| {
            let mut cur = head.as_deref();
            std::iter::from_fn(move || {
                let n = cur?;
                cur = n.next.as_deref();
                Some((&n.key, &n.val))
            })
        })
    }
}

impl<V: Clone, M: Copy + Default> Clone for Dict<V, M> {
    /// A copy with the same hash seed and bucket count (COPY, SUNIONSTORE of one set).
    fn clone(&self) -> Self {
        let mut d = Dict {
            table: Vec::new(),
            len: 0,
            hasher: self.hasher.clone(),
            fresh_meta: self.fresh_meta,
        };
        d.table.resize_with(self.table.len(), || None);
        for head in &self.table {
            let mut cur = head.as_deref();
            while let Some(n) = cur {
                let b = d.bucket_of(n.key.as_bytes());
                let next = d.table[b].take();
                d.table[b] = Some(Box::new(Node {
                    key: n.key.clone(),
                    val: n.val.clone(),
                    meta: n.meta,
                    next,
                }));
                d.len += 1;
                cur = n.next.as_deref();
            }
        }
        d
    }
}

impl<V, M: Copy + Default> Drop for Dict<V, M> {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove_resize() {
        let mut d: Dict<u32> = Dict::new();
        for i in 0..1000u32 {
            assert_eq!(d.insert(format!("k{i}").as_bytes(), i), None);
        }
        assert_eq!(d.len(), 1000);
        assert_eq!(d.get(b"k500"), Some(&500));
        assert_eq!(d.insert(b"k500", 5), Some(500));
        for i in 0..990u32 {
            assert!(d.remove(format!("k{i}").as_bytes()).is_some());
        }
        d.shrink_if_sparse();
        assert_eq!(d.len(), 10);
        assert!(d.buckets() <= 16);
        assert_eq!(d.get(b"k995"), Some(&995));
        assert_eq!(d.remove(b"nope"), None);
    }

    #[test]
    fn scan_sees_every_key_across_resizes() {
        let mut d: Dict<()> = Dict::new();
        for i in 0..100 {
            d.insert(format!("a{i}").as_bytes(), ());
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        let mut steps = 0;
        loop {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.as_bytes().to_vec());
            });
            steps += 1;
            if steps == 10 {
                for i in 0..500 {
                    d.insert(format!("b{i}").as_bytes(), ());
                }
            }
            if cursor == 0 || steps > 100_000 {
                break;
            }
        }
        for i in 0..100 {
            assert!(seen.contains(format!("a{i}").as_bytes()));
        }
    }

    #[test]
    fn random_returns_members() {
        let mut d: Dict<u8> = Dict::new();
        let mut x = 12345u64;
        let mut rng = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        assert!(d.random(&mut rng).is_none());
        d.insert(b"only", 1);
        assert_eq!(
            d.random(&mut rng).map(|(k, _)| k.as_bytes().to_vec()),
            Some(b"only".to_vec())
        );
    }
}
