//! Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...): the index from key to the
//! queue of waiting clients, kept in `Core` so any writer — a command, a transaction,
//! later a script — makes keys ready just by writing.
//!
//! How it works, end to end:
//! 1. A blocking command that finds nothing to serve sets `Client::block_req` (unless
//!    `Client::deny_blocking`, inside EXEC or a script, where it answers null at once).
//! 2. The event loop parks the client: [`BlockIndex::add`] appends it to the FIFO queue of
//!    every key it waits on, and its command line is kept in `Client::blocked`.
//! 3. After every command that changed the dataset, the loop asks
//!    [`BlockIndex::ready_keys`] which waited-on keys now hold a value of the right type and
//!    runs the parked command lines again, oldest client first (fair ordering). A client
//!    whose command still finds nothing stays where it is in the queues.
//! 4. Cron answers clients whose timeout passed with a null reply.
//!
//! Streams differ: a stream that has entries is not necessarily servable (XREAD waits for
//! IDs above the one it asked for), so stream waiters are counted per key and a stream key
//! counts as ready only once a write to it was signalled ([`BlockIndex::signal`], by XADD
//! and XGROUP DESTROY) or when it no longer holds a stream (deleted, replaced: XREADGROUP
//! then answers an error). Signals are cleared after each serving pass.
//!
//! Tests: `redis-tests/blocking.txt` (two clients, recorded from redis-server 7.0.15).

use crate::client::{BlockKind, BlockRequest};
use crate::db::{Keyspace, Value};
use std::collections::{HashMap, VecDeque};

/// A parked client: its id (to detect a reused slot) and its connection slot.
pub type Waiter = (u64, usize);

#[derive(Default)]
pub struct BlockIndex {
    by_key: HashMap<(usize, Vec<u8>), VecDeque<Waiter>>,
    /// Number of parked clients (INFO `blocked_clients`).
    pub clients: usize,
    /// Slots of clients that CLIENT UNBLOCK released: their reply is written, the event
    /// loop flushes it and runs what they pipelined.
    pub unblocked: Vec<usize>,
    /// Stream waiters per key, with the identity of the stream the key held when last
    /// looked at (a key given another stream by RENAME, MOVE, SWAPDB, ... is ready).
    stream_keys: HashMap<(usize, Vec<u8>), (usize, u64)>,
    /// Stream keys written since the last serving pass.
    signalled: std::collections::HashSet<(usize, Vec<u8>)>,
}

impl BlockIndex {
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub fn add(&mut self, w: Waiter, req: &BlockRequest) {
        for k in &req.keys {
            let q = self.by_key.entry((req.db, k.clone())).or_default();
            if !q.contains(&w) {
                q.push_back(w);
            }
            if req.kind == BlockKind::Stream {
                let e = self.stream_keys.entry((req.db, k.clone())).or_default();
                e.0 += 1;
            }
        }
        self.clients += 1;
    }

    pub fn remove(&mut self, w: Waiter, req: &BlockRequest) {
        for k in &req.keys {
            let id = (req.db, k.clone());
            if let Some(q) = self.by_key.get_mut(&id) {
                q.retain(|x| x.0 != w.0);
                if q.is_empty() {
                    self.by_key.remove(&id);
                }
            }
            if req.kind == BlockKind::Stream {
                if let Some(n) = self.stream_keys.get_mut(&id) {
                    n.0 -= 1;
                    if n.0 == 0 {
                        self.stream_keys.remove(&id);
                    }
                }
            }
        }
        self.clients = self.clients.saturating_sub(1);
    }

    /// Waited-on keys that now hold a list or sorted set, with the kind they hold.
    pub fn ready_keys(&self, ks: &mut Keyspace, now_ms: i64) -> Vec<(usize, Vec<u8>, BlockKind)> {
        let mut v = Vec::new();
        for (db, key) in self.by_key.keys() {
            if *db >= ks.dbs.len() {
                continue;
            }
            ks.expire_if_needed(*db, key, now_ms);
            let kind = match ks.dbs[*db].dict.get(key) {
                Some(Value::List(_)) => BlockKind::List,
                Some(Value::ZSet(_)) => BlockKind::ZSet,
                _ => continue,
            };
            v.push((*db, key.clone(), kind));
        }
        for ((db, key), (_, seen)) in &self.stream_keys {
            if *db >= ks.dbs.len() {
                continue;
            }
            let now = stream_identity(ks, *db, key);
            if now == 0 || now != *seen || self.signalled.contains(&(*db, key.clone())) {
                v.push((*db, key.clone(), BlockKind::Stream));
            }
        }
        v
    }

    /// Marks a stream key as written (only when someone waits on it).
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        let id = (db, key.to_vec());
        if self.stream_keys.contains_key(&id) {
            self.signalled.insert(id);
        }
    }

    /// Forgets the signals once the waiters were given their chance, and notes which
    /// stream each waited-on key now holds.
    pub fn clear_signals(&mut self, ks: &Keyspace) {
        self.signalled.clear();
        for ((db, key), (_, seen)) in self.stream_keys.iter_mut() {
            if *db < ks.dbs.len() {
                *seen = stream_identity(ks, *db, key);
            }
        }
    }

    /// The waiters on a key, oldest first.
    pub fn waiters(&self, db: usize, key: &[u8]) -> Vec<Waiter> {
        self.by_key
            .get(&(db, key.to_vec()))
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// Identity of the stream `key` holds (0 when it holds none): tells a stream that was
/// moved in from elsewhere from the one a client started waiting on.
fn stream_identity(ks: &Keyspace, db: usize, key: &[u8]) -> u64 {
    match ks.dbs[db].dict.get(key) {
        Some(Value::Stream(s)) => s.uid,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::TimeoutReply;

    #[test]
    fn queues_are_fifo_and_cleaned() {
        let mut b = BlockIndex::default();
        let req = |keys: &[&[u8]]| BlockRequest {
            db: 0,
            keys: keys.iter().map(|k| k.to_vec()).collect(),
            deadline: None,
            kind: BlockKind::List,
            timeout_reply: TimeoutReply::NullArray,
        };
        let r1 = req(&[b"a", b"b"]);
        let r2 = req(&[b"a"]);
        b.add((1, 10), &r1);
        b.add((2, 11), &r2);
        assert_eq!(b.waiters(0, b"a"), vec![(1, 10), (2, 11)]);
        assert_eq!(b.clients, 2);
        b.remove((1, 10), &r1);
        assert_eq!(b.waiters(0, b"a"), vec![(2, 11)]);
        assert!(b.waiters(0, b"b").is_empty());
        b.remove((2, 11), &r2);
        assert!(b.is_empty());
        let mut ks = Keyspace::new(1);
        b.add((3, 1), &r2);
        assert!(b.ready_keys(&mut ks, 0).is_empty());
        ks.set(0, b"a", Value::List(Box::default()), false);
        assert_eq!(
            b.ready_keys(&mut ks, 0),
            vec![(0, b"a".to_vec(), BlockKind::List)]
        );
    }

    #[test]
    fn stream_keys_are_ready_when_signalled_or_replaced() {
        let mut b = BlockIndex::default();
        let mut ks = Keyspace::new(1);
        let req = BlockRequest {
            db: 0,
            keys: vec![b"s".to_vec()],
            deadline: None,
            kind: BlockKind::Stream,
            timeout_reply: TimeoutReply::NullArray,
        };
        ks.set(0, b"s", Value::Stream(Box::default()), false);
        b.add((1, 1), &req);
        b.clear_signals(&ks);
        // A stream that nobody wrote to is not ready.
        assert!(b.ready_keys(&mut ks, 0).is_empty());
        b.signal(0, b"s");
        let ready = vec![(0, b"s".to_vec(), BlockKind::Stream)];
        assert_eq!(b.ready_keys(&mut ks, 0), ready);
        b.clear_signals(&ks);
        assert!(b.ready_keys(&mut ks, 0).is_empty());
        // Another stream moved onto the key (RENAME, SWAPDB), or no stream at all.
        ks.set(0, b"s", Value::Stream(Box::default()), false);
        assert_eq!(b.ready_keys(&mut ks, 0), ready);
        ks.delete(0, b"s");
        assert_eq!(b.ready_keys(&mut ks, 0), ready);
        // Signals for keys nobody waits on are not kept.
        b.signal(0, b"other");
        b.remove((1, 1), &req);
        assert!(b.is_empty());
        assert!(b.ready_keys(&mut ks, 0).is_empty());
    }
}
