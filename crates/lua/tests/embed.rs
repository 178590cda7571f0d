//! The embedding API: hooks that stop scripts, heap limits, read-only tables, natives that
//! capture Rust state, and deep recursion ending in Lua errors rather than crashes.

use lua51::{Lua, LuaError, Value};
use std::cell::Cell;
use std::rc::Rc;

fn state() -> Lua {
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    l
}

fn err_text(l: &Lua, e: &LuaError) -> String {
    match l.error_value(e) {
        Value::Str(s) => s.to_str_lossy().into_owned(),
        other => format!("<{}>", other.type_name()),
    }
}

#[test]
fn count_hook_stops_an_infinite_loop_and_pcall_cannot_catch_it() {
    let mut l = state();
    let calls = Rc::new(Cell::new(0u32));
    let c = calls.clone();
    l.set_hook(
        Some(Rc::new(move |l: &mut Lua, _ev| {
            c.set(c.get() + 1);
            if c.get() >= 5 {
                let v = l.str_value(b"script killed")?;
                return Err(LuaError::Uncatchable(v));
            }
            Ok(())
        })),
        1000,
        false,
        false,
        false,
    );
    let r = l.exec(b"while true do pcall(function() end) end", b"=loop");
    let e = r.unwrap_err();
    assert!(matches!(e, LuaError::Uncatchable(_)));
    assert_eq!(err_text(&l, &e), "script killed");
    assert_eq!(calls.get(), 5);
    // The state is usable afterwards.
    l.set_hook(None, 0, false, false, false);
    let v = l.exec(b"return 1 + 1", b"=after").unwrap();
    assert!(matches!(v[0], Value::Num(n) if n == 2.0));
}

#[test]
fn heap_limit_raises_not_enough_memory_and_state_survives() {
    let mut l = state();
    l.set_memory_limit(l.memory_used() + 4 * 1024 * 1024);
    let r = l.exec(b"local t = {} for i = 1, 1e7 do t[i] = {i} end", b"=grow");
    let e = r.unwrap_err();
    assert_eq!(err_text(&l, &e), "not enough memory");
    let r = l
        .exec(b"return pcall(string.rep, 'x', 1e9)", b"=rep")
        .unwrap();
    assert!(matches!(r[0], Value::Bool(false)));
    let v = l.exec(b"collectgarbage() return 'ok'", b"=after").unwrap();
    assert!(matches!(v[0], Value::Str(s) if s.as_bytes() == b"ok"));
}

#[test]
fn readonly_table_rejects_writes() {
    let mut l = state();
    let t = l.new_table().unwrap();
    l.set_global("cfg", Value::Table(t)).unwrap();
    l.set_readonly(t, true);
    let e = l.exec(b"cfg.x = 1", b"=ro").unwrap_err();
    assert_eq!(err_text(&l, &e), "ro:1: Attempt to modify a readonly table");
    let e = l.exec(b"rawset(cfg, 'x', 1)", b"=ro").unwrap_err();
    assert!(err_text(&l, &e).contains("Attempt to modify a readonly table"));
}

#[test]
fn native_closure_captures_rust_state() {
    let mut l = state();
    let total = Rc::new(Cell::new(0.0));
    let t = total.clone();
    let f = l
        .new_closure("add", move |l: &mut Lua| {
            let n = l.check_number(1)?;
            t.set(t.get() + n);
            l.push(Value::Num(t.get()))?;
            Ok(1)
        })
        .unwrap();
    l.set_global("add", f).unwrap();
    let v = l.exec(b"add(2) return add(40)", b"=c").unwrap();
    assert!(matches!(v[0], Value::Num(n) if n == 42.0));
    assert_eq!(total.get(), 42.0);
    let e = l.exec(b"add({})", b"=c").unwrap_err();
    assert_eq!(
        err_text(&l, &e),
        "c:1: bad argument #1 to 'add' (number expected, got table)"
    );
}

#[test]
fn deep_recursion_is_a_lua_error() {
    let mut l = state();
    let e = l
        .exec(
            b"local function f() return 1 + f() end return f()",
            b"=deep",
        )
        .unwrap_err();
    assert!(
        err_text(&l, &e).contains("stack overflow"),
        "{}",
        err_text(&l, &e)
    );
    // Through metamethods the nesting is capped like 5.1's C stack.
    let src = b"local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x";
    let e = l.exec(src, b"=meta").unwrap_err();
    assert!(
        err_text(&l, &e).contains("C stack overflow"),
        "{}",
        err_text(&l, &e)
    );
}

#[test]
fn garbage_in_a_loop_stays_bounded() {
    let mut l = state();
    l.exec(b"for i = 1, 2e6 do local t = {i, tostring(i)} end", b"=gc")
        .unwrap();
    let used = l.memory_used();
    assert!(used < 8 * 1024 * 1024, "heap grew to {used} bytes");
}
