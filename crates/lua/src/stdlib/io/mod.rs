//! The `io` library of Lua 5.1: `close flush input lines open output popen read tmpfile
//! type write`, the standard handles `io.stdin/stdout/stderr`, and the file methods
//! `close flush lines read seek setvbuf write` with `__gc` and `__tostring`.
//!
//! A file handle is a userdata holding a `RefCell<LuaFile>` (see `file.rs`) whose
//! metatable is the registry's `FILE*` table (its own `__index`). The default input and
//! output files live in the registry too. Everything written to the standard output
//! handle goes through `Lua::write_stdout`, so embedders capture `io.write` like
//! `print`. Results and error messages follow lua5.1: failures return
//! `nil, message, errno`. Tests: `lua-tests/io/`.

pub mod file;

use crate::error::{LuaError, LuaResult};
use crate::gc::{Gc, GcObj};
use crate::value::{UserData, Value};
use crate::vm::Lua;
use file::{Buffering, LuaFile, StdStream};
use std::cell::RefCell;
use std::io::SeekFrom;
use std::os::unix::ffi::OsStrExt;

/// Registry key of the file handles' metatable (5.1's `LUA_FILEHANDLE`).
const FILE_META_KEY: &[u8] = b"FILE*";
/// Registry keys of the default input and output files.
const DEFAULT_INPUT_KEY: &[u8] = b"_IO_input";
const DEFAULT_OUTPUT_KEY: &[u8] = b"_IO_output";
/// Prefix of `io.tmpfile` names (the file is unlinked at once).
const TMPFILE_PREFIX: &str = "lua_tmpfile_";
/// Attempts at an unused `io.tmpfile` name.
const TMPFILE_ATTEMPTS: u32 = 100;

type FileCell = RefCell<LuaFile>;

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let mt = l.new_table()?;
    l.register_lib(
        mt,
        &[
            ("close", f_close),
            ("flush", f_flush),
            ("lines", f_lines),
            ("read", f_read),
            ("seek", f_seek),
            ("setvbuf", f_setvbuf),
            ("write", f_write),
            ("__gc", f_gc),
            ("__tostring", f_tostring),
        ],
    )?;
    let k = l.str_value(b"__index")?;
    l.raw_set(mt, k, Value::Table(mt))?;
    let reg = l.registry();
    let k = l.str_value(FILE_META_KEY)?;
    l.raw_set(reg, k, Value::Table(mt))?;

    let io = l.new_table()?;
    l.register_lib(
        io,
        &[
            ("close", io_close),
            ("flush", io_flush),
            ("input", io_input),
            ("lines", io_lines),
            ("open", io_open),
            ("output", io_output),
            ("popen", io_popen),
            ("read", io_read),
            ("tmpfile", io_tmpfile),
            ("type", io_type),
            ("write", io_write),
        ],
    )?;
    for (name, s) in [
        ("stdin", StdStream::Stdin),
        ("stdout", StdStream::Stdout),
        ("stderr", StdStream::Stderr),
    ] {
        let f = new_file(l, LuaFile::std(s))?;
        let k = l.str_value(name.as_bytes())?;
        l.raw_set(io, k, f)?;
        let default_key = match s {
            StdStream::Stdin => Some(DEFAULT_INPUT_KEY),
            StdStream::Stdout => Some(DEFAULT_OUTPUT_KEY),
            StdStream::Stderr => None,
        };
        if let Some(dk) = default_key {
            let k = l.str_value(dk)?;
            l.raw_set(reg, k, f)?;
        }
    }
    l.set_global("io", Value::Table(io))
}

fn file_meta(l: &mut Lua) -> LuaResult<Option<crate::table::TableRef>> {
    let k = l.new_str(FILE_META_KEY)?;
    Ok(l.registry().get_str(k).as_table())
}

fn new_file(l: &mut Lua, f: LuaFile) -> LuaResult<Value> {
    let mt = file_meta(l)?;
    l.new_userdata(Box::new(RefCell::new(f)), mt)
}

/// The file cell of a value, if it is a file handle.
fn as_file(l: &mut Lua, v: &Value) -> LuaResult<Option<Gc<UserData>>> {
    let Value::UserData(u) = v else {
        return Ok(None);
    };
    let mt = file_meta(l)?;
    if mt.is_some() && u.metatable == mt && u.data.downcast_ref::<FileCell>().is_some() {
        Ok(Some(*u))
    } else {
        Ok(None)
    }
}

fn cell(u: &Gc<UserData>) -> &FileCell {
    u.data
        .downcast_ref::<FileCell>()
        .expect("checked file handle")
}

/// luaL_checkudata(i, "FILE*").
fn check_file_any(l: &mut Lua, i: usize) -> LuaResult<Gc<UserData>> {
    let v = l.arg(i);
    match as_file(l, &v)? {
        Some(u) => Ok(u),
        None => Err(l.type_error_arg(i, "FILE*")),
    }
}

/// 5.1's `tofile`: a file handle that is still open.
fn check_file(l: &mut Lua, i: usize) -> LuaResult<Gc<UserData>> {
    let u = check_file_any(l, i)?;
    if cell(&u).borrow().is_closed() {
        return Err(l.error("attempt to use a closed file"));
    }
    Ok(u)
}

fn registry_get(l: &mut Lua, key: &[u8]) -> LuaResult<Value> {
    let k = l.new_str(key)?;
    Ok(l.registry().get_str(k))
}

fn registry_set(l: &mut Lua, key: &[u8], v: Value) -> LuaResult<()> {
    let k = l.str_value(key)?;
    let reg = l.registry();
    l.raw_set(reg, k, v)
}

/// The default input or output file; an error if it was closed.
fn default_file(l: &mut Lua, output: bool) -> LuaResult<Gc<UserData>> {
    let v = registry_get(
        l,
        if output {
            DEFAULT_OUTPUT_KEY
        } else {
            DEFAULT_INPUT_KEY
        },
    )?;
    match as_file(l, &v)? {
        Some(u) if !cell(&u).borrow().is_closed() => Ok(u),
        _ => {
            let which = if output { "output" } else { "input" };
            Err(l.error(format!("standard {} file is closed", which)))
        }
    }
}

/// Pushes 5.1's `pushresult` for an I/O outcome without a file name.
fn push_result(l: &mut Lua, r: std::io::Result<()>) -> LuaResult<usize> {
    crate::stdlib::os::push_io_result(l, r, None)
}

/// `luaL_argerror(i, "<name>: <strerror>")`, 5.1's `fileerror`.
fn file_error(l: &mut Lua, i: usize, name: &[u8], e: &std::io::Error) -> LuaError {
    let msg = format!(
        "{}: {}",
        String::from_utf8_lossy(name),
        crate::stdlib::os_error_text(e)
    );
    l.arg_error(i, &msg)
}

/// Flushes every open file's buffered output (before the process exits).
pub fn flush_all(l: &mut Lua) {
    for obj in &l.heap.objects {
        if let GcObj::UserData(u) = obj {
            if let Some(c) = u.data.downcast_ref::<FileCell>() {
                if let Ok(mut f) = c.try_borrow_mut() {
                    let _ = f.flush();
                }
            }
        }
    }
}

// ---- closing ------------------------------------------------------------------------------

/// 5.1's `aux_close`: standard files refuse, others close.
fn close_file(l: &mut Lua, u: Gc<UserData>) -> LuaResult<usize> {
    let r = {
        let mut f = cell(&u).borrow_mut();
        if f.std_stream().is_some() {
            None
        } else {
            Some(f.close())
        }
    };
    match r {
        None => {
            l.push(Value::Nil)?;
            l.push_str(b"cannot close standard file")?;
            Ok(2)
        }
        Some(r) => push_result(l, r),
    }
}

fn io_close(l: &mut Lua) -> LuaResult<usize> {
    if l.nargs() == 0 {
        let v = registry_get(l, DEFAULT_OUTPUT_KEY)?;
        l.push(v)?;
    }
    f_close(l)
}

fn f_close(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file(l, 1)?;
    close_file(l, u)
}

fn f_gc(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file_any(l, 1)?;
    let closed = cell(&u).borrow().is_closed();
    if !closed {
        let top = l.get_top();
        close_file(l, u)?;
        l.set_top(top)?;
    }
    Ok(0)
}

fn f_tostring(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file_any(l, 1)?;
    let s = if cell(&u).borrow().is_closed() {
        "file (closed)".to_string()
    } else {
        format!("file (0x{:x})", u.addr())
    };
    l.push_str(s.as_bytes())?;
    Ok(1)
}

fn io_type(l: &mut Lua) -> LuaResult<usize> {
    let v = l.check_any(1)?;
    match as_file(l, &v)? {
        Some(u) => {
            let s: &[u8] = if cell(&u).borrow().is_closed() {
                b"closed file"
            } else {
                b"file"
            };
            l.push_str(s)?;
        }
        None => l.push(Value::Nil)?,
    }
    Ok(1)
}

// ---- opening ------------------------------------------------------------------------------

fn path(b: &[u8]) -> &std::path::Path {
    std::path::Path::new(std::ffi::OsStr::from_bytes(b))
}

fn io_open(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?.as_bytes().to_vec();
    let mode = match l.opt_str(2)? {
        Some(m) => m.as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    match LuaFile::open(path(&name), &mode) {
        Ok(f) => {
            let v = new_file(l, f)?;
            l.push(v)?;
            Ok(1)
        }
        Err(e) => crate::stdlib::os::push_io_result(l, Err(e), Some(&name)),
    }
}

fn io_popen(l: &mut Lua) -> LuaResult<usize> {
    let cmd = l.check_str(1)?.as_bytes().to_vec();
    let mode = match l.opt_str(2)? {
        Some(m) => m.as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    // Output written so far must come before the command's.
    flush_all(l);
    match LuaFile::popen(&cmd, &mode) {
        Ok(f) => {
            let v = new_file(l, f)?;
            l.push(v)?;
            Ok(1)
        }
        Err(e) => crate::stdlib::os::push_io_result(l, Err(e), Some(&cmd)),
    }
}

fn io_tmpfile(l: &mut Lua) -> LuaResult<usize> {
    let dir = std::env::temp_dir();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
        ^ std::process::id() as u64;
    let mut last_err = std::io::Error::from_raw_os_error(libc::EEXIST);
    for _ in 0..TMPFILE_ATTEMPTS {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let p = dir.join(format!("{}{:012x}", TMPFILE_PREFIX, seed >> 16));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => {
                let _ = std::fs::remove_file(&p);
                let v = new_file(l, LuaFile::from_file(f, true, true))?;
                l.push(v)?;
                return Ok(1);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = e,
            Err(e) => {
                last_err = e;
                break;
            }
        }
    }
    push_result(l, Err(last_err))
}

/// `io.input`/`io.output`: sets the default file from a name or a handle, returns it.
fn set_default(l: &mut Lua, output: bool) -> LuaResult<usize> {
    let key = if output {
        DEFAULT_OUTPUT_KEY
    } else {
        DEFAULT_INPUT_KEY
    };
    let arg = l.arg(1);
    if !arg.is_nil() {
        let v = match arg {
            Value::Str(_) | Value::Num(_) => {
                let name = l.check_str(1)?.as_bytes().to_vec();
                let mode: &[u8] = if output { b"w" } else { b"r" };
                match LuaFile::open(path(&name), mode) {
                    Ok(f) => new_file(l, f)?,
                    Err(e) => return Err(file_error(l, 1, &name, &e)),
                }
            }
            _ => {
                check_file(l, 1)?;
                arg
            }
        };
        registry_set(l, key, v)?;
    }
    let cur = registry_get(l, key)?;
    l.push(cur)?;
    Ok(1)
}

fn io_input(l: &mut Lua) -> LuaResult<usize> {
    set_default(l, false)
}

fn io_output(l: &mut Lua) -> LuaResult<usize> {
    set_default(l, true)
}

// ---- lines --------------------------------------------------------------------------------

fn lines_iterator(l: &mut Lua, file: Value, close_at_eof: bool) -> LuaResult<usize> {
    let f = l.new_native_with(
        "lines",
        crate::func::NativeKind::Fn(lines_next),
        vec![file, Value::Bool(close_at_eof)],
    )?;
    l.push(f)?;
    Ok(1)
}

fn io_lines(l: &mut Lua) -> LuaResult<usize> {
    if l.arg(1).is_nil() {
        let v = registry_get(l, DEFAULT_INPUT_KEY)?;
        l.set_top(l.arg_base())?;
        l.push(v)?;
        return f_lines(l);
    }
    let name = l.check_str(1)?.as_bytes().to_vec();
    match LuaFile::open(path(&name), b"r") {
        Ok(f) => {
            let v = new_file(l, f)?;
            lines_iterator(l, v, true)
        }
        Err(e) => Err(file_error(l, 1, &name, &e)),
    }
}

fn f_lines(l: &mut Lua) -> LuaResult<usize> {
    check_file(l, 1)?;
    let v = l.arg(1);
    lines_iterator(l, v, false)
}

fn lines_next(l: &mut Lua) -> LuaResult<usize> {
    let fv = crate::stdlib::base::upvalue(l, 0);
    let close_at_eof = crate::stdlib::base::upvalue(l, 1).truthy();
    let Some(u) = as_file(l, &fv)? else {
        return Err(l.error("file is already closed"));
    };
    let r = {
        let mut f = cell(&u).borrow_mut();
        if f.is_closed() {
            None
        } else {
            Some(f.read_line())
        }
    };
    match r {
        None => Err(l.error("file is already closed")),
        Some(Err(e)) => Err(l.error(crate::stdlib::os_error_text(&e))),
        Some(Ok(Some(line))) => {
            l.push_str(&line)?;
            Ok(1)
        }
        Some(Ok(None)) => {
            if close_at_eof {
                let top = l.get_top();
                close_file(l, u)?;
                l.set_top(top)?;
            }
            Ok(0)
        }
    }
}

// ---- reading ------------------------------------------------------------------------------

fn io_read(l: &mut Lua) -> LuaResult<usize> {
    let u = default_file(l, false)?;
    read_formats(l, u, 1)
}

fn f_read(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file(l, 1)?;
    read_formats(l, u, 2)
}

/// One read request.
enum Format {
    Line,
    Number,
    All,
    Chars(u64),
}

/// What one read produced.
enum ReadValue {
    Bytes(Vec<u8>),
    Num(f64),
}

/// The format given by argument `n` (5.1: a number, or a string starting with `*`).
fn parse_format(l: &mut Lua, n: usize) -> LuaResult<Format> {
    let s = match l.arg(n) {
        Value::Num(x) => return Ok(Format::Chars(crate::api::num_to_int(x) as u64)),
        Value::Str(s) if s.as_bytes().first() == Some(&b'*') => s,
        _ => return Err(l.arg_error(n, "invalid option")),
    };
    match s.as_bytes().get(1) {
        Some(b'n') => Ok(Format::Number),
        Some(b'l') => Ok(Format::Line),
        Some(b'a') => Ok(Format::All),
        _ => Err(l.arg_error(n, "invalid format")),
    }
}

/// 5.1's `g_read`: reads each format from argument `first` on, stopping at the first
/// failure (which gives nil); an I/O error gives `nil, message, errno`.
fn read_formats(l: &mut Lua, u: Gc<UserData>, first: usize) -> LuaResult<usize> {
    let nargs = l.nargs();
    let start = l.get_top();
    let last = if nargs < first { first } else { nargs };
    for n in first..=last {
        let fmt = if nargs < first {
            Format::Line
        } else {
            parse_format(l, n)?
        };
        let limit = l.heap.mem.limit.saturating_sub(l.heap.mem.bytes);
        let r = {
            let mut f = cell(&u).borrow_mut();
            match fmt {
                Format::Line => f.read_line().map(|o| o.map(ReadValue::Bytes)),
                Format::Number => f.read_number().map(|o| o.map(ReadValue::Num)),
                Format::All => f
                    .read_chars(u64::MAX, limit)
                    .map(|v| Some(ReadValue::Bytes(v))),
                Format::Chars(0) => f
                    .test_eof()
                    .map(|ok| ok.then(|| ReadValue::Bytes(Vec::new()))),
                Format::Chars(k) => f
                    .read_chars(k, limit)
                    .map(|v| (!v.is_empty()).then_some(ReadValue::Bytes(v))),
            }
        };
        match r {
            Ok(Some(ReadValue::Bytes(b))) => l.push_str(&b)?,
            Ok(Some(ReadValue::Num(x))) => l.push(Value::Num(x))?,
            Ok(None) => {
                l.push(Value::Nil)?;
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => return Err(LuaError::Memory),
            Err(e) => {
                l.set_top(start)?;
                return push_result(l, Err(e));
            }
        }
    }
    Ok(l.get_top() - start)
}

// ---- writing ------------------------------------------------------------------------------

fn io_write(l: &mut Lua) -> LuaResult<usize> {
    let u = default_file(l, true)?;
    write_values(l, u, 1)
}

fn f_write(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file(l, 1)?;
    write_values(l, u, 2)
}

/// 5.1's `g_write`: numbers as `%.14g`, strings as they are; returns true or the error.
fn write_values(l: &mut Lua, u: Gc<UserData>, first: usize) -> LuaResult<usize> {
    let to_stdout = cell(&u).borrow().std_stream() == Some(StdStream::Stdout);
    let mut status: std::io::Result<()> = Ok(());
    for i in first..=l.nargs() {
        let bytes: Vec<u8> = match l.arg(i) {
            Value::Num(n) => {
                let mut b = Vec::new();
                crate::number::fmt_number(n, &mut b);
                b
            }
            _ => l.check_str(i)?.as_bytes().to_vec(),
        };
        if status.is_err() {
            continue;
        }
        if to_stdout {
            l.write_stdout(&bytes);
        } else {
            status = cell(&u).borrow_mut().write(&bytes);
        }
    }
    push_result(l, status)
}

fn io_flush(l: &mut Lua) -> LuaResult<usize> {
    let u = default_file(l, true)?;
    let r = cell(&u).borrow_mut().flush();
    push_result(l, r)
}

fn f_flush(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file(l, 1)?;
    let r = cell(&u).borrow_mut().flush();
    push_result(l, r)
}

// ---- positioning and buffering ----------------------------------------------------------------

/// luaL_checkoption: the index of argument `i` in `options` (`def` when absent, if any).
fn check_option(l: &mut Lua, i: usize, def: Option<&str>, options: &[&str]) -> LuaResult<usize> {
    let name = match def {
        Some(d) if l.arg(i).is_nil() => d.as_bytes().to_vec(),
        _ => l.check_str(i)?.as_bytes().to_vec(),
    };
    match options.iter().position(|o| o.as_bytes() == name.as_slice()) {
        Some(p) => Ok(p),
        None => {
            let msg = format!("invalid option '{}'", String::from_utf8_lossy(&name));
            Err(l.arg_error(i, &msg))
        }
    }
}

fn f_seek(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file(l, 1)?;
    let whence = check_option(l, 2, Some("cur"), &["set", "cur", "end"])?;
    let off = l.opt_integer(3, 0)?;
    let pos = match whence {
        0 => {
            if off < 0 {
                return push_result(l, Err(std::io::Error::from_raw_os_error(libc::EINVAL)));
            }
            SeekFrom::Start(off as u64)
        }
        1 => SeekFrom::Current(off),
        _ => SeekFrom::End(off),
    };
    let r = cell(&u).borrow_mut().seek(pos);
    match r {
        Ok(p) => {
            l.push(Value::Num(p as f64))?;
            Ok(1)
        }
        Err(e) => push_result(l, Err(e)),
    }
}

fn f_setvbuf(l: &mut Lua) -> LuaResult<usize> {
    let u = check_file(l, 1)?;
    let mode = check_option(l, 2, None, &["no", "full", "line"])?;
    let size = l.opt_integer(3, file::BUFFER_SIZE as i64)?;
    let b = match mode {
        0 => Buffering::No,
        1 => Buffering::Full(size.clamp(1, 1 << 30) as usize),
        _ => Buffering::Line,
    };
    let r = cell(&u).borrow_mut().set_buffering(b);
    push_result(l, r)
}
