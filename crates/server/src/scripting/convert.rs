//! Conversions between RESP replies and Lua values.
//!
//! * [`resp_to_lua`]: a command's reply (as the script client received it, RESP2 or
//!   RESP3 after `redis.setresp(3)`) → the Lua value `redis.call` returns: integers →
//!   numbers, bulk → strings, nulls → `false` (RESP3 null → nil), arrays → tables,
//!   status → `{ok=}`, errors → `{err=, ignore_error_stats_update=true}`, maps →
//!   `{map={}}`, sets → `{set={}}`, doubles → `{double=}`, big numbers →
//!   `{big_number=}`, verbatim → `{verbatim_string={format=, string=}}`; attributes are
//!   skipped.
//! * [`write_reply`]: the script's return value → the caller's reply. Tables are probed
//!   with raw reads (`err`, `ok`, `double`, `big_number`, `verbatim_string`, `map`,
//!   `set`, else an array up to the first nil); numbers truncate to integers; booleans
//!   depend on the script's `setresp`.

use super::engine::Names;
use lua51::table::TableRef;
use lua51::{Lua, LuaError, LuaResult, Value};
use resp::ReplyWriter;

/// Lua stack slots Redis can use while converting a reply (LUAI_MAXCSTACK of Lua 5.1);
/// a value whose conversion would need more becomes `-ERR reached lua stack limit`.
/// Redis needs 4 free slots per value; the slots in use are modelled on what
/// redis-server 7.0.15 sends for self-referencing tables: 2 at the top, +1 per array
/// level, +4 for a map key, +3 for a map value or a set member.
const LUA_STACK_SLOTS: usize = 8000;
const SLOTS_AT_TOP: usize = 2;
const SLOTS_PER_CHECK: usize = 4;
const SLOTS_ARRAY_ITEM: usize = 1;
const SLOTS_MAP_KEY: usize = 4;
const SLOTS_MAP_VALUE: usize = 3;
const SLOTS_SET_ITEM: usize = 3;
/// Nesting accepted in a command reply converted for Lua (replies built by this server
/// are far shallower).
const MAX_RESP_DEPTH: usize = 1000;

fn bad_reply() -> LuaError {
    LuaError::Memory
}

/// Converts the reply at the start of `buf` into a Lua value.
pub fn resp_to_lua(l: &mut Lua, names: &Names, buf: &[u8]) -> LuaResult<Value> {
    let mut pos = 0;
    parse(l, names, buf, &mut pos, 0)
}

fn line<'a>(buf: &'a [u8], pos: &mut usize) -> LuaResult<&'a [u8]> {
    let start = *pos;
    let rel = buf[start..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or_else(bad_reply)?;
    *pos = start + rel + 2;
    Ok(&buf[start..start + rel])
}

fn int(s: &[u8]) -> i64 {
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn one_field(l: &mut Lua, key: lua51::string::StrRef, v: Value) -> LuaResult<Value> {
    let t = l.new_table_sized(0, 1)?;
    l.raw_set(t, Value::Str(key), v)?;
    Ok(Value::Table(t))
}

fn parse(
    l: &mut Lua,
    names: &Names,
    buf: &[u8],
    pos: &mut usize,
    depth: usize,
) -> LuaResult<Value> {
    if depth > MAX_RESP_DEPTH || *pos >= buf.len() {
        return Err(bad_reply());
    }
    let kind = buf[*pos];
    *pos += 1;
    let text = line(buf, pos)?;
    Ok(match kind {
        b':' => Value::Num(int(text) as f64),
        b'$' | b'=' => {
            let n = int(text);
            if n < 0 {
                return Ok(Value::Bool(false));
            }
            let end = *pos + n as usize;
            let data = buf.get(*pos..end).ok_or_else(bad_reply)?;
            *pos = end + 2;
            if kind == b'$' {
                l.str_value(data)?
            } else {
                let (fmt, body) = if data.len() >= 4 {
                    (&data[..3], &data[4..])
                } else {
                    (&data[..0], data)
                };
                let inner = l.new_table_sized(0, 2)?;
                let f = l.str_value(fmt)?;
                l.raw_set(inner, Value::Str(names.format), f)?;
                let s = l.str_value(body)?;
                l.raw_set(inner, Value::Str(names.string), s)?;
                one_field(l, names.verbatim_string, Value::Table(inner))?
            }
        }
        b'+' => {
            let s = l.str_value(text)?;
            one_field(l, names.ok, s)?
        }
        b'-' => {
            let mut e = Vec::with_capacity(text.len() + 1);
            e.push(b'-');
            e.extend_from_slice(text);
            super::errors::error_table(l, &super::errors::normalize(&e), true)?
        }
        b'*' | b'~' | b'%' | b'>' => {
            let n = int(text);
            if n < 0 {
                return Ok(Value::Bool(false));
            }
            let n = n as usize;
            match kind {
                b'*' | b'>' => {
                    let t = l.new_table_sized(n.min(1 << 16), 0)?;
                    for i in 0..n {
                        let v = parse(l, names, buf, pos, depth + 1)?;
                        if !v.is_nil() {
                            l.raw_set(t, Value::Num((i + 1) as f64), v)?;
                        }
                    }
                    Value::Table(t)
                }
                b'~' => {
                    let t = l.new_table_sized(0, n.min(1 << 16))?;
                    for _ in 0..n {
                        let k = parse(l, names, buf, pos, depth + 1)?;
                        if !k.is_nil() {
                            l.raw_set(t, k, Value::Bool(true))?;
                        }
                    }
                    one_field(l, names.set, Value::Table(t))?
                }
                _ => {
                    let t = l.new_table_sized(0, n.min(1 << 16))?;
                    for _ in 0..n {
                        let k = parse(l, names, buf, pos, depth + 1)?;
                        let v = parse(l, names, buf, pos, depth + 1)?;
                        if !k.is_nil() {
                            l.raw_set(t, k, v)?;
                        }
                    }
                    one_field(l, names.map, Value::Table(t))?
                }
            }
        }
        b'|' => {
            // Attributes are parsed and dropped; the real reply follows.
            let n = int(text).max(0) as usize;
            for _ in 0..2 * n {
                parse(l, names, buf, pos, depth + 1)?;
            }
            return parse(l, names, buf, pos, depth);
        }
        b'_' => Value::Nil,
        b'#' => Value::Bool(text == b"t"),
        b',' => {
            let d = std::str::from_utf8(text)
                .ok()
                .and_then(|s| match s {
                    "inf" => Some(f64::INFINITY),
                    "-inf" => Some(f64::NEG_INFINITY),
                    _ => s.parse().ok(),
                })
                .unwrap_or(0.0);
            one_field(l, names.double, Value::Num(d))?
        }
        b'(' => {
            let s = l.str_value(text)?;
            one_field(l, names.big_number, s)?
        }
        _ => return Err(bad_reply()),
    })
}

/// Writes `v` as the caller's reply. Error replies written are appended to `errors`
/// with whether they were already counted (`ignore_error_stats_update`).
pub fn write_reply(
    names: &Names,
    v: Value,
    out: &mut ReplyWriter,
    resp3: bool,
    errors: &mut Vec<(String, bool)>,
) {
    write_value(names, v, out, resp3, errors, SLOTS_AT_TOP)
}

fn replace_crlf(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c })
        .collect()
}

fn write_value(
    names: &Names,
    v: Value,
    out: &mut ReplyWriter,
    resp3: bool,
    errors: &mut Vec<(String, bool)>,
    slots: usize,
) {
    if slots + SLOTS_PER_CHECK > LUA_STACK_SLOTS {
        let msg = "ERR reached lua stack limit";
        out.error(msg.as_bytes());
        errors.push((msg.to_string(), false));
        return;
    }
    match v {
        Value::Str(s) => out.bulk(s.as_bytes()),
        Value::Num(n) => out.int(lua51::api::num_to_int(n)),
        Value::Bool(b) => {
            if resp3 {
                out.boolean(b)
            } else if b {
                out.int(1)
            } else {
                out.null()
            }
        }
        Value::Table(t) => write_table(names, t, out, resp3, errors, slots),
        _ => out.null(),
    }
}

fn write_table(
    names: &Names,
    t: TableRef,
    out: &mut ReplyWriter,
    resp3: bool,
    errors: &mut Vec<(String, bool)>,
    slots: usize,
) {
    if let Value::Str(e) = t.get_str(names.err) {
        let mut text = e.as_bytes();
        while let [rest @ .., b'\r' | b'\n'] = text {
            text = rest;
        }
        let counted = t.get_str(names.ignore_stats).truthy();
        out.error(text);
        errors.push((
            String::from_utf8_lossy(&replace_crlf(text)).into_owned(),
            counted,
        ));
        return;
    }
    if let Value::Str(s) = t.get_str(names.ok) {
        out.simple(s.as_bytes());
        return;
    }
    if let Value::Num(d) = t.get_str(names.double) {
        out.double(d);
        return;
    }
    if let Value::Str(s) = t.get_str(names.big_number) {
        out.big_number(&replace_crlf(s.as_bytes()));
        return;
    }
    if let Value::Table(vt) = t.get_str(names.verbatim_string) {
        if let (Value::Str(f), Value::Str(s)) = (vt.get_str(names.format), vt.get_str(names.string))
        {
            let mut fmt = [b' '; 3];
            for (d, c) in fmt.iter_mut().zip(f.as_bytes()) {
                *d = *c;
            }
            out.verbatim(&fmt, s.as_bytes());
            return;
        }
    }
    if let Value::Table(m) = t.get_str(names.map) {
        let n = count_entries(m);
        out.map(n);
        let mut key = Value::Nil;
        while let Ok(Some((k, v))) = m.next(&key) {
            write_value(names, k, out, resp3, errors, slots + SLOTS_MAP_KEY);
            write_value(names, v, out, resp3, errors, slots + SLOTS_MAP_VALUE);
            key = k;
        }
        return;
    }
    if let Value::Table(s) = t.get_str(names.set) {
        let n = count_entries(s);
        out.set(n);
        let mut key = Value::Nil;
        while let Ok(Some((k, _))) = s.next(&key) {
            write_value(names, k, out, resp3, errors, slots + SLOTS_SET_ITEM);
            key = k;
        }
        return;
    }
    let mut n = 0;
    while !t.get_int(n as i64 + 1).is_nil() {
        n += 1;
    }
    out.array(n);
    for i in 1..=n {
        write_value(
            names,
            t.get_int(i as i64),
            out,
            resp3,
            errors,
            slots + SLOTS_ARRAY_ITEM,
        );
    }
}

fn count_entries(t: TableRef) -> usize {
    let mut n = 0;
    let mut key = Value::Nil;
    while let Ok(Some((k, _))) = t.next(&key) {
        n += 1;
        key = k;
    }
    n
}
