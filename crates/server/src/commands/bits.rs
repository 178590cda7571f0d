//! Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//! Bit 0 is the most significant bit of the first byte, as in Redis.

use super::{int_arg, is, string_bytes};
use crate::db::{IntBuf, Value};
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// Largest bit offset (Redis: 2^32 - 1, a 512 MB string).
const MAX_BIT_OFFSET: i64 = (1 << 32) - 1;

fn bit_offset(arg: &[u8], hash_ok: bool, width: u32) -> Result<u64, CmdError> {
    let (mul, body) = if hash_ok && arg.first() == Some(&b'#') {
        (width as i64, &arg[1..])
    } else {
        (1, arg)
    };
    let n = resp::request::parse_i64_strict(body).ok_or(CmdError::BitOffset)?;
    let v = n.checked_mul(mul).ok_or(CmdError::BitOffset)?;
    if n < 0 || v > MAX_BIT_OFFSET {
        return Err(CmdError::BitOffset);
    }
    Ok(v as u64)
}

/// Reads a string value's bytes (empty when missing).
fn read(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    match ctx.core.ks.lookup_read(db, key, now) {
        None => Ok(None),
        Some(v) => {
            let mut t = IntBuf::default();
            Ok(Some(string_bytes(v, &mut t)?.to_vec()))
        }
    }
}

/// The string at `key` as a growable buffer, created when missing.
/// Whether `key` holds a live value (before a write creates it).
fn key_exists(ctx: &mut Ctx, key: &[u8]) -> bool {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    ctx.core.ks.lookup_write(db, key, now).is_some()
}

fn write_buf<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a mut Vec<u8>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if ctx.core.ks.lookup_write(db, key, now).is_none() {
        ctx.core.ks.set(
            db,
            key,
            Value::Str(crate::sds::Sds::from_vec_raw(Vec::new())),
            false,
        );
    }
    let v = ctx.core.ks.dbs[db].dict.get_mut(key).expect("present");
    v.make_raw()
}

pub fn setbit(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let off = bit_offset(a.get(2), false, 0)?;
    let on = match a.get(3) {
        b"1" => true,
        b"0" => false,
        _ => return Err(CmdError::BitValue),
    };
    let created = !key_exists(ctx, a.get(1));
    let s = write_buf(ctx, a.get(1))?;
    let byte = (off >> 3) as usize;
    let grown = s.len() <= byte;
    if grown {
        s.resize(byte + 1, 0);
    }
    let mask = 1u8 << (7 - (off & 7));
    let old = s[byte] & mask != 0;
    if on {
        s[byte] |= mask;
    } else {
        s[byte] &= !mask;
    }
    // Only a created or grown string or a flipped bit counts as a change (dirty and
    // the keyspace event follow from it), as in Redis 7.0.15.
    if created || grown || old != on {
        ctx.core.dirty += 1;
    }
    ctx.client.out.int(old as i64);
    Ok(())
}

pub fn getbit(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let off = bit_offset(a.get(2), false, 0)?;
    let s = read(ctx, a.get(1))?.unwrap_or_default();
    let byte = (off >> 3) as usize;
    let bit = s.get(byte).map_or(0, |b| (b >> (7 - (off & 7))) & 1);
    ctx.client.out.int(bit as i64);
    Ok(())
}

/// Resolves `start end [BYTE|BIT]` arguments into an inclusive bit range of `s`.
fn bit_range(
    a: &Args,
    from: usize,
    len_bytes: usize,
    end_given: bool,
) -> Result<Option<(u64, u64, bool)>, CmdError> {
    let bit_mode = if a.len() > from + 2 {
        let m = a.get(from + 2);
        if is(m, "bit") {
            true
        } else if is(m, "byte") {
            false
        } else {
            return Err(CmdError::Syntax);
        }
    } else {
        false
    };
    let total = if bit_mode {
        len_bytes as i64 * 8
    } else {
        len_bytes as i64
    };
    let mut start = int_arg(a.get(from))?;
    let mut end = if end_given {
        int_arg(a.get(from + 1))?
    } else {
        total - 1
    };
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    if total == 0 || start > end {
        return Ok(None);
    }
    Ok(Some(if bit_mode {
        (start as u64, end as u64, true)
    } else {
        (start as u64 * 8, end as u64 * 8 + 7, false)
    }))
}

fn get_bit(s: &[u8], i: u64) -> bool {
    (s[(i >> 3) as usize] >> (7 - (i & 7))) & 1 == 1
}

pub fn bitcount(ctx: &mut Ctx, a: &Args) -> CmdResult {
    // Redis 7.0.15 looks the key up first: a missing key counts 0 whatever the other
    // arguments are.
    let Some(s) = read(ctx, a.get(1))? else {
        ctx.client.out.int(0);
        return Ok(());
    };
    if a.len() == 3 || a.len() > 5 {
        return Err(CmdError::Syntax);
    }
    if a.len() >= 4 {
        let start = int_arg(a.get(2))?;
        let end = int_arg(a.get(3))?;
        // Both from the end with start after end: empty, before the unit is read.
        if start < 0 && end < 0 && start > end {
            ctx.client.out.int(0);
            return Ok(());
        }
    }
    let count = if a.len() >= 4 {
        match bit_range(a, 2, s.len(), true)? {
            None => 0,
            Some((x, y, true)) => (x..=y).filter(|&i| get_bit(&s, i)).count() as u64,
            Some((x, y, false)) => s[(x / 8) as usize..=(y / 8) as usize]
                .iter()
                .map(|b| b.count_ones() as u64)
                .sum(),
        }
    } else {
        s.iter().map(|b| b.count_ones() as u64).sum()
    };
    ctx.client.out.int(count as i64);
    Ok(())
}

pub fn bitpos(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 6 {
        return Err(CmdError::Syntax);
    }
    let want = match a.get(2) {
        b"1" => true,
        b"0" => false,
        _ => {
            int_arg(a.get(2))?;
            return Err(CmdError::msg("ERR The bit argument must be 1 or 0."));
        }
    };
    let end_given = a.len() >= 5;
    // A missing key answers before the range is read.
    let Some(s) = read(ctx, a.get(1))? else {
        ctx.client.out.int(if want { -1 } else { 0 });
        return Ok(());
    };
    let range = if a.len() >= 4 {
        bit_range(a, 3, s.len(), end_given)?
    } else if s.is_empty() {
        None
    } else {
        Some((0, s.len() as u64 * 8 - 1, false))
    };
    let Some((x, y, _)) = range else {
        ctx.client.out.int(-1);
        return Ok(());
    };
    let found = (x..=y).find(|&i| get_bit(&s, i) == want);
    let r = match found {
        Some(i) => i as i64,
        None if !want && !end_given => (y + 1) as i64,
        None => -1,
    };
    ctx.client.out.int(r);
    Ok(())
}

pub fn bitop(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let op = a.get(1);
    let kind = if is(op, "and") {
        0
    } else if is(op, "or") {
        1
    } else if is(op, "xor") {
        2
    } else if is(op, "not") {
        3
    } else {
        return Err(CmdError::Syntax);
    };
    if kind == 3 && a.len() != 4 {
        return Err(CmdError::msg(
            "ERR BITOP NOT must be called with a single source key.",
        ));
    }
    let mut srcs = Vec::new();
    for i in 3..a.len() {
        srcs.push(read(ctx, a.get(i))?.unwrap_or_default());
    }
    let len = srcs.iter().map(Vec::len).max().unwrap_or(0);
    let mut res = vec![0u8; len];
    for (j, r) in res.iter_mut().enumerate() {
        let byte = |s: &Vec<u8>| s.get(j).copied().unwrap_or(0);
        *r = match kind {
            0 => srcs.iter().fold(0xff, |acc, s| acc & byte(s)),
            1 => srcs.iter().fold(0, |acc, s| acc | byte(s)),
            2 => srcs.iter().fold(0, |acc, s| acc ^ byte(s)),
            _ => !byte(&srcs[0]),
        };
    }
    let db = ctx.client.db;
    if res.is_empty() {
        ctx.core.ks.delete(db, a.get(2));
    } else {
        ctx.core.ks.set(
            db,
            a.get(2),
            Value::Str(crate::sds::Sds::from_vec_raw(res)),
            false,
        );
    }
    ctx.core.dirty += 1;
    ctx.client.out.int(len as i64);
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

enum Op {
    Get {
        signed: bool,
        bits: u32,
        off: u64,
    },
    Set {
        signed: bool,
        bits: u32,
        off: u64,
        val: i64,
        ov: Overflow,
    },
    Incr {
        signed: bool,
        bits: u32,
        off: u64,
        by: i64,
        ov: Overflow,
    },
}

fn field_type(arg: &[u8]) -> Result<(bool, u32), CmdError> {
    let err = || {
        CmdError::msg("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
    };
    let signed = match arg.first() {
        Some(b'i' | b'I') => true,
        Some(b'u' | b'U') => false,
        _ => return Err(err()),
    };
    let bits = std::str::from_utf8(&arg[1..])
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .ok_or_else(err)?;
    if bits < 1 || (signed && bits > 64) || (!signed && bits > 63) {
        return Err(err());
    }
    Ok((signed, bits))
}

fn read_field(s: &[u8], off: u64, bits: u32) -> u64 {
    let mut v = 0u64;
    for i in 0..bits as u64 {
        let p = off + i;
        let b = s
            .get((p >> 3) as usize)
            .map_or(0, |b| (b >> (7 - (p & 7))) & 1);
        v = (v << 1) | b as u64;
    }
    v
}

fn write_field(s: &mut Vec<u8>, off: u64, bits: u32, v: u64) {
    let need = ((off + bits as u64 + 7) / 8) as usize;
    if s.len() < need {
        s.resize(need, 0);
    }
    for i in 0..bits as u64 {
        let p = off + i;
        let bit = (v >> (bits as u64 - 1 - i)) & 1;
        let mask = 1u8 << (7 - (p & 7));
        if bit == 1 {
            s[(p >> 3) as usize] |= mask;
        } else {
            s[(p >> 3) as usize] &= !mask;
        }
    }
}

fn to_signed(v: u64, bits: u32) -> i64 {
    if bits == 64 {
        v as i64
    } else if v & (1 << (bits - 1)) != 0 {
        (v | (!0u64 << bits)) as i64
    } else {
        v as i64
    }
}

/// Applies overflow rules to `v` (as i128) for the field type; None means FAIL.
fn fit(v: i128, signed: bool, bits: u32, ov: Overflow) -> Option<i64> {
    let (min, max): (i128, i128) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if v >= min && v <= max {
        return Some(v as i64);
    }
    match ov {
        Overflow::Fail => None,
        Overflow::Sat => Some(if v < min { min as i64 } else { max as i64 }),
        Overflow::Wrap => {
            let m = 1i128 << bits;
            let w = v.rem_euclid(m);
            Some(if signed && w > max {
                (w - m) as i64
            } else {
                w as i64
            })
        }
    }
}

fn bitfield_generic(ctx: &mut Ctx, a: &Args, read_only: bool) -> CmdResult {
    let mut ops = Vec::new();
    let mut ov = Overflow::Wrap;
    let mut i = 2;
    while i < a.len() {
        let o = a.get(i);
        let left = a.len() - i - 1;
        if is(o, "get") && left >= 2 {
            let (signed, bits) = field_type(a.get(i + 1))?;
            let off = bit_offset(a.get(i + 2), true, bits)?;
            ops.push(Op::Get { signed, bits, off });
            i += 3;
        } else if (is(o, "set") || is(o, "incrby")) && left >= 3 {
            let (signed, bits) = field_type(a.get(i + 1))?;
            let off = bit_offset(a.get(i + 2), true, bits)?;
            let n = int_arg(a.get(i + 3))?;
            if read_only {
                return Err(CmdError::msg(
                    "ERR BITFIELD_RO only supports the GET subcommand",
                ));
            }
            ops.push(if is(o, "set") {
                Op::Set {
                    signed,
                    bits,
                    off,
                    val: n,
                    ov,
                }
            } else {
                Op::Incr {
                    signed,
                    bits,
                    off,
                    by: n,
                    ov,
                }
            });
            i += 4;
        } else if is(o, "overflow") && left >= 1 {
            let m = a.get(i + 1);
            ov = if is(m, "wrap") {
                Overflow::Wrap
            } else if is(m, "sat") {
                Overflow::Sat
            } else if is(m, "fail") {
                Overflow::Fail
            } else {
                return Err(CmdError::msg("ERR Invalid OVERFLOW type specified"));
            };
            if read_only {
                return Err(CmdError::msg(
                    "ERR BITFIELD_RO only supports the GET subcommand",
                ));
            }
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let writes = ops.iter().any(|o| !matches!(o, Op::Get { .. }));
    // With a write op the string is created or grown up front to hold the furthest
    // field written (even if an OVERFLOW FAIL op then writes nothing); each op that
    // writes counts as a change when the string was created or grown or the field's
    // bits differ, as in Redis 7.0.15.
    let mut grown = false;
    let mut s = if writes {
        let created = !key_exists(ctx, a.get(1));
        let mut s = std::mem::take(write_buf(ctx, a.get(1))?);
        let need = ops
            .iter()
            .filter_map(|o| match *o {
                Op::Set { bits, off, .. } | Op::Incr { bits, off, .. } => {
                    Some(((off + bits as u64 - 1) / 8 + 1) as usize)
                }
                Op::Get { .. } => None,
            })
            .max()
            .unwrap_or(0);
        if s.len() < need {
            s.resize(need, 0);
            grown = true;
        }
        grown |= created;
        s
    } else {
        read(ctx, a.get(1))?.unwrap_or_default()
    };
    let mut changes = 0u64;
    let mut replies: Vec<Option<i64>> = Vec::new();
    for op in &ops {
        match *op {
            Op::Get { signed, bits, off } => {
                let raw = read_field(&s, off, bits);
                replies.push(Some(if signed {
                    to_signed(raw, bits)
                } else {
                    raw as i64
                }));
            }
            Op::Set {
                signed,
                bits,
                off,
                val,
                ov,
            } => {
                let raw = read_field(&s, off, bits);
                let old = if signed {
                    to_signed(raw, bits)
                } else {
                    raw as i64
                };
                match fit(val as i128, signed, bits, ov) {
                    Some(v) => {
                        let new = v as u64 & mask(bits);
                        if grown || new != raw {
                            changes += 1;
                        }
                        write_field(&mut s, off, bits, new);
                        replies.push(Some(old));
                    }
                    None => replies.push(None),
                }
            }
            Op::Incr {
                signed,
                bits,
                off,
                by,
                ov,
            } => {
                let raw = read_field(&s, off, bits);
                let old = if signed {
                    to_signed(raw, bits)
                } else {
                    raw as i64
                };
                match fit(old as i128 + by as i128, signed, bits, ov) {
                    Some(v) => {
                        let new = v as u64 & mask(bits);
                        if grown || new != raw {
                            changes += 1;
                        }
                        write_field(&mut s, off, bits, new);
                        replies.push(Some(v));
                    }
                    None => replies.push(None),
                }
            }
        }
    }
    if writes {
        *write_buf(ctx, a.get(1))? = s;
        ctx.core.dirty += changes;
    }
    ctx.client.out.array(replies.len());
    for r in replies {
        match r {
            Some(v) => ctx.client.out.int(v),
            None => ctx.client.out.null(),
        }
    }
    Ok(())
}

fn mask(bits: u32) -> u64 {
    if bits == 64 {
        !0
    } else {
        (1u64 << bits) - 1
    }
}

pub fn bitfield(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bitfield_generic(ctx, a, false)
}

pub fn bitfield_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    bitfield_generic(ctx, a, true)
}
