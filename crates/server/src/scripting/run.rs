//! One script run: the shared run context the natives read, the busy-script hook, and
//! [`run_script`], which sets KEYS/ARGV, calls the chunk under the error handler and
//! writes the caller's reply.
//!
//! The context ([`RunShared`]) is reference-counted and captured by the `redis.*`
//! natives. Its `core` pointer is non-null only inside [`run_script`], while the running
//! Lua state has been taken out of `Core` (see the module docs of `scripting`).

use super::busy::RunKind;
use super::cache::{self, Script};
use super::engine::Engine;
use super::errors;
use crate::client::Client;
use crate::server::{Core, Ctx};
use lua51::vm::HookEvent;
use lua51::{Lua, LuaError, LuaResult, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

/// Instructions between two calls of the busy-script hook (Redis: 100000).
pub const HOOK_PERIOD: i64 = 100_000;
/// The hook's period once the run is busy: each call serves the network, so a shorter
/// period answers other clients and `SCRIPT KILL` sooner (one period is ~1 ms of Lua,
/// more inside natives); costs nothing before the threshold. Our choice, not Redis's.
pub const BUSY_HOOK_PERIOD: i64 = 10_000;

/// What the hook is set up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HookMode {
    /// Count events every [`HOOK_PERIOD`].
    Normal,
    /// Past the threshold: count events every [`BUSY_HOOK_PERIOD`].
    Busy,
    /// Killed: line events too, so a script that catches the kill is hit again.
    Killed,
}

/// Replication targets of `redis.set_repl`.
pub const REPL_AOF: u8 = 1;
pub const REPL_REPLICA: u8 = 2;
pub const REPL_ALL: u8 = REPL_AOF | REPL_REPLICA;

/// Mutable state of the current run.
pub struct RunState {
    /// A script is running (the natives may touch `Core`).
    pub running: bool,
    /// The script's SHA1 (the name used in error replies and logs).
    pub name: String,
    /// Writes refused (`*_RO` or `no-writes`).
    pub readonly: bool,
    /// Declared `allow-oom`.
    pub allow_oom: bool,
    /// Used memory was over `maxmemory` when the run started.
    pub oom_at_start: bool,
    /// A write command was attempted (no more per-command write/OOM checks; not killable).
    pub write_dirty: bool,
    /// `redis.setresp(3)` is in effect.
    pub resp3: bool,
    /// `redis.set_repl` targets.
    pub repl: u8,
    pub start: Instant,
    /// `busy-reply-threshold` in ms for this run (0 = never busy).
    pub busy_threshold_ms: u64,
    /// The run went past `busy-reply-threshold`.
    pub timed_out: bool,
    /// `SCRIPT KILL` asked to stop it.
    pub killed: bool,
    /// Write commands executed, with their database, for effects replication.
    pub effects: Vec<(usize, Vec<Vec<u8>>)>,
    /// A warning to log when the hook sees the run is slow (logged by the run's end).
    pub slow_logged: bool,
    /// EVAL script or function (names the kill command in replies and logs).
    pub kind: RunKind,
}

/// What the `redis.*` natives share with the server.
pub struct RunShared {
    /// `Core` of the running script; null outside a run.
    pub core: Cell<*mut Core>,
    /// The script client commands run as (its own DB and protocol).
    pub client: RefCell<Client>,
    pub state: RefCell<RunState>,
    /// Argument buffer reused by `redis.call`: bytes and (start, end) ranges.
    pub argbuf: RefCell<(Vec<u8>, Vec<(usize, usize)>)>,
    /// How the hook is set up (changed by the hook itself; reset at the next run).
    hook_mode: Cell<HookMode>,
    /// The engine's error handler, which the hook lets run after a kill (`Nil` until the
    /// engine sets it).
    pub handler: Cell<Value>,
}

impl Default for RunShared {
    fn default() -> Self {
        Self::new()
    }
}

impl RunShared {
    pub fn new() -> RunShared {
        let mut client = Client::new(0, None, true);
        client.addr = "lua".into();
        // Blocking commands answer at once (null) instead of blocking the script.
        client.deny_blocking = true;
        client.script = true;
        RunShared {
            core: Cell::new(std::ptr::null_mut()),
            client: RefCell::new(client),
            state: RefCell::new(RunState {
                running: false,
                name: String::new(),
                readonly: false,
                allow_oom: false,
                oom_at_start: false,
                write_dirty: false,
                resp3: false,
                repl: REPL_ALL,
                start: Instant::now(),
                busy_threshold_ms: 0,
                timed_out: false,
                killed: false,
                effects: Vec::new(),
                slow_logged: false,
                kind: RunKind::Eval,
            }),
            argbuf: RefCell::new((Vec::new(), Vec::new())),
            hook_mode: Cell::new(HookMode::Normal),
            handler: Cell::new(Value::Nil),
        }
    }

    /// The running script's `Core`, or None outside a run.
    ///
    /// Callers must not keep the reference across a call back into Lua that could reach
    /// another native using it.
    #[allow(clippy::mut_from_ref)]
    pub fn core(&self) -> Option<&mut Core> {
        let p = self.core.get();
        // SAFETY: `core` is set by `run_script` from the `&mut Core` it was given and
        // reset before it returns; during that time `run_script` does not use its own
        // reference, so this is the only live access path. Natives use the reference
        // only for the duration of one command and do not call back into Lua meanwhile.
        (!p.is_null()).then(|| unsafe { &mut *p })
    }
}

/// Installs the instruction-count hook of a script engine's state (EVAL here; the
/// Functions engine installs the same one on its state). Every [`HOOK_PERIOD`]
/// instructions (natives that run long charge the same budget) it:
/// * does nothing unless a run is in progress with a non-zero `busy-reply-threshold`;
/// * past the threshold, logs the slow-script warning once and marks the run timed out
///   (`Scripting::busy`, which makes dispatch answer `-BUSY`);
/// * while timed out, serves one round of network events for the other clients
///   (`event_loop::serve_while_busy`);
/// * once `SCRIPT KILL` / `FUNCTION KILL` set the kill flag, raises
///   `{err = "ERR Script killed by user with SCRIPT KILL..."}` and, as Redis does, from
///   then on fires on every new line too, so a script that catches the error with `pcall`
///   is stopped again on its next line (the caller's reply names that line).
pub fn install_hook(l: &mut Lua, shared: &Rc<RunShared>) {
    set_hook_mode(l, shared, HookMode::Normal);
}

/// Puts the hook back in its normal mode if the last run was busy or killed; called at
/// the start of each run.
pub fn reset_hook(l: &mut Lua, shared: &Rc<RunShared>) {
    if shared.hook_mode.get() != HookMode::Normal {
        set_hook_mode(l, shared, HookMode::Normal);
    }
}

fn set_hook_mode(l: &mut Lua, shared: &Rc<RunShared>, mode: HookMode) {
    shared.hook_mode.set(mode);
    let sh = shared.clone();
    let hook = move |l: &mut Lua, _ev: HookEvent| -> LuaResult<()> {
        let Ok(mut st) = sh.state.try_borrow_mut() else {
            return Ok(());
        };
        if !st.running || st.busy_threshold_ms == 0 {
            return Ok(());
        }
        if st.killed {
            drop(st);
            if in_handler(l, &sh) {
                return Ok(());
            }
            return Err(kill_error(l, &sh));
        }
        let first = !st.timed_out;
        if first {
            let ms = st.start.elapsed().as_millis() as u64;
            if ms < st.busy_threshold_ms {
                return Ok(());
            }
            st.timed_out = true;
            let msg = format!(
                "Slow script detected: still in execution after {ms} milliseconds. You can try killing the script using the {} command. Script name is: {}.",
                super::busy::kill_command(st.kind),
                st.name
            );
            let kind = st.kind;
            drop(st);
            if let Some(core) = sh.core() {
                core.log.warning(&msg);
                core.scripting.busy = Some(kind);
            }
            set_hook_mode(l, &sh, HookMode::Busy);
        } else {
            drop(st);
        }
        crate::event_loop::serve_while_busy(first);
        if sh.state.try_borrow().is_ok_and(|st| st.killed) {
            return Err(kill_error(l, &sh));
        }
        Ok(())
    };
    let period = if mode == HookMode::Normal {
        HOOK_PERIOD
    } else {
        BUSY_HOOK_PERIOD
    };
    l.set_hook(
        Some(Rc::new(hook)),
        period,
        mode == HookMode::Killed,
        false,
        false,
    );
}

/// The error handler is running (on the kill error itself): let it attach the line.
fn in_handler(l: &Lua, sh: &RunShared) -> bool {
    let h = sh.handler.get();
    (0..2).any(|lv| l.frame_function(lv).is_some_and(|f| f.addr() == h.addr()))
}

/// The error that stops a killed run (logged each time it is raised, as Redis does);
/// switches the hook to line events first.
fn kill_error(l: &mut Lua, sh: &Rc<RunShared>) -> LuaError {
    if let Some(core) = sh.core() {
        core.log
            .warning("Lua script killed by user with SCRIPT KILL.");
    }
    if sh.hook_mode.get() != HookMode::Killed {
        set_hook_mode(l, sh, HookMode::Killed);
    }
    match errors::error_table(l, &errors::normalize(errors::KILLED.as_bytes()), false) {
        Ok(t) => LuaError::Runtime(t),
        Err(e) => e,
    }
}

/// Busy-script and limit bookkeeping at the start of a run, for any engine (EVAL here,
/// FCALL with [`RunKind::Function`]), after the run state is filled: the hook back in
/// its normal mode, the `lua-heap-limit` applied, the run's kind set and its context
/// registered in `Scripting::running` for `SCRIPT KILL` / `FUNCTION KILL`.
pub fn busy_begin(core: &mut Core, l: &mut Lua, shared: &Rc<RunShared>, kind: RunKind) {
    reset_hook(l, shared);
    let heap = core.config.lua_heap_limit;
    l.set_memory_limit(if heap == 0 { usize::MAX } else { heap });
    shared.state.borrow_mut().kind = kind;
    core.scripting.running = Some(shared.clone());
}

/// The end of a run (see [`busy_begin`]): nothing runs, nothing is busy.
pub fn busy_end(core: &mut Core) {
    core.scripting.running = None;
    core.scripting.busy = None;
}

/// How EVAL was invoked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Invocation {
    ReadWrite,
    /// `EVAL_RO` / `EVALSHA_RO`.
    ReadOnly,
}

/// Runs a cached script for `ctx`'s client and writes its reply. `keys`/`argv` are the
/// command's arguments after numkeys.
pub fn run_script(
    ctx: &mut Ctx,
    eng: &mut Engine,
    sha: &[u8; 40],
    keys: &[&[u8]],
    argv: &[&[u8]],
    how: Invocation,
) -> Result<(), crate::error::CmdError> {
    let script: &Script = eng.cache.get(sha).expect("script cached before run");
    let func = script.func;
    let flags = script.flags;
    let oom = gate(ctx, flags, how)?;
    let l = &mut eng.lua;
    let mem_err = |e: LuaError| crate::error::CmdError::owned(format!("ERR {e}"));
    set_args(l, eng.names.keys, keys).map_err(mem_err)?;
    set_args(l, eng.names.argv, argv).map_err(mem_err)?;
    let name = std::str::from_utf8(sha).unwrap_or("");
    let target = Target {
        lua: &mut eng.lua,
        shared: &eng.shared,
        names: &eng.names,
        handler: eng.handler,
    };
    execute(
        ctx,
        target,
        func,
        &[],
        Prepared {
            flags,
            how,
            oom,
            name,
            kind: RunKind::Eval,
        },
    );
    Ok(())
}

/// The run-time gate (§4.4 of the scripting notes) for what this server has: declared
/// flags against `*_RO` and `maxmemory`. Returns whether the server is over
/// `maxmemory` at the start of the run.
pub fn gate(
    ctx: &Ctx,
    flags: Option<u32>,
    how: Invocation,
) -> Result<bool, crate::error::CmdError> {
    let maxmem = ctx.core.config.maxmemory;
    let oom = maxmem > 0 && crate::alloc::used_memory() as u64 > maxmem;
    if let Some(f) = flags {
        if f & cache::NO_WRITES == 0 && how == Invocation::ReadOnly {
            return Err(crate::error::CmdError::msg(errors::WRITE_FLAG_RO));
        }
        if oom && f & (cache::NO_WRITES | cache::ALLOW_OOM) == 0 {
            // Redis refuses this before running, from the flags the script declares
            // (such a script counts as a deny-oom command).
            return Err(crate::error::CmdError::Oom);
        }
    }
    Ok(oom)
}

/// The Lua state a run happens in, with what its natives share.
pub struct Target<'a> {
    pub lua: &'a mut Lua,
    pub shared: &'a Rc<RunShared>,
    pub names: &'a super::engine::Names,
    pub handler: Value,
}

/// What the gate decided about a run.
pub struct Prepared<'a> {
    /// Declared flags (`None`: an EVAL script in compat mode).
    pub flags: Option<u32>,
    pub how: Invocation,
    /// Over `maxmemory` at the start (from [`gate`]).
    pub oom: bool,
    /// The name in error replies and logs: the SHA1 or the function name.
    pub name: &'a str,
    /// EVAL script or function (which kill command applies).
    pub kind: RunKind,
}

/// Calls `func(args...)` as the script of `ctx`'s client, under the error handler, and
/// writes the caller's reply (its first result, or the error).
pub fn execute(ctx: &mut Ctx, t: Target, func: Value, args: &[Value], p: Prepared) {
    let Prepared {
        flags,
        how,
        oom,
        name,
        kind,
    } = p;
    {
        let mut st = t.shared.state.borrow_mut();
        st.running = true;
        st.name.clear();
        st.name.push_str(name);
        st.readonly =
            how == Invocation::ReadOnly || flags.is_some_and(|f| f & cache::NO_WRITES != 0);
        st.allow_oom = flags.is_some_and(|f| f & cache::ALLOW_OOM != 0);
        st.oom_at_start = oom;
        st.write_dirty = false;
        st.resp3 = false;
        st.repl = REPL_ALL;
        st.start = Instant::now();
        st.busy_threshold_ms = ctx.core.config.busy_reply_threshold_ms;
        st.timed_out = false;
        st.killed = false;
        st.effects.clear();
        let mut c = t.shared.client.borrow_mut();
        c.db = ctx.client.db;
        // Commands of the script run with the caller's ACL user.
        c.user.clone_from(&ctx.client.user);
        c.script_caller_info =
            if ctx.client.user != "default" || !ctx.core.acl.default_unrestricted() {
                Some(ctx.client.info_line())
            } else {
                None
            };
        c.out.proto = resp::Proto::Resp2;
        c.out.buf.clear();
    }
    busy_begin(ctx.core, t.lua, t.shared, kind);
    t.shared.core.set(ctx.core as *mut Core);
    let result = t.lua.pcall_with_handler(func, args, t.handler);
    t.shared.core.set(std::ptr::null_mut());
    busy_end(ctx.core);
    let (resp3, effects) = {
        let mut st = t.shared.state.borrow_mut();
        st.running = false;
        (st.resp3, std::mem::take(&mut st.effects))
    };
    let core = &mut *ctx.core;
    if !effects.is_empty() && core.scripting.record_effects {
        record_effects(&mut core.scripting.effects, effects);
    }
    match result {
        Ok(vals) => {
            let v = vals.first().copied().unwrap_or(Value::Nil);
            let mut errs = Vec::new();
            super::convert::write_reply(t.names, v, &mut ctx.client.out, resp3, &mut errs);
            if !errs.is_empty() {
                ctx.core.registry.stats[ctx.cmd].failed_calls += 1;
                for (text, counted) in errs {
                    if !counted {
                        ctx.core.count_error(&text);
                    }
                }
            }
        }
        Err(LuaError::Runtime(v)) | Err(LuaError::Uncatchable(v)) => {
            let r = errors::raised_reply(v, name);
            error_reply(ctx, &r.text, r.counted);
        }
        Err(e) => {
            let msg = format!("ERR Error running script {name}, {e}");
            error_reply(ctx, msg.as_bytes(), false);
        }
    }
    // Garbage made through the embedding API (KEYS/ARGV, redis.call replies) never
    // reaches a VM safe point in short scripts: collect between runs when due, so
    // the heap stays near its live size however many scripts run.
    t.lua.maybe_collect();
}

/// Writes an error reply for the caller; `counted` errors were already counted in
/// errorstats when the inner command failed, but the EVAL still counts as failed.
fn error_reply(ctx: &mut Ctx, text: &[u8], counted: bool) {
    ctx.client.out.error(text);
    ctx.core.registry.stats[ctx.cmd].failed_calls += 1;
    if !counted {
        let s: String = String::from_utf8_lossy(text).replace(['\r', '\n'], " ");
        ctx.core.count_error(&s);
    }
}

/// `KEYS` / `ARGV`: fresh tables, assigned with the global table briefly writable.
fn set_args(l: &mut Lua, name: lua51::string::StrRef, items: &[&[u8]]) -> LuaResult<()> {
    let t = l.new_table_sized(items.len(), 0)?;
    for (i, a) in items.iter().enumerate() {
        let v = l.str_value(a)?;
        l.raw_set(t, Value::Num((i + 1) as f64), v)?;
    }
    let g = l.globals();
    l.set_readonly(g, false);
    let r = l.raw_set(g, Value::Str(name), Value::Table(t));
    l.set_readonly(g, true);
    r
}

/// Appends one run's writes to the effects stream: a SELECT of the first command's
/// database, then the commands (bare when there is one, wrapped in MULTI/EXEC
/// otherwise), with a SELECT inside whenever a later command is in another database.
fn record_effects(stream: &mut Vec<Vec<Vec<u8>>>, effects: Vec<(usize, Vec<Vec<u8>>)>) {
    let select = |d: usize| vec![b"SELECT".to_vec(), d.to_string().into_bytes()];
    let Some(&(mut db, _)) = effects.first() else {
        return;
    };
    stream.push(select(db));
    let multi = effects.len() > 1;
    if multi {
        stream.push(vec![b"MULTI".to_vec()]);
    }
    for (d, argv) in effects {
        if d != db {
            stream.push(select(d));
            db = d;
        }
        stream.push(argv);
    }
    if multi {
        stream.push(vec![b"EXEC".to_vec()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(parts: &[&str]) -> Vec<Vec<u8>> {
        parts.iter().map(|p| p.as_bytes().to_vec()).collect()
    }

    #[test]
    fn effects_are_wrapped_in_multi_when_more_than_one() {
        let mut s = Vec::new();
        record_effects(&mut s, vec![(0, cmd(&["SET", "a", "1"]))]);
        assert_eq!(s, vec![cmd(&["SELECT", "0"]), cmd(&["SET", "a", "1"])]);
        let mut s = Vec::new();
        record_effects(
            &mut s,
            vec![(0, cmd(&["SET", "a", "1"])), (9, cmd(&["DEL", "b"]))],
        );
        let want = vec![
            cmd(&["SELECT", "0"]),
            cmd(&["MULTI"]),
            cmd(&["SET", "a", "1"]),
            cmd(&["SELECT", "9"]),
            cmd(&["DEL", "b"]),
            cmd(&["EXEC"]),
        ];
        assert_eq!(s, want);
    }
}
