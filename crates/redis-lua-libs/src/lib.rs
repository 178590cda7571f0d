//! `redis_lua_libs`: the four libraries Redis 7.0 bundles into its Lua scripting
//! environment, written for the `lua51` interpreter.
//!
//! - [`cjson`]: JSON `encode`/`decode` with lua-cjson 2.1.0's output, options and errors.
//! - [`cmsgpack`]: MessagePack `pack`/`unpack` as lua-cmsgpack 0.4.0 does them.
//! - [`bit`]: 32-bit bitwise operations with LuaBitOp 1.0.2's number normalisation.
//! - [`structlib`]: binary packing (`struct.pack`/`unpack`/`size`) as Roberto
//!   Ierusalimschy's struct library.
//!
//! Each `open_*` function registers one global table; [`open_all`] opens the four. The
//! libraries only build values and never call back into Lua, so they do not run the
//! collector; long loops charge the interpreter's instruction budget (`Lua::charge`) so a
//! busy-script hook can interrupt them. What this crate does not do: make the tables
//! read-only or otherwise sandbox them (the embedding server does that).
//!
//! Where the C libraries' behaviour depends on the Lua C stack (`lua_checkstack` refusing
//! to grow past `LUAI_MAXCSTACK` slots), the same limits are reproduced by counting the
//! slots the C code would use ([`CStackModel`]), so deep nesting fails with the same
//! error at the same depth. Tests: `tests/*.rs`, comparing with outputs recorded from
//! redis-server 7.0.15 (see `tests/README.md`).

pub mod bit;
pub mod cjson;
pub mod cmsgpack;
pub mod structlib;

use lua51::{Lua, LuaError, LuaResult};

pub use bit::open as open_bit;
pub use cjson::open as open_cjson;
pub use cmsgpack::open as open_cmsgpack;
pub use structlib::open as open_struct;

/// Opens `cjson`, `cmsgpack`, `bit` and `struct` (Redis's `luaLoadLibraries` order).
pub fn open_all(l: &mut Lua) -> LuaResult<()> {
    open_cjson(l)?;
    open_struct(l)?;
    open_cmsgpack(l)?;
    open_bit(l)?;
    Ok(())
}

/// Lua 5.1's `LUAI_MAXCSTACK` (`luaconf.h`): a C function may use at most this many
/// stack slots; `lua_checkstack` fails past it.
pub const LUAI_MAXCSTACK: usize = 8000;

/// Counts the Lua stack slots a C implementation would be using, to reproduce where its
/// `lua_checkstack` calls fail.
#[derive(Clone, Copy, Debug)]
pub struct CStackModel {
    /// Slots in use above the function's base (its arguments included).
    pub used: usize,
}

impl CStackModel {
    pub fn new(nargs: usize) -> CStackModel {
        CStackModel { used: nargs }
    }

    /// `lua_checkstack(L, extra)`: would `extra` more slots be granted?
    pub fn check(&self, extra: usize) -> bool {
        self.used + extra <= LUAI_MAXCSTACK
    }
}

/// A plain error message without position (what `lua_error` with a string raises).
pub(crate) fn plain_error(l: &mut Lua, msg: &[u8]) -> LuaError {
    match l.str_value(msg) {
        Ok(v) => LuaError::Runtime(v),
        Err(e) => e,
    }
}

/// Fails with `not enough memory` if an output buffer of `len` bytes could not become a
/// Lua string under the heap limit.
pub(crate) fn check_output_size(l: &Lua, len: usize) -> LuaResult<()> {
    let mem = &l.heap.mem;
    if len > mem.limit.saturating_sub(mem.bytes) {
        return Err(LuaError::Memory);
    }
    Ok(())
}

/// Sets `t[name] = v` for a string field.
pub(crate) fn set_field(
    l: &mut Lua,
    t: lua51::table::TableRef,
    name: &str,
    v: lua51::Value,
) -> LuaResult<()> {
    let k = l.str_value(name.as_bytes())?;
    l.raw_set(t, k, v)
}
