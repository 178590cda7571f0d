//! Error texts of the scripting bridge and the shapes of error replies.
//!
//! Inside a script, errors that Redis itself produces (a failing `redis.call`, API misuse)
//! are Lua tables `{err = "<CODE> <message>"}`, sometimes with
//! `ignore_error_stats_update = true` when the error was already counted in INFO
//! errorstats. When such an error escapes the script, the caller gets
//! `-<err> script: <sha>, on @user_script:<line>.` ([`raised_reply`]).

use lua51::{Lua, LuaError, LuaResult, Value};

pub const NOSCRIPT: &str = "NOSCRIPT No matching script. Please use EVAL.";
pub const NUMKEYS_GREATER: &str = "ERR Number of keys can't be greater than number of args";
pub const NUMKEYS_NEGATIVE: &str = "ERR Number of keys can't be negative";
pub const WRITE_FLAG_RO: &str = "ERR Can not execute a script with write flag using *_ro command.";
pub const FLUSH_OPTION: &str = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
pub const NOTBUSY: &str = "NOTBUSY No scripts in execution right now.";

// Texts raised (as error tables) inside scripts.
pub const NO_ARGS: &str = "Please specify at least one argument for this redis lib call";
pub const BAD_ARG_TYPE: &str = "Lua redis lib command arguments must be strings or integers";
pub const UNKNOWN_CMD: &str = "Unknown Redis command called from script";
pub const WRONG_ARGS: &str = "Wrong number of args calling Redis command from script";
pub const NOT_ALLOWED: &str = "This Redis command is not allowed from script";
pub const WRITE_IN_RO: &str = "Write commands are not allowed from read-only scripts.";
pub const OOM_CMD: &str = "-OOM command not allowed when used memory > 'maxmemory'.";
pub const RECURSIVE: &str =
    "luaRedisGenericCommand() recursive call detected. Are you doing funny stuff with Lua debug hooks?";
pub const OUTSIDE_RUN: &str = "redis.call/pcall can only be called inside a script invocation";
pub const KILLED: &str = "Script killed by user with SCRIPT KILL...";

/// Longest part of a non-table error message quoted in `Error running script` (Redis: 100).
const RUN_ERROR_QUOTE: usize = 100;

/// Normalises a message the way Redis builds error tables: `-CODE rest` keeps its code,
/// a message without a leading `-` gets `ERR `, a `-` message without a space becomes
/// `ERR <message>`; trailing CR/LF are trimmed.
pub fn normalize(msg: &[u8]) -> Vec<u8> {
    let mut m = msg;
    while let [rest @ .., b'\r' | b'\n'] = m {
        m = rest;
    }
    let mut out = Vec::with_capacity(m.len() + 4);
    match m.strip_prefix(b"-") {
        Some(rest) => {
            if rest.contains(&b' ') {
                out.extend_from_slice(rest);
            } else {
                out.extend_from_slice(b"ERR ");
                out.extend_from_slice(rest);
            }
        }
        None => {
            out.extend_from_slice(b"ERR ");
            out.extend_from_slice(m);
        }
    }
    out
}

/// A fresh `{err = <text>}` table (text used as given), optionally marked as already
/// counted in the error statistics.
pub fn error_table(l: &mut Lua, text: &[u8], counted: bool) -> LuaResult<Value> {
    let t = l.new_table_sized(0, 2)?;
    let k = l.str_value(b"err")?;
    let v = l.str_value(text)?;
    l.raw_set(t, k, v)?;
    if counted {
        let k = l.str_value(b"ignore_error_stats_update")?;
        l.raw_set(t, k, Value::Bool(true))?;
    }
    Ok(Value::Table(t))
}

/// The error raised for a Redis-originated message (normalised as [`normalize`]).
pub fn raise(l: &mut Lua, msg: &str) -> LuaError {
    match error_table(l, &normalize(msg.as_bytes()), false) {
        Ok(v) => LuaError::Runtime(v),
        Err(e) => e,
    }
}

/// What a raised error turns into for the caller.
pub struct RaisedReply {
    /// The reply line without `-` (CR/LF are replaced when written).
    pub text: Vec<u8>,
    /// Already counted in errorstats (came from a failing `redis.call`).
    pub counted: bool,
}

/// The reply for an error value that escaped script `name` (after the error handler
/// added `source` and `line`).
pub fn raised_reply(v: Value, name: &str) -> RaisedReply {
    let field = |t: lua51::table::TableRef, k: &str| -> Value {
        // The table's string keys are compared by content; a scan over `next` avoids
        // interning (this path is cold).
        let mut key = Value::Nil;
        while let Ok(Some((kk, vv))) = t.next(&key) {
            if let Value::Str(s) = kk {
                if s.as_bytes() == k.as_bytes() {
                    return vv;
                }
            }
            key = kk;
        }
        Value::Nil
    };
    match v {
        Value::Table(t) => {
            let counted = field(t, "ignore_error_stats_update").truthy();
            let mut text = match field(t, "err") {
                Value::Str(s) => s.as_bytes().to_vec(),
                // `error({})` and friends: Redis 7.0 crashes; give an ordinary error.
                _ => b"ERR unknown error".to_vec(),
            };
            while let [.., b'\r' | b'\n'] = text.as_slice() {
                text.pop();
            }
            let source = field(t, "source");
            let line = field(t, "line");
            if let (Value::Str(src), Value::Num(n)) = (source, line) {
                text.extend_from_slice(
                    format!(" script: {name}, on {}:{}.", src.to_str_lossy(), n as i64).as_bytes(),
                );
            }
            RaisedReply { text, counted }
        }
        other => {
            let msg = match other {
                Value::Str(s) => s.to_str_lossy().into_owned(),
                v => LuaError::Runtime(v).to_string(),
            };
            let quoted: String = msg.chars().take(RUN_ERROR_QUOTE).collect();
            RaisedReply {
                text: format!("ERR Error running script {name}, {quoted}").into_bytes(),
                counted: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_matches_redis() {
        assert_eq!(
            normalize(b"MY_ERR_CODE custom msg"),
            b"ERR MY_ERR_CODE custom msg"
        );
        assert_eq!(
            normalize(b"-MY_ERR_CODE custom msg"),
            b"MY_ERR_CODE custom msg"
        );
        assert_eq!(normalize(b"-ERR x\r\n"), b"ERR x");
        assert_eq!(normalize(b"-oops"), b"ERR oops");
        assert_eq!(normalize(b""), b"ERR ");
    }
}
