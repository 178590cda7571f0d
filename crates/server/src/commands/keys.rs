//! Generic key commands: existence, deletion, renaming, moving, expiry, iteration,
//! OBJECT introspection and database-wide commands (DBSIZE, FLUSH*, SWAPDB).

use super::{int_arg, is};
use crate::error::{CmdError, CmdResult};
use crate::glob::glob_match;
use crate::server::Ctx;
use resp::Args;

pub fn del(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let mut n = 0;
    for i in 1..a.len() {
        ctx.core.ks.expire_if_needed(db, a.get(i), now);
        if ctx.core.ks.delete(db, a.get(i)) {
            n += 1;
        }
    }
    ctx.core.dirty += n as u64;
    ctx.client.out.int(n);
    Ok(())
}

/// EXISTS does not count as an access; TOUCH does (that is its purpose).
fn count_existing(ctx: &mut Ctx, a: &Args, touch: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let mut n = 0;
    for i in 1..a.len() {
        let found = if touch {
            ctx.core.ks.lookup_read(db, a.get(i), now).is_some()
        } else {
            ctx.core.ks.lookup_read_notouch(db, a.get(i), now).is_some()
        };
        if found {
            n += 1;
        }
    }
    ctx.client.out.int(n);
    Ok(())
}

pub fn exists(ctx: &mut Ctx, a: &Args) -> CmdResult {
    count_existing(ctx, a, false)
}

pub fn touch(ctx: &mut Ctx, a: &Args) -> CmdResult {
    count_existing(ctx, a, true)
}

pub fn type_(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let t = ctx
        .core
        .ks
        .peek(db, a.get(1), now)
        .map_or("none", |v| v.type_name());
    ctx.client.out.simple(t.as_bytes());
    Ok(())
}

pub fn keys(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let pat = a.get(1);
    let all = pat == b"*";
    let d = &ctx.core.ks.dbs[db];
    let mut found: Vec<&[u8]> = Vec::new();
    for (k, _) in d.dict.iter() {
        let kb = k.as_bytes();
        if (all || glob_match(pat, kb, false)) && d.expires.get(kb).map_or(true, |&t| t > now) {
            found.push(kb);
        }
    }
    let out = &mut ctx.client.out;
    out.array(found.len());
    for k in found {
        out.bulk(k);
    }
    Ok(())
}

pub fn scan(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let cursor: u64 = std::str::from_utf8(a.get(1))
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| CmdError::msg("ERR invalid cursor"))?;
    let mut count = 10i64;
    let mut pattern: Option<&[u8]> = None;
    let mut typ: Option<&[u8]> = None;
    let mut i = 2;
    while i < a.len() {
        let o = a.get(i);
        if i + 1 >= a.len() {
            return Err(CmdError::Syntax);
        }
        if is(o, "count") {
            count = int_arg(a.get(i + 1))?;
            if count < 1 {
                return Err(CmdError::Syntax);
            }
        } else if is(o, "match") {
            pattern = Some(a.get(i + 1));
        } else if is(o, "type") {
            typ = Some(a.get(i + 1));
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let d = &ctx.core.ks.dbs[db];
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut cur = cursor;
    // Visit buckets until `count` keys were seen (or 10x count buckets, as Redis bounds it).
    let mut visited = 0i64;
    loop {
        cur = d.dict.scan(cur, |k, v| {
            let kb = k.as_bytes();
            if pattern.map_or(true, |p| glob_match(p, kb, false))
                && typ.map_or(true, |t| t.eq_ignore_ascii_case(v.type_name().as_bytes()))
                && d.expires.get(kb).map_or(true, |&t| t > now)
            {
                keys.push(kb.to_vec());
            }
        });
        visited += 1;
        if cur == 0 || keys.len() as i64 >= count || visited >= count * 10 {
            break;
        }
    }
    let out = &mut ctx.client.out;
    out.array(2);
    out.bulk(cur.to_string().as_bytes());
    out.array(keys.len());
    for k in keys {
        out.bulk(&k);
    }
    Ok(())
}

/// Tries to pick a random key before giving up on sampling expired ones.
const RANDOMKEY_TRIES: usize = 100;

pub fn randomkey(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    for _ in 0..RANDOMKEY_TRIES {
        let core = &mut *ctx.core;
        let mut rng = core.rng;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let picked = core.ks.dbs[db]
            .dict
            .random(&mut next)
            .map(|(k, _)| k.as_bytes().to_vec());
        core.rng = next();
        let Some(k) = picked else {
            ctx.client.out.null();
            return Ok(());
        };
        if ctx.core.ks.expire_if_needed(db, &k, now) {
            continue;
        }
        ctx.client.out.bulk(&k);
        return Ok(());
    }
    ctx.client.out.null();
    Ok(())
}

fn rename_generic(ctx: &mut Ctx, a: &Args, nx: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (src, dst) = (a.get(1), a.get(2));
    if ctx.core.ks.lookup_write(db, src, now).is_none() {
        return Err(CmdError::NoSuchKey);
    }
    if src == dst {
        if nx {
            ctx.client.out.int(0);
        } else {
            ctx.client.out.ok();
        }
        return Ok(());
    }
    if nx && ctx.core.ks.exists(db, dst, now) {
        ctx.client.out.int(0);
        return Ok(());
    }
    let (v, ttl) = ctx.core.ks.take(db, src).expect("checked above");
    ctx.core.ks.set(db, dst, v, false);
    if let Some(t) = ttl {
        ctx.core.ks.set_expire(db, dst, t);
    }
    ctx.core.dirty += 1;
    if nx {
        ctx.client.out.int(1);
    } else {
        ctx.client.out.ok();
    }
    Ok(())
}

pub fn rename(ctx: &mut Ctx, a: &Args) -> CmdResult {
    rename_generic(ctx, a, false)
}

pub fn renamenx(ctx: &mut Ctx, a: &Args) -> CmdResult {
    rename_generic(ctx, a, true)
}

fn db_index(ctx: &Ctx, arg: &[u8]) -> Result<usize, CmdError> {
    let n = int_arg(arg)?;
    if n < 0 || n as usize >= ctx.core.ks.dbs.len() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    Ok(n as usize)
}

pub fn move_(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let dst = db_index(ctx, a.get(2))?;
    if dst == db {
        return Err(CmdError::msg(
            "ERR source and destination objects are the same",
        ));
    }
    let key = a.get(1);
    if ctx.core.ks.lookup_write(db, key, now).is_none() || ctx.core.ks.exists(dst, key, now) {
        ctx.client.out.int(0);
        return Ok(());
    }
    let (v, ttl) = ctx.core.ks.take(db, key).expect("checked above");
    ctx.core.ks.set(dst, key, v, false);
    if let Some(t) = ttl {
        ctx.core.ks.set_expire(dst, key, t);
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(1);
    Ok(())
}

pub fn copy(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let mut dst_db = db;
    let mut replace = false;
    let mut i = 3;
    while i < a.len() {
        if is(a.get(i), "replace") {
            replace = true;
        } else if is(a.get(i), "db") && i + 1 < a.len() {
            dst_db = db_index(ctx, a.get(i + 1))?;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let (src, dst) = (a.get(1), a.get(2));
    if src == dst && dst_db == db {
        return Err(CmdError::msg(
            "ERR source and destination objects are the same",
        ));
    }
    let Some(v) = ctx.core.ks.lookup_write(db, src, now).cloned() else {
        ctx.client.out.int(0);
        return Ok(());
    };
    let ttl = ctx.core.ks.get_expire(db, src);
    if ctx.core.ks.exists(dst_db, dst, now) {
        if !replace {
            ctx.client.out.int(0);
            return Ok(());
        }
        ctx.core.ks.delete(dst_db, dst);
    }
    ctx.core.ks.set(dst_db, dst, v, false);
    if let Some(t) = ttl {
        ctx.core.ks.set_expire(dst_db, dst, t);
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(1);
    Ok(())
}

pub fn dbsize(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let n = ctx.core.ks.dbs[ctx.client.db].dict.len();
    ctx.client.out.int(n as i64);
    Ok(())
}

fn flush_mode(a: &Args) -> CmdResult {
    if a.len() > 2 || (a.len() == 2 && !is(a.get(1), "async") && !is(a.get(1), "sync")) {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

pub fn flushdb(ctx: &mut Ctx, a: &Args) -> CmdResult {
    flush_mode(a)?;
    let db = ctx.client.db;
    ctx.core.watches.touch_db(&ctx.core.ks, db, None);
    ctx.core.dirty += ctx.core.ks.dbs[db].dict.len() as u64;
    ctx.core.ks.dbs[db].clear();
    ctx.client.out.ok();
    Ok(())
}

pub fn flushall(ctx: &mut Ctx, a: &Args) -> CmdResult {
    flush_mode(a)?;
    for db in 0..ctx.core.ks.dbs.len() {
        ctx.core.watches.touch_db(&ctx.core.ks, db, None);
    }
    for d in ctx.core.ks.dbs.iter_mut() {
        ctx.core.dirty += d.dict.len() as u64;
        d.clear();
    }
    ctx.core.dirty += 1;
    // As Redis does, FLUSHALL writes the (now empty) dataset when save points are set.
    if !crate::persist::save_points(ctx.core).is_empty() {
        crate::persist::wait_bgsave(ctx.core);
        let _ = crate::persist::save(ctx.core);
    }
    ctx.client.out.ok();
    Ok(())
}

pub fn swapdb(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let x = int_arg(a.get(1)).map_err(|_| CmdError::msg("ERR invalid first DB index"))?;
    let y = int_arg(a.get(2)).map_err(|_| CmdError::msg("ERR invalid second DB index"))?;
    let n = ctx.core.ks.dbs.len() as i64;
    if x < 0 || x >= n || y < 0 || y >= n {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.core
        .watches
        .touch_db(&ctx.core.ks, x as usize, Some(y as usize));
    ctx.core
        .watches
        .touch_db(&ctx.core.ks, y as usize, Some(x as usize));
    ctx.core.ks.dbs.swap(x as usize, y as usize);
    ctx.core.dirty += 1;
    ctx.client.out.ok();
    Ok(())
}

/// EXPIRE family: `unit_ms` 1000 or 1; `absolute` for *AT variants.
fn expire_generic(
    ctx: &mut Ctx,
    a: &Args,
    unit_ms: i64,
    absolute: bool,
    cmd: &'static str,
) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = int_arg(a.get(2))?;
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for i in 3..a.len() {
        let o = a.get(i);
        if is(o, "nx") {
            nx = true;
        } else if is(o, "xx") {
            xx = true;
        } else if is(o, "gt") {
            gt = true;
        } else if is(o, "lt") {
            lt = true;
        } else {
            return Err(CmdError::owned(format!(
                "ERR Unsupported option {}",
                String::from_utf8_lossy(o)
            )));
        }
    }
    if nx && (xx || gt || lt) {
        return Err(CmdError::msg(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(CmdError::msg(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    let ms = n.checked_mul(unit_ms).ok_or(CmdError::InvalidExpire(cmd))?;
    let when = if absolute {
        ms
    } else {
        ms.checked_add(now).ok_or(CmdError::InvalidExpire(cmd))?
    };
    let key = a.get(1);
    if ctx.core.ks.lookup_write(db, key, now).is_none() {
        ctx.client.out.int(0);
        return Ok(());
    }
    let cur = ctx.core.ks.get_expire(db, key);
    let ok = if nx {
        cur.is_none()
    } else if xx && cur.is_none() {
        false
    } else if gt {
        cur.is_some_and(|c| when > c)
    } else if lt {
        cur.map_or(true, |c| when < c)
    } else {
        true
    };
    if !ok {
        ctx.client.out.int(0);
        return Ok(());
    }
    if when <= now {
        ctx.core.ks.delete(db, key);
    } else {
        ctx.core.ks.set_expire(db, key, when);
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(1);
    Ok(())
}

pub fn expire(ctx: &mut Ctx, a: &Args) -> CmdResult {
    expire_generic(ctx, a, 1000, false, "expire")
}
pub fn pexpire(ctx: &mut Ctx, a: &Args) -> CmdResult {
    expire_generic(ctx, a, 1, false, "pexpire")
}
pub fn expireat(ctx: &mut Ctx, a: &Args) -> CmdResult {
    expire_generic(ctx, a, 1000, true, "expireat")
}
pub fn pexpireat(ctx: &mut Ctx, a: &Args) -> CmdResult {
    expire_generic(ctx, a, 1, true, "pexpireat")
}

/// TTL family: `relative` gives remaining time, otherwise the absolute time.
fn ttl_generic(ctx: &mut Ctx, a: &Args, unit_ms: i64, relative: bool) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let key = a.get(1);
    if ctx.core.ks.lookup_read_notouch(db, key, now).is_none() {
        ctx.client.out.int(-2);
        return Ok(());
    }
    let r = match ctx.core.ks.get_expire(db, key) {
        None => -1,
        Some(when) if relative => {
            let left = (when - now).max(0);
            if unit_ms == 1000 {
                (left + 500) / 1000
            } else {
                left
            }
        }
        Some(when) => when / unit_ms,
    };
    ctx.client.out.int(r);
    Ok(())
}

pub fn ttl(ctx: &mut Ctx, a: &Args) -> CmdResult {
    ttl_generic(ctx, a, 1000, true)
}
pub fn pttl(ctx: &mut Ctx, a: &Args) -> CmdResult {
    ttl_generic(ctx, a, 1, true)
}
pub fn expiretime(ctx: &mut Ctx, a: &Args) -> CmdResult {
    ttl_generic(ctx, a, 1000, false)
}
pub fn pexpiretime(ctx: &mut Ctx, a: &Args) -> CmdResult {
    ttl_generic(ctx, a, 1, false)
}

pub fn persist(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let key = a.get(1);
    let r = ctx.core.ks.lookup_write(db, key, now).is_some() && ctx.core.ks.persist(db, key);
    if r {
        ctx.core.dirty += 1;
    }
    ctx.client.out.int(r as i64);
    Ok(())
}

pub fn object_encoding(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx.core.ks.peek(db, a.get(2), now) {
        Some(v) => ctx.client.out.bulk(v.encoding().as_bytes()),
        None => ctx.client.out.null(),
    }
    Ok(())
}

/// Redis's replies when `OBJECT FREQ`/`OBJECT IDLETIME` ask for data the policy does
/// not track.
const NO_LFU: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const NO_LRU: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/// The access field of `key` without touching it (`None` when missing).
fn access_field(ctx: &mut Ctx, key: &[u8]) -> Option<u32> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if ctx.core.ks.expire_if_needed(db, key, now) {
        return None;
    }
    ctx.core.ks.dbs[db].dict.get_meta(key)
}

pub fn object_freq(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let Some(meta) = access_field(ctx, a.get(2)) else {
        ctx.client.out.null();
        return Ok(());
    };
    let acc = &ctx.core.ks.access;
    if !acc.policy.is_lfu() {
        return Err(CmdError::msg(NO_LFU));
    }
    let freq = acc.lfu_decayed(meta, ctx.core.cmd_time_ms);
    ctx.client.out.int(freq as i64);
    Ok(())
}

pub fn object_idletime(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let Some(meta) = access_field(ctx, a.get(2)) else {
        ctx.client.out.null();
        return Ok(());
    };
    if ctx.core.ks.access.policy.is_lfu() {
        return Err(CmdError::msg(NO_LRU));
    }
    let idle = crate::evict::idle_ms(meta, ctx.core.cmd_time_ms) / 1000;
    ctx.client.out.int(idle as i64);
    Ok(())
}

/// Integers below this are shared objects in Redis (`OBJ_SHARED_INTEGERS`), whose
/// refcount reads as INT_MAX.
const SHARED_INTEGERS: i64 = 10000;

pub fn object_refcount(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx.core.ks.peek(db, a.get(2), now) {
        Some(crate::db::Value::Int(n)) if (0..SHARED_INTEGERS).contains(n) => {
            ctx.client.out.int(i32::MAX as i64)
        }
        Some(_) => ctx.client.out.int(1),
        None => ctx.client.out.null(),
    }
    Ok(())
}

pub fn object_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let lines: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ];
    super::server_cmds::help_reply(ctx, lines);
    Ok(())
}
