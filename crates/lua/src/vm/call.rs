//! Calls and returns: entering Lua and native functions, the `__call` metamethod,
//! varargs, protected calls and coroutine resume/yield.

use super::{
    Frame, FrameKind, Lua, MAX_CALLS, MAX_CCALLS, MIN_STACK, MULTRET, OVERFLOW_EXTRA_CALLS,
};
use crate::error::{LuaError, LuaResult};
use crate::func::{NativeKind, VARARG_ISVARARG, VARARG_NEEDSARG};
use crate::gc::Gc;
use crate::thread::{CoStatus, Thread};
use crate::value::Value;

/// What `precall` did.
pub(crate) enum PreCall {
    /// A Lua frame was pushed; the dispatch loop must run it.
    Lua,
    /// A native ran to completion; its results are in place.
    Native,
}

/// A point to unwind to after a caught error.
#[derive(Clone, Copy)]
pub struct SavePoint {
    frames: usize,
    n_ccalls: u32,
    top: usize,
    /// Whether a hook was running (a pcall inside a hook must not re-enable hooks).
    in_hook: bool,
}

impl Lua {
    /// Starts a call of the function at `stack[func]` with arguments up to `top`.
    pub(crate) fn precall(&mut self, func: usize, nresults: i32) -> LuaResult<PreCall> {
        loop {
            match self.stack[func] {
                Value::LuaFn(cl) => {
                    if self.frames.len() >= MAX_CALLS {
                        self.check_call_limit()?;
                    }
                    let p = &*cl.proto;
                    let np = p.num_params as usize;
                    let mut nargs = self.top - func - 1;
                    let base;
                    let first_free;
                    if p.is_vararg & VARARG_ISVARARG != 0 {
                        self.ensure_stack(self.top + np + 1 + p.max_stack as usize)?;
                        while nargs < np {
                            self.stack[self.top] = Value::Nil;
                            self.top += 1;
                            nargs += 1;
                        }
                        let fixed = func + 1;
                        base = self.top;
                        let argt = if p.is_vararg & VARARG_NEEDSARG != 0 {
                            Some(self.make_arg_table(fixed + np, fixed + nargs)?)
                        } else {
                            None
                        };
                        for i in 0..np {
                            self.stack[base + i] = self.stack[fixed + i];
                            self.stack[fixed + i] = Value::Nil;
                        }
                        first_free = base + np + argt.is_some() as usize;
                        if let Some(t) = argt {
                            self.stack[base + np] = Value::Table(t);
                        }
                    } else {
                        base = func + 1;
                        self.ensure_stack(base + p.max_stack as usize)?;
                        first_free = base + np.min(nargs);
                    }
                    let top = base + p.max_stack as usize;
                    // Registers start out nil (the compiler relies on it).
                    for slot in &mut self.stack[first_free..top] {
                        *slot = Value::Nil;
                    }
                    self.frames.push(Frame {
                        func,
                        base,
                        top,
                        pc: 0,
                        nresults,
                        tailcalls: 0,
                        kind: FrameKind::Lua(cl),
                        entry: false,
                    });
                    if self.hook.calls {
                        self.call_hook(super::HookEvent::Call)?;
                    }
                    return Ok(PreCall::Lua);
                }
                Value::Native(nc) => {
                    if self.frames.len() >= MAX_CALLS {
                        self.check_call_limit()?;
                    }
                    self.ensure_stack(self.top + MIN_STACK)?;
                    self.frames.push(Frame {
                        func,
                        base: func + 1,
                        top: self.top + MIN_STACK,
                        pc: 0,
                        nresults,
                        tailcalls: 0,
                        kind: FrameKind::Native,
                        entry: false,
                    });
                    if self.hook.calls {
                        self.call_hook(super::HookEvent::Call)?;
                    }
                    let r = match &nc.kind {
                        NativeKind::Fn(f) => f(self),
                        NativeKind::Boxed(f) => {
                            let f = f.clone();
                            f(self)
                        }
                    };
                    match r {
                        Ok(n) => {
                            if self.hook.returns {
                                self.call_hook(super::HookEvent::Return)?;
                            }
                            self.poscall(self.top - n, n);
                            return Ok(PreCall::Native);
                        }
                        Err(LuaError::Yield) => {
                            self.frames.pop();
                            return Err(LuaError::Yield);
                        }
                        Err(e) => return Err(e),
                    }
                }
                other => {
                    // `__call`: the metamethod becomes the function, the object its first
                    // argument.
                    let tm = self.get_tm_of(&other, super::meta::TM_CALL);
                    if !matches!(tm, Value::LuaFn(_) | Value::Native(_)) {
                        return Err(self.call_error(func));
                    }
                    self.ensure_stack(self.top + 1)?;
                    let mut i = self.top;
                    while i > func {
                        self.stack[i] = self.stack[i - 1];
                        i -= 1;
                    }
                    self.top += 1;
                    self.stack[func] = tm;
                }
            }
        }
    }

    /// The common case of `precall`, inlined where calls are frequent: when
    /// `stack[func]` is a fixed-arity Lua function whose registers fit in the stack as
    /// it is, no call hook is set and the frame limit is far, pushes its frame (marked
    /// `entry` as asked) and returns true. Otherwise does nothing and returns false, and
    /// the caller goes through `precall`.
    #[inline(always)]
    pub(crate) fn enter_lua_fast(&mut self, func: usize, nresults: i32, entry: bool) -> bool {
        let Value::LuaFn(cl) = self.stack[func] else {
            return false;
        };
        let p = &*cl.proto;
        let base = func + 1;
        let top = base + p.max_stack as usize;
        if p.is_vararg & VARARG_ISVARARG != 0
            || top > self.stack.len()
            || self.frames.len() >= MAX_CALLS
            || self.hook.calls
        {
            return false;
        }
        let nargs = self.top - base;
        let first_free = base + (p.num_params as usize).min(nargs);
        // Registers start out nil (the compiler relies on it).
        self.stack[first_free..top].fill(Value::Nil);
        self.frames.push(Frame {
            func,
            base,
            top,
            pc: 0,
            nresults,
            tailcalls: 0,
            kind: FrameKind::Lua(cl),
            entry,
        });
        true
    }

    /// Runs when a call would pass `MAX_CALLS` frames. The first time this raises
    /// `stack overflow`; while that error is being handled (until the frames are unwound
    /// below the limit) handlers get `OVERFLOW_EXTRA_CALLS` more frames, past which the
    /// error becomes `error in error handling`, as 5.1 does with its call-info array.
    #[cold]
    fn check_call_limit(&mut self) -> LuaResult<()> {
        if !self.in_overflow {
            self.in_overflow = true;
            return Err(self.rt_error("stack overflow"));
        }
        if self.frames.len() >= MAX_CALLS + OVERFLOW_EXTRA_CALLS {
            return Err(LuaError::Runtime(Value::Str(
                self.new_str(b"error in error handling")?,
            )));
        }
        Ok(())
    }

    /// 5.1's compat `arg` table for vararg functions that do not use `...`.
    fn make_arg_table(&mut self, from: usize, to: usize) -> LuaResult<crate::table::TableRef> {
        let n = to - from;
        let t = self.new_table_sized(n, 1)?;
        for i in 0..n {
            let v = self.stack[from + i];
            t.get_mut()
                .set_int(&mut self.heap.mem, i as i64 + 1, v)
                .map_err(|_| LuaError::Memory)?;
        }
        let key = self.new_str(b"n")?;
        t.get_mut()
            .set_str(&mut self.heap.mem, key, Value::Num(n as f64))
            .map_err(|_| LuaError::Memory)?;
        Ok(t)
    }

    /// Finishes a call: moves `n` results from `first` to the called function's slot,
    /// adjusted to what the caller wants, and pops the frame.
    #[inline]
    pub(crate) fn poscall(&mut self, first: usize, n: usize) {
        let f = self.frames.pop().expect("frame");
        let res = f.func;
        let wanted = f.nresults;
        if wanted == MULTRET {
            for i in 0..n {
                self.stack[res + i] = self.stack[first + i];
            }
            self.top = res + n;
        } else {
            let wanted = wanted as usize;
            let m = n.min(wanted);
            for i in 0..m {
                self.stack[res + i] = self.stack[first + i];
            }
            for i in m..wanted {
                self.stack[res + i] = Value::Nil;
            }
            self.top = res + wanted;
        }
    }

    /// Calls `stack[func]` with the arguments above it (up to `top`), from Rust: the
    /// results (`nresults` of them, or all with `MULTRET`) end at `top`, starting at
    /// `func`. Nested inside natives/metamethods, so it counts against `MAX_CCALLS`.
    pub fn call_at(&mut self, func: usize, nresults: i32) -> LuaResult<()> {
        self.n_ccalls += 1;
        if self.n_ccalls >= MAX_CCALLS {
            if self.n_ccalls == MAX_CCALLS {
                return Err(self.rt_error("C stack overflow"));
            } else if self.n_ccalls >= MAX_CCALLS + (MAX_CCALLS >> 3) {
                // Error while handling a stack overflow.
                return Err(LuaError::Runtime(Value::Str(
                    self.new_str(b"error in error handling")?,
                )));
            }
        }
        if self.enter_lua_fast(func, nresults, true) {
            self.execute()?;
        } else if let PreCall::Lua = self.precall(func, nresults)? {
            self.frames.last_mut().unwrap().entry = true;
            self.execute()?;
        }
        self.n_ccalls -= 1;
        Ok(())
    }

    /// Calls `f(a, b)` wanting one result: the path natives take to call a function
    /// many times (sort comparators), without building an argument slice.
    #[inline]
    pub fn call1_2(&mut self, f: Value, a: Value, b: Value) -> LuaResult<Value> {
        let func = self.top;
        self.ensure_stack(func + 3)?;
        self.stack[func] = f;
        self.stack[func + 1] = a;
        self.stack[func + 2] = b;
        self.top = func + 3;
        self.call_at(func, 1)?;
        let r = self.stack[func];
        self.top = func;
        Ok(r)
    }

    /// Calls `f(args...)` and returns all results.
    pub fn call(&mut self, f: Value, args: &[Value]) -> LuaResult<Vec<Value>> {
        let func = self.top;
        self.push(f)?;
        for a in args {
            self.push(*a)?;
        }
        self.call_at(func, MULTRET)?;
        let res = self.stack[func..self.top].to_vec();
        self.top = func;
        Ok(res)
    }

    /// Calls `f(args...)` wanting one result.
    pub fn call1(&mut self, f: Value, args: &[Value]) -> LuaResult<Value> {
        let func = self.top;
        self.push(f)?;
        for a in args {
            self.push(*a)?;
        }
        self.call_at(func, 1)?;
        let r = self.stack[func];
        self.top = func;
        Ok(r)
    }

    pub fn save_point(&self) -> SavePoint {
        SavePoint {
            frames: self.frames.len(),
            n_ccalls: self.n_ccalls,
            top: self.top,
            in_hook: self.hook.in_hook,
        }
    }

    /// Unwinds to a save point after an error (invariant 5); `level` is the lowest stack
    /// slot whose upvalues must be closed.
    pub fn restore(&mut self, sp: SavePoint, level: usize) {
        self.close_upvals(level);
        self.frames.truncate(sp.frames);
        if self.frames.len() < MAX_CALLS {
            self.in_overflow = false;
        }
        self.n_ccalls = sp.n_ccalls;
        self.top = sp.top.min(level).max(level);
        self.hook.in_hook = sp.in_hook;
    }

    /// Protected call of `stack[func]` with arguments up to `top`. On success results are
    /// at `func..top`; on a catchable error everything above `func` is discarded and the
    /// error is returned (uncatchable errors too, but those must be passed on).
    pub fn pcall_at(&mut self, func: usize, nresults: i32) -> Result<(), LuaError> {
        let sp = self.save_point();
        match self.call_at(func, nresults) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.restore(sp, func);
                self.top = func;
                Err(e)
            }
        }
    }

    // ---- coroutines ----------------------------------------------------------------------

    /// Resumes `co` with `args`. `Ok` holds the yielded or returned values; `Err` the
    /// error (a message for misuse such as resuming a dead coroutine).
    pub fn resume(&mut self, co: Gc<Thread>, args: &[Value]) -> Result<Vec<Value>, LuaError> {
        match co.status {
            CoStatus::Suspended => {}
            CoStatus::Dead => return Err(self.plain_error("cannot resume dead coroutine")),
            _ => return Err(self.plain_error("cannot resume non-suspended coroutine")),
        }
        if self.n_ccalls >= MAX_CCALLS {
            return Err(self.plain_error("C stack overflow"));
        }
        let prev = self.cur_thread;
        let saved_base = self.base_ccalls;
        let saved_ccalls = self.n_ccalls;
        let saved_in_hook = self.hook.in_hook;
        prev.get_mut().status = CoStatus::Normal;
        self.swap_in(co);
        co.get_mut().status = CoStatus::Running;
        self.n_ccalls += 1;
        self.base_ccalls = self.n_ccalls;
        let r = self.resume_inner(co, args);
        let out = match r {
            Ok(()) => {
                co.get_mut().status = CoStatus::Dead;
                let vals = self.stack[1..self.top].to_vec();
                self.top = 1;
                Ok(vals)
            }
            Err(LuaError::Yield) => {
                co.get_mut().status = CoStatus::Suspended;
                let n = self.yield_count;
                let vals = self.stack[self.top - n..self.top].to_vec();
                self.top -= n;
                Ok(vals)
            }
            Err(e) => {
                co.get_mut().status = CoStatus::Dead;
                // The frames stay, as in 5.1, so `debug.traceback(co)` shows where the
                // error happened; the coroutine can never run again.
                self.close_upvals(0);
                self.in_overflow = false;
                Err(e)
            }
        };
        self.swap_in(prev);
        prev.get_mut().status = CoStatus::Running;
        self.base_ccalls = saved_base;
        self.n_ccalls = saved_ccalls;
        self.hook.in_hook = saved_in_hook;
        out
    }

    fn resume_inner(&mut self, co: Gc<Thread>, args: &[Value]) -> LuaResult<()> {
        if !co.started {
            co.get_mut().started = true;
            self.top = 2;
            for a in args {
                self.push(*a)?;
            }
            if let PreCall::Lua = self.precall(1, MULTRET)? {
                self.frames.last_mut().unwrap().entry = true;
                self.execute()?;
            }
            Ok(())
        } else {
            match co.get_mut().yield_dest.take() {
                Some((dest, wanted)) => {
                    // The pending yield call returns the resume arguments (a return
                    // event for hooks, as 5.1 reports when `yield` returns).
                    if self.hook.returns {
                        self.call_hook(super::HookEvent::Return)?;
                    }
                    self.ensure_stack(dest + args.len() + MIN_STACK)?;
                    let n = args.len();
                    if wanted == MULTRET {
                        for (i, a) in args.iter().enumerate() {
                            self.stack[dest + i] = *a;
                        }
                        self.top = dest + n;
                    } else {
                        for i in 0..wanted as usize {
                            self.stack[dest + i] = args.get(i).copied().unwrap_or(Value::Nil);
                        }
                        self.top = dest + wanted as usize;
                    }
                    self.execute()
                }
                None => {
                    // A native body yielded: its "return" is the resume arguments.
                    self.top = 1;
                    for a in args {
                        self.push(*a)?;
                    }
                    Ok(())
                }
            }
        }
    }

    /// Called by `coroutine.yield` with its `n` values at the top of the stack.
    pub fn yield_values(&mut self, n: usize) -> LuaError {
        if self.cur_thread == self.main_thread || self.n_ccalls > self.base_ccalls {
            return self.plain_error("attempt to yield across metamethod/C-call boundary");
        }
        self.yield_count = n;
        LuaError::Yield
    }

    /// An error string without position.
    pub(crate) fn plain_error(&mut self, msg: &str) -> LuaError {
        match self.new_str(msg.as_bytes()) {
            Ok(s) => LuaError::Runtime(Value::Str(s)),
            Err(e) => e,
        }
    }
}
