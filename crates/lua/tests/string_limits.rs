//! The string library under the embedder's limits: `string.rep` and friends against the heap
//! limit (a clean `not enough memory`, the state usable afterwards), and pattern matching
//! against the instruction budget (hooks and the interrupt flag stop a runaway match).
//! Expected messages are lua5.1's (`not enough memory`) or this project's own (`interrupted!`).

use lua51::{Lua, LuaError, Value};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The embedder's hook type (`Lua::set_hook`).
type Hook = Rc<dyn Fn(&mut Lua, lua51::vm::HookEvent) -> lua51::LuaResult<()>>;

fn new_state() -> Lua {
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    l
}

/// Runs `src` and renders its results (or its error) as text.
fn run(l: &mut Lua, src: &str) -> Result<Vec<String>, String> {
    match l.exec(src.as_bytes(), b"=test") {
        Ok(vals) => Ok(vals.iter().map(render).collect()),
        Err(e) => Err(render(&l.error_value(&e))),
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_str_lossy().into_owned(),
        Value::Num(n) => {
            let mut b = Vec::new();
            lua51::number::fmt_number(*n, &mut b);
            String::from_utf8(b).unwrap()
        }
        Value::Nil => "nil".into(),
        Value::Bool(b) => b.to_string(),
        other => other.type_name().into(),
    }
}

#[test]
fn rep_past_the_heap_limit_fails_cleanly() {
    let mut l = new_state();
    let used = l.memory_used();
    l.set_memory_limit(used + (1 << 20));
    let r = run(&mut l, "return pcall(string.rep, 'x', 1e9)").unwrap();
    assert_eq!(r, ["false", "not enough memory"]);
    // Just under the limit works, and the state is still usable.
    let r = run(&mut l, "return #string.rep('ab', 100000)").unwrap();
    assert_eq!(r, ["200000"]);
    let r = run(&mut l, "return pcall(string.rep, 'abc', 2^40)").unwrap();
    assert_eq!(r, ["false", "not enough memory"]);
}

#[test]
fn rep_with_overflowing_size_fails_cleanly_without_a_limit() {
    let mut l = new_state();
    // len * n overflows usize.
    let r = run(&mut l, "return pcall(string.rep, 'abc', 2^62)").unwrap();
    assert_eq!(r, ["false", "not enough memory"]);
    // Too big for any allocator (the reservation fails instead of aborting).
    let r = run(&mut l, "return pcall(string.rep, 'x', 2^62)").unwrap();
    assert_eq!(r, ["false", "not enough memory"]);
    let r = run(&mut l, "return string.rep('x', 3)").unwrap();
    assert_eq!(r, ["xxx"]);
}

#[test]
fn memory_error_is_not_raised_without_cause() {
    let mut l = new_state();
    let r = run(
        &mut l,
        "return #string.rep('0123456789', 100000), string.rep('', 2^50)",
    )
    .unwrap();
    assert_eq!(r, ["1000000", ""]);
}

/// A pattern that backtracks exponentially: `a*a*...a*b` against a run of `a`s.
const RUNAWAY: &str = "string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')";

#[test]
fn count_hook_stops_a_runaway_match() {
    let mut l = new_state();
    let calls = Rc::new(std::cell::Cell::new(0u32));
    let c = calls.clone();
    let hook: Hook = Rc::new(move |l: &mut Lua, _ev| {
        c.set(c.get() + 1);
        if c.get() >= 50 {
            let s = l.new_str(b"budget exhausted")?;
            return Err(LuaError::Uncatchable(Value::Str(s)));
        }
        Ok(())
    });
    l.set_hook(Some(hook), 10_000, false, false, false);
    let r = run(
        &mut l,
        &format!("return pcall(function() return {RUNAWAY} end)"),
    );
    assert_eq!(r, Err("budget exhausted".to_string()));
    assert!(calls.get() >= 50);
    // The state still works once the hook is removed.
    l.set_hook(None, 0, false, false, false);
    let r = run(&mut l, "return string.find('xab', 'a*b')").unwrap();
    assert_eq!(r, ["2", "3"]);
}

#[test]
fn catchable_hook_error_surfaces_through_pcall() {
    let mut l = new_state();
    let hook: Hook = Rc::new(|l: &mut Lua, _ev| {
        let s = l.new_str(b"stop")?;
        Err(LuaError::Runtime(Value::Str(s)))
    });
    l.set_hook(Some(hook), 1_000_000, false, false, false);
    let r = run(
        &mut l,
        &format!("return pcall(function() return {RUNAWAY} end)"),
    )
    .unwrap();
    assert_eq!(r, ["false", "stop"]);
}

#[test]
fn interrupt_flag_stops_gsub_and_gmatch() {
    let mut l = new_state();
    let flag = Arc::new(AtomicBool::new(false));
    l.set_interrupt_flag(Some(flag.clone()));
    for src in [
        "return string.gsub(string.rep('a', 40), string.rep('a*', 40) .. 'b', 'x')",
        "for m in string.gmatch(string.rep('a', 40), string.rep('a*', 40) .. 'b') do end",
        "return string.match(string.rep('a', 40), string.rep('a*', 40) .. 'b')",
    ] {
        flag.store(true, Ordering::SeqCst);
        let r = run(&mut l, src);
        let err = r.expect_err("the match should be interrupted");
        assert!(err.ends_with("interrupted!"), "{err}");
    }
}

#[test]
fn long_rep_charges_the_budget() {
    let mut l = new_state();
    let flag = Arc::new(AtomicBool::new(false));
    l.set_interrupt_flag(Some(flag.clone()));
    flag.store(true, Ordering::SeqCst);
    // 64 MB of output is 65536 budget units: the pending interrupt fires inside `rep`.
    let r = run(&mut l, "local s = string.rep('x', 2^26) return 1");
    assert!(r.unwrap_err().ends_with("interrupted!"));
}

#[test]
fn gsub_result_past_the_heap_limit_fails_cleanly() {
    let mut l = new_state();
    let used = l.memory_used();
    l.set_memory_limit(used + (4 << 20));
    let r = run(
        &mut l,
        "local big = string.rep('y', 10000) return pcall(string.gsub, string.rep('x', 100000), 'x', big)",
    )
    .unwrap();
    assert_eq!(r, ["false", "not enough memory"]);
    let r = run(
        &mut l,
        "local big = string.rep('y', 10000) return pcall(string.gsub, string.rep('x', 100000), 'x', function() return big end)",
    )
    .unwrap();
    assert_eq!(r, ["false", "not enough memory"]);
    let r = run(
        &mut l,
        "return (string.gsub(string.rep('x', 1000), 'x', 'yy'))",
    )
    .unwrap();
    assert_eq!(r[0].len(), 2000);
}
