//! `lua51`: a Lua 5.1 interpreter faithful to PUC-Rio Lua 5.1.5.
pub mod ast;
pub mod number;
pub mod stdlib;
