//! Busy scripts: what the server answers while a script has run past
//! `busy-reply-threshold`, and `SCRIPT KILL` / `FUNCTION KILL`.
//!
//! Ownership while a script is busy (the Redis design: the hook itself serves the
//! network):
//! * the running script holds the keyspace (`Core`, reached by its natives through
//!   `RunShared::core`) and its caller's `Client`, which the event loop took out of its
//!   connection slot for the duration of the command;
//! * the instruction-count hook (`run::install_hook`) notices the threshold, sets
//!   [`Scripting::busy`](super::Scripting) and from then on calls
//!   `event_loop::serve_while_busy` on every invocation. That serves one round of
//!   network events for the *other* connections: accept, read, dispatch, write;
//! * dispatch (`server::call`) refuses every command without the `allow_busy` flag with
//!   [`busy_text`] (EXEC gets `-EXECABORT`), so nothing but the allowed commands touches
//!   the dataset while the script is suspended in its hook; `SCRIPT KILL` /
//!   `FUNCTION KILL` ([`kill`]) only flip the running context's `killed` flag, and the
//!   hook raises the kill error when it returns to the script, then again on every new
//!   line, so `pcall` cannot keep the script alive.
//!
//! Engines that run scripts (EVAL here, Functions) share this machinery. What an engine
//! does for a run (see `run::run_script` for EVAL): install the hook once with
//! `run::install_hook` and set `RunShared::handler` to its error handler; per run, fill
//! `RunState` (`running`, `name`, `start`, `busy_threshold_ms`, `timed_out`/`killed`/
//! `write_dirty` cleared), then call `run::busy_begin` with its [`RunKind`] before
//! calling into Lua and `run::busy_end` after. The command table registers [`script_kill`] and
//! [`function_kill`] (flags `noscript`, `allow_busy`); `FUNCTION STATS` is `allow_busy`
//! too (it answers the EVAL BUSY text while an EVAL script is busy).
//!
//! While busy, also: `CLIENT KILL` (not `allow_busy`) gets `-BUSY`, so the caller cannot
//! be killed; a caller that disconnects keeps its `Client` until the script ends (its
//! reply is then dropped when the read finds the connection closed). The cron does not
//! run: active expiry, client timeouts and the end of `CLIENT PAUSE` wait for the
//! script, as do clients blocked on keys (Redis pauses the same work); the script's
//! clock for expiry stays frozen at its start. SIGTERM/SIGINT are noted and the shutdown
//! happens after the script (Redis 7.0.15 does the same); `SHUTDOWN NOSAVE` exits at once.
//!
//! Tests: `tests/busy.rs` (several clients on loopback, replies recorded from
//! redis-server 7.0.15).

use super::run::RunShared;
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// What kind of script is running: decides the kill command named in replies and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// EVAL / EVALSHA and their `_RO` variants.
    Eval,
    /// FCALL / FCALL_RO.
    Function,
}

pub const BUSY_EVAL: &str =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
pub const BUSY_FUNCTION: &str =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
pub const UNKILLABLE_WRITE: &str = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
pub use super::errors::NOTBUSY;

/// The `-BUSY` text for other clients while a script of `kind` is busy.
pub fn busy_text(kind: RunKind) -> &'static str {
    match kind {
        RunKind::Eval => BUSY_EVAL,
        RunKind::Function => BUSY_FUNCTION,
    }
}

/// The kill command named in the slow-script log line.
pub fn kill_command(kind: RunKind) -> &'static str {
    match kind {
        RunKind::Eval => "SCRIPT KILL",
        RunKind::Function => "FUNCTION KILL",
    }
}

/// `SCRIPT KILL` (`want` = Eval) or `FUNCTION KILL` (`want` = Function), checks in
/// Redis's order: nothing busy, already wrote, wrong kind; then mark the run killed.
pub fn kill(running: Option<&RunShared>, busy: bool, want: RunKind) -> Result<(), CmdError> {
    let Some(sh) = running.filter(|_| busy) else {
        return Err(CmdError::msg(NOTBUSY));
    };
    let Ok(mut st) = sh.state.try_borrow_mut() else {
        return Err(CmdError::msg(NOTBUSY));
    };
    if !st.running {
        return Err(CmdError::msg(NOTBUSY));
    }
    if st.write_dirty {
        return Err(CmdError::msg(UNKILLABLE_WRITE));
    }
    if st.kind != want {
        return Err(CmdError::msg(busy_text(st.kind)));
    }
    st.killed = true;
    Ok(())
}

/// `SCRIPT KILL`.
pub fn script_kill(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let s = &ctx.core.scripting;
    kill(s.running.as_deref(), s.busy.is_some(), RunKind::Eval)?;
    ctx.out().ok();
    Ok(())
}

/// `FUNCTION KILL`: for the Functions command table entry (the Functions engine registers
/// its running context in `Scripting::running` with kind [`RunKind::Function`]).
pub fn function_kill(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let s = &ctx.core.scripting;
    kill(s.running.as_deref(), s.busy.is_some(), RunKind::Function)?;
    ctx.out().ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: Result<(), CmdError>) -> String {
        match r {
            Ok(()) => "OK".into(),
            Err(e) => crate::error::error_reply(&e),
        }
    }

    #[test]
    fn kill_checks_in_redis_order() {
        let sh = RunShared::new();
        assert_eq!(text(kill(None, false, RunKind::Eval)), NOTBUSY);
        // Running but not past the threshold: nobody could have sent the kill.
        sh.state.borrow_mut().running = true;
        assert_eq!(text(kill(Some(&sh), false, RunKind::Eval)), NOTBUSY);
        sh.state.borrow_mut().write_dirty = true;
        sh.state.borrow_mut().kind = RunKind::Function;
        assert_eq!(text(kill(Some(&sh), true, RunKind::Eval)), UNKILLABLE_WRITE);
        sh.state.borrow_mut().write_dirty = false;
        assert_eq!(text(kill(Some(&sh), true, RunKind::Eval)), BUSY_FUNCTION);
        assert!(!sh.state.borrow().killed);
        assert_eq!(text(kill(Some(&sh), true, RunKind::Function)), "OK");
        assert!(sh.state.borrow().killed);
        sh.state.borrow_mut().kind = RunKind::Eval;
        assert_eq!(text(kill(Some(&sh), true, RunKind::Function)), BUSY_EVAL);
    }
}
