//! Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP),
//! the pending-entries-list commands XACK, XPENDING, XCLAIM, XAUTOCLAIM, and XINFO
//! (STREAM [FULL], GROUPS, CONSUMERS, HELP) with Redis 7.0's fields (`entries-read`,
//! `lag`, `max-deleted-entry-id`, ...).
//!
//! Reading through a group (XREADGROUP) is in `streams.rs`; the data structures are in
//! `types/stream.rs`. Replies and errors follow redis-server 7.0.15
//! (`redis-tests/streams*.txt`).

use super::streams::{range_id, reply_entry, strict_id, INVALID_ID};
use super::{int_arg, is};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::notify;
use crate::server::Ctx;
use crate::types::stream::{Group, PendingEntry, Stream, StreamId, ENTRIES_READ_INVALID};
use resp::{Args, ReplyWriter};

/// XINFO STREAM FULL's default COUNT (Redis: 10).
const XINFO_FULL_DEFAULT_COUNT: usize = 10;
/// XAUTOCLAIM scans at most COUNT times this many PEL entries (Redis: 10).
const AUTOCLAIM_ATTEMPTS_FACTOR: i64 = 10;
/// Bytes of one stream ID in Redis (two 64-bit words); XAUTOCLAIM's COUNT bound uses it.
const ID_SIZE: i64 = 16;
/// Redis allocates COUNT IDs up front and answers "Insufficient memory" when that fails;
/// we refuse where such an allocation could not succeed on a real machine (1 TiB).
const AUTOCLAIM_ALLOC_LIMIT: i64 = 1 << 40;

const NEED_KEY: &str = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn no_group(key: &[u8], group: &[u8]) -> CmdError {
    CmdError::owned(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        lossy(group),
        lossy(key)
    ))
}

fn no_key_or_group(key: &[u8], group: &[u8]) -> CmdError {
    CmdError::owned(format!(
        "NOGROUP No such key '{}' or consumer group '{}'",
        lossy(key),
        lossy(group)
    ))
}

fn help(out: &mut ReplyWriter, lines: &[&str]) {
    out.array(lines.len());
    for l in lines {
        out.simple(l.as_bytes());
    }
}

/// `ENTRIESREAD n`: a count, or -1 for "unknown".
fn entries_read_arg(b: &[u8]) -> Result<i64, CmdError> {
    let n = int_arg(b)?;
    if n < 0 && n != ENTRIES_READ_INVALID {
        return Err(CmdError::msg(
            "ERR value for ENTRIESREAD must be positive or -1",
        ));
    }
    Ok(n)
}

/// `sub` is the subcommand as the client wrote it.
fn sub_syntax(sub: &[u8], cmd: &str) -> CmdError {
    CmdError::owned(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {cmd} HELP.",
        lossy(sub)
    ))
}

/// The stream at `key` for an XGROUP subcommand (error when missing).
fn group_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a mut Stream, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    ctx.core
        .ks
        .stream_mut(db, key, now)?
        .ok_or(CmdError::msg(NEED_KEY))
}

pub fn xgroup_create(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key, name) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(2), a.get(3));
    let mut mkstream = false;
    let mut entries_read = ENTRIES_READ_INVALID;
    let mut i = 5;
    while i < a.len() {
        if is(a.get(i), "mkstream") {
            mkstream = true;
            i += 1;
        } else if is(a.get(i), "entriesread") && i + 1 < a.len() {
            entries_read = entries_read_arg(a.get(i + 1))?;
            i += 2;
        } else {
            return Err(sub_syntax(a.get(1), "XGROUP"));
        }
    }
    let exists = ctx.core.ks.stream_mut(db, key, now)?.is_some();
    if !exists && !mkstream {
        return Err(CmdError::msg(NEED_KEY));
    }
    let ida = a.get(4);
    let id = if ida == b"$" {
        None
    } else {
        Some(strict_id(ida)?)
    };
    if !exists {
        ctx.core
            .ks
            .set(db, key, Value::Stream(Box::default()), false);
        ctx.core.dirty += 1;
    }
    let s = ctx.core.ks.stream_mut(db, key, now)?.expect("present");
    if s.groups.contains_key(name) {
        return Err(CmdError::msg(
            "BUSYGROUP Consumer Group name already exists",
        ));
    }
    let id = id.unwrap_or(s.last_id);
    s.groups.insert(name.to_vec(), Group::new(id, entries_read));
    ctx.core.dirty += 1;
    notify::queue(ctx.core, db, key, notify::STREAM, "xgroup-create");
    ctx.client.out.ok();
    Ok(())
}

pub fn xgroup_setid(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, key, name) = (ctx.client.db, a.get(2), a.get(3));
    let mut entries_read = ENTRIES_READ_INVALID;
    let mut i = 5;
    while i < a.len() {
        if is(a.get(i), "entriesread") && i + 1 < a.len() {
            entries_read = entries_read_arg(a.get(i + 1))?;
            i += 2;
        } else {
            return Err(sub_syntax(a.get(1), "XGROUP"));
        }
    }
    let s = group_stream(ctx, key)?;
    let last = s.last_id;
    let g = s.groups.get_mut(name).ok_or_else(|| no_group(key, name))?;
    let ida = a.get(4);
    // SETID (unlike CREATE) also takes `-` and `+`.
    g.last_id = if ida == b"$" {
        last
    } else {
        crate::types::stream::parse_id(ida, crate::types::stream::IdSyntax::Range, 0)
            .ok_or(CmdError::msg(INVALID_ID))?
    };
    g.entries_read = entries_read;
    ctx.core.dirty += 1;
    notify::queue(ctx.core, db, key, notify::STREAM, "xgroup-setid");
    ctx.client.out.ok();
    Ok(())
}

pub fn xgroup_destroy(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, key, name) = (ctx.client.db, a.get(2), a.get(3));
    let s = group_stream(ctx, key)?;
    let gone = s.groups.remove(name).is_some();
    if gone {
        ctx.core.dirty += 1;
        notify::queue(ctx.core, db, key, notify::STREAM, "xgroup-destroy");
        ctx.core.blocking.signal(db, key);
    }
    ctx.client.out.int(i64::from(gone));
    Ok(())
}

pub fn xgroup_createconsumer(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key, name) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(2), a.get(3));
    let s = group_stream(ctx, key)?;
    let g = s.groups.get_mut(name).ok_or_else(|| no_group(key, name))?;
    let created = g.consumer_mut(a.get(4), now).1;
    if created {
        ctx.core.dirty += 1;
        notify::queue(ctx.core, db, key, notify::STREAM, "xgroup-createconsumer");
    }
    ctx.client.out.int(i64::from(created));
    Ok(())
}

pub fn xgroup_delconsumer(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, key, name) = (ctx.client.db, a.get(2), a.get(3));
    let s = group_stream(ctx, key)?;
    let g = s.groups.get_mut(name).ok_or_else(|| no_group(key, name))?;
    let pending = match g.consumers.remove(a.get(4)) {
        None => None,
        Some(c) => {
            for id in &c.pel {
                g.pel.remove(id);
            }
            Some(c.pel.len())
        }
    };
    if let Some(n) = pending {
        ctx.core.dirty += 1;
        notify::queue(ctx.core, db, key, notify::STREAM, "xgroup-delconsumer");
        ctx.client.out.int(n as i64);
    } else {
        ctx.client.out.int(0);
    }
    Ok(())
}

pub fn xgroup_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help(
        &mut ctx.client.out,
        &[
            "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

pub fn xack(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    // A missing key or group answers 0 before the IDs are looked at.
    let n = match ctx.core.ks.stream_mut(db, a.get(1), now)? {
        None => 0,
        Some(s) => match s.groups.get_mut(a.get(2)) {
            None => 0,
            Some(g) => {
                let ids = (3..a.len())
                    .map(|i| strict_id(a.get(i)))
                    .collect::<Result<Vec<_>, _>>()?;
                ids.iter().filter(|id| g.ack(**id)).count()
            }
        },
    };
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n as i64);
    Ok(())
}

/// XPENDING's extended form: minimum idle time, ID range, count, optional consumer.
type PendingQuery<'a> = (i64, StreamId, StreamId, usize, Option<&'a [u8]>);

pub fn xpending(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key, name) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1), a.get(2));
    let argc = a.len();
    let mut ext: Option<PendingQuery> = None;
    if argc != 3 && argc < 6 {
        return Err(CmdError::Syntax);
    }
    if argc >= 6 {
        let mut i = 3;
        let mut min_idle = 0i64;
        if is(a.get(3), "idle") {
            min_idle = int_arg(a.get(4))?;
            if argc < 8 {
                return Err(CmdError::Syntax);
            }
            i += 2;
        }
        let start = range_id(a.get(i), true)?;
        let end = range_id(a.get(i + 1), false)?;
        let count = int_arg(a.get(i + 2))?.max(0) as usize;
        // Arguments after the consumer are ignored (as Redis does).
        let consumer = (argc > i + 3).then(|| a.get(i + 3));
        ext = Some((min_idle, start, end, count, consumer));
    }
    let s = ctx
        .core
        .ks
        .stream_ref(db, key, now)?
        .ok_or_else(|| no_key_or_group(key, name))?;
    let g = s
        .groups
        .get(name)
        .ok_or_else(|| no_key_or_group(key, name))?;
    let out = &mut ctx.client.out;
    match ext {
        None => {
            out.array(4);
            out.int(g.pel.len() as i64);
            match (g.pel.keys().next(), g.pel.keys().next_back()) {
                (Some(lo), Some(hi)) => {
                    out.bulk(&lo.to_bytes());
                    out.bulk(&hi.to_bytes());
                    let owners: Vec<_> = g
                        .consumers
                        .iter()
                        .filter(|(_, c)| !c.pel.is_empty())
                        .collect();
                    out.array(owners.len());
                    for (n, c) in owners {
                        out.array(2);
                        out.bulk(n);
                        out.bulk(c.pel.len().to_string().as_bytes());
                    }
                }
                _ => {
                    out.null();
                    out.null();
                    out.null_array();
                }
            }
        }
        Some((min_idle, start, end, count, consumer)) => {
            let mut rows = Vec::new();
            if start <= end && count > 0 {
                let ids: Box<dyn Iterator<Item = &StreamId>> = match consumer {
                    Some(cn) => match g.consumers.get(cn) {
                        Some(c) => Box::new(c.pel.range(start..=end)),
                        None => Box::new(std::iter::empty()),
                    },
                    None => Box::new(g.pel.range(start..=end).map(|(k, _)| k)),
                };
                for id in ids {
                    let pe = &g.pel[id];
                    let idle = now.saturating_sub(pe.delivery_time).max(0);
                    if idle < min_idle {
                        continue;
                    }
                    rows.push((*id, pe.consumer.clone(), idle, pe.delivery_count));
                    if rows.len() >= count {
                        break;
                    }
                }
            }
            out.array(rows.len());
            for (id, c, idle, n) in rows {
                out.array(4);
                out.bulk(&id.to_bytes());
                out.bulk(&c);
                out.int(idle);
                out.int(n as i64);
            }
        }
    }
    Ok(())
}

/// Gives the pending entry `id` to `consumer` (creating the consumer, which sets
/// `created`) and returns it.
fn claim_one<'a>(
    g: &'a mut Group,
    id: StreamId,
    consumer: &[u8],
    now: i64,
    created: &mut bool,
) -> &'a mut PendingEntry {
    let old = g.pel.get(&id).map(|pe| pe.consumer.clone());
    if let Some(old) = &old {
        if old.as_slice() != consumer {
            if let Some(oc) = g.consumers.get_mut(old) {
                oc.pel.remove(&id);
            }
        }
    }
    let (c, new) = g.consumer_mut(consumer, now);
    *created |= new;
    c.pel.insert(id);
    c.seen_time = now;
    let pe = g.pel.entry(id).or_insert(PendingEntry {
        delivery_time: now,
        delivery_count: 1,
        consumer: consumer.to_vec(),
    });
    pe.consumer = consumer.to_vec();
    pe
}

pub fn xclaim(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key, name) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1), a.get(2));
    let consumer = a.get(3);
    match ctx.core.ks.stream_ref(db, key, now)? {
        Some(s) if s.groups.contains_key(name) => {}
        _ => return Err(no_key_or_group(key, name)),
    }
    let min_idle = int_arg(a.get(4))
        .map_err(|_| CmdError::msg("ERR Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    let mut ids = Vec::new();
    let mut i = 5;
    while i < a.len() {
        match strict_id(a.get(i)) {
            Ok(id) => ids.push(id),
            Err(_) => break,
        }
        i += 1;
    }
    let (mut deliverytime, mut retry, mut force, mut justid, mut lastid) =
        (None::<i64>, None::<i64>, false, false, None::<StreamId>);
    while i < a.len() {
        let o = a.get(i);
        let more = a.len() - 1 - i;
        if is(o, "force") {
            force = true;
        } else if is(o, "justid") {
            justid = true;
        } else if is(o, "idle") && more > 0 {
            i += 1;
            let v = int_arg(a.get(i))
                .map_err(|_| CmdError::msg("ERR Invalid IDLE option argument for XCLAIM"))?;
            deliverytime = Some(now.saturating_sub(v));
        } else if is(o, "time") && more > 0 {
            i += 1;
            deliverytime = Some(
                int_arg(a.get(i))
                    .map_err(|_| CmdError::msg("ERR Invalid TIME option argument for XCLAIM"))?,
            );
        } else if is(o, "retrycount") && more > 0 {
            i += 1;
            retry =
                Some(int_arg(a.get(i)).map_err(|_| {
                    CmdError::msg("ERR Invalid RETRYCOUNT option argument for XCLAIM")
                })?);
        } else if is(o, "lastid") && more > 0 {
            i += 1;
            lastid = Some(strict_id(a.get(i)).map_err(|_| CmdError::msg(INVALID_ID))?);
        } else {
            return Err(CmdError::owned(format!(
                "ERR Unrecognized XCLAIM option '{}'",
                lossy(o)
            )));
        }
        i += 1;
    }
    let deliverytime = match deliverytime {
        Some(t) if t >= 0 && t <= now => t,
        _ => now,
    };
    let s = ctx.core.ks.stream_mut(db, key, now)?.expect("checked");
    let mut changed = 0u64;
    if let Some(l) = lastid {
        let g = s.groups.get_mut(name).expect("checked");
        if l > g.last_id {
            g.last_id = l;
            changed += 1;
        }
    }
    let mut claimed: Vec<StreamId> = Vec::new();
    let mut created = false;
    for id in ids {
        let in_stream = s.contains(&id);
        let g = s.groups.get_mut(name).expect("checked");
        if !g.pel.contains_key(&id) {
            if !(force && in_stream) {
                continue;
            }
        } else if !in_stream {
            // The entry was deleted: drop it from the PEL.
            g.ack(id);
            changed += 1;
            continue;
        }
        if let Some(pe) = g.pel.get(&id) {
            if min_idle > 0 && now.saturating_sub(pe.delivery_time) < min_idle {
                continue;
            }
        }
        let pe = claim_one(g, id, consumer, now, &mut created);
        pe.delivery_time = deliverytime;
        match retry {
            Some(n) => pe.delivery_count = n.max(0) as u64,
            None if !justid => pe.delivery_count += 1,
            None => {}
        }
        claimed.push(id);
        changed += 1;
    }
    ctx.core.dirty += changed;
    let s = consumer_created(ctx.core, db, key, created)?;
    let out = &mut ctx.client.out;
    out.array(claimed.len());
    for id in claimed {
        if justid {
            out.bulk(&id.to_bytes());
        } else {
            reply_entry(out, &id, s.get(&id).unwrap_or(&[]));
        }
    }
    Ok(())
}

/// Queues `xgroup-createconsumer` when a claim created its consumer; gives the stream
/// back for the reply.
fn consumer_created<'a>(
    core: &'a mut crate::server::Core,
    db: usize,
    key: &[u8],
    created: bool,
) -> Result<&'a Stream, CmdError> {
    if created {
        notify::queue(core, db, key, notify::STREAM, "xgroup-createconsumer");
    }
    match core.ks.dbs[db].dict.get(key) {
        Some(Value::Stream(s)) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

pub fn xautoclaim(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key, name) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1), a.get(2));
    let consumer = a.get(3);
    let min_idle = int_arg(a.get(4))
        .map_err(|_| CmdError::msg("ERR Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let start = range_id(a.get(5), true)?;
    let mut count: i64 = 100;
    let mut justid = false;
    let mut i = 6;
    while i < a.len() {
        let more = a.len() - 1 - i;
        if is(a.get(i), "count") && more > 0 {
            count = int_arg(a.get(i + 1))?;
            if count < 1 {
                return Err(CmdError::msg("ERR COUNT must be > 0"));
            }
            if count > i64::MAX / AUTOCLAIM_ATTEMPTS_FACTOR.max(ID_SIZE) {
                return Err(CmdError::msg("ERR COUNT must be > 0"));
            }
            if count.saturating_mul(ID_SIZE) > AUTOCLAIM_ALLOC_LIMIT {
                return Err(CmdError::msg(
                    "ERR Insufficient memory, failed allocating transient memory, COUNT too high.",
                ));
            }
            i += 2;
        } else if is(a.get(i), "justid") {
            justid = true;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    // Unlike XCLAIM, the arguments are checked before the key and group.
    let s = match ctx.core.ks.stream_mut(db, key, now)? {
        Some(s) if s.groups.contains_key(name) => s,
        _ => return Err(no_key_or_group(key, name)),
    };
    let mut attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    let pel_ids: Vec<StreamId> = {
        let g = &s.groups[name];
        g.pel.range(start..).map(|(k, _)| *k).collect()
    };
    let mut next = StreamId::MIN;
    let mut created = false;
    let mut it = pel_ids.into_iter().peekable();
    while attempts > 0 && ((claimed.len() + deleted.len()) as i64) < count {
        let Some(id) = it.next() else { break };
        attempts -= 1;
        let in_stream = s.contains(&id);
        let g = s.groups.get_mut(name).expect("checked");
        if !in_stream {
            g.ack(id);
            deleted.push(id);
            continue;
        }
        if min_idle > 0 && now.saturating_sub(g.pel[&id].delivery_time) < min_idle {
            continue;
        }
        let pe = claim_one(g, id, consumer, now, &mut created);
        pe.delivery_time = now;
        if !justid {
            pe.delivery_count += 1;
        }
        claimed.push(id);
    }
    if let Some(id) = it.peek() {
        next = *id;
    }
    ctx.core.dirty += (claimed.len() + deleted.len()) as u64;
    let s = consumer_created(ctx.core, db, key, created)?;
    let out = &mut ctx.client.out;
    out.array(3);
    out.bulk(&next.to_bytes());
    out.array(claimed.len());
    for id in claimed {
        if justid {
            out.bulk(&id.to_bytes());
        } else {
            reply_entry(out, &id, s.get(&id).unwrap_or(&[]));
        }
    }
    out.array(deleted.len());
    for id in deleted {
        out.bulk(&id.to_bytes());
    }
    Ok(())
}

/// A map in RESP3, a flat array of pairs in RESP2.
fn map_header(out: &mut ReplyWriter, pairs: usize) {
    if out.is_resp3() {
        out.map(pairs);
    } else {
        out.array(pairs * 2);
    }
}

fn id_bulk(out: &mut ReplyWriter, id: &StreamId) {
    out.bulk(&id.to_bytes());
}

fn entry_or_null(out: &mut ReplyWriter, e: Option<(&StreamId, &[crate::sds::Sds])>) {
    match e {
        Some((id, f)) => reply_entry(out, id, f),
        None => out.null(),
    }
}

fn stream_for_info<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a Stream, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    ctx.core
        .ks
        .stream_ref(db, key, now)?
        .ok_or(CmdError::NoSuchKey)
}

/// XINFO `radix-tree-nodes`: the node count of a radix tree (Redis's rax) holding the
/// node start IDs as 16-byte big-endian keys, as built by insertions alone.
fn rax_nodes(s: &Stream) -> usize {
    let keys: Vec<[u8; 16]> = s
        .node_starts()
        .map(|id| {
            let mut k = [0u8; 16];
            k[..8].copy_from_slice(&id.ms.to_be_bytes());
            k[8..].copy_from_slice(&id.seq.to_be_bytes());
            k
        })
        .collect();
    if keys.is_empty() {
        return 1;
    }
    rax_count(&keys, 0)
}

/// Nodes of the subtree holding `keys` (sorted, distinct) from byte `depth` on: a leaf at
/// the end of a key, a compressed node over a shared run of bytes, or a branch node.
fn rax_count(keys: &[[u8; 16]], depth: usize) -> usize {
    if depth == 16 {
        return 1;
    }
    let first = &keys[0];
    let last = &keys[keys.len() - 1];
    let mut common = depth;
    while common < 16 && first[common] == last[common] {
        common += 1;
    }
    if common > depth {
        return 1 + rax_count(keys, common);
    }
    let mut n = 1;
    let mut i = 0;
    while i < keys.len() {
        let b = keys[i][depth];
        let mut j = i;
        while j < keys.len() && keys[j][depth] == b {
            j += 1;
        }
        n += rax_count(&keys[i..j], depth + 1);
        i = j;
    }
    n
}

pub fn xinfo_stream(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut full = false;
    let mut count = XINFO_FULL_DEFAULT_COUNT;
    if a.len() > 3 {
        if !is(a.get(3), "full") || (a.len() != 4 && a.len() != 6) {
            return Err(sub_syntax(a.get(1), "XINFO"));
        }
        full = true;
        if a.len() == 6 {
            if !is(a.get(4), "count") {
                return Err(sub_syntax(a.get(1), "XINFO"));
            }
            let n = int_arg(a.get(5))?;
            count = if n <= 0 { usize::MAX } else { n as usize };
        }
    }
    let now = ctx.core.cmd_time_ms;
    let proto = ctx.client.out.proto;
    let s = stream_for_info(ctx, a.get(2))?;
    let mut out = ReplyWriter::new(proto);
    map_header(&mut out, if full { 9 } else { 10 });
    out.bulk(b"length");
    out.int(s.len() as i64);
    out.bulk(b"radix-tree-keys");
    out.int(s.node_count() as i64);
    out.bulk(b"radix-tree-nodes");
    out.int(rax_nodes(s) as i64);
    out.bulk(b"last-generated-id");
    id_bulk(&mut out, &s.last_id);
    out.bulk(b"max-deleted-entry-id");
    id_bulk(&mut out, &s.max_deleted_id);
    out.bulk(b"entries-added");
    out.int(s.entries_added as i64);
    out.bulk(b"recorded-first-entry-id");
    id_bulk(&mut out, &s.first_id());
    if !full {
        out.bulk(b"groups");
        out.int(s.groups.len() as i64);
        out.bulk(b"first-entry");
        entry_or_null(&mut out, s.first_entry());
        out.bulk(b"last-entry");
        entry_or_null(&mut out, s.last_entry());
    } else {
        out.bulk(b"entries");
        let items: Vec<_> = s
            .range(StreamId::MIN, StreamId::MAX, false)
            .take(count)
            .collect();
        out.array(items.len());
        for (id, f) in items {
            reply_entry(&mut out, id, f);
        }
        out.bulk(b"groups");
        out.array(s.groups.len());
        for (gname, g) in &s.groups {
            map_header(&mut out, 7);
            out.bulk(b"name");
            out.bulk(gname);
            out.bulk(b"last-delivered-id");
            id_bulk(&mut out, &g.last_id);
            out.bulk(b"entries-read");
            entries_read_reply(&mut out, g.entries_read);
            out.bulk(b"lag");
            lag_reply(&mut out, s, g);
            out.bulk(b"pel-count");
            out.int(g.pel.len() as i64);
            out.bulk(b"pending");
            let pes: Vec<_> = g.pel.iter().take(count).collect();
            out.array(pes.len());
            for (id, pe) in pes {
                out.array(4);
                id_bulk(&mut out, id);
                out.bulk(&pe.consumer);
                out.int(pe.delivery_time);
                out.int(pe.delivery_count as i64);
            }
            out.bulk(b"consumers");
            out.array(g.consumers.len());
            for (cname, c) in &g.consumers {
                map_header(&mut out, 4);
                out.bulk(b"name");
                out.bulk(cname);
                out.bulk(b"seen-time");
                out.int(c.seen_time);
                out.bulk(b"pel-count");
                out.int(c.pel.len() as i64);
                out.bulk(b"pending");
                let ids: Vec<_> = c.pel.iter().take(count).collect();
                out.array(ids.len());
                for id in ids {
                    let pe = &g.pel[id];
                    out.array(3);
                    id_bulk(&mut out, id);
                    out.int(pe.delivery_time);
                    out.int(pe.delivery_count as i64);
                }
            }
        }
    }
    let _ = now;
    ctx.client.out.raw(&out.buf);
    Ok(())
}

fn entries_read_reply(out: &mut ReplyWriter, n: i64) {
    if n == ENTRIES_READ_INVALID {
        out.null();
    } else {
        out.int(n);
    }
}

fn lag_reply(out: &mut ReplyWriter, s: &Stream, g: &Group) {
    match s.lag(g) {
        Some(l) => out.int(l),
        None => out.null(),
    }
}

pub fn xinfo_groups(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let proto = ctx.client.out.proto;
    let s = stream_for_info(ctx, a.get(2))?;
    let mut out = ReplyWriter::new(proto);
    out.array(s.groups.len());
    for (name, g) in &s.groups {
        map_header(&mut out, 6);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"consumers");
        out.int(g.consumers.len() as i64);
        out.bulk(b"pending");
        out.int(g.pel.len() as i64);
        out.bulk(b"last-delivered-id");
        id_bulk(&mut out, &g.last_id);
        out.bulk(b"entries-read");
        entries_read_reply(&mut out, g.entries_read);
        out.bulk(b"lag");
        lag_reply(&mut out, s, g);
    }
    ctx.client.out.raw(&out.buf);
    Ok(())
}

pub fn xinfo_consumers(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let now = ctx.core.cmd_time_ms;
    let proto = ctx.client.out.proto;
    let (key, name) = (a.get(2), a.get(3));
    let s = stream_for_info(ctx, key)?;
    let g = s.groups.get(name).ok_or_else(|| no_group(key, name))?;
    let mut out = ReplyWriter::new(proto);
    out.array(g.consumers.len());
    for (cname, c) in &g.consumers {
        map_header(&mut out, 3);
        out.bulk(b"name");
        out.bulk(cname);
        out.bulk(b"pending");
        out.int(c.pel.len() as i64);
        out.bulk(b"idle");
        out.int(now.saturating_sub(c.seen_time).max(0));
    }
    ctx.client.out.raw(&out.buf);
    Ok(())
}

pub fn xinfo_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help(
        &mut ctx.client.out,
        &[
            "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}
