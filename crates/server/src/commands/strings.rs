//! String commands: GET/SET and friends, counters, ranges, LCS.

use super::{int_arg, is, string_bytes};
use crate::db::{IntBuf, Value};
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

pub fn get(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx.core.ks.lookup_read(db, a.get(1), now) {
        None => ctx.client.out.null(),
        Some(v) => {
            let mut t = IntBuf::default();
            ctx.client.out.bulk(string_bytes(v, &mut t)?);
        }
    }
    Ok(())
}

/// Expiry option shared by SET and GETEX.
#[derive(Clone, Copy, PartialEq)]
enum Ttl {
    None,
    Keep,
    Persist,
    At(i64),
}

/// Turns `EX n` style arguments into an absolute time, with Redis's checks.
fn expire_at(
    now: i64,
    unit_ms: i64,
    absolute: bool,
    n: i64,
    cmd: &'static str,
) -> Result<i64, CmdError> {
    if n <= 0 || (unit_ms == 1000 && n > i64::MAX / 1000) {
        return Err(CmdError::InvalidExpire(cmd));
    }
    let ms = n * unit_ms;
    if absolute {
        Ok(ms)
    } else {
        ms.checked_add(now).ok_or(CmdError::InvalidExpire(cmd))
    }
}

pub fn set(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (mut nx, mut xx, mut get) = (false, false, false);
    let mut ttl = Ttl::None;
    let mut i = 3;
    while i < a.len() {
        let o = a.get(i);
        let has_next = i + 1 < a.len();
        if is(o, "nx") && !xx {
            nx = true;
        } else if is(o, "xx") && !nx {
            xx = true;
        } else if is(o, "get") {
            get = true;
        } else if is(o, "keepttl") && ttl == Ttl::None {
            ttl = Ttl::Keep;
        } else if (is(o, "ex") || is(o, "px") || is(o, "exat") || is(o, "pxat"))
            && ttl == Ttl::None
            && has_next
        {
            let n = int_arg(a.get(i + 1))?;
            let unit = if is(o, "ex") || is(o, "exat") {
                1000
            } else {
                1
            };
            let abs = is(o, "exat") || is(o, "pxat");
            ttl = Ttl::At(expire_at(now, unit, abs, n, "set")?);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let key = a.get(1);
    let ks = &mut ctx.core.ks;
    let existing = ks.lookup_write(db, key, now);
    if get {
        match existing {
            Some(v) => {
                let mut t = IntBuf::default();
                let b = string_bytes(v, &mut t)?;
                ctx.client.out.bulk(b);
            }
            None => ctx.client.out.null(),
        }
    }
    let exists = ks.dbs[db].dict.contains_key(key);
    if (nx && exists) || (xx && !exists) {
        if !get {
            ctx.client.out.null();
        }
        return Ok(());
    }
    ks.set(db, key, Value::from_bytes(a.get(2)), ttl == Ttl::Keep);
    if let Ttl::At(when) = ttl {
        ks.set_expire(db, key, when);
    }
    ctx.core.dirty += 1;
    if !get {
        ctx.client.out.ok();
    }
    Ok(())
}

pub fn setnx(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if ctx.core.ks.exists(db, a.get(1), now) {
        ctx.client.out.int(0);
    } else {
        ctx.core
            .ks
            .set(db, a.get(1), Value::from_bytes(a.get(2)), false);
        ctx.core.dirty += 1;
        ctx.client.out.int(1);
    }
    Ok(())
}

fn setex_generic(ctx: &mut Ctx, a: &Args, unit: i64, cmd: &'static str) -> CmdResult {
    let now = ctx.core.cmd_time_ms;
    let n = int_arg(a.get(2))?;
    let when = expire_at(now, unit, false, n, cmd)?;
    let db = ctx.client.db;
    ctx.core
        .ks
        .set(db, a.get(1), Value::from_bytes(a.get(3)), false);
    ctx.core.ks.set_expire(db, a.get(1), when);
    ctx.core.dirty += 1;
    ctx.client.out.ok();
    Ok(())
}

pub fn setex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    setex_generic(ctx, a, 1000, "setex")
}

pub fn psetex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    setex_generic(ctx, a, 1, "psetex")
}

pub fn mget(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    ctx.client.out.array(a.len() - 1);
    for i in 1..a.len() {
        match ctx.core.ks.lookup_read(db, a.get(i), now) {
            Some(v @ (Value::Int(_) | Value::Str(_))) => {
                let mut t = IntBuf::default();
                ctx.client.out.bulk(v.bytes(&mut t));
            }
            _ => ctx.client.out.null(),
        }
    }
    Ok(())
}

pub fn mset(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() % 2 == 0 {
        return Err(CmdError::WrongArity("mset".into()));
    }
    let db = ctx.client.db;
    for i in (1..a.len()).step_by(2) {
        ctx.core
            .ks
            .set(db, a.get(i), Value::from_bytes(a.get(i + 1)), false);
    }
    ctx.core.dirty += (a.len() as u64 - 1) / 2;
    ctx.client.out.ok();
    Ok(())
}

pub fn msetnx(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() % 2 == 0 {
        return Err(CmdError::WrongArity("msetnx".into()));
    }
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    for i in (1..a.len()).step_by(2) {
        if ctx.core.ks.exists(db, a.get(i), now) {
            ctx.client.out.int(0);
            return Ok(());
        }
    }
    for i in (1..a.len()).step_by(2) {
        ctx.core
            .ks
            .set(db, a.get(i), Value::from_bytes(a.get(i + 1)), false);
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(1);
    Ok(())
}

pub fn getset(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx.core.ks.lookup_write(db, a.get(1), now) {
        Some(v) => {
            let mut t = IntBuf::default();
            let b = string_bytes(v, &mut t)?;
            ctx.client.out.bulk(b);
        }
        None => ctx.client.out.null(),
    }
    ctx.core
        .ks
        .set(db, a.get(1), Value::from_bytes(a.get(2)), false);
    ctx.core.dirty += 1;
    Ok(())
}

pub fn getdel(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx.core.ks.lookup_read(db, a.get(1), now) {
        Some(v) => {
            let mut t = IntBuf::default();
            let b = string_bytes(v, &mut t)?;
            ctx.client.out.bulk(b);
            ctx.core.ks.delete(db, a.get(1));
            ctx.core.dirty += 1;
        }
        None => ctx.client.out.null(),
    }
    Ok(())
}

pub fn getex(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let mut ttl = Ttl::None;
    let mut i = 2;
    while i < a.len() {
        let o = a.get(i);
        if (is(o, "ex") || is(o, "px") || is(o, "exat") || is(o, "pxat"))
            && ttl == Ttl::None
            && i + 1 < a.len()
        {
            let n = int_arg(a.get(i + 1))?;
            let unit = if is(o, "ex") || is(o, "exat") {
                1000
            } else {
                1
            };
            let abs = is(o, "exat") || is(o, "pxat");
            ttl = Ttl::At(expire_at(now, unit, abs, n, "getex")?);
            i += 1;
        } else if is(o, "persist") && ttl == Ttl::None {
            ttl = Ttl::Persist;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let key = a.get(1);
    match ctx.core.ks.lookup_read(db, key, now) {
        None => {
            ctx.client.out.null();
            return Ok(());
        }
        Some(v) => {
            let mut t = IntBuf::default();
            let b = string_bytes(v, &mut t)?;
            ctx.client.out.bulk(b);
        }
    }
    match ttl {
        Ttl::At(when) if when <= now => {
            ctx.core.ks.delete(db, key);
            ctx.core.dirty += 1;
        }
        Ttl::At(when) => {
            ctx.core.ks.set_expire(db, key, when);
            ctx.core.dirty += 1;
        }
        Ttl::Persist => {
            if ctx.core.ks.persist(db, key) {
                ctx.core.dirty += 1;
            }
        }
        _ => {}
    }
    Ok(())
}

pub fn append(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let max = ctx.core.config.proto_max_bulk_len;
    let len = match ctx.core.ks.lookup_write(db, a.get(1), now) {
        None => {
            ctx.core
                .ks
                .set(db, a.get(1), Value::from_bytes(a.get(2)), false);
            a.get(2).len()
        }
        Some(v) => {
            if !v.is_string() {
                return Err(CmdError::WrongType);
            }
            if v.str_len() + a.get(2).len() > max {
                return Err(CmdError::StringTooLong);
            }
            let s = v.make_raw()?;
            s.extend_from_slice(a.get(2));
            s.len()
        }
    };
    ctx.core.dirty += 1;
    ctx.client.out.int(len as i64);
    Ok(())
}

pub fn strlen(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = match ctx.core.ks.lookup_read(db, a.get(1), now) {
        None => 0,
        Some(v) if v.is_string() => v.str_len(),
        Some(_) => return Err(CmdError::WrongType),
    };
    ctx.client.out.int(n as i64);
    Ok(())
}

fn incr_generic(ctx: &mut Ctx, key: &[u8], by: i64) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let result = match ctx.core.ks.lookup_write(db, key, now) {
        None => {
            ctx.core.ks.dbs[db].dict.insert(key, Value::Int(by));
            by
        }
        Some(v) => {
            let cur = match v {
                Value::Int(n) => *n,
                Value::Str(s) => resp::request::parse_i64_strict(s.as_bytes())
                    .filter(|_| s.len() <= 20)
                    .ok_or(CmdError::NotInteger)?,
                _ => return Err(CmdError::WrongType),
            };
            let n = cur.checked_add(by).ok_or(CmdError::Overflow)?;
            *v = Value::Int(n);
            n
        }
    };
    ctx.core.dirty += 1;
    ctx.client.out.int(result);
    Ok(())
}

pub fn incr(ctx: &mut Ctx, a: &Args) -> CmdResult {
    incr_generic(ctx, a.get(1), 1)
}

pub fn decr(ctx: &mut Ctx, a: &Args) -> CmdResult {
    incr_generic(ctx, a.get(1), -1)
}

pub fn incrby(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let by = int_arg(a.get(2))?;
    incr_generic(ctx, a.get(1), by)
}

pub fn decrby(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let by = int_arg(a.get(2))?;
    if by == i64::MIN {
        return Err(CmdError::msg("ERR decrement would overflow"));
    }
    incr_generic(ctx, a.get(1), -by)
}

/// INCRBYFLOAT: computed in x87 extended precision like Redis's `long double`
/// (see `f80`), stored and replied as Redis's `%.17Lf`-based text.
pub fn incrbyfloat(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let key = a.get(1);
    let mut t = IntBuf::default();
    let cur = match ctx.core.ks.lookup_write(db, key, now) {
        None => crate::f80::from_i64(0),
        Some(Value::Int(n)) => crate::f80::from_i64(*n),
        Some(v) => crate::f80::parse(string_bytes(v, &mut t)?).ok_or(CmdError::NotFloat)?,
    };
    let by = crate::f80::parse(a.get(2)).ok_or(CmdError::NotFloat)?;
    let sum = crate::f80::add(cur, by);
    if !matches!(sum, crate::f80::F80::Finite { .. }) {
        return Err(CmdError::NanOrInfinity);
    }
    let text = crate::f80::format_human(sum);
    ctx.core.ks.set(
        db,
        key,
        Value::Str(crate::sds::Sds::new(text.as_bytes())),
        true,
    );
    ctx.core.dirty += 1;
    ctx.client.out.bulk(text.as_bytes());
    Ok(())
}

/// Normalises Redis-style inclusive range indexes for a string of `len` bytes.
pub fn range(mut start: i64, mut end: i64, len: i64) -> Option<(usize, usize)> {
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if len == 0 || start > end {
        return None;
    }
    Some((start as usize, end as usize))
}

pub fn getrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let start = int_arg(a.get(2))?;
    let end = int_arg(a.get(3))?;
    let Some(v) = ctx.core.ks.lookup_read(db, a.get(1), now) else {
        ctx.client.out.bulk(b"");
        return Ok(());
    };
    let mut t = IntBuf::default();
    let s = string_bytes(v, &mut t)?;
    if start < 0 && end < 0 && start > end {
        ctx.client.out.bulk(b"");
        return Ok(());
    }
    match range(start, end, s.len() as i64) {
        Some((x, y)) => ctx.client.out.bulk(&s[x..=y]),
        None => ctx.client.out.bulk(b""),
    }
    Ok(())
}

pub fn setrange(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let offset = int_arg(a.get(2))?;
    if offset < 0 {
        return Err(CmdError::OffsetOutOfRange);
    }
    let val = a.get(3);
    let key = a.get(1);
    let max = ctx.core.config.proto_max_bulk_len as i64;
    let exists = ctx.core.ks.lookup_write(db, key, now).is_some();
    if !exists {
        if val.is_empty() {
            ctx.client.out.int(0);
            return Ok(());
        }
        if offset.saturating_add(val.len() as i64) > max {
            return Err(CmdError::StringTooLong);
        }
        ctx.core.ks.set(
            db,
            key,
            Value::Str(crate::sds::Sds::from_vec_raw(Vec::new())),
            false,
        );
    }
    let v = ctx.core.ks.dbs[db].dict.get_mut(key).expect("present");
    if !v.is_string() {
        return Err(CmdError::WrongType);
    }
    if val.is_empty() {
        let n = v.str_len();
        ctx.client.out.int(n as i64);
        return Ok(());
    }
    if offset.saturating_add(val.len() as i64) > max {
        return Err(CmdError::StringTooLong);
    }
    let s = v.make_raw()?;
    let end = offset as usize + val.len();
    if s.len() < end {
        s.resize(end, 0);
    }
    s[offset as usize..end].copy_from_slice(val);
    let n = s.len();
    ctx.core.dirty += 1;
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn lcs(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (mut get_len, mut get_idx, mut with_len) = (false, false, false);
    let mut min_len: i64 = 0;
    let mut i = 3;
    while i < a.len() {
        let o = a.get(i);
        if is(o, "idx") {
            get_idx = true;
        } else if is(o, "len") {
            get_len = true;
        } else if is(o, "withmatchlen") {
            with_len = true;
        } else if is(o, "minmatchlen") && i + 1 < a.len() {
            min_len = int_arg(a.get(i + 1))?.max(0);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let mut fetch = |k: &[u8]| -> Result<Vec<u8>, CmdError> {
        match ctx.core.ks.lookup_read(db, k, now) {
            None => Ok(Vec::new()),
            Some(v) => {
                let mut t = IntBuf::default();
                string_bytes(v, &mut t).map(|b| b.to_vec())
            }
        }
    };
    let x = fetch(a.get(1))?;
    let y = fetch(a.get(2))?;
    if get_idx && get_len {
        return Err(CmdError::msg(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    let (n, m) = (x.len(), y.len());
    let cells = (n as u128 + 1) * (m as u128 + 1);
    if cells * 4 > ctx.core.config.proto_max_bulk_len as u128 {
        return Err(CmdError::msg(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let w = m + 1;
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in 1..=n {
        for j in 1..=m {
            t[i * w + j] = if x[i - 1] == y[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[n * w + m] as usize;
    let mut result = vec![0u8; total];
    let mut idx = total;
    // Matches as ((a_start, a_end), (b_start, b_end)), collected from the end.
    let mut matches: Vec<((usize, usize), (usize, usize))> = Vec::new();
    let mut cur: Option<((usize, usize), (usize, usize))> = None;
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if x[i - 1] == y[j - 1] {
            idx -= 1;
            result[idx] = x[i - 1];
            match cur {
                Some(((as_, ae), (bs, be))) if as_ == i && bs == j => {
                    cur = Some(((i - 1, ae), (j - 1, be)))
                }
                _ => {
                    if let Some(c) = cur.take() {
                        if (c.0 .1 - c.0 .0 + 1) as i64 >= min_len {
                            matches.push(c);
                        }
                    }
                    cur = Some(((i - 1, i - 1), (j - 1, j - 1)));
                }
            }
            i -= 1;
            j -= 1;
        } else if t[(i - 1) * w + j] > t[i * w + j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    if let Some(c) = cur.take() {
        if (c.0 .1 - c.0 .0 + 1) as i64 >= min_len {
            matches.push(c);
        }
    }
    let out = &mut ctx.client.out;
    if get_idx {
        out.map(2);
        out.bulk(b"matches");
        out.array(matches.len());
        for ((as_, ae), (bs, be)) in &matches {
            out.array(if with_len { 3 } else { 2 });
            out.array(2);
            out.int(*as_ as i64);
            out.int(*ae as i64);
            out.array(2);
            out.int(*bs as i64);
            out.int(*be as i64);
            if with_len {
                out.int((ae - as_ + 1) as i64);
            }
        }
        out.bulk(b"len");
        out.int(total as i64);
    } else if get_len {
        out.int(total as i64);
    } else {
        out.bulk(&result);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(range(0, -1, 5), Some((0, 4)));
        assert_eq!(range(-3, -1, 5), Some((2, 4)));
        assert_eq!(range(3, 1, 5), None);
        assert_eq!(range(0, 100, 0), None);
    }
}
