//! In-memory representations of the aggregate types (list, hash, set, sorted set, and the
//! stream in `stream.rs`), the first four each
//! with the small/large encoding split Redis 7.0 reports through `OBJECT ENCODING`:
//!
//! | type  | small encoding            | large encoding | switch (Redis 7.0 default)          |
//! |-------|---------------------------|----------------|-------------------------------------|
//! | list  | —                         | `quicklist`    | lists are always quicklists in 7.0  |
//! | hash  | `listpack` (insertion order) | `hashtable` | > 512 fields or a string > 64 bytes |
//! | set   | `intset` (sorted integers) | `hashtable`   | > 512 members or a non-integer      |
//! | zset  | `listpack`                | `skiplist`     | > 128 members or a member > 64 bytes|
//!
//! Conversions go one way (small to large), as in Redis 7.0. The small forms keep the
//! observable order Redis gives them (HGETALL of a small hash lists fields in insertion
//! order; SMEMBERS of an intset is sorted), so replies match byte for byte.
//!
//! Commands live in `commands/{lists,hashes,sets,zsets}.rs`; this module holds only data
//! structures and their unit tests.

pub mod hash;
pub mod hll;
pub mod set;
pub mod stream;
pub mod zset;

pub use hash::Hash;
pub use set::Set;
pub use stream::Stream;
pub use zset::ZSet;

/// A list: a double-ended queue of compact strings.
pub type List = std::collections::VecDeque<crate::sds::Sds>;

use std::sync::atomic::{AtomicUsize, Ordering};

/// `hash-max-listpack-entries` default (Redis 7.0: 512 in the shipped build).
pub const HASH_MAX_LISTPACK_ENTRIES: usize = 512;
/// `hash-max-listpack-value` default (Redis 7.0: 64).
pub const HASH_MAX_LISTPACK_VALUE: usize = 64;
/// `set-max-intset-entries` default (Redis 7.0: 512).
pub const SET_MAX_INTSET_ENTRIES: usize = 512;
/// `zset-max-listpack-entries` default (Redis 7.0: 128).
pub const ZSET_MAX_LISTPACK_ENTRIES: usize = 128;
/// `zset-max-listpack-value` default (Redis 7.0: 64).
pub const ZSET_MAX_LISTPACK_VALUE: usize = 64;

// The encoding thresholds in force: set from the configuration (CONFIG SET changes
// them at once, for values converted from then on, as in Redis). Process-wide because
// the server has one configuration and the types have no handle on it.
static HASH_ENTRIES: AtomicUsize = AtomicUsize::new(HASH_MAX_LISTPACK_ENTRIES);
static HASH_VALUE: AtomicUsize = AtomicUsize::new(HASH_MAX_LISTPACK_VALUE);
static SET_INTSET_ENTRIES: AtomicUsize = AtomicUsize::new(SET_MAX_INTSET_ENTRIES);
static ZSET_ENTRIES: AtomicUsize = AtomicUsize::new(ZSET_MAX_LISTPACK_ENTRIES);
static ZSET_VALUE: AtomicUsize = AtomicUsize::new(ZSET_MAX_LISTPACK_VALUE);

/// The thresholds of the small encodings, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingLimits {
    pub hash_entries: usize,
    pub hash_value: usize,
    pub set_intset_entries: usize,
    pub zset_entries: usize,
    pub zset_value: usize,
}

/// Installs the configured thresholds (called whenever the configuration changes).
pub fn set_limits(l: EncodingLimits) {
    HASH_ENTRIES.store(l.hash_entries, Ordering::Relaxed);
    HASH_VALUE.store(l.hash_value, Ordering::Relaxed);
    SET_INTSET_ENTRIES.store(l.set_intset_entries, Ordering::Relaxed);
    ZSET_ENTRIES.store(l.zset_entries, Ordering::Relaxed);
    ZSET_VALUE.store(l.zset_value, Ordering::Relaxed);
}

#[inline]
pub fn hash_max_entries() -> usize {
    HASH_ENTRIES.load(Ordering::Relaxed)
}
#[inline]
pub fn hash_max_value() -> usize {
    HASH_VALUE.load(Ordering::Relaxed)
}
#[inline]
pub fn set_max_intset_entries() -> usize {
    SET_INTSET_ENTRIES.load(Ordering::Relaxed)
}
#[inline]
pub fn zset_max_entries() -> usize {
    ZSET_ENTRIES.load(Ordering::Relaxed)
}
#[inline]
pub fn zset_max_value() -> usize {
    ZSET_VALUE.load(Ordering::Relaxed)
}
