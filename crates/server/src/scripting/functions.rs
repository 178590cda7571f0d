//! The Functions Lua state: one sandboxed state shared by every library, separate from
//! the EVAL state, and the loading of a library into it.
//!
//! Environments (Redis 7.0.15): the state's real globals are built like the EVAL
//! sandbox ([`build_sandbox`] with [`Vm::Functions`]) and are read-only. Library code
//! does not run in them directly: each loaded chunk gets as environment an empty,
//! read-only proxy table whose metatable's `__index` is
//! * during `FUNCTION LOAD`, the *library API* table: only `redis`, itself holding only
//!   `register_function`, `log`, the `LOG_*` levels and the version constants, both
//!   tables answering unknown names with `Script attempted to access nonexistent global
//!   variable '<name>'`;
//! * otherwise (FCALL), the real globals.
//!
//! Callbacks are closures created by the chunk, so they share its environment and see
//! the full runtime API when called. The callbacks of a library are rooted in a
//! registry table of their own, dropped when the library goes away.
//!
//! Loading runs the chunk once under a time limit ([`LOAD_TIMEOUT`]) enforced by an
//! instruction-count hook that raises an error `pcall` cannot catch.
//!
//! Tests: `redis-tests/functions*.txt`, `crates/server/tests/functions.rs`.

use super::engine::{build_sandbox, nonexistent_global, Names, Vm};
use super::errors::raise;
use super::function_lib::{self, Function, Libraries, Library, Metadata, FLAG_NAMES, NAME_RULES};
use super::run::{self, RunShared, HOOK_PERIOD};
use crate::error::CmdError;
use lua51::table::TableRef;
use lua51::vm::HookEvent;
use lua51::{Lua, LuaError, LuaResult, Value};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Longest time a library body may run at load time (Redis: 500 ms).
pub const LOAD_TIMEOUT: Duration = Duration::from_millis(500);

/// Chunk name of library code (errors read `user_function:2: ...`).
pub const CHUNK_NAME: &[u8] = b"@user_function";

/// Registry key prefix of the tables rooting each library's callbacks.
const ROOT_PREFIX: &str = "__rlua51_lib_";

/// What `redis.register_function` collects while a library loads.
struct LoadState {
    /// Table rooting the callbacks registered so far.
    roots: TableRef,
    functions: Vec<Function>,
}

pub struct Engine {
    pub lua: Lua,
    pub shared: Rc<RunShared>,
    pub names: Names,
    pub handler: Value,
    /// Real globals of the state.
    globals: TableRef,
    /// Metatable of the proxy environment: its `__index` is switched between
    /// `globals` and `library_api`.
    env_meta: TableRef,
    /// The proxy environment every library chunk runs in.
    env: TableRef,
    /// Globals seen by library code at load time.
    library_api: TableRef,
    load: Rc<RefCell<Option<LoadState>>>,
    pub libs: Libraries,
    next_root: u64,
}

impl Engine {
    pub fn new() -> LuaResult<Engine> {
        let shared = Rc::new(RunShared::new());
        let (mut l, names, handler) = build_sandbox(&shared, Vm::Functions)?;
        let globals = l.globals();
        let load: Rc<RefCell<Option<LoadState>>> = Rc::new(RefCell::new(None));

        // The load-time `redis` table: register_function plus what runtime `redis`
        // offers that is allowed at load time.
        let load_redis = l.new_table()?;
        let ld = load.clone();
        let reg = l.new_closure("register_function", move |l| register_function(l, &ld))?;
        let k = l.str_value(b"register_function")?;
        l.raw_set(load_redis, k, reg)?;
        let redis_key = l.str_value(b"redis")?;
        if let Value::Table(rt) = l.raw_get(globals, &redis_key) {
            for f in [
                "log",
                "LOG_DEBUG",
                "LOG_VERBOSE",
                "LOG_NOTICE",
                "LOG_WARNING",
                "REDIS_VERSION",
                "REDIS_VERSION_NUM",
            ] {
                let k = l.str_value(f.as_bytes())?;
                let v = l.raw_get(rt, &k);
                l.raw_set(load_redis, k, v)?;
            }
        }
        let library_api = l.new_table()?;
        let k = l.str_value(b"redis")?;
        l.raw_set(library_api, k, Value::Table(load_redis))?;
        for t in [load_redis, library_api] {
            let mt = l.new_table()?;
            let f = l.new_native("__index", nonexistent_global)?;
            let k = l.str_value(b"__index")?;
            l.raw_set(mt, k, f)?;
            l.set_metatable(t, Some(mt));
            l.set_readonly(mt, true);
            l.set_readonly(t, true);
        }

        let env_meta = l.new_table()?;
        let k = l.str_value(b"__index")?;
        l.raw_set(env_meta, k, Value::Table(globals))?;
        let env = l.new_table()?;
        l.set_metatable(env, Some(env_meta));
        l.set_readonly(env_meta, true);
        l.set_readonly(env, true);
        // Keep the environment tables reachable for the collector.
        let reg = l.registry();
        for (key, t) in [
            ("__rlua51_fn_env", env),
            ("__rlua51_fn_library_api", library_api),
        ] {
            let k = l.str_value(key.as_bytes())?;
            l.raw_set(reg, k, Value::Table(t))?;
        }
        Ok(Engine {
            lua: l,
            shared,
            names,
            handler,
            globals,
            env_meta,
            env,
            library_api,
            load,
            libs: Libraries::default(),
            next_root: 0,
        })
    }

    /// Points the proxy environment at the library API (`loading`) or the real globals.
    fn set_env_index(&mut self, loading: bool) -> LuaResult<()> {
        let target = if loading {
            self.library_api
        } else {
            self.globals
        };
        let k = self.lua.str_value(b"__index")?;
        self.lua.set_readonly(self.env_meta, false);
        let r = self.lua.raw_set(self.env_meta, k, Value::Table(target));
        self.lua.set_readonly(self.env_meta, true);
        r
    }

    fn root_key(&mut self, id: u64) -> LuaResult<Value> {
        self.lua.str_value(format!("{ROOT_PREFIX}{id}").as_bytes())
    }

    /// Drops a library's callbacks (they become garbage).
    pub fn release(&mut self, lib: &Library) {
        let reg = self.lua.registry();
        if let Ok(k) = self.root_key(lib.root) {
            let _ = self.lua.raw_set(reg, k, Value::Nil);
        }
    }

    /// Compiles and runs a library body, collecting its functions. Checks nothing
    /// about other libraries. `timeout` bounds the body's run time (none when loading
    /// from a trusted source).
    pub fn create_library(
        &mut self,
        code: &[u8],
        meta: Metadata,
        timeout: Option<Duration>,
    ) -> Result<Library, CmdError> {
        let func = match self.lua.load(&code[meta.code_start..], CHUNK_NAME) {
            Ok(f) => f,
            Err(e) => {
                let msg = e.to_string();
                let msg = msg.trim_end_matches(['\r', '\n']);
                return Err(CmdError::owned(format!(
                    "ERR Error compiling function: {msg}"
                )));
            }
        };
        if let Value::LuaFn(c) = func {
            c.env.set(self.env);
        }
        let id = self.next_root;
        self.next_root += 1;
        let mem_err = |e: LuaError| CmdError::owned(format!("ERR {e}"));
        let roots = self.lua.new_table().map_err(mem_err)?;
        let reg = self.lua.registry();
        let k = self.root_key(id).map_err(mem_err)?;
        self.lua
            .raw_set(reg, k, Value::Table(roots))
            .map_err(mem_err)?;
        *self.load.borrow_mut() = Some(LoadState {
            roots,
            functions: Vec::new(),
        });

        let result = self.set_env_index(true).and_then(|_| {
            if let Some(limit) = timeout {
                let start = Instant::now();
                let hook = move |l: &mut Lua, _ev: HookEvent| -> LuaResult<()> {
                    if start.elapsed() >= limit {
                        match raise(l, "FUNCTION LOAD timeout") {
                            LuaError::Runtime(v) => return Err(LuaError::Uncatchable(v)),
                            e => return Err(e),
                        }
                    }
                    Ok(())
                };
                self.lua
                    .set_hook(Some(Rc::new(hook)), HOOK_PERIOD, false, false, false);
            } else {
                self.lua.set_hook(None, 0, false, false, false);
            }
            self.lua.pcall(func, &[])
        });
        run::install_hook(&mut self.lua, &self.shared);
        let restored = self.set_env_index(false);
        let state = self.load.borrow_mut().take();
        let lib = Library {
            name: meta.name,
            code: code.to_vec(),
            functions: Vec::new(),
            root: id,
        };
        let fail = |eng: &mut Engine, e: CmdError| {
            eng.release(&lib);
            Err(e)
        };
        if let Err(e) = restored {
            return fail(self, mem_err(e));
        }
        match result {
            Ok(_) => {}
            Err(LuaError::Runtime(v)) | Err(LuaError::Uncatchable(v)) => {
                let msg = self.error_text(v);
                return fail(
                    self,
                    CmdError::owned(format!("ERR Error registering functions: {msg}")),
                );
            }
            Err(e) => {
                return fail(
                    self,
                    CmdError::owned(format!("ERR Error registering functions: ERR {e}")),
                )
            }
        }
        let functions = state.map(|s| s.functions).unwrap_or_default();
        if functions.is_empty() {
            return fail(self, CmdError::msg("ERR No functions registered"));
        }
        Ok(Library { functions, ..lib })
    }

    /// The text of an error raised at load time: an error table's `err` field, else
    /// `ERR <message>`.
    fn error_text(&mut self, v: Value) -> String {
        if let Value::Table(t) = v {
            if let Value::Str(s) = t.get_str(self.names.err) {
                return s.to_str_lossy().into_owned();
            }
        }
        let msg = match v {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            v => LuaError::Runtime(v).to_string(),
        };
        format!("ERR {msg}")
    }
}

/// A string or number argument as bytes (numbers as Lua writes them).
fn string_like(l: &mut Lua, v: Value) -> LuaResult<Option<Vec<u8>>> {
    Ok(match v {
        Value::Str(s) => Some(s.as_bytes().to_vec()),
        Value::Num(_) => Some(l.tostring(v)?.as_bytes().to_vec()),
        _ => None,
    })
}

fn is_function(v: Value) -> bool {
    matches!(v, Value::LuaFn(_) | Value::Native(_))
}

/// `redis.register_function(name, callback)` or
/// `redis.register_function{function_name=, callback=, flags=, description=}`.
fn register_function(l: &mut Lua, load: &Rc<RefCell<Option<LoadState>>>) -> LuaResult<usize> {
    if load.borrow().is_none() {
        return Err(raise(
            l,
            "redis.register_function can only be called on FUNCTION LOAD command",
        ));
    }
    let (name, callback, flags, description) = match l.nargs() {
        2 => {
            let Some(name) = string_like(l, l.arg(1))? else {
                return Err(raise(
                    l,
                    "first argument to redis.register_function must be a string",
                ));
            };
            let cb = l.arg(2);
            if !is_function(cb) {
                return Err(raise(
                    l,
                    "second argument to redis.register_function must be a function",
                ));
            }
            (name, cb, 0, None)
        }
        1 => named_args(l)?,
        _ => {
            return Err(raise(
                l,
                "wrong number of arguments to redis.register_function",
            ))
        }
    };
    if !function_lib::valid_name(&name) {
        return Err(raise(l, NAME_RULES));
    }
    let name = String::from_utf8_lossy(&name).into_owned();
    let mut guard = load.borrow_mut();
    let Some(st) = guard.as_mut() else {
        return Ok(0);
    };
    if st.functions.iter().any(|f| f.name == name) {
        drop(guard);
        return Err(raise(l, "Function already exists in the library"));
    }
    let roots = st.roots;
    let n = st.functions.len() + 1;
    st.functions.push(Function {
        name,
        func: callback,
        flags,
        description,
    });
    drop(guard);
    l.raw_set(roots, Value::Num(n as f64), callback)?;
    Ok(0)
}

type Registration = (Vec<u8>, Value, u32, Option<Vec<u8>>);

/// The table form of `register_function`.
fn named_args(l: &mut Lua) -> LuaResult<Registration> {
    let Value::Table(t) = l.arg(1) else {
        return Err(raise(
            l,
            "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
        ));
    };
    let (mut name, mut callback, mut flags, mut description) = (None, None, 0u32, None);
    let mut key = Value::Nil;
    while let Some((k, v)) = t
        .next(&key)
        .map_err(|_| raise(l, "invalid key to 'next'"))?
    {
        key = k;
        // Numbers pass as strings (and are then unknown names).
        let Some(kb) = string_like(l, k)? else {
            return Err(raise(
                l,
                "named argument key given to redis.register_function is not a string",
            ));
        };
        let kb = kb.as_slice();
        if kb.eq_ignore_ascii_case(b"function_name") {
            match string_like(l, v)? {
                Some(s) => name = Some(s),
                None => {
                    return Err(raise(
                        l,
                        "function_name argument given to redis.register_function must be a string",
                    ))
                }
            }
        } else if kb.eq_ignore_ascii_case(b"description") {
            match string_like(l, v)? {
                Some(s) => description = Some(s),
                None => {
                    return Err(raise(
                        l,
                        "description argument given to redis.register_function must be a string",
                    ))
                }
            }
        } else if kb.eq_ignore_ascii_case(b"callback") {
            if !is_function(v) {
                return Err(raise(
                    l,
                    "callback argument given to redis.register_function must be a function",
                ));
            }
            callback = Some(v);
        } else if kb.eq_ignore_ascii_case(b"flags") {
            let Value::Table(ft) = v else {
                return Err(raise(l, "flags argument to redis.register_function must be a table representing function flags"));
            };
            let mut i = 1.0;
            loop {
                match l.raw_get(ft, &Value::Num(i)) {
                    Value::Nil => break,
                    Value::Str(s) => match FLAG_NAMES
                        .iter()
                        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(s.as_bytes()))
                    {
                        Some((_, f)) => flags |= f,
                        None => return Err(raise(l, "unknown flag given")),
                    },
                    _ => return Err(raise(l, "unknown flag given")),
                }
                i += 1.0;
            }
        } else {
            return Err(raise(
                l,
                "unknown argument given to redis.register_function",
            ));
        }
    }
    let Some(name) = name else {
        return Err(raise(
            l,
            "redis.register_function must get a function name argument",
        ));
    };
    let Some(callback) = callback else {
        return Err(raise(
            l,
            "redis.register_function must get a callback argument",
        ));
    };
    Ok((name, callback, flags, description))
}
