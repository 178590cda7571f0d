//! List commands, blocking ones included (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP).
//!
//! A blocking command first tries to serve like its non-blocking twin; when every key is
//! empty it either answers null (inside MULTI/EXEC or a script: `Client::deny_blocking`,
//! or after a timeout) or files a [`BlockRequest`] for the event loop, which parks the
//! client and runs the same command line again when a key becomes ready (`blocking.rs`).

use super::{int_arg, is};
use crate::client::{BlockKind, BlockRequest, TimeoutReply};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::sds::Sds;
use crate::server::Ctx;
use crate::types::List;
use resp::Args;
use std::time::{Duration, Instant};

/// Normalises a Redis `start..=end` index pair over `len` items into a half-open range.
pub fn index_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut s = if start < 0 { len + start } else { start };
    let mut e = if end < 0 { len + end } else { end };
    if s < 0 {
        s = 0;
    }
    if s > e || s >= len {
        return None;
    }
    if e >= len {
        e = len - 1;
    }
    Some((s as usize, e as usize + 1))
}

fn pop(l: &mut List, left: bool) -> Option<Sds> {
    if left {
        l.pop_front()
    } else {
        l.pop_back()
    }
}

fn push_generic(ctx: &mut Ctx, a: &Args, left: bool, only_existing: bool) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let l = match ctx.core.ks.list_mut(db, key, now)? {
        Some(l) => l,
        None if only_existing => {
            ctx.client.out.int(0);
            return Ok(());
        }
        None => {
            ctx.core.ks.set(db, key, Value::List(Box::default()), false);
            ctx.core.ks.list_mut(db, key, now)?.expect("just created")
        }
    };
    for i in 2..a.len() {
        let v = Sds::new(a.get(i));
        if left {
            l.push_front(v);
        } else {
            l.push_back(v);
        }
    }
    let n = l.len();
    ctx.core.dirty += (a.len() - 2) as u64;
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn lpush(ctx: &mut Ctx, a: &Args) -> CmdResult {
    push_generic(ctx, a, true, false)
}
pub fn rpush(ctx: &mut Ctx, a: &Args) -> CmdResult {
    push_generic(ctx, a, false, false)
}
pub fn lpushx(ctx: &mut Ctx, a: &Args) -> CmdResult {
    push_generic(ctx, a, true, true)
}
pub fn rpushx(ctx: &mut Ctx, a: &Args) -> CmdResult {
    push_generic(ctx, a, false, true)
}

/// `count` argument of the pop commands: positive (`out of range, must be positive`).
fn pop_count(arg: &[u8]) -> Result<usize, CmdError> {
    let n =
        int_arg(arg).map_err(|_| CmdError::msg("ERR value is out of range, must be positive"))?;
    if n < 0 {
        return Err(CmdError::msg("ERR value is out of range, must be positive"));
    }
    Ok(n as usize)
}

/// Pops up to `count` items from `key` (which must hold a non-empty list).
fn pop_many(ctx: &mut Ctx, db: usize, key: &[u8], left: bool, count: usize) -> Vec<Sds> {
    let now = ctx.core.cmd_time_ms;
    let mut out = Vec::new();
    if let Ok(Some(l)) = ctx.core.ks.list_mut(db, key, now) {
        for _ in 0..count {
            match pop(l, left) {
                Some(v) => out.push(v),
                None => break,
            }
        }
    }
    ctx.core.ks.remove_if_empty(db, key);
    ctx.core.dirty += out.len() as u64;
    out
}

fn pop_generic(ctx: &mut Ctx, a: &Args, left: bool) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    if a.len() > 3 {
        return Err(CmdError::WrongArity(
            if left { "lpop" } else { "rpop" }.into(),
        ));
    }
    let count = if a.len() == 3 {
        Some(pop_count(a.get(2))?)
    } else {
        None
    };
    if ctx.core.ks.list_mut(db, key, now)?.is_none() {
        match count {
            Some(_) => ctx.client.out.null_array(),
            None => ctx.client.out.null(),
        }
        return Ok(());
    }
    match count {
        None => {
            let v = pop_many(ctx, db, key, left, 1);
            ctx.client.out.bulk(v[0].as_bytes());
        }
        Some(n) => {
            let v = pop_many(ctx, db, key, left, n);
            ctx.client.out.array(v.len());
            for x in &v {
                ctx.client.out.bulk(x.as_bytes());
            }
        }
    }
    Ok(())
}

pub fn lpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    pop_generic(ctx, a, true)
}
pub fn rpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    pop_generic(ctx, a, false)
}

pub fn llen(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx
        .core
        .ks
        .list_ref(db, a.get(1), now)?
        .map_or(0, |l| l.len());
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn lrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (start, end) = (int_arg(a.get(2))?, int_arg(a.get(3))?);
    let out = &mut ctx.client.out;
    match ctx.core.ks.list_ref(db, a.get(1), now)? {
        None => out.array(0),
        Some(l) => match index_range(start, end, l.len()) {
            None => out.array(0),
            Some((s, e)) => {
                out.array(e - s);
                for v in l.range(s..e) {
                    out.bulk(v.as_bytes());
                }
            }
        },
    }
    Ok(())
}

pub fn lindex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let idx = int_arg(a.get(2))?;
    let out = &mut ctx.client.out;
    match ctx.core.ks.list_ref(db, a.get(1), now)? {
        None => out.null(),
        Some(l) => {
            let i = if idx < 0 { l.len() as i64 + idx } else { idx };
            match (i >= 0).then(|| l.get(i as usize)).flatten() {
                Some(v) => out.bulk(v.as_bytes()),
                None => out.null(),
            }
        }
    }
    Ok(())
}

pub fn lset(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let idx = int_arg(a.get(2))?;
    let Some(l) = ctx.core.ks.list_mut(db, a.get(1), now)? else {
        return Err(CmdError::NoSuchKey);
    };
    let i = if idx < 0 { l.len() as i64 + idx } else { idx };
    match (i >= 0).then(|| l.get_mut(i as usize)).flatten() {
        Some(slot) => *slot = Sds::new(a.get(3)),
        None => return Err(CmdError::msg("ERR index out of range")),
    }
    ctx.core.dirty += 1;
    ctx.client.out.ok();
    Ok(())
}

pub fn linsert(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let after = if is(a.get(2), "after") {
        true
    } else if is(a.get(2), "before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let Some(l) = ctx.core.ks.list_mut(db, a.get(1), now)? else {
        ctx.client.out.int(0);
        return Ok(());
    };
    let pivot = a.get(3);
    match l.iter().position(|v| v.as_bytes() == pivot) {
        None => ctx.client.out.int(-1),
        Some(p) => {
            l.insert(if after { p + 1 } else { p }, Sds::new(a.get(4)));
            let n = l.len();
            ctx.core.dirty += 1;
            ctx.client.out.int(n as i64);
        }
    }
    Ok(())
}

pub fn lrem(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let count = int_arg(a.get(2))?;
    let elem = a.get(3);
    let Some(l) = ctx.core.ks.list_mut(db, key, now)? else {
        ctx.client.out.int(0);
        return Ok(());
    };
    let limit = if count == 0 {
        usize::MAX
    } else {
        count.unsigned_abs() as usize
    };
    let mut removed = 0;
    if count >= 0 {
        let mut i = 0;
        while i < l.len() && removed < limit {
            if l[i].as_bytes() == elem {
                l.remove(i);
                removed += 1;
            } else {
                i += 1;
            }
        }
    } else {
        let mut i = l.len();
        while i > 0 && removed < limit {
            i -= 1;
            if l[i].as_bytes() == elem {
                l.remove(i);
                removed += 1;
            }
        }
    }
    ctx.core.ks.remove_if_empty(db, key);
    ctx.core.dirty += removed as u64;
    ctx.client.out.int(removed as i64);
    Ok(())
}

pub fn ltrim(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let (start, end) = (int_arg(a.get(2))?, int_arg(a.get(3))?);
    if let Some(l) = ctx.core.ks.list_mut(db, key, now)? {
        match index_range(start, end, l.len()) {
            None => l.clear(),
            Some((s, e)) => {
                l.truncate(e);
                l.drain(..s);
            }
        }
        ctx.core.ks.remove_if_empty(db, key);
        ctx.core.dirty += 1;
    }
    ctx.client.out.ok();
    Ok(())
}

pub fn lpos(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (mut rank, mut count, mut maxlen) = (1i64, None, 0i64);
    let mut i = 3;
    while i < a.len() {
        if i + 1 >= a.len() {
            return Err(CmdError::Syntax);
        }
        let o = a.get(i);
        if is(o, "rank") {
            rank = int_arg(a.get(i + 1))?;
            if rank == 0 {
                return Err(CmdError::msg("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"));
            }
            if rank == i64::MIN {
                return Err(CmdError::msg("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
            }
        } else if is(o, "count") {
            let n = int_arg(a.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::msg("ERR COUNT can't be negative"));
            }
            count = Some(n);
        } else if is(o, "maxlen") {
            maxlen = int_arg(a.get(i + 1))?;
            if maxlen < 0 {
                return Err(CmdError::msg("ERR MAXLEN can't be negative"));
            }
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let elem = a.get(2);
    let Some(l) = ctx.core.ks.list_ref(db, a.get(1), now)? else {
        match count {
            Some(_) => ctx.client.out.array(0),
            None => ctx.client.out.null(),
        }
        return Ok(());
    };
    let want = match count {
        Some(0) => usize::MAX,
        Some(n) => n as usize,
        None => 1,
    };
    let scan_max = if maxlen == 0 {
        usize::MAX
    } else {
        maxlen as usize
    };
    let mut skip = rank.unsigned_abs() - 1;
    let mut found = Vec::new();
    let len = l.len();
    for step in 0..len.min(scan_max) {
        let idx = if rank > 0 { step } else { len - 1 - step };
        if l[idx].as_bytes() == elem {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            found.push(idx as i64);
            if found.len() >= want {
                break;
            }
        }
    }
    let out = &mut ctx.client.out;
    match count {
        Some(_) => {
            out.array(found.len());
            for p in found {
                out.int(p);
            }
        }
        None => match found.first() {
            Some(&p) => out.int(p),
            None => out.null(),
        },
    }
    Ok(())
}

fn side(arg: &[u8]) -> Result<bool, CmdError> {
    if is(arg, "left") {
        Ok(true)
    } else if is(arg, "right") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Moves one element from `src` to `dst`; `None` when `src` is missing. Checks `dst`'s type
/// before popping.
fn move_one(
    ctx: &mut Ctx,
    src: &[u8],
    dst: &[u8],
    from_left: bool,
    to_left: bool,
) -> Result<Option<Sds>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if ctx.core.ks.list_mut(db, src, now)?.is_none() {
        return Ok(None);
    }
    ctx.core.ks.list_mut(db, dst, now)?;
    let v = pop_many(ctx, db, src, from_left, 1)
        .pop()
        .expect("source is non-empty");
    if ctx.core.ks.list_mut(db, dst, now)?.is_none() {
        ctx.core.ks.set(db, dst, Value::List(Box::default()), false);
    }
    let l = ctx.core.ks.list_mut(db, dst, now)?.expect("present");
    if to_left {
        l.push_front(v.clone());
    } else {
        l.push_back(v.clone());
    }
    Ok(Some(v))
}

fn lmove_reply(ctx: &mut Ctx, v: Option<Sds>) {
    match v {
        Some(v) => ctx.client.out.bulk(v.as_bytes()),
        None => ctx.client.out.null(),
    }
}

pub fn lmove(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (from, to) = (side(a.get(3))?, side(a.get(4))?);
    let v = move_one(ctx, a.get(1), a.get(2), from, to)?;
    lmove_reply(ctx, v);
    Ok(())
}

pub fn rpoplpush(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let v = move_one(ctx, a.get(1), a.get(2), false, true)?;
    lmove_reply(ctx, v);
    Ok(())
}

/// Parses a blocking timeout in seconds (a float) into a deadline; `None` = forever.
pub fn timeout_arg(arg: &[u8]) -> Result<Option<Instant>, CmdError> {
    let bad = || CmdError::msg("ERR timeout is not a float or out of range");
    let s = std::str::from_utf8(arg).map_err(|_| bad())?;
    if s.is_empty() || s.trim() != s {
        return Err(bad());
    }
    let t: f64 = s.parse().map_err(|_| bad())?;
    if t.is_nan() {
        return Err(bad());
    }
    // Redis converts seconds to a signed 64-bit count of milliseconds; out-of-range
    // values (infinities included) come out negative there.
    if t < 0.0 || t * 1000.0 >= i64::MAX as f64 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    let ms = (t * 1000.0) as u64;
    if ms == 0 {
        return Ok(None);
    }
    Ok(Some(Instant::now() + Duration::from_millis(ms)))
}

/// Either parks the client (filing a block request) or, where blocking is not allowed,
/// answers `reply` at once. (A timeout always answers a null array, even for BLMOVE,
/// while BLMOVE inside MULTI answers a null bulk: Redis 7.0 behaviour.)
pub fn block_or_null(
    ctx: &mut Ctx,
    keys: Vec<Vec<u8>>,
    deadline: Option<Instant>,
    kind: BlockKind,
    reply: TimeoutReply,
) {
    if ctx.client.deny_blocking {
        match reply {
            TimeoutReply::NullArray => ctx.client.out.null_array(),
            TimeoutReply::NullBulk => ctx.client.out.null(),
        }
        return;
    }
    ctx.client.block_req = Some(BlockRequest {
        db: ctx.client.db,
        keys,
        deadline,
        kind,
        timeout_reply: TimeoutReply::NullArray,
    });
}

fn bpop_generic(ctx: &mut Ctx, a: &Args, left: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let deadline = timeout_arg(a.get(a.len() - 1))?;
    for i in 1..a.len() - 1 {
        let key = a.get(i);
        if ctx.core.ks.list_mut(db, key, now)?.is_some() {
            let v = pop_many(ctx, db, key, left, 1);
            let out = &mut ctx.client.out;
            out.array(2);
            out.bulk(key);
            out.bulk(v[0].as_bytes());
            return Ok(());
        }
    }
    let keys = (1..a.len() - 1).map(|i| a.get(i).to_vec()).collect();
    block_or_null(
        ctx,
        keys,
        deadline,
        BlockKind::List,
        TimeoutReply::NullArray,
    );
    Ok(())
}

pub fn blpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bpop_generic(ctx, a, true)
}
pub fn brpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bpop_generic(ctx, a, false)
}

fn bmove_generic(ctx: &mut Ctx, a: &Args, from: bool, to: bool, timeout: &[u8]) -> CmdResult {
    let deadline = timeout_arg(timeout)?;
    match move_one(ctx, a.get(1), a.get(2), from, to)? {
        Some(v) => ctx.client.out.bulk(v.as_bytes()),
        None => block_or_null(
            ctx,
            vec![a.get(1).to_vec()],
            deadline,
            BlockKind::List,
            TimeoutReply::NullBulk,
        ),
    }
    Ok(())
}

pub fn blmove(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (from, to) = (side(a.get(3))?, side(a.get(4))?);
    bmove_generic(ctx, a, from, to, a.get(5))
}

pub fn brpoplpush(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bmove_generic(ctx, a, false, true, a.get(3))
}

/// Pops from the first non-empty key; false when all are empty.
fn mpop_serve(ctx: &mut Ctx, keys: &[Vec<u8>], left: bool, count: usize) -> Result<bool, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    for key in keys {
        if ctx.core.ks.list_mut(db, key, now)?.is_some() {
            let v = pop_many(ctx, db, key, left, count);
            let out = &mut ctx.client.out;
            out.array(2);
            out.bulk(key);
            out.array(v.len());
            for x in &v {
                out.bulk(x.as_bytes());
            }
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn lmpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (keys, left, count) = super::mpop_args(a, 1, side)?;
    if !mpop_serve(ctx, &keys, left, count)? {
        ctx.client.out.null_array();
    }
    Ok(())
}

pub fn blmpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let deadline = timeout_arg(a.get(1))?;
    let (keys, left, count) = super::mpop_args(a, 2, side)?;
    if !mpop_serve(ctx, &keys, left, count)? {
        block_or_null(
            ctx,
            keys,
            deadline,
            BlockKind::List,
            TimeoutReply::NullArray,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_ranges_follow_redis() {
        assert_eq!(index_range(0, -1, 5), Some((0, 5)));
        assert_eq!(index_range(-100, 100, 5), Some((0, 5)));
        assert_eq!(index_range(3, 1, 5), None);
        assert_eq!(index_range(5, 10, 5), None);
        assert_eq!(index_range(-2, -1, 5), Some((3, 5)));
        assert_eq!(index_range(0, 0, 0), None);
    }

    #[test]
    fn timeouts() {
        assert!(timeout_arg(b"0").unwrap().is_none());
        assert!(timeout_arg(b"0.5").unwrap().is_some());
        assert_eq!(
            timeout_arg(b"-1").unwrap_err().to_string(),
            "ERR timeout is negative"
        );
        assert_eq!(
            timeout_arg(b"abc").unwrap_err().to_string(),
            "ERR timeout is not a float or out of range"
        );
    }
}
