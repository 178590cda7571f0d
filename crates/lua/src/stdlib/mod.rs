//! Standard-library engines that are pure functions of bytes and numbers, shared by the
//! library functions that expose them to Lua.
pub mod format;
pub mod pattern;
