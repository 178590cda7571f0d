//! Lua 5.1's conversions between numbers and strings, exact to PUC-Rio Lua 5.1.5 on glibc.
//!
//! - [`fmt_number`]: number to string, C's `printf("%.14g")` (`LUAI_NUMFFORMAT`). Integral
//!   values (the common case) take a fast path; everything else goes through
//!   `stdlib::format::format_float`, the same code `string.format("%.14g")` uses.
//! - [`str2number`]: string to number as `luaO_str2d` does it with glibc's `strtod`: optional
//!   surrounding C whitespace, decimal or hexadecimal (`0x1.8p3`) notation, `inf`, `infinity`,
//!   `nan`, `nan(chars)`, correctly rounded. The string ends at its first zero byte, as the C
//!   code sees it.
//! - [`str2number_base`]: `tonumber(s, base)` for bases 2..36, which 5.1 does with `strtoul`
//!   (a leading `-` negates modulo 2^64, overflow gives 2^64-1).
//!
//! Nothing here allocates except appending to the caller's buffer. Tests:
//! `crates/lua/tests/number_*.rs`.

use crate::stdlib::format::{format_float, Spec};

/// Significant digits of Lua 5.1's number format `LUAI_NUMFFORMAT` = `"%.14g"` (`luaconf.h`).
pub const NUMBER_PRECISION: usize = 14;

/// Integral values below this magnitude print as plain integers under `%.14g` (from 1e14 on,
/// the exponent reaches the precision and `%g` switches to exponential style).
const INTEGER_FAST_LIMIT: u64 = 100_000_000_000_000;

/// Longest output of [`fmt_number`] (`-1.2345678901234e-308`), for callers sizing buffers.
pub const MAX_NUMBER_LEN: usize = 21;

/// Appends `n` formatted as C's `printf("%.14g", n)` on glibc: `1e+15`, `0.1`,
/// `0.33333333333333`, `-0`, `inf`, `-inf`, `nan`, `-nan` (NaN with the sign bit set).
pub fn fmt_number(n: f64, out: &mut Vec<u8>) {
    let i = n as i64;
    if i as f64 == n && i.unsigned_abs() < INTEGER_FAST_LIMIT {
        if i == 0 && n.is_sign_negative() {
            out.extend_from_slice(b"-0");
        } else {
            push_integer(i, out);
        }
        return;
    }
    let spec = Spec {
        precision: Some(NUMBER_PRECISION),
        ..Spec::default()
    };
    format_float(b'g', &spec, n, out);
}

/// Appends the decimal digits of `i`.
fn push_integer(i: i64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut v = i.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[pos..]);
}

/// C's `isspace` in the "C" locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub fn is_c_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// The part of `s` a C function sees: everything before the first zero byte.
fn c_string(s: &[u8]) -> &[u8] {
    match crate::string::find_byte(0, s) {
        Some(k) => &s[..k],
        None => s,
    }
}

/// Lua 5.1's `luaO_str2d`: the number `s` spells, or `None`.
///
/// Accepts what glibc's `strtod` accepts, surrounded by optional C whitespace: decimal
/// (`5`, `.5`, `5.`, `1e-3`), hexadecimal (`0x10`, `0x.8`, `0x1p-2`), `inf`, `infinity`,
/// `nan` and `nan(n-chars)` in any letter case, each with an optional sign.
pub fn str2number(s: &[u8]) -> Option<f64> {
    let s = c_string(s);
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let (value, end) = parse_strtod(s, i)?;
    let mut j = end;
    while j < s.len() && is_c_space(s[j]) {
        j += 1;
    }
    if j == s.len() {
        Some(value)
    } else {
        None
    }
}

/// Parses the longest prefix of `s[start..]` that `strtod` would accept (after whitespace).
/// Returns the value and the end index, or `None` if no conversion is possible.
fn parse_strtod(s: &[u8], start: usize) -> Option<(f64, usize)> {
    let at = |k: usize| s.get(k).copied().unwrap_or(0);
    let mut i = start;
    let negative = at(i) == b'-';
    if at(i) == b'-' || at(i) == b'+' {
        i += 1;
    }
    let apply_sign = |v: f64| if negative { -v } else { v };
    if at(i) == b'0' && (at(i + 1) | 0x20) == b'x' {
        if let Some((v, end)) = parse_hex_float(s, i + 2) {
            return Some((apply_sign(v), end));
        }
        // "0x" without hex digits: strtod takes the "0" alone.
        return Some((apply_sign(0.0), i + 1));
    }
    let rest = &s[i..];
    if starts_with_ignore_case(rest, b"inf") {
        let len = if starts_with_ignore_case(rest, b"infinity") {
            8
        } else {
            3
        };
        return Some((apply_sign(f64::INFINITY), i + len));
    }
    if starts_with_ignore_case(rest, b"nan") {
        let mut end = i + 3;
        // Optional "(n-char-sequence)"; taken only when the parenthesis closes.
        if at(end) == b'(' {
            let mut k = end + 1;
            while at(k).is_ascii_alphanumeric() || at(k) == b'_' {
                k += 1;
            }
            if at(k) == b')' {
                end = k + 1;
            }
        }
        return Some((apply_sign(f64::NAN), end));
    }
    // Decimal: digits [. digits] with at least one digit, then an optional exponent.
    let mantissa_start = i;
    let mut digits = 0;
    while at(i).is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if at(i) == b'.' {
        i += 1;
        while at(i).is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let mut end = i;
    if at(i) | 0x20 == b'e' {
        let mut k = i + 1;
        if at(k) == b'-' || at(k) == b'+' {
            k += 1;
        }
        if at(k).is_ascii_digit() {
            while at(k).is_ascii_digit() {
                k += 1;
            }
            end = k;
        }
    }
    let text = std::str::from_utf8(&s[mantissa_start..end]).ok()?;
    let v: f64 = parse_decimal(text)?;
    Some((apply_sign(v), end))
}

/// Rust's correctly rounded decimal parser on a slice already validated as
/// `digits[.digits][e[sign]digits]` (the forms `5.` and `.5` included).
fn parse_decimal(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

fn starts_with_ignore_case(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
}

fn hex_value(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// Exponents beyond this cannot matter (the value is already 0 or infinite); parsing saturates
/// here so absurd exponent strings cannot overflow.
const HEX_EXPONENT_CLAMP: i64 = 1 << 40;

/// A C99 hexadecimal floating constant after its `0x`: `hex[.hex][p[sign]dec]` with at least one
/// hex digit. Correctly rounded (ties to even), including subnormals. Returns `None` when
/// there is no hex digit.
fn parse_hex_float(s: &[u8], start: usize) -> Option<(f64, usize)> {
    let at = |k: usize| s.get(k).copied().unwrap_or(0);
    let mut i = start;
    let mut mant: u64 = 0;
    // value = mant * 2^exp2 (+ sticky: some nonzero bits were dropped below mant)
    let mut exp2: i64 = 0;
    let mut sticky = false;
    let mut digits = 0;
    let mut in_fraction = false;
    loop {
        let c = at(i);
        if c == b'.' && !in_fraction {
            in_fraction = true;
            i += 1;
            continue;
        }
        let Some(d) = hex_value(c) else { break };
        digits += 1;
        if mant >> 60 == 0 {
            mant = mant * 16 + u64::from(d);
            if in_fraction {
                exp2 -= 4;
            }
        } else {
            sticky |= d != 0;
            if !in_fraction {
                exp2 += 4;
            }
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    let mut end = i;
    if at(i) | 0x20 == b'p' {
        let mut k = i + 1;
        let neg = at(k) == b'-';
        if at(k) == b'-' || at(k) == b'+' {
            k += 1;
        }
        if at(k).is_ascii_digit() {
            let mut e: i64 = 0;
            while at(k).is_ascii_digit() {
                e = (e * 10 + i64::from(at(k) - b'0')).min(HEX_EXPONENT_CLAMP);
                k += 1;
            }
            exp2 += if neg { -e } else { e };
            end = k;
        }
    }
    Some((scale_binary(mant, exp2, sticky), end))
}

/// Rounds `mant * 2^exp2` (with `sticky` standing for nonzero bits below `mant`) to the nearest
/// `f64`, ties to even.
fn scale_binary(mant: u64, exp2: i64, sticky: bool) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let lz = mant.leading_zeros();
    let m = mant << lz;
    let e2 = exp2 - i64::from(lz); // value = m * 2^e2, with m's top bit set
    let top = e2 + 63; // value in [2^top, 2^(top+1))
    if top > 1023 {
        return f64::INFINITY;
    }
    // Bits of precision available at this magnitude: 53 for normal numbers, fewer for
    // subnormals (the smallest subnormal is 2^-1074).
    let kept_bits = (top + 1075).min(53);
    if kept_bits < 0 {
        return 0.0;
    }
    if kept_bits == 0 {
        // value in [2^-1075, 2^-1074): rounds up unless it is exactly the halfway point.
        let exact_half = m == 1 << 63 && !sticky;
        return if exact_half { 0.0 } else { f64::from_bits(1) };
    }
    let shift = 64 - kept_bits as u32; // 11..=63
    let mut kept = m >> shift;
    let rem = m << (64 - shift);
    let half = rem >> 63 == 1;
    let below = (rem << 1) != 0 || sticky;
    if half && (below || kept & 1 == 1) {
        kept += 1;
    }
    let scale_exp = e2 + i64::from(shift); // >= -1074
    kept as f64 * pow2(scale_exp)
}

/// 2^e for -1074 <= e; infinity above the range.
fn pow2(e: i64) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// `tonumber(s, base)` in 5.1 for `base` in 2..=36 (other bases give `None`; the caller raises
/// `base out of range` before calling). Follows `strtoul`: leading whitespace, an optional
/// sign (`-` negates modulo 2^64), an optional `0x` for base 16, at least one digit, overflow
/// saturating at 2^64-1; then only whitespace may follow. Base 10 in `tonumber` does not come
/// here: 5.1 uses the ordinary conversion ([`str2number`]) for it.
pub fn str2number_base(s: &[u8], base: u32) -> Option<f64> {
    if !(2..=36).contains(&base) {
        return None;
    }
    let s = c_string(s);
    let at = |k: usize| s.get(k).copied().unwrap_or(0);
    let mut i = 0;
    while is_c_space(at(i)) && i < s.len() {
        i += 1;
    }
    let negative = at(i) == b'-';
    if at(i) == b'-' || at(i) == b'+' {
        i += 1;
    }
    if base == 16 && at(i) == b'0' && at(i + 1) | 0x20 == b'x' && hex_value(at(i + 2)).is_some() {
        i += 2;
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    let digits_start = i;
    while let Some(d) = (at(i) as char).to_digit(36).filter(|&d| d < base) {
        match value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    if i != s.len() {
        return None;
    }
    let n = if overflow {
        u64::MAX
    } else if negative {
        value.wrapping_neg()
    } else {
        value
    };
    Some(n as f64)
}
