//! Keyspace notifications (`notify-keyspace-events`): for every change to a key, a message
//! on `__keyspace@<db>__:<key>` carrying the event name and one on
//! `__keyevent@<db>__:<event>` carrying the key, with Redis's event names.
//!
//! Rather than threading a notification call through every handler, events are derived
//! in one place from the command line and the state of its keys around the call:
//! [`before`] snapshots each key (present? how many elements? for SMOVE, is the member
//! already in the destination?) and [`after`] compares, using the command's name to pick
//! the event (`lpush`, `zincr`, `rename_from`, ...), plus `del` when a command emptied a
//! key, `new` when one appeared, `expired` for keys removed by expiry and `keymiss` for
//! reads of missing keys. The event table was checked against redis-server 7.0.15
//! (`redis-tests/notify*.txt`).
//!
//! Stream commands, whose events depend on what they did (XGROUP CREATECONSUMER may or
//! may not create, XREADGROUP may create a consumer), queue their events themselves with
//! [`queue`]; [`after`] publishes them in order with the derived ones.
//!
//! Not covered: `evicted` (no eviction), modules.

// One match arm per command, each with its own condition, reads better here than guards.
#![allow(clippy::collapsible_match, clippy::collapsible_if)]

use crate::client::Client;
use crate::command_table::{self, Command};
use crate::db::Value;
use crate::server::Core;
use resp::Args;

// Event classes (one bit each), with their letters in `notify-keyspace-events`.
pub const KEYSPACE: u32 = 1 << 0; // K
pub const KEYEVENT: u32 = 1 << 1; // E
pub const GENERIC: u32 = 1 << 2; // g: del, expire, rename, ...
pub const STRING: u32 = 1 << 3; // $
pub const LIST: u32 = 1 << 4; // l
pub const SET: u32 = 1 << 5; // s
pub const HASH: u32 = 1 << 6; // h
pub const ZSET: u32 = 1 << 7; // z
pub const EXPIRED: u32 = 1 << 8; // x
pub const EVICTED: u32 = 1 << 9; // e
pub const STREAM: u32 = 1 << 10; // t
pub const KEY_MISS: u32 = 1 << 11; // m
pub const MODULE: u32 = 1 << 12; // d
pub const NEW: u32 = 1 << 13; // n
/// `A`: every class except `m` and `n` (as Redis).
pub const ALL: u32 =
    GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// Letters in the order Redis prints them when not all of `A` is set.
const LETTERS: &[(u32, char)] = &[
    (GENERIC, 'g'),
    (STRING, '$'),
    (LIST, 'l'),
    (SET, 's'),
    (HASH, 'h'),
    (ZSET, 'z'),
    (EXPIRED, 'x'),
    (EVICTED, 'e'),
    (STREAM, 't'),
    (MODULE, 'd'),
    (NEW, 'n'),
];

/// Parses a `notify-keyspace-events` value; `None` for an unknown letter.
pub fn parse_flags(s: &str) -> Option<u32> {
    let mut f = 0;
    for ch in s.chars() {
        f |= match ch {
            'A' => ALL,
            'K' => KEYSPACE,
            'E' => KEYEVENT,
            'm' => KEY_MISS,
            _ => LETTERS.iter().find(|(_, c)| *c == ch)?.0,
        };
    }
    Some(f)
}

/// The canonical text CONFIG GET shows for `flags`.
pub fn flags_to_string(f: u32) -> String {
    let mut s = String::new();
    if f & ALL == ALL {
        s.push('A');
    } else {
        for (bit, ch) in LETTERS {
            if f & bit != 0 {
                s.push(*ch);
            }
        }
    }
    if f & KEYSPACE != 0 {
        s.push('K');
    }
    if f & KEYEVENT != 0 {
        s.push('E');
    }
    if f & KEY_MISS != 0 {
        s.push('m');
    }
    s
}

/// The CONFIG SET error for a bad value.
pub const BAD_FLAGS: &str = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

thread_local! {
    /// Events queued by the running command (see [`queue`]).
    static QUEUED: std::cell::RefCell<Vec<Ev>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Queues an event of the running command, published by [`after`] (nothing is queued
/// when notifications are off).
pub fn queue(core: &Core, db: usize, key: &[u8], class: u32, name: &'static str) {
    let f = core.config.notify_flags;
    if f & (KEYSPACE | KEYEVENT) == 0 || f & class == 0 {
        return;
    }
    QUEUED.with(|q| {
        q.borrow_mut().push(Ev {
            db,
            key: key.to_vec(),
            class,
            name,
        })
    });
}

/// State of one key before a command.
#[derive(Debug, Clone, Copy)]
struct KeyState {
    pos: usize,
    exists: bool,
    size: usize,
}

/// What [`after`] needs to know about the keys before the command ran.
#[derive(Debug)]
pub struct Snapshot {
    db: usize,
    dirty: u64,
    keys: Vec<KeyState>,
    /// SMOVE: the member was already in the destination.
    dst_had_member: bool,
}

fn value_size(v: &Value) -> usize {
    match v {
        Value::Int(_) | Value::Str(_) => v.str_len(),
        Value::List(l) => l.len(),
        Value::Hash(h) => h.len(),
        Value::Set(s) => s.len(),
        Value::ZSet(z) => z.len(),
        Value::Stream(s) => s.len(),
    }
}

fn state(core: &Core, db: usize, key: &[u8]) -> (bool, usize) {
    match core.ks.dbs[db].dict.get(key) {
        Some(v) => (true, value_size(v)),
        None => (false, 0),
    }
}

/// Whether expired keys must be logged for notifications.
pub fn wants_expired(core: &Core) -> bool {
    let f = core.config.notify_flags;
    f & EXPIRED != 0 && f & (KEYSPACE | KEYEVENT) != 0
}

/// Snapshots the keys of a command about to run; `None` when no notification can follow.
pub fn before(core: &mut Core, client: &Client, cmd: &Command, args: &Args) -> Option<Snapshot> {
    let f = core.config.notify_flags;
    if f & (KEYSPACE | KEYEVENT) == 0
        || cmd.flags & (command_table::WRITE | command_table::READONLY) == 0
    {
        return None;
    }
    if cmd.flags & command_table::READONLY != 0 && f & KEY_MISS == 0 {
        return None;
    }
    let db = client.db;
    let now = core.cmd_time_ms;
    QUEUED.with(|q| q.borrow_mut().clear());
    let mut keys = Vec::new();
    for pos in command_table::command_keys(cmd, args) {
        let key = args.get(pos);
        // Expire now, so the `expired` event precedes the command's own.
        core.ks.expire_if_needed(db, key, now);
        let (exists, size) = state(core, db, key);
        keys.push(KeyState { pos, exists, size });
    }
    let dst_had_member = cmd.name == "smove"
        && matches!(core.ks.dbs[db].dict.get(args.get(2)), Some(Value::Set(s)) if s.contains(args.get(3)));
    Some(Snapshot {
        db,
        dirty: core.dirty,
        keys,
        dst_had_member,
    })
}

/// One event to publish.
struct Ev {
    db: usize,
    key: Vec<u8>,
    class: u32,
    name: &'static str,
}

fn has_arg(args: &Args, from: usize, words: &[&str]) -> bool {
    (from..args.len()).any(|i| {
        words
            .iter()
            .any(|w| args.get(i).eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// The LEFT/RIGHT or MIN/MAX word of LMPOP/ZMPOP (after `numkeys` keys) and their
/// blocking forms (which have a timeout first).
fn mpop_where<'a>(args: &Args<'a>, name: &str) -> &'a [u8] {
    let at = if name.starts_with('b') { 2 } else { 1 };
    let n = resp::request::parse_i64_strict(args.get(at))
        .unwrap_or(0)
        .max(0) as usize;
    let pos = at + 1 + n;
    if pos < args.len() {
        args.get(pos)
    } else {
        b""
    }
}

/// Single-key commands whose only event is one fixed name (plus `del` when emptied).
fn simple_event(name: &str) -> Option<(u32, &'static str)> {
    Some(match name {
        "setnx" | "getset" => (STRING, "set"),
        "append" => (STRING, "append"),
        "incr" | "decr" | "incrby" | "decrby" => (STRING, "incrby"),
        "incrbyfloat" => (STRING, "incrbyfloat"),
        "setrange" => (STRING, "setrange"),
        "setbit" | "bitfield" => (STRING, "setbit"),
        "lpush" | "lpushx" => (LIST, "lpush"),
        "rpush" | "rpushx" => (LIST, "rpush"),
        "linsert" => (LIST, "linsert"),
        "lset" => (LIST, "lset"),
        "lrem" => (LIST, "lrem"),
        "ltrim" => (LIST, "ltrim"),
        "lpop" => (LIST, "lpop"),
        "rpop" => (LIST, "rpop"),
        "hset" | "hmset" | "hsetnx" => (HASH, "hset"),
        "hdel" => (HASH, "hdel"),
        "hincrby" => (HASH, "hincrby"),
        "hincrbyfloat" => (HASH, "hincrbyfloat"),
        "sadd" => (SET, "sadd"),
        "srem" => (SET, "srem"),
        "spop" => (SET, "spop"),
        "zincrby" => (ZSET, "zincr"),
        "zrem" => (ZSET, "zrem"),
        "zremrangebyscore" => (ZSET, "zremrangebyscore"),
        "zremrangebyrank" => (ZSET, "zremrangebyrank"),
        "zremrangebylex" => (ZSET, "zremrangebylex"),
        "zpopmin" => (ZSET, "zpopmin"),
        "zpopmax" => (ZSET, "zpopmax"),
        "persist" => (GENERIC, "persist"),
        "pfadd" | "pfmerge" => (STRING, "pfadd"),
        _ => return None,
    })
}

/// Commands storing a computed result at their first key (`del` when it is empty).
fn store_event(name: &str) -> Option<(u32, &'static str)> {
    Some(match name {
        "sinterstore" => (SET, "sinterstore"),
        "sunionstore" => (SET, "sunionstore"),
        "sdiffstore" => (SET, "sdiffstore"),
        "zunionstore" => (ZSET, "zunionstore"),
        "zinterstore" => (ZSET, "zinterstore"),
        "zdiffstore" => (ZSET, "zdiffstore"),
        "zrangestore" => (ZSET, "zrangestore"),
        _ => return None,
    })
}

/// Compares the keys with the snapshot and publishes the events of the command.
pub fn after(core: &mut Core, client: &mut Client, cmd: &Command, args: &Args, snap: Snapshot) {
    let db = snap.db;
    let changed = core.dirty != snap.dirty;
    let mut evs: Vec<Ev> = Vec::new();
    let key = |i: usize| args.get(snap.keys[i].pos).to_vec();
    let now_state: Vec<(bool, usize)> = snap
        .keys
        .iter()
        .map(|k| state(core, db, args.get(k.pos)))
        .collect();
    let gone = |i: usize| snap.keys[i].exists && !now_state[i].0;
    let size_changed =
        |i: usize| snap.keys[i].exists != now_state[i].0 || snap.keys[i].size != now_state[i].1;
    let ev = |evs: &mut Vec<Ev>, k: Vec<u8>, class: u32, name: &'static str| {
        evs.push(Ev {
            db,
            key: k,
            class,
            name,
        })
    };

    if cmd.flags & command_table::READONLY != 0 {
        for (i, k) in snap.keys.iter().enumerate() {
            if !k.exists {
                ev(&mut evs, key(i), KEY_MISS, "keymiss");
            }
        }
        publish_all(core, client, evs);
        return;
    }
    let name = cmd.name;
    if let Some((class, e)) = simple_event(name) {
        if changed && !snap.keys.is_empty() {
            ev(&mut evs, key(0), class, e);
            if gone(0) {
                ev(&mut evs, key(0), GENERIC, "del");
            }
        }
    } else if let Some((class, e)) = store_event(name) {
        if now_state[0].0 {
            ev(&mut evs, key(0), class, e);
        } else if snap.keys[0].exists {
            ev(&mut evs, key(0), GENERIC, "del");
        }
    } else {
        match name {
            "set" | "setex" | "psetex" => {
                if changed {
                    ev(&mut evs, key(0), STRING, "set");
                    let expiring = name != "set" || has_arg(args, 3, &["ex", "px", "exat", "pxat"]);
                    if expiring {
                        ev(&mut evs, key(0), GENERIC, "expire");
                    }
                }
            }
            "mset" | "msetnx" => {
                if changed {
                    for i in 0..snap.keys.len() {
                        ev(&mut evs, key(i), STRING, "set");
                    }
                }
            }
            "getdel" => {
                if gone(0) {
                    ev(&mut evs, key(0), GENERIC, "del");
                }
            }
            "getex" | "expire" | "pexpire" | "expireat" | "pexpireat" => {
                if gone(0) {
                    ev(&mut evs, key(0), GENERIC, "del");
                } else if changed {
                    let persist = name == "getex" && has_arg(args, 2, &["persist"]);
                    ev(
                        &mut evs,
                        key(0),
                        GENERIC,
                        if persist { "persist" } else { "expire" },
                    );
                }
            }
            "del" | "unlink" => {
                for i in 0..snap.keys.len() {
                    // A key named twice is deleted (and reported) once.
                    if gone(i)
                        && !(0..i).any(|j| args.get(snap.keys[j].pos) == args.get(snap.keys[i].pos))
                    {
                        ev(&mut evs, key(i), GENERIC, "del");
                    }
                }
            }
            "rename" | "renamenx" => {
                if changed {
                    ev(&mut evs, key(1), NEW, "new");
                    ev(&mut evs, key(0), GENERIC, "rename_from");
                    ev(&mut evs, key(1), GENERIC, "rename_to");
                }
            }
            "copy" => {
                if changed {
                    let to_db = (3..args.len().saturating_sub(1))
                        .find(|&i| args.get(i).eq_ignore_ascii_case(b"db"))
                        .and_then(|i| resp::request::parse_i64_strict(args.get(i + 1)))
                        .map_or(db, |d| d as usize);
                    // The destination is (re)created even when it is replaced.
                    evs.push(Ev {
                        db: to_db,
                        key: key(1),
                        class: NEW,
                        name: "new",
                    });
                    evs.push(Ev {
                        db: to_db,
                        key: key(1),
                        class: GENERIC,
                        name: "copy_to",
                    });
                }
            }
            "move" => {
                if changed {
                    let to = resp::request::parse_i64_strict(args.get(2)).map(|d| d as usize);
                    if let Some(d) = to {
                        evs.push(Ev {
                            db: d,
                            key: key(0),
                            class: NEW,
                            name: "new",
                        });
                    }
                    ev(&mut evs, key(0), GENERIC, "move_from");
                    if let Some(d) = to {
                        evs.push(Ev {
                            db: d,
                            key: key(0),
                            class: GENERIC,
                            name: "move_to",
                        });
                    }
                }
            }
            "rpoplpush" | "brpoplpush" | "lmove" | "blmove" => {
                if changed {
                    let (from, to) = if name.ends_with("rpoplpush") {
                        (false, true)
                    } else {
                        (
                            args.get(3).eq_ignore_ascii_case(b"left"),
                            args.get(4).eq_ignore_ascii_case(b"left"),
                        )
                    };
                    ev(&mut evs, key(1), LIST, if to { "lpush" } else { "rpush" });
                    ev(&mut evs, key(0), LIST, if from { "lpop" } else { "rpop" });
                    if gone(0) {
                        ev(&mut evs, key(0), GENERIC, "del");
                    }
                }
            }
            "blpop" | "brpop" | "lmpop" | "blmpop" | "bzpopmin" | "bzpopmax" | "zmpop"
            | "bzmpop" => {
                if changed {
                    let (class, e) = match name {
                        "blpop" => (LIST, "lpop"),
                        "brpop" => (LIST, "rpop"),
                        "bzpopmin" => (ZSET, "zpopmin"),
                        "bzpopmax" => (ZSET, "zpopmax"),
                        "lmpop" | "blmpop" => (
                            LIST,
                            if mpop_where(args, name).eq_ignore_ascii_case(b"left") {
                                "lpop"
                            } else {
                                "rpop"
                            },
                        ),
                        _ => (
                            ZSET,
                            if mpop_where(args, name).eq_ignore_ascii_case(b"min") {
                                "zpopmin"
                            } else {
                                "zpopmax"
                            },
                        ),
                    };
                    if let Some(i) = (0..snap.keys.len()).find(|&i| size_changed(i)) {
                        ev(&mut evs, key(i), class, e);
                        if gone(i) {
                            ev(&mut evs, key(i), GENERIC, "del");
                        }
                    }
                }
            }
            "smove" => {
                if changed && size_changed(0) {
                    ev(&mut evs, key(0), SET, "srem");
                    if gone(0) {
                        ev(&mut evs, key(0), GENERIC, "del");
                    }
                    if !snap.dst_had_member {
                        ev(&mut evs, key(1), SET, "sadd");
                    }
                }
            }
            "zadd" | "geoadd" => {
                if changed {
                    let incr = (2..args.len())
                        .map(|i| args.get(i))
                        .take_while(|a| {
                            ["nx", "xx", "gt", "lt", "ch", "incr"]
                                .iter()
                                .any(|o| a.eq_ignore_ascii_case(o.as_bytes()))
                        })
                        .any(|a| a.eq_ignore_ascii_case(b"incr"));
                    ev(&mut evs, key(0), ZSET, if incr { "zincr" } else { "zadd" });
                }
            }
            "bitop" => {
                if now_state[0].0 {
                    ev(&mut evs, key(0), STRING, "set");
                } else if snap.keys[0].exists {
                    ev(&mut evs, key(0), GENERIC, "del");
                }
            }
            "restore" => {
                if now_state[0].0 {
                    // A replaced key is deleted and added again: `new` either way.
                    if snap.keys[0].exists {
                        ev(&mut evs, key(0), NEW, "new");
                    }
                    ev(&mut evs, key(0), GENERIC, "restore");
                } else if gone(0) {
                    ev(&mut evs, key(0), GENERIC, "del");
                }
            }
            "sort" => {
                if snap.keys.len() > 1 {
                    let last = snap.keys.len() - 1;
                    if now_state[last].0 {
                        ev(&mut evs, key(last), LIST, "sortstore");
                    } else if snap.keys[last].exists {
                        ev(&mut evs, key(last), GENERIC, "del");
                    }
                }
            }
            _ => {}
        }
    }
    QUEUED.with(|q| evs.append(&mut q.borrow_mut()));
    // Keys that appeared get `new` just before their first event (where Redis adds them).
    for (i, k) in snap.keys.iter().enumerate() {
        let kb = args.get(k.pos);
        if k.exists
            || !now_state[i].0
            || evs
                .iter()
                .any(|e| e.db == db && e.key == kb && e.name == "new")
        {
            continue;
        }
        let at = evs
            .iter()
            .position(|e| e.db == db && e.key == kb)
            .unwrap_or(evs.len());
        evs.insert(
            at,
            Ev {
                db,
                key: kb.to_vec(),
                class: NEW,
                name: "new",
            },
        );
    }
    publish_all(core, client, evs);
}

/// Publishes `expired` events for keys removed by expiry (lazily during a command, or by
/// the active cycle when `me` is `None`).
pub fn expired(core: &mut Core, me: Option<&mut Client>, keys: &[(usize, Vec<u8>)]) {
    if keys.is_empty() || !wants_expired(core) {
        return;
    }
    let evs = keys
        .iter()
        .map(|(db, k)| Ev {
            db: *db,
            key: k.clone(),
            class: EXPIRED,
            name: "expired",
        })
        .collect();
    publish_to(core, me, evs);
}

/// Publishes `evicted` events for keys removed by eviction under maxmemory.
pub fn evicted(core: &mut Core, keys: &[(usize, Vec<u8>)]) {
    if keys.is_empty() || core.config.notify_flags & EVICTED == 0 {
        return;
    }
    let evs = keys
        .iter()
        .map(|(db, k)| Ev {
            db: *db,
            key: k.clone(),
            class: EVICTED,
            name: "evicted",
        })
        .collect();
    publish_to(core, None, evs);
}

fn publish_all(core: &mut Core, client: &mut Client, evs: Vec<Ev>) {
    publish_to(core, Some(client), evs)
}

fn publish_to(core: &mut Core, mut me: Option<&mut Client>, evs: Vec<Ev>) {
    let f = core.config.notify_flags;
    for e in evs {
        if f & e.class == 0 || core.pubsub.is_empty() {
            continue;
        }
        if f & KEYSPACE != 0 {
            let mut ch = format!("__keyspace@{}__:", e.db).into_bytes();
            ch.extend_from_slice(&e.key);
            core.pubsub
                .publish(me.as_deref_mut(), &ch, e.name.as_bytes());
        }
        if f & KEYEVENT != 0 {
            let ch = format!("__keyevent@{}__:{}", e.db, e.name);
            core.pubsub
                .publish(me.as_deref_mut(), ch.as_bytes(), &e.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip_like_redis() {
        // CONFIG SET / CONFIG GET pairs observed on redis-server 7.0.15.
        for (set, get) in [
            ("KEA", "AKE"),
            ("Kl", "lK"),
            ("AKEm", "AKEm"),
            ("Eg$", "g$E"),
            ("x", "x"),
            ("", ""),
            ("n", "n"),
            ("Axn", "A"),
        ] {
            assert_eq!(flags_to_string(parse_flags(set).unwrap()), get, "{set}");
        }
        assert_eq!(parse_flags("q"), None);
    }
}
