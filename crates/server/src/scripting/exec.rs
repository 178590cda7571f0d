//! Running one command for `redis.call` / `redis.pcall`: the checks Redis 7.0 makes for
//! commands called from scripts, then the handler, with the same statistics as a
//! command sent by a client.
//!
//! Order of the checks: command lookup (with subcommands) and arity, `noscript`, ACL,
//! writes under a read-only run, OOM (compat rules: only before the run's first write,
//! only when the server was over `maxmemory` at the start of the run). A rejected
//! command counts in errorstats and in its `rejected_calls`.

use super::errors;
use super::run::RunState;
use crate::client::Client;
use crate::command_table::{self, Registry};
use crate::error::error_reply;
use crate::server::{Core, Ctx};
use resp::Args;
use std::time::Instant;

/// Runs `args` as the script client. On success the reply (possibly an error reply of
/// the command itself) is in `client.out.buf`; a command refused before running gives
/// `Err(text)` (normalised error text, already counted in errorstats).
pub fn run_command(
    core: &mut Core,
    client: &mut Client,
    st: &mut RunState,
    args: &Args,
) -> Result<(), Vec<u8>> {
    let Some(mut id) = core.registry.lookup(args.get(0)) else {
        return Err(reject(core, None, errors::UNKNOWN_CMD));
    };
    let top = core.registry.entries[id].cmd;
    if !top.subcommands.is_empty() && args.len() >= 2 {
        match core.registry.lookup_sub(id, args.get(1)) {
            Some(s) => id = s,
            None => return Err(reject(core, None, errors::UNKNOWN_CMD)),
        }
    }
    let cmd = core.registry.entries[id].cmd;
    if !Registry::arity_ok(cmd, args.len()) {
        return Err(reject(core, Some(id), errors::WRONG_ARGS));
    }
    if cmd.flags & command_table::NOSCRIPT != 0 {
        return Err(reject(core, Some(id), errors::NOT_ALLOWED));
    }
    if client.user != "default" || !core.acl.default_unrestricted() {
        use crate::commands::acl::{check_and_log, script_error, Context};
        let user = client.user.clone();
        let info = client.script_caller_info.clone().unwrap_or_default();
        if let Err(d) = check_and_log(core, &user, id, args, Context::Lua, &|| info.clone()) {
            return Err(reject(core, Some(id), script_error(d)));
        }
    }
    let writes = cmd.flags & command_table::WRITE != 0;
    if st.readonly && cmd.flags & (command_table::WRITE | command_table::MAY_REPLICATE) != 0 {
        return Err(reject(core, Some(id), errors::WRITE_IN_RO));
    }
    if writes && crate::persist::writes_denied(core) {
        let msg = format!("-{}", crate::persist::MISCONF);
        return Err(reject(core, Some(id), &msg));
    }
    if writes && !st.write_dirty && core.config.min_replicas_enforced {
        let msg = format!("-{}", crate::server::NOREPLICAS);
        return Err(reject(core, Some(id), &msg));
    }
    if !st.allow_oom
        && !st.write_dirty
        && st.oom_at_start
        && core.config.maxmemory > 0
        && cmd.flags & command_table::DENYOOM != 0
    {
        return Err(reject(core, Some(id), errors::OOM_CMD));
    }
    if writes {
        st.write_dirty = true;
    }
    let Some(handler) = cmd.handler else {
        return Err(reject(core, Some(id), errors::UNKNOWN_CMD));
    };
    let db = client.db;
    if let Some(lines) = core.monitor_backlog.as_mut() {
        if cmd.flags & (command_table::ADMIN | command_table::SKIP_MONITOR) == 0 {
            lines.push(crate::server::monitor_line_from(db, "lua", args));
        }
    }
    let dirty = core.dirty;
    let started = Instant::now();
    let result = {
        let mut ctx = Ctx {
            core,
            client,
            others: None,
            cmd: id,
        };
        handler(&mut ctx, args)
    };
    let elapsed = started.elapsed();
    let stats = &mut core.registry.stats[id];
    stats.calls += 1;
    stats.nanos += elapsed.as_nanos() as u64;
    if core.config.latency_tracking {
        stats.latency.record(elapsed.as_nanos() as u64);
    }
    if let Err(e) = result {
        stats.failed_calls += 1;
        let msg = error_reply(&e);
        core.count_error(&msg);
        client.out.error(msg.as_bytes());
    }
    core.stats.total_commands_processed += 1;
    if core.dirty != dirty && !core.watches.is_empty() {
        // WATCHed keys this command changed (the EVAL/FCALL itself touches none).
        for pos in command_table::command_keys(cmd, args) {
            let key = args.get(pos);
            let exists = core.ks.dbs[db].dict.contains_key(key);
            core.watches.touch(db, key, exists);
        }
    }
    if core.dirty != dirty && st.repl != 0 && core.scripting.record_effects {
        st.effects
            .push((db, args.iter().map(<[u8]>::to_vec).collect()));
    }
    Ok(())
}

/// Counts a refused command and returns its error text.
fn reject(core: &mut Core, id: Option<usize>, msg: &str) -> Vec<u8> {
    let text = errors::normalize(msg.as_bytes());
    if let Some(id) = id {
        core.registry.stats[id].rejected_calls += 1;
    }
    core.count_error(&String::from_utf8_lossy(&text));
    text
}
