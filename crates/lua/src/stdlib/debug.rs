//! The debug library: introspection of running functions (`getinfo`, `getlocal`,
//! upvalues), hooks (`sethook`/`gethook`) and `traceback`.
//!
//! Levels count call frames from the top as in 5.1: level 0 is the debug function itself,
//! level 1 its caller, and each call lost to a tail call is a level of its own (`what`
//! = "tail"); see `vm::debuginfo::StackView`. The main thread's bottom frame plays the
//! role of lua.c's C entry frame (`[C]: ?` at the end of tracebacks); a coroutine's
//! bottom frame is not shown, and a suspended one shows the `yield` it waits in.
//!
//! Most functions take an optional thread first. Hooks are per thread as in 5.1: the
//! state has a single hook, set to the union of what threads asked for, and a
//! dispatcher calls only the running thread's function for the events it wanted.

use super::base::upvalue;
use crate::error::{LuaError, LuaResult};
use crate::func::Proto;
use crate::gc::Gc;
use crate::thread::{CoStatus, Thread};
use crate::value::{Type, Value};
use crate::vm::debuginfo::{current_line, local_name, Level, StackView};
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

/// An optional thread as first argument: the thread (if given and not the running
/// one) and how many arguments it takes up.
fn thread_arg(l: &Lua) -> (Option<Gc<Thread>>, usize) {
    match l.arg(1) {
        Value::Thread(t) if t == l.current_thread() => (None, 1),
        Value::Thread(t) => (Some(t), 1),
        _ => (None, 0),
    }
}

/// Runs `f` on the stack of thread `th` (the running thread if `None`).
fn with_view<R>(l: &Lua, th: Option<Gc<Thread>>, f: impl FnOnce(&StackView<'_>) -> R) -> R {
    match th {
        Some(t) => {
            let st = &t.state;
            let view = StackView {
                frames: &st.frames,
                stack: &st.stack,
                top: st.top,
                yielded: t.status == CoStatus::Suspended && t.yield_dest.is_some(),
                lowest: if t.is_main { 0 } else { 1 },
            };
            f(&view)
        }
        None => f(&l.stack_view()),
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
            set_field(
                l,
                t,
                "lastlinedefined",
                Value::Num(p.last_line_defined as f64),
            )?;
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

/// What `getinfo` learns about a level before building its table.
struct LevelInfo {
    func: Value,
    tail: bool,
    line: f64,
    name: Option<(&'static str, Vec<u8>)>,
}

fn getinfo(l: &mut Lua) -> LuaResult<usize> {
    let (th, o) = thread_arg(l);
    let what = match l.opt_str(o + 2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"flnSu".to_vec(),
    };
    let arg = l.arg(o + 1);
    let info = match arg {
        Value::LuaFn(_) | Value::Native(_) => LevelInfo {
            func: arg,
            tail: false,
            line: -1.0,
            name: None,
        },
        _ => {
            let level = l.check_integer(o + 1)?;
            let found = if level < 0 {
                None
            } else {
                with_view(l, th, |v| {
                    v.level(level as usize).map(|lv| match lv {
                        Level::Tail => LevelInfo {
                            func: Value::Nil,
                            tail: true,
                            line: -1.0,
                            name: None,
                        },
                        Level::Yield => {
                            let func = th
                                .and_then(|t| t.yield_dest)
                                .map(|(d, _)| v.stack[d])
                                .filter(|f| matches!(f, Value::Native(_)))
                                .unwrap_or(Value::Nil);
                            LevelInfo {
                                func,
                                tail: false,
                                line: -1.0,
                                name: v.func_name(lv),
                            }
                        }
                        Level::Frame(fi) => {
                            let f = &v.frames[fi];
                            let line = match f.kind {
                                FrameKind::Lua(cl) => current_line(&cl.proto, f.pc) as f64,
                                FrameKind::Native => -1.0,
                            };
                            LevelInfo {
                                func: v.closure(fi),
                                tail: false,
                                line,
                                name: v.func_name(lv),
                            }
                        }
                    })
                })
            };
            match found {
                Some(i) => i,
                None => {
                    l.push(Value::Nil)?;
                    return Ok(1);
                }
            }
        }
    };
    let func = info.func;
    let t = l.new_table()?;
    let proto = match func {
        Value::LuaFn(c) => Some(c.proto.clone()),
        _ => None,
    };
    for &opt in &what {
        match opt {
            b'S' if info.tail => {
                let v = l.str_value(b"=(tail call)")?;
                set_field(l, t, "source", v)?;
                let v = l.str_value(b"(tail call)")?;
                set_field(l, t, "short_src", v)?;
                set_field(l, t, "linedefined", Value::Num(-1.0))?;
                set_field(l, t, "lastlinedefined", Value::Num(-1.0))?;
                let v = l.str_value(b"tail")?;
                set_field(l, t, "what", v)?;
            }
            b'S' => source_fields(l, t, proto.as_deref())?,
            b'l' => set_field(l, t, "currentline", Value::Num(info.line))?,
            b'u' => {
                let n = match func {
                    Value::LuaFn(c) => c.upvals.len(),
                    Value::Native(c) => c.upvalues.len(),
                    _ => 0,
                };
                set_field(l, t, "nups", Value::Num(n as f64))?;
            }
            b'n' if info.tail => {
                let v = l.str_value(b"")?;
                set_field(l, t, "name", v)?;
                set_field(l, t, "namewhat", v)?;
            }
            b'n' => match &info.name {
                Some((kind, n)) => {
                    let v = l.str_value(n)?;
                    set_field(l, t, "name", v)?;
                    let v = l.str_value(kind.as_bytes())?;
                    set_field(l, t, "namewhat", v)?;
                }
                None => {
                    let v = l.str_value(b"")?;
                    set_field(l, t, "namewhat", v)?;
                }
            },
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
            _ => return Err(l.arg_error(o + 2, "invalid option")),
        }
    }
    l.push(Value::Table(t))?;
    Ok(1)
}

/// Name and stack slot of local `n` at `level`: `Err` if the level does not exist.
fn find_local(v: &StackView<'_>, level: i64, n: i64) -> Result<Option<(Vec<u8>, usize)>, ()> {
    let fi = match (level >= 0).then(|| v.level(level as usize)).flatten() {
        Some(Level::Frame(fi)) => fi,
        Some(_) => return Ok(None),
        None => return Err(()),
    };
    let f = &v.frames[fi];
    if n <= 0 {
        return Ok(None);
    }
    let n = n as usize;
    if let FrameKind::Lua(cl) = f.kind {
        if let Some(name) = local_name(&cl.proto, n, f.pc.saturating_sub(1)) {
            return Ok(Some((name.to_vec(), f.base + n - 1)));
        }
    }
    // Other live slots of the frame are temporaries.
    let limit = if fi + 1 < v.frames.len() {
        v.frames[fi + 1].func
    } else {
        v.top
    };
    if limit > f.base && limit - f.base >= n {
        return Ok(Some((b"(*temporary)".to_vec(), f.base + n - 1)));
    }
    Ok(None)
}

fn getlocal(l: &mut Lua) -> LuaResult<usize> {
    let (th, o) = thread_arg(l);
    let level = l.check_integer(o + 1)?;
    let n = l.check_integer(o + 2)?;
    let found = with_view(l, th, |v| {
        find_local(v, level, n).map(|r| r.map(|(name, slot)| (name, v.stack[slot])))
    });
    match found {
        Err(()) => Err(l.arg_error(o + 1, "level out of range")),
        Ok(Some((name, v))) => {
            l.push_str(&name)?;
            l.push(v)?;
            Ok(2)
        }
        Ok(None) => {
            l.push(Value::Nil)?;
            Ok(1)
        }
    }
}

fn setlocal(l: &mut Lua) -> LuaResult<usize> {
    let (th, o) = thread_arg(l);
    let level = l.check_integer(o + 1)?;
    let n = l.check_integer(o + 2)?;
    let v = l.check_any(o + 3)?;
    let found = with_view(l, th, |view| find_local(view, level, n));
    match found {
        Err(()) => Err(l.arg_error(o + 1, "level out of range")),
        Ok(Some((name, slot))) => {
            match th {
                Some(t) => t.get_mut().state.stack[slot] = v,
                None => l.set_stack(slot, v),
            }
            l.push_str(&name)?;
            Ok(1)
        }
        Ok(None) => {
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
            let name = c
                .proto
                .upval_names
                .get(i)
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default();
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
    let v = l.check_any(1)?;
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
    let (th, o) = thread_arg(l);
    let msg = l.arg(o + 1);
    if !matches!(msg, Value::Str(_) | Value::Nil | Value::Num(_)) {
        l.push(msg)?;
        return Ok(1);
    }
    // Level 1 (the caller) by default in the running thread, 0 in another.
    let default_level = if o == 1 && th.is_some() { 0 } else { 1 };
    let level = l.opt_integer(o + 2, default_level)?.max(0) as usize;
    let text = match msg {
        Value::Nil => None,
        other => l.coerce_to_str(&other)?.map(|s| s.as_bytes().to_vec()),
    };
    let tb = with_view(l, th, |v| v.traceback(text.as_deref(), level));
    l.push_str(&tb)?;
    Ok(1)
}

/// The table of hooks set by `debug.sethook`, keyed by thread (created on demand).
fn hook_table(l: &mut Lua, create: bool) -> LuaResult<Option<crate::table::TableRef>> {
    let reg = l.registry();
    let k = l.new_str(HOOK_KEY)?;
    match reg.get_str(k) {
        Value::Table(t) => Ok(Some(t)),
        _ if create => {
            let t = l.new_table()?;
            l.raw_set(reg, Value::Str(k), Value::Table(t))?;
            Ok(Some(t))
        }
        _ => Ok(None),
    }
}

/// Hooks are per thread in 5.1. The state has one hook, so it is set to the union of
/// what all threads asked for, and the dispatcher calls only the running thread's
/// function, for the events that thread asked for.
fn install_dispatcher(l: &mut Lua) -> LuaResult<()> {
    let Some(hooks) = hook_table(l, false)? else {
        l.set_hook(None, 0, false, false, false);
        return Ok(());
    };
    let (mut lines, mut calls, mut returns, mut count) = (false, false, false, 0i64);
    let mut k = Value::Nil;
    while let Some((key, Value::Table(entry))) = hooks.next(&k).ok().flatten() {
        k = key;
        if let Value::Str(m) = entry.get_int(2) {
            let m = m.as_bytes();
            lines |= m.contains(&b'l');
            calls |= m.contains(&b'c');
            returns |= m.contains(&b'r');
        }
        if let Value::Num(c) = entry.get_int(3) {
            if c > 0.0 {
                count = c as i64;
            }
        }
    }
    if k.is_nil() {
        l.set_hook(None, 0, false, false, false);
        return Ok(());
    }
    let hook: Rc<dyn Fn(&mut Lua, HookEvent) -> LuaResult<()>> =
        Rc::new(move |l: &mut Lua, ev: HookEvent| {
            let Some(hooks) = hook_table(l, false)? else {
                return Ok(());
            };
            let th = Value::Thread(l.current_thread());
            let Value::Table(entry) = hooks.get(&th) else {
                return Ok(());
            };
            let f = entry.get_int(1);
            let mask = match entry.get_int(2) {
                Value::Str(m) => m.as_bytes().to_vec(),
                _ => Vec::new(),
            };
            let (name, line, wanted): (&[u8], Value, bool) = match ev {
                HookEvent::Call => (b"call", Value::Nil, mask.contains(&b'c')),
                HookEvent::Return => (b"return", Value::Nil, mask.contains(&b'r')),
                HookEvent::TailCall => (b"tail return", Value::Nil, mask.contains(&b'r')),
                HookEvent::Line(n) => (b"line", Value::Num(n as f64), mask.contains(&b'l')),
                HookEvent::Count => (
                    b"count",
                    Value::Nil,
                    matches!(entry.get_int(3), Value::Num(c) if c > 0.0),
                ),
            };
            if !wanted {
                return Ok(());
            }
            let ename = l.str_value(name)?;
            l.call(f, &[ename, line]).map(|_| ())
        });
    l.set_hook(Some(hook), count, lines, calls, returns);
    Ok(())
}

fn sethook(l: &mut Lua) -> LuaResult<usize> {
    let (th, o) = thread_arg(l);
    let key = Value::Thread(th.unwrap_or_else(|| l.current_thread()));
    let f = l.arg(o + 1);
    let hooks = hook_table(l, true)?.expect("hook table");
    if f.is_nil() || l.nargs() <= o {
        l.raw_set(hooks, key, Value::Nil)?;
        install_dispatcher(l)?;
        return Ok(0);
    }
    let mask = l.check_str(o + 2)?.as_bytes().to_vec();
    let count = l.opt_integer(o + 3, 0)?;
    l.check_type(o + 1, Type::Function)?;
    let entry = l.new_table()?;
    l.raw_set(entry, Value::Num(1.0), f)?;
    let m = l.str_value(&mask)?;
    l.raw_set(entry, Value::Num(2.0), m)?;
    l.raw_set(entry, Value::Num(3.0), Value::Num(count as f64))?;
    l.raw_set(hooks, key, Value::Table(entry))?;
    install_dispatcher(l)?;
    Ok(0)
}

fn gethook(l: &mut Lua) -> LuaResult<usize> {
    let (th, _) = thread_arg(l);
    let key = Value::Thread(th.unwrap_or_else(|| l.current_thread()));
    let entry = match hook_table(l, false)? {
        Some(h) => h.get(&key),
        None => Value::Nil,
    };
    match entry {
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
        let r = l
            .load(line.as_bytes(), b"=(debug command)")
            .and_then(|f| l.pcall(f, &[]));
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
