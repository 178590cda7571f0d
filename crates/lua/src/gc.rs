//! The garbage-collected heap: object handles, allocation, accounting and mark & sweep.
//!
//! Every Lua object (string, table, closure, upvalue, userdata, thread) lives in a
//! `GcBox` allocated here and is referred to by a `Gc<T>` handle: a plain pointer that
//! is `Copy`, so `Value` stays 16 bytes and is copied freely without reference counts.
//!
//! Collection is a stop-the-world mark & sweep driven by allocation debt (the heap grows
//! to `pause`% of the live size after a collection before the next one starts). It only
//! runs at *safe points* chosen by the VM (see `vm` invariants): at those points every
//! live value is reachable from the roots (stacks, registry, globals, open upvalues), so
//! natives may hold handles in Rust locals as long as they do not call back into Lua
//! while doing so; a native that calls Lua keeps what it needs on the Lua stack.
//!
//! All `unsafe` dereferencing of handles is here (registers: `vm/execute.rs`): a handle is valid
//! from allocation until the sweep that finds it unmarked, and sweeps only free
//! unreachable objects.

use std::cell::Cell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// Header shared by all heap objects.
pub struct GcHeader {
    pub(crate) marked: Cell<bool>,
}

/// A heap object: header + payload. Payload is accessed through `Gc<T>`.
pub struct GcBox<T> {
    pub(crate) header: GcHeader,
    pub(crate) value: T,
}

/// A handle to a heap object. Copy, pointer-sized, compared by identity.
pub struct Gc<T> {
    ptr: NonNull<GcBox<T>>,
    _marker: PhantomData<*const T>,
}

impl<T> Clone for Gc<T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Gc<T> {}

impl<T> PartialEq for Gc<T> {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }
}
impl<T> Eq for Gc<T> {}
impl<T> Hash for Gc<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.ptr.hash(state)
    }
}
impl<T> fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:p}", self.ptr.as_ptr())
    }
}

impl<T> Gc<T> {
    /// The object's address, as printed by `tostring` (`table: 0x...`).
    #[inline(always)]
    pub fn addr(self) -> usize {
        self.ptr.as_ptr() as usize
    }

    #[inline(always)]
    pub(crate) fn header(&self) -> &GcHeader {
        // SAFETY: a handle is only used while its object is alive (see module docs).
        unsafe { &(*self.ptr.as_ptr()).header }
    }

    /// Mutable access to the payload. Callers keep the borrow short and never hold two
    /// mutable borrows of one object, nor one across a call into Lua.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub(crate) fn get_mut(&self) -> &mut T {
        // SAFETY: the object is alive (module docs); the VM is single-threaded and the
        // callers uphold the no-overlapping-borrow rule stated above.
        unsafe { &mut (*self.ptr.as_ptr()).value }
    }

    pub(crate) fn as_raw(self) -> *mut GcBox<T> {
        self.ptr.as_ptr()
    }
}

impl<T> std::ops::Deref for Gc<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: a handle is only used while its object is alive (see module docs).
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

/// One entry of the all-objects list, so the sweeper knows each object's type.
#[derive(Clone, Copy)]
pub(crate) enum GcObj {
    Str(Gc<crate::string::LuaStr>),
    Table(Gc<crate::table::Table>),
    LuaFn(Gc<crate::func::LuaClosure>),
    Native(Gc<crate::func::NativeClosure>),
    UpVal(Gc<crate::func::UpVal>),
    UserData(Gc<crate::value::UserData>),
    Thread(Gc<crate::thread::Thread>),
}

impl GcObj {
    fn marked(&self) -> bool {
        match self {
            GcObj::Str(g) => g.header().marked.get(),
            GcObj::Table(g) => g.header().marked.get(),
            GcObj::LuaFn(g) => g.header().marked.get(),
            GcObj::Native(g) => g.header().marked.get(),
            GcObj::UpVal(g) => g.header().marked.get(),
            GcObj::UserData(g) => g.header().marked.get(),
            GcObj::Thread(g) => g.header().marked.get(),
        }
    }
    fn unmark(&self) {
        match self {
            GcObj::Str(g) => g.header().marked.set(false),
            GcObj::Table(g) => g.header().marked.set(false),
            GcObj::LuaFn(g) => g.header().marked.set(false),
            GcObj::Native(g) => g.header().marked.set(false),
            GcObj::UpVal(g) => g.header().marked.set(false),
            GcObj::UserData(g) => g.header().marked.set(false),
            GcObj::Thread(g) => g.header().marked.set(false),
        }
    }
    /// Frees the object.
    ///
    /// SAFETY: the caller guarantees the object is unreachable and freed only once.
    unsafe fn free(self) {
        match self {
            GcObj::Str(g) => drop(Box::from_raw(g.as_raw())),
            GcObj::Table(g) => drop(Box::from_raw(g.as_raw())),
            GcObj::LuaFn(g) => drop(Box::from_raw(g.as_raw())),
            GcObj::Native(g) => drop(Box::from_raw(g.as_raw())),
            GcObj::UpVal(g) => drop(Box::from_raw(g.as_raw())),
            GcObj::UserData(g) => drop(Box::from_raw(g.as_raw())),
            GcObj::Thread(g) => drop(Box::from_raw(g.as_raw())),
        }
    }
}

/// Default `setpause` (percent): collect when the heap doubles, as Lua 5.1 (LUAI_GCPAUSE).
pub const DEFAULT_PAUSE: u32 = 200;
/// Default `setstepmul` (percent), Lua 5.1's LUAI_GCMUL; kept for `collectgarbage`.
pub const DEFAULT_STEPMUL: u32 = 200;
/// Work units of one incremental step per 1% of `setstepmul` (5.1's GCSTEPSIZE/100,
/// with GCSTEPSIZE = 1024).
pub const STEP_UNIT: usize = 1024 / 100;
/// Smallest collection threshold, so tiny heaps are not collected over and over.
const MIN_THRESHOLD: usize = 64 * 1024;

/// Allocation bookkeeping, separate from the object list so that table code can charge
/// growth without borrowing the whole heap.
pub struct MemStats {
    /// Bytes currently allocated for Lua objects (headers, payloads, owned buffers).
    pub bytes: usize,
    /// Hard cap set by the embedder (`usize::MAX` = none).
    pub limit: usize,
    /// Collect when `bytes` reaches this.
    pub threshold: usize,
}

impl MemStats {
    /// Charges `n` more bytes; fails (charging nothing) past the limit.
    #[inline]
    pub fn charge(&mut self, n: usize) -> Result<(), crate::error::MemoryError> {
        let new = self.bytes.saturating_add(n);
        if new > self.limit {
            return Err(crate::error::MemoryError);
        }
        self.bytes = new;
        Ok(())
    }
    #[inline]
    pub fn release(&mut self, n: usize) {
        self.bytes = self.bytes.saturating_sub(n);
    }
}

pub struct Heap {
    pub(crate) objects: Vec<GcObj>,
    pub mem: MemStats,
    pub pause: u32,
    pub stepmul: u32,
    /// `collectgarbage("stop")` sets this.
    pub stopped: bool,
    /// Work credited by `collectgarbage("step")` since the last collection; a step
    /// completes a cycle once this covers the heap (see `step`).
    pub step_credit: usize,
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            objects: Vec::with_capacity(1024),
            mem: MemStats {
                bytes: 0,
                limit: usize::MAX,
                threshold: MIN_THRESHOLD,
            },
            pause: DEFAULT_PAUSE,
            stepmul: DEFAULT_STEPMUL,
            stopped: false,
            step_credit: 0,
        }
    }

    /// Allocates an object; `extra` is the size of buffers it owns.
    pub(crate) fn alloc<T>(
        &mut self,
        value: T,
        extra: usize,
        wrap: fn(Gc<T>) -> GcObj,
    ) -> Result<Gc<T>, crate::error::MemoryError> {
        self.mem.charge(std::mem::size_of::<GcBox<T>>() + extra)?;
        let b = Box::new(GcBox {
            header: GcHeader {
                marked: Cell::new(false),
            },
            value,
        });
        let ptr = NonNull::from(Box::leak(b));
        let g = Gc {
            ptr,
            _marker: PhantomData,
        };
        self.objects.push(wrap(g));
        Ok(g)
    }

    /// Is it time to collect?
    #[inline(always)]
    pub fn should_collect(&self) -> bool {
        self.mem.bytes >= self.mem.threshold && !self.stopped
    }

    /// Credits the work of `collectgarbage("step", kb)` and tells whether a whole cycle
    /// is now paid for. Our collector is stop-the-world, so incremental steps are
    /// emulated: 5.1 runs `kb + 1` steps of `STEP_UNIT * stepmul` units of work each,
    /// and a cycle costs about one unit per byte in use; the caller collects when this
    /// returns true.
    pub fn step(&mut self, kb: usize) -> bool {
        let per_step = (STEP_UNIT * self.stepmul as usize).max(STEP_UNIT);
        let work = per_step.saturating_mul(kb.saturating_add(1));
        self.step_credit = self.step_credit.saturating_add(work);
        self.step_credit >= self.mem.bytes
    }

    /// Sets the threshold after a collection from the live size and `pause`.
    pub(crate) fn set_threshold(&mut self) {
        let live = self.mem.bytes;
        let t = (live / 100).saturating_mul(self.pause as usize);
        self.mem.threshold = t.max(MIN_THRESHOLD);
    }

    /// Frees every unmarked object, clears marks on survivors. `sizeof` tells the bytes
    /// an object accounts for. Returns how many objects were freed.
    pub(crate) fn sweep(&mut self, sizeof: impl Fn(&GcObj) -> usize) -> usize {
        let mut freed = 0usize;
        let mut released = 0usize;
        // Survivors are compacted in place, keeping allocation order (finalizers run
        // newest first, as in 5.1, which relies on that order).
        let mut kept = 0;
        for i in 0..self.objects.len() {
            let obj = self.objects[i];
            if obj.marked() {
                obj.unmark();
                self.objects[kept] = obj;
                kept += 1;
            } else {
                released += sizeof(&obj);
                // SAFETY: unmarked after a full mark phase means unreachable; the entry is
                // dropped from the list below, so it is freed exactly once.
                unsafe { obj.free() };
                freed += 1;
            }
        }
        self.objects.truncate(kept);
        self.mem.release(released);
        freed
    }

    /// Frees everything (state teardown).
    pub(crate) fn free_all(&mut self) {
        for obj in self.objects.drain(..) {
            // SAFETY: the state is being dropped; no handle is used afterwards.
            unsafe { obj.free() };
        }
        self.mem.bytes = 0;
    }
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}
