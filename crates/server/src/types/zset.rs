//! Sorted-set values: members ordered by (score, member bytes), with rank queries.
//!
//! The order lives in a list of sorted chunks (each at most [`CHUNK_MAX`] entries), so
//! inserting or removing moves at most one chunk's worth of entries and a rank is the sum
//! of the chunk lengths before the entry: O(n / CHUNK_MAX + log n) for every operation
//! Redis does in O(log n) with its skiplist, and compact. While the set is small
//! (`listpack` encoding) member lookup scans the entries; once large (`skiplist`) a
//! [`Dict`] maps member to score.

use super::{zset_max_entries, zset_max_value};
use crate::dict::Dict;
use crate::sds::Sds;
use std::cmp::Ordering;

/// Entries per chunk before it splits in two.
const CHUNK_MAX: usize = 256;

/// One member with its score.
pub type Entry = (f64, Sds);

#[derive(Clone, Default)]
pub struct ZSet {
    chunks: Vec<Vec<Entry>>,
    len: usize,
    /// Member → score, present in the `skiplist` encoding.
    index: Option<Dict<f64>>,
}

impl std::fmt::Debug for ZSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ZSet({} members)", self.len)
    }
}

/// Total order of entries: by score, then by member bytes.
#[inline]
pub fn cmp_entry(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> Ordering {
    s1.partial_cmp(&s2)
        .unwrap_or(Ordering::Equal)
        .then_with(|| m1.cmp(m2))
}

impl ZSet {
    pub fn new() -> ZSet {
        ZSet::default()
    }

    /// An empty set already in the `skiplist` encoding when `n` members of at most
    /// `max_len` bytes would not fit a listpack.
    pub fn with_expected(n: usize, max_len: usize) -> ZSet {
        let mut z = ZSet::new();
        if n > zset_max_entries() || max_len > zset_max_value() {
            z.index = Some(Dict::new());
        }
        z
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn encoding(&self) -> &'static str {
        if self.index.is_some() {
            "skiplist"
        } else {
            "listpack"
        }
    }

    pub fn score(&self, m: &[u8]) -> Option<f64> {
        match &self.index {
            Some(d) => d.get(m).copied(),
            None => self
                .chunks
                .iter()
                .flatten()
                .find(|(_, x)| x.as_bytes() == m)
                .map(|e| e.0),
        }
    }

    /// Number of entries that sort before the position where `pred` stops holding
    /// (`pred` must be true for a prefix of the order and false after).
    pub fn partition(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut rank = 0;
        for c in &self.chunks {
            let last = c.last().expect("chunks are never empty");
            if pred(last.0, last.1.as_bytes()) {
                rank += c.len();
            } else {
                return rank + c.partition_point(|e| pred(e.0, e.1.as_bytes()));
            }
        }
        rank
    }

    /// The 0-based rank of an existing member.
    pub fn rank(&self, m: &[u8]) -> Option<usize> {
        let s = self.score(m)?;
        Some(self.partition(|s2, m2| cmp_entry(s2, m2, s, m) == Ordering::Less))
    }

    /// (chunk, offset) of rank `r`.
    fn locate(&self, mut r: usize) -> Option<(usize, usize)> {
        for (i, c) in self.chunks.iter().enumerate() {
            if r < c.len() {
                return Some((i, r));
            }
            r -= c.len();
        }
        None
    }

    pub fn at(&self, r: usize) -> Option<&Entry> {
        self.locate(r).map(|(c, o)| &self.chunks[c][o])
    }

    /// Entries from rank `start` (inclusive) to `end` (exclusive), ascending.
    pub fn range(&self, start: usize, end: usize) -> impl Iterator<Item = &Entry> + '_ {
        let end = end.min(self.len);
        let n = end.saturating_sub(start);
        let (c, o) = self.locate(start).unwrap_or((self.chunks.len(), 0));
        self.chunks[c.min(self.chunks.len())..]
            .iter()
            .flatten()
            .skip(o)
            .take(n)
    }

    /// Entries from rank `end - 1` down to `start`, descending.
    pub fn range_rev(&self, start: usize, end: usize) -> impl Iterator<Item = &Entry> + '_ {
        let end = end.min(self.len);
        let n = end.saturating_sub(start);
        let skip = self.len - end;
        self.chunks
            .iter()
            .rev()
            .flat_map(|c| c.iter().rev())
            .skip(skip)
            .take(n)
    }

    /// All entries in order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.chunks.iter().flatten()
    }

    fn insert_sorted(&mut self, score: f64, m: Sds) {
        let key = m.as_bytes().to_vec();
        if self.chunks.is_empty() {
            self.chunks.push(vec![(score, m)]);
            self.len = 1;
            return;
        }
        // First chunk whose last entry sorts after the new one (or the last chunk).
        let ci = self
            .chunks
            .partition_point(|c| {
                let l = c.last().expect("non-empty");
                cmp_entry(l.0, l.1.as_bytes(), score, &key) == Ordering::Less
            })
            .min(self.chunks.len() - 1);
        let c = &mut self.chunks[ci];
        let pos =
            c.partition_point(|e| cmp_entry(e.0, e.1.as_bytes(), score, &key) == Ordering::Less);
        c.insert(pos, (score, m));
        if c.len() > CHUNK_MAX {
            let tail = c.split_off(c.len() / 2);
            self.chunks.insert(ci + 1, tail);
        }
        self.len += 1;
    }

    fn remove_sorted(&mut self, score: f64, m: &[u8]) -> bool {
        let ci = self.chunks.partition_point(|c| {
            let l = c.last().expect("non-empty");
            cmp_entry(l.0, l.1.as_bytes(), score, m) == Ordering::Less
        });
        let Some(c) = self.chunks.get_mut(ci) else {
            return false;
        };
        let pos = c.partition_point(|e| cmp_entry(e.0, e.1.as_bytes(), score, m) == Ordering::Less);
        if pos < c.len() && c[pos].1.as_bytes() == m {
            c.remove(pos);
            if c.is_empty() {
                self.chunks.remove(ci);
            }
            self.len -= 1;
            true
        } else {
            false
        }
    }

    fn convert_if_needed(&mut self, member_len: usize) {
        if self.len >= zset_max_entries() || member_len > zset_max_value() {
            self.convert_to_skiplist();
        }
    }

    /// Switches to the `skiplist` encoding (also done by SORT to the sets it reads).
    pub fn convert_to_skiplist(&mut self) {
        if self.index.is_none() {
            let mut d = Dict::new();
            for (s, m) in self.chunks.iter().flatten() {
                d.insert_new(m.clone(), *s);
            }
            self.index = Some(d);
        }
    }

    /// Sets `m`'s score (adding it when absent); returns the previous score.
    pub fn insert(&mut self, m: &[u8], score: f64) -> Option<f64> {
        let old = self.score(m);
        match old {
            Some(o) if o == score => return old,
            Some(o) => {
                self.remove_sorted(o, m);
            }
            None => self.convert_if_needed(m.len()),
        }
        self.insert_sorted(score, Sds::new(m));
        if let Some(d) = self.index.as_mut() {
            d.insert(m, score);
        }
        old
    }

    /// Removes `m`; returns its score.
    pub fn remove(&mut self, m: &[u8]) -> Option<f64> {
        let s = self.score(m)?;
        self.remove_sorted(s, m);
        if let Some(d) = self.index.as_mut() {
            d.remove(m);
        }
        Some(s)
    }

    /// Removes ranks `start..end`; returns how many went.
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        let doomed: Vec<(f64, Vec<u8>)> = self
            .range(start, end)
            .map(|(s, m)| (*s, m.as_bytes().to_vec()))
            .collect();
        for (s, m) in &doomed {
            self.remove_sorted(*s, m);
            if let Some(d) = self.index.as_mut() {
                d.remove(m);
            }
        }
        doomed.len()
    }

    /// The member index, for random picks and SCAN on large sets.
    pub fn dict(&self) -> Option<&Dict<f64>> {
        self.index.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(z: &ZSet) -> Vec<String> {
        z.iter()
            .map(|(s, m)| format!("{}:{}", String::from_utf8_lossy(m.as_bytes()), s))
            .collect()
    }

    #[test]
    fn order_rank_and_update() {
        let mut z = ZSet::new();
        z.insert(b"b", 1.0);
        z.insert(b"a", 1.0);
        z.insert(b"c", 0.5);
        assert_eq!(members(&z), vec!["c:0.5", "a:1", "b:1"]);
        assert_eq!(z.rank(b"b"), Some(2));
        assert_eq!(z.insert(b"c", 2.0), Some(0.5));
        assert_eq!(members(&z), vec!["a:1", "b:1", "c:2"]);
        assert_eq!(z.remove(b"a"), Some(1.0));
        assert_eq!(z.remove(b"a"), None);
        assert_eq!(z.len(), 2);
        assert_eq!(z.encoding(), "listpack");
    }

    #[test]
    fn many_members_across_chunks() {
        let mut z = ZSet::new();
        // Insert in a scrambled order.
        for i in 0..5000u64 {
            let k = (i * 7919) % 5000;
            z.insert(format!("m{k:05}").as_bytes(), k as f64);
        }
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.len(), 5000);
        for k in [0usize, 1, 255, 256, 2500, 4999] {
            assert_eq!(z.rank(format!("m{k:05}").as_bytes()), Some(k));
            assert_eq!(z.at(k).unwrap().0, k as f64);
        }
        let r: Vec<f64> = z.range(4997, 6000).map(|e| e.0).collect();
        assert_eq!(r, vec![4997.0, 4998.0, 4999.0]);
        let r: Vec<f64> = z.range_rev(0, 3).map(|e| e.0).collect();
        assert_eq!(r, vec![2.0, 1.0, 0.0]);
        assert_eq!(z.partition(|s, _| s < 1000.0), 1000);
        assert_eq!(z.remove_range(0, 4000), 4000);
        assert_eq!(z.len(), 1000);
        assert_eq!(z.rank(b"m04000"), Some(0));
        assert_eq!(z.score(b"m00001"), None);
    }
}
