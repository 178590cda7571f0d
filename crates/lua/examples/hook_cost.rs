//! Cost of the busy-script hook: runs one CPU-bound Lua program with the instruction-count
//! hook armed the way the server arms it for every script run (a period of 100000
//! instructions and a closure that checks whether the run has passed its busy threshold),
//! or without any hook.
//!
//! `hook_cost on` / `hook_cost off` run the program once each way (for instruction counts
//! under callgrind, see `benches/hook_cost.sh`); `hook_cost` alone times both ways, best of
//! five, and prints the ratio.

use lua51::vm::HookEvent;
use lua51::{Lua, LuaResult};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The server's hook period (`HOOK_PERIOD` in the server's scripting module; Redis's too).
const HOOK_PERIOD: i64 = 100_000;
/// Busy threshold of the simulated run (Redis's default `busy-reply-threshold`).
const BUSY_THRESHOLD_MS: u64 = 5_000;
/// Timed runs per mode when measuring wall time.
const RUNS: usize = 5;

/// A CPU-bound script: arithmetic, Lua calls, table and string work.
const PROGRAM: &str = r#"
local function f(x) return x * 2 + 1 end
local t = {}
local s = 0
for i = 1, 2000000 do
  s = s + f(i) % 7
  t[i % 100 + 1] = s
end
for i = 1, 20000 do s = s + #tostring(i) end
return s
"#;

/// What the server's hook reads on each call (its run state).
struct RunState {
    running: bool,
    busy_threshold_ms: u64,
    start: Instant,
    timed_out: bool,
}

fn arm_hook(l: &mut Lua) {
    let st = Rc::new(RefCell::new(RunState {
        running: true,
        busy_threshold_ms: BUSY_THRESHOLD_MS,
        start: Instant::now(),
        timed_out: false,
    }));
    let hook = move |_l: &mut Lua, _ev: HookEvent| -> LuaResult<()> {
        let Ok(mut st) = st.try_borrow_mut() else {
            return Ok(());
        };
        if !st.running || st.busy_threshold_ms == 0 {
            return Ok(());
        }
        if st.start.elapsed().as_millis() as u64 >= st.busy_threshold_ms {
            st.timed_out = true;
        }
        Ok(())
    };
    l.set_hook(Some(Rc::new(hook)), HOOK_PERIOD, false, false, false);
}

fn run(hooked: bool) -> Duration {
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).expect("libraries");
    if hooked {
        arm_hook(&mut l);
    }
    let t0 = Instant::now();
    let r = l
        .exec(PROGRAM.as_bytes(), b"=hook_cost")
        .expect("program runs");
    let dt = t0.elapsed();
    assert!(matches!(r.first(), Some(lua51::Value::Num(_))));
    dt
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("on") => {
            run(true);
        }
        Some("off") => {
            run(false);
        }
        _ => {
            let best = |hooked| (0..RUNS).map(|_| run(hooked)).min().unwrap();
            let off = best(false);
            let on = best(true);
            println!(
                "hook off {:.3} s, hook on {:.3} s, ratio on/off {:.3}",
                off.as_secs_f64(),
                on.as_secs_f64(),
                on.as_secs_f64() / off.as_secs_f64()
            );
        }
    }
}
