//! Chunk names as shown in messages (`luaO_chunkid` in 5.1).
//!
//! A chunk is loaded with a name that says where it came from: `=stdin` is shown as
//! `stdin`, `@file.lua` as `file.lua`, anything else is source text and is shown as
//! `[string "first line..."]`. The result is used as the prefix of syntax errors and of
//! runtime error positions (`name:line:`).
//!
//! Like 5.1 the name is a C string: it ends at the first zero byte. 5.1 formats it into
//! buffers of two sizes: runtime error positions use [`LUA_IDSIZE`], syntax errors use
//! the lexer's larger [`MAXSRC`], so the same name can be cut differently.

/// Buffer size (terminating zero included) for chunk ids in runtime messages
/// (`LUA_IDSIZE` in 5.1's `luaconf.h`).
pub const LUA_IDSIZE: usize = 60;

/// Buffer size for chunk ids in syntax error messages (`MAXSRC` in 5.1's `llex.c`).
pub const MAXSRC: usize = 80;

/// The displayable form of a chunk name for runtime messages (`LUA_IDSIZE`).
pub fn chunkid(chunkname: &[u8]) -> Vec<u8> {
    chunkid_sized(chunkname, LUA_IDSIZE)
}

/// The displayable form of a chunk name, fitted to a 5.1 buffer of `bufflen` bytes
/// (`LUA_IDSIZE` or `MAXSRC`; must be at least 18).
pub fn chunkid_sized(chunkname: &[u8], bufflen: usize) -> Vec<u8> {
    let bufflen = bufflen.max(18);
    let name = match chunkname.iter().position(|&c| c == 0) {
        Some(p) => &chunkname[..p],
        None => chunkname,
    };
    match name.first() {
        // "=name": the name itself, cut to fit.
        Some(b'=') => {
            let rest = &name[1..];
            rest[..rest.len().min(bufflen - 1)].to_vec()
        }
        // "@file": the file name; if too long, "..." and its last part.
        Some(b'@') => {
            let rest = &name[1..];
            // Room left after " '...' " (8 bytes with the terminating zero).
            let room = bufflen - b" '...' \0".len();
            if rest.len() > room {
                let mut out = b"...".to_vec();
                out.extend_from_slice(&rest[rest.len() - room..]);
                out
            } else {
                rest.to_vec()
            }
        }
        // Source text: [string "first line..."].
        _ => {
            // Room left after ` [string "..."] ` (17 bytes with the terminating zero).
            let room = bufflen - b" [string \"...\"] \0".len();
            let line_end = name.iter().position(|&c| c == b'\n' || c == b'\r');
            let shown = line_end.unwrap_or(name.len()).min(room);
            let cut = line_end.is_some() || name.len() > room;
            let mut out = b"[string \"".to_vec();
            out.extend_from_slice(&name[..shown]);
            if cut {
                out.extend_from_slice(b"...");
            }
            out.extend_from_slice(b"\"]");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected values from lua5.1: the prefix of the message of
    //! `loadstring("x = = 1", name)` (syntax errors, MAXSRC) and of
    //! `pcall(loadstring("error('boom')", name))` (runtime errors, LUA_IDSIZE).
    use super::{chunkid, chunkid_sized, MAXSRC};

    fn id(name: &[u8]) -> String {
        String::from_utf8(chunkid_sized(name, MAXSRC)).unwrap()
    }

    #[test]
    fn runtime_size() {
        let b = "b".repeat(100);
        let eq = format!("={b}");
        assert_eq!(chunkid(eq.as_bytes()), "b".repeat(59).as_bytes());
        assert_eq!(
            chunkid(b.as_bytes()),
            format!("[string \"{}...\"]", "b".repeat(43)).as_bytes()
        );
        let at = format!("@{b}");
        assert_eq!(
            chunkid(at.as_bytes()),
            format!("...{}", "b".repeat(52)).as_bytes()
        );
    }

    #[test]
    fn equals_and_at() {
        assert_eq!(id(b"=stdin"), "stdin");
        assert_eq!(id(b"="), "");
        assert_eq!(id(b"@"), "");
        assert_eq!(id(b"@test.lua"), "test.lua");
        assert_eq!(id(&[b"=".as_slice(), &[b'b'; 80]].concat()).len(), 79);
        assert_eq!(id(&[b"=".as_slice(), &[b'b'; 79]].concat()).len(), 79);
        assert_eq!(id(&[b"=".as_slice(), &[b'b'; 78]].concat()).len(), 78);
        assert_eq!(id(b"=abc\0def"), "abc");
        let f72 = [b"@".as_slice(), &[b'c'; 72]].concat();
        assert_eq!(id(&f72), "c".repeat(72));
        let f73 = [b"@".as_slice(), &[b'c'; 70], b"xyz"].concat();
        assert_eq!(id(&f73), format!("...{}xyz", "c".repeat(69)));
    }

    #[test]
    fn source_text() {
        assert_eq!(id(b"x = 1"), "[string \"x = 1\"]");
        assert_eq!(id(b""), "[string \"\"]");
        assert_eq!(id(b"  abc"), "[string \"  abc\"]");
        assert_eq!(id(b"abc\ndef"), "[string \"abc...\"]");
        assert_eq!(id(b"abc\rdef"), "[string \"abc...\"]");
        assert_eq!(id(b"\nabc"), "[string \"...\"]");
        assert_eq!(id(b"abc\0def"), "[string \"abc\"]");
        let a63 = "a".repeat(63);
        assert_eq!(id(a63.as_bytes()), format!("[string \"{a63}\"]"));
        let a64 = "a".repeat(64);
        assert_eq!(id(a64.as_bytes()), format!("[string \"{a63}...\"]"));
        let nl = format!("{}\nbc", "a".repeat(70));
        assert_eq!(id(nl.as_bytes()), format!("[string \"{a63}...\"]"));
        let nl = format!("{}\nbc", "a".repeat(52));
        assert_eq!(
            id(nl.as_bytes()),
            format!("[string \"{}...\"]", "a".repeat(52))
        );
    }
}
