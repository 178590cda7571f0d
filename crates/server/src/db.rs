//! The keyspace: numbered databases of key → [`Value`], with per-key expiry.
//!
//! Expiry times (absolute Unix milliseconds) live in a second dictionary per database,
//! as in Redis, so keys without a TTL pay nothing. Expired keys are removed lazily when a
//! command touches them ([`Keyspace::expire_if_needed`], called by every lookup) and
//! actively by [`Keyspace::active_expire_cycle`], which cron runs `hz` times a second.
//!
//! The keyspace is owned by `Core`, separate from connections and the poller, so a running
//! script can hold it while the event loop keeps serving sockets.

use crate::dict::Dict;
use crate::sds::{Sds, EMBSTR_LIMIT};
use crate::types::{Hash, List, Set, Stream, ZSet};

/// A stored value. Strings that are canonical integers are kept as `Int` (Redis's `int`
/// encoding) so `INCR` does not parse and format. Aggregates are boxed so a value stays
/// three words wide.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Str(Sds),
    List(Box<List>),
    Hash(Box<Hash>),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
    Stream(Box<Stream>),
}

/// Enough room for any i64 in decimal.
pub type IntBuf = [u8; 20];

impl Value {
    /// Builds a string value, choosing the `int` encoding when `b` is a canonical integer.
    pub fn from_bytes(b: &[u8]) -> Value {
        if b.len() <= 20 {
            if let Some(n) = resp::request::parse_i64_strict(b) {
                return Value::Int(n);
            }
        }
        Value::Str(Sds::new(b))
    }

    /// The value's bytes (integers formatted into `tmp`).
    /// Aggregates have no string form and give an empty slice (callers check the type
    /// first, see `commands::string_bytes`).
    pub fn bytes<'a>(&'a self, tmp: &'a mut IntBuf) -> &'a [u8] {
        match self {
            Value::Str(s) => s.as_bytes(),
            Value::Int(n) => {
                let mut v = Vec::with_capacity(20);
                resp::number::write_i64(&mut v, *n);
                tmp[..v.len()].copy_from_slice(&v);
                &tmp[..v.len()]
            }
            _ => &[],
        }
    }

    /// Length in bytes of the string form.
    pub fn str_len(&self) -> usize {
        match self {
            Value::Str(s) => s.len(),
            Value::Int(n) => {
                let mut t = [0u8; 20];
                Value::Int(*n).bytes(&mut t).len()
            }
            _ => 0,
        }
    }

    /// `TYPE` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) | Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Str(s) if !s.is_raw() && s.len() <= EMBSTR_LIMIT => "embstr",
            Value::Str(_) => "raw",
            Value::List(_) => "quicklist",
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Stream(_) => "stream",
        }
    }

    /// True for the string encodings.
    #[inline]
    pub fn is_string(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Str(_))
    }

    /// The string form, made growable for in-place edits (APPEND, SETRANGE, SETBIT);
    /// WRONGTYPE for aggregates.
    pub fn make_raw(&mut self) -> Result<&mut Vec<u8>, crate::error::CmdError> {
        if let Value::Int(n) = *self {
            let mut v = Vec::new();
            resp::number::write_i64(&mut v, n);
            *self = Value::Str(Sds::from_vec_raw(v));
        }
        match self {
            Value::Str(s) => Ok(s.make_raw()),
            _ => Err(crate::error::CmdError::WrongType),
        }
    }
}

/// One database.
#[derive(Default)]
pub struct Db {
    /// Values, each node carrying its LRU/LFU access field (see `evict`).
    pub dict: Dict<Value, u32>,
    pub expires: Dict<i64>,
    /// Where the active expiry cycle resumes its walk of `expires`.
    expire_cursor: u64,
}

impl Db {
    pub fn clear(&mut self) {
        self.dict.clear();
        self.expires.clear();
        self.expire_cursor = 0;
    }
}

/// Keyspace counters reported by INFO stats.
#[derive(Debug, Default, Clone)]
pub struct KeyStats {
    pub expired_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expire_cycle_cpu_ms: u64,
}

/// All databases.
pub struct Keyspace {
    pub dbs: Vec<Db>,
    pub stats: KeyStats,
    /// `DEBUG SET-ACTIVE-EXPIRE`.
    pub active_expire_enabled: bool,
    /// When set, keys deleted because they expired are logged in `expired_log` (so
    /// WATCH can treat the deletion as a change).
    pub track_expired: bool,
    pub expired_log: Vec<(usize, Vec<u8>)>,
    /// Set during `CLIENT PAUSE`: expired keys read as missing but are not deleted
    /// (nothing is counted or propagated) until the pause ends, as in Redis.
    pub expiry_paused: bool,
    /// Access tracking and eviction state (`maxmemory-policy` and friends).
    pub access: crate::evict::Access,
    /// The access field new keys get, as last given to the dictionaries.
    fresh_meta: u32,
}

/// Typed accessors: `*_mut` look up for writing, `*_ref` for reading (counting hits and
/// misses); both give WRONGTYPE when the key holds another type, `None` when missing.
macro_rules! typed_access {
    ($mut_name:ident, $ref_name:ident, $variant:ident, $ty:ty) => {
        impl Keyspace {
            #[inline]
            pub fn $mut_name(
                &mut self,
                db: usize,
                key: &[u8],
                now_ms: i64,
            ) -> Result<Option<&mut $ty>, crate::error::CmdError> {
                match self.lookup_write(db, key, now_ms) {
                    None => Ok(None),
                    Some(Value::$variant(x)) => Ok(Some(&mut **x)),
                    Some(_) => Err(crate::error::CmdError::WrongType),
                }
            }
            #[inline]
            pub fn $ref_name(
                &mut self,
                db: usize,
                key: &[u8],
                now_ms: i64,
            ) -> Result<Option<&$ty>, crate::error::CmdError> {
                match self.lookup_read(db, key, now_ms) {
                    None => Ok(None),
                    Some(Value::$variant(x)) => Ok(Some(&**x)),
                    Some(_) => Err(crate::error::CmdError::WrongType),
                }
            }
        }
    };
}
typed_access!(list_mut, list_ref, List, List);
typed_access!(hash_mut, hash_ref, Hash, Hash);
typed_access!(set_mut, set_ref, Set, Set);
typed_access!(zset_mut, zset_ref, ZSet, ZSet);
typed_access!(stream_mut, stream_ref, Stream, Stream);

/// Keys examined per database per loop of the active cycle (Redis: 20).
const ACTIVE_EXPIRE_KEYS_PER_LOOP: usize = 20;

impl Keyspace {
    pub fn new(databases: usize) -> Self {
        Keyspace {
            dbs: (0..databases).map(|_| Db::default()).collect(),
            stats: KeyStats::default(),
            active_expire_enabled: true,
            track_expired: false,
            expired_log: Vec::new(),
            expiry_paused: false,
            access: crate::evict::Access::default(),
            fresh_meta: 0,
        }
    }

    /// Brings the access field of keys created from now on up to date (cheap when the
    /// clock has not moved).
    #[inline]
    pub fn tick(&mut self, now_ms: i64) {
        let f = self.access.fresh(now_ms);
        if f != self.fresh_meta {
            self.fresh_meta = f;
            for d in self.dbs.iter_mut() {
                d.dict.fresh_meta = f;
            }
        }
    }

    /// Records an access to `key` (Redis's lookups without `LOOKUP_NOTOUCH`).
    #[inline]
    fn touch(&mut self, db: usize, key: &[u8], now_ms: i64) {
        if let Some((_, meta)) = self.dbs[db].dict.get_mut_meta(key) {
            self.access.touch(meta, now_ms);
        }
    }

    /// Lookup for reading that does not count as an access (TYPE, TTL, EXISTS).
    #[inline]
    pub fn lookup_read_notouch(&mut self, db: usize, key: &[u8], now_ms: i64) -> Option<&Value> {
        let v = if self.expire_if_needed(db, key, now_ms) {
            None
        } else {
            self.dbs[db].dict.get(key)
        };
        if v.is_some() {
            self.stats.keyspace_hits += 1;
        } else {
            self.stats.keyspace_misses += 1;
        }
        v
    }

    /// Deletes `key` if its time has come; true when it is expired (then it is gone, or
    /// hidden while expiry is paused).
    #[inline]
    pub fn expire_if_needed(&mut self, db: usize, key: &[u8], now_ms: i64) -> bool {
        let d = &mut self.dbs[db];
        if d.expires.is_empty() {
            return false;
        }
        match d.expires.get(key) {
            Some(&when) if when <= now_ms => {
                if self.expiry_paused {
                    return true;
                }
                d.expires.remove(key);
                d.dict.remove(key);
                self.stats.expired_keys += 1;
                if self.track_expired {
                    self.expired_log.push((db, key.to_vec()));
                }
                true
            }
            _ => false,
        }
    }

    /// Lookup for reading: expires lazily and counts hits and misses.
    #[inline]
    pub fn lookup_read(&mut self, db: usize, key: &[u8], now_ms: i64) -> Option<&Value> {
        let v = if self.expire_if_needed(db, key, now_ms) {
            None
        } else {
            self.touch(db, key, now_ms);
            self.dbs[db].dict.get(key)
        };
        if v.is_some() {
            self.stats.keyspace_hits += 1;
        } else {
            self.stats.keyspace_misses += 1;
        }
        v
    }

    /// Lookup for writing: expires lazily, no statistics.
    #[inline]
    pub fn lookup_write(&mut self, db: usize, key: &[u8], now_ms: i64) -> Option<&mut Value> {
        if self.expire_if_needed(db, key, now_ms) {
            return None;
        }
        let acc = &mut self.access;
        let (v, meta) = self.dbs[db].dict.get_mut_meta(key)?;
        acc.touch(meta, now_ms);
        Some(v)
    }

    /// Lookup without statistics (expires lazily).
    pub fn peek(&mut self, db: usize, key: &[u8], now_ms: i64) -> Option<&Value> {
        if self.expire_if_needed(db, key, now_ms) {
            return None;
        }
        self.dbs[db].dict.get(key)
    }

    /// Existence check without statistics.
    pub fn exists(&mut self, db: usize, key: &[u8], now_ms: i64) -> bool {
        self.peek(db, key, now_ms).is_some()
    }

    /// Stores `val` under `key`, dropping any TTL unless `keep_ttl`.
    #[inline]
    pub fn set(&mut self, db: usize, key: &[u8], val: Value, keep_ttl: bool) {
        let d = &mut self.dbs[db];
        // A new value object: under LRU it starts as just accessed (LFU keeps the old
        // counter, as Redis's overwrite does).
        d.dict.insert_refresh(key, val, self.access.policy.is_lfu());
        if !keep_ttl && !d.expires.is_empty() {
            d.expires.remove(key);
        }
    }

    /// Deletes `key` when it holds an empty aggregate (Redis never keeps empty ones).
    pub fn remove_if_empty(&mut self, db: usize, key: &[u8]) {
        let empty = match self.dbs[db].dict.get(key) {
            Some(Value::List(l)) => l.is_empty(),
            Some(Value::Hash(h)) => h.is_empty(),
            Some(Value::Set(s)) => s.is_empty(),
            Some(Value::ZSet(z)) => z.is_empty(),
            _ => false,
        };
        if empty {
            self.delete(db, key);
        }
    }

    /// Removes `key`; true when it existed.
    pub fn delete(&mut self, db: usize, key: &[u8]) -> bool {
        let d = &mut self.dbs[db];
        if d.dict.remove(key).is_some() {
            if !d.expires.is_empty() {
                d.expires.remove(key);
            }
            true
        } else {
            false
        }
    }

    /// Removes and returns `key`'s value and TTL.
    pub fn take(&mut self, db: usize, key: &[u8]) -> Option<(Value, Option<i64>)> {
        let d = &mut self.dbs[db];
        let (_, v) = d.dict.remove(key)?;
        let ttl = d.expires.remove(key).map(|(_, t)| t);
        Some((v, ttl))
    }

    pub fn get_expire(&self, db: usize, key: &[u8]) -> Option<i64> {
        self.dbs[db].expires.get(key).copied()
    }

    /// Sets the absolute expiry of an existing key.
    pub fn set_expire(&mut self, db: usize, key: &[u8], when_ms: i64) {
        self.dbs[db].expires.insert(key, when_ms);
    }

    /// Removes the TTL; true when there was one.
    pub fn persist(&mut self, db: usize, key: &[u8]) -> bool {
        self.dbs[db].expires.remove(key).is_some()
    }

    /// One slice of active expiry: samples keys with a TTL in each database and deletes
    /// the expired ones, repeating while more than a quarter of a sample was expired,
    /// until `budget` runs out.
    pub fn active_expire_cycle(&mut self, now_ms: i64, budget: std::time::Duration) {
        if !self.active_expire_enabled || self.expiry_paused {
            return;
        }
        let start = std::time::Instant::now();
        let mut expired_total = 0u64;
        for (dbi, d) in self.dbs.iter_mut().enumerate() {
            let mut rounds = 0;
            loop {
                if d.expires.is_empty() {
                    break;
                }
                let mut sampled = 0;
                let mut expired: Vec<Sds> = Vec::new();
                let mut cursor = d.expire_cursor;
                // Walk buckets from the saved cursor until enough keys were sampled.
                loop {
                    cursor = d.expires.scan(cursor, |k, &when| {
                        sampled += 1;
                        if when <= now_ms {
                            expired.push(k.clone());
                        }
                    });
                    if cursor == 0 || sampled >= ACTIVE_EXPIRE_KEYS_PER_LOOP {
                        break;
                    }
                }
                d.expire_cursor = cursor;
                for k in &expired {
                    d.expires.remove(k.as_bytes());
                    d.dict.remove(k.as_bytes());
                    if self.track_expired {
                        self.expired_log.push((dbi, k.as_bytes().to_vec()));
                    }
                }
                expired_total += expired.len() as u64;
                rounds += 1;
                if expired.len() * 4 <= sampled || rounds % 16 == 0 && start.elapsed() >= budget {
                    break;
                }
            }
            if start.elapsed() >= budget {
                break;
            }
        }
        self.stats.expired_keys += expired_total;
        self.stats.expire_cycle_cpu_ms += start.elapsed().as_millis() as u64;
    }

    /// Cron housekeeping: shrink sparse tables.
    pub fn shrink_tables(&mut self) {
        for d in self.dbs.iter_mut() {
            d.dict.shrink_if_sparse();
            d.expires.shrink_if_sparse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_compact() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }

    #[test]
    fn encodings() {
        assert_eq!(Value::from_bytes(b"123").encoding(), "int");
        assert_eq!(Value::from_bytes(b"0123").encoding(), "embstr");
        assert_eq!(Value::from_bytes(&[b'x'; 44]).encoding(), "embstr");
        assert_eq!(Value::from_bytes(&[b'x'; 45]).encoding(), "raw");
        let mut v = Value::from_bytes(b"12");
        v.make_raw().unwrap().push(b'3');
        assert_eq!(v.encoding(), "raw");
    }

    #[test]
    fn lazy_and_active_expiry() {
        let mut ks = Keyspace::new(2);
        ks.set(0, b"a", Value::from_bytes(b"1"), false);
        ks.set_expire(0, b"a", 100);
        assert!(ks.lookup_read(0, b"a", 99).is_some());
        assert!(ks.lookup_read(0, b"a", 100).is_none());
        assert_eq!(ks.stats.expired_keys, 1);
        for i in 0..100 {
            let k = format!("k{i}");
            ks.set(1, k.as_bytes(), Value::from_bytes(b"v"), false);
            ks.set_expire(1, k.as_bytes(), 10);
        }
        for _ in 0..20 {
            ks.active_expire_cycle(50, std::time::Duration::from_millis(100));
        }
        assert_eq!(ks.dbs[1].dict.len(), 0);
    }
}
