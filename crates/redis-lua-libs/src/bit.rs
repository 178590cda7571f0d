//! `bit`: LuaBitOp 1.0.2's bitwise operations on 32-bit integers.
//!
//! Every argument is normalised to 32 bits the way LuaBitOp does on Lua 5.1: the number
//! (a string is converted as `lua_tonumber` would) plus 2^52+2^51, keeping the low 32
//! bits of the double's bit pattern. That maps any number modulo 2^32 and rounds
//! fractions to the nearest integer, ties to even. Results are signed 32-bit numbers,
//! except `tohex`, which returns a string. Shift counts use their low 5 bits.
//!
//! `band`/`bor`/`bxor` normalise their arguments from the last to the second, then the
//! first, so with several bad arguments the error names the last one (as LuaBitOp).
//! `tohex(x, -2147483648)` returns 8 uppercase digits (7.0.15 returned `""`; later
//! Redis fixed it and the reference binary carries the fix).

use lua51::{Lua, LuaResult, Value};

/// 2^52 + 2^51: adding it to a double puts the integer part in the low mantissa bits.
const NORMALISE_BIAS: f64 = 6755399441055744.0;

/// Default digit count of `tohex`.
const TOHEX_DEFAULT_DIGITS: i32 = 8;

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(
        t,
        &[
            ("tobit", tobit),
            ("bnot", bnot),
            ("band", band),
            ("bor", bor),
            ("bxor", bxor),
            ("lshift", lshift),
            ("rshift", rshift),
            ("arshift", arshift),
            ("rol", rol),
            ("ror", ror),
            ("bswap", bswap),
            ("tohex", tohex),
        ],
    )?;
    l.set_global("bit", Value::Table(t))
}

/// The 32-bit pattern of a number after LuaBitOp's normalisation.
pub fn normalise(n: f64) -> u32 {
    (n + NORMALISE_BIAS).to_bits() as u32
}

/// Argument `i` normalised (`barg`): non-numbers convert with `lua_tonumber`, and a zero
/// result from something that is not a number is a type error.
fn barg(l: &mut Lua, i: usize) -> LuaResult<u32> {
    let n = match l.arg(i) {
        Value::Num(n) => Some(n),
        Value::Str(s) => lua51::number::str2number(s.as_bytes()),
        _ => None,
    };
    let b = normalise(n.unwrap_or(0.0));
    if b == 0 && n.is_none() {
        return Err(l.type_error_arg(i, "number"));
    }
    Ok(b)
}

fn push_bits(l: &mut Lua, b: u32) -> LuaResult<usize> {
    l.push(Value::Num(b as i32 as f64))?;
    Ok(1)
}

fn tobit(l: &mut Lua) -> LuaResult<usize> {
    let b = barg(l, 1)?;
    push_bits(l, b)
}

fn bnot(l: &mut Lua) -> LuaResult<usize> {
    let b = barg(l, 1)?;
    push_bits(l, !b)
}

/// Folds arguments nargs..2 into argument 1 with `op`, in LuaBitOp's order.
fn fold(l: &mut Lua, op: fn(u32, u32) -> u32) -> LuaResult<usize> {
    let mut b = barg(l, 1)?;
    let mut i = l.nargs();
    while i > 1 {
        let x = barg(l, i)?;
        b = op(b, x);
        i -= 1;
    }
    push_bits(l, b)
}

fn band(l: &mut Lua) -> LuaResult<usize> {
    fold(l, |a, b| a & b)
}

fn bor(l: &mut Lua) -> LuaResult<usize> {
    fold(l, |a, b| a | b)
}

fn bxor(l: &mut Lua) -> LuaResult<usize> {
    fold(l, |a, b| a ^ b)
}

/// Value and shift count (low 5 bits) of a shift or rotate.
fn shift_args(l: &mut Lua) -> LuaResult<(u32, u32)> {
    let b = barg(l, 1)?;
    let n = barg(l, 2)? & 31;
    Ok((b, n))
}

fn lshift(l: &mut Lua) -> LuaResult<usize> {
    let (b, n) = shift_args(l)?;
    push_bits(l, b << n)
}

fn rshift(l: &mut Lua) -> LuaResult<usize> {
    let (b, n) = shift_args(l)?;
    push_bits(l, b >> n)
}

fn arshift(l: &mut Lua) -> LuaResult<usize> {
    let (b, n) = shift_args(l)?;
    push_bits(l, ((b as i32) >> n) as u32)
}

fn rol(l: &mut Lua) -> LuaResult<usize> {
    let (b, n) = shift_args(l)?;
    push_bits(l, b.rotate_left(n))
}

fn ror(l: &mut Lua) -> LuaResult<usize> {
    let (b, n) = shift_args(l)?;
    push_bits(l, b.rotate_right(n))
}

fn bswap(l: &mut Lua) -> LuaResult<usize> {
    let b = barg(l, 1)?;
    push_bits(l, b.swap_bytes())
}

/// `tohex(x [, n])`: the low `|n|` hex digits of `x` (at most 8), uppercase if `n < 0`.
fn tohex(l: &mut Lua) -> LuaResult<usize> {
    let mut b = barg(l, 1)?;
    let mut n = if l.nargs() < 2 {
        TOHEX_DEFAULT_DIGITS
    } else {
        barg(l, 2)? as i32
    };
    let digits: &[u8; 16] = if n < 0 {
        // -INT32_MIN does not exist; treat it as the largest count (the later fix).
        n = n.checked_neg().unwrap_or(i32::MAX);
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let n = n.min(8) as usize;
    let mut buf = [0u8; 8];
    for i in (0..n).rev() {
        buf[i] = digits[(b & 15) as usize];
        b >>= 4;
    }
    l.push_str(&buf[..n])?;
    Ok(1)
}
