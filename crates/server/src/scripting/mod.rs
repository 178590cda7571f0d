//! The scripting bridge: `EVAL`/`EVALSHA`/`EVAL_RO`/`EVALSHA_RO` and `SCRIPT *` with
//! their sandboxed Lua state, Functions (`FUNCTION *`, `FCALL`, `FCALL_RO`) with a second
//! Lua state shared by all libraries, and the `redis.*` API both use to call commands.
//!
//! Map of the module:
//! * [`engine`]: the EVAL Lua state: which libraries are open, global protection, the
//!   `redis` table, the error handler and the `pcall` wrapper. Rebuilt by `SCRIPT FLUSH`.
//! * [`cache`]: the script cache keyed by SHA1, shebang (`#!lua flags=...`) parsing and
//!   compilation.
//! * [`run`]: one script run: its context (flags, frozen clock, the script client),
//!   the busy-script hook, and the reply written for the caller.
//! * [`api`]: the `redis.*` natives; [`exec`] runs a command for `redis.call` through the
//!   command table with the script checks (noscript, read-only, OOM).
//! * [`convert`]: RESP reply → Lua value and Lua value → RESP reply, RESP2 and RESP3.
//! * [`errors`]: error-table texts and the reply formats of raised errors.
//! * [`commands`]: the command handlers registered in the command table.
//! * Functions (`FUNCTION *`, `FCALL*`): [`functions`] holds the second Lua state shared
//!   by all libraries and loads libraries into it, [`function_lib`] the library records
//!   and metadata line, [`function_dump`] the DUMP/RESTORE payload format, and
//!   [`function_commands`] the handlers.
//!
//! Ownership while a script runs: [`Scripting`] lives in `Core`, but its Lua state is
//! taken out of it for the duration of a run (the `engine` slot is `None` meanwhile), so
//! `redis.call` can hold the rest of `Core` mutably without aliasing the running state.
//! The pointer to `Core` that the natives use is set only for the duration of the run
//! (see [`run::RunShared`]).
//!
//! Busy scripts: the run installs an instruction-count hook ([`run::HOOK_PERIOD`]) that
//! marks the run as timed out past `busy-reply-threshold`, then serves the other
//! connections from inside the hook (they get `-BUSY`, `SCRIPT KILL`/`FUNCTION KILL`
//! work) and raises the kill error once the kill flag is set, again on every line after
//! that. [`busy`] holds the kill commands, the BUSY texts and who owns what meanwhile.
//!
//! A run in either state goes through [`run::gate`] (declared flags against `*_RO` and
//! `maxmemory`) and [`run::execute`] (run context, error handler, reply).
//!
//! Tests: `redis-tests/scripting*.txt` and `redis-tests/functions*.txt` (replies recorded
//! from redis-server 7.0.15), `crates/server/tests/{scripting,functions,busy}.rs`, and unit
//! tests beside the code.

pub mod api;
pub mod busy;
pub mod cache;
pub mod commands;
pub mod convert;
pub mod engine;
pub mod errors;
pub mod exec;
pub mod function_commands;
pub mod function_dump;
pub mod function_lib;
pub mod functions;
pub mod run;

use engine::Engine;

/// Scripting state kept in `Core`.
pub struct Scripting {
    /// The EVAL Lua state and script cache; `None` only while a script runs (or before
    /// the first use).
    engine: Option<Box<Engine>>,
    /// Bytes used by the Lua heap, refreshed after each run (INFO `used_memory_lua`).
    pub used_memory_lua: usize,
    /// Cached scripts and the bytes of their bodies and digests (INFO).
    pub cached_scripts: usize,
    pub cached_bytes: usize,
    /// The `math.random` generator state carried across `SCRIPT FLUSH`, since Redis keeps
    /// one generator for the whole process.
    random_state: Option<u64>,
    /// When set, the write commands of each script run are appended to `effects`
    /// (wrapped in MULTI/EXEC when more than one), for the AOF and replicas.
    pub record_effects: bool,
    pub effects: Vec<Vec<Vec<u8>>>,
    /// The context of the script running now (EVAL or a function), for `SCRIPT KILL`,
    /// `FUNCTION KILL` and `FUNCTION STATS`; `None` between runs.
    pub running: Option<std::rc::Rc<run::RunShared>>,
    /// Set while the running script is past `busy-reply-threshold`: other clients get
    /// `-BUSY` (dispatch reads this).
    pub busy: Option<busy::RunKind>,
    /// The Functions state and its libraries; `None` only while a function runs (or
    /// before the first use).
    functions: Option<Box<functions::Engine>>,
    /// Libraries and functions loaded, kept for INFO and FUNCTION STATS while the
    /// Functions state is out.
    libraries_count: usize,
    functions_count: usize,
    functions_code_bytes: usize,
    used_memory_vm_functions: usize,
    /// The function being run, for `FUNCTION STATS`.
    pub running_function: Option<function_commands::RunningFunction>,
}

impl Default for Scripting {
    fn default() -> Self {
        Self::new()
    }
}

impl Scripting {
    pub fn new() -> Scripting {
        let engine = Engine::new().ok().map(Box::new);
        let used_memory_lua = engine.as_ref().map_or(0, |e| e.lua.memory_used());
        Scripting {
            engine,
            used_memory_lua,
            cached_scripts: 0,
            cached_bytes: 0,
            random_state: None,
            record_effects: false,
            effects: Vec::new(),
            running: None,
            busy: None,
            functions: None,
            libraries_count: 0,
            functions_count: 0,
            functions_code_bytes: 0,
            used_memory_vm_functions: engine::FUNCTIONS_VM_BYTES,
            running_function: None,
        }
    }

    /// Takes the Functions state out for a command, creating it on first use.
    pub(crate) fn take_functions(
        &mut self,
    ) -> Result<Box<functions::Engine>, crate::error::CmdError> {
        match self.functions.take() {
            Some(e) => Ok(e),
            None => functions::Engine::new()
                .map(Box::new)
                .map_err(|e| crate::error::CmdError::owned(format!("ERR {e}"))),
        }
    }

    /// Puts the Functions state back and refreshes the figures kept about it.
    pub(crate) fn put_functions(&mut self, e: Box<functions::Engine>) {
        self.libraries_count = e.libs.len();
        self.functions_count = e.libs.functions_count();
        self.functions_code_bytes = e.libs.code_bytes();
        self.used_memory_vm_functions = e.lua.memory_used();
        self.functions = Some(e);
    }

    /// The libraries as a `FUNCTION DUMP` payload: the form persistence saves them in.
    pub fn functions_payload(&mut self) -> Result<Vec<u8>, crate::error::CmdError> {
        let eng = self.take_functions()?;
        let payload = function_dump::dump(eng.libs.iter().map(|l| l.code.as_slice()));
        self.put_functions(eng);
        Ok(payload)
    }

    /// Replaces the libraries with those of a payload (loading a saved dataset: no load
    /// time limit). On error nothing changes.
    pub fn restore_functions(&mut self, payload: &[u8]) -> Result<(), crate::error::CmdError> {
        let codes = function_dump::parse(payload)
            .map_err(|e| crate::error::CmdError::owned(format!("ERR {e}")))?;
        let mut eng = self.take_functions()?;
        let r = function_commands::restore_all(&mut eng, codes);
        self.put_functions(eng);
        r
    }

    /// Libraries and functions loaded.
    pub fn functions_counts(&self) -> (usize, usize) {
        (self.libraries_count, self.functions_count)
    }

    /// Whether EVAL/EVALSHA/FCALL `args` run a script that may write, as dispatch sees it
    /// before running: a script without a shebang may (EVAL's `may_replicate`), one that
    /// declares flags writes unless it declares `no-writes`; an unknown script or
    /// function may.
    pub fn declared_writes(&self, cmd: &str, args: &resp::Args) -> bool {
        self.declared_flags(cmd, args)
            .map_or(true, |f| f & cache::NO_WRITES == 0)
    }

    /// Whether EVAL/EVALSHA/FCALL (or a `_RO` form) `args` run a script that declares
    /// flags without `no-writes`: dispatch then treats the call as a write command (for
    /// `-NOREPLICAS` and `-MISCONF`). Scripts without a shebang and unknown scripts or
    /// functions do not count.
    pub fn declares_writes(&self, cmd: &str, args: &resp::Args) -> bool {
        self.declared_flags(cmd, args)
            .is_some_and(|f| f & cache::NO_WRITES == 0)
    }

    /// The flags a script call declares, when it declares any (see [`Self::declared_writes`]).
    fn declared_flags(&self, cmd: &str, args: &resp::Args) -> Option<u32> {
        let cmd = cmd.strip_suffix("_ro").unwrap_or(cmd);
        match cmd {
            "fcall" => self
                .functions
                .as_ref()
                .and_then(|f| f.libs.function(args.get(1)))
                .map(|f| f.flags),
            "evalsha" => self
                .engine
                .as_ref()
                .and_then(|e| e.lookup(args.get(1)))
                .and_then(|s| s.flags),
            // EVAL: the body's own shebang (what the cached script was compiled with).
            _ => cache::parse_shebang(args.get(1))
                .ok()
                .flatten()
                .map(|(f, _)| f),
        }
    }

    /// An EVAL script is running (its state is out of `Scripting`).
    pub fn eval_running(&self) -> bool {
        self.engine.is_none() && self.running_function.is_none()
    }

    /// Takes the engine out for a run, creating it on first use.
    pub(crate) fn take_engine(&mut self) -> Result<Box<Engine>, crate::error::CmdError> {
        match self.engine.take() {
            Some(e) => Ok(e),
            None => {
                let mut e =
                    Engine::new().map_err(|e| crate::error::CmdError::owned(format!("ERR {e}")))?;
                if let Some(x) = self.random_state {
                    lua51::stdlib::math::set_random_state(&mut e.lua, x);
                }
                self.used_memory_lua = e.lua.memory_used();
                Ok(Box::new(e))
            }
        }
    }

    /// Puts the engine back after a run and refreshes the INFO figures.
    pub(crate) fn put_engine(&mut self, e: Box<Engine>) {
        self.used_memory_lua = e.lua.memory_used();
        self.cached_scripts = e.cache.len();
        self.cached_bytes = e.cache_bytes;
        self.engine = Some(e);
    }

    /// `SCRIPT FLUSH`: drops the cache and the Lua state (a new one is built on next use).
    pub fn flush(&mut self) {
        if let Some(mut e) = self.engine.take() {
            self.random_state = lua51::stdlib::math::random_state(&mut e.lua);
        }
        if let Ok(mut e) = Engine::new() {
            if let Some(x) = self.random_state {
                lua51::stdlib::math::set_random_state(&mut e.lua, x);
            }
            self.used_memory_lua = e.lua.memory_used();
            self.engine = Some(Box::new(e));
        }
        self.cached_scripts = 0;
        self.cached_bytes = 0;
    }

    /// The INFO memory lines about scripting (7.0.15 names and order).
    pub fn info_memory(&self) -> String {
        let lua = self.used_memory_lua;
        let scripts = self.cached_bytes;
        // Before the Functions state exists, the figures Redis reports when idle.
        let vm_fn = self.used_memory_vm_functions;
        let fn_bytes = engine::FUNCTIONS_BOOKKEEPING_BYTES + self.functions_code_bytes;
        format!(
            "used_memory_lua:{lua}\r\nused_memory_vm_eval:{lua}\r\nused_memory_lua_human:{}\r\nused_memory_scripts_eval:{scripts}\r\nnumber_of_cached_scripts:{}\r\nnumber_of_functions:{}\r\nnumber_of_libraries:{}\r\nused_memory_vm_functions:{}\r\nused_memory_vm_total:{}\r\nused_memory_vm_total_human:{}\r\nused_memory_functions:{}\r\nused_memory_scripts:{}\r\nused_memory_scripts_human:{}\r\n",
            human(lua),
            self.cached_scripts,
            self.functions_count,
            self.libraries_count,
            vm_fn,
            lua + vm_fn,
            human(lua + vm_fn),
            fn_bytes,
            scripts + fn_bytes,
            human(scripts + fn_bytes),
        )
    }
}

/// Bytes in Redis's `bytesToHuman` style (`37.00K`).
fn human(b: usize) -> String {
    let f = b as f64;
    if f < 1024.0 {
        format!("{b}B")
    } else if f < 1024.0 * 1024.0 {
        format!("{:.2}K", f / 1024.0)
    } else if f < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2}M", f / 1024.0 / 1024.0)
    } else {
        format!("{:.2}G", f / 1024.0 / 1024.0 / 1024.0)
    }
}
