//! MULTI / EXEC / DISCARD / WATCH / UNWATCH.
//!
//! Queueing happens in `server::call` (a client in MULTI gets `+QUEUED` for every command
//! except the ones [`crate::command_table::runs_inside_multi`] lists; a command refused
//! while queueing marks the transaction failed). EXEC runs the queue through the same
//! `call`, with blocking commands answering at once, and fails with `EXECABORT` after a
//! queueing error or with a null reply when a watched key changed. Watch bookkeeping is in
//! `multi.rs`.

use crate::client::MultiState;
use crate::error::{CmdError, CmdResult};
use crate::server::{call, Ctx};
use resp::Args;

pub fn multi(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::msg("ERR MULTI calls can not be nested"));
    }
    ctx.client.multi = Some(MultiState::default());
    ctx.client.out.ok();
    Ok(())
}

/// Forgets every key the client watches.
pub fn unwatch_all(ctx: &mut Ctx) {
    let keys = std::mem::take(&mut ctx.client.watched);
    ctx.core.watches.unwatch_all(ctx.client.id, &keys);
}

pub fn discard(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    if ctx.client.multi.take().is_none() {
        return Err(CmdError::msg("ERR DISCARD without MULTI"));
    }
    unwatch_all(ctx);
    ctx.client.out.ok();
    Ok(())
}

pub fn exec(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let Some(m) = ctx.client.multi.take() else {
        return Err(CmdError::msg("ERR EXEC without MULTI"));
    };
    let id = ctx.client.id;
    let now = ctx.core.cmd_time_ms;
    let aborted = ctx.core.watches.is_dirty(id)
        || ctx
            .core
            .watches
            .expired_since_watch(id, &ctx.client.watched, &ctx.core.ks, now);
    unwatch_all(ctx);
    if m.failed {
        return Err(CmdError::msg(
            "EXECABORT Transaction discarded because of previous errors.",
        ));
    }
    if aborted {
        ctx.client.out.null_array();
        return Ok(());
    }
    ctx.client.out.array(m.queue.len());
    let deny = std::mem::replace(&mut ctx.client.deny_blocking, true);
    ctx.client.in_exec = true;
    let mut base = Vec::new();
    let mut ranges = Vec::new();
    for argv in &m.queue {
        base.clear();
        ranges.clear();
        for a in argv {
            ranges.push((base.len(), base.len() + a.len()));
            base.extend_from_slice(a);
        }
        let args = Args::from_parts(&base, &ranges);
        call(ctx.core, ctx.client, ctx.others.as_deref_mut(), &args);
    }
    ctx.client.deny_blocking = deny;
    ctx.client.in_exec = false;
    ctx.core.dirty += 1;
    Ok(())
}

pub fn watch(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::msg("ERR WATCH inside MULTI is not allowed"));
    }
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    for i in 1..a.len() {
        let key = a.get(i);
        let stale = ctx.core.ks.dbs[db].dict.contains_key(key)
            && ctx.core.ks.get_expire(db, key).is_some_and(|t| t <= now);
        if ctx.core.watches.watch(ctx.client.id, db, key, stale) {
            ctx.client.watched.push((db, key.to_vec()));
        }
    }
    ctx.client.out.ok();
    Ok(())
}

pub fn unwatch(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    unwatch_all(ctx);
    ctx.client.out.ok();
    Ok(())
}
