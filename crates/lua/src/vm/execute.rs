//! The dispatch loop: one `match` over the instruction set, fast paths inline and
//! everything else (metamethods, coercions, errors) in cold helpers of `meta.rs`.
//! Read the VM invariants in `vm/mod.rs` first.

use super::call::PreCall;
use super::meta::{arith_num, to_number, Arith};
use super::{FrameKind, HookEvent, Lua, MULTRET};
use crate::error::{LuaError, LuaResult};
use crate::func::LuaClosure;
use crate::gc::GcObj;
use crate::opcode::{fb2int, is_k, Op, BITRK, FIELDS_PER_FLUSH};
use crate::value::Value;
use std::cell::Cell;

impl Lua {
    /// Runs the Lua frame on top of the frame stack (and every Lua frame it calls) until
    /// a frame marked `entry` returns.
    pub(crate) fn execute(&mut self) -> LuaResult<()> {
        'newframe: loop {
            let fi = self.frames.len() - 1;
            let frame = self.frames[fi];
            let FrameKind::Lua(cl) = frame.kind else {
                unreachable!("execute on a native frame")
            };
            let base = frame.base;
            let mut pc = frame.pc;
            let p = &*cl.proto;
            let code = &p.code[..];
            let k = &p.constants[..];
            debug_assert!(self.stack.len() >= base + p.max_stack as usize);
            // Registers are reached through a raw pointer to R(0), re-read after anything
            // that may move the stack (`refresh!`).
            let mut base_ptr: *mut Value = self.stack[base..].as_mut_ptr();
            // The instruction budget lives in a local while this frame runs; it is written
            // back whenever control can leave the loop (`savepc!`) and re-read after
            // (`refresh!`), since natives and hooks charge or reset it.
            let mut budget: i64 = self.hook.budget.get();

            macro_rules! refresh {
                () => {{
                    base_ptr = self.stack[base..].as_mut_ptr();
                    budget = self.hook.budget.get();
                }};
            }
            macro_rules! r {
                ($x:expr) => {
                    // SAFETY: VM invariants (vm/mod.rs): `precall` made the stack at
                    // least `base + max_stack` long, the compiler keeps register operands
                    // below `max_stack`, and `base_ptr` is refreshed whenever the stack
                    // may have moved.
                    *unsafe { &mut *base_ptr.add($x) }
                };
            }
            macro_rules! rk {
                ($x:expr) => {{
                    let x = $x;
                    if is_k(x) {
                        // SAFETY: RK constant operands index the function's own constant
                        // table (compiler invariant; binary chunks are checked on load).
                        unsafe { *k.get_unchecked(x - BITRK as usize) }
                    } else {
                        r!(x)
                    }
                }};
            }
            macro_rules! reg_of {
                ($x:expr) => {{
                    let x = $x;
                    if is_k(x) {
                        None
                    } else {
                        Some(base + x)
                    }
                }};
            }
            macro_rules! savepc {
                () => {{
                    self.frames[fi].pc = pc;
                    self.hook.budget.set(budget);
                }};
            }
            // Runs a slow path that may raise, call out or move the stack.
            macro_rules! protect {
                ($e:expr) => {{
                    savepc!();
                    let v = $e;
                    refresh!();
                    v
                }};
            }
            macro_rules! gc_check {
                () => {
                    if self.heap.should_collect() {
                        protect!(self.collect_garbage());
                    }
                };
            }
            // Pointer to an RK operand (register or constant), without copying it.
            macro_rules! rk_ptr {
                ($x:expr) => {{
                    let x = $x;
                    if is_k(x) {
                        // SAFETY: as in `rk!`.
                        unsafe { k.as_ptr().add(x - BITRK as usize) }
                    } else {
                        // SAFETY: as in `r!`.
                        unsafe { base_ptr.add(x) as *const Value }
                    }
                }};
            }
            macro_rules! arith {
                ($i:expr, $op:expr) => {{
                    let i = $i;
                    let pb = rk_ptr!(i.b());
                    let pc_ = rk_ptr!(i.c());
                    // SAFETY: both pointers are valid operands (see `rk_ptr!`), read before
                    // anything can move the stack.
                    if let (Value::Num(x), Value::Num(y)) = unsafe { (&*pb, &*pc_) } {
                        r!(i.a()) = Value::Num(arith_num($op, *x, *y));
                    } else {
                        // SAFETY: same operands as above, nothing has run in between.
                        let (b, c) = unsafe { (*pb, *pc_) };
                        let v =
                            protect!(self.arith_slow($op, b, reg_of!(i.b()), c, reg_of!(i.c())))?;
                        r!(i.a()) = v;
                    }
                }};
            }

            loop {
                // SAFETY: every function ends in RETURN and jumps stay inside the code
                // (compiler invariant; binary chunks are checked on load).
                let i = unsafe { *code.get_unchecked(pc) };
                pc += 1;
                budget -= 1;
                if budget <= 0 {
                    protect!(self.hook_slow())?;
                }
                let a = i.a();
                match i.op() {
                    Op::Move => {
                        r!(a) = r!(i.b());
                    }
                    Op::LoadK => {
                        r!(a) = k[i.bx()];
                    }
                    Op::LoadBool => {
                        r!(a) = Value::Bool(i.b() != 0);
                        if i.c() != 0 {
                            pc += 1;
                        }
                    }
                    Op::LoadNil => {
                        for x in a..=i.b() {
                            r!(x) = Value::Nil;
                        }
                    }
                    Op::GetUpval => {
                        r!(a) = cl.upvals[i.b()].get();
                    }
                    Op::GetGlobal => {
                        let key = k[i.bx()];
                        let env = cl.env.get();
                        let v = match key {
                            Value::Str(s) => env.get_str(s),
                            _ => env.get(&key),
                        };
                        if v.is_nil() && env.metatable.is_some() {
                            let v = protect!(self.index(Value::Table(env), key, None))?;
                            r!(a) = v;
                        } else {
                            r!(a) = v;
                        }
                    }
                    Op::GetTable => {
                        // The operands are inspected in place (tag, then payload) rather
                        // than copied whole: a register written a moment ago (a loop
                        // index) is then read back with loads the CPU can forward from
                        // the stores that wrote it.
                        let pt = rk_ptr!(i.b());
                        let pk = rk_ptr!(i.c());
                        // SAFETY: valid operands (see `rk_ptr!`), read before anything
                        // can move the stack.
                        if let Value::Table(h) = unsafe { &*pt } {
                            let h = *h;
                            let v = match unsafe { &*pk } {
                                Value::Str(s) => h.get_str(*s),
                                Value::Num(n) => h.get_num(*n),
                                key => h.get(key),
                            };
                            if !v.is_nil() || h.metatable.is_none() {
                                r!(a) = v;
                                continue;
                            }
                        }
                        let t = r!(i.b());
                        let key = rk!(i.c());
                        let v = protect!(self.index(t, key, Some(base + i.b())))?;
                        r!(a) = v;
                    }
                    Op::SetGlobal => {
                        let env = cl.env.get();
                        let key = k[i.bx()];
                        let v = r!(a);
                        savepc!();
                        if env.metatable.is_none() && !env.readonly {
                            if let Value::Str(s) = key {
                                if env.get_mut().set_str(&mut self.heap.mem, s, v).is_err() {
                                    return Err(LuaError::Memory);
                                }
                                continue;
                            }
                        }
                        protect!(self.set_index(Value::Table(env), key, v, None))?;
                    }
                    Op::SetUpval => {
                        cl.upvals[i.b()].set(r!(a));
                    }
                    Op::SetTable => {
                        let t = r!(a);
                        let key = rk!(i.b());
                        let v = rk!(i.c());
                        if let Value::Table(h) = t {
                            if h.metatable.is_none() && !h.readonly {
                                let res = match key {
                                    Value::Str(s) => h.get_mut().set_str(&mut self.heap.mem, s, v),
                                    _ => h.get_mut().set(&mut self.heap.mem, key, v),
                                };
                                match res {
                                    Ok(()) => continue,
                                    Err(crate::table::TableError::Memory) => {
                                        return Err(LuaError::Memory)
                                    }
                                    Err(e) => {
                                        savepc!();
                                        return Err(self.rt_error(e.message()));
                                    }
                                }
                            }
                        }
                        protect!(self.set_index(t, key, v, Some(base + a)))?;
                    }
                    Op::NewTable => {
                        let t = self.new_table_sized(fb2int(i.b() as u32), fb2int(i.c() as u32))?;
                        r!(a) = Value::Table(t);
                        gc_check!();
                    }
                    Op::SelfOp => {
                        let obj = r!(i.b());
                        let key = rk!(i.c());
                        r!(a + 1) = obj;
                        if let (Value::Table(h), Value::Str(s)) = (obj, key) {
                            let v = h.get_str(s);
                            if !v.is_nil() || h.metatable.is_none() {
                                r!(a) = v;
                                continue;
                            }
                        }
                        let v = protect!(self.index(obj, key, Some(base + i.b())))?;
                        r!(a) = v;
                    }
                    Op::Add => arith!(i, Arith::Add),
                    Op::Sub => arith!(i, Arith::Sub),
                    Op::Mul => arith!(i, Arith::Mul),
                    Op::Div => arith!(i, Arith::Div),
                    Op::Mod => arith!(i, Arith::Mod),
                    Op::Pow => arith!(i, Arith::Pow),
                    Op::Unm => {
                        let b = r!(i.b());
                        if let Value::Num(x) = b {
                            r!(a) = Value::Num(-x);
                        } else {
                            let v = protect!(self.unm_slow(b, Some(base + i.b())))?;
                            r!(a) = v;
                        }
                    }
                    Op::Not => {
                        r!(a) = Value::Bool(!r!(i.b()).truthy());
                    }
                    Op::Len => {
                        let b = r!(i.b());
                        match b {
                            Value::Str(s) => r!(a) = Value::Num(s.len() as f64),
                            Value::Table(h) => r!(a) = Value::Num(h.length() as f64),
                            _ => {
                                let v = protect!(self.len_slow(b, Some(base + i.b())))?;
                                r!(a) = v;
                            }
                        }
                    }
                    Op::Concat => {
                        protect!(self.concat(base + i.b(), base + i.c()))?;
                        r!(a) = r!(i.b());
                        gc_check!();
                    }
                    Op::Jmp => {
                        pc = (pc as i64 + i.sbx() as i64) as usize;
                    }
                    Op::Eq => {
                        let b = rk!(i.b());
                        let c = rk!(i.c());
                        let eq = if b.raw_eq(&c) {
                            true
                        } else if matches!(
                            (b, c),
                            (Value::Table(_), Value::Table(_))
                                | (Value::UserData(_), Value::UserData(_))
                        ) {
                            protect!(self.equals(&b, &c))?
                        } else {
                            false
                        };
                        if eq != (a != 0) {
                            pc += 1;
                        } else {
                            pc = (pc as i64 + 1 + code[pc].sbx() as i64) as usize;
                        }
                    }
                    Op::Lt => {
                        // Operands inspected in place, as in `Op::GetTable`.
                        let (pb, pc_) = (rk_ptr!(i.b()), rk_ptr!(i.c()));
                        // SAFETY: valid operands (see `rk_ptr!`), read before anything
                        // can move the stack.
                        let lt = if let (Value::Num(x), Value::Num(y)) = unsafe { (&*pb, &*pc_) } {
                            x < y
                        } else {
                            let (b, c) = (rk!(i.b()), rk!(i.c()));
                            protect!(self.less_than(&b, &c))?
                        };
                        if lt != (a != 0) {
                            pc += 1;
                        } else {
                            pc = (pc as i64 + 1 + code[pc].sbx() as i64) as usize;
                        }
                    }
                    Op::Le => {
                        // Operands inspected in place, as in `Op::GetTable`.
                        let (pb, pc_) = (rk_ptr!(i.b()), rk_ptr!(i.c()));
                        // SAFETY: valid operands (see `rk_ptr!`), read before anything
                        // can move the stack.
                        let le = if let (Value::Num(x), Value::Num(y)) = unsafe { (&*pb, &*pc_) } {
                            x <= y
                        } else {
                            let (b, c) = (rk!(i.b()), rk!(i.c()));
                            protect!(self.less_equal(&b, &c))?
                        };
                        if le != (a != 0) {
                            pc += 1;
                        } else {
                            pc = (pc as i64 + 1 + code[pc].sbx() as i64) as usize;
                        }
                    }
                    Op::Test => {
                        if r!(a).truthy() == (i.c() != 0) {
                            pc = (pc as i64 + 1 + code[pc].sbx() as i64) as usize;
                        } else {
                            pc += 1;
                        }
                    }
                    Op::TestSet => {
                        let b = r!(i.b());
                        if b.truthy() == (i.c() != 0) {
                            r!(a) = b;
                            pc = (pc as i64 + 1 + code[pc].sbx() as i64) as usize;
                        } else {
                            pc += 1;
                        }
                    }
                    Op::Call => {
                        let b = i.b();
                        let nresults = i.c() as i32 - 1;
                        if b != 0 {
                            self.top = base + a + b;
                        }
                        savepc!();
                        if self.enter_lua_fast(base + a, nresults, false) {
                            continue 'newframe;
                        }
                        match self.precall(base + a, nresults) {
                            Ok(PreCall::Lua) => continue 'newframe,
                            Ok(PreCall::Native) => {
                                refresh!();
                                gc_check!();
                            }
                            Err(LuaError::Yield) => {
                                self.cur_thread.get_mut().yield_dest = Some((base + a, nresults));
                                return Err(LuaError::Yield);
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    Op::TailCall => {
                        let b = i.b();
                        let func = base + a;
                        if b != 0 {
                            self.top = func + b;
                        }
                        savepc!();
                        if let Value::LuaFn(_) = self.stack[func] {
                            if self
                                .open_upvals
                                .last()
                                .is_some_and(|u| u.index.get() >= base)
                            {
                                self.close_upvals(base);
                            }
                            let cur = self.frames.pop().unwrap();
                            let dst = cur.func;
                            let n = self.top - func;
                            for j in 0..n {
                                self.stack[dst + j] = self.stack[func + j];
                            }
                            self.top = dst + n;
                            match self.precall(dst, cur.nresults) {
                                Ok(_) => {
                                    let nf = self.frames.last_mut().unwrap();
                                    nf.entry = cur.entry;
                                    nf.tailcalls = cur.tailcalls + 1;
                                    continue 'newframe;
                                }
                                Err(e) => {
                                    // Keep a frame for the error position.
                                    return Err(e);
                                }
                            }
                        }
                        // Not a Lua function: an ordinary call, then return its results.
                        match self.precall(func, MULTRET) {
                            Ok(PreCall::Lua) => {
                                // `__call` resolved to a Lua function: run it to completion
                                // as a nested call, then return its results.
                                self.frames.last_mut().unwrap().entry = true;
                                self.n_ccalls += 1;
                                self.execute()?;
                                self.n_ccalls -= 1;
                            }
                            Ok(PreCall::Native) => {}
                            Err(LuaError::Yield) => {
                                self.cur_thread.get_mut().yield_dest = Some((func, MULTRET));
                                // The pending results will be returned by the RETURN that
                                // follows this instruction when the coroutine resumes.
                                self.frames[fi].pc = pc;
                                return Err(LuaError::Yield);
                            }
                            Err(e) => return Err(e),
                        }
                        let n = self.top - func;
                        if self.do_return(base, func, n)? {
                            return Ok(());
                        }
                        continue 'newframe;
                    }
                    Op::Return => {
                        let b = i.b();
                        let n = if b != 0 { b - 1 } else { self.top - (base + a) };
                        savepc!();
                        if !self.hook.returns {
                            // Fast path: no return hook; the results move down to the
                            // called function's slot, as `poscall` does.
                            if self
                                .open_upvals
                                .last()
                                .is_some_and(|u| u.index.get() >= base)
                            {
                                self.close_upvals(base);
                            }
                            let first = base + a;
                            let res = frame.func;
                            let wanted = frame.nresults;
                            self.frames.pop();
                            let stack = &mut self.stack[..];
                            if wanted == MULTRET {
                                for j in 0..n {
                                    stack[res + j] = stack[first + j];
                                }
                                self.top = res + n;
                            } else {
                                let wanted = wanted as usize;
                                let m = n.min(wanted);
                                for j in 0..m {
                                    stack[res + j] = stack[first + j];
                                }
                                for j in m..wanted {
                                    stack[res + j] = Value::Nil;
                                }
                                self.top = res + wanted;
                            }
                            if frame.entry {
                                return Ok(());
                            }
                            continue 'newframe;
                        }
                        if self.do_return(base, base + a, n)? {
                            return Ok(());
                        }
                        continue 'newframe;
                    }
                    Op::ForLoop => {
                        // SAFETY: the three control registers are inside the frame.
                        let (pidx, plim, pstep) = unsafe {
                            (
                                base_ptr.add(a),
                                &*base_ptr.add(a + 1),
                                &*base_ptr.add(a + 2),
                            )
                        };
                        if let (Value::Num(idx), Value::Num(limit), Value::Num(step)) =
                            (unsafe { &*pidx }, plim, pstep)
                        {
                            let idx = *idx + *step;
                            if if *step > 0.0 {
                                idx <= *limit
                            } else {
                                *limit <= idx
                            } {
                                pc = (pc as i64 + i.sbx() as i64) as usize;
                                r!(a) = Value::Num(idx);
                                r!(a + 3) = Value::Num(idx);
                            }
                        } else {
                            unreachable!("for loop control variables are numbers")
                        }
                    }
                    Op::ForPrep => {
                        savepc!();
                        let init = to_number(&r!(a));
                        let limit = to_number(&r!(a + 1));
                        let step = to_number(&r!(a + 2));
                        let Some(init) = init else {
                            return Err(self.rt_error("'for' initial value must be a number"));
                        };
                        let Some(limit) = limit else {
                            return Err(self.rt_error("'for' limit must be a number"));
                        };
                        let Some(step) = step else {
                            return Err(self.rt_error("'for' step must be a number"));
                        };
                        r!(a) = Value::Num(init - step);
                        r!(a + 1) = Value::Num(limit);
                        r!(a + 2) = Value::Num(step);
                        pc = (pc as i64 + i.sbx() as i64) as usize;
                    }
                    Op::TForLoop => {
                        let cb = base + a + 3;
                        self.stack[cb + 2] = self.stack[base + a + 2];
                        self.stack[cb + 1] = self.stack[base + a + 1];
                        self.stack[cb] = self.stack[base + a];
                        self.top = cb + 3;
                        protect!(self.call_at(cb, i.c() as i32))?;
                        let v = self.stack[cb];
                        if !v.is_nil() {
                            self.stack[cb - 1] = v;
                            pc = (pc as i64 + 1 + code[pc].sbx() as i64) as usize;
                        } else {
                            pc += 1;
                        }
                    }
                    Op::SetList => {
                        let mut n = i.b();
                        let mut c = i.c();
                        if n == 0 {
                            n = self.top - (base + a) - 1;
                        }
                        if c == 0 {
                            c = code[pc].0 as usize;
                            pc += 1;
                        }
                        let Value::Table(h) = r!(a) else {
                            unreachable!("SETLIST on a table")
                        };
                        let last = (c - 1) * FIELDS_PER_FLUSH as usize + n;
                        savepc!();
                        if last > h.array_len() {
                            let hsize = h.node_len();
                            if h.get_mut().resize(&mut self.heap.mem, last, hsize).is_err() {
                                return Err(LuaError::Memory);
                            }
                        }
                        for j in 1..=n {
                            let v = r!(a + j);
                            let idx = last - n + j;
                            if h.get_mut()
                                .set_int(&mut self.heap.mem, idx as i64, v)
                                .is_err()
                            {
                                return Err(LuaError::Memory);
                            }
                        }
                    }
                    Op::Close => {
                        self.close_upvals(base + a);
                    }
                    Op::Closure => {
                        let np = p.protos[i.bx()].clone();
                        let mut upvals = crate::func::UpvalList::with_capacity(np.upvals.len());
                        for d in &np.upvals {
                            if d.in_stack {
                                upvals.push(self.find_upval(base + d.index as usize)?);
                            } else {
                                upvals.push(cl.upvals[d.index as usize]);
                            }
                        }
                        let n = upvals.len();
                        let ncl = LuaClosure {
                            proto: np,
                            upvals,
                            env: Cell::new(cl.env.get()),
                        };
                        let g = self.heap.alloc(ncl, n * 8, GcObj::LuaFn)?;
                        r!(a) = Value::LuaFn(g);
                        gc_check!();
                    }
                    Op::VarArg => {
                        let nvar = (base - frame.func - 1).saturating_sub(p.num_params as usize);
                        let b = i.b();
                        if b == 0 {
                            protect!(self.ensure_stack(base + a + nvar + super::MIN_STACK))?;
                            for j in 0..nvar {
                                self.stack[base + a + j] = self.stack[base - nvar + j];
                            }
                            self.top = base + a + nvar;
                        } else {
                            for j in 0..b - 1 {
                                r!(a + j) = if j < nvar {
                                    self.stack[base - nvar + j]
                                } else {
                                    Value::Nil
                                };
                            }
                        }
                    }
                }
            }
        }
    }

    /// Returns `n` values starting at stack slot `first` from the Lua frame whose base is
    /// `base`. True when that frame was an entry frame (leave `execute`).
    #[inline]
    fn do_return(&mut self, base: usize, first: usize, n: usize) -> LuaResult<bool> {
        if self
            .open_upvals
            .last()
            .is_some_and(|u| u.index.get() >= base)
        {
            self.close_upvals(base);
        }
        if self.hook.returns {
            self.call_hook(HookEvent::Return)?;
            // 5.1 also reports each call lost to a tail call as a "tail return".
            for _ in 0..self.frames.last().unwrap().tailcalls {
                self.call_hook(HookEvent::TailCall)?;
            }
        }
        let entry = self.frames.last().unwrap().entry;
        self.poscall(first, n);
        Ok(entry)
    }

    /// Runs when the instruction budget reaches zero: interrupts, count and line hooks.
    #[cold]
    pub(crate) fn hook_slow(&mut self) -> LuaResult<()> {
        if let Some(flag) = &self.interrupt {
            if flag.swap(false, std::sync::atomic::Ordering::SeqCst) {
                self.reset_budget();
                // As lua.c's hook raises it: positioned at the running function's caller.
                return Err(self.error("interrupted!"));
            }
        }
        self.reset_budget();
        if self.hook.in_hook || self.hook.func.is_none() {
            return Ok(());
        }
        if self.hook.period > 0 {
            self.run_hook(HookEvent::Count)?;
        }
        if self.hook.lines {
            let fi = self.frames.len() - 1;
            let f = self.frames[fi];
            if let FrameKind::Lua(cl) = f.kind {
                let p = &cl.proto;
                let npc = f.pc.saturating_sub(1);
                if self.hook.last_pc.len() <= fi {
                    self.hook.last_pc.resize(fi + 1, usize::MAX);
                }
                let old = std::mem::replace(&mut self.hook.last_pc[fi], npc);
                let line_of = |pc: usize| p.lines.get(pc).copied().unwrap_or(0);
                // A new function, a jump back, or a new line.
                if npc == 0 || old == usize::MAX || npc <= old || line_of(npc) != line_of(old) {
                    self.run_hook(HookEvent::Line(line_of(npc)))?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn reset_budget(&mut self) {
        let b = if self.hook.lines {
            1
        } else if self.hook.period > 0 {
            self.hook.period
        } else if self.interrupt.is_some() {
            1000
        } else {
            i64::MAX
        };
        self.hook.budget.set(b);
    }

    pub(crate) fn call_hook(&mut self, ev: HookEvent) -> LuaResult<()> {
        if self.hook.in_hook || self.hook.func.is_none() {
            return Ok(());
        }
        self.run_hook(ev)
    }

    fn run_hook(&mut self, ev: HookEvent) -> LuaResult<()> {
        let Some(f) = self.hook.func.clone() else {
            return Ok(());
        };
        self.hook.in_hook = true;
        let saved_top = self.top;
        // Hooks run above the running frame's registers.
        self.top = self.scratch_top();
        let r = f(self, ev);
        self.top = saved_top;
        // After an error hooks stay off (as 5.1's allowhook) until whoever catches
        // it restores the state, so error handlers run without hooks.
        if r.is_ok() {
            self.hook.in_hook = false;
        }
        r
    }

    /// Charges `units` of work done by a native to the instruction budget, so hooks and
    /// interrupts also reach long-running natives (pattern matching, `string.rep`, ...).
    #[inline]
    pub fn charge(&mut self, units: i64) -> LuaResult<()> {
        let b = self.hook.budget.get() - units;
        self.hook.budget.set(b);
        if b <= 0 {
            self.hook_slow()?;
        }
        Ok(())
    }
}
