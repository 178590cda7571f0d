//! Handlers of `EVAL`, `EVALSHA`, `EVAL_RO`, `EVALSHA_RO` and `SCRIPT LOAD|EXISTS|FLUSH|
//! KILL|HELP`, registered in the command table.
//!
//! Order of the EVAL checks (Redis 7.0.15): EVALSHA digest length, numkeys (integer,
//! not above the argument count, not negative), script lookup or compilation, the
//! run-time gate of declared flags, then the run.

use super::cache::sha1_hex;
use super::errors;
use super::run::{self, Invocation};
use crate::commands::is;
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

pub fn eval(ctx: &mut Ctx, a: &Args) -> CmdResult {
    eval_generic(ctx, a, false, Invocation::ReadWrite)
}

pub fn evalsha(ctx: &mut Ctx, a: &Args) -> CmdResult {
    eval_generic(ctx, a, true, Invocation::ReadWrite)
}

pub fn eval_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    eval_generic(ctx, a, false, Invocation::ReadOnly)
}

pub fn evalsha_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    eval_generic(ctx, a, true, Invocation::ReadOnly)
}

fn eval_generic(ctx: &mut Ctx, a: &Args, by_sha: bool, how: Invocation) -> CmdResult {
    if by_sha && a.get(1).len() != 40 {
        return Err(CmdError::msg(errors::NOSCRIPT));
    }
    let numkeys = crate::commands::int_arg(a.get(2))?;
    if numkeys > (a.len() - 3) as i64 {
        return Err(CmdError::msg(errors::NUMKEYS_GREATER));
    }
    if numkeys < 0 {
        return Err(CmdError::msg(errors::NUMKEYS_NEGATIVE));
    }
    let numkeys = numkeys as usize;
    let mut eng = ctx.core.scripting.take_engine()?;
    let r = (|| {
        let sha = if by_sha {
            let mut sha = [0u8; 40];
            for (d, s) in sha.iter_mut().zip(a.get(1)) {
                *d = s.to_ascii_lowercase();
            }
            if !eng.cache.contains_key(&sha) {
                return Err(CmdError::msg(errors::NOSCRIPT));
            }
            sha
        } else {
            let body = a.get(1);
            let sha = sha1_hex(body);
            eng.create(sha, body)?;
            sha
        };
        let args: Vec<&[u8]> = a.iter().skip(3).collect();
        let (keys, argv) = args.split_at(numkeys);
        run::run_script(ctx, &mut eng, &sha, keys, argv, how)
    })();
    ctx.core.scripting.put_engine(eng);
    r
}

pub fn script_load(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let body = a.get(2);
    let sha = sha1_hex(body);
    let mut eng = ctx.core.scripting.take_engine()?;
    let r = eng.create(sha, body).map(|_| ());
    ctx.core.scripting.put_engine(eng);
    r?;
    ctx.out().bulk(&sha);
    Ok(())
}

pub fn script_exists(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let eng = ctx.core.scripting.take_engine()?;
    let found: Vec<bool> = a.iter().skip(2).map(|s| eng.lookup(s).is_some()).collect();
    ctx.core.scripting.put_engine(eng);
    ctx.out().array(found.len());
    for f in found {
        ctx.out().int(f as i64);
    }
    Ok(())
}

pub fn script_flush(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 3 || (a.len() == 3 && !is(a.get(2), "sync") && !is(a.get(2), "async")) {
        return Err(CmdError::msg(errors::FLUSH_OPTION));
    }
    ctx.core.scripting.flush();
    ctx.out().ok();
    Ok(())
}

pub use super::busy::script_kill;

const SCRIPT_HELP: &[&str] = &[
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
    "HELP",
    "    Prints this help.",
];

pub fn script_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.out().array(SCRIPT_HELP.len());
    for l in SCRIPT_HELP {
        ctx.out().simple(l.as_bytes());
    }
    Ok(())
}
