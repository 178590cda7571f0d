//! Hash commands.

use super::{dict_scan, int_arg, is, scan_opts, scan_reply};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::glob::glob_match;
use crate::server::Ctx;
use crate::types::Hash;
use resp::Args;

/// The hash at `key` for writing, created when missing.
fn hash_create<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a mut Hash, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if ctx.core.ks.hash_mut(db, key, now)?.is_none() {
        ctx.core.ks.set(db, key, Value::Hash(Box::default()), false);
    }
    Ok(ctx.core.ks.hash_mut(db, key, now)?.expect("present"))
}

fn hset_generic(ctx: &mut Ctx, a: &Args, name: &str) -> Result<i64, CmdError> {
    if a.len() % 2 != 0 {
        return Err(CmdError::WrongArity(name.into()));
    }
    let h = hash_create(ctx, a.get(1))?;
    let mut created = 0;
    for i in (2..a.len()).step_by(2) {
        if h.set(a.get(i), a.get(i + 1)) {
            created += 1;
        }
    }
    ctx.core.dirty += ((a.len() - 2) / 2) as u64;
    Ok(created)
}

pub fn hset(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let n = hset_generic(ctx, a, "hset")?;
    ctx.client.out.int(n);
    Ok(())
}

pub fn hmset(ctx: &mut Ctx, a: &Args) -> CmdResult {
    hset_generic(ctx, a, "hmset")?;
    ctx.client.out.ok();
    Ok(())
}

pub fn hsetnx(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let h = hash_create(ctx, a.get(1))?;
    if h.get(a.get(2)).is_some() {
        ctx.client.out.int(0);
    } else {
        h.set(a.get(2), a.get(3));
        ctx.core.dirty += 1;
        ctx.client.out.int(1);
    }
    Ok(())
}

pub fn hget(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx
        .core
        .ks
        .hash_ref(db, a.get(1), now)?
        .and_then(|h| h.get(a.get(2)))
    {
        Some(v) => ctx.client.out.bulk(v.as_bytes()),
        None => ctx.client.out.null(),
    }
    Ok(())
}

pub fn hmget(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let h = ctx.core.ks.hash_ref(db, a.get(1), now)?;
    let out = &mut ctx.client.out;
    out.array(a.len() - 2);
    for i in 2..a.len() {
        match h.and_then(|h| h.get(a.get(i))) {
            Some(v) => out.bulk(v.as_bytes()),
            None => out.null(),
        }
    }
    Ok(())
}

pub fn hdel(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now, key) = (ctx.client.db, ctx.core.cmd_time_ms, a.get(1));
    let mut n = 0;
    if let Some(h) = ctx.core.ks.hash_mut(db, key, now)? {
        for i in 2..a.len() {
            if h.remove(a.get(i)) {
                n += 1;
            }
            if h.is_empty() {
                break;
            }
        }
        ctx.core.ks.remove_if_empty(db, key);
    }
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n);
    Ok(())
}

pub fn hlen(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx
        .core
        .ks
        .hash_ref(db, a.get(1), now)?
        .map_or(0, |h| h.len());
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn hexists(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let e = ctx
        .core
        .ks
        .hash_ref(db, a.get(1), now)?
        .is_some_and(|h| h.get(a.get(2)).is_some());
    ctx.client.out.int(e as i64);
    Ok(())
}

pub fn hstrlen(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = ctx
        .core
        .ks
        .hash_ref(db, a.get(1), now)?
        .and_then(|h| h.get(a.get(2)))
        .map_or(0, |v| v.len());
    ctx.client.out.int(n as i64);
    Ok(())
}

/// HGETALL / HKEYS / HVALS.
fn getall_generic(ctx: &mut Ctx, a: &Args, keys: bool, vals: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let h = ctx.core.ks.hash_ref(db, a.get(1), now)?;
    let out = &mut ctx.client.out;
    let pairs = h.map(|h| h.pairs()).unwrap_or_default();
    if keys && vals {
        out.map(pairs.len());
    } else {
        out.array(pairs.len());
    }
    for (f, v) in pairs {
        if keys {
            out.bulk(f.as_bytes());
        }
        if vals {
            out.bulk(v.as_bytes());
        }
    }
    Ok(())
}

pub fn hgetall(ctx: &mut Ctx, a: &Args) -> CmdResult {
    getall_generic(ctx, a, true, true)
}
pub fn hkeys(ctx: &mut Ctx, a: &Args) -> CmdResult {
    getall_generic(ctx, a, true, false)
}
pub fn hvals(ctx: &mut Ctx, a: &Args) -> CmdResult {
    getall_generic(ctx, a, false, true)
}

pub fn hincrby(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let by = int_arg(a.get(3))?;
    let h = hash_create(ctx, a.get(1))?;
    let cur = match h.get(a.get(2)) {
        None => 0,
        Some(v) => resp::request::parse_i64_strict(v.as_bytes())
            .ok_or_else(|| CmdError::msg("ERR hash value is not an integer"))?,
    };
    let n = cur.checked_add(by).ok_or(CmdError::Overflow)?;
    h.set(a.get(2), n.to_string().as_bytes());
    ctx.core.dirty += 1;
    ctx.client.out.int(n);
    Ok(())
}

/// HINCRBYFLOAT: `long double` arithmetic like INCRBYFLOAT (see `f80`).
pub fn hincrbyfloat(ctx: &mut Ctx, a: &Args) -> CmdResult {
    use crate::f80;
    let by = f80::parse(a.get(3)).ok_or(CmdError::NotFloat)?;
    if !matches!(by, f80::F80::Finite { .. }) {
        return Err(CmdError::msg("ERR value is NaN or Infinity"));
    }
    let h = hash_create(ctx, a.get(1))?;
    let cur = match h.get(a.get(2)) {
        None => f80::from_i64(0),
        Some(v) => f80::parse(v.as_bytes())
            .ok_or_else(|| CmdError::msg("ERR hash value is not a float"))?,
    };
    let sum = f80::add(cur, by);
    if !matches!(sum, f80::F80::Finite { .. }) {
        return Err(CmdError::NanOrInfinity);
    }
    let text = f80::format_human(sum);
    h.set(a.get(2), text.as_bytes());
    ctx.core.dirty += 1;
    ctx.client.out.bulk(text.as_bytes());
    Ok(())
}

pub fn hscan(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let o = scan_opts(a)?;
    let keep = |f: &[u8]| o.pattern.map_or(true, |p| glob_match(p, f, false));
    let mut items = Vec::new();
    let next = match ctx.core.ks.hash_ref(db, a.get(1), now)? {
        None => 0,
        Some(Hash::Small(v)) => {
            for (f, val) in v {
                if keep(f.as_bytes()) {
                    items.push(f.as_bytes().to_vec());
                    items.push(val.as_bytes().to_vec());
                }
            }
            0
        }
        Some(Hash::Big(d)) => dict_scan(d, o.cursor, o.count, |f, val| {
            if keep(f.as_bytes()) {
                items.push(f.as_bytes().to_vec());
                items.push(val.as_bytes().to_vec());
            }
        }),
    };
    scan_reply(&mut ctx.client.out, next, &items);
    Ok(())
}

/// HRANDFIELD with a count: Redis's limit on `-count` with values (`LONG_MAX / 2`).
const HRANDFIELD_MAX_NEG: i64 = i64::MAX / 2;

pub fn hrandfield(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (count, withvalues) = match a.len() {
        2 => (None, false),
        3 => (Some(random_count_arg(a.get(2))?), false),
        4 if is(a.get(3), "withvalues") => (Some(random_count_arg(a.get(2))?), true),
        _ => return Err(CmdError::Syntax),
    };
    if let Some(c) = count {
        if withvalues && (c < -HRANDFIELD_MAX_NEG || c > HRANDFIELD_MAX_NEG) {
            return Err(CmdError::msg("ERR value is out of range"));
        }
    }
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = match ctx.core.ks.hash_ref(db, a.get(1), now)? {
        None => Vec::new(),
        Some(h) => h
            .pairs()
            .into_iter()
            .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect(),
    };
    let picks = random_picks(ctx, pairs.len(), count);
    let out = &mut ctx.client.out;
    match (count, picks) {
        (None, p) => match p.first() {
            Some(&i) => out.bulk(&pairs[i].0),
            None => out.null(),
        },
        (Some(_), p) => {
            let resp3_pairs = withvalues && out.is_resp3();
            out.array(if withvalues && !resp3_pairs {
                p.len() * 2
            } else {
                p.len()
            });
            for i in p {
                if resp3_pairs {
                    out.array(2);
                }
                out.bulk(&pairs[i].0);
                if withvalues {
                    out.bulk(&pairs[i].1);
                }
            }
        }
    }
    Ok(())
}

/// Reads the count of HRANDFIELD/SRANDMEMBER/ZRANDMEMBER: an integer whose negation
/// is representable, as in Redis (`-LONG_MAX..=LONG_MAX`).
pub fn random_count_arg(arg: &[u8]) -> Result<i64, CmdError> {
    let c = super::int_arg(arg)?;
    if c == i64::MIN {
        return Err(CmdError::owned(format!(
            "ERR value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    Ok(c)
}

/// Most picks made with repetition by one call. Redis has no bound (a huge negative
/// count builds a huge reply); we cap it so one command cannot exhaust memory.
pub const RANDOM_PICKS_MAX: i64 = 1 << 24;

/// Positions picked at random among `len` items for the HRANDFIELD/SRANDMEMBER/
/// ZRANDMEMBER family: no count → one; positive count → distinct (all, in order, when
/// the count covers everything); negative count → `|count|` picks with repetition.
pub fn random_picks(ctx: &mut Ctx, len: usize, count: Option<i64>) -> Vec<usize> {
    if len == 0 {
        return Vec::new();
    }
    let count = count.map(|c| c.clamp(-RANDOM_PICKS_MAX, RANDOM_PICKS_MAX));
    match count {
        None => vec![(ctx.core.rand() % len as u64) as usize],
        Some(c) if c < 0 => (0..c.unsigned_abs())
            .map(|_| (ctx.core.rand() % len as u64) as usize)
            .collect(),
        Some(c) if c as usize >= len => (0..len).collect(),
        Some(c) => {
            // Partial Fisher-Yates shuffle.
            let mut idx: Vec<usize> = (0..len).collect();
            for i in 0..c as usize {
                let j = i + (ctx.core.rand() % (len - i) as u64) as usize;
                idx.swap(i, j);
            }
            idx.truncate(c as usize);
            idx
        }
    }
}
