//! Handlers of `FCALL`, `FCALL_RO` and `FUNCTION LOAD|DELETE|FLUSH|LIST|STATS|DUMP|
//! RESTORE|KILL|HELP`, registered in the command table.
//!
//! Every change to the library set is all-or-nothing: new libraries are built first
//! (compiled and run in the Functions state), checked against the current set, and
//! only then swapped in; on any error the new ones are released and the set is as
//! before.
//!
//! Tests: `redis-tests/functions*.txt` (replies recorded from redis-server 7.0.15) and
//! `crates/server/tests/functions.rs`.

use super::errors;
use super::function_dump;
use super::function_lib::{self, Library, FLAG_NAMES};
use super::functions::{Engine, LOAD_TIMEOUT};
use super::run::{self, Invocation, Prepared, Target};
use crate::commands::is;
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use lua51::Value;
use resp::Args;
use std::time::Instant;

/// A function being run, for `FUNCTION STATS`.
pub struct RunningFunction {
    pub name: String,
    /// The caller's command line.
    pub command: Vec<Vec<u8>>,
    pub start: Instant,
}

pub fn fcall(ctx: &mut Ctx, a: &Args) -> CmdResult {
    fcall_generic(ctx, a, Invocation::ReadWrite)
}

pub fn fcall_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    fcall_generic(ctx, a, Invocation::ReadOnly)
}

fn fcall_generic(ctx: &mut Ctx, a: &Args, how: Invocation) -> CmdResult {
    let mut eng = ctx.core.scripting.take_functions()?;
    let r = fcall_in(ctx, &mut eng, a, how);
    ctx.core.scripting.put_functions(eng);
    r
}

fn fcall_in(ctx: &mut Ctx, eng: &mut Engine, a: &Args, how: Invocation) -> CmdResult {
    let Some(f) = eng.libs.function(a.get(1)) else {
        return Err(CmdError::msg("ERR Function not found"));
    };
    let (func, flags, name) = (f.func, f.flags, f.name.clone());
    let numkeys = crate::commands::int_arg(a.get(2))
        .map_err(|_| CmdError::msg("ERR Bad number of keys provided"))?;
    if numkeys > (a.len() - 3) as i64 {
        return Err(CmdError::msg(errors::NUMKEYS_GREATER));
    }
    if numkeys < 0 {
        return Err(CmdError::msg(errors::NUMKEYS_NEGATIVE));
    }
    let oom = run::gate(ctx, Some(flags), how)?;
    let numkeys = numkeys as usize;
    let l = &mut eng.lua;
    let mem_err = |e: lua51::LuaError| CmdError::owned(format!("ERR {e}"));
    let keys = l.new_table_sized(numkeys, 0).map_err(mem_err)?;
    let argv = l
        .new_table_sized(a.len() - 3 - numkeys, 0)
        .map_err(mem_err)?;
    for (i, arg) in a.iter().skip(3).enumerate() {
        let v = l.str_value(arg).map_err(mem_err)?;
        let (t, n) = if i < numkeys {
            (keys, i + 1)
        } else {
            (argv, i + 1 - numkeys)
        };
        l.raw_set(t, Value::Num(n as f64), v).map_err(mem_err)?;
    }
    ctx.core.scripting.running_function = Some(RunningFunction {
        name: name.clone(),
        command: a.iter().map(<[u8]>::to_vec).collect(),
        start: Instant::now(),
    });
    let target = Target {
        lua: &mut eng.lua,
        shared: &eng.shared,
        names: &eng.names,
        handler: eng.handler,
    };
    run::execute(
        ctx,
        target,
        func,
        &[Value::Table(keys), Value::Table(argv)],
        Prepared {
            flags: Some(flags),
            how,
            oom,
            name: &name,
            kind: super::busy::RunKind::Function,
        },
    );
    ctx.core.scripting.running_function = None;
    Ok(())
}

/// Runs `f` with the Functions engine taken out of `Core`.
fn with_engine<T>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut Ctx, &mut Engine) -> Result<T, CmdError>,
) -> Result<T, CmdError> {
    let mut eng = ctx.core.scripting.take_functions()?;
    let r = f(ctx, &mut eng);
    ctx.core.scripting.put_functions(eng);
    r
}

pub fn function_load(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut replace = false;
    for i in 2..a.len() - 1 {
        if is(a.get(i), "replace") {
            replace = true;
        } else {
            return Err(CmdError::owned(format!(
                "ERR Unknown option given: {}",
                String::from_utf8_lossy(a.get(i))
            )));
        }
    }
    let code = a.get(a.len() - 1);
    let name = with_engine(ctx, |ctx, eng| {
        let meta = function_lib::parse_metadata(code)?;
        if !replace && eng.libs.get(&meta.name).is_some() {
            return Err(CmdError::owned(format!(
                "ERR Library '{}' already exists",
                meta.name
            )));
        }
        // `redis.log` works at load time: the natives see `Core` for the duration of the
        // load, as during a run (nothing else reachable at load time touches it).
        eng.shared
            .core
            .set(&mut *ctx.core as *mut crate::server::Core);
        let lib = eng.create_library(code, meta, Some(LOAD_TIMEOUT));
        eng.shared.core.set(std::ptr::null_mut());
        let lib = lib?;
        if let Some(f) = eng.libs.clash(&lib, Some(&lib.name)) {
            eng.release(&lib);
            return Err(CmdError::owned(format!("ERR Function {f} already exists")));
        }
        let name = lib.name.clone();
        if let Some(old) = eng.libs.insert(lib) {
            eng.release(&old);
        }
        Ok(name)
    })?;
    ctx.core.dirty += 1;
    ctx.out().bulk(name.as_bytes());
    Ok(())
}

pub fn function_delete(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let name = String::from_utf8_lossy(a.get(2)).into_owned();
    with_engine(ctx, |_ctx, eng| match eng.libs.remove(&name) {
        Some(lib) => {
            eng.release(&lib);
            Ok(())
        }
        None => Err(CmdError::msg("ERR Library not found")),
    })?;
    ctx.core.dirty += 1;
    ctx.out().ok();
    Ok(())
}

/// The error of FLUSH/RESTORE given too many arguments.
fn wrong_args(a: &Args) -> CmdError {
    CmdError::owned(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try FUNCTION HELP.",
        String::from_utf8_lossy(a.get(1))
    ))
}

pub fn function_flush(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 3 {
        return Err(wrong_args(a));
    }
    if a.len() == 3 && !is(a.get(2), "sync") && !is(a.get(2), "async") {
        return Err(CmdError::msg(
            "ERR FUNCTION FLUSH only supports SYNC|ASYNC option",
        ));
    }
    with_engine(ctx, |_ctx, eng| {
        for lib in eng.libs.take_all() {
            eng.release(&lib);
        }
        Ok(())
    })?;
    ctx.core.dirty += 1;
    ctx.out().ok();
    Ok(())
}

pub fn function_list(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut with_code = false;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 2;
    while i < a.len() {
        let t = a.get(i);
        if is(t, "withcode") && !with_code {
            with_code = true;
        } else if is(t, "libraryname") && pattern.is_none() {
            if i + 1 >= a.len() {
                return Err(CmdError::msg("ERR library name argument was not given"));
            }
            i += 1;
            pattern = Some(a.get(i));
        } else {
            return Err(CmdError::owned(format!(
                "ERR Unknown argument {}",
                String::from_utf8_lossy(t)
            )));
        }
        i += 1;
    }
    let eng = ctx.core.scripting.take_functions()?;
    let libs: Vec<&Library> = eng
        .libs
        .iter()
        .filter(|l| pattern.is_none_or(|p| crate::glob::glob_match(p, l.name.as_bytes(), true)))
        .collect();
    let out = &mut ctx.client.out;
    out.array(libs.len());
    for lib in libs {
        out.map(if with_code { 4 } else { 3 });
        out.bulk(b"library_name");
        out.bulk(lib.name.as_bytes());
        out.bulk(b"engine");
        out.bulk(function_lib::ENGINE_NAME.as_bytes());
        out.bulk(b"functions");
        out.array(lib.functions.len());
        for f in &lib.functions {
            out.map(3);
            out.bulk(b"name");
            out.bulk(f.name.as_bytes());
            out.bulk(b"description");
            match &f.description {
                Some(d) => out.bulk(d),
                None => out.null(),
            }
            out.bulk(b"flags");
            let set: Vec<&str> = FLAG_NAMES
                .iter()
                .filter(|(_, b)| f.flags & b != 0)
                .map(|(n, _)| *n)
                .collect();
            out.set(set.len());
            for n in set {
                out.simple(n.as_bytes());
            }
        }
        if with_code {
            out.bulk(b"library_code");
            out.bulk(&lib.code);
        }
    }
    ctx.core.scripting.put_functions(eng);
    Ok(())
}

pub fn function_stats(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    if ctx.core.scripting.eval_running() {
        return Err(CmdError::msg(
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        ));
    }
    let (libs, funcs) = ctx.core.scripting.functions_counts();
    let running = ctx.core.scripting.running_function.as_ref().map(|r| {
        (
            r.name.clone(),
            r.command.clone(),
            r.start.elapsed().as_millis() as i64,
        )
    });
    let out = &mut ctx.client.out;
    out.map(2);
    out.bulk(b"running_script");
    match running {
        None => out.null(),
        Some((name, command, ms)) => {
            out.map(3);
            out.bulk(b"name");
            out.bulk(name.as_bytes());
            out.bulk(b"command");
            out.array(command.len());
            for c in &command {
                out.bulk(c);
            }
            out.bulk(b"duration_ms");
            out.int(ms);
        }
    }
    out.bulk(b"engines");
    out.map(1);
    out.bulk(function_lib::ENGINE_NAME.as_bytes());
    out.map(2);
    out.bulk(b"libraries_count");
    out.int(libs as i64);
    out.bulk(b"functions_count");
    out.int(funcs as i64);
    Ok(())
}

pub fn function_dump(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let payload = with_engine(ctx, |_ctx, eng| {
        Ok(function_dump::dump(
            eng.libs.iter().map(|l| l.code.as_slice()),
        ))
    })?;
    ctx.out().bulk(&payload);
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Policy {
    Flush,
    Append,
    Replace,
}

pub fn function_restore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 4 {
        return Err(wrong_args(a));
    }
    let policy = if a.len() == 4 {
        let p = a.get(3);
        if is(p, "flush") {
            Policy::Flush
        } else if is(p, "append") {
            Policy::Append
        } else if is(p, "replace") {
            Policy::Replace
        } else {
            return Err(CmdError::msg(
                "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            ));
        }
    } else {
        Policy::Append
    };
    let codes = function_dump::parse(a.get(2)).map_err(|e| CmdError::owned(format!("ERR {e}")))?;
    with_engine(ctx, |_ctx, eng| restore(eng, codes, policy))?;
    ctx.core.dirty += 1;
    ctx.out().ok();
    Ok(())
}

/// Replaces every library with the libraries of `codes` (as `RESTORE ... FLUSH`).
pub fn restore_all(eng: &mut Engine, codes: Vec<Vec<u8>>) -> Result<(), CmdError> {
    restore(eng, codes, Policy::Flush)
}

/// Builds every library of a payload, then applies them under `policy`, or changes
/// nothing.
fn restore(eng: &mut Engine, codes: Vec<Vec<u8>>, policy: Policy) -> Result<(), CmdError> {
    let mut staged: Vec<Library> = Vec::with_capacity(codes.len());
    let abort = |eng: &mut Engine, staged: Vec<Library>, e: CmdError| {
        for lib in &staged {
            eng.release(lib);
        }
        Err(e)
    };
    for code in codes {
        let built = function_lib::parse_metadata(&code).and_then(|meta| {
            if staged.iter().any(|l| l.name == meta.name) {
                return Err(CmdError::owned(format!(
                    "ERR Library '{}' already exists",
                    meta.name
                )));
            }
            eng.create_library(&code, meta, None)
        });
        match built {
            Ok(lib) => {
                let clash = lib.functions.iter().find(|f| {
                    staged.iter().any(|s| {
                        s.functions
                            .iter()
                            .any(|g| g.name.eq_ignore_ascii_case(&f.name))
                    })
                });
                if let Some(f) = clash {
                    let e = CmdError::owned(format!("ERR Function {} already exists", f.name));
                    staged.push(lib);
                    return abort(eng, staged, e);
                }
                staged.push(lib);
            }
            Err(e) => return abort(eng, staged, e),
        }
    }
    if policy != Policy::Flush {
        for lib in &staged {
            if eng.libs.get(&lib.name).is_some() && policy == Policy::Append {
                let e = CmdError::owned(format!("ERR Library {} already exists", lib.name));
                return abort(eng, staged, e);
            }
        }
        for lib in &staged {
            // Under REPLACE, libraries that the payload replaces do not count.
            let clash = lib.functions.iter().find(|f| {
                eng.libs
                    .owner(&f.name)
                    .is_some_and(|o| !staged.iter().any(|s| s.name == o))
            });
            if let Some(f) = clash {
                let e = CmdError::owned(format!("ERR Function {} already exists", f.name));
                return abort(eng, staged, e);
            }
        }
    } else {
        for lib in eng.libs.take_all() {
            eng.release(&lib);
        }
    }
    for lib in staged {
        if let Some(old) = eng.libs.insert(lib) {
            eng.release(&old);
        }
    }
    Ok(())
}

pub use super::busy::function_kill;

const FUNCTION_HELP: &[&str] = &[
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
];

pub fn function_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.out().array(FUNCTION_HELP.len());
    for l in FUNCTION_HELP {
        ctx.out().simple(l.as_bytes());
    }
    Ok(())
}
