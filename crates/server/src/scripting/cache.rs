//! The script cache: SHA1 of the body → compiled chunk and declared flags, plus the
//! `#!lua flags=...` shebang parser.
//!
//! A body with a shebang runs in "declared flags" mode; one without runs in compat mode
//! (the pre-7.0 rules, checked per command inside the script). Compilation starts at the
//! shebang's newline so line numbers match the user's text. Compiled chunks are kept in
//! the Lua registry under `f_<sha>` so the collector sees them.

use super::engine::Engine;
use crate::error::CmdError;
use lua51::Value;

// Declared script flags (shebang `flags=`).
pub const NO_WRITES: u32 = 1 << 0;
pub const ALLOW_OOM: u32 = 1 << 1;
pub const ALLOW_STALE: u32 = 1 << 2;
pub const NO_CLUSTER: u32 = 1 << 3;
pub const ALLOW_CROSS_SLOT: u32 = 1 << 4;

const FLAG_NAMES: &[(&str, u32)] = &[
    ("no-writes", NO_WRITES),
    ("allow-oom", ALLOW_OOM),
    ("allow-stale", ALLOW_STALE),
    ("no-cluster", NO_CLUSTER),
    ("allow-cross-slot-keys", ALLOW_CROSS_SLOT),
];

/// Chunk name scripts are compiled with (errors read `user_script:1: ...`).
pub const CHUNK_NAME: &[u8] = b"@user_script";

/// A cached script.
pub struct Script {
    /// The compiled chunk (also held by the registry, which keeps it alive).
    pub func: Value,
    /// Declared flags; `None` in compat mode (no shebang).
    pub flags: Option<u32>,
}

/// Lowercase hex SHA1 of a body.
pub fn sha1_hex(body: &[u8]) -> [u8; 40] {
    let digest = sha1_smol::Sha1::from(body).digest().bytes();
    let mut out = [0u8; 40];
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = b"0123456789abcdef"[(b >> 4) as usize];
        out[2 * i + 1] = b"0123456789abcdef"[(b & 15) as usize];
    }
    out
}

/// Parses the shebang of `body`: `Ok(None)` without one, else the flags and the offset
/// where the Lua code starts (the shebang line's newline).
pub fn parse_shebang(body: &[u8]) -> Result<Option<(u32, usize)>, CmdError> {
    if !body.starts_with(b"#!") {
        return Ok(None);
    }
    let Some(nl) = body.iter().position(|&c| c == b'\n') else {
        return Err(CmdError::msg("ERR Invalid script shebang"));
    };
    let mut store = Vec::new();
    let mut ranges = Vec::new();
    if resp::inline::split_args(&body[..nl], &mut store, &mut ranges).is_err() {
        return Err(CmdError::msg("ERR Invalid engine in script shebang"));
    }
    let tok = |i: usize| &store[ranges[i].0 as usize..ranges[i].1 as usize];
    if ranges.is_empty() {
        return Err(CmdError::msg("ERR Invalid engine in script shebang"));
    }
    if tok(0) != b"#!lua" {
        return Err(CmdError::owned(format!(
            "ERR Unexpected engine in script shebang: {}",
            String::from_utf8_lossy(tok(0))
        )));
    }
    let mut flags = 0;
    for i in 1..ranges.len() {
        let t = tok(i);
        let Some(list) = t.strip_prefix(b"flags=") else {
            return Err(CmdError::owned(format!(
                "ERR Unknown lua shebang option: {}",
                String::from_utf8_lossy(t)
            )));
        };
        if list.is_empty() {
            continue;
        }
        for piece in list.split(|&c| c == b',') {
            match FLAG_NAMES.iter().find(|(n, _)| n.as_bytes() == piece) {
                Some((_, f)) => flags |= f,
                None => {
                    return Err(CmdError::owned(format!(
                        "ERR Unexpected flag in script shebang: {}",
                        String::from_utf8_lossy(piece)
                    )))
                }
            }
        }
    }
    Ok(Some((flags, nl)))
}

impl Engine {
    /// Looks up a cached script by digest (any case).
    pub fn lookup(&self, sha: &[u8]) -> Option<&Script> {
        if sha.len() != 40 {
            return None;
        }
        let mut key = [0u8; 40];
        for (d, s) in key.iter_mut().zip(sha) {
            *d = s.to_ascii_lowercase();
        }
        self.cache.get(&key)
    }

    /// Compiles `body` and caches it under `sha` (no-op if present). Errors are the
    /// replies of EVAL / SCRIPT LOAD.
    pub fn create(&mut self, sha: [u8; 40], body: &[u8]) -> Result<&Script, CmdError> {
        if self.cache.contains_key(&sha) {
            return Ok(&self.cache[&sha]);
        }
        let (flags, start) = match parse_shebang(body)? {
            Some((f, at)) => (Some(f), at),
            None => (None, 0),
        };
        let code = &body[start..];
        let func = if code.starts_with(lua51::api::BINARY_SIGNATURE) {
            // Binary chunks are refused: the text is parsed as source, which fails.
            match lua51::parse::parse(code, CHUNK_NAME) {
                Err(e) => return Err(compile_error(&String::from_utf8_lossy(&e.message))),
                Ok(_) => return Err(compile_error("binary chunks are not allowed")),
            }
        } else {
            match self.lua.load(code, CHUNK_NAME) {
                Ok(f) => f,
                Err(e) => return Err(compile_error(&e.to_string())),
            }
        };
        let mut name = Vec::with_capacity(42);
        name.extend_from_slice(b"f_");
        name.extend_from_slice(&sha);
        let reg = self.lua.registry();
        let stored = self
            .lua
            .str_value(&name)
            .and_then(|k| self.lua.raw_set(reg, k, func));
        if let Err(e) = stored {
            return Err(compile_error(&e.to_string()));
        }
        self.cache_bytes += body.len() + CACHE_ENTRY_OVERHEAD;
        Ok(self.cache.entry(sha).or_insert(Script { func, flags }))
    }
}

/// Bookkeeping bytes counted per cache entry besides the body (digest key, entry).
const CACHE_ENTRY_OVERHEAD: usize = 40 + 64;

fn compile_error(msg: &str) -> CmdError {
    let msg = msg.trim_end_matches(['\r', '\n']);
    CmdError::owned(format!("ERR Error compiling script (new function): {msg}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebang_forms() {
        assert_eq!(parse_shebang(b"return 1").unwrap(), None);
        assert_eq!(parse_shebang(b"#!lua\nreturn 1").unwrap(), Some((0, 5)));
        assert_eq!(
            parse_shebang(b"#!lua flags=no-writes,allow-oom\nx").unwrap(),
            Some((NO_WRITES | ALLOW_OOM, 31))
        );
        assert_eq!(parse_shebang(b"#!lua flags=\nx").unwrap(), Some((0, 12)));
        let e = |b: &[u8]| parse_shebang(b).unwrap_err().to_string();
        assert_eq!(e(b"#!lua"), "ERR Invalid script shebang");
        assert_eq!(
            e(b"#!not-lua\n"),
            "ERR Unexpected engine in script shebang: #!not-lua"
        );
        assert_eq!(
            e(b"#!lua badger=data\n"),
            "ERR Unknown lua shebang option: badger=data"
        );
        assert_eq!(
            e(b"#!lua flags=allow-oom,what?\n"),
            "ERR Unexpected flag in script shebang: what?"
        );
        assert_eq!(e(b"#!lua \"x\n"), "ERR Invalid engine in script shebang");
    }

    #[test]
    fn digests() {
        assert_eq!(&sha1_hex(b""), b"da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            &sha1_hex(b"return redis.call('get',KEYS[1])"),
            b"fd758d1589d044dd850a6f05d52f2eefd27f033f"
        );
    }
}
