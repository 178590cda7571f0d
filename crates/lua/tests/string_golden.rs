//! `string.find`, `string.gsub` and `string.gmatch`, called as Lua functions, against 5000
//! random pattern/subject cases recorded from lua5.1 in `lua-tests/golden/pattern_random.txt`
//! (produced by `lua-tests/golden/gen_pattern.lua`; its header describes the line format).
//! This exercises the library layer (argument handling, capture values, error messages) on
//! top of the matcher.

use lua51::{Lua, Value};
use std::path::Path;

/// Undoes the generator's escaping: `\ddd` is one byte.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(u8::is_ascii_digit) {
            let v = (b[i + 1] - b'0') as u32 * 100
                + (b[i + 2] - b'0') as u32 * 10
                + (b[i + 3] - b'0') as u32;
            out.push(v as u8);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn text(v: &Value) -> Vec<u8> {
    match v {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Num(n) => {
            let mut b = Vec::new();
            lua51::number::fmt_number(*n, &mut b);
            b
        }
        Value::Nil => b"nil".to_vec(),
        other => other.type_name().as_bytes().to_vec(),
    }
}

/// The generator's `show`: strings in brackets, anything else as `tostring`.
fn show(v: &Value) -> Vec<u8> {
    match v {
        Value::Str(s) => [b"[", s.as_bytes(), b"]"].concat(),
        other => text(other),
    }
}

fn err_text(l: &Lua, e: &lua51::LuaError) -> Vec<u8> {
    text(&l.error_value(e))
}

#[test]
fn find_gsub_gmatch_match_lua51_recorded_cases() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lua-tests/golden/pattern_random.txt");
    let data = std::fs::read_to_string(path).unwrap();
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    let Value::Table(string) = l.get_global("string").unwrap() else {
        panic!("no string table")
    };
    let field = |l: &mut Lua, name: &str| {
        let k = l.str_value(name.as_bytes()).unwrap();
        string.get(&k)
    };
    let find = field(&mut l, "find");
    let gsub = field(&mut l, "gsub");
    let gmatch = field(&mut l, "gmatch");
    let repl = l.str_value(b"<%0>").unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in data.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "bad golden line {line:?}");
        let (p, s) = (unescape(cols[0]), unescape(cols[1]));
        let pv = l.str_value(&p).unwrap();
        let sv = l.str_value(&s).unwrap();

        let fr = match l.pcall(find, &[sv, pv]) {
            Err(e) => [b"!".as_slice(), &err_text(&l, &e)].concat(),
            Ok(r) if r.first().is_none_or(|v| v.is_nil()) => b"nil".to_vec(),
            Ok(r) => r.iter().map(show).collect::<Vec<_>>().join(&b' '),
        };
        let gr = match l.pcall(gsub, &[sv, pv, repl]) {
            Err(e) => [b"!".as_slice(), &err_text(&l, &e)].concat(),
            Ok(r) => [text(&r[0]), b" n=".to_vec(), text(&r[1])].concat(),
        };
        let mr = match l.pcall(gmatch, &[sv, pv]) {
            Err(e) => [b"!".as_slice(), &err_text(&l, &e)].concat(),
            Ok(r) => {
                let it = r[0];
                let mut parts = Vec::new();
                let mut err = None;
                while parts.len() < 8 {
                    match l.pcall(it, &[]) {
                        Ok(v) if v.first().is_none_or(|v| v.is_nil()) => break,
                        Ok(v) => parts.push(show(&v[0])),
                        Err(e) => {
                            err = Some(err_text(&l, &e));
                            break;
                        }
                    }
                }
                match err {
                    Some(e) => [b"!".as_slice(), &e].concat(),
                    None => parts.join(&b'|'),
                }
            }
        };
        for (what, got, want) in [
            ("find", fr, cols[2]),
            ("gsub", gr, cols[3]),
            ("gmatch", mr, cols[4]),
        ] {
            if got != unescape(want) {
                failures.push(format!(
                    "{what} pattern {:?} subject {:?}: got {:?}, lua5.1 {:?}",
                    cols[0],
                    cols[1],
                    String::from_utf8_lossy(&got),
                    want
                ));
            }
        }
        count += 1;
    }
    assert_eq!(count, 5000);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}
