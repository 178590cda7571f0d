//! The base library (`print`, `pairs`, `pcall`, `setmetatable`, ...) and the coroutine
//! library, which 5.1 opens together (`luaopen_base`).

use crate::error::{LuaError, LuaResult};
use crate::thread::CoStatus;
use crate::value::{Type, Value};
use crate::vm::{Lua, MULTRET};
use std::io::Write;

/// Largest count `unpack` may return (5.1 fails `lua_checkstack` past LUAI_MAXCSTACK).
const MAX_UNPACK: i64 = 8000;

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let g = l.globals();
    l.register_lib(
        g,
        &[
            ("assert", assert),
            ("collectgarbage", collectgarbage),
            ("dofile", dofile),
            ("error", error),
            ("gcinfo", gcinfo),
            ("getfenv", getfenv),
            ("getmetatable", getmetatable),
            ("loadfile", loadfile),
            ("load", load),
            ("loadstring", loadstring),
            ("next", next),
            ("pcall", pcall),
            ("print", print),
            ("rawequal", rawequal),
            ("rawget", rawget),
            ("rawset", rawset),
            ("select", select),
            ("setfenv", setfenv),
            ("setmetatable", setmetatable),
            ("tonumber", tonumber),
            ("tostring", tostring),
            ("type", type_),
            ("unpack", unpack),
            ("xpcall", xpcall),
            ("newproxy", newproxy),
        ],
    )?;
    l.set_global("_G", Value::Table(g))?;
    let v = l.str_value(b"Lua 5.1")?;
    l.set_global("_VERSION", v)?;
    // ipairs and pairs keep their iterators as upvalues, as 5.1 does.
    let next_fn = l.get_global("next")?;
    let ipairs_aux = l.new_native("ipairs_aux", ipairs_aux)?;
    let pairs_fn = l.new_native_with("pairs", crate::func::NativeKind::Fn(pairs), vec![next_fn])?;
    let ipairs_fn = l.new_native_with(
        "ipairs",
        crate::func::NativeKind::Fn(ipairs),
        vec![ipairs_aux],
    )?;
    l.set_global("pairs", pairs_fn)?;
    l.set_global("ipairs", ipairs_fn)?;

    let co = l.new_table()?;
    l.register_lib(
        co,
        &[
            ("create", co_create),
            ("resume", co_resume),
            ("running", co_running),
            ("status", co_status),
            ("wrap", co_wrap),
            ("yield", co_yield),
        ],
    )?;
    l.set_global("coroutine", Value::Table(co))?;
    Ok(())
}

/// Upvalue `i` of the running native closure.
pub(crate) fn upvalue(l: &Lua, i: usize) -> Value {
    let f = l.frames.last().unwrap();
    match l.stack[f.func] {
        Value::Native(nc) => nc.upvalues.get(i).map(|c| c.get()).unwrap_or(Value::Nil),
        _ => Value::Nil,
    }
}

fn assert(l: &mut Lua) -> LuaResult<usize> {
    let v = l.check_any(1)?;
    if v.truthy() {
        return Ok(l.nargs());
    }
    let msg = match l.opt_str(2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"assertion failed!".to_vec(),
    };
    Err(l.error(msg))
}

fn collectgarbage(l: &mut Lua) -> LuaResult<usize> {
    const OPTS: [&str; 7] = [
        "stop",
        "restart",
        "collect",
        "count",
        "step",
        "setpause",
        "setstepmul",
    ];
    let opt = match l.opt_str(1)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"collect".to_vec(),
    };
    let Some(o) = OPTS.iter().position(|x| x.as_bytes() == opt.as_slice()) else {
        let msg = format!("invalid option '{}'", String::from_utf8_lossy(&opt));
        return Err(l.arg_error(1, &msg));
    };
    let ex = l.opt_integer(2, 0)?;
    match OPTS[o] {
        "stop" => {
            l.heap.stopped = true;
            l.push(Value::Num(0.0))?;
        }
        "restart" => {
            l.heap.stopped = false;
            l.push(Value::Num(0.0))?;
        }
        "collect" => {
            l.collect_garbage_checked()?;
            l.push(Value::Num(0.0))?;
        }
        "count" => {
            let kb = l.heap.mem.bytes as f64 / 1024.0;
            l.push(Value::Num(kb))?;
        }
        "step" => {
            // Work is credited per step; a cycle runs (and `true` is returned) once
            // the credit covers it, which takes about as many calls as in 5.1.
            let done = l.heap.step(ex.max(0) as usize);
            // A step resets 5.1's threshold too, so it also ends a "stop".
            l.heap.stopped = false;
            if done {
                l.collect_garbage_checked()?;
            }
            l.push(Value::Bool(done))?;
        }
        "setpause" => {
            let old = l.heap.pause;
            l.heap.pause = ex.clamp(0, u32::MAX as i64) as u32;
            l.heap.set_threshold();
            l.push(Value::Num(old as f64))?;
        }
        _ => {
            let old = l.heap.stepmul;
            l.heap.stepmul = ex.clamp(0, u32::MAX as i64) as u32;
            l.push(Value::Num(old as f64))?;
        }
    }
    Ok(1)
}

fn gcinfo(l: &mut Lua) -> LuaResult<usize> {
    let kb = (l.heap.mem.bytes / 1024) as f64;
    l.push(Value::Num(kb))?;
    Ok(1)
}

/// Reads a file for `loadfile`/`dofile`: skips a first line starting with `#`.
fn read_chunk_file(l: &mut Lua, name: Option<&[u8]>) -> Result<(Vec<u8>, Vec<u8>), LuaError> {
    let (data, chunkname) = match name {
        Some(n) => {
            let path = String::from_utf8_lossy(n).into_owned();
            match std::fs::read(&path) {
                Ok(d) => {
                    let mut c = b"@".to_vec();
                    c.extend_from_slice(n);
                    (d, c)
                }
                Err(e) => {
                    let msg = format!("cannot open {}: {}", path, crate::stdlib::os_error_text(&e));
                    return Err(l.plain_error(&msg));
                }
            }
        }
        None => {
            let mut d = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut d);
            (d, b"=stdin".to_vec())
        }
    };
    let data = if data.first() == Some(&b'#') {
        // Keep the newline so line numbers stay right.
        let nl = data.iter().position(|&c| c == b'\n').unwrap_or(data.len());
        data[nl..].to_vec()
    } else {
        data
    };
    Ok((data, chunkname))
}

/// Loads a file as `luaL_loadfile` does.
pub fn load_file(l: &mut Lua, name: Option<&[u8]>) -> LuaResult<Value> {
    let (data, chunkname) = read_chunk_file(l, name)?;
    l.load(&data, &chunkname)
}

fn dofile(l: &mut Lua) -> LuaResult<usize> {
    let name = l.opt_str(1)?.map(|s| s.as_bytes().to_vec());
    let f = match load_file(l, name.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            let v = l.error_value(&e);
            return Err(LuaError::Runtime(v));
        }
    };
    let func = l.top;
    l.push(f)?;
    l.call_at(func, MULTRET)?;
    Ok(l.top - func)
}

fn error(l: &mut Lua) -> LuaResult<usize> {
    let level = l.opt_integer(2, 1)?;
    let mut v = l.arg(1);
    if let (Value::Num(_), true) = (v, level > 0) {
        // lua_isstring accepts numbers: they get a position too.
        v = Value::Str(l.coerce_to_str(&v)?.unwrap());
    }
    if let (Value::Str(s), true) = (v, level > 0) {
        // Position of the function `level` levels up from `error`'s caller.
        let fi = l.frames.len() as i64 - 1 - level;
        let mut msg = if fi >= 0 {
            l.where_(fi as usize)
        } else {
            Vec::new()
        };
        msg.extend_from_slice(s.as_bytes());
        let s = l.new_str(&msg)?;
        return Err(LuaError::Runtime(Value::Str(s)));
    }
    Err(LuaError::Runtime(v))
}

/// The function at `level` (1 = caller of the native), for getfenv/setfenv.
fn level_function(l: &mut Lua, i: usize, _fname: &str) -> LuaResult<Option<Value>> {
    let v = l.arg(i);
    if matches!(v, Value::LuaFn(_) | Value::Native(_)) {
        return Ok(Some(v));
    }
    let level = l.opt_integer(i, 1)?;
    if level < 0 {
        return Err(l.arg_error(i, "level must be non-negative"));
    }
    if level == 0 {
        return Ok(None);
    }
    use crate::vm::debuginfo::Level;
    let found = l.stack_view().level(level as usize);
    match found {
        Some(Level::Frame(fi)) if fi > 0 => Ok(l.frame_closure(fi)),
        Some(Level::Tail) => Err(l.error(format!(
            "no function environment for tail call at level {}",
            level
        ))),
        _ => Err(l.arg_error(i, "invalid level")),
    }
}

fn getfenv(l: &mut Lua) -> LuaResult<usize> {
    let f = level_function(l, 1, "getfenv")?;
    let env = match f {
        None => l
            .cur_thread
            .env
            .map(Value::Table)
            .unwrap_or(Value::Table(l.globals)),
        Some(Value::LuaFn(c)) => Value::Table(c.env.get()),
        // 5.1 returns the global table for native functions.
        Some(_) => Value::Table(l.globals),
    };
    l.push(env)?;
    Ok(1)
}

fn setfenv(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(2)?;
    let f = level_function(l, 1, "setfenv")?;
    match f {
        None => {
            l.cur_thread.get_mut().env = Some(t);
            Ok(0)
        }
        Some(Value::LuaFn(c)) => {
            c.env.set(t);
            l.push(Value::LuaFn(c))?;
            Ok(1)
        }
        Some(_) => Err(l.error("'setfenv' cannot change environment of given object")),
    }
}

fn getmetatable(l: &mut Lua) -> LuaResult<usize> {
    let v = l.check_any(1)?;
    match l.get_metatable(&v) {
        None => l.push(Value::Nil)?,
        Some(mt) => {
            let k = l.new_str(b"__metatable")?;
            let protected = mt.get_str(k);
            if protected.is_nil() {
                l.push(Value::Table(mt))?;
            } else {
                l.push(protected)?;
            }
        }
    }
    Ok(1)
}

fn setmetatable(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let mt = l.arg(2);
    let mt = match mt {
        Value::Nil => None,
        Value::Table(m) => Some(m),
        _ => return Err(l.arg_error(2, "nil or table expected")),
    };
    if l.nargs() < 2 {
        return Err(l.arg_error(2, "nil or table expected"));
    }
    if let Some(old) = t.metatable {
        let k = l.new_str(b"__metatable")?;
        if !old.get_str(k).is_nil() {
            return Err(l.error("cannot change a protected metatable"));
        }
    }
    t.get_mut().metatable = mt;
    l.set_top(l.arg_base() + 1)?;
    Ok(1)
}

/// Returns `(nil, message)` for a failed load, else the function.
fn load_result(l: &mut Lua, r: LuaResult<Value>) -> LuaResult<usize> {
    match r {
        Ok(f) => {
            l.push(f)?;
            Ok(1)
        }
        Err(LuaError::Memory) => Err(LuaError::Memory),
        Err(e) => {
            let v = l.error_value(&e);
            l.push(Value::Nil)?;
            l.push(v)?;
            Ok(2)
        }
    }
}

fn loadstring(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let name = match l.opt_str(2)? {
        Some(n) => n.as_bytes().to_vec(),
        None => s.as_bytes().to_vec(),
    };
    let r = l.load(s.as_bytes(), &name);
    load_result(l, r)
}

fn loadfile(l: &mut Lua) -> LuaResult<usize> {
    let name = l.opt_str(1)?.map(|s| s.as_bytes().to_vec());
    let r = load_file(l, name.as_deref());
    load_result(l, r)
}

/// Source size up to which a reader-driven `load` re-parses after every piece.
const EAGER_PARSE_LIMIT: usize = 2048;

fn load(l: &mut Lua) -> LuaResult<usize> {
    let f = l.check_type(1, Type::Function)?;
    let name = match l.opt_str(2)? {
        Some(n) => n.as_bytes().to_vec(),
        None => b"=(load)".to_vec(),
    };
    let mut src = Vec::new();
    let mut next_check = 0;
    loop {
        // Errors raised by the reader are returned, as 5.1's protected load does.
        let piece = match l.pcall(f, &[]) {
            Ok(v) => v.first().copied().unwrap_or(Value::Nil),
            Err(LuaError::Uncatchable(v)) => return Err(LuaError::Uncatchable(v)),
            Err(e) => {
                let v = l.error_value(&e);
                l.push(Value::Nil)?;
                l.push(v)?;
                return Ok(2);
            }
        };
        match piece {
            Value::Nil => break,
            Value::Str(s) => {
                if s.is_empty() {
                    break;
                }
                src.extend_from_slice(s.as_bytes());
            }
            _ => {
                l.push(Value::Nil)?;
                l.push_str(b"reader function must return a string")?;
                return Ok(2);
            }
        }
        // 5.1 parses while it reads and stops calling the reader at a syntax error.
        // Parsing what has arrived tells whether that error is already there (and the
        // lexer has looked one character past it); tried after every piece while the
        // source is small, then each time it doubles, to bound the cost.
        if src.first() != Some(&0x1b) && (src.len() <= EAGER_PARSE_LIMIT || src.len() >= next_check)
        {
            next_check = src.len().saturating_mul(2);
            if let Err(e) = crate::parse::parse(&src, &name) {
                if !e.incomplete && e.read_upto < src.len() {
                    break;
                }
            }
        }
    }
    let r = l.load(&src, &name);
    load_result(l, r)
}

fn next(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let k = l.arg(2);
    match t.next(&k) {
        Ok(Some((k, v))) => {
            l.push(k)?;
            l.push(v)?;
            Ok(2)
        }
        Ok(None) => {
            l.push(Value::Nil)?;
            Ok(1)
        }
        Err(()) => Err(l.plain_error("invalid key to 'next'")),
    }
}

fn pairs(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let next = upvalue(l, 0);
    l.push(next)?;
    l.push(Value::Table(t))?;
    l.push(Value::Nil)?;
    Ok(3)
}

fn ipairs_aux(l: &mut Lua) -> LuaResult<usize> {
    let i = l.check_integer(2)? + 1;
    let t = l.check_table(1)?;
    let v = t.get_int(i);
    if v.is_nil() {
        return Ok(0);
    }
    l.push(Value::Num(i as f64))?;
    l.push(v)?;
    Ok(2)
}

fn ipairs(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let aux = upvalue(l, 0);
    l.push(aux)?;
    l.push(Value::Table(t))?;
    l.push(Value::Num(0.0))?;
    Ok(3)
}

/// A successful protected call: its results are at `func..top`; return them after `true`.
fn prepend_true(l: &mut Lua, func: usize) -> LuaResult<usize> {
    let n = l.top - func;
    l.ensure_stack(l.top + 1)?;
    l.stack.copy_within(func..func + n, func + 1);
    l.stack[func] = Value::Bool(true);
    l.top = func + n + 1;
    Ok(n + 1)
}

fn pcall(l: &mut Lua) -> LuaResult<usize> {
    l.check_any(1)?;
    let func = l.arg_base();
    match l.pcall_at(func, MULTRET) {
        Ok(()) => prepend_true(l, func),
        Err(LuaError::Uncatchable(v)) => Err(LuaError::Uncatchable(v)),
        Err(LuaError::Yield) => Err(LuaError::Yield),
        Err(e) => {
            let v = l.error_value(&e);
            l.push(Value::Bool(false))?;
            l.push(v)?;
            Ok(2)
        }
    }
}

fn xpcall(l: &mut Lua) -> LuaResult<usize> {
    l.check_any(2)?;
    let handler = l.arg(2);
    let f = l.arg(1);
    let base = l.arg_base();
    // The handler stays in its argument slot (rooted) while `f` runs above it.
    l.top = base + 2;
    let sp = l.save_point();
    let func = base + 2;
    l.push(f)?;
    match l.call_at(func, MULTRET) {
        Ok(()) => prepend_true(l, func),
        Err(LuaError::Uncatchable(v)) => Err(LuaError::Uncatchable(v)),
        Err(e) => {
            let hv = l.call_handler(handler, &e);
            l.restore(sp, func);
            l.top = func;
            l.push(Value::Bool(false))?;
            l.push(hv)?;
            Ok(2)
        }
    }
}

fn print(l: &mut Lua) -> LuaResult<usize> {
    let n = l.nargs();
    let tostring = l.get_global("tostring")?;
    let mut line = Vec::new();
    for i in 1..=n {
        let v = l.arg(i);
        let s = l.call1(tostring, &[v])?;
        match s {
            Value::Str(s) => {
                // lua5.1 writes with fputs, which stops at a zero byte.
                let b = s.as_bytes();
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
                line.extend_from_slice(&b[..end]);
            }
            _ => return Err(l.error("'tostring' must return a string to 'print'")),
        }
        if i < n {
            line.push(b'\t');
        }
    }
    line.push(b'\n');
    l.write_stdout(&line);
    Ok(0)
}

fn rawequal(l: &mut Lua) -> LuaResult<usize> {
    let a = l.check_any(1)?;
    let b = l.check_any(2)?;
    l.push(Value::Bool(a.raw_eq(&b)))?;
    Ok(1)
}

fn rawget(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let k = l.check_any(2)?;
    l.push(t.get(&k))?;
    Ok(1)
}

fn rawset(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let k = l.check_any(2)?;
    let v = l.check_any(3)?;
    l.raw_set(t, k, v)?;
    l.push(Value::Table(t))?;
    Ok(1)
}

fn select(l: &mut Lua) -> LuaResult<usize> {
    let n = l.nargs() as i64;
    if let Value::Str(s) = l.arg(1) {
        if s.as_bytes().first() == Some(&b'#') {
            l.push(Value::Num((n - 1) as f64))?;
            return Ok(1);
        }
    }
    let mut i = l.check_integer(1)?;
    if i < 0 {
        i += n;
    } else if i > n {
        i = n;
    }
    if i < 1 {
        return Err(l.arg_error(1, "index out of range"));
    }
    Ok((n - i) as usize)
}

fn tonumber(l: &mut Lua) -> LuaResult<usize> {
    let base = l.opt_integer(2, 10)?;
    let v = if base == 10 {
        l.check_any(1)?;
        match l.arg(1) {
            Value::Num(n) => Value::Num(n),
            Value::Str(s) => crate::number::str2number(s.as_bytes())
                .map(Value::Num)
                .unwrap_or(Value::Nil),
            _ => Value::Nil,
        }
    } else {
        let s = l.check_str(1)?;
        if !(2..=36).contains(&base) {
            return Err(l.arg_error(2, "base out of range"));
        }
        crate::number::str2number_base(s.as_bytes(), base as u32)
            .map(Value::Num)
            .unwrap_or(Value::Nil)
    };
    l.push(v)?;
    Ok(1)
}

fn tostring(l: &mut Lua) -> LuaResult<usize> {
    let v = l.check_any(1)?;
    // `__tostring` may return anything: 5.1 passes it through unchecked.
    if let Some(mt) = l.get_metatable(&v) {
        let k = l.new_str(b"__tostring")?;
        let tm = mt.get_str(k);
        if !tm.is_nil() {
            let r = l.call1(tm, &[v])?;
            l.push(r)?;
            return Ok(1);
        }
    }
    let s = l.tostring(v)?;
    l.push(Value::Str(s))?;
    Ok(1)
}

fn type_(l: &mut Lua) -> LuaResult<usize> {
    let v = l.check_any(1)?;
    l.push_str(v.type_name().as_bytes())?;
    Ok(1)
}

fn unpack(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let i = l.opt_integer(2, 1)?;
    let e = if l.arg(3).is_nil() {
        t.length() as i64
    } else {
        l.check_integer(3)?
    };
    if i > e {
        return Ok(0);
    }
    let n = e.wrapping_sub(i).wrapping_add(1);
    if n <= 0 || n >= MAX_UNPACK {
        return Err(l.error("too many results to unpack"));
    }
    l.ensure_stack(l.top + n as usize + crate::vm::MIN_STACK)?;
    for k in i..=e {
        let v = t.get_int(k);
        l.push(v)?;
    }
    Ok(n as usize)
}

fn newproxy(l: &mut Lua) -> LuaResult<usize> {
    let arg = l.arg(1);
    let mt = match arg {
        Value::Bool(true) => Some(l.new_table()?),
        Value::UserData(u) => u.metatable,
        Value::Nil | Value::Bool(false) => None,
        _ => return Err(l.arg_error(1, "boolean or proxy expected")),
    };
    let u = l.new_userdata(Box::new(()), mt)?;
    l.push(u)?;
    Ok(1)
}

// ---- coroutines ------------------------------------------------------------------------------

fn check_co(l: &mut Lua, i: usize) -> LuaResult<crate::gc::Gc<crate::thread::Thread>> {
    match l.arg(i) {
        Value::Thread(t) => Ok(t),
        _ => Err(l.type_error_arg(i, "coroutine")),
    }
}

fn co_create(l: &mut Lua) -> LuaResult<usize> {
    let f = l.arg(1);
    if !matches!(f, Value::LuaFn(_)) {
        return Err(l.arg_error(1, "Lua function expected"));
    }
    let th = l.new_thread(f)?;
    l.push(Value::Thread(th))?;
    Ok(1)
}

fn co_resume(l: &mut Lua) -> LuaResult<usize> {
    let co = check_co(l, 1)?;
    let args: Vec<Value> = (2..=l.nargs()).map(|i| l.arg(i)).collect();
    match l.resume(co, &args) {
        Ok(vals) => {
            l.ensure_stack(l.top + vals.len() + 1)?;
            l.push(Value::Bool(true))?;
            for v in &vals {
                l.push(*v)?;
            }
            Ok(vals.len() + 1)
        }
        Err(LuaError::Uncatchable(v)) => Err(LuaError::Uncatchable(v)),
        Err(e) => {
            let v = l.error_value(&e);
            l.push(Value::Bool(false))?;
            l.push(v)?;
            Ok(2)
        }
    }
}

fn co_running(l: &mut Lua) -> LuaResult<usize> {
    if l.is_main_thread() {
        l.push(Value::Nil)?;
    } else {
        let t = l.current_thread();
        l.push(Value::Thread(t))?;
    }
    Ok(1)
}

fn co_status(l: &mut Lua) -> LuaResult<usize> {
    let co = check_co(l, 1)?;
    let s = if co == l.current_thread() {
        "running"
    } else {
        match co.status() {
            CoStatus::Suspended => "suspended",
            CoStatus::Running => "running",
            CoStatus::Normal => "normal",
            CoStatus::Dead => "dead",
        }
    };
    l.push_str(s.as_bytes())?;
    Ok(1)
}

fn co_wrap_aux(l: &mut Lua) -> LuaResult<usize> {
    let Value::Thread(co) = upvalue(l, 0) else {
        unreachable!()
    };
    let args: Vec<Value> = (1..=l.nargs()).map(|i| l.arg(i)).collect();
    match l.resume(co, &args) {
        Ok(vals) => {
            l.ensure_stack(l.top + vals.len() + 1)?;
            for v in &vals {
                l.push(*v)?;
            }
            Ok(vals.len())
        }
        Err(LuaError::Runtime(Value::Str(s))) => {
            // Like 5.1's auxwrap: add the caller's position to string errors.
            let mut msg = {
                let fi = l.frames.len();
                if fi >= 2 {
                    l.where_(fi - 2)
                } else {
                    Vec::new()
                }
            };
            msg.extend_from_slice(s.as_bytes());
            let s = l.new_str(&msg)?;
            Err(LuaError::Runtime(Value::Str(s)))
        }
        Err(e) => Err(e),
    }
}

fn co_wrap(l: &mut Lua) -> LuaResult<usize> {
    co_create(l)?;
    let co = l.pop();
    let f = l.new_native_with("wrap", crate::func::NativeKind::Fn(co_wrap_aux), vec![co])?;
    l.push(f)?;
    Ok(1)
}

fn co_yield(l: &mut Lua) -> LuaResult<usize> {
    let n = l.nargs();
    Err(l.yield_values(n))
}

impl Lua {
    /// Writes to standard output, or to the embedder's sink if one is set.
    pub fn write_stdout(&mut self, data: &[u8]) {
        if let Some(sink) = &self.stdout_sink {
            let sink = sink.clone();
            sink(data);
        } else {
            let out = std::io::stdout();
            let mut lock = out.lock();
            let _ = lock.write_all(data);
            let _ = lock.flush();
        }
    }

    /// A full userdata value.
    pub fn new_userdata(
        &mut self,
        data: Box<dyn std::any::Any>,
        mt: Option<crate::table::TableRef>,
    ) -> LuaResult<Value> {
        let u = crate::value::UserData {
            data,
            metatable: mt,
            env: Some(self.globals),
            finalized: std::cell::Cell::new(false),
        };
        Ok(Value::UserData(self.heap.alloc(
            u,
            0,
            crate::gc::GcObj::UserData,
        )?))
    }
}
