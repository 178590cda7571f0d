//! `rlua51`: the standalone interpreter, a drop-in for `lua5.1`'s command line.
//!
//! `rlua51 [options] [script [args]]` behaves as lua5.1's `lua.c`: `LUA_INIT` runs
//! first (`@file` or code), then `-e`/`-l` in order, then the script with the `arg`
//! table (script at 0, options at negative indices, arguments from 1) and the
//! arguments as `...`, then the REPL if `-i` was given. With no script and no `-e`/`-v`
//! it starts the REPL when standard input is a terminal and otherwise runs standard
//! input as a chunk. Errors print as `PROGNAME: message` plus a `stack traceback:` on
//! standard error and make the exit status 1.
//!
//! Modules: `args` (the command line), `session` (running chunks, reporting errors),
//! `loadfile` (reading scripts), `repl` and `lines` (the interactive loop and its line
//! editor), `interrupt` (Ctrl-C), `debugview` (`--tokens`, `--ast`, `--list`).
//! Tests: unit tests in the modules; `tests/cli.rs` runs the binary, `tests/repl_pty.rs`
//! drives the REPL through a pseudo-terminal.

mod args;
mod debugview;
mod interrupt;
mod lines;
mod loadfile;
mod repl;
mod session;

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use lua51::{LuaResult, Value};

use args::{Action, CommandLine, Request, Script};
use session::{Session, Status};

/// The line `-v` prints (lua5.1 prints its release and copyright line here).
pub const VERSION_LINE: &str = concat!("Lua 5.1.5 (rlua51 ", env!("CARGO_PKG_VERSION"), ")");

/// Program name used when `argv[0]` is missing or empty (lua.c's `LUA_PROGNAME`).
const DEFAULT_PROGNAME: &[u8] = b"lua";

/// Chunk names lua.c gives to code from the command line and the environment.
const COMMAND_LINE_CHUNK: &[u8] = b"=(command line)";
const LUA_INIT_CHUNK: &[u8] = b"=LUA_INIT";

fn main() {
    restore_sigpipe();
    let argv: Vec<Vec<u8>> = std::env::args_os().map(OsStringExt::into_vec).collect();
    let code = run(&argv);
    // The interpreter is dropped by now, so open files are flushed and closed.
    std::process::exit(code);
}

/// Rust starts programs with SIGPIPE ignored; a C program such as lua5.1 is ended by
/// it, so `rlua51 script | head -1` stops once `head` has had its line.
fn restore_sigpipe() {
    // SAFETY: called first thing in `main`, before any other thread exists; setting a
    // signal's disposition to the default is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A file name from the command line as a path.
pub fn os_path(name: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(name))
}

/// Everything `main` does; the exit status.
fn run(argv: &[Vec<u8>]) -> i32 {
    let progname = match argv.first() {
        Some(p) if !p.is_empty() => p.clone(),
        _ => DEFAULT_PROGNAME.to_vec(),
    };
    let request = args::parse(argv);
    if let Request::Debug(view, file) = &request {
        return debugview::show(&progname, *view, file);
    }
    let mut s = match Session::new(progname.clone()) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("{}: {}", String::from_utf8_lossy(&progname), msg);
            return 1;
        }
    };
    let status = lua_main(&mut s, argv, request);
    drop(s);
    match status {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// lua.c's `pmain`.
fn lua_main(s: &mut Session, argv: &[Vec<u8>], request: Request) -> Status {
    lua_init(s)?;
    let cl = match request {
        Request::Run(cl) => cl,
        _ => {
            print_usage(&s.progname.clone().unwrap_or_default());
            return Err(session::Failed);
        }
    };
    if cl.version {
        s.print_version();
    }
    for a in &cl.actions {
        match a {
            Action::Exec(src) => s.dostring(src, COMMAND_LINE_CHUNK)?,
            Action::Require(name) => s.dolibrary(name)?,
        }
    }
    if let Some((index, script)) = &cl.script {
        run_script(s, argv, *index, script)?;
    }
    if cl.interactive {
        repl::run(s);
    } else if default_to_stdin(&cl) {
        if std::io::stdin().is_terminal() {
            s.print_version();
            repl::run(s);
        } else {
            // lua5.1 ignores the outcome here: an error in a program read from a pipe
            // is printed, but the exit status stays 0.
            let _ = s.dofile(None);
        }
    }
    Ok(())
}

/// No script, no `-e`, no `-v`: standard input is the program (or the REPL).
fn default_to_stdin(cl: &CommandLine) -> bool {
    cl.script.is_none() && !cl.has_exec && !cl.version
}

/// `LUA_INIT`: `@file` runs the file, anything else is code.
fn lua_init(s: &mut Session) -> Status {
    let Some(init) = std::env::var_os("LUA_INIT") else {
        return Ok(());
    };
    let init = init.into_vec();
    match init.strip_prefix(b"@") {
        Some(file) => s.dofile(Some(file)),
        None => s.dostring(&init, LUA_INIT_CHUNK),
    }
}

/// Sets `arg`, loads the script and calls it with the arguments after it.
fn run_script(s: &mut Session, argv: &[Vec<u8>], index: usize, script: &Script) -> Status {
    let r = set_arg_table(s, argv, index);
    s.report(r)?;
    let name = match script {
        Script::Stdin => None,
        Script::File(f) => Some(f.as_slice()),
    };
    let r = loadfile::load_file(&mut s.l, name);
    let f = s.report(r)?;
    let r = script_args(s, &argv[index + 1..]);
    let args = s.report(r)?;
    let r = s.docall(f, &args);
    s.report(r).map(|_| ())
}

/// The global `arg`: every command-line word, the script at index 0.
fn set_arg_table(s: &mut Session, argv: &[Vec<u8>], index: usize) -> LuaResult<()> {
    let t =
        s.l.new_table_sized(argv.len().saturating_sub(index + 1), index + 1)?;
    for (i, a) in argv.iter().enumerate() {
        let v = s.l.str_value(a)?;
        s.l.raw_set(t, Value::Num(i as f64 - index as f64), v)?;
    }
    s.l.set_global("arg", Value::Table(t))
}

/// The script's arguments as strings (its `...`).
fn script_args(s: &mut Session, words: &[Vec<u8>]) -> LuaResult<Vec<Value>> {
    words.iter().map(|w| s.l.str_value(w)).collect()
}

/// lua.c's usage text, on standard error.
fn print_usage(progname: &[u8]) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(b"usage: ");
    let _ = e.write_all(progname);
    let _ = e.write_all(
        b" [options] [script [args]].\n\
Available options are:\n\
\x20 -e stat  execute string 'stat'\n\
\x20 -l name  require library 'name'\n\
\x20 -i       enter interactive mode after executing 'script'\n\
\x20 -v       show version information\n\
\x20 --       stop handling options\n\
\x20 -        execute stdin and stop handling options\n",
    );
    let _ = e.flush();
}
