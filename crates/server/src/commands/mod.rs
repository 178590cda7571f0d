//! Command handlers, one file per family. Handlers write success replies to the client's
//! output buffer and return `CmdError` for errors (turned into replies in one place).

pub mod acl;
pub mod bits;
pub mod cluster;
pub mod connection;
pub mod debug_extras;
pub mod dump;
pub mod geo;
pub mod hashes;
pub mod hyperloglog;
pub mod keys;
pub mod latency;
pub mod lists;
pub mod memory;
pub mod migrate;
pub mod pubsub;
pub mod server_cmds;
pub mod sets;
pub mod sort;
pub mod stream_groups;
pub mod streams;
pub mod strings;
pub mod transactions;
pub mod zsets;

use crate::db::Value;
use crate::error::CmdError;

/// Case-insensitive comparison of an argument with a lowercase keyword.
#[inline]
pub fn is(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

/// Parses an integer argument (`ERR value is not an integer or out of range`).
#[inline]
/// Parses `numkeys key... WHERE [COUNT n]` at `a[first..]` (LMPOP, ZMPOP and their
/// blocking forms); `side` reads the WHERE word (LEFT|RIGHT or MIN|MAX).
pub fn mpop_args(
    a: &resp::Args,
    first: usize,
    side: impl Fn(&[u8]) -> Result<bool, CmdError>,
) -> Result<(Vec<Vec<u8>>, bool, usize), CmdError> {
    let n = int_arg(a.get(first))
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| CmdError::msg("ERR numkeys should be greater than 0"))? as usize;
    if n > a.len() - first - 1 {
        return Err(CmdError::Syntax);
    }
    let keys = (first + 1..first + 1 + n)
        .map(|i| a.get(i).to_vec())
        .collect();
    let mut i = first + 1 + n;
    if i >= a.len() {
        return Err(CmdError::Syntax);
    }
    let which = side(a.get(i))?;
    i += 1;
    let mut count = None;
    while i < a.len() {
        if is(a.get(i), "count") && i + 1 < a.len() && count.is_none() {
            let c = int_arg(a.get(i + 1))
                .ok()
                .filter(|&c| c > 0)
                .ok_or_else(|| CmdError::msg("ERR count should be greater than 0"))?;
            count = Some(c as usize);
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok((keys, which, count.unwrap_or(1)))
}

pub fn int_arg(arg: &[u8]) -> Result<i64, CmdError> {
    resp::request::parse_i64_strict(arg).ok_or(CmdError::NotInteger)
}

/// Parses a float the way Redis's `strtold`-based parsing accepts it: no spaces, no NaN.
pub fn float_arg(arg: &[u8]) -> Result<f64, CmdError> {
    let s = std::str::from_utf8(arg).map_err(|_| CmdError::NotFloat)?;
    if s.is_empty() || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return Err(CmdError::NotFloat);
    }
    let v: f64 = s.parse().map_err(|_| CmdError::NotFloat)?;
    if v.is_nan() {
        return Err(CmdError::NotFloat);
    }
    Ok(v)
}

/// The string bytes of a value, or WRONGTYPE for other types.
#[inline]
pub fn string_bytes<'a>(
    v: &'a Value,
    tmp: &'a mut crate::db::IntBuf,
) -> Result<&'a [u8], CmdError> {
    match v {
        Value::Int(_) | Value::Str(_) => Ok(v.bytes(tmp)),
        _ => Err(CmdError::WrongType),
    }
}

/// Options of HSCAN/SSCAN/ZSCAN: `cursor [MATCH pattern] [COUNT n]`.
pub struct ScanOpts<'a> {
    pub cursor: u64,
    pub pattern: Option<&'a [u8]>,
    pub count: usize,
}

/// Parses the arguments of a key-scanning command starting at the cursor (`a[2]`).
pub fn scan_opts<'a>(a: &resp::Args<'a>) -> Result<ScanOpts<'a>, CmdError> {
    let cursor = std::str::from_utf8(a.get(2))
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| CmdError::msg("ERR invalid cursor"))?;
    let mut o = ScanOpts {
        cursor,
        pattern: None,
        count: 10,
    };
    let mut i = 3;
    while i < a.len() {
        if i + 1 >= a.len() {
            return Err(CmdError::Syntax);
        }
        if is(a.get(i), "count") {
            let n = int_arg(a.get(i + 1))?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            o.count = n as usize;
        } else if is(a.get(i), "match") {
            let p = a.get(i + 1);
            o.pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(o)
}

/// Walks a [`crate::dict::Dict`] from `cursor` until about `count` entries were seen
/// (bounded to 10×count buckets, as Redis does); returns the next cursor.
pub fn dict_scan<V>(
    d: &crate::dict::Dict<V>,
    cursor: u64,
    count: usize,
    mut f: impl FnMut(&crate::sds::Sds, &V),
) -> u64 {
    let mut cur = cursor;
    let mut seen = 0usize;
    let mut buckets = 0usize;
    loop {
        cur = d.scan(cur, |k, v| {
            seen += 1;
            f(k, v)
        });
        buckets += 1;
        if cur == 0 || seen >= count || buckets >= count * 10 {
            return cur;
        }
    }
}

/// Writes a scan reply: the next cursor and a flat array of items.
pub fn scan_reply(out: &mut resp::ReplyWriter, cursor: u64, items: &[Vec<u8>]) {
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.array(items.len());
    for it in items {
        out.bulk(it);
    }
}
