//! The embedding API: loading chunks, calling functions, reading arguments in natives,
//! registering libraries, hooks and limits. The CLI and the server use only this.

use crate::error::{LuaError, LuaResult};
use crate::func::{LuaClosure, NativeFn};
use crate::gc::GcObj;
use crate::string::StrRef;
use crate::table::TableRef;
use crate::value::{Type, Value};
use crate::vm::{FrameKind, HookEvent, Lua};
use std::cell::Cell;
use std::rc::Rc;

/// First bytes of a binary chunk (`string.dump` output).
pub const BINARY_SIGNATURE: &[u8] = b"\x1bLua";

impl Lua {
    /// Parses and compiles `source` into a function, as `loadstring(source, chunkname)`.
    /// The error is the message lua5.1 would produce, as a string value.
    pub fn load(&mut self, source: &[u8], chunkname: &[u8]) -> LuaResult<Value> {
        if source.starts_with(BINARY_SIGNATURE) {
            if !self.allow_binary_chunks {
                return Err(self.plain_error("attempt to load a binary chunk (mode is 't')"));
            }
            let p = crate::dump::undump(self, source, chunkname).map_err(|m| {
                match self.new_str(m.as_bytes()) {
                    Ok(s) => LuaError::Runtime(Value::Str(s)),
                    Err(e) => e,
                }
            })?;
            return self.closure_from_proto(p);
        }
        let block = match crate::parse::parse(source, chunkname) {
            Ok(b) => b,
            Err(e) => return Err(LuaError::Runtime(Value::Str(self.new_str(&e.message)?))),
        };
        let proto = match crate::compile::compile_chunk(self, &block, chunkname) {
            Ok(p) => p,
            Err(e) => return Err(LuaError::Runtime(Value::Str(self.new_str(&e.0)?))),
        };
        self.closure_from_proto(proto)
    }

    /// Like `load` but says whether a syntax error was at the end of input (the REPL
    /// keeps reading lines then).
    pub fn load_incomplete(
        &mut self,
        source: &[u8],
        chunkname: &[u8],
    ) -> Result<Value, (LuaError, bool)> {
        if !source.starts_with(BINARY_SIGNATURE) {
            if let Err(e) = crate::parse::parse(source, chunkname) {
                let inc = e.incomplete;
                let v = match self.new_str(&e.message) {
                    Ok(s) => LuaError::Runtime(Value::Str(s)),
                    Err(e) => e,
                };
                return Err((v, inc));
            }
        }
        self.load(source, chunkname).map_err(|e| (e, false))
    }

    pub(crate) fn closure_from_proto(&mut self, proto: Rc<crate::func::Proto>) -> LuaResult<Value> {
        // A source chunk has no upvalues; a dumped function that had some gets fresh
        // closed ones holding nil, as 5.1's undump does.
        let mut upvals = Vec::with_capacity(proto.upvals.len());
        for _ in 0..proto.upvals.len() {
            let uv = crate::func::UpVal {
                v: Cell::new(std::ptr::null_mut()),
                closed: Cell::new(Value::Nil),
                index: Cell::new(0),
            };
            let g = self.heap.alloc(uv, 0, GcObj::UpVal)?;
            g.v.set(g.closed.as_ptr());
            upvals.push(g);
        }
        let upvals = crate::func::UpvalList::from_vec(upvals);
        // New chunks see the running thread's global table (`setfenv(0, t)` changes it).
        let env = self.cur_thread.env.unwrap_or(self.globals);
        let cl = LuaClosure {
            proto,
            upvals,
            env: Cell::new(env),
        };
        Ok(Value::LuaFn(self.heap.alloc(cl, 0, GcObj::LuaFn)?))
    }

    /// Loads and runs a chunk, returning its results.
    pub fn exec(&mut self, source: &[u8], chunkname: &[u8]) -> LuaResult<Vec<Value>> {
        let f = self.load(source, chunkname)?;
        self.pcall(f, &[])
    }

    /// Protected call from the embedder: on error the state is unwound and usable again.
    pub fn pcall(&mut self, f: Value, args: &[Value]) -> LuaResult<Vec<Value>> {
        let func = self.top;
        let sp = self.save_point();
        let r = self.push_and_call(func, f, args);
        match r {
            Ok(v) => {
                self.top = func;
                self.api_roots.clone_from(&v);
                Ok(v)
            }
            Err(e) => {
                self.restore(sp, func);
                self.top = func;
                self.api_roots = vec![self.error_value(&e)];
                Err(e)
            }
        }
    }

    /// Pushes `f` and `args` at `func` and calls it, returning all results (unprotected).
    fn push_and_call(&mut self, func: usize, f: Value, args: &[Value]) -> LuaResult<Vec<Value>> {
        self.push(f)?;
        for a in args {
            self.push(*a)?;
        }
        self.call_at(func, crate::vm::MULTRET)?;
        Ok(self.stack[func..self.top].to_vec())
    }

    /// Protected call with a message handler run at the error point (like `xpcall`);
    /// the handler's result replaces the error value.
    pub fn pcall_with_handler(
        &mut self,
        f: Value,
        args: &[Value],
        handler: Value,
    ) -> LuaResult<Vec<Value>> {
        // The handler sits below the call on the stack so the collector sees it.
        let hslot = self.top;
        self.push(handler)?;
        let func = self.top;
        let sp = self.save_point();
        let r = self.push_and_call(func, f, args);
        match r {
            Ok(v) => {
                self.top = hslot;
                self.api_roots.clone_from(&v);
                Ok(v)
            }
            Err(LuaError::Uncatchable(v)) => {
                self.restore(sp, func);
                self.top = hslot;
                self.api_roots = vec![v];
                Err(LuaError::Uncatchable(v))
            }
            Err(e) => {
                let hv = self.call_handler(handler, &e);
                self.restore(sp, func);
                self.top = hslot;
                self.api_roots = vec![hv];
                Err(LuaError::Runtime(hv))
            }
        }
    }

    /// Runs an error handler above the erroring frames (so it can see them) and returns
    /// its result. As in 5.1, an error inside the handler runs the handler again, at the
    /// point of that error, until it succeeds or the nesting reaches the C-call (or
    /// call-depth) limit, which gives `error in error handling`. Memory errors are not
    /// handled.
    pub(crate) fn call_handler(&mut self, handler: Value, e: &LuaError) -> Value {
        if let LuaError::Memory = e {
            return Value::Str(self.mem_err_msg);
        }
        let mut ev = self.error_value(e);
        let sp = self.save_point();
        let level = self.scratch_top();
        let v = loop {
            let at = self.scratch_top();
            if self.ensure_stack(at + 2 + crate::vm::MIN_STACK).is_err() {
                break Value::Str(self.mem_err_msg);
            }
            self.top = at;
            match self.call1(handler, &[ev]) {
                Ok(v) => break v,
                Err(LuaError::Memory) => break Value::Str(self.mem_err_msg),
                Err(e) => {
                    if self.n_ccalls >= crate::vm::MAX_CCALLS + (crate::vm::MAX_CCALLS >> 3)
                        || self.frames.len()
                            >= crate::vm::MAX_CALLS + crate::vm::OVERFLOW_EXTRA_CALLS
                    {
                        break match self.new_str(b"error in error handling") {
                            Ok(s) => Value::Str(s),
                            Err(_) => Value::Str(self.mem_err_msg),
                        };
                    }
                    ev = self.error_value(&e);
                }
            }
        };
        self.restore(sp, level);
        v
    }

    // ---- globals and tables ------------------------------------------------------------------

    pub fn set_global(&mut self, name: &str, v: Value) -> LuaResult<()> {
        let k = self.new_str(name.as_bytes())?;
        let g = self.globals;
        self.raw_set(g, Value::Str(k), v)
    }

    pub fn get_global(&mut self, name: &str) -> LuaResult<Value> {
        let k = self.new_str(name.as_bytes())?;
        Ok(self.globals.get_str(k))
    }

    pub fn raw_get(&self, t: TableRef, k: &Value) -> Value {
        t.get(k)
    }

    /// `t[name] = native` for each entry (a library table).
    pub fn register_lib(
        &mut self,
        t: TableRef,
        funcs: &[(&'static str, NativeFn)],
    ) -> LuaResult<()> {
        for (name, f) in funcs {
            let v = self.new_native(name, *f)?;
            let k = self.new_str(name.as_bytes())?;
            self.raw_set(t, Value::Str(k), v)?;
        }
        Ok(())
    }

    /// Sets a table's metatable.
    pub fn set_metatable(&mut self, t: TableRef, mt: Option<TableRef>) {
        t.get_mut().metatable = mt;
    }

    /// Makes a table read-only: any write through the language raises an error.
    pub fn set_readonly(&mut self, t: TableRef, ro: bool) {
        t.get_mut().readonly = ro;
    }

    // ---- limits and hooks ----------------------------------------------------------------------

    /// Caps the Lua heap at `bytes` (`usize::MAX` for no limit). Allocations past it raise
    /// `not enough memory`.
    pub fn set_memory_limit(&mut self, bytes: usize) {
        self.heap.mem.limit = bytes;
    }

    pub fn memory_used(&self) -> usize {
        self.heap.mem.bytes
    }

    /// Installs a hook: called every `count` instructions (0 = no count events), on every
    /// new line if `lines`, and on calls/returns if asked. The hook may return an error
    /// (e.g. `LuaError::Uncatchable`) to stop the running script.
    pub fn set_hook(
        &mut self,
        f: Option<Rc<dyn Fn(&mut Lua, HookEvent) -> LuaResult<()>>>,
        count: i64,
        lines: bool,
        calls: bool,
        returns: bool,
    ) {
        let on = f.is_some();
        self.hook.func = f;
        self.hook.period = if on { count.max(0) } else { 0 };
        self.hook.lines = on && lines;
        self.hook.calls = on && calls;
        self.hook.returns = on && returns;
        // Frames already running continue from where they are: no line event until
        // their line changes.
        self.hook.last_pc = self.frames.iter().map(|f| f.pc.wrapping_sub(1)).collect();
        self.reset_budget();
    }

    /// Sets a flag that, when raised from any thread, makes running Lua code fail with
    /// `interrupted!` at its next instruction-budget check.
    pub fn set_interrupt_flag(
        &mut self,
        flag: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    ) {
        self.interrupt = flag;
        self.reset_budget();
    }

    // ---- native function arguments ---------------------------------------------------------------

    /// Index of the first argument of the running native.
    #[inline]
    pub fn arg_base(&self) -> usize {
        self.frames.last().unwrap().base
    }

    /// Number of arguments passed to the running native.
    #[inline]
    pub fn nargs(&self) -> usize {
        self.top - self.arg_base()
    }

    /// Argument `i` (1-based), nil if absent.
    #[inline]
    pub fn arg(&self, i: usize) -> Value {
        let idx = self.arg_base() + i - 1;
        if idx < self.top {
            self.stack[idx]
        } else {
            Value::Nil
        }
    }

    /// Replaces argument `i` in place (used when coercing).
    pub fn set_arg(&mut self, i: usize, v: Value) {
        let idx = self.arg_base() + i - 1;
        if idx < self.top {
            self.stack[idx] = v;
        }
    }

    pub fn is_none_or_nil(&self, i: usize) -> bool {
        self.arg(i).is_nil()
    }

    /// `bad argument #i to 'name' (msg)` as luaL_argerror builds it.
    pub fn arg_error(&mut self, i: usize, msg: &str) -> LuaError {
        let fi = self.frames.len() - 1;
        let mut narg = i;
        let name = self.func_name(fi);
        let fname = match &name {
            Some((kind, n)) => {
                if *kind == "method" {
                    narg -= 1;
                    if narg == 0 {
                        let s = format!(
                            "calling '{}' on bad self ({})",
                            String::from_utf8_lossy(n),
                            msg
                        );
                        return self.error(s);
                    }
                }
                String::from_utf8_lossy(n).into_owned()
            }
            None => "?".to_string(),
        };
        let s = format!("bad argument #{} to '{}' ({})", narg, fname, msg);
        self.error(s)
    }

    /// `bad argument #i to 'f' (T expected, got U)`.
    pub fn type_error_arg(&mut self, i: usize, expected: &str) -> LuaError {
        let got = if i > self.nargs() {
            "no value"
        } else {
            self.arg(i).type_name()
        };
        let msg = format!("{} expected, got {}", expected, got);
        self.arg_error(i, &msg)
    }

    pub fn check_any(&mut self, i: usize) -> LuaResult<Value> {
        if i > self.nargs() {
            return Err(self.arg_error(i, "value expected"));
        }
        Ok(self.arg(i))
    }

    pub fn check_number(&mut self, i: usize) -> LuaResult<f64> {
        match self.arg(i) {
            Value::Num(n) => Ok(n),
            v => match crate::vm::meta::to_number(&v) {
                Some(n) => Ok(n),
                None => Err(self.type_error_arg(i, "number")),
            },
        }
    }

    /// luaL_checkinteger: the number truncated toward zero (C cast to ptrdiff_t).
    pub fn check_integer(&mut self, i: usize) -> LuaResult<i64> {
        let n = self.check_number(i)?;
        Ok(num_to_int(n))
    }

    pub fn opt_number(&mut self, i: usize, def: f64) -> LuaResult<f64> {
        if self.arg(i).is_nil() {
            Ok(def)
        } else {
            self.check_number(i)
        }
    }

    pub fn opt_integer(&mut self, i: usize, def: i64) -> LuaResult<i64> {
        if self.arg(i).is_nil() {
            Ok(def)
        } else {
            self.check_integer(i)
        }
    }

    /// luaL_checklstring: strings, and numbers converted in place.
    pub fn check_str(&mut self, i: usize) -> LuaResult<StrRef> {
        match self.arg(i) {
            Value::Str(s) => Ok(s),
            Value::Num(n) => {
                let mut b = Vec::new();
                crate::number::fmt_number(n, &mut b);
                let s = self.new_str(&b)?;
                self.set_arg(i, Value::Str(s));
                Ok(s)
            }
            _ => Err(self.type_error_arg(i, "string")),
        }
    }

    pub fn opt_str(&mut self, i: usize) -> LuaResult<Option<StrRef>> {
        if self.arg(i).is_nil() {
            Ok(None)
        } else {
            self.check_str(i).map(Some)
        }
    }

    pub fn check_table(&mut self, i: usize) -> LuaResult<TableRef> {
        match self.arg(i) {
            Value::Table(t) => Ok(t),
            _ => Err(self.type_error_arg(i, "table")),
        }
    }

    /// luaL_checktype with 5.1's type names.
    pub fn check_type(&mut self, i: usize, t: Type) -> LuaResult<Value> {
        let v = self.arg(i);
        if i > self.nargs() || v.type_of() != t {
            return Err(self.type_error_arg(i, t.name()));
        }
        Ok(v)
    }

    /// Pushes a string result.
    pub fn push_str(&mut self, s: &[u8]) -> LuaResult<()> {
        let v = self.str_value(s)?;
        self.push(v)
    }

    /// `tostring(v)` with `__tostring`, as luaL_tolstring / the base library.
    pub fn tostring(&mut self, v: Value) -> LuaResult<StrRef> {
        if let Some(mt) = self.get_metatable(&v) {
            let k = self.new_str(b"__tostring")?;
            let tm = mt.get_str(k);
            if !tm.is_nil() {
                let r = self.call1(tm, &[v])?;
                return match r {
                    Value::Str(s) => Ok(s),
                    Value::Num(_) => Ok(self.coerce_to_str(&r)?.unwrap()),
                    _ => Err(self.error("'__tostring' must return a string")),
                };
            }
        }
        let s: Vec<u8> = match v {
            Value::Nil => b"nil".to_vec(),
            Value::Bool(b) => {
                if b {
                    b"true".to_vec()
                } else {
                    b"false".to_vec()
                }
            }
            Value::Num(n) => {
                let mut b = Vec::new();
                crate::number::fmt_number(n, &mut b);
                b
            }
            Value::Str(s) => return Ok(s),
            Value::Table(_) => format!("table: {}", c_pointer(v.addr())).into_bytes(),
            Value::LuaFn(_) | Value::Native(_) => {
                format!("function: {}", c_pointer(v.addr())).into_bytes()
            }
            Value::UserData(_) | Value::LightUserData(_) => {
                format!("userdata: {}", c_pointer(v.addr())).into_bytes()
            }
            Value::Thread(_) => format!("thread: {}", c_pointer(v.addr())).into_bytes(),
        };
        self.new_str(&s)
    }

    /// The environment of the running Lua function (for natives like `getfenv`).
    pub(crate) fn frame_closure(&self, fi: usize) -> Option<Value> {
        let f = self.frames.get(fi)?;
        match f.kind {
            FrameKind::Lua(cl) => Some(Value::LuaFn(cl)),
            FrameKind::Native => Some(self.stack[f.func]),
        }
    }

    /// Number of active call frames (for debug functions).
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// The function running `level` frames below the innermost one (0 = innermost), or
    /// None past the bottom of the stack. Lets a hook tell which function it interrupted.
    pub fn frame_function(&self, level: usize) -> Option<Value> {
        let fi = self.frames.len().checked_sub(level + 1)?;
        self.frame_closure(fi)
    }
}

/// An address as glibc's `%p` prints it (`(nil)` for NULL).
fn c_pointer(addr: usize) -> String {
    if addr == 0 {
        "(nil)".to_string()
    } else {
        format!("0x{:x}", addr)
    }
}

/// C's cast of a double to an integer type: truncation, with out-of-range values giving
/// the x86-64 "integer indefinite" result.
pub fn num_to_int(n: f64) -> i64 {
    if n.is_nan() || n >= 9.223_372_036_854_775_807e18 || n < -9.223_372_036_854_775_808e18 {
        i64::MIN
    } else {
        n as i64
    }
}
