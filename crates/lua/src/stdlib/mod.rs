//! Standard-library engines that are pure functions of bytes and numbers, shared by the
//! library functions that expose them to Lua.
pub mod base;
pub mod debug;
pub mod format;
pub mod io;
pub mod math;
pub mod os;
pub mod package;
pub mod pattern;
pub mod string;
pub mod table;

use crate::error::LuaResult;
use crate::vm::Lua;

/// C `strerror` text of an I/O error (Rust's message without the "(os error N)" tail).
pub fn os_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Opens every standard library into `l`'s globals.
pub fn open_libs(l: &mut Lua) -> LuaResult<()> {
    base::open(l)?;
    table::open(l)?;
    io::open(l)?;
    os::open(l)?;
    string::open(l)?;
    math::open(l)?;
    debug::open(l)?;
    // Last, so `package.loaded` lists the libraries opened before it.
    package::open(l)?;
    Ok(())
}
