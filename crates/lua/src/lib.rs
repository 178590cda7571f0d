//! `lua51`: a Lua 5.1 interpreter faithful to PUC-Rio Lua 5.1.5.
pub mod ast;
pub mod chunkid;
pub mod lex;
pub mod parse;
pub mod number;
pub mod stdlib;
pub mod api;
pub mod compile;
pub mod dump;
pub mod error;
pub mod func;
pub mod gc;
pub mod listing;
pub mod opcode;
pub mod string;
pub mod table;
pub mod thread;
pub mod value;
pub mod vm;

pub use error::{LuaError, LuaResult};
pub use value::{Type, Value};
pub use vm::Lua;
