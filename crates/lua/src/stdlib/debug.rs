//! The debug library: introspection of running functions (`getinfo`, `getlocal`,
//! upvalues), hooks (`sethook`/`gethook`) and `traceback`.
//!
//! Levels count call frames from the top as in 5.1: level 0 is the debug function itself,
//! level 1 its caller. The state's bottom frame plays the role of lua.c's C entry frame
//! (`[C]: ?` at the end of tracebacks).

use super::base::upvalue;
use crate::error::{LuaError, LuaResult};
use crate::func::Proto;
use crate::value::{Type, Value};
use crate::vm::debuginfo::{current_line, local_name};
use crate::vm::{FrameKind, HookEvent, Lua};
use std::rc::Rc;

/// Registry key holding the Lua hook function.
const HOOK_KEY: &[u8] = b"_rlua51_debug_hook";

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(
        t,
        &[
            ("debug", debug),
            ("getfenv", getfenv),
            ("gethook", gethook),
            ("getinfo", getinfo),
            ("getlocal", getlocal),
            ("getmetatable", getmetatable),
            ("getregistry", getregistry),
            ("getupvalue", getupvalue),
            ("setfenv", setfenv),
            ("sethook", sethook),
            ("setlocal", setlocal),
            ("setmetatable", setmetatable),
            ("setupvalue", setupvalue),
            ("traceback", traceback),
        ],
    )?;
    let _ = upvalue;
    l.set_global("debug", Value::Table(t))
}

fn set_field(l: &mut Lua, t: crate::table::TableRef, k: &str, v: Value) -> LuaResult<()> {
    let key = l.new_str(k.as_bytes())?;
    l.raw_set(t, Value::Str(key), v)
}

/// Frame index for `level` as seen from the running native, if it exists.
fn level_frame(l: &Lua, level: i64) -> Option<usize> {
    let fi = l.frames.len() as i64 - 1 - level;
    if level < 0 || fi < 0 {
        None
    } else {
        Some(fi as usize)
    }
}

fn source_fields(l: &mut Lua, t: crate::table::TableRef, p: Option<&Proto>) -> LuaResult<()> {
    match p {
        Some(p) => {
            set_field(l, t, "source", Value::Str(p.source))?;
            let short = crate::chunkid::chunkid(p.source.as_bytes());
            let v = l.str_value(&short)?;
            set_field(l, t, "short_src", v)?;
            set_field(l, t, "linedefined", Value::Num(p.line_defined as f64))?;
            set_field(l, t, "lastlinedefined", Value::Num(p.last_line_defined as f64))?;
            let what = if p.line_defined == 0 { "main" } else { "Lua" };
            let v = l.str_value(what.as_bytes())?;
            set_field(l, t, "what", v)
        }
        None => {
            let v = l.str_value(b"=[C]")?;
            set_field(l, t, "source", v)?;
            let v = l.str_value(b"[C]")?;
            set_field(l, t, "short_src", v)?;
            set_field(l, t, "linedefined", Value::Num(-1.0))?;
            set_field(l, t, "lastlinedefined", Value::Num(-1.0))?;
            let v = l.str_value(b"C")?;
            set_field(l, t, "what", v)
        }
    }
}

fn getinfo(l: &mut Lua) -> LuaResult<usize> {
    let what = match l.opt_str(2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"flnSu".to_vec(),
    };
    let arg = l.arg(1);
    let (func, frame) = match arg {
        Value::LuaFn(_) | Value::Native(_) => (arg, None),
        _ => {
            let level = l.check_integer(1)?;
            match level_frame(l, level) {
                Some(fi) => (l.frame_closure(fi).unwrap_or(Value::Nil), Some(fi)),
                None => {
                    l.push(Value::Nil)?;
                    return Ok(1);
                }
            }
        }
    };
    let t = l.new_table()?;
    let proto = match func {
        Value::LuaFn(c) => Some(c.proto.clone()),
        _ => None,
    };
    for &opt in &what {
        match opt {
            b'S' => source_fields(l, t, proto.as_deref())?,
            b'l' => {
                let line = match (frame, &proto) {
                    (Some(fi), Some(p)) => current_line(p, l.frames[fi].pc) as f64,
                    _ => -1.0,
                };
                set_field(l, t, "currentline", Value::Num(line))?;
            }
            b'u' => {
                let n = match func {
                    Value::LuaFn(c) => c.upvals.len(),
                    Value::Native(c) => c.upvalues.len(),
                    _ => 0,
                };
                set_field(l, t, "nups", Value::Num(n as f64))?;
            }
            b'n' => {
                let name = frame.and_then(|fi| l.func_name(fi));
                match name {
                    Some((kind, n)) => {
                        let v = l.str_value(&n)?;
                        set_field(l, t, "name", v)?;
                        let v = l.str_value(kind.as_bytes())?;
                        set_field(l, t, "namewhat", v)?;
                    }
                    None => {
                        let v = l.str_value(b"")?;
                        set_field(l, t, "namewhat", v)?;
                    }
                }
            }
            b'f' => set_field(l, t, "func", func)?,
            b'L' => {
                if let Some(p) = &proto {
                    let lines = l.new_table()?;
                    for &ln in &p.lines {
                        l.raw_set(lines, Value::Num(ln as f64), Value::Bool(true))?;
                    }
                    set_field(l, t, "activelines", Value::Table(lines))?;
                }
            }
            _ => return Err(l.arg_error(2, "invalid option")),
        }
    }
    l.push(Value::Table(t))?;
    Ok(1)
}

/// Name and stack slot of local `n` in frame `fi`.
fn find_local(l: &Lua, fi: usize, n: i64) -> Option<(Vec<u8>, usize)> {
    let f = &l.frames[fi];
    if n <= 0 {
        return None;
    }
    let n = n as usize;
    if let FrameKind::Lua(cl) = f.kind {
        if let Some(name) = local_name(&cl.proto, n, f.pc.saturating_sub(1)) {
            return Some((name.to_vec(), f.base + n - 1));
        }
    }
    // Other live slots of the frame are temporaries.
    let limit = if fi + 1 < l.frames.len() { l.frames[fi + 1].func } else { l.top };
    if limit > f.base && limit - f.base >= n {
        return Some((b"(*temporary)".to_vec(), f.base + n - 1));
    }
    None
}

fn getlocal(l: &mut Lua) -> LuaResult<usize> {
    let level = l.check_integer(1)?;
    let n = l.check_integer(2)?;
    let Some(fi) = level_frame(l, level).filter(|&fi| fi > 0 || level == 0) else {
        return Err(l.arg_error(1, "level out of range"));
    };
    match find_local(l, fi, n) {
        Some((name, slot)) => {
            l.push_str(&name)?;
            let v = l.stack_at(slot);
            l.push(v)?;
            Ok(2)
        }
        None => {
            l.push(Value::Nil)?;
            Ok(1)
        }
    }
}

fn setlocal(l: &mut Lua) -> LuaResult<usize> {
    let level = l.check_integer(1)?;
    let n = l.check_integer(2)?;
    let v = l.check_any(3)?;
    let Some(fi) = level_frame(l, level) else {
        return Err(l.arg_error(1, "level out of range"));
    };
    match find_local(l, fi, n) {
        Some((name, slot)) => {
            l.set_stack(slot, v);
            l.push_str(&name)?;
            Ok(1)
        }
        None => {
            l.push(Value::Nil)?;
            Ok(1)
        }
    }
}

fn upvalue_of(l: &mut Lua, set: bool) -> LuaResult<usize> {
    let f = l.check_type(1, Type::Function)?;
    let n = l.check_integer(2)?;
    match f {
        Value::LuaFn(c) => {
            if n < 1 || n as usize > c.upvals.len() {
                return Ok(0);
            }
            let i = n as usize - 1;
            let name = c.proto.upval_names.get(i).map(|s| s.as_bytes().to_vec()).unwrap_or_default();
            if set {
                let v = l.check_any(3)?;
                c.upvals[i].set(v);
                l.push_str(&name)?;
                Ok(1)
            } else {
                l.push_str(&name)?;
                let v = c.upvals[i].get();
                l.push(v)?;
                Ok(2)
            }
        }
        Value::Native(c) => {
            if n < 1 || n as usize > c.upvalues.len() {
                return Ok(0);
            }
            let i = n as usize - 1;
            if set {
                let v = l.check_any(3)?;
                c.upvalues[i].set(v);
                l.push_str(b"")?;
                Ok(1)
            } else {
                l.push_str(b"")?;
                let v = c.upvalues[i].get();
                l.push(v)?;
                Ok(2)
            }
        }
        _ => Ok(0),
    }
}

fn getupvalue(l: &mut Lua) -> LuaResult<usize> {
    upvalue_of(l, false)
}

fn setupvalue(l: &mut Lua) -> LuaResult<usize> {
    upvalue_of(l, true)
}

fn getregistry(l: &mut Lua) -> LuaResult<usize> {
    let r = l.registry();
    l.push(Value::Table(r))?;
    Ok(1)
}

fn getmetatable(l: &mut Lua) -> LuaResult<usize> {
    let v = l.check_any(1)?;
    let mt = l.get_metatable(&v).map(Value::Table).unwrap_or(Value::Nil);
    l.push(mt)?;
    Ok(1)
}

fn setmetatable(l: &mut Lua) -> LuaResult<usize> {
    let v = l.arg(1);
    let mt = match l.arg(2) {
        Value::Nil => None,
        Value::Table(t) => Some(t),
        _ => return Err(l.arg_error(2, "nil or table expected")),
    };
    match v {
        Value::Table(t) => t.get_mut().metatable = mt,
        Value::UserData(u) => u.get_mut().metatable = mt,
        other => l.set_type_metatable(other.type_of(), mt),
    }
    l.push(Value::Bool(true))?;
    Ok(1)
}

fn getfenv(l: &mut Lua) -> LuaResult<usize> {
    let v = l.arg(1);
    let env = match v {
        Value::LuaFn(c) => Value::Table(c.env.get()),
        Value::Native(c) => Value::Table(c.env.get()),
        Value::UserData(u) => u.env.map(Value::Table).unwrap_or(Value::Nil),
        Value::Thread(t) => t.env.map(Value::Table).unwrap_or(Value::Nil),
        _ => Value::Nil,
    };
    l.push(env)?;
    Ok(1)
}

fn setfenv(l: &mut Lua) -> LuaResult<usize> {
    let v = l.arg(1);
    let t = l.check_table(2)?;
    match v {
        Value::LuaFn(c) => c.env.set(t),
        Value::Native(c) => c.env.set(t),
        Value::UserData(u) => u.get_mut().env = Some(t),
        Value::Thread(th) => th.get_mut().env = Some(t),
        _ => return Err(l.error("'setfenv' cannot change environment of given object")),
    }
    l.push(v)?;
    Ok(1)
}

fn traceback(l: &mut Lua) -> LuaResult<usize> {
    let msg = l.arg(1);
    if !matches!(msg, Value::Str(_) | Value::Nil | Value::Num(_)) {
        l.push(msg)?;
        return Ok(1);
    }
    let level = l.opt_integer(2, 1)?.max(0) as usize;
    let text = match msg {
        Value::Nil => None,
        other => l.coerce_to_str(&other)?.map(|s| s.as_bytes().to_vec()),
    };
    let tb = l.traceback(text.as_deref(), level);
    l.push_str(&tb)?;
    Ok(1)
}

fn sethook(l: &mut Lua) -> LuaResult<usize> {
    let f = l.arg(1);
    if f.is_nil() || l.nargs() == 0 {
        l.set_hook(None, 0, false, false, false);
        let reg = l.registry();
        let k = l.new_str(HOOK_KEY)?;
        l.raw_set(reg, Value::Str(k), Value::Nil)?;
        return Ok(0);
    }
    let mask = l.check_str(2)?.as_bytes().to_vec();
    let count = l.opt_integer(3, 0)?;
    l.check_type(1, Type::Function)?;
    let reg = l.registry();
    let k = l.new_str(HOOK_KEY)?;
    let entry = l.new_table()?;
    l.raw_set(entry, Value::Num(1.0), f)?;
    let m = l.str_value(&mask)?;
    l.raw_set(entry, Value::Num(2.0), m)?;
    l.raw_set(entry, Value::Num(3.0), Value::Num(count as f64))?;
    l.raw_set(reg, Value::Str(k), Value::Table(entry))?;
    let hook: Rc<dyn Fn(&mut Lua, HookEvent) -> LuaResult<()>> = Rc::new(move |l: &mut Lua, ev: HookEvent| {
        let reg = l.registry();
        let k = l.new_str(HOOK_KEY)?;
        let Value::Table(entry) = reg.get_str(k) else { return Ok(()) };
        let f = entry.get_int(1);
        let (name, line): (&[u8], Value) = match ev {
            HookEvent::Call => (b"call", Value::Nil),
            HookEvent::Return => (b"return", Value::Nil),
            HookEvent::TailCall => (b"tail return", Value::Nil),
            HookEvent::Line(n) => (b"line", Value::Num(n as f64)),
            HookEvent::Count => (b"count", Value::Nil),
        };
        let ename = l.str_value(name)?;
        l.call(f, &[ename, line]).map(|_| ())
    });
    let has = |c: u8| mask.contains(&c);
    l.set_hook(Some(hook), count, has(b'l'), has(b'c'), has(b'r'));
    Ok(0)
}

fn gethook(l: &mut Lua) -> LuaResult<usize> {
    let reg = l.registry();
    let k = l.new_str(HOOK_KEY)?;
    match reg.get_str(k) {
        Value::Table(entry) => {
            l.push(entry.get_int(1))?;
            l.push(entry.get_int(2))?;
            l.push(entry.get_int(3))?;
        }
        _ => {
            l.push(Value::Nil)?;
            l.push_str(b"")?;
            l.push(Value::Num(0.0))?;
        }
    }
    Ok(3)
}

/// `debug.debug()`: a tiny prompt reading commands from stdin until `cont`.
fn debug(l: &mut Lua) -> LuaResult<usize> {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    loop {
        eprint!("lua_debug> ");
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 || line.trim_end() == "cont" {
            return Ok(0);
        }
        let r = l.load(line.as_bytes(), b"=(debug command)").and_then(|f| l.pcall(f, &[]));
        if let Err(e) = r {
            let v = l.error_value(&e);
            if let Value::Str(s) = v {
                eprintln!("{}", s.to_str_lossy());
            }
            if let LuaError::Uncatchable(_) = e {
                return Err(e);
            }
        }
    }
}
