//! Error types of the interpreter.
//!
//! A Lua error carries any Lua value (`error({code=1})` is legal). Memory exhaustion is
//! its own variant so it can be raised without allocating. `Uncatchable` is raised by an
//! embedder's hook to stop a script: `pcall` does not stop it.

use crate::value::Value;
use std::fmt;

/// An allocation would pass the heap limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryError;

#[derive(Debug, Clone, Copy)]
pub enum LuaError {
    /// A catchable error with its error value.
    Runtime(Value),
    /// `not enough memory`.
    Memory,
    /// Raised by a hook; passes through `pcall`/`xpcall` and unwinds to the embedder.
    Uncatchable(Value),
    /// Internal: a coroutine is yielding (never escapes `resume`).
    Yield,
}

impl From<MemoryError> for LuaError {
    fn from(_: MemoryError) -> LuaError {
        LuaError::Memory
    }
}

pub type LuaResult<T> = Result<T, LuaError>;

impl fmt::Display for LuaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LuaError::Runtime(v) | LuaError::Uncatchable(v) => match v {
                Value::Str(s) => write!(f, "{}", s.to_str_lossy()),
                Value::Nil => write!(f, "nil"),
                Value::Num(n) => {
                    let mut b = Vec::new();
                    crate::number::fmt_number(*n, &mut b);
                    write!(f, "{}", String::from_utf8_lossy(&b))
                }
                other => write!(f, "({} error object)", other.type_name()),
            },
            LuaError::Memory => write!(f, "not enough memory"),
            LuaError::Yield => write!(f, "attempt to yield across metamethod/C-call boundary"),
        }
    }
}
