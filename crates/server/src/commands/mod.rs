//! Command handlers, one file per family. Handlers write success replies to the client's
//! output buffer and return `CmdError` for errors (turned into replies in one place).

pub mod bits;
pub mod connection;
pub mod keys;
pub mod server_cmds;
pub mod strings;
pub mod transactions;
pub mod lists;

use crate::db::Value;
use crate::error::CmdError;

/// Case-insensitive comparison of an argument with a lowercase keyword.
#[inline]
pub fn is(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

/// Parses an integer argument (`ERR value is not an integer or out of range`).
#[inline]
pub fn int_arg(arg: &[u8]) -> Result<i64, CmdError> {
    resp::request::parse_i64_strict(arg).ok_or(CmdError::NotInteger)
}

/// Parses a float the way Redis's `strtold`-based parsing accepts it: no spaces, no NaN.
pub fn float_arg(arg: &[u8]) -> Result<f64, CmdError> {
    let s = std::str::from_utf8(arg).map_err(|_| CmdError::NotFloat)?;
    if s.is_empty() || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return Err(CmdError::NotFloat);
    }
    let v: f64 = s.parse().map_err(|_| CmdError::NotFloat)?;
    if v.is_nan() {
        return Err(CmdError::NotFloat);
    }
    Ok(v)
}

/// The string bytes of a value, or WRONGTYPE for other types.
#[inline]
pub fn string_bytes<'a>(v: &'a Value, tmp: &'a mut crate::db::IntBuf) -> Result<&'a [u8], CmdError> {
    match v {
        Value::Int(_) | Value::Str(_) => Ok(v.bytes(tmp)),
        _ => Err(CmdError::WrongType),
    }
}
