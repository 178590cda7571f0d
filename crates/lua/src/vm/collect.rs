//! A full garbage collection: mark from the roots, clear weak tables, queue finalizers,
//! sweep. Runs only at safe points (VM invariant 4).
//!
//! Roots: the running thread's stack up to the highest live slot (slots above are
//! cleared so stale values never outlive their objects), its open upvalues, the globals,
//! the registry, per-type metatables, metamethod names and the main and current threads.

use super::Lua;
use crate::error::LuaResult;
use crate::func::Proto;
use crate::gc::GcObj;
use crate::value::Value;
use crate::vm::meta::{TM_GC, TM_MODE};

/// Work list of objects whose children still need marking.
struct Marker {
    gray: Vec<GcObj>,
    weak: Vec<(crate::table::TableRef, bool, bool)>,
}

impl Marker {
    #[inline]
    fn value(&mut self, v: &Value) {
        match v {
            Value::Str(s) => s.header().marked.set(true),
            Value::Table(t) => {
                if !t.header().marked.replace(true) {
                    self.gray.push(GcObj::Table(*t));
                }
            }
            Value::LuaFn(f) => {
                if !f.header().marked.replace(true) {
                    self.gray.push(GcObj::LuaFn(*f));
                }
            }
            Value::Native(f) => {
                if !f.header().marked.replace(true) {
                    self.gray.push(GcObj::Native(*f));
                }
            }
            Value::UserData(u) => {
                if !u.header().marked.replace(true) {
                    self.gray.push(GcObj::UserData(*u));
                }
            }
            Value::Thread(t) => {
                if !t.header().marked.replace(true) {
                    self.gray.push(GcObj::Thread(*t));
                }
            }
            _ => {}
        }
    }

    fn table(&mut self, t: crate::table::TableRef) {
        if !t.header().marked.replace(true) {
            self.gray.push(GcObj::Table(t));
        }
    }

    fn proto(&mut self, p: &Proto) {
        p.source.header().marked.set(true);
        for k in &p.constants {
            self.value(k);
        }
        for n in &p.upval_names {
            n.header().marked.set(true);
        }
        for lv in &p.locvars {
            lv.name.header().marked.set(true);
        }
        for c in &p.protos {
            self.proto(c);
        }
    }

    fn stack(
        &mut self,
        stack: &[Value],
        frames: &[super::Frame],
        top: usize,
        upvals: &[crate::func::UpValRef],
    ) {
        let live = live_top(frames, top).min(stack.len());
        for v in &stack[..live] {
            self.value(v);
        }
        for uv in upvals {
            uv.header().marked.set(true);
        }
    }
}

/// End of the live part of a thread's stack, as 5.1 marks it: a running Lua frame on
/// top keeps all its registers; when a native runs (or a call is in progress) only the
/// slots below `top` are live, so registers of dead locals above a call are not roots.
fn live_top(frames: &[super::Frame], top: usize) -> usize {
    match frames.last() {
        Some(f) if matches!(f.kind, super::FrameKind::Lua(_)) => top.max(f.top),
        _ => top,
    }
}

impl Lua {
    /// Runs a full collection cycle, then any pending finalizers.
    pub fn collect_garbage(&mut self) {
        self.heap.step_credit = 0;
        // A full cycle recomputes the threshold, which in 5.1 also ends a "stop".
        self.heap.stopped = false;
        let mut m = Marker {
            gray: Vec::new(),
            weak: Vec::new(),
        };
        // Roots.
        m.table(self.globals);
        m.table(self.registry);
        for t in self.type_mt.iter().flatten() {
            m.table(*t);
        }
        for s in &self.tm_names {
            s.header().marked.set(true);
        }
        self.mem_err_msg.header().marked.set(true);
        m.value(&Value::Thread(self.main_thread));
        m.value(&Value::Thread(self.cur_thread));
        m.stack(&self.stack, &self.frames, self.top, &self.open_upvals);
        // Clear dead slots above the live part so they never hold freed objects.
        let live = live_top(&self.frames, self.top).min(self.stack.len());
        for v in &mut self.stack[live..] {
            *v = Value::Nil;
        }
        for v in self.pending_finalizers.iter().chain(self.api_roots.iter()) {
            m.value(v);
        }
        self.propagate(&mut m);

        // Userdata with `__gc` that are about to die are resurrected once to be finalized.
        let mut to_finalize = Vec::new();
        for obj in &self.heap.objects {
            if let GcObj::UserData(u) = obj {
                if !u.header().marked.get() && !u.finalized.get() {
                    if let Some(mt) = u.metatable {
                        if !mt.get_str(self.tm_names[TM_GC]).is_nil() {
                            to_finalize.push(Value::UserData(*u));
                        }
                    }
                }
            }
        }
        // Newest first, as 5.1 runs them.
        to_finalize.reverse();
        for v in &to_finalize {
            m.value(v);
            if let Value::UserData(u) = v {
                u.finalized.set(true);
            }
        }
        self.propagate(&mut m);

        // Weak tables: drop entries whose weak part died. Strings count as values, not
        // objects, so they are kept (and marked). As in 5.1, a finalized userdata is
        // dropped at once as a value but kept as a key until it really dies.
        for (t, wk, wv) in std::mem::take(&mut m.weak) {
            t.get_mut().clear_entries(wk, wv, |v, is_key| match v {
                Value::Str(s) => {
                    s.header().marked.set(true);
                    true
                }
                Value::Table(x) => x.header().marked.get(),
                Value::LuaFn(x) => x.header().marked.get(),
                Value::Native(x) => x.header().marked.get(),
                Value::UserData(x) => x.header().marked.get() && (is_key || !x.finalized.get()),
                Value::Thread(x) => x.header().marked.get(),
                _ => true,
            });
        }

        // Threads about to be freed close their open upvalues first (the upvalue objects
        // may outlive the thread).
        for obj in &self.heap.objects {
            if let GcObj::Thread(t) = obj {
                if !t.header().marked.get() {
                    let st = &mut t.get_mut().state;
                    for uv in st.open_upvals.drain(..) {
                        let i = uv.index.get();
                        uv.closed
                            .set(st.stack.get(i).copied().unwrap_or(Value::Nil));
                        uv.v.set(uv.closed.as_ptr());
                    }
                }
            }
        }

        self.strings.remove_dead();
        self.heap.sweep(object_size);
        self.heap.set_threshold();

        self.pending_finalizers.extend(to_finalize);
        let _ = self.run_finalizers_checked();
    }

    /// A full collection whose finalizer errors propagate, as `collectgarbage()` does
    /// in 5.1 (finalizers not run yet stay pending).
    pub(crate) fn collect_garbage_checked(&mut self) -> LuaResult<()> {
        self.defer_finalizers = true;
        self.collect_garbage();
        self.defer_finalizers = false;
        self.run_finalizers_checked()
    }

    fn propagate(&mut self, m: &mut Marker) {
        while let Some(obj) = m.gray.pop() {
            match obj {
                GcObj::Table(t) => {
                    let mut wk = false;
                    let mut wv = false;
                    if let Some(mt) = t.metatable {
                        m.table(mt);
                        if let Value::Str(mode) = mt.get_str(self.tm_names[TM_MODE]) {
                            wk = mode.as_bytes().contains(&b'k');
                            wv = mode.as_bytes().contains(&b'v');
                        }
                    }
                    if wk || wv {
                        m.weak.push((t, wk, wv));
                    }
                    t.for_each_entry(|k, v| {
                        if !wk {
                            m.value(k);
                        } else if let Value::Str(s) = k {
                            s.header().marked.set(true);
                        }
                        if !wv {
                            m.value(v);
                        } else if let Value::Str(s) = v {
                            s.header().marked.set(true);
                        }
                    });
                }
                GcObj::LuaFn(f) => {
                    m.table(f.env.get());
                    for uv in f.upvals.iter() {
                        uv.header().marked.set(true);
                        m.value(&uv.get());
                    }
                    m.proto(&f.proto);
                }
                GcObj::Native(f) => {
                    m.table(f.env.get());
                    for v in f.upvalues.iter() {
                        m.value(&v.get());
                    }
                }
                GcObj::UserData(u) => {
                    if let Some(mt) = u.metatable {
                        m.table(mt);
                    }
                    if let Some(env) = u.env {
                        m.table(env);
                    }
                }
                GcObj::Thread(t) => {
                    if let Some(env) = t.env {
                        m.table(env);
                    }
                    if t != self.cur_thread {
                        let st = &t.state;
                        m.stack(&st.stack, &st.frames, st.top, &st.open_upvals);
                        let live = live_top(&st.frames, st.top).min(st.stack.len());
                        for v in &mut t.get_mut().state.stack[live..] {
                            *v = Value::Nil;
                        }
                    }
                }
                GcObj::Str(_) | GcObj::UpVal(_) => {}
            }
        }
    }

    /// Calls `__gc` of queued userdata, ignoring their errors (as 5.1 does at close).
    /// Runs pending `__gc` metamethods, newest object first; the first error stops
    /// the run (the rest stay pending) and is returned.
    pub(crate) fn run_finalizers_checked(&mut self) -> LuaResult<()> {
        if self.pending_finalizers.is_empty() || self.hook.in_hook || self.defer_finalizers {
            return Ok(());
        }
        let mut list = std::mem::take(&mut self.pending_finalizers);
        list.reverse();
        while let Some(v) = list.pop() {
            let tm = self.get_tm_of(&v, TM_GC);
            if tm.is_nil() {
                continue;
            }
            let func = self.scratch_top();
            if self.ensure_stack(func + 2 + super::MIN_STACK).is_err() {
                continue;
            }
            self.stack[func] = tm;
            self.stack[func + 1] = v;
            let saved = self.top;
            self.top = func + 2;
            let r = self.pcall_at(func, 0);
            self.top = saved;
            if let Err(e) = r {
                list.reverse();
                list.extend(std::mem::take(&mut self.pending_finalizers));
                self.pending_finalizers = list;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Runs the collector if the allocation debt says so (a safe point).
    #[inline]
    pub fn maybe_collect(&mut self) {
        if self.heap.should_collect() {
            self.collect_garbage();
        }
    }
}

/// Bytes an object accounts for (must match what was charged at allocation and growth).
fn object_size(obj: &GcObj) -> usize {
    use crate::gc::GcBox;
    use std::mem::size_of;
    match obj {
        GcObj::Str(s) => crate::string::str_size(s.len()),
        GcObj::Table(t) => size_of::<GcBox<crate::table::Table>>() + t.buffer_bytes(),
        GcObj::LuaFn(f) => size_of::<GcBox<crate::func::LuaClosure>>() + f.upvals.len() * 8,
        GcObj::Native(f) => size_of::<GcBox<crate::func::NativeClosure>>() + f.upvalues.len() * 16,
        GcObj::UpVal(_) => size_of::<GcBox<crate::func::UpVal>>(),
        GcObj::UserData(_) => size_of::<GcBox<crate::value::UserData>>(),
        GcObj::Thread(_) => size_of::<GcBox<crate::thread::Thread>>() + 40 * 16,
    }
}
