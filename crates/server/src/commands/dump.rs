//! DUMP and RESTORE: a key's value as a serialized payload (RDB format, see
//! [`crate::rdb`]) and back, interchangeable with redis-server's payloads.
//!
//! RESTORE checks, in Redis's order: options (`REPLACE`, `ABSTTL`, `IDLETIME s`,
//! `FREQ f`; IDLETIME and FREQ together are a syntax error), an existing key without
//! REPLACE (`BUSYKEY`), the TTL, then the payload. A TTL already in the past deletes the
//! replaced key and stores nothing. IDLETIME (under an LRU or no policy) and FREQ (under an
//! LFU policy) set the key's access field, as in Redis.

use super::{int_arg, is};
use crate::error::{CmdError, CmdResult};
use crate::rdb::{self, DumpOptions};
use crate::server::Ctx;
use resp::Args;

/// Largest `FREQ` (Redis's LFU counter is one byte).
const FREQ_MAX: i64 = 255;

pub fn dump(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let opt = DumpOptions::from_config(&ctx.core.config);
    match ctx.core.ks.lookup_read(db, a.get(1), now) {
        None => ctx.client.out.null(),
        Some(v) => {
            let payload = rdb::dump(v, opt);
            ctx.client.out.bulk(&payload);
        }
    }
    Ok(())
}

pub fn restore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let (mut replace, mut absttl, mut lru, mut lfu) = (false, false, false, false);
    let (mut idle, mut freq) = (None, None);
    let mut i = 4;
    while i < a.len() {
        let o = a.get(i);
        let more = i + 1 < a.len();
        if is(o, "replace") {
            replace = true;
        } else if is(o, "absttl") {
            absttl = true;
        } else if is(o, "idletime") && more && !lfu {
            lru = true;
            let s = int_arg(a.get(i + 1))?;
            if s < 0 {
                return Err(CmdError::msg("ERR Invalid IDLETIME value, must be >= 0"));
            }
            idle = Some(s);
            i += 1;
        } else if is(o, "freq") && more && !lru {
            lfu = true;
            let f = int_arg(a.get(i + 1))?;
            if !(0..=FREQ_MAX).contains(&f) {
                return Err(CmdError::msg(
                    "ERR Invalid FREQ value, must be >= 0 and <= 255",
                ));
            }
            freq = Some(f as u32);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let key = a.get(1);
    let existed = ctx.core.ks.exists(db, key, now);
    if !replace && existed {
        return Err(CmdError::msg("BUSYKEY Target key name already exists."));
    }
    let ttl = int_arg(a.get(2))?;
    if ttl < 0 {
        return Err(CmdError::msg("ERR Invalid TTL value, must be >= 0"));
    }
    let value = rdb::restore(a.get(3)).map_err(|e| CmdError::owned(e.to_string()))?;
    let when = match (ttl, absttl) {
        (0, _) => None,
        (t, true) => Some(t),
        (t, false) => Some(t.saturating_add(now)),
    };
    if existed {
        ctx.core.ks.delete(db, key);
    }
    if when.is_some_and(|w| w <= now) {
        // Already expired: nothing is stored (a replaced key is gone).
        if existed {
            ctx.core.dirty += 1;
        }
        ctx.client.out.ok();
        return Ok(());
    }
    ctx.core.ks.set(db, key, value, false);
    if let Some(w) = when {
        ctx.core.ks.set_expire(db, key, w);
    }
    if let Some(m) = ctx.core.ks.access.restored(now, idle, freq) {
        if let Some((_, meta)) = ctx.core.ks.dbs[db].dict.get_mut_meta(key) {
            *meta = m;
        }
    }
    ctx.core.dirty += 1;
    ctx.client.out.ok();
    Ok(())
}
