//! The interactive loop, as lua5.1's `dotty`.
//!
//! Prompts are the globals `_PROMPT` and `_PROMPT2` when they are strings or numbers,
//! else `> ` and `>> `. A line starting with `=` is `return` followed by the rest. A
//! chunk whose syntax error is at `'<eof>'` is incomplete: the next line is appended
//! (after a newline) and it is compiled again. Chunks are named `=stdin`. Results are
//! printed with the global `print`; errors are printed without the program-name
//! prefix, and the loop goes on. End of input (Ctrl-D), even in the middle of a chunk,
//! ends the loop, and a newline is printed on the way out. Ctrl-C at a prompt drops
//! what was typed of the chunk and prompts again.

use std::io::Write;

use lua51::Value;

use crate::lines::{Input, Lines};
use crate::session::{message_text, Session};

/// Default prompts (lua.c's `LUA_PROMPT`, `LUA_PROMPT2`).
const PROMPT: &[u8] = b"> ";
const PROMPT2: &[u8] = b">> ";

/// Runs the REPL until input ends.
pub fn run(s: &mut Session) {
    let progname = s.progname.take();
    s.set_repl(true);
    let mut lines = Lines::open();
    'chunks: loop {
        let first = match lines.read(&prompt(s, true)) {
            Input::Line(l) => l,
            Input::Interrupted => continue,
            Input::Eof => break,
        };
        let mut typed = first.clone();
        let mut src = match first.strip_prefix(b"=") {
            Some(expr) => [&b"return "[..], expr].concat(),
            None => first,
        };
        let loaded = loop {
            match s.l.load_incomplete(&src, b"=stdin") {
                Ok(f) => break Ok(f),
                Err((e, false)) => break Err(e),
                Err((_, true)) => match lines.read(&prompt(s, false)) {
                    Input::Line(more) => {
                        for buf in [&mut src, &mut typed] {
                            buf.push(b'\n');
                            buf.extend_from_slice(&more);
                        }
                    }
                    Input::Interrupted => continue 'chunks,
                    Input::Eof => break 'chunks,
                },
            }
        };
        lines.add_history(&typed);
        let r = match loaded {
            Ok(f) => s.docall(f, &[]),
            Err(e) => Err(e),
        };
        if let Ok(results) = s.report(r) {
            if !results.is_empty() {
                print_results(s, &results);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b"\n");
    let _ = out.flush();
    drop(out);
    s.progname = progname;
    s.set_repl(false);
}

/// `_PROMPT` or `_PROMPT2` if it converts to a string, else the default.
fn prompt(s: &mut Session, first: bool) -> Vec<u8> {
    let (name, default) = if first {
        ("_PROMPT", PROMPT)
    } else {
        ("_PROMPT2", PROMPT2)
    };
    let v = s.l.get_global(name).unwrap_or(Value::Nil);
    message_text(&v).unwrap_or_else(|| default.to_vec())
}

/// Calls the global `print` with a chunk's results.
fn print_results(s: &mut Session, results: &[Value]) {
    let print = s.l.get_global("print").unwrap_or(Value::Nil);
    if let Err(e) = s.l.pcall(print, results) {
        let v = s.l.error_value(&e);
        // C's `%s` of a missing string, as lua5.1 prints it.
        let text = message_text(&v).unwrap_or_else(|| b"(null)".to_vec());
        let mut msg = b"error calling 'print' (".to_vec();
        msg.extend_from_slice(&text);
        msg.push(b')');
        s.message(&msg);
    }
}
