//! `Value`: the 16-byte, `Copy` representation of every Lua value.
//!
//! Collectable values hold a `Gc` handle; equality of handles is identity, and strings
//! are interned, so raw equality never looks at string contents.

use crate::func::{LuaClosure, NativeClosure};
use crate::gc::Gc;
use crate::string::{LuaStr, StrRef};
use crate::table::TableRef;
use crate::thread::Thread;
use std::any::Any;

#[derive(Clone, Copy, Debug, Default)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Num(f64),
    Str(StrRef),
    Table(TableRef),
    LuaFn(Gc<LuaClosure>),
    Native(Gc<NativeClosure>),
    UserData(Gc<UserData>),
    Thread(Gc<Thread>),
    LightUserData(usize),
}

/// Full userdata: an arbitrary Rust value with a metatable and an environment.
pub struct UserData {
    pub data: Box<dyn Any>,
    pub metatable: Option<TableRef>,
    pub env: Option<TableRef>,
    /// `__gc` already ran (or was queued) for this object.
    pub(crate) finalized: std::cell::Cell<bool>,
}

/// The basic types, in lua.h order (LUA_TNIL ... LUA_TTHREAD).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Nil = 0,
    Boolean = 1,
    LightUserData = 2,
    Number = 3,
    String = 4,
    Table = 5,
    Function = 6,
    UserData = 7,
    Thread = 8,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Nil => "nil",
            Type::Boolean => "boolean",
            Type::LightUserData | Type::UserData => "userdata",
            Type::Number => "number",
            Type::String => "string",
            Type::Table => "table",
            Type::Function => "function",
            Type::Thread => "thread",
        }
    }
}

impl Value {
    #[inline(always)]
    pub fn type_of(&self) -> Type {
        match self {
            Value::Nil => Type::Nil,
            Value::Bool(_) => Type::Boolean,
            Value::Num(_) => Type::Number,
            Value::Str(_) => Type::String,
            Value::Table(_) => Type::Table,
            Value::LuaFn(_) | Value::Native(_) => Type::Function,
            Value::UserData(_) => Type::UserData,
            Value::Thread(_) => Type::Thread,
            Value::LightUserData(_) => Type::LightUserData,
        }
    }

    pub fn type_name(&self) -> &'static str {
        self.type_of().name()
    }

    #[inline(always)]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Lua truthiness: only `nil` and `false` are false.
    #[inline(always)]
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    #[inline(always)]
    pub fn as_str(&self) -> Option<&LuaStr> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Primitive equality (`rawequal`): numbers by value, everything else by identity.
    #[inline(always)]
    pub fn raw_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::LuaFn(a), Value::LuaFn(b)) => a == b,
            (Value::Native(a), Value::Native(b)) => a == b,
            (Value::UserData(a), Value::UserData(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
            _ => false,
        }
    }

    /// Address of a collectable value (for `%p`-style printing and hashing by identity).
    pub fn addr(&self) -> usize {
        match self {
            Value::Str(g) => g.addr(),
            Value::Table(g) => g.addr(),
            Value::LuaFn(g) => g.addr(),
            Value::Native(g) => g.addr(),
            Value::UserData(g) => g.addr(),
            Value::Thread(g) => g.addr(),
            Value::LightUserData(p) => *p,
            _ => 0,
        }
    }

    pub fn is_collectable(&self) -> bool {
        matches!(
            self,
            Value::Str(_)
                | Value::Table(_)
                | Value::LuaFn(_)
                | Value::Native(_)
                | Value::UserData(_)
                | Value::Thread(_)
        )
    }

    pub fn as_table(&self) -> Option<TableRef> {
        match self {
            Value::Table(t) => Some(*t),
            _ => None,
        }
    }
}

// Compile-time guard for the 16-byte contract.
const _: () = assert!(std::mem::size_of::<Value>() == 16);

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Num(n)
    }
}
impl From<StrRef> for Value {
    fn from(s: StrRef) -> Value {
        Value::Str(s)
    }
}
impl From<TableRef> for Value {
    fn from(t: TableRef) -> Value {
        Value::Table(t)
    }
}
