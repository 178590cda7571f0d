//! One interpreter and the way lua5.1's command line runs code in it.
//!
//! Every chunk runs in protected mode with a message handler that appends a
//! `stack traceback:` (lua.c's `docall`), with Ctrl-C armed to interrupt it. Errors are
//! printed on standard error as `PROGNAME: MESSAGE` (`report`/`l_message`): a string or
//! number message is printed as is, any other error value as
//! `(error object is not a string)`, and a `nil` error prints nothing. Inside the REPL
//! the `PROGNAME: ` prefix is left out, as lua5.1 does.
//!
//! The handler follows lua.c: a message that is not a string or number is kept intact;
//! otherwise it calls `debug.traceback(msg, 2)` when the global `debug` table has that
//! function. If this build has no `debug` library at all, the interpreter's own
//! traceback (the same text) is used instead.

use std::io::Write;

use lua51::{Lua, LuaResult, Value};

use crate::interrupt::Interrupt;

/// Registry key under which the message handler is kept alive.
const HANDLER_KEY: &[u8] = b"rlua51.traceback";

/// The error was already reported; the process will exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

/// The result of one step of the command line.
pub type Status = Result<(), Failed>;

pub struct Session {
    pub l: Lua,
    /// `argv[0]`, the prefix of error messages; `None` inside the REPL.
    pub progname: Option<Vec<u8>>,
    /// The REPL is running: SIGINT between chunks does not end the process.
    in_repl: bool,
    interrupt: Interrupt,
}

impl Session {
    /// A state with every standard library open and Ctrl-C wired to interrupt it.
    pub fn new(progname: Vec<u8>) -> Result<Session, String> {
        let mut l = Lua::new_empty();
        lua51::stdlib::open_libs(&mut l).map_err(|e| e.to_string())?;
        let interrupt = Interrupt::install();
        l.set_interrupt_flag(Some(interrupt.flag()));
        let has_debug_lib = !l.get_global("debug").map_err(|e| e.to_string())?.is_nil();
        let handler = l
            .new_closure("traceback", move |l| traceback_handler(l, has_debug_lib))
            .map_err(|e| e.to_string())?;
        let key = l.str_value(HANDLER_KEY).map_err(|e| e.to_string())?;
        let reg = l.registry();
        l.raw_set(reg, key, handler).map_err(|e| e.to_string())?;
        Ok(Session {
            l,
            progname: Some(progname),
            in_repl: false,
            interrupt,
        })
    }

    /// Entering or leaving the REPL.
    pub fn set_repl(&mut self, on: bool) {
        self.in_repl = on;
        self.interrupt.disarm(on);
    }

    /// Calls `f` protected, with the traceback handler and Ctrl-C armed (lua.c's
    /// `docall`). After an error the garbage is collected, as lua.c does.
    pub fn docall(&mut self, f: Value, args: &[Value]) -> LuaResult<Vec<Value>> {
        let handler = match self.l.str_value(HANDLER_KEY) {
            Ok(k) => self.l.raw_get(self.l.registry(), &k),
            Err(e) => return Err(e),
        };
        self.interrupt.arm();
        let r = self.l.pcall_with_handler(f, args, handler);
        self.interrupt.disarm(self.in_repl);
        if let Err(e) = &r {
            // The error value lives only in `e`: keep it on the stack while collecting.
            let v = self.l.error_value(e);
            if self.l.push(v).is_ok() {
                self.l.collect_garbage();
                self.l.pop();
            }
        }
        r
    }

    /// Prints an error as lua.c's `report` does; `Ok` passes through.
    pub fn report<T>(&mut self, r: LuaResult<T>) -> Result<T, Failed> {
        match r {
            Ok(v) => Ok(v),
            Err(e) => {
                let v = self.l.error_value(&e);
                if !v.is_nil() {
                    let msg = message_text(&v)
                        .unwrap_or_else(|| b"(error object is not a string)".to_vec());
                    self.message(&msg);
                }
                Err(Failed)
            }
        }
    }

    /// `PROGNAME: msg` (or just `msg` in the REPL) and a newline on standard error.
    pub fn message(&self, msg: &[u8]) {
        let mut line = Vec::with_capacity(msg.len() + 16);
        if let Some(p) = &self.progname {
            line.extend_from_slice(p);
            line.extend_from_slice(b": ");
        }
        // lua5.1 prints with C's `%s`, which stops at a zero byte.
        let end = msg.iter().position(|&c| c == 0).unwrap_or(msg.len());
        line.extend_from_slice(&msg[..end]);
        line.push(b'\n');
        let err = std::io::stderr();
        let mut err = err.lock();
        let _ = err.write_all(&line);
        let _ = err.flush();
    }

    /// `-e stat` and `LUA_INIT`: compile `src` under `chunkname` and run it.
    pub fn dostring(&mut self, src: &[u8], chunkname: &[u8]) -> Status {
        let r = match self.l.load(src, chunkname) {
            Ok(f) => self.docall(f, &[]).map(|_| ()),
            Err(e) => Err(e),
        };
        self.report(r)
    }

    /// `LUA_INIT=@file`: run a file.
    pub fn dofile(&mut self, name: Option<&[u8]>) -> Status {
        let r = match crate::loadfile::load_file(&mut self.l, name) {
            Ok(f) => self.docall(f, &[]).map(|_| ()),
            Err(e) => Err(e),
        };
        self.report(r)
    }

    /// `-l name`: `require(name)` through the global `require`.
    pub fn dolibrary(&mut self, name: &[u8]) -> Status {
        let r = (|| {
            let require = self.l.get_global("require")?;
            let n = self.l.str_value(name)?;
            self.docall(require, &[n]).map(|_| ())
        })();
        self.report(r)
    }

    /// The print version line, on standard error as lua5.1 prints it.
    pub fn print_version(&self) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", crate::VERSION_LINE);
        let _ = err.flush();
    }
}

/// What `lua_tostring` gives for an error value: strings and numbers only.
pub fn message_text(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Str(s) => Some(s.as_bytes().to_vec()),
        Value::Num(n) => {
            let mut b = Vec::new();
            lua51::number::fmt_number(*n, &mut b);
            Some(b)
        }
        _ => None,
    }
}

/// The message handler: the error message with a stack traceback appended.
fn traceback_handler(l: &mut Lua, has_debug_lib: bool) -> LuaResult<usize> {
    let msg = l.arg(1);
    let Some(text) = message_text(&msg) else {
        // Not a string: keep it intact.
        l.push(msg)?;
        return Ok(1);
    };
    let out = if has_debug_lib {
        let debug = l.get_global("debug")?;
        let tb = match debug {
            Value::Table(_) => {
                let k = l.str_value(b"traceback")?;
                l.index(debug, k, None)?
            }
            _ => Value::Nil,
        };
        if !matches!(tb, Value::LuaFn(_) | Value::Native(_)) {
            msg
        } else {
            l.call1(tb, &[msg, Value::Num(2.0)])?
        }
    } else {
        // Level 1 skips this handler: the traceback starts at the function that failed.
        let t = l.traceback(Some(&text), 1);
        l.str_value(&t)?
    };
    l.push(out)?;
    Ok(1)
}
