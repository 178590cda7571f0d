//! Conversion of numeral literals to `f64`, as 5.1's `luaO_str2d` does for the lexer.
//!
//! 5.1 hands the whole numeral to the C library's `strtod` and accepts it only if
//! nothing is left over. On the reference platform (glibc) `strtod` accepts decimal
//! numbers (`3`, `3.`, `.5`, `1e-3`) and hexadecimal ones with an optional binary
//! exponent (`0xFF`, `0x1p4`), both correctly rounded. This module reproduces exactly
//! that for the numerals the lexer can produce (they never start with a sign, blank,
//! `inf` or `nan`). Converting strings at run time (`tonumber`, arithmetic coercion)
//! is a different job, done elsewhere.

/// Converts a numeral as read by the lexer. `None` means 5.1 reports
/// `malformed number`.
pub fn str2number(s: &[u8]) -> Option<f64> {
    if s.len() > 1 && s[0] == b'0' && (s[1] == b'x' || s[1] == b'X') {
        if let Some(v) = hex(&s[2..]) {
            return Some(v);
        }
        // strtod read only the "0"; 5.1 then retries with strtoul(s, 16), which also
        // stops at the 'x' when no hex digit follows. Either way something is left over.
        return None;
    }
    decimal(s)
}

/// `digits [. digits] [(e|E) [+-] digits]` with at least one mantissa digit.
fn decimal(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        let digits_start = j;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if j > digits_start {
            i = j;
        }
    }
    if i != s.len() {
        return None;
    }
    // The text is pure ASCII of the shape above, which Rust's correctly rounded parser
    // accepts with the same meaning.
    std::str::from_utf8(s).ok()?.parse::<f64>().ok()
}

/// The part after `0x`: `hexdigits [. hexdigits] [(p|P) [+-] digits]`, at least one
/// hex digit, correctly rounded to nearest-even like glibc.
fn hex(s: &[u8]) -> Option<f64> {
    // Significant bits gathered so far, and the power of two they are scaled by.
    let mut mant: u64 = 0;
    let mut exp2: i64 = 0;
    // Some nonzero bit was dropped below `mant` (needed to round correctly).
    let mut sticky = false;
    let mut digits = 0;
    let mut i = 0;
    let mut after_dot = false;
    while i < s.len() {
        let c = s[i];
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'.' if !after_dot => {
                after_dot = true;
                i += 1;
                continue;
            }
            _ => break,
        };
        digits += 1;
        if mant >> 60 == 0 {
            mant = mant << 4 | u64::from(d);
            if after_dot {
                exp2 -= 4;
            }
        } else {
            sticky |= d != 0;
            if !after_dot {
                exp2 += 4;
            }
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] == b'p' || s[i] == b'P') {
        let mut j = i + 1;
        let negative = j < s.len() && s[j] == b'-';
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        let digits_start = j;
        let mut e: i64 = 0;
        while j < s.len() && s[j].is_ascii_digit() {
            // Saturate: anything this large is already infinity or zero.
            e = (e * 10 + i64::from(s[j] - b'0')).min(1 << 20);
            j += 1;
        }
        if j > digits_start {
            exp2 += if negative { -e } else { e };
            i = j;
        }
    }
    if i != s.len() {
        return None;
    }
    Some(round_binary(mant, exp2, sticky))
}

/// The double nearest to `mant * 2^exp2` (plus a little more when `sticky`), ties to even.
fn round_binary(mant: u64, exp2: i64, sticky: bool) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let lz = mant.leading_zeros();
    let m = mant << lz;
    let exp2 = exp2 - i64::from(lz);
    // Value is m * 2^exp2 with bit 63 of m set, i.e. 1.xxx * 2^e.
    let e = exp2 + 63;
    if e > 1023 {
        return f64::INFINITY;
    }
    // How many significant bits the result can hold: 53, fewer for subnormals.
    let keep = if e >= -1022 { 53 } else { e + 1075 };
    if keep <= 0 {
        // Below half the smallest subnormal, or exactly half (ties to even: zero).
        let above_half = keep == 0 && (m != 1 << 63 || sticky);
        return if above_half { f64::from_bits(1) } else { 0.0 };
    }
    let shift = (64 - keep) as u32;
    let mut q = m >> shift;
    let rem = m & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rem > half || (rem == half && (sticky || q & 1 == 1)) {
        q += 1;
    }
    if keep < 53 {
        // Subnormal: the bit pattern is the significand itself; a carry into bit 52
        // yields the smallest normal number, which is also right.
        return f64::from_bits(q);
    }
    let mut e = e;
    if q == 1 << 53 {
        q >>= 1;
        e += 1;
        if e > 1023 {
            return f64::INFINITY;
        }
    }
    f64::from_bits(((e + 1023) as u64) << 52 | (q & ((1 << 52) - 1)))
}

#[cfg(test)]
mod tests {
    use super::str2number;

    fn n(s: &str) -> Option<f64> {
        str2number(s.as_bytes())
    }

    #[test]
    fn decimal_forms() {
        assert_eq!(n("3"), Some(3.0));
        assert_eq!(n("3."), Some(3.0));
        assert_eq!(n(".5"), Some(0.5));
        assert_eq!(n("1e-3"), Some(0.001));
        assert_eq!(n("1E+2"), Some(100.0));
        assert_eq!(n("00012"), Some(12.0));
        assert_eq!(n("1e309"), Some(f64::INFINITY));
        assert_eq!(n("1e-400"), Some(0.0));
        assert_eq!(n("0.1"), Some(0.1));
    }

    #[test]
    fn malformed() {
        for s in [
            "3x", "1..2", "5.5.5", "1e", "1e+", "1e5e", "0x", "0xg", "0x1p", "1_000", ".",
        ] {
            assert_eq!(n(s), None, "{s}");
        }
    }

    #[test]
    fn hex_forms() {
        assert_eq!(n("0xff"), Some(255.0));
        assert_eq!(n("0XFF"), Some(255.0));
        assert_eq!(n("0x3e"), Some(62.0));
        assert_eq!(n("0x1p4"), Some(16.0));
        assert_eq!(n("0xep1"), Some(28.0));
        assert_eq!(n("0x0"), Some(0.0));
        assert_eq!(n("0x10000000000000000"), Some(18446744073709551616.0));
        // Rounding, checked against lua5.1: string.format("%.17g", 0x1000000000000081)
        assert_eq!(n("0x1000000000000081"), Some(1.1529215046068472e18));
        assert_eq!(n("0x10000000000000800001"), Some(7.555786372591434e22));
        assert_eq!(n("0x1p1024"), Some(f64::INFINITY));
        assert_eq!(n("0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(n("0x1p-1075"), Some(0.0));
        assert_eq!(n("0x3p-1076"), Some(f64::from_bits(1)));
        assert_eq!(n("0x1fffffffffffffp970"), Some(8.988465674311579e307));
        assert_eq!(n("0x1fffffffffffffp971"), Some(f64::MAX));
        assert_eq!(n("0x1.8p1"), Some(3.0));
    }
}
