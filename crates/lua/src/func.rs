//! Function prototypes (compiled code), Lua closures, native closures and upvalues.

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::opcode::Instr;
use crate::string::StrRef;
use crate::table::TableRef;
use crate::value::Value;
use crate::vm::Lua;
use std::cell::Cell;
use std::rc::Rc;

/// Where a closure finds each upvalue when it is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpvalDesc {
    /// True: a local (register `index`) of the enclosing function; false: the enclosing
    /// function's upvalue `index`.
    pub in_stack: bool,
    pub index: u8,
}

#[derive(Clone, Debug)]
pub struct LocVar {
    pub name: StrRef,
    /// First instruction where the variable is active.
    pub start_pc: u32,
    /// First instruction where the variable is dead.
    pub end_pc: u32,
}

/// `is_vararg` flags as in 5.1 (VARARG_HASARG, VARARG_ISVARARG, VARARG_NEEDSARG).
pub const VARARG_HASARG: u8 = 1;
pub const VARARG_ISVARARG: u8 = 2;
pub const VARARG_NEEDSARG: u8 = 4;

/// Compiled function: code plus everything needed to run and describe it.
pub struct Proto {
    pub code: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub constants: Vec<Value>,
    pub protos: Vec<Rc<Proto>>,
    pub upvals: Vec<UpvalDesc>,
    pub upval_names: Vec<StrRef>,
    pub locvars: Vec<LocVar>,
    pub num_params: u8,
    pub is_vararg: u8,
    pub max_stack: u8,
    pub source: StrRef,
    pub line_defined: u32,
    pub last_line_defined: u32,
}

/// An upvalue: while open it points at a live stack slot; once the slot's scope ends it
/// is closed and holds the value itself.
pub struct UpVal {
    /// Points at the stack slot (open) or at `closed` (closed).
    pub(crate) v: Cell<*mut Value>,
    pub(crate) closed: Cell<Value>,
    /// Stack index while open (meaningless once closed).
    pub(crate) index: Cell<usize>,
}

impl UpVal {
    #[inline(always)]
    pub fn get(&self) -> Value {
        // SAFETY: `v` points either at `self.closed` (stable: the upvalue is boxed) or at
        // a stack slot of a live thread; stacks that move fix their open upvalues'
        // pointers (`Lua::grow_stack`), and closing redirects `v` before the slot dies.
        unsafe { *self.v.get() }
    }
    #[inline(always)]
    pub fn set(&self, val: Value) {
        // SAFETY: as in `get`.
        unsafe { *self.v.get() = val }
    }
}

pub type UpValRef = Gc<UpVal>;

/// A closure's upvalues.
pub type UpvalList = smallvec::SmallVec<[UpValRef; 2]>;

pub struct LuaClosure {
    pub proto: Rc<Proto>,
    /// Inline for the common few upvalues: one allocation per closure, not two.
    pub upvals: UpvalList,
    pub env: Cell<TableRef>,
}

/// A native function: reads its arguments from the Lua stack (`Lua::arg`), pushes its
/// results and returns how many it pushed.
pub type NativeFn = fn(&mut Lua) -> LuaResult<usize>;

/// A native closure that captures Rust state.
pub type BoxedNative = Rc<dyn Fn(&mut Lua) -> LuaResult<usize>>;

pub enum NativeKind {
    Fn(NativeFn),
    Boxed(BoxedNative),
}

pub struct NativeClosure {
    pub kind: NativeKind,
    /// Lua values the function keeps (C upvalues).
    pub upvalues: Box<[Cell<Value>]>,
    pub env: Cell<TableRef>,
    /// Name used in tracebacks when nothing better is known.
    pub name: &'static str,
}
