//! Function libraries as data: the `#!lua name=<lib>` metadata line, the library and
//! function records, and the set of loaded libraries with its case-insensitive index
//! of function names.
//!
//! Name rules (Redis 7.0.15): library and function names are 1+ characters of
//! `[A-Za-z0-9_]`; library names are case-sensitive, while the global function
//! namespace (FCALL lookup, collisions between libraries) ignores case. Libraries are
//! kept ordered by name, which fixes the order of `FUNCTION LIST` and `FUNCTION DUMP`.
//!
//! What a library *is* for persistence is its code: the full payload including the
//! metadata line ([`Library::code`]); everything else is rebuilt by loading it.
//!
//! Tests: unit tests below; `redis-tests/functions*.txt`.

use crate::error::CmdError;
use lua51::Value;
use std::collections::{BTreeMap, HashMap};

// Function flags: the same bits as the EVAL shebang flags.
pub use super::cache::{ALLOW_CROSS_SLOT, ALLOW_OOM, ALLOW_STALE, NO_CLUSTER, NO_WRITES};

/// Flag names in the order `FUNCTION LIST` shows them.
pub const FLAG_NAMES: &[(&str, u32)] = &[
    ("no-writes", NO_WRITES),
    ("allow-oom", ALLOW_OOM),
    ("allow-stale", ALLOW_STALE),
    ("no-cluster", NO_CLUSTER),
    ("allow-cross-slot-keys", ALLOW_CROSS_SLOT),
];

/// The only engine.
pub const ENGINE_NAME: &str = "LUA";

pub const NAME_RULES: &str =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/// One registered function.
pub struct Function {
    pub name: String,
    /// The callback (kept alive by the library's root table in the Lua registry).
    pub func: Value,
    pub flags: u32,
    pub description: Option<Vec<u8>>,
}

/// A loaded library.
pub struct Library {
    pub name: String,
    /// The full payload, metadata line included.
    pub code: Vec<u8>,
    pub functions: Vec<Function>,
    /// Number of the registry entry rooting the callbacks (see `functions::Engine`).
    pub root: u64,
}

/// `name` follows the naming rules.
pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// The metadata line of a payload.
pub struct Metadata {
    pub name: String,
    /// Offset of the newline ending the metadata line (where the Lua code starts, so
    /// line numbers match the user's text).
    pub code_start: usize,
}

/// Parses and checks the metadata line, in Redis's order: tokens, library name,
/// engine.
pub fn parse_metadata(code: &[u8]) -> Result<Metadata, CmdError> {
    if !code.starts_with(b"#!") {
        return Err(CmdError::msg("ERR Missing library metadata"));
    }
    let Some(nl) = code.iter().position(|&c| c == b'\n') else {
        return Err(CmdError::msg("ERR Invalid library metadata"));
    };
    let mut store = Vec::new();
    let mut ranges = Vec::new();
    if resp::inline::split_args(&code[..nl], &mut store, &mut ranges).is_err() || ranges.is_empty()
    {
        return Err(CmdError::msg("ERR Invalid library metadata"));
    }
    let tok = |i: usize| &store[ranges[i].0 as usize..ranges[i].1 as usize];
    let engine = tok(0).get(2..).unwrap_or_default().to_vec();
    let mut name: Option<Vec<u8>> = None;
    for i in 1..ranges.len() {
        let t = tok(i);
        if t.len() >= 5 && t[..5].eq_ignore_ascii_case(b"name=") {
            if name.is_some() {
                return Err(CmdError::msg(
                    "ERR Invalid metadata value, name argument was given multiple times",
                ));
            }
            name = Some(t[5..].to_vec());
        } else {
            return Err(CmdError::owned(format!(
                "ERR Invalid metadata value given: {}",
                String::from_utf8_lossy(t)
            )));
        }
    }
    let Some(name) = name else {
        return Err(CmdError::msg("ERR Library name was not given"));
    };
    if !valid_name(&name) {
        return Err(CmdError::owned(format!("ERR {NAME_RULES}")));
    }
    if !engine.eq_ignore_ascii_case(ENGINE_NAME.as_bytes()) {
        return Err(CmdError::owned(format!(
            "ERR Engine '{}' not found",
            String::from_utf8_lossy(&engine)
        )));
    }
    Ok(Metadata {
        name: String::from_utf8_lossy(&name).into_owned(),
        code_start: nl,
    })
}

/// The loaded libraries.
#[derive(Default)]
pub struct Libraries {
    libs: BTreeMap<String, Library>,
    /// Lowercased function name → library name.
    index: HashMap<String, String>,
    functions: usize,
    /// Bytes of code held (INFO `used_memory_functions`).
    code_bytes: usize,
}

impl Libraries {
    pub fn get(&self, name: &str) -> Option<&Library> {
        self.libs.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Library> {
        self.libs.values()
    }

    pub fn len(&self) -> usize {
        self.libs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.libs.is_empty()
    }

    pub fn functions_count(&self) -> usize {
        self.functions
    }

    pub fn code_bytes(&self) -> usize {
        self.code_bytes
    }

    /// Finds a function by name, ignoring case.
    pub fn function(&self, name: &[u8]) -> Option<&Function> {
        let lower = std::str::from_utf8(name).ok()?.to_ascii_lowercase();
        let lib = self.libs.get(self.index.get(&lower)?)?;
        // Within a library names are case-sensitive, so several may match; the last
        // one registered is the one FCALL reaches (as in Redis).
        lib.functions
            .iter()
            .rev()
            .find(|f| f.name.eq_ignore_ascii_case(&lower))
    }

    /// The library holding a function of this name (ignoring case).
    pub fn owner(&self, function: &str) -> Option<&str> {
        self.index
            .get(&function.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The first function of `lib` whose name another library (not `except`) already
    /// uses, ignoring case.
    pub fn clash(&self, lib: &Library, except: Option<&str>) -> Option<String> {
        lib.functions.iter().find_map(|f| {
            let owner = self.index.get(&f.name.to_ascii_lowercase())?;
            (Some(owner.as_str()) != except).then(|| f.name.clone())
        })
    }

    /// Adds (or replaces) a library; returns the one it replaced.
    pub fn insert(&mut self, lib: Library) -> Option<Library> {
        let old = self.remove(&lib.name.clone());
        for f in &lib.functions {
            self.index
                .insert(f.name.to_ascii_lowercase(), lib.name.clone());
        }
        self.functions += lib.functions.len();
        self.code_bytes += lib.code.len();
        self.libs.insert(lib.name.clone(), lib);
        old
    }

    pub fn remove(&mut self, name: &str) -> Option<Library> {
        let lib = self.libs.remove(name)?;
        for f in &lib.functions {
            let k = f.name.to_ascii_lowercase();
            if self.index.get(&k).map(String::as_str) == Some(name) {
                self.index.remove(&k);
            }
        }
        self.functions -= lib.functions.len();
        self.code_bytes -= lib.code.len();
        Some(lib)
    }

    /// Removes everything, returning the libraries.
    pub fn take_all(&mut self) -> Vec<Library> {
        self.index.clear();
        self.functions = 0;
        self.code_bytes = 0;
        std::mem::take(&mut self.libs).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &[u8]) -> String {
        match parse_metadata(code) {
            Err(e) => e.to_string(),
            Ok(_) => "ok".into(),
        }
    }

    #[test]
    fn metadata_errors_match_redis() {
        // Replies recorded from redis-server 7.0.15.
        assert_eq!(err(b"return 1"), "ERR Missing library metadata");
        assert_eq!(err(b"#!lua name=x"), "ERR Invalid library metadata");
        assert_eq!(err(b"#!lua \"name=x\nx"), "ERR Invalid library metadata");
        assert_eq!(err(b"#!bad\nx"), "ERR Library name was not given");
        assert_eq!(err(b"#!bad name=x\nx"), "ERR Engine 'bad' not found");
        assert_eq!(err(b"#! name=x\nx"), "ERR Engine '' not found");
        assert_eq!(err(b"#!bad name=x-\nx"), format!("ERR {NAME_RULES}"));
        assert_eq!(err(b"#!lua name=\nx"), format!("ERR {NAME_RULES}"));
        assert_eq!(
            err(b"#!lua name=x foo\nx"),
            "ERR Invalid metadata value given: foo"
        );
        assert_eq!(
            err(b"#!lua name=x name=y\nx"),
            "ERR Invalid metadata value, name argument was given multiple times"
        );
        let m = parse_metadata(b"#!LUA NAME=\"foo\"\nreturn").unwrap();
        assert_eq!((m.name.as_str(), m.code_start), ("foo", 16));
    }

    fn lib(name: &str, root: u64, fns: &[&str]) -> Library {
        let functions = fns
            .iter()
            .map(|f| Function {
                name: f.to_string(),
                func: Value::Nil,
                flags: 0,
                description: None,
            })
            .collect();
        Library {
            name: name.into(),
            code: format!("#!lua name={name}\n").into_bytes(),
            functions,
            root,
        }
    }

    #[test]
    fn function_names_ignore_case_across_libraries() {
        let mut libs = Libraries::default();
        assert!(libs.insert(lib("a", 0, &["f1", "g"])).is_none());
        assert_eq!(libs.function(b"F1").map(|f| f.name.as_str()), Some("f1"));
        assert_eq!(libs.owner("G"), Some("a"));
        assert_eq!(
            libs.clash(&lib("b", 1, &["x", "F1"]), Some("b")).as_deref(),
            Some("F1")
        );
        // Replacing a library: its own names do not clash.
        assert_eq!(libs.clash(&lib("a", 2, &["f1"]), Some("a")), None);
        let old = libs.insert(lib("a", 2, &["h"])).expect("replaced");
        assert_eq!(old.root, 0);
        assert!(libs.function(b"f1").is_none());
        assert_eq!((libs.len(), libs.functions_count()), (1, 1));
        assert_eq!(libs.code_bytes(), "#!lua name=a\n".len());
        assert_eq!(libs.take_all().len(), 1);
        assert!(libs.is_empty() && libs.function(b"h").is_none());
    }
}
