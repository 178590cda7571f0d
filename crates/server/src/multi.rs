//! WATCH bookkeeping: which clients watch which keys, and which transactions a write has
//! doomed. Kept in `Core` so every writer (commands, EXEC bodies, scripts) touches keys
//! through the one dispatch path (`server::call` touches the keys of every command that
//! changed the dataset), FLUSHALL/FLUSHDB/SWAPDB touch whole databases, and expired-key
//! deletions reported by the keyspace touch theirs.
//!
//! A key that was already logically expired when watched is "stale": deleting it is not a
//! change (Redis 7.0 rule), anything else done to it is.
//!
//! The commands (MULTI, EXEC, DISCARD, WATCH, UNWATCH) are in `commands/transactions.rs`.

use crate::db::Keyspace;
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct WatchIndex {
    /// (db, key) → watching clients, each with its "stale when watched" flag.
    by_key: HashMap<(usize, Vec<u8>), Vec<(u64, bool)>>,
    /// Clients whose next EXEC must fail.
    dirty: HashSet<u64>,
    /// A key the running command names but left unchanged (SMOVE into a set that
    /// already holds the member): its next touch is skipped.
    unchanged: Option<(usize, Vec<u8>)>,
}

impl WatchIndex {
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Declares that the running command leaves `key` unchanged although it names it
    /// and changes others: watchers of `key` are not disturbed.
    pub fn mark_unchanged(&mut self, db: usize, key: &[u8]) {
        if !self.by_key.is_empty() {
            self.unchanged = Some((db, key.to_vec()));
        }
    }

    /// Registers a watch; false when the client already watches the key.
    pub fn watch(&mut self, id: u64, db: usize, key: &[u8], stale: bool) -> bool {
        let v = self.by_key.entry((db, key.to_vec())).or_default();
        if v.iter().any(|w| w.0 == id) {
            return false;
        }
        v.push((id, stale));
        true
    }

    /// Drops every watch of client `id` (it watched `keys`) and its dirty mark.
    pub fn unwatch_all(&mut self, id: u64, keys: &[(usize, Vec<u8>)]) {
        for k in keys {
            if let Some(v) = self.by_key.get_mut(k) {
                v.retain(|w| w.0 != id);
                if v.is_empty() {
                    self.by_key.remove(k);
                }
            }
        }
        self.dirty.remove(&id);
    }

    pub fn is_dirty(&self, id: u64) -> bool {
        self.dirty.contains(&id)
    }

    /// Marks the watchers of a modified key. `exists` tells whether the key is present
    /// after the change (the deletion of a stale key is not a change).
    pub fn touch(&mut self, db: usize, key: &[u8], exists: bool) {
        if self.by_key.is_empty() {
            return;
        }
        if self
            .unchanged
            .as_ref()
            .is_some_and(|(d, k)| *d == db && k == key)
        {
            self.unchanged = None;
            return;
        }
        if let Some(v) = self.by_key.get_mut(&(db, key.to_vec())) {
            for w in v.iter_mut() {
                if w.1 && !exists {
                    w.1 = false;
                } else {
                    self.dirty.insert(w.0);
                }
            }
        }
    }

    /// FLUSHDB/FLUSHALL/SWAPDB: touches watched keys of `db` that exist in `db` or in
    /// `other` (before the change).
    pub fn touch_db(&mut self, ks: &Keyspace, db: usize, other: Option<usize>) {
        for ((d, key), v) in self.by_key.iter_mut() {
            let hit = (*d == db || Some(*d) == other)
                && (ks.dbs[db].dict.contains_key(key)
                    || other.is_some_and(|o| ks.dbs[o].dict.contains_key(key)));
            if hit {
                for w in v.iter() {
                    self.dirty.insert(w.0);
                }
            }
        }
    }

    /// Whether a watch of client `id` on a key that was live when watched has expired
    /// since (checked by EXEC).
    pub fn expired_since_watch(
        &self,
        id: u64,
        keys: &[(usize, Vec<u8>)],
        ks: &Keyspace,
        now_ms: i64,
    ) -> bool {
        keys.iter().any(|k| {
            let live_when_watched = self
                .by_key
                .get(k)
                .is_some_and(|v| v.iter().any(|w| w.0 == id && !w.1));
            live_when_watched
                && ks.dbs[k.0].dict.contains_key(&k.1)
                && ks.get_expire(k.0, &k.1).is_some_and(|t| t <= now_ms)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touch_marks_watchers_except_stale_deletes() {
        let mut w = WatchIndex::default();
        assert!(w.watch(1, 0, b"k", false));
        assert!(!w.watch(1, 0, b"k", false));
        w.watch(2, 0, b"s", true);
        w.touch(0, b"s", false);
        assert!(!w.is_dirty(2));
        w.touch(0, b"s", true);
        assert!(w.is_dirty(2));
        w.touch(1, b"k", true);
        assert!(!w.is_dirty(1));
        w.touch(0, b"k", true);
        assert!(w.is_dirty(1));
        w.unwatch_all(1, &[(0, b"k".to_vec())]);
        assert!(!w.is_dirty(1));
        w.unwatch_all(2, &[(0, b"s".to_vec())]);
        assert!(w.is_empty());
    }
}
