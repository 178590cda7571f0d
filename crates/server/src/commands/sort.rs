//! SORT and SORT_RO: sort the elements of a list, set or sorted set numerically or
//! lexicographically, optionally by the values of other keys (`BY pattern`, where `*` is
//! replaced by the element and `->field` reads a hash field), returning the elements or
//! values looked up from them (`GET pattern`, `GET #` for the element itself), in a
//! `LIMIT offset count` window, or storing the result as a list (`STORE`).
//!
//! Behaviour matched with redis-server 7.0.15 (`redis-tests/sort.txt`): numbers are read
//! like C's `strtod` (leading spaces, hex, `inf`, the empty string as 0; trailing garbage,
//! NaN or overflow is an error), equal numeric keys are ordered by the element's bytes,
//! missing BY values sort as 0 (numeric) or first (ALPHA), the sort is stable, and
//! `BY nosort` keeps the container's order (reversed by DESC), except for a set sorted
//! into a STORE or from a script, which is sorted lexicographically so the result is
//! deterministic.
//!
//! Known differences: Redis sorts with BY and a partial LIMIT using its own unstable
//! quicksort, so elements whose BY values tie may come out in another order than here.

use super::{int_arg, is};
use crate::db::{Keyspace, Value};
use crate::error::{CmdError, CmdResult};
use crate::sds::Sds;
use crate::server::Ctx;
use resp::Args;
use std::cmp::Ordering;

const NOT_DOUBLE: &str = "ERR One or more scores can't be converted into double";

pub fn sort(ctx: &mut Ctx, a: &Args) -> CmdResult {
    sort_generic(ctx, a, false)
}

pub fn sort_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    sort_generic(ctx, a, true)
}

struct Opts<'a> {
    desc: bool,
    alpha: bool,
    limit: Option<(i64, i64)>,
    store: Option<&'a [u8]>,
    by: Option<&'a [u8]>,
    dontsort: bool,
    gets: Vec<&'a [u8]>,
}

fn parse_opts<'a>(a: &Args<'a>, read_only: bool, full_keys: bool) -> Result<Opts<'a>, CmdError> {
    let mut o = Opts {
        desc: false,
        alpha: false,
        limit: None,
        store: None,
        by: None,
        dontsort: false,
        gets: Vec::new(),
    };
    let mut i = 2;
    while i < a.len() {
        let left = a.len() - i - 1;
        let w = a.get(i);
        if is(w, "asc") {
            o.desc = false;
        } else if is(w, "desc") {
            o.desc = true;
        } else if is(w, "alpha") {
            o.alpha = true;
        } else if is(w, "limit") && left >= 2 {
            o.limit = Some((int_arg(a.get(i + 1))?, int_arg(a.get(i + 2))?));
            i += 2;
        } else if is(w, "store") && left >= 1 && !read_only {
            o.store = Some(a.get(i + 1));
            i += 1;
        } else if is(w, "by") && left >= 1 {
            let p = a.get(i + 1);
            o.by = Some(p);
            // A pattern without `*` cannot name per-element keys: keep the order.
            if !p.contains(&b'*') {
                o.dontsort = true;
            } else if !full_keys {
                return Err(CmdError::msg(
                    "ERR BY option of SORT denied due to insufficient ACL permissions.",
                ));
            }
            i += 1;
        } else if is(w, "get") && left >= 1 {
            if !full_keys {
                return Err(CmdError::msg(
                    "ERR GET option of SORT denied due to insufficient ACL permissions.",
                ));
            }
            o.gets.push(a.get(i + 1));
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    Ok(o)
}

/// The value `pattern` names for element `subst`: `#` is the element itself; the first
/// `*` is replaced by it; a `->field` suffix reads a hash field. `None` when the pattern
/// has no `*`, the key is missing or holds the wrong type.
fn lookup_by_pattern(
    ks: &mut Keyspace,
    db: usize,
    now: i64,
    pat: &[u8],
    subst: &[u8],
) -> Option<Vec<u8>> {
    if pat == b"#" {
        return Some(subst.to_vec());
    }
    let star = pat.iter().position(|&c| c == b'*')?;
    let arrow = pat[star..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|p| p + star);
    let (key_end, field) = match arrow {
        Some(p) if p + 2 < pat.len() => (p, Some(&pat[p + 2..])),
        _ => (pat.len(), None),
    };
    let mut key = Vec::with_capacity(pat.len() + subst.len());
    key.extend_from_slice(&pat[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&pat[star + 1..key_end]);
    let v = ks.lookup_read(db, &key, now)?;
    match (v, field) {
        (Value::Hash(h), Some(f)) => h.get(f).map(|s| s.as_bytes().to_vec()),
        (Value::Int(_) | Value::Str(_), None) => {
            let mut tmp = [0u8; 20];
            Some(v.bytes(&mut tmp).to_vec())
        }
        _ => None,
    }
}

/// C `strtod` over the whole string (as Redis converts SORT keys): leading white space,
/// optional sign, decimal or `0x` hexadecimal (with `p` exponent), `inf`/`infinity`;
/// the empty string reads as 0. Trailing bytes, NaN and out-of-range values fail.
pub fn strtod_full(s: &[u8]) -> Option<f64> {
    if s.is_empty() {
        return Some(0.0);
    }
    let t = match s
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
    {
        Some(p) => &s[p..],
        None => return None,
    };
    let (neg, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
        parse_hex(&body[2..])?
    } else {
        let text = std::str::from_utf8(body).ok()?;
        let lower = text.to_ascii_lowercase();
        if lower == "inf" || lower == "infinity" {
            f64::INFINITY
        } else {
            // Rust accepts words (`nan`, `inf`) and forms strtod does not use; only
            // digits, one dot and an exponent get here.
            if !text
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
                || !text.bytes().any(|c| c.is_ascii_digit())
            {
                return None;
            }
            let v: f64 = text.parse().ok()?;
            let mantissa = text.split(['e', 'E']).next().unwrap_or("");
            if v.is_infinite() || (v == 0.0 && mantissa.bytes().any(|c| (b'1'..=b'9').contains(&c)))
            {
                return None; // ERANGE
            }
            v
        }
    };
    if v.is_nan() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn parse_hex(s: &[u8]) -> Option<f64> {
    let mut v = 0f64;
    let mut i = 0;
    let mut digits = 0;
    let mut exp: i32 = 0;
    let mut seen_dot = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            v = v * 16.0 + d as f64;
            digits += 1;
            if seen_dot {
                exp -= 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'p' {
        let e = std::str::from_utf8(&s[i + 1..]).ok()?.parse::<i32>().ok()?;
        exp = exp.saturating_add(e);
        i = s.len();
    }
    if i != s.len() {
        return None;
    }
    let r = v * 2f64.powi(exp);
    if r.is_infinite() {
        return None;
    }
    Some(r)
}

/// One element with what it is compared by.
struct Item {
    elem: Vec<u8>,
    score: f64,
    cmp: Option<Vec<u8>>,
}

fn sort_generic(ctx: &mut Ctx, a: &Args, read_only: bool) -> CmdResult {
    // BY patterns and GET read arbitrary keys: only for users who may read every key.
    let full_keys = ctx
        .core
        .acl
        .full_read_access(&ctx.core.registry, &ctx.client.user, ctx.cmd);
    let mut o = parse_opts(a, read_only, full_keys)?;
    let db = ctx.db();
    let now = ctx.now_ms();
    let mut elems: Vec<Vec<u8>> = Vec::new();
    match ctx.core.ks.lookup_read(db, a.get(1), now) {
        None => {}
        Some(Value::List(l)) => {
            elems = l.iter().map(|s| s.as_bytes().to_vec()).collect();
            if o.dontsort && o.desc {
                elems.reverse();
            }
        }
        Some(Value::Set(s)) => {
            s.for_each(|m| elems.push(m.to_vec()));
            // A set's order is not meaningful: what gets stored, and what a script
            // sees, is sorted so that it is deterministic.
            if o.dontsort && (o.store.is_some() || ctx.client.script) {
                o.dontsort = false;
                o.alpha = true;
                o.by = None;
            }
        }
        Some(Value::ZSet(z)) => {
            elems = z.iter().map(|(_, m)| m.as_bytes().to_vec()).collect();
            if o.dontsort && o.desc {
                elems.reverse();
            }
        }
        Some(_) => return Err(CmdError::WrongType),
    }
    // Redis converts a sorted set to the skiplist encoding before sorting it.
    if let Some(Value::ZSet(z)) = ctx.core.ks.dbs[db].dict.get_mut(a.get(1)) {
        z.convert_to_skiplist();
    }
    let len = elems.len() as i64;
    let (mut start, mut end) = match o.limit {
        None => (0, len - 1),
        Some((off, count)) => {
            let s = off.max(0);
            (
                s,
                if count < 0 {
                    len - 1
                } else {
                    s.saturating_add(count) - 1
                },
            )
        }
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    if !o.dontsort {
        let mut items = Vec::with_capacity(elems.len());
        for e in elems {
            let by = match o.by {
                Some(p) => lookup_by_pattern(&mut ctx.core.ks, db, now, p, &e),
                None => None,
            };
            let mut it = Item {
                elem: e,
                score: 0.0,
                cmp: None,
            };
            if o.alpha {
                it.cmp = by;
            } else {
                let src = if o.by.is_some() {
                    by
                } else {
                    Some(it.elem.clone())
                };
                if let Some(v) = src {
                    it.score = strtod_full(&v).ok_or(CmdError::msg(NOT_DOUBLE))?;
                }
            }
            items.push(it);
        }
        let (alpha, by, desc) = (o.alpha, o.by.is_some(), o.desc);
        items.sort_by(|x, y| {
            let c = if !alpha {
                x.score
                    .partial_cmp(&y.score)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| x.elem.cmp(&y.elem))
            } else if by {
                match (&x.cmp, &y.cmp) {
                    (Some(p), Some(q)) => p.cmp(q),
                    (None, None) => Ordering::Equal,
                    (None, _) => Ordering::Less,
                    _ => Ordering::Greater,
                }
            } else {
                x.elem.cmp(&y.elem)
            };
            if desc {
                c.reverse()
            } else {
                c
            }
        });
        elems = items.into_iter().map(|i| i.elem).collect();
    }
    let window: &[Vec<u8>] = if end >= start && start >= 0 {
        &elems[start as usize..=end as usize]
    } else {
        &[]
    };
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for e in window {
        if o.gets.is_empty() {
            out.push(Some(e.clone()));
        }
        for g in &o.gets {
            out.push(lookup_by_pattern(&mut ctx.core.ks, db, now, g, e));
        }
    }
    match o.store {
        None => {
            ctx.client.out.array(out.len());
            for v in &out {
                match v {
                    Some(b) => ctx.client.out.bulk(b),
                    None => ctx.client.out.null(),
                }
            }
        }
        Some(dst) => {
            let n = out.len();
            if n > 0 {
                let list: crate::types::List = out
                    .iter()
                    .map(|v| Sds::new(v.as_deref().unwrap_or(b"")))
                    .collect();
                ctx.core.ks.set(db, dst, Value::List(Box::new(list)), false);
                ctx.core.dirty += n as u64;
            } else if ctx.core.ks.delete(db, dst) {
                ctx.core.dirty += 1;
            }
            ctx.client.out.int(n as i64);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::strtod_full;

    #[test]
    fn strtod_like_c() {
        assert_eq!(strtod_full(b""), Some(0.0));
        assert_eq!(strtod_full(b" 5"), Some(5.0));
        assert_eq!(strtod_full(b"5 "), None);
        assert_eq!(strtod_full(b"   "), None);
        assert_eq!(strtod_full(b"0x10"), Some(16.0));
        assert_eq!(strtod_full(b"-0x1p3"), Some(-8.0));
        assert_eq!(strtod_full(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(strtod_full(b"nan"), None);
        assert_eq!(strtod_full(b"1e400"), None);
        assert_eq!(strtod_full(b"1e-400"), None);
        assert_eq!(strtod_full(b"1.5e3"), Some(1500.0));
        assert_eq!(strtod_full(b".5"), Some(0.5));
        assert_eq!(strtod_full(b"abc"), None);
    }
}
