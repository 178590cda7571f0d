//! The `os` library of Lua 5.1: `clock date difftime execute exit getenv remove rename
//! setlocale time tmpname`.
//!
//! Results and error values follow lua5.1 on Linux: failed file operations return
//! `nil, "<name>: <strerror>", errno`; `os.execute` returns the raw wait status that C's
//! `system()` returns; `os.date` formats like glibc's `strftime` in the C locale
//! (`time.rs`). Only the C locale exists here, so `os.setlocale` accepts just the
//! names of the C locale. Tests: `lua-tests/os/`.

pub mod time;

use crate::api::num_to_int;
use crate::error::LuaResult;
use crate::stdlib::table::opt_int;
use crate::value::Value;
use crate::vm::Lua;
use std::cell::RefCell;
use std::os::unix::ffi::OsStrExt;
use time::Tm;

/// Shell used by `os.execute` and `io.popen`, as C's `system()`/`popen()`.
pub const SHELL: &str = "/bin/sh";
/// Template prefix of `os.tmpname` names (5.1 uses `mkstemp("/tmp/lua_XXXXXX")`).
const TMPNAME_PREFIX: &str = "/tmp/lua_";
/// Attempts at finding an unused temporary name before giving up (glibc's mkstemp
/// tries TMP_MAX = 238328 names; a handful is plenty with random names).
const TMPNAME_ATTEMPTS: u32 = 100;
/// Categories accepted by `os.setlocale`, in 5.1's order.
const LOCALE_CATEGORIES: [&str; 6] = ["all", "collate", "ctype", "monetary", "numeric", "time"];

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(
        t,
        &[
            ("clock", clock),
            ("date", date),
            ("difftime", difftime),
            ("execute", execute),
            ("exit", exit),
            ("getenv", getenv),
            ("remove", remove),
            ("rename", rename),
            ("setlocale", setlocale),
            ("time", time_fn),
            ("tmpname", tmpname),
        ],
    )?;
    l.set_global("os", Value::Table(t))
}

/// Pushes `nil, "<name>: <strerror>", errno` (or `true`), as 5.1's `os_pushresult`.
pub(crate) fn push_io_result(
    l: &mut Lua,
    r: std::io::Result<()>,
    name: Option<&[u8]>,
) -> LuaResult<usize> {
    match r {
        Ok(()) => {
            l.push(Value::Bool(true))?;
            Ok(1)
        }
        Err(e) => {
            let mut msg = Vec::new();
            if let Some(n) = name {
                msg.extend_from_slice(n);
                msg.extend_from_slice(b": ");
            }
            msg.extend_from_slice(crate::stdlib::os_error_text(&e).as_bytes());
            l.push(Value::Nil)?;
            l.push_str(&msg)?;
            l.push(Value::Num(e.raw_os_error().unwrap_or(0) as f64))?;
            Ok(3)
        }
    }
}

fn path_of(b: &[u8]) -> &std::path::Path {
    std::path::Path::new(std::ffi::OsStr::from_bytes(b))
}

fn remove(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?.as_bytes().to_vec();
    let p = path_of(&name);
    // C's remove(): unlink, or rmdir when the name is a directory.
    let r = match std::fs::remove_file(p) {
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => std::fs::remove_dir(p),
        r => r,
    };
    push_io_result(l, r, Some(&name))
}

fn rename(l: &mut Lua) -> LuaResult<usize> {
    let from = l.check_str(1)?.as_bytes().to_vec();
    let to = l.check_str(2)?.as_bytes().to_vec();
    let r = std::fs::rename(path_of(&from), path_of(&to));
    push_io_result(l, r, Some(&from))
}

fn getenv(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?;
    let v = std::env::var_os(std::ffi::OsStr::from_bytes(name.as_bytes()));
    match v {
        Some(v) => l.push_str(v.as_bytes())?,
        None => l.push(Value::Nil)?,
    }
    Ok(1)
}

fn execute(l: &mut Lua) -> LuaResult<usize> {
    let cmd = l.opt_str(1)?.map(|s| s.as_bytes().to_vec());
    let status = match cmd {
        // system(NULL): is a shell available?
        None => i32::from(std::path::Path::new(SHELL).exists()),
        Some(c) => {
            use std::os::unix::process::ExitStatusExt;
            match std::process::Command::new(SHELL)
                .arg("-c")
                .arg(std::ffi::OsStr::from_bytes(&c))
                .status()
            {
                Ok(st) => st.into_raw(),
                // The shell could not be started: system() reports exit status 127.
                Err(_) => 127 << 8,
            }
        }
    };
    l.push(Value::Num(status as f64))?;
    Ok(1)
}

fn exit(l: &mut Lua) -> LuaResult<usize> {
    let code = opt_int(l, 1, 0)?;
    crate::stdlib::io::flush_all(l);
    std::process::exit(code as i32)
}

fn clock(l: &mut Lua) -> LuaResult<usize> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is a constant
    // every Linux supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    let secs = if rc == 0 {
        // C's clock() counts microseconds (CLOCKS_PER_SEC = 1000000).
        let micros = ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000;
        micros as f64 / 1e6
    } else {
        -1.0
    };
    l.push(Value::Num(secs))?;
    Ok(1)
}

fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

fn difftime(l: &mut Lua) -> LuaResult<usize> {
    // lua5.1 (built with gcc) evaluates the second argument check first.
    let b = num_to_int(l.opt_number(2, 0.0)?);
    let a = num_to_int(l.check_number(1)?);
    l.push(Value::Num(a as f64 - b as f64))?;
    Ok(1)
}

/// Reads field `key` of the table at argument 1 as a C `int` (5.1's `getfield`);
/// `def < 0` means the field is required.
fn get_field(l: &mut Lua, key: &str, def: i64) -> LuaResult<i64> {
    let t = l.arg(1);
    let k = l.str_value(key.as_bytes())?;
    let v = l.index(t, k, None)?;
    let n = match v {
        Value::Num(n) => Some(n),
        Value::Str(_) => crate::vm::meta::to_number(&v),
        _ => None,
    };
    match n {
        Some(n) => Ok(num_to_int(n) as i32 as i64),
        None if def < 0 => Err(l.error(format!("field '{}' missing in date table", key))),
        None => Ok(def),
    }
}

fn time_fn(l: &mut Lua) -> LuaResult<usize> {
    if l.arg(1).is_nil() {
        l.push(Value::Num(now() as f64))?;
        return Ok(1);
    }
    l.check_type(1, crate::value::Type::Table)?;
    l.set_top(l.arg_base() + 1)?;
    let sec = get_field(l, "sec", 0)?;
    let min = get_field(l, "min", 0)?;
    let hour = get_field(l, "hour", 12)?;
    let day = get_field(l, "day", -1)?;
    let month = get_field(l, "month", -1)? - 1;
    let year = get_field(l, "year", -1)? - 1900;
    let t = l.arg(1);
    let k = l.str_value(b"isdst")?;
    let dst = l.index(t, k, None)?;
    let isdst = if dst.is_nil() {
        -1
    } else {
        i64::from(dst.truthy())
    };
    // The year offset is computed in C `int` arithmetic.
    let year = year as i32 as i64;
    match time::mktime(year, month, day, hour, min, sec, isdst) {
        Some(t) if t != -1 => l.push(Value::Num(t as f64))?,
        _ => l.push(Value::Nil)?,
    }
    Ok(1)
}

fn date(l: &mut Lua) -> LuaResult<usize> {
    let mut fmt = match l.opt_str(1)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"%c".to_vec(),
    };
    // 5.1 reads the format as a C string: it ends at the first zero byte.
    if let Some(z) = fmt.iter().position(|&c| c == 0) {
        fmt.truncate(z);
    }
    let t = if l.arg(2).is_nil() {
        now()
    } else {
        num_to_int(l.check_number(2)?)
    };
    let (utc, fmt) = match fmt.strip_prefix(b"!") {
        Some(rest) => (true, rest.to_vec()),
        None => (false, fmt),
    };
    let tm = if utc {
        time::gmtime(t)
    } else {
        time::localtime(t)
    };
    let Some(tm) = tm else {
        l.push(Value::Nil)?;
        return Ok(1);
    };
    if fmt == b"*t" {
        push_date_table(l, &tm)?;
        return Ok(1);
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' || i + 1 >= fmt.len() {
            out.push(c);
        } else {
            i += 1;
            time::strftime_one(&mut out, fmt[i], &tm);
        }
        i += 1;
    }
    l.push_str(&out)?;
    Ok(1)
}

fn push_date_table(l: &mut Lua, tm: &Tm) -> LuaResult<()> {
    let t = l.new_table_sized(0, 9)?;
    let fields = [
        ("sec", tm.sec),
        ("min", tm.min),
        ("hour", tm.hour),
        ("day", tm.mday),
        ("month", tm.mon + 1),
        ("year", tm.year + 1900),
        ("wday", tm.wday + 1),
        ("yday", tm.yday + 1),
    ];
    for (k, v) in fields {
        let k = l.str_value(k.as_bytes())?;
        l.raw_set(t, k, Value::Num(v as f64))?;
    }
    let k = l.str_value(b"isdst")?;
    l.raw_set(t, k, Value::Bool(tm.isdst))?;
    l.push(Value::Table(t))
}

fn tmpname(l: &mut Lua) -> LuaResult<usize> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
        ^ ((std::process::id() as u64) << 32);
    for _ in 0..TMPNAME_ATTEMPTS {
        let mut name = TMPNAME_PREFIX.to_string();
        for _ in 0..6 {
            // xorshift64: a cheap source of name letters.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            name.push(CHARS[(seed % CHARS.len() as u64) as usize] as char);
        }
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&name);
        match created {
            Ok(_) => {
                l.push_str(name.as_bytes())?;
                return Ok(1);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => break,
        }
    }
    Err(l.error("unable to generate a unique filename"))
}

thread_local! {
    /// Locale of each category (index as `LOCALE_CATEGORIES` minus "all"). C's locale is
    /// process-wide; so is this.
    static LOCALES: RefCell<[String; 5]> = RefCell::new(std::array::from_fn(|_| "C".to_string()));
}

/// Names of locales that behave as the C locale for everything this library does.
fn c_locale_name(name: &str) -> Option<&str> {
    match name {
        "C" | "POSIX" => Some("C"),
        "C.UTF-8" | "C.utf8" => Some(name),
        _ => None,
    }
}

/// The locale `setlocale(cat, "")` picks from the environment (LC_ALL, LC_<CAT>, LANG).
fn env_locale(cat: &str) -> String {
    let var = format!("LC_{}", cat.to_ascii_uppercase());
    for v in ["LC_ALL", var.as_str(), "LANG"] {
        if let Ok(s) = std::env::var(v) {
            if !s.is_empty() {
                return s;
            }
        }
    }
    "C".to_string()
}

fn setlocale(l: &mut Lua) -> LuaResult<usize> {
    let name = l.opt_str(1)?.map(|s| s.to_str_lossy().into_owned());
    let cat_name = match l.opt_str(2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"all".to_vec(),
    };
    let Some(cat) = LOCALE_CATEGORIES
        .iter()
        .position(|c| c.as_bytes() == cat_name.as_slice())
    else {
        let msg = format!("invalid option '{}'", String::from_utf8_lossy(&cat_name));
        return Err(l.arg_error(2, &msg));
    };
    let result: Option<String> = LOCALES.with(|locs| {
        let mut locs = locs.borrow_mut();
        let cats: Vec<usize> = if cat == 0 {
            (0..5).collect()
        } else {
            vec![cat - 1]
        };
        if let Some(n) = &name {
            // Resolve every category first: setlocale changes nothing if one fails.
            let mut chosen = Vec::new();
            for &c in &cats {
                let want = if n.is_empty() {
                    env_locale(LOCALE_CATEGORIES[c + 1])
                } else {
                    n.clone()
                };
                chosen.push(c_locale_name(&want)?.to_string());
            }
            for (&c, v) in cats.iter().zip(chosen) {
                locs[c] = v;
            }
        }
        if cats.iter().all(|&c| locs[c] == locs[cats[0]]) {
            Some(locs[cats[0]].clone())
        } else {
            let parts: Vec<String> = cats
                .iter()
                .map(|&c| {
                    format!(
                        "LC_{}={}",
                        LOCALE_CATEGORIES[c + 1].to_ascii_uppercase(),
                        locs[c]
                    )
                })
                .collect();
            Some(parts.join(";"))
        }
    });
    match result {
        Some(s) => l.push_str(s.as_bytes())?,
        None => l.push(Value::Nil)?,
    }
    Ok(1)
}
