//! Reading a script the way lua5.1's `luaL_loadfile` does.
//!
//! - A file named on the command line gets the chunk name `@name`; standard input gets
//!   `=stdin`.
//! - A first line starting with `#` (a `#!` line) is skipped. For a text chunk the
//!   newline is kept so line numbers stay right; if what follows the line is a binary
//!   chunk (starts with ESC), the chunk starts at that ESC.
//! - Failures read `cannot open NAME: REASON` or `cannot read NAME: REASON`, with the C
//!   library's wording of the reason.
//!
//! The library's `loadfile` covers the text case; this module also accepts a binary
//! chunk behind a `#` line, which the official test suite checks.

use std::io::Read;

use lua51::{Lua, LuaResult, Value};

/// First byte of a binary chunk (`string.dump` output).
const BINARY_MARK: u8 = 0x1b;

/// Reads and compiles a script; `None` reads standard input.
pub fn load_file(l: &mut Lua, name: Option<&[u8]>) -> LuaResult<Value> {
    let (data, chunkname) = read(l, name)?;
    let body = strip_comment_line(&data, name.is_some());
    l.load(&body, &chunkname)
}

/// The file's bytes and its chunk name.
fn read(l: &mut Lua, name: Option<&[u8]>) -> LuaResult<(Vec<u8>, Vec<u8>)> {
    let mut data = Vec::new();
    match name {
        None => {
            if let Err(e) = std::io::stdin().lock().read_to_end(&mut data) {
                return Err(file_error(l, "read", b"stdin", &e));
            }
            Ok((data, b"=stdin".to_vec()))
        }
        Some(n) => {
            let path = crate::os_path(n);
            let mut f = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) => return Err(file_error(l, "open", n, &e)),
            };
            if let Err(e) = f.read_to_end(&mut data) {
                return Err(file_error(l, "read", n, &e));
            }
            let mut chunkname = b"@".to_vec();
            chunkname.extend_from_slice(n);
            Ok((data, chunkname))
        }
    }
}

/// `cannot WHAT NAME: REASON` as an error value.
fn file_error(l: &mut Lua, what: &str, name: &[u8], e: &std::io::Error) -> lua51::LuaError {
    let mut msg = format!("cannot {} ", what).into_bytes();
    msg.extend_from_slice(name);
    msg.extend_from_slice(b": ");
    msg.extend_from_slice(lua51::stdlib::os_error_text(e).as_bytes());
    match l.str_value(&msg) {
        Ok(v) => lua51::LuaError::Runtime(v),
        Err(e) => e,
    }
}

/// The chunk without a leading `#` line. Binary chunks are recognised only in named
/// files, as in lua5.1.
fn strip_comment_line(data: &[u8], named: bool) -> Vec<u8> {
    if data.first() != Some(&b'#') {
        return data.to_vec();
    }
    let rest = match data.iter().position(|&c| c == b'\n') {
        Some(nl) => &data[nl + 1..],
        None => &[][..],
    };
    if named && rest.first() == Some(&BINARY_MARK) {
        // lua5.1 rereads the file in binary mode and skips up to the first ESC.
        let esc = data.iter().position(|&c| c == BINARY_MARK).unwrap_or(0);
        return data[esc..].to_vec();
    }
    let mut body = Vec::with_capacity(rest.len() + 1);
    body.push(b'\n');
    body.extend_from_slice(rest);
    body
}

#[cfg(test)]
mod tests {
    use super::strip_comment_line;

    #[test]
    fn comment_line_keeps_line_numbers() {
        assert_eq!(
            strip_comment_line(b"#!/bin/lua\nprint(1)", true),
            b"\nprint(1)"
        );
        assert_eq!(strip_comment_line(b"# no newline", true), b"\n");
        assert_eq!(strip_comment_line(b"print(1)\n#x", true), b"print(1)\n#x");
    }

    #[test]
    fn binary_after_comment_line() {
        assert_eq!(strip_comment_line(b"#c\n\x1bLua", true), b"\x1bLua");
        assert_eq!(strip_comment_line(b"#c\r\n\x1bLua", true), b"\x1bLua");
        // Not from standard input.
        assert_eq!(strip_comment_line(b"#c\n\x1bLua", false), b"\n\x1bLua");
    }
}
