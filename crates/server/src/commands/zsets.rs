//! Sorted-set commands: updates (ZADD, ZINCRBY, ZREM*), queries by rank, score and lex
//! range (ZRANGE and its older forms), pops (blocking ones included), the algebra
//! (ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD), random picks and scans.
//!
//! Score arguments parse like Redis's `strtod` check (`inf`, `-inf`, `+inf` allowed, NaN
//! refused); ranges accept `(` for exclusive bounds, and lex ranges `[x`, `(x`, `-`, `+`.
//! Scores are replied with `%.17g` (Redis 7.0) as bulk strings, or doubles in RESP3.

use super::hashes::random_picks;
use super::lists::{block_or_null, index_range, timeout_arg};
use super::sets::numkeys_limit;
use super::{dict_scan, float_arg, int_arg, is, scan_opts, scan_reply};
use crate::client::{BlockKind, TimeoutReply};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::glob::glob_match;
use crate::server::Ctx;
use crate::types::ZSet;
use resp::{Args, ReplyWriter};

/// A member with its score, owned (results of queries).
type Item = (Vec<u8>, f64);

fn zset_create<'a>(
    ctx: &'a mut Ctx,
    key: &[u8],
    n: usize,
    max_len: usize,
) -> Result<&'a mut ZSet, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if ctx.core.ks.zset_mut(db, key, now)?.is_none() {
        ctx.core.ks.set(
            db,
            key,
            Value::ZSet(Box::new(ZSet::with_expected(n, max_len))),
            false,
        );
    }
    Ok(ctx.core.ks.zset_mut(db, key, now)?.expect("present"))
}

/// Writes a score; negative zero prints as `0`, as Redis replies it.
fn write_score(out: &mut ReplyWriter, s: f64) {
    out.double(if s == 0.0 { 0.0 } else { s });
}

/// Items as a reply: members only, or with scores (flat in RESP2, pairs in RESP3).
fn reply_items(out: &mut ReplyWriter, items: &[Item], withscores: bool) {
    if withscores && out.is_resp3() {
        out.array(items.len());
        for (m, s) in items {
            out.array(2);
            out.bulk(m);
            write_score(out, *s);
        }
    } else {
        out.array(if withscores {
            items.len() * 2
        } else {
            items.len()
        });
        for (m, s) in items {
            out.bulk(m);
            if withscores {
                write_score(out, *s);
            }
        }
    }
}

pub fn zadd(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (mut nx, mut xx, mut gt, mut lt, mut ch, mut incr) =
        (false, false, false, false, false, false);
    let mut i = 2;
    while i < a.len() {
        let o = a.get(i);
        if is(o, "nx") {
            nx = true;
        } else if is(o, "xx") {
            xx = true;
        } else if is(o, "gt") {
            gt = true;
        } else if is(o, "lt") {
            lt = true;
        } else if is(o, "ch") {
            ch = true;
        } else if is(o, "incr") {
            incr = true;
        } else {
            break;
        }
        i += 1;
    }
    let pairs = a.len() - i;
    if pairs == 0 || pairs % 2 != 0 {
        return Err(CmdError::Syntax);
    }
    if nx && xx {
        return Err(CmdError::msg(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (gt && nx) || (lt && nx) || (gt && lt) {
        return Err(CmdError::msg(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if incr && pairs > 2 {
        return Err(CmdError::msg(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    let mut scores = Vec::with_capacity(pairs / 2);
    for j in (i..a.len()).step_by(2) {
        scores.push(float_arg(a.get(j))?);
    }
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    if ctx.core.ks.zset_mut(db, key, now)?.is_none() {
        if xx {
            if incr {
                ctx.client.out.null();
            } else {
                ctx.client.out.int(0);
            }
            return Ok(());
        }
        let max_len = (i + 1..a.len())
            .step_by(2)
            .map(|j| a.get(j).len())
            .max()
            .unwrap_or(0);
        zset_create(ctx, key, pairs / 2, max_len)?;
    }
    let z = ctx.core.ks.zset_mut(db, key, now)?.expect("present");
    let (mut added, mut changed) = (0, 0);
    let mut incr_result = None;
    for (n, j) in (i..a.len()).step_by(2).enumerate() {
        let m = a.get(j + 1);
        let mut score = scores[n];
        match z.score(m) {
            Some(cur) => {
                if nx {
                    continue;
                }
                if incr {
                    score += cur;
                    if score.is_nan() {
                        ctx.core.ks.remove_if_empty(db, key);
                        return Err(CmdError::msg("ERR resulting score is not a number (NaN)"));
                    }
                }
                if (gt && score <= cur) || (lt && score >= cur) {
                    continue;
                }
                incr_result = Some(score);
                if score != cur {
                    z.insert(m, score);
                    changed += 1;
                }
            }
            None => {
                if xx {
                    continue;
                }
                z.insert(m, score);
                added += 1;
                incr_result = Some(score);
            }
        }
    }
    ctx.core.ks.remove_if_empty(db, key);
    ctx.core.dirty += (added + changed) as u64;
    if incr {
        match incr_result {
            Some(s) => write_score(&mut ctx.client.out, s),
            None => ctx.client.out.null(),
        }
    } else {
        ctx.client.out.int(if ch { added + changed } else { added });
    }
    Ok(())
}

pub fn zincrby(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let by = float_arg(a.get(2))?;
    let m = a.get(3);
    let z = zset_create(ctx, a.get(1), 1, m.len())?;
    let score = z.score(m).unwrap_or(0.0) + by;
    if score.is_nan() {
        let (db, key) = (ctx.client.db, a.get(1));
        ctx.core.ks.remove_if_empty(db, key);
        return Err(CmdError::msg("ERR resulting score is not a number (NaN)"));
    }
    // An unchanged score (increment 0 on an existing member) is not a change (Redis).
    if z.insert(m, score) != Some(score) {
        ctx.core.dirty += 1;
    }
    write_score(&mut ctx.client.out, score);
    Ok(())
}

pub fn zrem(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let mut n = 0;
    if let Some(z) = ctx.core.ks.zset_mut(db, key, now)? {
        for i in 2..a.len() {
            if z.remove(a.get(i)).is_some() {
                n += 1;
            }
        }
        ctx.core.ks.remove_if_empty(db, key);
    }
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n);
    Ok(())
}

pub fn zcard(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx
        .core
        .ks
        .zset_ref(db, a.get(1), now)?
        .map_or(0, |z| z.len());
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn zscore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx
        .core
        .ks
        .zset_ref(db, a.get(1), now)?
        .and_then(|z| z.score(a.get(2)))
    {
        Some(s) => write_score(&mut ctx.client.out, s),
        None => ctx.client.out.null(),
    }
    Ok(())
}

pub fn zmscore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let z = ctx.core.ks.zset_ref(db, a.get(1), now)?;
    let out = &mut ctx.client.out;
    out.array(a.len() - 2);
    for i in 2..a.len() {
        match z.and_then(|z| z.score(a.get(i))) {
            Some(s) => write_score(out, s),
            None => out.null(),
        }
    }
    Ok(())
}

fn rank_generic(ctx: &mut Ctx, a: &Args, rev: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let r = ctx
        .core
        .ks
        .zset_ref(db, a.get(1), now)?
        .and_then(|z| z.rank(a.get(2)).map(|r| (r, z.len())));
    match r {
        Some((r, n)) => ctx.client.out.int(if rev { n - 1 - r } else { r } as i64),
        None => ctx.client.out.null(),
    }
    Ok(())
}

pub fn zrank(ctx: &mut Ctx, a: &Args) -> CmdResult {
    rank_generic(ctx, a, false)
}
pub fn zrevrank(ctx: &mut Ctx, a: &Args) -> CmdResult {
    rank_generic(ctx, a, true)
}

/// A score bound: value and whether it is exclusive.
#[derive(Clone, Copy)]
struct ScoreBound(f64, bool);

fn score_bound(arg: &[u8]) -> Result<ScoreBound, CmdError> {
    let bad = || CmdError::msg("ERR min or max is not a float");
    let (ex, rest) = match arg.first() {
        Some(b'(') => (true, &arg[1..]),
        _ => (false, arg),
    };
    let v = float_arg(rest).map_err(|_| bad())?;
    Ok(ScoreBound(v, ex))
}

/// A lex bound: `-`, `+`, or a member, inclusive or exclusive.
#[derive(Clone)]
enum LexBound {
    Min,
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

fn lex_bound(arg: &[u8]) -> Result<LexBound, CmdError> {
    match arg.first() {
        Some(b'-') if arg.len() == 1 => Ok(LexBound::Min),
        Some(b'+') if arg.len() == 1 => Ok(LexBound::Max),
        Some(b'[') => Ok(LexBound::Incl(arg[1..].to_vec())),
        Some(b'(') => Ok(LexBound::Excl(arg[1..].to_vec())),
        _ => Err(CmdError::msg("ERR min or max not valid string range item")),
    }
}

/// What a range query selects.
enum Range {
    Rank(i64, i64),
    Score(ScoreBound, ScoreBound),
    Lex(LexBound, LexBound),
}

/// Ranks `[start, end)` of the entries inside a score or lex range.
fn bounds(z: &ZSet, r: &Range) -> (usize, usize) {
    match r {
        Range::Rank(..) => (0, 0),
        Range::Score(min, max) => {
            let s = z.partition(|s, _| if min.1 { s <= min.0 } else { s < min.0 });
            let e = z.partition(|s, _| if max.1 { s < max.0 } else { s <= max.0 });
            (s, e.max(s))
        }
        Range::Lex(min, max) => {
            let s = match min {
                LexBound::Min => 0,
                LexBound::Max => z.len(),
                LexBound::Incl(v) => z.partition(|_, m| m < v.as_slice()),
                LexBound::Excl(v) => z.partition(|_, m| m <= v.as_slice()),
            };
            let e = match max {
                LexBound::Min => 0,
                LexBound::Max => z.len(),
                LexBound::Incl(v) => z.partition(|_, m| m <= v.as_slice()),
                LexBound::Excl(v) => z.partition(|_, m| m < v.as_slice()),
            };
            (s, e.max(s))
        }
    }
}

/// Selects the items of a range query, with REV and LIMIT applied.
fn select(z: &ZSet, r: &Range, rev: bool, offset: i64, count: i64) -> Vec<Item> {
    let conv = |e: &(f64, crate::sds::Sds)| (e.1.as_bytes().to_vec(), e.0);
    let (s, e) = match r {
        Range::Rank(start, stop) => match index_range(*start, *stop, z.len()) {
            None => return Vec::new(),
            Some((s, e)) if rev => (z.len() - e, z.len() - s),
            Some(x) => x,
        },
        _ => bounds(z, r),
    };
    if offset < 0 {
        return Vec::new();
    }
    let avail = (e - s).saturating_sub(offset as usize);
    let n = if count < 0 {
        avail
    } else {
        avail.min(count as usize)
    };
    if rev {
        let hi = e - (offset as usize).min(e - s);
        z.range_rev(hi - n, hi).map(conv).collect()
    } else {
        let lo = s + (offset as usize).min(e - s);
        z.range(lo, lo + n).map(conv).collect()
    }
}

/// Parsed ZRANGE-family arguments.
struct RangeQuery {
    range: Range,
    rev: bool,
    withscores: bool,
    offset: i64,
    count: i64,
}

#[derive(Clone, Copy, PartialEq)]
enum By {
    Rank,
    Score,
    Lex,
}

/// Parses `min max [BYSCORE|BYLEX] [REV] [LIMIT o c] [WITHSCORES]` at `a[first..]`;
/// `fixed` is set for the old commands whose form is decided by their name.
fn parse_range(
    a: &Args,
    first: usize,
    fixed: Option<(By, bool)>,
    store: bool,
) -> Result<RangeQuery, CmdError> {
    let (mut by, mut rev) = fixed.unwrap_or((By::Rank, false));
    let (mut withscores, mut limit) = (false, None);
    let mut i = first + 2;
    while i < a.len() {
        let o = a.get(i);
        if is(o, "withscores") && !store {
            withscores = true;
        } else if is(o, "limit") && i + 2 < a.len() {
            limit = Some((int_arg(a.get(i + 1))?, int_arg(a.get(i + 2))?));
            i += 2;
        } else if fixed.is_none() && is(o, "byscore") {
            by = By::Score;
        } else if fixed.is_none() && is(o, "bylex") {
            by = By::Lex;
        } else if fixed.is_none() && is(o, "rev") {
            rev = true;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if limit.is_some() && by == By::Rank {
        return Err(CmdError::msg(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && by == By::Lex {
        return Err(CmdError::msg(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    // With REV (or a ZREV* command) the first bound is the maximum.
    let (lo, hi) = if rev && by != By::Rank {
        (a.get(first + 1), a.get(first))
    } else {
        (a.get(first), a.get(first + 1))
    };
    let range = match by {
        By::Rank => Range::Rank(int_arg(lo)?, int_arg(hi)?),
        By::Score => Range::Score(score_bound(lo)?, score_bound(hi)?),
        By::Lex => Range::Lex(lex_bound(lo)?, lex_bound(hi)?),
    };
    let (offset, count) = limit.unwrap_or((0, -1));
    Ok(RangeQuery {
        range,
        rev,
        withscores,
        offset,
        count,
    })
}

fn range_generic(ctx: &mut Ctx, a: &Args, fixed: Option<(By, bool)>) -> CmdResult {
    let q = parse_range(a, 2, fixed, false)?;
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let items = match ctx.core.ks.zset_ref(db, a.get(1), now)? {
        None => Vec::new(),
        Some(z) => select(z, &q.range, q.rev, q.offset, q.count),
    };
    reply_items(&mut ctx.client.out, &items, q.withscores);
    Ok(())
}

pub fn zrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, None)
}
pub fn zrevrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, Some((By::Rank, true)))
}
pub fn zrangebyscore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, Some((By::Score, false)))
}
pub fn zrevrangebyscore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, Some((By::Score, true)))
}
pub fn zrangebylex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, Some((By::Lex, false)))
}
pub fn zrevrangebylex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    range_generic(ctx, a, Some((By::Lex, true)))
}

/// Replaces `dst` with a sorted set of `items` (deleting it when empty); returns the size.
fn store_items(ctx: &mut Ctx, dst: &[u8], items: &[Item]) -> usize {
    let db = ctx.client.db;
    ctx.core.ks.delete(db, dst);
    if !items.is_empty() {
        let max_len = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        let mut z = ZSet::with_expected(items.len(), max_len);
        for (m, s) in items {
            z.insert(m, *s);
        }
        ctx.core.ks.set(db, dst, Value::ZSet(Box::new(z)), false);
    }
    ctx.core.dirty += 1;
    items.len()
}

pub fn zrangestore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let q = parse_range(a, 3, None, true)?;
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let items = match ctx.core.ks.zset_ref(db, a.get(2), now)? {
        None => Vec::new(),
        Some(z) => select(z, &q.range, q.rev, q.offset, q.count),
    };
    let n = store_items(ctx, a.get(1), &items);
    ctx.client.out.int(n as i64);
    Ok(())
}

fn count_generic(ctx: &mut Ctx, a: &Args, lex: bool) -> CmdResult {
    let range = if lex {
        Range::Lex(lex_bound(a.get(2))?, lex_bound(a.get(3))?)
    } else {
        Range::Score(score_bound(a.get(2))?, score_bound(a.get(3))?)
    };
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx.core.ks.zset_ref(db, a.get(1), now)?.map_or(0, |z| {
        let (s, e) = bounds(z, &range);
        e - s
    });
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn zcount(ctx: &mut Ctx, a: &Args) -> CmdResult {
    count_generic(ctx, a, false)
}
pub fn zlexcount(ctx: &mut Ctx, a: &Args) -> CmdResult {
    count_generic(ctx, a, true)
}

fn remrange_generic(ctx: &mut Ctx, a: &Args, by: By) -> CmdResult {
    let range = match by {
        By::Rank => Range::Rank(int_arg(a.get(2))?, int_arg(a.get(3))?),
        By::Score => Range::Score(score_bound(a.get(2))?, score_bound(a.get(3))?),
        By::Lex => Range::Lex(lex_bound(a.get(2))?, lex_bound(a.get(3))?),
    };
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let mut n = 0;
    if let Some(z) = ctx.core.ks.zset_mut(db, key, now)? {
        let (s, e) = match range {
            Range::Rank(s, e) => index_range(s, e, z.len()).unwrap_or((0, 0)),
            _ => bounds(z, &range),
        };
        n = z.remove_range(s, e);
        ctx.core.ks.remove_if_empty(db, key);
    }
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn zremrangebyrank(ctx: &mut Ctx, a: &Args) -> CmdResult {
    remrange_generic(ctx, a, By::Rank)
}
pub fn zremrangebyscore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    remrange_generic(ctx, a, By::Score)
}
pub fn zremrangebylex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    remrange_generic(ctx, a, By::Lex)
}

/// Pops up to `count` lowest (or highest) entries of `key`.
fn pop_items(ctx: &mut Ctx, key: &[u8], max: bool, count: usize) -> Result<Vec<Item>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let Some(z) = ctx.core.ks.zset_mut(db, key, now)? else {
        return Ok(Vec::new());
    };
    let n = count.min(z.len());
    let items: Vec<Item> = if max {
        z.range_rev(z.len() - n, z.len())
            .map(|e| (e.1.as_bytes().to_vec(), e.0))
            .collect()
    } else {
        z.range(0, n)
            .map(|e| (e.1.as_bytes().to_vec(), e.0))
            .collect()
    };
    if max {
        z.remove_range(z.len() - n, z.len());
    } else {
        z.remove_range(0, n);
    }
    ctx.core.ks.remove_if_empty(db, key);
    ctx.core.dirty += n as u64;
    Ok(items)
}

fn zpop_generic(ctx: &mut Ctx, a: &Args, max: bool) -> CmdResult {
    let count = match a.len() {
        2 => None,
        3 => {
            let c = int_arg(a.get(2))
                .map_err(|_| CmdError::msg("ERR value is out of range, must be positive"))?;
            if c < 0 {
                return Err(CmdError::msg("ERR value is out of range, must be positive"));
            }
            Some(c as usize)
        }
        _ => return Err(CmdError::Syntax),
    };
    let items = pop_items(ctx, a.get(1), max, count.unwrap_or(1))?;
    let out = &mut ctx.client.out;
    if count.is_some() && out.is_resp3() {
        reply_items(out, &items, true);
    } else {
        out.array(items.len() * 2);
        for (m, s) in &items {
            out.bulk(m);
            write_score(out, *s);
        }
    }
    Ok(())
}

pub fn zpopmin(ctx: &mut Ctx, a: &Args) -> CmdResult {
    zpop_generic(ctx, a, false)
}
pub fn zpopmax(ctx: &mut Ctx, a: &Args) -> CmdResult {
    zpop_generic(ctx, a, true)
}

fn bzpop_generic(ctx: &mut Ctx, a: &Args, max: bool) -> CmdResult {
    let deadline = timeout_arg(a.get(a.len() - 1))?;
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    for i in 1..a.len() - 1 {
        let key = a.get(i);
        if ctx.core.ks.zset_mut(db, key, now)?.is_some() {
            let items = pop_items(ctx, key, max, 1)?;
            let out = &mut ctx.client.out;
            out.array(3);
            out.bulk(key);
            out.bulk(&items[0].0);
            write_score(out, items[0].1);
            return Ok(());
        }
    }
    let keys = (1..a.len() - 1).map(|i| a.get(i).to_vec()).collect();
    block_or_null(
        ctx,
        keys,
        deadline,
        BlockKind::ZSet,
        TimeoutReply::NullArray,
    );
    Ok(())
}

pub fn bzpopmin(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bzpop_generic(ctx, a, false)
}
pub fn bzpopmax(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bzpop_generic(ctx, a, true)
}

/// `MIN|MAX` for ZMPOP/BZMPOP: true for MAX.
fn min_max(w: &[u8]) -> Result<bool, CmdError> {
    if is(w, "min") {
        Ok(false)
    } else if is(w, "max") {
        Ok(true)
    } else {
        Err(CmdError::Syntax)
    }
}

fn mpop_serve(ctx: &mut Ctx, keys: &[Vec<u8>], max: bool, count: usize) -> Result<bool, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    for key in keys {
        if ctx.core.ks.zset_mut(db, key, now)?.is_some() {
            let items = pop_items(ctx, key, max, count)?;
            let out = &mut ctx.client.out;
            out.array(2);
            out.bulk(key);
            out.array(items.len());
            for (m, s) in &items {
                out.array(2);
                out.bulk(m);
                write_score(out, *s);
            }
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn zmpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (keys, max, count) = super::mpop_args(a, 1, min_max)?;
    if !mpop_serve(ctx, &keys, max, count)? {
        ctx.client.out.null_array();
    }
    Ok(())
}

pub fn bzmpop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let deadline = timeout_arg(a.get(1))?;
    let (keys, max, count) = super::mpop_args(a, 2, min_max)?;
    if !mpop_serve(ctx, &keys, max, count)? {
        block_or_null(
            ctx,
            keys,
            deadline,
            BlockKind::ZSet,
            TimeoutReply::NullArray,
        );
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// An input of the algebra: a sorted set, or a plain set whose members score 1.
fn load_input(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<Item>>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    Ok(match ctx.core.ks.peek(db, key, now) {
        None => None,
        Some(Value::ZSet(z)) => Some(z.iter().map(|e| (e.1.as_bytes().to_vec(), e.0)).collect()),
        Some(Value::Set(s)) => Some(
            s.members()
                .into_iter()
                .map(|m| (m, 1.0))
                .collect::<Vec<_>>(),
        ),
        Some(_) => return Err(CmdError::WrongType),
    })
}

fn aggregate(agg: Aggregate, a: f64, b: f64) -> f64 {
    match agg {
        Aggregate::Sum => {
            let s = a + b;
            // inf + -inf: Redis turns the NaN into 0.
            if s.is_nan() {
                0.0
            } else {
                s
            }
        }
        Aggregate::Min => a.min(b),
        Aggregate::Max => a.max(b),
    }
}

/// ZUNION/ZINTER/ZDIFF and their STORE forms; `first` is the numkeys position.
fn algebra(ctx: &mut Ctx, a: &Args, op: SetOp, store: bool) -> CmdResult {
    let first = if store { 2 } else { 1 };
    let name = ctx.core.registry.entries[ctx.cmd].full_name.clone();
    let n = int_arg(a.get(first))?;
    if n < 1 {
        return Err(CmdError::owned(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    let n = n as usize;
    if n > a.len() - first - 1 {
        return Err(CmdError::Syntax);
    }
    let keys: Vec<&[u8]> = (first + 1..first + 1 + n).map(|i| a.get(i)).collect();
    let mut weights = vec![1.0f64; n];
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut i = first + 1 + n;
    while i < a.len() {
        let o = a.get(i);
        if op != SetOp::Diff && is(o, "weights") && i + n < a.len() {
            for (j, w) in weights.iter_mut().enumerate() {
                *w = float_arg(a.get(i + 1 + j))
                    .map_err(|_| CmdError::msg("ERR weight value is not a float"))?;
            }
            i += n;
        } else if op != SetOp::Diff && is(o, "aggregate") && i + 1 < a.len() {
            let v = a.get(i + 1);
            agg = if is(v, "sum") {
                Aggregate::Sum
            } else if is(v, "min") {
                Aggregate::Min
            } else if is(v, "max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            i += 1;
        } else if !store && is(o, "withscores") {
            withscores = true;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let mut inputs = Vec::with_capacity(n);
    for k in &keys {
        inputs.push(load_input(ctx, k)?);
    }
    let weigh = |s: f64, w: f64| {
        let r = s * w;
        if r.is_nan() {
            0.0
        } else {
            r
        }
    };
    let mut acc: std::collections::HashMap<Vec<u8>, f64> = std::collections::HashMap::new();
    match op {
        SetOp::Union => {
            for (inp, w) in inputs.iter().zip(&weights) {
                for (m, s) in inp.iter().flatten() {
                    let v = weigh(*s, *w);
                    acc.entry(m.clone())
                        .and_modify(|x| *x = aggregate(agg, *x, v))
                        .or_insert(v);
                }
            }
        }
        SetOp::Inter => {
            if inputs.iter().all(|x| x.is_some()) {
                let maps: Vec<std::collections::HashMap<&[u8], f64>> = inputs
                    .iter()
                    .map(|x| {
                        x.as_ref()
                            .expect("checked")
                            .iter()
                            .map(|(m, s)| (m.as_slice(), *s))
                            .collect()
                    })
                    .collect();
                for (m, s) in inputs[0].as_ref().expect("checked") {
                    let mut v = weigh(*s, weights[0]);
                    let mut all = true;
                    for (j, mp) in maps.iter().enumerate().skip(1) {
                        match mp.get(m.as_slice()) {
                            Some(s2) => v = aggregate(agg, v, weigh(*s2, weights[j])),
                            None => {
                                all = false;
                                break;
                            }
                        }
                    }
                    if all {
                        acc.insert(m.clone(), v);
                    }
                }
            }
        }
        SetOp::Diff => {
            if let Some(base) = &inputs[0] {
                for (m, s) in base {
                    acc.insert(m.clone(), *s);
                }
                for inp in inputs.iter().skip(1).flatten() {
                    for (m, _) in inp {
                        acc.remove(m);
                    }
                }
            }
        }
    }
    let mut items: Vec<Item> = acc.into_iter().collect();
    items.sort_by(|x, y| crate::types::zset::cmp_entry(x.1, &x.0, y.1, &y.0));
    if store {
        let n = store_items(ctx, a.get(1), &items);
        ctx.client.out.int(n as i64);
    } else {
        reply_items(&mut ctx.client.out, &items, withscores);
    }
    Ok(())
}

pub fn zunion(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, SetOp::Union, false)
}
pub fn zinter(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, SetOp::Inter, false)
}
pub fn zdiff(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, SetOp::Diff, false)
}
pub fn zunionstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, SetOp::Union, true)
}
pub fn zinterstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, SetOp::Inter, true)
}
pub fn zdiffstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, SetOp::Diff, true)
}

pub fn zintercard(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (keys, limit) = numkeys_limit(a, true)?;
    let mut inputs = Vec::new();
    for k in &keys {
        inputs.push(load_input(ctx, k)?);
    }
    let mut n = 0usize;
    if inputs.iter().all(|x| x.is_some()) {
        let sets: Vec<std::collections::HashSet<&[u8]>> = inputs
            .iter()
            .map(|x| {
                x.as_ref()
                    .expect("checked")
                    .iter()
                    .map(|(m, _)| m.as_slice())
                    .collect()
            })
            .collect();
        for (m, _) in inputs[0].as_ref().expect("checked") {
            if sets[1..].iter().all(|s| s.contains(m.as_slice())) {
                n += 1;
                if limit > 0 && n >= limit {
                    break;
                }
            }
        }
    }
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn zrandmember(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (count, withscores) = match a.len() {
        2 => (None, false),
        3 => (Some(super::hashes::random_count_arg(a.get(2))?), false),
        4 if is(a.get(3), "withscores") => (Some(super::hashes::random_count_arg(a.get(2))?), true),
        _ => return Err(CmdError::Syntax),
    };
    if let Some(c) = count {
        if withscores && (c < -(i64::MAX / 2) || c > i64::MAX / 2) {
            return Err(CmdError::msg("ERR value is out of range"));
        }
    }
    let items: Vec<Item> = ctx
        .core
        .ks
        .zset_ref(db, a.get(1), now)?
        .map(|z| z.iter().map(|e| (e.1.as_bytes().to_vec(), e.0)).collect())
        .unwrap_or_default();
    let picks = random_picks(ctx, items.len(), count);
    let out = &mut ctx.client.out;
    match count {
        None => match picks.first() {
            Some(&i) => out.bulk(&items[i].0),
            None => out.null(),
        },
        Some(_) => {
            // A count covering the whole set lists it from the highest score down.
            let whole = count.is_some_and(|c| c >= 0 && c as usize >= items.len());
            let mut chosen: Vec<Item> = picks.into_iter().map(|i| items[i].clone()).collect();
            if whole {
                chosen.reverse();
            }
            reply_items(out, &chosen, withscores);
        }
    }
    Ok(())
}

pub fn zscan(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let o = scan_opts(a)?;
    let keep = |m: &[u8]| o.pattern.map_or(true, |p| glob_match(p, m, false));
    let mut items = Vec::new();
    let mut push = |m: &[u8], s: f64| {
        if keep(m) {
            items.push(m.to_vec());
            items.push(resp::number::format_double(s).into_bytes());
        }
    };
    let next = match ctx.core.ks.zset_ref(db, a.get(1), now)? {
        None => 0,
        Some(z) => match z.dict() {
            Some(d) => dict_scan(d, o.cursor, o.count, |m, s| push(m.as_bytes(), *s)),
            None => {
                for e in z.iter() {
                    push(e.1.as_bytes(), e.0);
                }
                0
            }
        },
    };
    scan_reply(&mut ctx.client.out, next, &items);
    Ok(())
}
