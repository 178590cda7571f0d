//! Stream commands on entries: XADD, XTRIM, XLEN, XRANGE, XREVRANGE, XDEL, XSETID and the
//! readers XREAD / XREADGROUP (blocking included). Consumer-group administration and the
//! PEL commands (XGROUP, XINFO, XACK, XPENDING, XCLAIM, XAUTOCLAIM) are in
//! `stream_groups.rs`.
//!
//! Blocking readers: when nothing can be served, XREAD/XREADGROUP file a block request of
//! kind [`BlockKind::Stream`]; writers signal the key (`BlockIndex::signal`) and the event
//! loop runs the parked command line again. XREAD's `$` is resolved to the stream's last
//! ID before parking (`Client::block_argv`), so the re-run reads what came after it.
//! Inside MULTI and scripts (`deny_blocking`) a blocking read answers null at once.
//!
//! Error strings and reply shapes follow redis-server 7.0.15 (`redis-tests/streams*.txt`).

use super::{int_arg, is};
use crate::client::{BlockKind, BlockRequest, TimeoutReply};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::notify;
use crate::sds::Sds;
use crate::server::Ctx;
use crate::types::stream::{
    parse_id, parse_u64, IdSyntax, Stream, StreamId, Trim, TrimBy, ID_TEXT_MAX,
};
use resp::{Args, ReplyWriter};
use std::time::{Duration, Instant};

pub const INVALID_ID: &str = "ERR Invalid stream ID specified as stream command argument";
/// Default `LIMIT` of `~` trimming, per `stream-node-max-entries` (Redis: 100 nodes).
const APPROX_LIMIT_NODES: u64 = 100;
/// Default approximate-trim limit when `stream-node-max-entries` is 0 (Redis: 10000).
const APPROX_LIMIT_DEFAULT: u64 = 10_000;
/// Cap of the default approximate-trim limit (Redis: 1000000).
const APPROX_LIMIT_MAX: u64 = 1_000_000;

/// A strict ID argument (`ms` or `ms-seq`).
pub fn strict_id(b: &[u8]) -> Result<StreamId, CmdError> {
    parse_id(b, IdSyntax::Strict, 0).ok_or(CmdError::msg(INVALID_ID))
}

/// A range bound: `-`, `+`, `ms[-seq]` or exclusive `(ms[-seq]`.
pub fn range_id(b: &[u8], start: bool) -> Result<StreamId, CmdError> {
    let missing = if start { 0 } else { u64::MAX };
    if let Some(rest) = b.strip_prefix(b"(") {
        let id = parse_id(rest, IdSyntax::Strict, missing).ok_or(CmdError::msg(INVALID_ID))?;
        return if start {
            id.next()
                .ok_or(CmdError::msg("ERR invalid start ID for the interval"))
        } else {
            id.prev()
                .ok_or(CmdError::msg("ERR invalid end ID for the interval"))
        };
    }
    parse_id(b, IdSyntax::Range, missing).ok_or(CmdError::msg(INVALID_ID))
}

/// `stream-node-max-entries` and `stream-node-max-bytes`.
pub fn node_limits(ctx: &Ctx) -> (u64, u64) {
    let c = &ctx.core.config;
    let e = c.get("stream-node-max-entries").parse().unwrap_or(100);
    let b = crate::config::parse_memory(c.get("stream-node-max-bytes")).unwrap_or(4096);
    (e, b)
}

/// Writes one entry: `[id, [field, value, ...]]`.
pub fn reply_entry(out: &mut ReplyWriter, id: &StreamId, fields: &[Sds]) {
    out.array(2);
    out.bulk(id.format(&mut [0; ID_TEXT_MAX]));
    out.array(fields.len());
    for f in fields {
        out.bulk(f.as_bytes());
    }
}

/// Parsed `[NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]]` (XADD, XTRIM).
struct AddTrimArgs {
    trim: Option<Trim>,
    nomkstream: bool,
    /// XADD: index of the ID argument.
    id_pos: usize,
}

fn parse_add_trim(ctx: &Ctx, a: &Args, xadd: bool) -> Result<AddTrimArgs, CmdError> {
    let argc = a.len();
    let mut by: Option<TrimBy> = None;
    let mut approx = false;
    let mut limit: Option<u64> = None;
    let mut nomkstream = false;
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let o = a.get(i);
        if xadd && o == b"*" {
            break;
        } else if (is(o, "maxlen") || is(o, "minid")) && more > 0 {
            if by.is_some() {
                return Err(CmdError::msg(
                    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            let maxlen = is(o, "maxlen");
            let next = a.get(i + 1);
            if more >= 2 && (next == b"~" || next == b"=") {
                approx = next == b"~";
                i += 1;
            }
            let v = a.get(i + 1);
            by = Some(if maxlen {
                let n = int_arg(v)?;
                if n < 0 {
                    return Err(CmdError::msg("ERR The MAXLEN argument must be >= 0."));
                }
                TrimBy::MaxLen(n as u64)
            } else {
                TrimBy::MinId(strict_id(v)?)
            });
            i += 2;
        } else if is(o, "limit") && more > 0 {
            let n = int_arg(a.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::msg("ERR The LIMIT argument must be >= 0."));
            }
            limit = Some(n as u64);
            i += 2;
        } else if xadd && is(o, "nomkstream") {
            nomkstream = true;
            i += 1;
        } else if xadd {
            break;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let trim = match by {
        None => {
            if limit.is_some() {
                return Err(CmdError::msg(
                    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
                ));
            }
            None
        }
        Some(by) => {
            let limit = match limit {
                Some(_) if !approx => {
                    return Err(CmdError::msg(
                        "ERR syntax error, LIMIT cannot be used without the special ~ option",
                    ))
                }
                Some(l) => l,
                None if approx => {
                    let per = node_limits(ctx).0;
                    if per == 0 {
                        APPROX_LIMIT_DEFAULT
                    } else {
                        (per.saturating_mul(APPROX_LIMIT_NODES)).min(APPROX_LIMIT_MAX)
                    }
                }
                None => 0,
            };
            Some(Trim { by, approx, limit })
        }
    };
    Ok(AddTrimArgs {
        trim,
        nomkstream,
        id_pos: i,
    })
}

/// What the ID argument of XADD asks for.
enum AddId {
    Auto,
    /// `ms-*`
    AutoSeq(u64),
    Exact(StreamId),
}

fn parse_add_id(b: &[u8]) -> Result<AddId, CmdError> {
    if b == b"*" {
        return Ok(AddId::Auto);
    }
    if let Some(ms) = b.strip_suffix(b"-*") {
        return parse_u64(ms)
            .map(AddId::AutoSeq)
            .ok_or(CmdError::msg(INVALID_ID));
    }
    let id = strict_id(b)?;
    if id.is_zero() {
        return Err(CmdError::msg(
            "ERR The ID specified in XADD must be greater than 0-0",
        ));
    }
    Ok(AddId::Exact(id))
}

pub fn xadd(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let p = parse_add_trim(ctx, a, true)?;
    if p.id_pos >= a.len() {
        return Err(CmdError::WrongArity("xadd".into()));
    }
    let want = parse_add_id(a.get(p.id_pos))?;
    let nfields = a.len() - p.id_pos - 1;
    if nfields < 2 || nfields % 2 == 1 {
        return Err(CmdError::WrongArity("xadd".into()));
    }
    let (max_e, max_b) = node_limits(ctx);
    let exists = ctx.core.ks.stream_mut(db, key, now)?.is_some();
    if !exists && p.nomkstream {
        ctx.client.out.null();
        return Ok(());
    }
    let empty = Stream::new();
    let id = {
        let s: &Stream = match ctx.core.ks.stream_mut(db, key, now)? {
            Some(s) => s,
            None => &empty,
        };
        if s.last_id == StreamId::MAX {
            return Err(CmdError::msg(
                "ERR The stream has exhausted the last possible ID, unable to add more items",
            ));
        }
        let id = match want {
            AddId::Auto => s.next_id(now.max(0) as u64, None),
            AddId::AutoSeq(ms) => s.next_id(0, Some(ms)),
            AddId::Exact(id) => (id > s.last_id).then_some(id),
        };
        id.ok_or(CmdError::msg(
            "ERR The ID specified in XADD is equal or smaller than the target stream top item",
        ))?
    };
    if !exists {
        ctx.core
            .ks
            .set(db, key, Value::Stream(Box::default()), false);
    }
    let fields: Box<[Sds]> = (p.id_pos + 1..a.len())
        .map(|i| Sds::new(a.get(i)))
        .collect();
    let s = ctx.core.ks.stream_mut(db, key, now)?.expect("present");
    s.append(id, fields, max_e, max_b);
    let trimmed = p.trim.map_or(0, |t| s.trim(t));
    ctx.core.dirty += 1;
    notify::queue(ctx.core, db, key, notify::STREAM, "xadd");
    if trimmed > 0 {
        notify::queue(ctx.core, db, key, notify::STREAM, "xtrim");
    }
    ctx.core.blocking.signal(db, key);
    ctx.client.out.bulk(&id.to_bytes());
    Ok(())
}

pub fn xtrim(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let p = parse_add_trim(ctx, a, false)?;
    let Some(t) = p.trim else {
        return Err(CmdError::Syntax);
    };
    let n = match ctx.core.ks.stream_mut(db, key, now)? {
        None => 0,
        Some(s) => s.trim(t),
    };
    if n > 0 {
        ctx.core.dirty += n;
        notify::queue(ctx.core, db, key, notify::STREAM, "xtrim");
    }
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn xlen(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx
        .core
        .ks
        .stream_ref(db, a.get(1), now)?
        .map_or(0, |s| s.len());
    ctx.client.out.int(n as i64);
    Ok(())
}

fn range_generic(ctx: &mut Ctx, a: &Args, rev: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (sa, ea) = if rev {
        (a.get(3), a.get(2))
    } else {
        (a.get(2), a.get(3))
    };
    let start = range_id(sa, true)?;
    let end = range_id(ea, false)?;
    let mut count: Option<usize> = None;
    let mut i = 4;
    while i < a.len() {
        if is(a.get(i), "count") && i + 1 < a.len() {
            count = Some(int_arg(a.get(i + 1))?.max(0) as usize);
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let out = &mut ctx.client.out;
    let Some(s) = ctx.core.ks.stream_ref(db, a.get(1), now)? else {
        out.array(0);
        return Ok(());
    };
    if count == Some(0) {
        out.null_array();
        return Ok(());
    }
    let items: Vec<_> = s
        .range(start, end, rev)
        .take(count.unwrap_or(usize::MAX))
        .collect();
    out.array(items.len());
    for (id, f) in items {
        reply_entry(out, id, f);
    }
    Ok(())
}

pub fn xrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, false)
}

pub fn xrevrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, true)
}

pub fn xdel(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let ids = (2..a.len())
        .map(|i| strict_id(a.get(i)))
        .collect::<Result<Vec<_>, _>>()?;
    let n = match ctx.core.ks.stream_mut(db, key, now)? {
        None => 0,
        Some(s) => ids.iter().filter(|id| s.delete(**id)).count(),
    };
    if n > 0 {
        ctx.core.dirty += n as u64;
        notify::queue(ctx.core, db, key, notify::STREAM, "xdel");
    }
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn xsetid(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let id = strict_id(a.get(2))?;
    let mut added: Option<u64> = None;
    let mut maxdel: Option<StreamId> = None;
    let mut i = 3;
    while i < a.len() {
        let more = a.len() - 1 - i;
        if is(a.get(i), "entriesadded") && more > 0 {
            let n = int_arg(a.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::msg("ERR entries_added must be positive"));
            }
            added = Some(n as u64);
            i += 2;
        } else if is(a.get(i), "maxdeletedid") && more > 0 {
            let m = strict_id(a.get(i + 1))?;
            if id < m {
                return Err(CmdError::msg(
                    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
            maxdel = Some(m);
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let Some(s) = ctx.core.ks.stream_mut(db, key, now)? else {
        return Err(CmdError::NoSuchKey);
    };
    if let Some((top, _)) = s.last_entry() {
        if id < *top {
            return Err(CmdError::msg(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
    }
    if let Some(n) = added {
        if (s.len() as u64) > n {
            return Err(CmdError::msg(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    s.last_id = id;
    if let Some(n) = added {
        s.entries_added = n;
    }
    if let Some(m) = maxdel {
        s.max_deleted_id = m;
    }
    ctx.core.dirty += 1;
    notify::queue(ctx.core, db, key, notify::STREAM, "xsetid");
    ctx.client.out.ok();
    Ok(())
}

/// One stream of an XREAD / XREADGROUP call and where to read from.
enum ReadFrom {
    /// Entries after this ID.
    After(StreamId),
    /// XREADGROUP `>`: new entries for the group.
    New,
    /// XREADGROUP with an ID: the consumer's own pending entries after it.
    History(StreamId),
}

struct ReadArgs {
    count: usize,
    block: Option<Option<Instant>>,
    group: Option<(Vec<u8>, Vec<u8>)>,
    noack: bool,
    streams_at: usize,
    n: usize,
}

fn parse_read(a: &Args, group_cmd: bool, in_script: bool) -> Result<ReadArgs, CmdError> {
    let argc = a.len();
    let mut r = ReadArgs {
        count: 0,
        block: None,
        group: None,
        noack: false,
        streams_at: 0,
        n: 0,
    };
    let mut i = 1;
    while i < argc {
        let more = argc - 1 - i;
        let o = a.get(i);
        if is(o, "block") && more > 0 {
            // Refused from scripts before the timeout is read, naming the command as the
            // script spelled it.
            if in_script {
                return Err(CmdError::owned(format!(
                    "ERR {} command is not allowed with BLOCK option from scripts",
                    String::from_utf8_lossy(a.get(0))
                )));
            }
            let ms = int_arg(a.get(i + 1))
                .map_err(|_| CmdError::msg("ERR timeout is not an integer or out of range"))?;
            if ms < 0 {
                return Err(CmdError::msg("ERR timeout is negative"));
            }
            r.block = Some(if ms == 0 {
                None
            } else {
                // A timeout too far away to represent blocks forever.
                Instant::now().checked_add(Duration::from_millis(ms as u64))
            });
            i += 2;
        } else if is(o, "count") && more > 0 {
            r.count = int_arg(a.get(i + 1))?.max(0) as usize;
            i += 2;
        } else if is(o, "streams") && more > 0 {
            r.streams_at = i + 1;
            let rest = argc - r.streams_at;
            if !rest.is_multiple_of(2) {
                let which = if group_cmd { "XREADGROUP" } else { "XREAD" };
                return Err(CmdError::owned(format!(
                    "ERR Unbalanced {which} list of streams: for each stream key an ID or '$' must be specified."
                )));
            }
            r.n = rest / 2;
            break;
        } else if is(o, "group") && more >= 2 {
            if !group_cmd {
                return Err(CmdError::msg(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.group = Some((a.get(i + 1).to_vec(), a.get(i + 2).to_vec()));
            i += 3;
        } else if is(o, "noack") && group_cmd {
            r.noack = true;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if r.streams_at == 0 {
        return Err(CmdError::Syntax);
    }
    if group_cmd && r.group.is_none() {
        return Err(CmdError::msg("ERR Missing GROUP option for XREADGROUP"));
    }
    Ok(r)
}

/// XREADGROUP re-run after its key went away or stopped being a stream.
const KEY_GONE: &str = "UNBLOCKED the stream key no longer exists";
/// XREADGROUP re-run after its group was destroyed.
const GROUP_GONE: &str = "NOGROUP the consumer group this client was blocked on no longer exists";

fn read_generic(ctx: &mut Ctx, a: &Args, group_cmd: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let in_script = ctx.client.deny_blocking && ctx.core.scripting.running.is_some();
    let r = parse_read(a, group_cmd, in_script)?;
    let rerun = ctx.client.blocked.is_some();
    let mut from = Vec::with_capacity(r.n);
    for k in 0..r.n {
        let key = a.get(r.streams_at + k);
        let ida = a.get(r.streams_at + r.n + k);
        let s = if rerun {
            // A parked reader whose key stopped holding a stream: XREAD keeps waiting,
            // XREADGROUP fails.
            match ctx.core.ks.lookup_write(db, key, now) {
                Some(Value::Stream(s)) => Some(&**s),
                _ if !group_cmd => None,
                _ => return Err(CmdError::msg(KEY_GONE)),
            }
        } else {
            ctx.core.ks.stream_ref(db, key, now)?
        };
        if let Some((g, _)) = &r.group {
            if s.is_none_or(|s| !s.groups.contains_key(g)) {
                if rerun {
                    return Err(CmdError::msg(GROUP_GONE));
                }
                return Err(CmdError::owned(format!(
                    "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
                    String::from_utf8_lossy(key),
                    String::from_utf8_lossy(g)
                )));
            }
        }
        let f = if ida == b"$" {
            if group_cmd {
                return Err(CmdError::msg("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."));
            }
            ReadFrom::After(s.map_or(StreamId::MIN, |s| s.last_id))
        } else if ida == b">" {
            if !group_cmd {
                return Err(CmdError::msg("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."));
            }
            ReadFrom::New
        } else {
            let id = strict_id(ida)?;
            if group_cmd {
                ReadFrom::History(id)
            } else {
                ReadFrom::After(id)
            }
        };
        from.push(f);
    }
    // Serve.
    let count = if r.count == 0 { usize::MAX } else { r.count };
    let mut served = 0usize;
    let mut body = ReplyWriter::new(ctx.client.out.proto);
    for (k, f) in from.iter().enumerate() {
        let key = a.get(r.streams_at + k);
        let n = match &r.group {
            None => read_plain(ctx, db, now, key, f, count, rerun, &mut body),
            Some((g, c)) => {
                read_group(ctx, db, now, key, g, c, f, count, r.noack, rerun, &mut body)
            }
        };
        if let Some(n) = n {
            served += n;
        }
    }
    let out = &mut ctx.client.out;
    if served > 0 {
        if out.is_resp3() {
            out.map(served);
        } else {
            out.array(served);
        }
        out.raw(&body.buf);
        return Ok(());
    }
    match r.block {
        Some(deadline) if !ctx.client.deny_blocking => {
            let keys: Vec<Vec<u8>> = (0..r.n).map(|k| a.get(r.streams_at + k).to_vec()).collect();
            if !rerun {
                let mut argv: Vec<Vec<u8>> = a.iter().map(<[u8]>::to_vec).collect();
                for (k, f) in from.iter().enumerate() {
                    if let ReadFrom::After(id) = f {
                        argv[r.streams_at + r.n + k] = id.to_bytes();
                    }
                }
                ctx.client.block_argv = Some(argv);
            }
            ctx.client.block_req = Some(BlockRequest {
                db,
                keys,
                deadline,
                kind: BlockKind::Stream,
                timeout_reply: TimeoutReply::NullArray,
            });
        }
        _ => out.null_array(),
    }
    Ok(())
}

/// XREAD on one stream: writes `[key, entries]` into `body`; the number of streams
/// written (0 or 1).
#[allow(clippy::too_many_arguments)]
fn read_plain(
    ctx: &mut Ctx,
    db: usize,
    now: i64,
    key: &[u8],
    f: &ReadFrom,
    count: usize,
    rerun: bool,
    body: &mut ReplyWriter,
) -> Option<usize> {
    let ReadFrom::After(after) = f else {
        return None;
    };
    let s = ctx.core.ks.stream_ref(db, key, now).ok()??;
    let start = after.next()?;
    let items: Vec<_> = s.range(start, StreamId::MAX, false).take(count).collect();
    // A parked reader woken by a write is answered once the stream's last ID moved past
    // its own, even when those entries were deleted meanwhile (Redis 7.0 replies with an
    // empty list of entries then).
    if items.is_empty() && !(rerun && s.last_id > *after) {
        return None;
    }
    if !body.is_resp3() {
        body.array(2);
    }
    body.bulk(key);
    body.array(items.len());
    for (id, fv) in items {
        reply_entry(body, id, fv);
    }
    Some(1)
}

/// XREADGROUP on one stream; `Some(1)` when a `[key, entries]` pair was written.
#[allow(clippy::too_many_arguments)]
fn read_group(
    ctx: &mut Ctx,
    db: usize,
    now: i64,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    f: &ReadFrom,
    count: usize,
    noack: bool,
    rerun: bool,
    body: &mut ReplyWriter,
) -> Option<usize> {
    let Ok(Some(s)) = ctx.core.ks.stream_mut(db, key, now) else {
        return None;
    };
    let g = s.groups.get_mut(group)?;
    let (c, created) = g.consumer_mut(consumer, now);
    c.seen_time = now;
    let mut written = None;
    match f {
        ReadFrom::New => {
            let group_last = g.last_id;
            let start = group_last.next();
            let ids: Vec<StreamId> = match start {
                Some(st) => s
                    .range(st, StreamId::MAX, false)
                    .take(count)
                    .map(|(id, _)| *id)
                    .collect(),
                None => Vec::new(),
            };
            if !ids.is_empty() || (rerun && s.last_id > group_last) {
                if !body.is_resp3() {
                    body.array(2);
                }
                body.bulk(key);
                body.array(ids.len());
                for id in &ids {
                    reply_entry(body, id, s.get(id).expect("present"));
                    s.advance_group(group, *id);
                    if !noack {
                        let g = s.groups.get_mut(group).expect("present");
                        let pe = crate::types::stream::PendingEntry {
                            delivery_time: now,
                            delivery_count: 1,
                            consumer: consumer.to_vec(),
                        };
                        if let Some(old) = g.pel.insert(*id, pe) {
                            if let Some(oc) = g.consumers.get_mut(&old.consumer) {
                                oc.pel.remove(id);
                            }
                        }
                        g.consumers
                            .get_mut(consumer)
                            .expect("present")
                            .pel
                            .insert(*id);
                    }
                }
                written = Some(1);
            }
        }
        ReadFrom::History(after) => {
            let ids: Vec<StreamId> = match after.next() {
                Some(st) => c.pel.range(st..).take(count).copied().collect(),
                None => Vec::new(),
            };
            if !body.is_resp3() {
                body.array(2);
            }
            body.bulk(key);
            body.array(ids.len());
            for id in &ids {
                match s.get(id) {
                    Some(fv) => reply_entry(body, id, fv),
                    None => {
                        body.array(2);
                        body.bulk(&id.to_bytes());
                        body.null_array();
                    }
                }
                let g = s.groups.get_mut(group).expect("present");
                if let Some(pe) = g.pel.get_mut(id) {
                    pe.delivery_time = now;
                    pe.delivery_count += 1;
                }
            }
            written = Some(1);
        }
        ReadFrom::After(_) => {}
    }
    if created {
        notify::queue(ctx.core, db, key, notify::STREAM, "xgroup-createconsumer");
    }
    if written.is_some() && matches!(f, ReadFrom::New) {
        ctx.core.dirty += 1;
    }
    written
}

pub fn xread(ctx: &mut Ctx, a: &Args) -> CmdResult {
    read_generic(ctx, a, false)
}

pub fn xreadgroup(ctx: &mut Ctx, a: &Args) -> CmdResult {
    read_generic(ctx, a, true)
}
