//! `lua51`: a Lua 5.1 interpreter faithful to PUC-Rio Lua 5.1.5.
//!
//! Pipeline: source bytes → `lex` (logos) → `parse` (AST in `ast`) → `compile` (register
//! bytecode, `opcode`) → `vm` (one dispatch loop) with a tracing collector (`gc`). The
//! standard library is in `stdlib`, each library opened separately so an embedder chooses
//! what a sandbox sees. Tests: unit tests beside the code, `tests/` for the embedding API
//! and engines, and `lua-tests/` (programs with output recorded from lua5.1).
//!
//! Embedding:
//!
//! ```
//! use lua51::{Lua, Value};
//! let mut l = Lua::new_empty();
//! lua51::stdlib::open_libs(&mut l).unwrap();
//! // A native function that captures Rust state.
//! let greet = l.new_closure("greet", |l| {
//!     let name = l.check_str(1)?;
//!     let s = format!("hello {}", name.to_str_lossy());
//!     l.push_str(s.as_bytes())?;
//!     Ok(1)
//! }).unwrap();
//! l.set_global("greet", greet).unwrap();
//! // Cap the heap and run a chunk; errors come back as values with lua5.1's text.
//! l.set_memory_limit(64 << 20);
//! let out = l.exec(b"return greet('lua'), 6 * 7", b"=example").unwrap();
//! assert!(matches!(out[0], Value::Str(s) if s.as_bytes() == b"hello lua"));
//! let err = l.exec(b"local t = nil; return t.x", b"=example").unwrap_err();
//! assert_eq!(err.to_string(), "example:1: attempt to index local 't' (a nil value)");
//! ```
pub mod api;
pub mod ast;
pub mod chunkid;
pub mod compile;
pub mod dump;
pub mod error;
pub mod func;
pub mod gc;
pub mod lex;
pub mod listing;
pub mod number;
pub mod opcode;
pub mod parse;
pub mod stdlib;
pub mod string;
pub mod table;
pub mod thread;
pub mod value;
pub mod vm;

pub use error::{LuaError, LuaResult};
pub use value::{Type, Value};
pub use vm::Lua;
