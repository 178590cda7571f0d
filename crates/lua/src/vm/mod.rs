//! The Lua state and the machinery around the dispatch loop: stacks, call frames, calls
//! and returns, upvalues, errors with positions.
//!
//! VM invariants (read before changing anything here or in `execute.rs`):
//! 1. Lua-to-Lua calls never recurse in Rust: they push a `Frame` and the dispatch loop
//!    continues. Rust recursion happens only when a native or a metamethod calls back
//!    into Lua (`call_value`), and that nesting is capped by `MAX_CCALLS`.
//! 2. The stack may move whenever it grows (`ensure_stack`); after anything that can
//!    call Lua, a native or allocate stack, code re-reads `self.stack` by index and never
//!    keeps references into it. Open upvalues are re-pointed when the stack moves.
//! 3. The pc of the running Lua frame is saved in its `Frame` before any operation that
//!    can raise an error, call out, or collect garbage, so errors and tracebacks report
//!    the right line.
//! 4. Garbage is only collected at safe points (`maybe_collect`), where every live value
//!    is reachable from the roots; natives that call Lua keep their values on the stack.
//! 5. Errors unwind by returning `Err`; frames are not popped on the way out. Whoever
//!    catches (pcall, resume, the embedding API) truncates frames, closes upvalues and
//!    restores `top` and `n_ccalls` to what they were when it started.
//! 6. Registers above a Lua frame's `top` are scratch space for metamethod calls.

mod call;
pub(crate) mod collect;
pub(crate) mod debuginfo;
mod execute;
pub(crate) mod meta;

use crate::error::{LuaError, LuaResult};
use crate::func::{LuaClosure, NativeClosure, NativeFn, NativeKind, UpVal, UpValRef};
use crate::gc::{Gc, GcObj, Heap};
use crate::string::{Interner, StrRef};
use crate::table::{Table, TableRef};
use crate::thread::{Thread, ThreadState};
use crate::value::{Type, Value};
use std::cell::Cell;
use std::rc::Rc;

/// Maximum nested calls (Lua 5.1's LUAI_MAXCALLS): past it, `stack overflow`.
pub const MAX_CALLS: usize = 20_000;
/// Frames an error handler may use after a `stack overflow` before the error becomes
/// `error in error handling`: 5.1 doubles its call-info array (to 32768 entries) when
/// it overflows LUAI_MAXCALLS and only fails for good when that is full too.
pub const OVERFLOW_EXTRA_CALLS: usize = 32_768 - MAX_CALLS;
/// Maximum nesting of native/metamethod calls into Lua (LUAI_MAXCCALLS): `C stack overflow`.
pub const MAX_CCALLS: u32 = 200;
/// Maximum stack slots of one thread, so a runaway program gets `stack overflow` and not
/// an allocation failure (PUC bounds this by LUAI_MAXCALLS * 250 registers).
pub const MAX_STACK: usize = 1_000_000;
/// Room natives get above their arguments (LUA_MINSTACK).
pub const MIN_STACK: usize = 20;
/// Initial stack size of a thread (BASIC_STACK_SIZE = 2 * LUA_MINSTACK in 5.1).
const BASIC_STACK: usize = 40;
/// Results wanted: all of them.
pub const MULTRET: i32 = -1;

#[derive(Clone, Copy)]
pub(crate) enum FrameKind {
    Lua(Gc<LuaClosure>),
    Native,
}

/// One activation record.
#[derive(Clone, Copy)]
pub struct Frame {
    /// Stack index of the function being run.
    pub(crate) func: usize,
    /// Register 0 (Lua) or first argument (native).
    pub(crate) base: usize,
    /// End of the frame's registers (Lua frames).
    pub(crate) top: usize,
    /// Saved program counter (Lua frames): index of the next instruction.
    pub(crate) pc: usize,
    /// Results the caller wants (`MULTRET` = all).
    pub(crate) nresults: i32,
    /// Tail calls that replaced this frame (tracebacks print `(tail call)`).
    pub(crate) tailcalls: u32,
    pub(crate) kind: FrameKind,
    /// Returning from this frame leaves the `execute` invocation that entered it.
    pub(crate) entry: bool,
}

impl Frame {
    /// The bottom frame of every thread: a native "C" frame (like lua.c's entry point),
    /// so natives called through the API always have a frame below them.
    fn base() -> Frame {
        Frame {
            func: 0,
            base: 1,
            top: 1 + MIN_STACK,
            pc: 0,
            nresults: 0,
            tailcalls: 0,
            kind: FrameKind::Native,
            entry: true,
        }
    }
}

/// Instruction-count hook state; see `set_hook`.
pub(crate) struct HookState {
    /// Decremented per instruction; at zero the slow path runs.
    pub(crate) budget: Cell<i64>,
    /// Period of the count hook (0 = none).
    pub(crate) period: i64,
    pub(crate) func: Option<Rc<dyn Fn(&mut Lua, HookEvent) -> LuaResult<()>>>,
    /// Line events wanted.
    pub(crate) lines: bool,
    /// Calls and returns wanted.
    pub(crate) calls: bool,
    pub(crate) returns: bool,
    /// Set while the hook runs, so it is not re-entered.
    pub(crate) in_hook: bool,
    /// Per frame index: the instruction last seen by the line hook (`usize::MAX`:
    /// unknown), to report a line only when it changes or a loop jumps back, as 5.1.
    pub(crate) last_pc: Vec<usize>,
}

/// What made the hook run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookEvent {
    Count,
    Line(u32),
    Call,
    Return,
    TailCall,
}

/// Which metatable to use for values that are not tables or userdata.
const TYPE_MT_SLOTS: usize = 9;

/// The interpreter state: one Lua "universe" with its heap, globals and threads.
pub struct Lua {
    // --- the running thread ---
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    /// First free slot (meaningful in natives and after multi-result operations).
    pub(crate) top: usize,
    /// Open upvalues of the running thread, sorted by stack index.
    pub(crate) open_upvals: Vec<UpValRef>,
    pub(crate) cur_thread: Gc<Thread>,
    pub(crate) main_thread: Gc<Thread>,
    /// Nesting of native/metamethod calls into Lua.
    pub(crate) n_ccalls: u32,
    /// A `stack overflow` is being handled: calls may use `OVERFLOW_EXTRA_CALLS` more frames.
    pub(crate) in_overflow: bool,
    /// `n_ccalls` when the running coroutine was resumed (yield is allowed only there).
    pub(crate) base_ccalls: u32,

    // --- shared by all threads ---
    pub heap: Heap,
    pub(crate) strings: Interner,
    pub(crate) globals: TableRef,
    pub(crate) registry: TableRef,
    pub(crate) type_mt: [Option<TableRef>; TYPE_MT_SLOTS],
    /// Metamethod names, interned once (`__index`, ...), indexed by `meta::TM_*`.
    pub(crate) tm_names: Vec<StrRef>,
    /// Preallocated `not enough memory`.
    pub(crate) mem_err_msg: StrRef,
    pub(crate) hook: HookState,
    /// Userdata whose `__gc` must run (found by the collector).
    pub(crate) pending_finalizers: Vec<Value>,
    /// Set while a collection must only queue finalizers (its caller runs them).
    pub(crate) defer_finalizers: bool,
    /// Results (or the error value) of the last embedder-level protected call, kept
    /// reachable so the embedder can use them while calling Lua again.
    pub(crate) api_roots: Vec<Value>,
    /// Values passed by the pending `yield`.
    pub(crate) yield_count: usize,
    /// Where `print` and `io.write` to stdout go (default: the process's stdout).
    pub stdout_sink: Option<Rc<dyn Fn(&[u8])>>,
    /// Binary chunks may be loaded.
    pub allow_binary_chunks: bool,
    /// Interrupt flag checked by the instruction hook slow path (REPL Ctrl-C).
    pub(crate) interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Lua {
    /// A bare state with no libraries opened.
    pub fn new_empty() -> Lua {
        let mut heap = Heap::new();
        let mut strings = Interner::default();
        let globals = heap
            .alloc(Table::new(0, 0), 0, GcObj::Table)
            .expect("initial allocation");
        let registry = heap
            .alloc(Table::new(0, 0), 0, GcObj::Table)
            .expect("initial allocation");
        let main_thread = heap
            .alloc(Thread::new(Some(globals), true), 0, GcObj::Thread)
            .expect("initial allocation");
        let tm_names = meta::TM_NAMES
            .iter()
            .map(|n| {
                strings
                    .intern(&mut heap, n.as_bytes())
                    .expect("initial allocation")
            })
            .collect();
        let mem_err_msg = strings
            .intern(&mut heap, b"not enough memory")
            .expect("initial allocation");
        let mut l = Lua {
            stack: vec![Value::Nil; BASIC_STACK],
            frames: Vec::with_capacity(16),
            top: 0,
            open_upvals: Vec::new(),
            cur_thread: main_thread,
            main_thread,
            n_ccalls: 0,
            in_overflow: false,
            base_ccalls: 0,
            heap,
            strings,
            globals,
            registry,
            type_mt: [None; TYPE_MT_SLOTS],
            tm_names,
            mem_err_msg,
            hook: HookState {
                budget: Cell::new(i64::MAX),
                period: 0,
                func: None,
                lines: false,
                calls: false,
                returns: false,
                in_hook: false,
                last_pc: Vec::new(),
            },
            pending_finalizers: Vec::new(),
            defer_finalizers: false,
            api_roots: Vec::new(),
            yield_count: 0,
            stdout_sink: None,
            allow_binary_chunks: true,
            interrupt: None,
        };
        // The bottom frame: a native "C" frame, like lua.c's main, so natives called
        // through the API have a frame below them.
        l.top = 1;
        l.frames.push(Frame::base());
        l
    }

    // ---- allocation -------------------------------------------------------------------

    /// Interns a string.
    pub fn new_str(&mut self, s: &[u8]) -> LuaResult<StrRef> {
        Ok(self.strings.intern(&mut self.heap, s)?)
    }

    /// Interns a string and wraps it in a `Value`.
    pub fn str_value(&mut self, s: &[u8]) -> LuaResult<Value> {
        Ok(Value::Str(self.new_str(s)?))
    }

    pub fn new_table_sized(&mut self, narray: usize, nhash: usize) -> LuaResult<TableRef> {
        let t = Table::new(narray, nhash);
        let extra = t.buffer_bytes();
        Ok(self.heap.alloc(t, extra, GcObj::Table)?)
    }

    pub fn new_table(&mut self) -> LuaResult<TableRef> {
        self.new_table_sized(0, 0)
    }

    /// A native function value (no upvalues), with the globals as environment.
    pub fn new_native(&mut self, name: &'static str, f: NativeFn) -> LuaResult<Value> {
        self.new_native_with(name, NativeKind::Fn(f), Vec::new())
    }

    pub(crate) fn new_native_with(
        &mut self,
        name: &'static str,
        kind: NativeKind,
        upvalues: Vec<Value>,
    ) -> LuaResult<Value> {
        let n = upvalues.len();
        let nc = NativeClosure {
            kind,
            upvalues: upvalues.into_iter().map(Cell::new).collect(),
            env: Cell::new(self.globals),
            name,
        };
        Ok(Value::Native(self.heap.alloc(nc, n * 16, GcObj::Native)?))
    }

    /// A native closure capturing Rust state.
    pub fn new_closure(
        &mut self,
        name: &'static str,
        f: impl Fn(&mut Lua) -> LuaResult<usize> + 'static,
    ) -> LuaResult<Value> {
        self.new_native_with(name, NativeKind::Boxed(Rc::new(f)), Vec::new())
    }

    pub(crate) fn new_upval(&mut self, index: usize) -> LuaResult<UpValRef> {
        let uv = UpVal {
            v: Cell::new(std::ptr::null_mut()),
            closed: Cell::new(Value::Nil),
            index: Cell::new(index),
        };
        let g = self.heap.alloc(uv, 0, GcObj::UpVal)?;
        g.v.set(&mut self.stack[index] as *mut Value);
        Ok(g)
    }

    pub fn globals(&self) -> TableRef {
        self.globals
    }
    pub fn registry(&self) -> TableRef {
        self.registry
    }

    // ---- the stack ----------------------------------------------------------------------

    /// Makes sure `needed` slots exist; may move the stack (invariant 2).
    #[inline]
    pub(crate) fn ensure_stack(&mut self, needed: usize) -> LuaResult<()> {
        if needed > self.stack.len() {
            self.grow_stack(needed)?;
        }
        Ok(())
    }

    #[cold]
    fn grow_stack(&mut self, needed: usize) -> LuaResult<()> {
        if needed > MAX_STACK {
            return Err(self.rt_error("stack overflow"));
        }
        let new_len = needed.max(self.stack.len() * 2).min(MAX_STACK);
        let added = new_len - self.stack.len();
        self.heap.mem.charge(added * 16)?;
        self.stack.resize(new_len, Value::Nil);
        // The buffer may have moved: re-point open upvalues.
        for uv in &self.open_upvals {
            uv.v.set(&mut self.stack[uv.index.get()] as *mut Value);
        }
        Ok(())
    }

    /// Pushes a value at `top` (natives and API).
    #[inline]
    pub fn push(&mut self, v: Value) -> LuaResult<()> {
        if self.top >= self.stack.len() {
            self.grow_stack(self.top + 1)?;
        }
        self.stack[self.top] = v;
        self.top += 1;
        Ok(())
    }

    pub fn pop(&mut self) -> Value {
        self.top -= 1;
        let v = self.stack[self.top];
        self.stack[self.top] = Value::Nil;
        v
    }

    pub fn get_top(&self) -> usize {
        self.top
    }

    pub fn stack_at(&self, i: usize) -> Value {
        self.stack[i]
    }

    pub fn set_stack(&mut self, i: usize, v: Value) {
        self.stack[i] = v;
    }

    /// Shrinks or grows `top` to `t`, filling new slots with nil.
    pub fn set_top(&mut self, t: usize) -> LuaResult<()> {
        self.ensure_stack(t + 1)?;
        for i in self.top..t {
            self.stack[i] = Value::Nil;
        }
        self.top = t;
        Ok(())
    }

    // ---- upvalues ----------------------------------------------------------------------

    /// The open upvalue for stack slot `index`, created if needed.
    pub(crate) fn find_upval(&mut self, index: usize) -> LuaResult<UpValRef> {
        let mut pos = self.open_upvals.len();
        while pos > 0 {
            let uv = self.open_upvals[pos - 1];
            let i = uv.index.get();
            if i == index {
                return Ok(uv);
            }
            if i < index {
                break;
            }
            pos -= 1;
        }
        let uv = self.new_upval(index)?;
        self.open_upvals.insert(pos, uv);
        Ok(uv)
    }

    /// Closes every open upvalue at or above stack slot `level`.
    pub(crate) fn close_upvals(&mut self, level: usize) {
        while let Some(&uv) = self.open_upvals.last() {
            if uv.index.get() < level {
                break;
            }
            uv.closed.set(self.stack[uv.index.get()]);
            uv.v.set(uv.closed.as_ptr());
            self.open_upvals.pop();
        }
    }

    // ---- metatables --------------------------------------------------------------------

    pub fn get_metatable(&self, v: &Value) -> Option<TableRef> {
        match v {
            Value::Table(t) => t.metatable,
            Value::UserData(u) => u.metatable,
            other => self.type_mt[other.type_of() as usize],
        }
    }

    /// Sets the metatable shared by all values of a non-table type (e.g. strings).
    pub fn set_type_metatable(&mut self, ty: Type, mt: Option<TableRef>) {
        self.type_mt[ty as usize] = mt;
    }

    // ---- errors ------------------------------------------------------------------------

    /// An error value `msg` prefixed with the position of the running Lua code, as
    /// luaG_runerror: used by the VM for its own errors.
    pub(crate) fn rt_error(&mut self, msg: &str) -> LuaError {
        self.rt_error_bytes(msg.as_bytes())
    }

    pub(crate) fn rt_error_bytes(&mut self, msg: &[u8]) -> LuaError {
        let mut s = self.where_(self.frames.len() - 1);
        s.extend_from_slice(msg);
        match self.new_str(&s) {
            Ok(v) => LuaError::Runtime(Value::Str(v)),
            Err(e) => e,
        }
    }

    /// `chunk:line: ` for frame `fi` if it runs Lua code, else empty.
    pub(crate) fn where_(&self, fi: usize) -> Vec<u8> {
        let f = &self.frames[fi];
        if let FrameKind::Lua(cl) = f.kind {
            let p = &cl.proto;
            let line = debuginfo::current_line(p, f.pc);
            let mut s = crate::chunkid::chunkid(p.source.as_bytes());
            s.extend_from_slice(format!(":{}: ", line).as_bytes());
            return s;
        }
        Vec::new()
    }

    /// A runtime error raised by a native, as luaL_error: prefixed with the position of
    /// the Lua code that called the native.
    pub fn error(&mut self, msg: impl AsRef<[u8]>) -> LuaError {
        let fi = self.frames.len();
        let mut s = if fi >= 2 {
            self.where_(fi - 2)
        } else {
            Vec::new()
        };
        s.extend_from_slice(msg.as_ref());
        match self.new_str(&s) {
            Ok(v) => LuaError::Runtime(Value::Str(v)),
            Err(e) => e,
        }
    }

    /// The value of an error, as `pcall` returns it.
    pub fn error_value(&self, e: &LuaError) -> Value {
        match e {
            LuaError::Runtime(v) | LuaError::Uncatchable(v) => *v,
            LuaError::Memory => Value::Str(self.mem_err_msg),
            LuaError::Yield => Value::Nil,
        }
    }

    // ---- threads -----------------------------------------------------------------------

    pub(crate) fn swap_in(&mut self, co: Gc<Thread>) {
        let saved = ThreadState {
            stack: std::mem::take(&mut self.stack),
            frames: std::mem::take(&mut self.frames),
            top: self.top,
            open_upvals: std::mem::take(&mut self.open_upvals),
            hook_last_pc: std::mem::take(&mut self.hook.last_pc),
        };
        let cur = self.cur_thread;
        cur.get_mut().state = saved;
        let st = std::mem::take(&mut co.get_mut().state);
        self.stack = st.stack;
        self.frames = st.frames;
        self.top = st.top;
        self.open_upvals = st.open_upvals;
        self.hook.last_pc = st.hook_last_pc;
        self.cur_thread = co;
    }

    pub fn new_thread(&mut self, f: Value) -> LuaResult<Gc<Thread>> {
        let env = Some(self.globals);
        let th = self
            .heap
            .alloc(Thread::new(env, false), BASIC_STACK * 16, GcObj::Thread)?;
        let st = &mut th.get_mut().state;
        st.stack = vec![Value::Nil; BASIC_STACK];
        st.stack[1] = f;
        st.top = 2;
        st.frames.push(Frame::base());
        Ok(th)
    }

    pub fn current_thread(&self) -> Gc<Thread> {
        self.cur_thread
    }

    pub fn is_main_thread(&self) -> bool {
        self.cur_thread == self.main_thread
    }
}

impl Drop for Lua {
    fn drop(&mut self) {
        self.heap.free_all();
    }
}
