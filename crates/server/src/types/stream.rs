//! The stream type: an append-only log of entries keyed by `ms-seq` IDs, with consumer
//! groups and their pending-entries lists (PEL).
//!
//! Representation: entries live in a `BTreeMap` from [`StreamId`] to the entry's flat
//! field/value list, so range reads, deletion and trimming are O(log n) to find the start.
//! Redis stores entries in listpack "nodes" of at most `stream-node-max-entries` entries
//! (or `stream-node-max-bytes` bytes); that grouping is observable (approximate `~`
//! trimming only drops whole nodes, `XINFO STREAM` reports node counts), so a second
//! small map records the node boundaries: node start ID → entries added to the node and
//! entries still alive in it, plus its approximate byte size. Deleted entries leave the
//! entry map at once; a node whose entries are all gone is dropped.
//!
//! Consumer groups, consumers and PEL entries are kept in ordered maps, because Redis
//! lists them in ID / name byte order. Commands are in `commands/streams.rs` and
//! `commands/stream_groups.rs`; transcripts in `redis-tests/streams*.txt`.

use crate::sds::Sds;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Longest `ms-seq` text: two 20-digit numbers and the dash.
pub const ID_TEXT_MAX: usize = 41;

/// An entry ID: milliseconds and a sequence number, ordered numerically.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    pub fn is_zero(&self) -> bool {
        self.ms == 0 && self.seq == 0
    }

    /// The next ID in order, `None` after the maximum.
    pub fn next(&self) -> Option<StreamId> {
        if self.seq < u64::MAX {
            Some(StreamId::new(self.ms, self.seq + 1))
        } else if self.ms < u64::MAX {
            Some(StreamId::new(self.ms + 1, 0))
        } else {
            None
        }
    }

    /// The previous ID in order, `None` before 0-0.
    pub fn prev(&self) -> Option<StreamId> {
        if self.seq > 0 {
            Some(StreamId::new(self.ms, self.seq - 1))
        } else if self.ms > 0 {
            Some(StreamId::new(self.ms - 1, u64::MAX))
        } else {
            None
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = [0u8; ID_TEXT_MAX];
        self.format(&mut b).to_vec()
    }

    /// Writes `ms-seq` into `buf` without allocating; returns the text.
    pub fn format<'a>(&self, buf: &'a mut [u8; ID_TEXT_MAX]) -> &'a [u8] {
        let mut i = ID_TEXT_MAX;
        let put = |mut n: u64, buf: &mut [u8; ID_TEXT_MAX], i: &mut usize| loop {
            *i -= 1;
            buf[*i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        };
        put(self.seq, buf, &mut i);
        i -= 1;
        buf[i] = b'-';
        put(self.ms, buf, &mut i);
        &buf[i..]
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// Parses an unsigned 64-bit number the way `strtoull` accepts it in Redis's ID parser:
/// leading white space and one `+` allowed, no `-`, digits to the end, no overflow.
pub fn parse_u64(b: &[u8]) -> Option<u64> {
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    if i < b.len() && b[i] == b'+' {
        i += 1;
    }
    if i >= b.len() {
        return None;
    }
    let mut n: u64 = 0;
    for &c in &b[i..] {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(n)
}

/// How an ID argument may be written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IdSyntax {
    /// `ms` or `ms-seq` only (XDEL, XACK, XCLAIM, XSETID, XGROUP ids).
    Strict,
    /// Also `-` and `+` (range bounds); a missing sequence takes `missing_seq`.
    Range,
}

/// Parses `ms[-seq]` (and `-`/`+` when `syntax` is [`IdSyntax::Range`]).
pub fn parse_id(b: &[u8], syntax: IdSyntax, missing_seq: u64) -> Option<StreamId> {
    if syntax == IdSyntax::Range && b.len() == 1 {
        if b[0] == b'-' {
            return Some(StreamId::MIN);
        }
        if b[0] == b'+' {
            return Some(StreamId::MAX);
        }
    }
    match b.iter().position(|&c| c == b'-') {
        None => Some(StreamId::new(parse_u64(b)?, missing_seq)),
        Some(p) => Some(StreamId::new(parse_u64(&b[..p])?, parse_u64(&b[p + 1..])?)),
    }
}

/// A pending entry of a group: delivered, not yet acknowledged.
#[derive(Clone, Debug)]
pub struct PendingEntry {
    /// Last delivery time, Unix milliseconds.
    pub delivery_time: i64,
    pub delivery_count: u64,
    pub consumer: Vec<u8>,
}

/// A consumer of a group.
#[derive(Clone, Debug, Default)]
pub struct Consumer {
    /// Last time the consumer was active, Unix milliseconds.
    pub seen_time: i64,
    /// IDs of the group's PEL owned by this consumer.
    pub pel: BTreeSet<StreamId>,
}

/// `entries-read` value meaning "unknown" (Redis reports it as null).
pub const ENTRIES_READ_INVALID: i64 = -1;

/// A consumer group.
#[derive(Clone, Debug)]
pub struct Group {
    pub last_id: StreamId,
    pub entries_read: i64,
    pub pel: BTreeMap<StreamId, PendingEntry>,
    pub consumers: BTreeMap<Vec<u8>, Consumer>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }

    /// The consumer named `name`, created when missing (second value: it was created).
    pub fn consumer_mut(&mut self, name: &[u8], now: i64) -> (&mut Consumer, bool) {
        let created = !self.consumers.contains_key(name);
        if created {
            self.consumers.insert(
                name.to_vec(),
                Consumer {
                    seen_time: now,
                    pel: BTreeSet::new(),
                },
            );
        }
        (self.consumers.get_mut(name).expect("present"), created)
    }

    /// Removes `id` from the PEL and from its owner's list; true when it was pending.
    pub fn ack(&mut self, id: StreamId) -> bool {
        match self.pel.remove(&id) {
            Some(pe) => {
                if let Some(c) = self.consumers.get_mut(&pe.consumer) {
                    c.pel.remove(&id);
                }
                true
            }
            None => false,
        }
    }
}

/// One listpack-like node: how many entries were put in it, how many are alive, and
/// its approximate size in bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Node {
    added: u64,
    live: u64,
    bytes: usize,
}

/// Approximate per-entry overhead of Redis's listpack encoding (ID deltas, flags, counts,
/// back-lengths), used only to decide when a node is full by `stream-node-max-bytes`.
const ENTRY_OVERHEAD: usize = 8;

/// How to trim (`MAXLEN` or `MINID`, exact or `~`, with a `LIMIT` on removed entries).
#[derive(Clone, Copy, Debug)]
pub enum TrimBy {
    MaxLen(u64),
    MinId(StreamId),
}

#[derive(Clone, Copy, Debug)]
pub struct Trim {
    pub by: TrimBy,
    pub approx: bool,
    /// 0 = no limit.
    pub limit: u64,
}

/// Source of [`Stream::uid`].
static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A stream value. Cloning (COPY) gives the copy an identity of its own.
#[derive(Debug)]
pub struct Stream {
    /// Identifies this stream object (not its contents): the blocking index uses it to
    /// notice that a key now holds another stream (RENAME, MOVE, SWAPDB).
    pub uid: u64,
    entries: BTreeMap<StreamId, Box<[Sds]>>,
    nodes: BTreeMap<StreamId, Node>,
    pub last_id: StreamId,
    pub max_deleted_id: StreamId,
    pub entries_added: u64,
    pub groups: BTreeMap<Vec<u8>, Group>,
}

impl Clone for Stream {
    fn clone(&self) -> Stream {
        Stream {
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            entries: self.entries.clone(),
            nodes: self.nodes.clone(),
            last_id: self.last_id,
            max_deleted_id: self.max_deleted_id,
            entries_added: self.entries_added,
            groups: self.groups.clone(),
        }
    }
}

impl Default for Stream {
    fn default() -> Stream {
        Stream::new()
    }
}

impl Stream {
    pub fn new() -> Stream {
        Stream {
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            entries: BTreeMap::new(),
            nodes: BTreeMap::new(),
            last_id: StreamId::MIN,
            max_deleted_id: StreamId::MIN,
            entries_added: 0,
            groups: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of listpack nodes (XINFO `radix-tree-keys`).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Start IDs of the nodes, in order.
    pub fn node_starts(&self) -> impl Iterator<Item = &StreamId> {
        self.nodes.keys()
    }

    /// ID of the first entry (0-0 when empty): XINFO `recorded-first-entry-id`.
    pub fn first_id(&self) -> StreamId {
        self.entries.keys().next().copied().unwrap_or_default()
    }

    pub fn first_entry(&self) -> Option<(&StreamId, &[Sds])> {
        self.entries.iter().next().map(|(k, v)| (k, &**v))
    }

    pub fn last_entry(&self) -> Option<(&StreamId, &[Sds])> {
        self.entries.iter().next_back().map(|(k, v)| (k, &**v))
    }

    pub fn get(&self, id: &StreamId) -> Option<&[Sds]> {
        self.entries.get(id).map(|v| &**v)
    }

    pub fn contains(&self, id: &StreamId) -> bool {
        self.entries.contains_key(id)
    }

    /// Entries with `start <= id <= end`, in order (or reversed).
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
    ) -> Box<dyn Iterator<Item = (&StreamId, &[Sds])> + '_> {
        if start > end {
            return Box::new(std::iter::empty());
        }
        let it = self.entries.range(start..=end).map(|(k, v)| (k, &**v));
        if rev {
            Box::new(it.rev())
        } else {
            Box::new(it)
        }
    }

    /// The ID XADD would give with `*` (or `ms-*` when `ms` is given); `None` when the
    /// stream is exhausted or `ms-*` cannot be above the last ID.
    pub fn next_id(&self, now_ms: u64, ms: Option<u64>) -> Option<StreamId> {
        match ms {
            None => {
                if self.last_id.ms < now_ms {
                    Some(StreamId::new(now_ms, 0))
                } else {
                    self.last_id.next()
                }
            }
            Some(ms) => {
                if ms > self.last_id.ms {
                    Some(StreamId::new(ms, 0))
                } else if ms == self.last_id.ms && self.last_id.seq < u64::MAX {
                    Some(StreamId::new(ms, self.last_id.seq + 1))
                } else {
                    None
                }
            }
        }
    }

    /// Appends an entry at `id` (which the caller checked is above `last_id`).
    pub fn append(&mut self, id: StreamId, fields: Box<[Sds]>, max_entries: u64, max_bytes: u64) {
        let size: usize = fields.iter().map(|f| f.len() + 2).sum::<usize>() + ENTRY_OVERHEAD;
        let start_new = match self.nodes.iter_mut().next_back() {
            None => true,
            Some((_, n)) => {
                (max_entries > 0 && n.added >= max_entries)
                    || (max_bytes > 0 && (n.bytes + size) as u64 > max_bytes && n.added > 0)
            }
        };
        if start_new {
            self.nodes.insert(id, Node::default());
        }
        let n = self.nodes.iter_mut().next_back().expect("a node exists").1;
        n.added += 1;
        n.live += 1;
        n.bytes += size;
        self.entries.insert(id, fields);
        self.last_id = id;
        self.entries_added += 1;
    }

    /// Adds a node read from a dump: `entries` in ID order, all above the entries already
    /// present; `deleted` counts the node's entries that were deleted before the dump.
    /// A node left with no live entry is dropped, as XDEL drops it.
    pub fn load_node(
        &mut self,
        start: StreamId,
        entries: Vec<(StreamId, Box<[Sds]>)>,
        deleted: u64,
    ) -> Result<(), ()> {
        let above = self.entries.keys().next_back().map_or(true, |&l| start > l);
        if !above || entries.first().is_some_and(|(id, _)| *id < start) {
            return Err(());
        }
        if entries.is_empty() {
            return Ok(());
        }
        let mut node = Node {
            added: entries.len() as u64 + deleted,
            live: entries.len() as u64,
            bytes: 0,
        };
        for (id, fields) in entries {
            node.bytes += fields.iter().map(|f| f.len() + 2).sum::<usize>() + ENTRY_OVERHEAD;
            self.entries.insert(id, fields);
        }
        self.nodes.insert(start, node);
        Ok(())
    }

    /// Removes one entry; true when it existed.
    pub fn delete(&mut self, id: StreamId) -> bool {
        if self.entries.remove(&id).is_none() {
            return false;
        }
        self.node_lost(id);
        if id > self.max_deleted_id {
            self.max_deleted_id = id;
        }
        true
    }

    /// Updates the node holding `id` after its entry went away.
    fn node_lost(&mut self, id: StreamId) {
        let key = self.nodes.range(..=id).next_back().map(|(k, _)| *k);
        if let Some(k) = key {
            let n = self.nodes.get_mut(&k).expect("present");
            n.live = n.live.saturating_sub(1);
            if n.live == 0 {
                self.nodes.remove(&k);
            }
        }
    }

    /// Trims the stream; returns how many entries were removed.
    pub fn trim(&mut self, t: Trim) -> u64 {
        let mut removed = 0u64;
        loop {
            let len = self.entries.len() as u64;
            if let TrimBy::MaxLen(max) = t.by {
                if len <= max {
                    break;
                }
            }
            let Some((&start, &node)) = self.nodes.iter().next() else {
                break;
            };
            let next_start = self.nodes.range(start..).nth(1).map(|(k, _)| *k);
            // The node's entries: those from its start up to the next node.
            let node_last = match next_start {
                Some(ns) => self.entries.range(start..ns).next_back().map(|(k, _)| *k),
                None => self.entries.keys().next_back().copied(),
            };
            let whole = match t.by {
                TrimBy::MaxLen(max) => len.saturating_sub(node.live) >= max,
                TrimBy::MinId(min) => node_last.is_some_and(|l| l < min),
            };
            if whole {
                if t.limit > 0 && removed + node.live > t.limit {
                    break;
                }
                let ids: Vec<StreamId> = match next_start {
                    Some(ns) => self.entries.range(start..ns).map(|(k, _)| *k).collect(),
                    None => self.entries.keys().copied().collect(),
                };
                for id in &ids {
                    self.entries.remove(id);
                }
                self.nodes.remove(&start);
                removed += ids.len() as u64;
                continue;
            }
            if t.approx {
                break;
            }
            // Exact: remove entries one by one from this node until satisfied.
            let ids: Vec<StreamId> = match next_start {
                Some(ns) => self.entries.range(start..ns).map(|(k, _)| *k).collect(),
                None => self.entries.keys().copied().collect(),
            };
            for id in ids {
                let done = match t.by {
                    TrimBy::MaxLen(max) => self.entries.len() as u64 <= max,
                    TrimBy::MinId(min) => id >= min,
                };
                if done {
                    break;
                }
                self.entries.remove(&id);
                self.node_lost(id);
                removed += 1;
            }
            break;
        }
        removed
    }

    /// Whether an entry was deleted inside `[start, end]` (the maximal deleted ID is the
    /// only tombstone Redis tracks).
    pub fn range_has_tombstones(&self, start: StreamId, end: StreamId) -> bool {
        if self.entries.is_empty() || self.max_deleted_id.is_zero() {
            return false;
        }
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// How many entries were added up to and including `id`, when that can be known;
    /// [`ENTRIES_READ_INVALID`] otherwise (Redis 7.0's lag estimate).
    pub fn entries_read_at(&self, id: StreamId) -> i64 {
        if self.entries_added == 0 {
            return 0;
        }
        if self.entries.is_empty() && id <= self.last_id {
            return self.entries_added as i64;
        }
        if id == self.last_id {
            return self.entries_added as i64;
        }
        if id > self.last_id {
            return ENTRIES_READ_INVALID;
        }
        let first = self.first_id();
        if self.max_deleted_id.is_zero() || self.max_deleted_id < first {
            let before = self.entries_added.saturating_sub(self.entries.len() as u64) as i64;
            if id < first {
                return before;
            }
            if id == first {
                return before + 1;
            }
        }
        ENTRIES_READ_INVALID
    }

    /// The group's lag (XINFO), `None` when it cannot be known.
    pub fn lag(&self, g: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != ENTRIES_READ_INVALID
            && !self.range_has_tombstones(g.last_id, StreamId::MAX)
        {
            return Some((self.entries_added as i64).saturating_sub(g.entries_read));
        }
        let r = self.entries_read_at(g.last_id);
        (r != ENTRIES_READ_INVALID).then(|| (self.entries_added as i64).saturating_sub(r))
    }

    /// Moves a group's last delivered ID forward to `id` (an entry being delivered),
    /// keeping its read counter when it can.
    pub fn advance_group(&mut self, group: &[u8], id: StreamId) {
        let valid_counter = self
            .groups
            .get(group)
            .is_some_and(|g| g.entries_read != ENTRIES_READ_INVALID);
        let tomb = self.range_has_tombstones(id, StreamId::MAX);
        let estimate = self.entries_read_at(id);
        let added = self.entries_added;
        if let Some(g) = self.groups.get_mut(group) {
            if id <= g.last_id {
                return;
            }
            if valid_counter && !tomb {
                g.entries_read = g.entries_read.saturating_add(1);
            } else if added > 0 {
                g.entries_read = estimate;
            }
            g.last_id = id;
        }
    }

    /// Rough heap size in bytes (for memory reports).
    pub fn approx_bytes(&self) -> usize {
        self.nodes.values().map(|n| n.bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fv() -> Box<[Sds]> {
        vec![Sds::new(b"f"), Sds::new(b"v")].into_boxed_slice()
    }

    #[test]
    fn id_parsing_follows_redis() {
        let p = |s: &str| parse_id(s.as_bytes(), IdSyntax::Range, 0);
        assert_eq!(p("5"), Some(StreamId::new(5, 0)));
        assert_eq!(p("+1"), Some(StreamId::new(1, 0)));
        assert_eq!(p(" 1-+2"), Some(StreamId::new(1, 2)));
        assert_eq!(p("-"), Some(StreamId::MIN));
        assert_eq!(p("+"), Some(StreamId::MAX));
        assert_eq!(p("1-"), None);
        assert_eq!(p("-5"), None);
        assert_eq!(p("1-2-3"), None);
        assert_eq!(p("18446744073709551616"), None);
        assert_eq!(parse_id(b"-", IdSyntax::Strict, 0), None);
        assert_eq!(
            StreamId::MAX.to_bytes(),
            b"18446744073709551615-18446744073709551615"
        );
        assert_eq!(StreamId::new(0, 7).to_bytes(), b"0-7");
    }

    #[test]
    fn nodes_and_trimming() {
        let mut s = Stream::new();
        for i in 1..=100u64 {
            s.append(StreamId::new(i, 0), fv(), 10, 4096);
        }
        assert_eq!(s.node_count(), 10);
        let t = Trim {
            by: TrimBy::MaxLen(55),
            approx: true,
            limit: 30,
        };
        assert_eq!(s.trim(t), 30);
        assert_eq!(s.len(), 70);
        let t = Trim {
            by: TrimBy::MaxLen(1),
            approx: false,
            limit: 0,
        };
        assert_eq!(s.trim(t), 69);
        assert_eq!(s.len(), 1);
        assert_eq!(s.first_id(), StreamId::new(100, 0));
    }

    #[test]
    fn next_ids() {
        let mut s = Stream::new();
        assert_eq!(s.next_id(10, None), Some(StreamId::new(10, 0)));
        s.append(StreamId::new(20, 3), fv(), 100, 4096);
        assert_eq!(s.next_id(10, None), Some(StreamId::new(20, 4)));
        assert_eq!(s.next_id(10, Some(20)), Some(StreamId::new(20, 4)));
        assert_eq!(s.next_id(10, Some(19)), None);
        s.last_id = StreamId::MAX;
        assert_eq!(s.next_id(10, None), None);
    }
}
