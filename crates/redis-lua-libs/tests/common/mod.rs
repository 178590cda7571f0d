//! Shared by the test files: a Lua state with the standard library and the four Redis
//! libraries, and the golden-case runner (see README.md in this folder).
#![allow(dead_code)]

use lua51::{Lua, Value};
use std::path::PathBuf;

pub fn new_state() -> Lua {
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    redis_lua_libs::open_all(&mut l).unwrap();
    l
}

fn test_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(test_dir().join(name)).unwrap_or_else(|e| panic!("{}: {}", name, e))
}

/// `[(name, body)]` of `cases/LIB.lua` (each case starts with a line `--- name`).
pub fn cases(lib: &str) -> Vec<(String, Vec<u8>)> {
    let text = read(&format!("cases/{}.lua", lib));
    let mut out: Vec<(String, Vec<Vec<u8>>)> = Vec::new();
    for line in text.split(|&c| c == b'\n') {
        if let Some(name) = line.strip_prefix(b"--- ") {
            out.push((String::from_utf8_lossy(name).trim().to_string(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(line.to_vec());
        }
    }
    out.into_iter()
        .map(|(n, lines)| {
            let mut body = lines.join(&b'\n');
            while body.last() == Some(&b'\n') {
                body.pop();
            }
            (n, body)
        })
        .collect()
}

/// redis-cli's rendering of a bulk string (`sdscatrepr`).
pub fn cli_quote(s: &[u8]) -> String {
    let mut o = String::from("\"");
    for &c in s {
        match c {
            b'\\' => o.push_str("\\\\"),
            b'"' => o.push_str("\\\""),
            b'\n' => o.push_str("\\n"),
            b'\r' => o.push_str("\\r"),
            b'\t' => o.push_str("\\t"),
            7 => o.push_str("\\a"),
            8 => o.push_str("\\b"),
            0x20..=0x7e => o.push(c as char),
            _ => o.push_str(&format!("\\x{:02x}", c)),
        }
    }
    o.push('"');
    o
}

/// Runs one case the way record.py runs it in Redis, rendered like redis-cli.
pub fn run_case(body: &[u8]) -> String {
    let mut script = read("prelude.lua");
    script.extend_from_slice(body);
    script.push(b'\n');
    script.extend_from_slice(&read("harness.lua"));
    let mut l = new_state();
    match l.exec(&script, b"@user_script") {
        Ok(v) => match v.first() {
            Some(Value::Str(s)) => cli_quote(s.as_bytes()),
            other => format!("(unexpected result {:?})", other),
        },
        Err(e) => format!("(error) {}", e),
    }
}

/// Cases whose difference from Redis comes from the interpreter (crates/lua), not from
/// these libraries: `(lib, case, reason)`. They must still differ, so the entry is
/// removed once the interpreter is fixed.
const KNOWN_DEVIATIONS: &[(&str, &str, &str)] = &[];

/// Compares every case of `lib` with `golden/LIB.txt`; reports all differences.
pub fn check_lib(lib: &str) {
    let golden = String::from_utf8(read(&format!("golden/{}.txt", lib))).unwrap();
    let expected: std::collections::HashMap<&str, &str> = golden
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .collect();
    let mut failures = Vec::new();
    let all = cases(lib);
    for (name, body) in &all {
        let got = run_case(body);
        let known = KNOWN_DEVIATIONS
            .iter()
            .find(|(l, c, _)| *l == lib && c == name);
        match expected.get(name.as_str()) {
            Some(want) if *want == got && known.is_some() => failures.push(format!(
                "{}: matches now; remove it from KNOWN_DEVIATIONS",
                name
            )),
            Some(want) if *want == got => {}
            Some(_) if known.is_some() => {}
            Some(want) => failures.push(format!("{}:\n  want {}\n  got  {}", name, want, got)),
            None => failures.push(format!("{}: no golden output (run record.py)", name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
