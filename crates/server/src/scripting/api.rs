//! The `redis` table of the EVAL state: `call`, `pcall`, `error_reply`, `status_reply`,
//! `sha1hex`, `log`, `setresp`, `set_repl`, `replicate_commands`, `acl_check_cmd`,
//! `breakpoint`, `debug` and the `LOG_*` / `REPL_*` / `REDIS_VERSION*` constants.
//!
//! Errors raised by these functions are error tables (`{err = "ERR ..."}`), as Redis 7.0
//! raises them, so the caller's reply reads `-ERR <text> script: <sha>, on ...`.

use super::engine::Names;
use super::errors::{self, error_table, raise};
use super::run::{RunShared, REPL_ALL};
use lua51::{Lua, LuaError, LuaResult, Value};
use std::rc::Rc;

/// `redis.REDIS_VERSION_NUM` layout: `0x00MMmmpp`.
fn version_num() -> f64 {
    let mut parts = crate::server::REDIS_VERSION
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (a, b, c) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    ((a << 16) | (b << 8) | c) as f64
}

/// Builds the `redis` global.
pub fn open_redis(l: &mut Lua, shared: &Rc<RunShared>, names: Names) -> LuaResult<()> {
    let t = l.new_table()?;
    let sh = shared.clone();
    let call = l.new_closure("call", move |l| generic_call(l, &sh, &names, true))?;
    let sh = shared.clone();
    let pcall = l.new_closure("pcall", move |l| generic_call(l, &sh, &names, false))?;
    let sh = shared.clone();
    let log = l.new_closure("log", move |l| log(l, &sh))?;
    let sh = shared.clone();
    let setresp = l.new_closure("setresp", move |l| setresp(l, &sh))?;
    let sh = shared.clone();
    let set_repl = l.new_closure("set_repl", move |l| set_repl(l, &sh))?;
    let sh = shared.clone();
    let acl = l.new_closure("acl_check_cmd", move |l| acl_check_cmd(l, &sh))?;
    for (name, f) in [
        ("call", call),
        ("pcall", pcall),
        ("log", log),
        ("setresp", setresp),
        ("set_repl", set_repl),
        ("acl_check_cmd", acl),
    ] {
        let k = l.str_value(name.as_bytes())?;
        l.raw_set(t, k, f)?;
    }
    l.register_lib(
        t,
        &[
            ("error_reply", error_reply),
            ("status_reply", status_reply),
            ("sha1hex", sha1hex),
            ("replicate_commands", replicate_commands),
            ("breakpoint", breakpoint),
            ("debug", debug),
        ],
    )?;
    let ver = l.str_value(crate::server::REDIS_VERSION.as_bytes())?;
    let consts: [(&str, Value); 11] = [
        ("LOG_DEBUG", Value::Num(0.0)),
        ("LOG_VERBOSE", Value::Num(1.0)),
        ("LOG_NOTICE", Value::Num(2.0)),
        ("LOG_WARNING", Value::Num(3.0)),
        ("REPL_NONE", Value::Num(0.0)),
        ("REPL_AOF", Value::Num(1.0)),
        ("REPL_SLAVE", Value::Num(2.0)),
        ("REPL_REPLICA", Value::Num(2.0)),
        ("REPL_ALL", Value::Num(3.0)),
        ("REDIS_VERSION", ver),
        ("REDIS_VERSION_NUM", Value::Num(version_num())),
    ];
    for (name, v) in consts {
        let k = l.str_value(name.as_bytes())?;
        l.raw_set(t, k, v)?;
    }
    l.set_global("redis", Value::Table(t))
}

/// Fills the shared argument buffer from the native's arguments (strings as-is, numbers
/// with `%.17g`). Returns false if an argument has another type.
fn collect_args(l: &Lua, buf: &mut Vec<u8>, ranges: &mut Vec<(usize, usize)>) -> bool {
    buf.clear();
    ranges.clear();
    for i in 1..=l.nargs() {
        let start = buf.len();
        match l.arg(i) {
            Value::Str(s) => buf.extend_from_slice(s.as_bytes()),
            Value::Num(n) => buf.extend_from_slice(resp::number::format_double(n).as_bytes()),
            _ => return false,
        }
        ranges.push((start, buf.len()));
    }
    true
}

/// A failure before any command ran: raised by `call`, returned by `pcall`.
fn fail(l: &mut Lua, raise_it: bool, msg: &str) -> LuaResult<usize> {
    let e = raise(l, msg);
    match e {
        LuaError::Runtime(v) if !raise_it => {
            l.push(v)?;
            Ok(1)
        }
        e => Err(e),
    }
}

/// `redis.call` (raise = true) and `redis.pcall`.
fn generic_call(l: &mut Lua, sh: &RunShared, names: &Names, raise_it: bool) -> LuaResult<usize> {
    if l.nargs() == 0 {
        return fail(l, raise_it, errors::NO_ARGS);
    }
    let Ok(mut argbuf) = sh.argbuf.try_borrow_mut() else {
        let t = error_table(l, &errors::normalize(errors::RECURSIVE.as_bytes()), false)?;
        l.push(t)?;
        return Ok(1);
    };
    let (buf, ranges) = &mut *argbuf;
    if !collect_args(l, buf, ranges) {
        drop(argbuf);
        return fail(l, raise_it, errors::BAD_ARG_TYPE);
    }
    let Some(core) = sh.core() else {
        drop(argbuf);
        return Err(raise(l, errors::OUTSIDE_RUN));
    };
    let (Ok(mut client), Ok(mut st)) = (sh.client.try_borrow_mut(), sh.state.try_borrow_mut())
    else {
        drop(argbuf);
        let t = error_table(l, &errors::normalize(errors::RECURSIVE.as_bytes()), false)?;
        l.push(t)?;
        return Ok(1);
    };
    let args = resp::Args::from_parts(buf, ranges);
    let value = match super::exec::run_command(core, &mut client, &mut st, &args) {
        Err(text) => error_table(l, &text, true),
        Ok(()) => {
            let v = super::convert::resp_to_lua(l, names, &client.out.buf);
            client.out.buf.clear();
            v
        }
    };
    drop((client, st, argbuf));
    let v = value?;
    if raise_it {
        if let Value::Table(t) = v {
            if !t.get_str(names.err).is_nil() {
                return Err(LuaError::Runtime(v));
            }
        }
    }
    l.push(v)?;
    Ok(1)
}

/// `redis.error_reply(msg)`: `{err = <msg normalised with its own code>}`.
fn error_reply(l: &mut Lua) -> LuaResult<usize> {
    let v = match (l.nargs(), l.arg(1)) {
        (1, Value::Str(s)) => {
            let mut m = Vec::with_capacity(s.len() + 1);
            if !s.as_bytes().starts_with(b"-") {
                m.push(b'-');
            }
            m.extend_from_slice(s.as_bytes());
            error_table(l, &errors::normalize(&m), false)?
        }
        _ => error_table(l, b"ERR wrong number or type of arguments", false)?,
    };
    l.push(v)?;
    Ok(1)
}

/// `redis.status_reply(msg)`: `{ok = msg}`.
fn status_reply(l: &mut Lua) -> LuaResult<usize> {
    let v = match (l.nargs(), l.arg(1)) {
        (1, s @ Value::Str(_)) => {
            let t = l.new_table_sized(0, 1)?;
            let k = l.str_value(b"ok")?;
            l.raw_set(t, k, s)?;
            Value::Table(t)
        }
        _ => error_table(l, b"ERR wrong number or type of arguments", false)?,
    };
    l.push(v)?;
    Ok(1)
}

/// `redis.sha1hex(s)`: 40 lowercase hex digits.
fn sha1hex(l: &mut Lua) -> LuaResult<usize> {
    if l.nargs() != 1 {
        return Err(raise(l, "wrong number of arguments"));
    }
    let bytes = match l.arg(1) {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Num(_) => l.check_str(1)?.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    let hex = super::cache::sha1_hex(&bytes);
    l.push_str(&hex)?;
    Ok(1)
}

/// `redis.log(level, ...)`: one server log line of the string/number arguments.
fn log(l: &mut Lua, sh: &RunShared) -> LuaResult<usize> {
    let n = l.nargs();
    if n < 2 {
        return Err(raise(l, "redis.log() requires two arguments or more."));
    }
    let level = match l.arg(1) {
        Value::Num(x) => x,
        Value::Str(s) => match std::str::from_utf8(s.as_bytes())
            .ok()
            .and_then(|t| lua_number(t))
        {
            Some(x) => x,
            None => return Err(raise(l, "First argument must be a number (log level).")),
        },
        _ => return Err(raise(l, "First argument must be a number (log level).")),
    };
    let level = level as i64;
    if !(0..=3).contains(&level) {
        return Err(raise(l, "Invalid debug level."));
    }
    let Some(core) = sh.core() else { return Ok(0) };
    if (level as usize) < core.log.level {
        return Ok(0);
    }
    let mut msg = Vec::new();
    for i in 2..=n {
        let piece = match l.arg(i) {
            Value::Str(s) => s.as_bytes().to_vec(),
            Value::Num(_) => l.check_str(i)?.as_bytes().to_vec(),
            _ => continue,
        };
        if i != 2 {
            msg.push(b' ');
        }
        msg.extend_from_slice(&piece);
    }
    let core = sh.core().expect("checked above");
    core.log.log(level as usize, &String::from_utf8_lossy(&msg));
    Ok(0)
}

/// Lua's string → number coercion (decimal or hex, surrounding spaces allowed).
fn lua_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).ok().map(|v| v as f64);
    }
    t.parse::<f64>().ok().filter(|_| {
        !t.is_empty() && !t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    })
}

/// `redis.setresp(2|3)`: the protocol of later command replies in this run.
fn setresp(l: &mut Lua, sh: &RunShared) -> LuaResult<usize> {
    if l.nargs() != 1 {
        return Err(raise(l, "redis.setresp() requires one argument."));
    }
    let v = match l.arg(1) {
        Value::Num(x) => x as i64,
        Value::Str(s) => std::str::from_utf8(s.as_bytes())
            .ok()
            .and_then(lua_number)
            .map_or(0, |x| x as i64),
        _ => 0,
    };
    if v != 2 && v != 3 {
        return Err(raise(l, "RESP version must be 2 or 3."));
    }
    if let (Ok(mut st), Ok(mut c)) = (sh.state.try_borrow_mut(), sh.client.try_borrow_mut()) {
        st.resp3 = v == 3;
        c.out.proto = if v == 3 {
            resp::Proto::Resp3
        } else {
            resp::Proto::Resp2
        };
    }
    Ok(0)
}

/// `redis.set_repl(flags)`: where later writes of this run are propagated.
fn set_repl(l: &mut Lua, sh: &RunShared) -> LuaResult<usize> {
    if l.nargs() != 1 {
        return Err(raise(l, "redis.set_repl() requires two arguments."));
    }
    let flags = match l.arg(1) {
        Value::Num(x) => x as i64,
        Value::Str(s) => std::str::from_utf8(s.as_bytes())
            .ok()
            .and_then(lua_number)
            .map_or(0, |x| x as i64),
        _ => 0,
    };
    if flags & !(REPL_ALL as i64) != 0 {
        return Err(raise(
            l,
            "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
        ));
    }
    if let Ok(mut st) = sh.state.try_borrow_mut() {
        st.repl = flags as u8;
    }
    Ok(0)
}

/// `redis.replicate_commands()`: a no-op kept for old scripts.
fn replicate_commands(l: &mut Lua) -> LuaResult<usize> {
    l.push(Value::Bool(true))?;
    Ok(1)
}

/// `redis.acl_check_cmd(cmd, ...)`: whether the calling user could run the command with
/// these arguments (arity is not checked); unknown commands raise.
fn acl_check_cmd(l: &mut Lua, sh: &RunShared) -> LuaResult<usize> {
    if l.nargs() == 0 {
        return Err(raise(l, errors::NO_ARGS));
    }
    let mut buf = Vec::new();
    let mut ranges = Vec::new();
    if !collect_args(l, &mut buf, &mut ranges) {
        return Err(raise(l, errors::BAD_ARG_TYPE));
    }
    let argv: Vec<&[u8]> = ranges.iter().map(|r| &buf[r.0..r.1]).collect();
    let user = sh.client.borrow().user.clone();
    // Some(verdict), or None for an unknown command.
    let verdict = sh.core().and_then(|core| {
        let reg = &core.registry;
        let mut id = reg.lookup(argv[0])?;
        if !reg.entries[id].cmd.subcommands.is_empty() {
            match argv.get(1) {
                Some(sub) => id = reg.lookup_sub(id, sub)?,
                None => return Some(false),
            }
        }
        Some(
            core.acl
                .users
                .get(&user)
                .is_some_and(|u| u.check(reg, id, &argv).is_ok()),
        )
    });
    match verdict {
        Some(v) => {
            l.push(Value::Bool(v))?;
            Ok(1)
        }
        None => Err(raise(l, "Invalid command passed to redis.acl_check_cmd()")),
    }
}

/// `redis.breakpoint()`: false, as no debugging session is active.
fn breakpoint(l: &mut Lua) -> LuaResult<usize> {
    l.push(Value::Bool(false))?;
    Ok(1)
}

/// `redis.debug(...)`: logs to the debugging session, of which there is none.
fn debug(_l: &mut Lua) -> LuaResult<usize> {
    Ok(0)
}
