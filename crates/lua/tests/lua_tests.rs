//! Runs every `lua-tests/**/*.lua` program in-process and compares what it prints with
//! the `.expected` file beside it (recorded from lua5.1; see `lua-tests/README.md`).
//! A program without an `.expected` file must run without error (it checks itself with
//! `assert`).

use lua51::{Lua, Value};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            // Generator scripts for Rust-level golden data, not conformance programs.
            if p.file_name().is_some_and(|n| n == "golden") {
                continue;
            }
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "lua") {
            out.push(p);
        }
    }
}

/// Runs one file; returns its output, with an error (if any) appended as lua5.1's
/// standalone interpreter would print its first line to stderr.
fn run(path: &Path) -> String {
    let out = Rc::new(RefCell::new(Vec::new()));
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    let sink = out.clone();
    l.stdout_sink = Some(Rc::new(move |b: &[u8]| {
        sink.borrow_mut().extend_from_slice(b)
    }));
    // Run from the file's folder so relative paths work, as the regen script does.
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let prev = std::env::current_dir().unwrap();
    std::env::set_current_dir(dir).unwrap();
    let r =
        lua51::stdlib::base::load_file(&mut l, Some(name.as_bytes())).and_then(|f| l.pcall(f, &[]));
    std::env::set_current_dir(prev).unwrap();
    let mut s = String::from_utf8_lossy(&out.borrow()).into_owned();
    if let Err(e) = r {
        let v = l.error_value(&e);
        let msg = match v {
            Value::Str(m) => m.to_str_lossy().into_owned(),
            other => format!("({} error object)", other.type_name()),
        };
        s.push_str(&format!("lua: {}\n", msg));
    }
    s
}

#[test]
fn lua_programs_match_expected_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lua-tests");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no lua-tests found");
    let mut failures = Vec::new();
    // Tests change the working directory: run them one at a time in this thread, on a
    // big stack (deep recursion tests).
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut fails = Vec::new();
            for f in &files {
                let got = run(f);
                let exp_path = f.with_extension("expected");
                match std::fs::read_to_string(&exp_path) {
                    Ok(exp) => {
                        if got != exp {
                            fails.push(format!(
                                "{}:\n--- expected\n{}\n--- got\n{}",
                                f.display(),
                                exp,
                                got
                            ));
                        }
                    }
                    Err(_) => {
                        if got.contains("\nlua: ") || got.starts_with("lua: ") {
                            fails.push(format!("{}: {}", f.display(), got));
                        }
                    }
                }
            }
            (files.len(), fails)
        })
        .unwrap();
    let (n, fails) = handle.join().unwrap();
    failures.extend(fails);
    if !failures.is_empty() {
        panic!(
            "{} of {} Lua test programs failed:\n{}",
            failures.len(),
            n,
            failures.join("\n\n")
        );
    }
}
