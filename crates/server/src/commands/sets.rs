//! Set commands, including the algebra (SINTER/SUNION/SDIFF and their STORE forms).

use super::hashes::random_picks;
use super::{dict_scan, int_arg, scan_opts, scan_reply};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::glob::glob_match;
use crate::server::Ctx;
use crate::types::Set;
use resp::Args;

pub fn sadd(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    if ctx.core.ks.set_mut(db, key, now)?.is_none() {
        ctx.core.ks.set(
            db,
            key,
            Value::Set(Box::new(Set::for_member(a.get(2)))),
            false,
        );
    }
    let s = ctx.core.ks.set_mut(db, key, now)?.expect("present");
    let mut n = 0;
    for i in 2..a.len() {
        if s.add(a.get(i)) {
            n += 1;
        }
    }
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n);
    Ok(())
}

pub fn srem(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let mut n = 0;
    if let Some(s) = ctx.core.ks.set_mut(db, key, now)? {
        for i in 2..a.len() {
            if s.remove(a.get(i)) {
                n += 1;
            }
        }
        ctx.core.ks.remove_if_empty(db, key);
    }
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n);
    Ok(())
}

fn reply_members(out: &mut resp::ReplyWriter, members: &[Vec<u8>]) {
    out.set(members.len());
    for m in members {
        out.bulk(m);
    }
}

pub fn smembers(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let m = ctx
        .core
        .ks
        .set_ref(db, a.get(1), now)?
        .map(|s| s.members())
        .unwrap_or_default();
    reply_members(&mut ctx.client.out, &m);
    Ok(())
}

pub fn sismember(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let r = ctx
        .core
        .ks
        .set_ref(db, a.get(1), now)?
        .is_some_and(|s| s.contains(a.get(2)));
    ctx.client.out.int(r as i64);
    Ok(())
}

pub fn smismember(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let s = ctx.core.ks.set_ref(db, a.get(1), now)?;
    let out = &mut ctx.client.out;
    out.array(a.len() - 2);
    for i in 2..a.len() {
        out.int(s.is_some_and(|s| s.contains(a.get(i))) as i64);
    }
    Ok(())
}

pub fn scard(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx
        .core
        .ks
        .set_ref(db, a.get(1), now)?
        .map_or(0, |s| s.len());
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn spop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let count = match a.len() {
        2 => None,
        3 => {
            let c = int_arg(a.get(2))
                .map_err(|_| CmdError::msg("ERR value is out of range, must be positive"))?;
            if c < 0 {
                return Err(CmdError::msg("ERR value is out of range, must be positive"));
            }
            Some(c)
        }
        _ => return Err(CmdError::Syntax),
    };
    let members = match ctx.core.ks.set_ref(db, key, now)? {
        None => {
            match count {
                None => ctx.client.out.null(),
                Some(_) => ctx.client.out.set(0),
            }
            return Ok(());
        }
        Some(s) => s.members(),
    };
    let picks = random_picks(ctx, members.len(), Some(count.unwrap_or(1)));
    let s = ctx.core.ks.set_mut(db, key, now)?.expect("present");
    for &i in &picks {
        s.remove(&members[i]);
    }
    ctx.core.ks.remove_if_empty(db, key);
    ctx.core.dirty += picks.len() as u64;
    match count {
        None => ctx.client.out.bulk(&members[picks[0]]),
        Some(_) => {
            let chosen: Vec<Vec<u8>> = picks.iter().map(|&i| members[i].clone()).collect();
            reply_members(&mut ctx.client.out, &chosen);
        }
    }
    Ok(())
}

pub fn srandmember(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let count = match a.len() {
        2 => None,
        3 => Some(super::hashes::random_count_arg(a.get(2))?),
        _ => return Err(CmdError::Syntax),
    };
    let members = ctx
        .core
        .ks
        .set_ref(db, a.get(1), now)?
        .map(|s| s.members())
        .unwrap_or_default();
    let picks = random_picks(ctx, members.len(), count);
    let out = &mut ctx.client.out;
    match count {
        None => match picks.first() {
            Some(&i) => out.bulk(&members[i]),
            None => out.null(),
        },
        Some(_) => {
            out.array(picks.len());
            for i in picks {
                out.bulk(&members[i]);
            }
        }
    }
    Ok(())
}

pub fn smove(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (src, dst, m) = (a.get(1), a.get(2), a.get(3));
    let present = ctx.core.ks.set_ref(db, src, now)?.map(|s| s.contains(m));
    ctx.core.ks.set_ref(db, dst, now)?;
    match present {
        None | Some(false) => {
            ctx.client.out.int(0);
            return Ok(());
        }
        Some(true) if src == dst => {
            ctx.client.out.int(1);
            return Ok(());
        }
        Some(true) => {}
    }
    ctx.core
        .ks
        .set_mut(db, src, now)?
        .expect("present")
        .remove(m);
    ctx.core.ks.remove_if_empty(db, src);
    if ctx.core.ks.set_mut(db, dst, now)?.is_none() {
        ctx.core
            .ks
            .set(db, dst, Value::Set(Box::new(Set::for_member(m))), false);
    }
    if !ctx.core.ks.set_mut(db, dst, now)?.expect("present").add(m) {
        // The destination already had the member: only the source changed.
        ctx.core.watches.mark_unchanged(db, dst);
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(1);
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Inter,
    Union,
    Diff,
}

/// Loads the sets at `keys` (type-checking all of them; missing keys are empty).
fn load(ctx: &mut Ctx, keys: &[&[u8]]) -> Result<Vec<Option<Set>>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let mut v = Vec::with_capacity(keys.len());
    for k in keys {
        v.push(ctx.core.ks.set_ref(db, k, now)?.cloned());
    }
    Ok(v)
}

/// Computes the result of `op` over `sets`, in the order Redis replies with.
fn compute(op: Op, sets: &[Option<Set>], limit: usize) -> Vec<Vec<u8>> {
    match op {
        Op::Inter => {
            if sets.iter().any(|s| s.is_none()) {
                return Vec::new();
            }
            let mut order: Vec<&Set> = sets.iter().flatten().collect();
            order.sort_by_key(|s| s.len());
            let mut out = Vec::new();
            order[0].for_each(|m| {
                if out.len() < limit && order[1..].iter().all(|s| s.contains(m)) {
                    out.push(m.to_vec());
                }
            });
            out
        }
        Op::Union | Op::Diff => {
            let mut res = Set::Ints(Vec::new());
            for (i, s) in sets.iter().enumerate() {
                let Some(s) = s else {
                    if op == Op::Diff && i == 0 {
                        break;
                    }
                    continue;
                };
                if op == Op::Union || i == 0 {
                    s.for_each(|m| {
                        res.add(m);
                    });
                } else {
                    s.for_each(|m| {
                        res.remove(m);
                    });
                }
            }
            res.members()
        }
    }
}

fn algebra(ctx: &mut Ctx, a: &Args, op: Op) -> CmdResult {
    let keys: Vec<&[u8]> = (1..a.len()).map(|i| a.get(i)).collect();
    let sets = load(ctx, &keys)?;
    let res = compute(op, &sets, usize::MAX);
    reply_members(&mut ctx.client.out, &res);
    Ok(())
}

fn algebra_store(ctx: &mut Ctx, a: &Args, op: Op) -> CmdResult {
    let (db, dst) = (ctx.client.db, a.get(1));
    let keys: Vec<&[u8]> = (2..a.len()).map(|i| a.get(i)).collect();
    let sets = load(ctx, &keys)?;
    let res = compute(op, &sets, usize::MAX);
    let n = res.len();
    ctx.core.ks.delete(db, dst);
    if n > 0 {
        let mut s = Set::for_members(res.iter().map(|m| m.as_slice()), n);
        for m in &res {
            s.add(m);
        }
        ctx.core.ks.set(db, dst, Value::Set(Box::new(s)), false);
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn sinter(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, Op::Inter)
}
pub fn sunion(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, Op::Union)
}
pub fn sdiff(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra(ctx, a, Op::Diff)
}
pub fn sinterstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra_store(ctx, a, Op::Inter)
}
pub fn sunionstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra_store(ctx, a, Op::Union)
}
pub fn sdiffstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    algebra_store(ctx, a, Op::Diff)
}

/// Parses `numkeys key... [LIMIT n]` (SINTERCARD, ZINTERCARD, whose numkeys errors
/// differ: `zset` selects ZINTERCARD's); returns keys and limit (0 = none).
pub fn numkeys_limit<'a>(a: &Args<'a>, zset: bool) -> Result<(Vec<&'a [u8]>, usize), CmdError> {
    let n = match int_arg(a.get(1)) {
        Ok(n) => n,
        Err(e) if zset => return Err(e),
        Err(_) => 0,
    };
    if n < 1 {
        return Err(CmdError::msg(if zset {
            "ERR at least 1 input key is needed for 'zintercard' command"
        } else {
            "ERR numkeys should be greater than 0"
        }));
    }
    let n = n as usize;
    if n > a.len() - 2 {
        return Err(if zset {
            CmdError::Syntax
        } else {
            CmdError::msg("ERR Number of keys can't be greater than number of args")
        });
    }
    let keys = (2..2 + n).map(|i| a.get(i)).collect();
    let mut limit = 0;
    let mut i = 2 + n;
    while i < a.len() {
        if super::is(a.get(i), "limit") && i + 1 < a.len() {
            let l =
                int_arg(a.get(i + 1)).map_err(|_| CmdError::msg("ERR LIMIT can't be negative"))?;
            if l < 0 {
                return Err(CmdError::msg("ERR LIMIT can't be negative"));
            }
            limit = l as usize;
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok((keys, limit))
}

pub fn sintercard(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (keys, limit) = numkeys_limit(a, false)?;
    let sets = load(ctx, &keys)?;
    let res = compute(
        Op::Inter,
        &sets,
        if limit == 0 { usize::MAX } else { limit },
    );
    ctx.client.out.int(res.len() as i64);
    Ok(())
}

pub fn sscan(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let o = scan_opts(a)?;
    let keep = |m: &[u8]| o.pattern.map_or(true, |p| glob_match(p, m, false));
    let mut items = Vec::new();
    let next = match ctx.core.ks.set_ref(db, a.get(1), now)? {
        None => 0,
        Some(Set::Big(d)) => dict_scan(d, o.cursor, o.count, |m, _| {
            if keep(m.as_bytes()) {
                items.push(m.as_bytes().to_vec());
            }
        }),
        Some(s) => {
            s.for_each(|m| {
                if keep(m) {
                    items.push(m.to_vec());
                }
            });
            0
        }
    };
    scan_reply(&mut ctx.client.out, next, &items);
    Ok(())
}
