//! The EVAL Lua state and its sandbox.
//!
//! What scripts see (Redis 7.0.15 with the Debian security fixes): the base library
//! without `print`, `dofile`, `loadfile`, `getfenv`, `setfenv` and `newproxy`; `pcall`
//! replaced by a wrapper that turns Redis error tables into their `err` string;
//! `coroutine`, `string`, `table`, `math` (Redis's `math.random` generator), the bundled
//! libraries, `redis`, and the error handler `__redis__err__handler`. `debug` is used to
//! build the error handler and then removed. Binary chunks are refused.
//!
//! Global protection: the global table has a metatable whose `__index` raises
//! `Script attempted to access nonexistent global variable '<name>'`, and every table
//! reachable from the globals (and their metatables, and the string metatable) is
//! read-only, so assignments raise `Attempt to modify a readonly table`.

use super::cache::Script;
use super::run::RunShared;
use lua51::string::StrRef;
use lua51::{Lua, LuaError, LuaResult, Value};
use std::collections::HashMap;
use std::rc::Rc;

/// Heap cap of the EVAL state until the first run applies the `lua-heap-limit` config
/// (same default). Redis sets none (only `maxmemory` for the dataset); a cap makes a
/// runaway script (`string.rep` bombs, endless tables) fail with `not enough memory`
/// instead of taking the process down.
pub const LUA_HEAP_LIMIT: usize = 1 << 30;

/// Reported as `used_memory_vm_functions` and `used_memory_functions`: what Redis 7.0.15
/// reports for its idle Functions VM and its empty library bookkeeping (used until the
/// Functions state is first created; the bookkeeping figure is the base to which the
/// libraries' code is added).
pub const FUNCTIONS_VM_BYTES: usize = 33792;
pub const FUNCTIONS_BOOKKEEPING_BYTES: usize = 200;

/// Interned field names used by the reply conversions; rooted in the registry.
#[derive(Clone, Copy)]
pub struct Names {
    pub err: StrRef,
    pub ok: StrRef,
    pub double: StrRef,
    pub big_number: StrRef,
    pub verbatim_string: StrRef,
    pub format: StrRef,
    pub string: StrRef,
    pub map: StrRef,
    pub set: StrRef,
    pub ignore_stats: StrRef,
    pub keys: StrRef,
    pub argv: StrRef,
}

/// Registry key of the table rooting [`Names`].
const NAMES_KEY: &[u8] = b"__rlua51_server_names";

/// The error handler every run uses: adds the raising Lua frame's source and line to the
/// error, turning non-table errors into `{err = 'ERR ' .. tostring(e)}`. Level 2 is the
/// function that raised; when that is a native (`error`, `redis.call`), its Lua caller.
const ERR_HANDLER_SRC: &[u8] = b"local dbg = debug
__redis__err__handler = function(e)
  local info = dbg.getinfo(2, 'nSl')
  if info and info.what == 'C' then
    info = dbg.getinfo(3, 'nSl')
  end
  if type(e) ~= 'table' then
    e = {err = 'ERR ' .. tostring(e)}
  end
  if info then
    e['source'] = info.source
    e['line'] = info.currentline
  end
  return e
end
";

/// Base-library globals Redis removes from the sandbox.
const REMOVED_GLOBALS: &[&str] = &[
    "print", "dofile", "loadfile", "getfenv", "setfenv", "newproxy", "debug",
];

pub struct Engine {
    pub lua: Lua,
    pub cache: HashMap<[u8; 40], Script>,
    /// Bytes of cached bodies plus per-entry overhead (INFO `used_memory_scripts_eval`).
    pub cache_bytes: usize,
    pub shared: Rc<RunShared>,
    pub names: Names,
    /// `__redis__err__handler`.
    pub handler: Value,
}

impl Engine {
    pub fn new() -> LuaResult<Engine> {
        let shared = Rc::new(RunShared::new());
        let (lua, names, handler) = build_sandbox(&shared, Vm::Eval)?;
        Ok(Engine {
            lua,
            cache: HashMap::new(),
            cache_bytes: 0,
            shared,
            names,
            handler,
        })
    }
}

/// Which of the two Lua states a sandbox is built for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Vm {
    /// The EVAL state: `__redis__err__handler` is a global, `redis` has the debugger
    /// and `replicate_commands` entries.
    Eval,
    /// The Functions state: the error handler lives in the registry only, and `redis`
    /// lacks `replicate_commands`, `breakpoint` and `debug`.
    Functions,
}

/// `redis` fields the Functions state does not have.
const EVAL_ONLY_REDIS_FIELDS: &[&str] = &["replicate_commands", "breakpoint", "debug"];

/// Builds a sandboxed state shared by EVAL and Functions: the libraries, the wrapped
/// `pcall`/`setmetatable`, the `redis` table bound to `shared`, the error handler, the
/// protected read-only globals and the busy-script hook. Returns the state, its
/// interned names and the error handler.
pub(crate) fn build_sandbox(shared: &Rc<RunShared>, vm: Vm) -> LuaResult<(Lua, Names, Value)> {
    let mut l = Lua::new_empty();
    lua51::stdlib::base::open(&mut l)?;
    lua51::stdlib::table::open(&mut l)?;
    lua51::stdlib::string::open(&mut l)?;
    lua51::stdlib::math::open(&mut l)?;
    lua51::stdlib::debug::open(&mut l)?;
    // The libraries Redis bundles: cjson, cmsgpack, bit, struct.
    redis_lua_libs::open_all(&mut l)?;
    l.allow_binary_chunks = false;
    l.set_memory_limit(LUA_HEAP_LIMIT);

    let names = intern_names(&mut l)?;
    let pcall = l.new_native("pcall", pcall_wrapper)?;
    l.set_global("pcall", pcall)?;
    wrap_setmetatable(&mut l)?;
    super::api::open_redis(&mut l, shared, names)?;
    l.exec(ERR_HANDLER_SRC, b"=__redis__err__handler")?;
    let handler = l.get_global("__redis__err__handler")?;
    shared.handler.set(handler);
    for name in REMOVED_GLOBALS {
        l.set_global(name, Value::Nil)?;
    }
    if vm == Vm::Functions {
        let reg = l.registry();
        let k = l.str_value(HANDLER_KEY)?;
        l.raw_set(reg, k, handler)?;
        l.set_global("__redis__err__handler", Value::Nil)?;
        if let Value::Table(redis) = l.get_global("redis")? {
            for f in EVAL_ONLY_REDIS_FIELDS {
                let k = l.str_value(f.as_bytes())?;
                l.raw_set(redis, k, Value::Nil)?;
            }
        }
    }
    protect_globals(&mut l)?;
    super::run::install_hook(&mut l, shared);
    Ok((l, names, handler))
}

/// Registry key of the Functions state's error handler.
const HANDLER_KEY: &[u8] = b"__rlua51_err_handler";

fn intern_names(l: &mut Lua) -> LuaResult<Names> {
    let root = l.new_table()?;
    let reg = l.registry();
    let k = l.str_value(NAMES_KEY)?;
    l.raw_set(reg, k, Value::Table(root))?;
    let mut n = 0.0;
    let mut s = |l: &mut Lua, name: &[u8]| -> LuaResult<StrRef> {
        let v = l.new_str(name)?;
        n += 1.0;
        l.raw_set(root, Value::Num(n), Value::Str(v))?;
        Ok(v)
    };
    Ok(Names {
        err: s(l, b"err")?,
        ok: s(l, b"ok")?,
        double: s(l, b"double")?,
        big_number: s(l, b"big_number")?,
        verbatim_string: s(l, b"verbatim_string")?,
        format: s(l, b"format")?,
        string: s(l, b"string")?,
        map: s(l, b"map")?,
        set: s(l, b"set")?,
        ignore_stats: s(l, b"ignore_error_stats_update")?,
        keys: s(l, b"KEYS")?,
        argv: s(l, b"ARGV")?,
    })
}

/// `__index` of the global table's metatable.
pub(crate) fn nonexistent_global(l: &mut Lua) -> LuaResult<usize> {
    let name = match l.arg(2) {
        Value::Str(s) => s.to_str_lossy().into_owned(),
        v @ Value::Num(_) => LuaError::Runtime(v).to_string(),
        _ => "(null)".to_string(),
    };
    Err(l.error(format!(
        "Script attempted to access nonexistent global variable '{name}'"
    )))
}

/// Installs the global table's metatable and marks every table reachable from the
/// globals read-only.
fn protect_globals(l: &mut Lua) -> LuaResult<()> {
    let g = l.globals();
    let mt = l.new_table()?;
    let f = l.new_native("__index", nonexistent_global)?;
    let k = l.str_value(b"__index")?;
    l.raw_set(mt, k, f)?;
    l.set_metatable(g, Some(mt));
    let mut seen = Vec::new();
    mark_readonly(l, g, &mut seen);
    let probe = l.str_value(b"")?;
    if let Some(smt) = l.get_metatable(&probe) {
        mark_readonly(l, smt, &mut seen);
    }
    Ok(())
}

fn mark_readonly(l: &mut Lua, t: lua51::table::TableRef, seen: &mut Vec<usize>) {
    let addr = Value::Table(t).addr();
    if seen.contains(&addr) {
        return;
    }
    seen.push(addr);
    if let Some(mt) = t.metatable() {
        mark_readonly(l, mt, seen);
    }
    let mut key = Value::Nil;
    while let Ok(Some((k, v))) = t.next(&key) {
        if let Value::Table(inner) = v {
            mark_readonly(l, inner, seen);
        }
        key = k;
    }
    l.set_readonly(t, true);
}

/// Registry key keeping the original `setmetatable` alive for its wrapper.
const SETMETATABLE_KEY: &[u8] = b"__rlua51_setmetatable";

/// `setmetatable` refusing read-only tables (`setmetatable(_G, {})` must not lift the
/// global protection): `Attempt to modify a readonly table`, raised without position
/// as a runtime error inside a native is.
fn wrap_setmetatable(l: &mut Lua) -> LuaResult<()> {
    let orig = l.get_global("setmetatable")?;
    let reg = l.registry();
    let k = l.str_value(SETMETATABLE_KEY)?;
    l.raw_set(reg, k, orig)?;
    let f = l.new_closure("setmetatable", move |l| {
        if let Value::Table(t) = l.arg(1) {
            if t.readonly {
                let msg = l.str_value(b"Attempt to modify a readonly table")?;
                return Err(LuaError::Runtime(msg));
            }
        }
        let args: Vec<Value> = (1..=l.nargs()).map(|i| l.arg(i)).collect();
        let r = l.call(orig, &args)?;
        for v in &r {
            l.push(*v)?;
        }
        Ok(r.len())
    })?;
    l.set_global("setmetatable", f)
}

/// The global `pcall`: Lua's pcall, except that an error table with a string `err` field
/// is returned as that string.
fn pcall_wrapper(l: &mut Lua) -> LuaResult<usize> {
    if l.nargs() == 0 {
        // Redis's wrapper ends up calling the `true` it inserts before the arguments.
        l.push(Value::Bool(false))?;
        l.push_str(b"attempt to call a boolean value")?;
        return Ok(2);
    }
    let f = l.arg(1);
    let n = l.nargs();
    let args: Vec<Value> = (2..=n).map(|i| l.arg(i)).collect();
    match l.pcall(f, &args) {
        Ok(results) => {
            l.push(Value::Bool(true))?;
            for v in &results {
                l.push(*v)?;
            }
            Ok(results.len() + 1)
        }
        Err(e @ (LuaError::Uncatchable(_) | LuaError::Yield)) => Err(e),
        Err(e) => {
            let mut v = l.error_value(&e);
            if let Value::Table(t) = v {
                let k = l.new_str(b"err")?;
                if let s @ Value::Str(_) = t.get_str(k) {
                    v = s;
                }
            }
            l.push(Value::Bool(false))?;
            l.push(v)?;
            Ok(2)
        }
    }
}
