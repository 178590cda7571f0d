//! The engine behind `string.format`, byte-exact with Lua 5.1.5 on glibc.
//!
//! Lua 5.1 validates each `%` specification itself (at most 5 flag characters, width and
//! precision of at most two digits each) and then hands it to the C library's `sprintf`.
//! This module reproduces both halves: [`format`] parses the format string with 5.1's rules and
//! error messages, and the `format_*` functions lay out one conversion the way glibc's printf
//! does (flags `-+ #0`, width, precision, `inf`/`nan` spelling, C's double-to-integer casts).
//!
//! Floating-point digits come from Rust's exact formatting (`{:.*e}` and `{:.*}` produce the
//! correctly rounded decimal expansion, ties to even, like glibc); this module only re-lays
//! them out in C's shapes. `number::fmt_number` (Lua's `%.14g`) uses the same [`format_float`].
//!
//! The module knows nothing about Lua values: arguments are fetched lazily through the
//! [`FormatArgs`] trait, so the caller performs its own type checks and coercions and reports
//! its own errors. Tests: `crates/lua/tests/format_*.rs` (expected strings recorded from lua5.1).

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use smallvec::SmallVec;

/// Flag characters accepted in a specification, as in 5.1's `FLAGS` (`lstrlib.c`).
const FLAG_CHARS: &[u8] = b"-+ #0";

/// 5.1 rejects a run of flag characters as long as `sizeof(FLAGS)` (the five flags plus the
/// C string terminator): at most 5 flag characters are allowed.
pub const MAX_FLAG_CHARS: usize = 5;

/// 5.1 allows at most two digits for the width and two for the precision (so both are <= 99).
pub const MAX_WIDTH_DIGITS: usize = 2;

/// 5.1's `%s` without a precision copies a string of at least this many bytes unchanged
/// (`lstrlib.c`: "no precision and string is too long to be formatted"). Shorter strings go
/// through `sprintf` and so stop at their first zero byte.
pub const LONG_STRING: usize = 100;

/// Default precision of `%e`, `%f` and `%g` (C99 7.19.6.1).
const DEFAULT_PRECISION: usize = 6;

/// Parsed flags, width and precision of one conversion specification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify within the width.
    pub left: bool,
    /// `+`: always print a sign for signed conversions.
    pub plus: bool,
    /// ` `: print a space where a `+` would go.
    pub space: bool,
    /// `#`: alternate form (`0x` prefix, leading octal `0`, keep the decimal point).
    pub alt: bool,
    /// `0`: pad with zeros after the sign instead of spaces before it.
    pub zero: bool,
    /// Minimum field width (0 = none).
    pub width: usize,
    /// Precision, if a `.` was given (`.` alone means 0).
    pub precision: Option<usize>,
}

/// Supplies `string.format`'s arguments on demand.
///
/// Argument numbers are Lua argument positions: the format string is #1, so the first value is
/// #2. This matches the numbers in 5.1's messages (`bad argument #2 to 'format' ...`).
pub trait FormatArgs {
    /// The caller's error for an argument of the wrong type (it renders its own message).
    type Error;
    /// Number of values after the format string (`lua_gettop(L) - 1`).
    fn arg_count(&self) -> usize;
    /// The argument as a number (`luaL_checknumber`: numbers and numeric strings).
    fn number(&mut self, argno: usize) -> Result<f64, Self::Error>;
    /// The argument as a string (`luaL_checklstring`: strings, and numbers converted with
    /// `%.14g`). Used by `%s` and by `%q` (5.1 fetches both the same way).
    fn string(&mut self, argno: usize) -> Result<Cow<'_, [u8]>, Self::Error>;
}

/// Why `string.format` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError<E> {
    /// A conversion needs argument `argno` but there is none (`... (no value)`).
    NoValue { argno: usize },
    /// The caller's [`FormatArgs`] refused an argument.
    Arg(E),
    /// More than [`MAX_FLAG_CHARS`] flag characters.
    RepeatedFlags,
    /// Width or precision with more than [`MAX_WIDTH_DIGITS`] digits.
    TooLong,
    /// Unknown conversion character (0 when the format string ended after the `%`).
    InvalidOption(u8),
}

impl<E> FormatError<E> {
    /// The message as 5.1 raises it, byte for byte (without the `chunk:line:` prefix that
    /// `luaL_error` adds). Argument errors ([`FormatError::Arg`], [`FormatError::NoValue`])
    /// return `None`: their text names the function as called (`bad argument #2 to 'format'
    /// (no value)`), which only the caller knows.
    pub fn message(&self) -> Option<Vec<u8>> {
        let text: Vec<u8> = match self {
            FormatError::NoValue { .. } | FormatError::Arg(_) => return None,
            FormatError::RepeatedFlags => b"invalid format (repeated flags)".to_vec(),
            FormatError::TooLong => b"invalid format (width or precision too long)".to_vec(),
            FormatError::InvalidOption(c) => {
                let mut m = b"invalid option '%".to_vec();
                // 5.1 formats the character with `%c`, which pushes a C string: a zero byte
                // vanishes from the message.
                if *c != 0 {
                    m.push(*c);
                }
                m.extend_from_slice(b"' to 'format'");
                m
            }
        };
        Some(text)
    }
}

impl<E: fmt::Display> fmt::Display for FormatError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Arg(e) => e.fmt(f),
            FormatError::NoValue { argno } => {
                write!(f, "bad argument #{argno} to 'format' (no value)")
            }
            other => {
                let m = other.message().unwrap_or_default();
                f.write_str(&String::from_utf8_lossy(&m))
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for FormatError<E> {}

/// `string.format(fmt, ...)`: appends the formatted result to `out`.
///
/// On error `out` may hold a partial result; the caller discards it.
pub fn format<A: FormatArgs + ?Sized>(
    fmt: &[u8],
    args: &mut A,
    out: &mut Vec<u8>,
) -> Result<(), FormatError<A::Error>> {
    let mut argno = 1;
    let mut i = 0;
    while i < fmt.len() {
        // Copy the literal run up to the next '%'.
        let run_end = crate::string::find_byte(b'%', &fmt[i..]).map_or(fmt.len(), |k| i + k);
        out.extend_from_slice(&fmt[i..run_end]);
        i = run_end;
        if i >= fmt.len() {
            break;
        }
        i += 1; // skip '%'
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        // 5.1 checks that an argument exists before looking at the specification.
        argno += 1;
        if argno > args.arg_count() + 1 {
            return Err(FormatError::NoValue { argno });
        }
        let (spec, conv, next) = parse_spec(fmt, i)?;
        i = next;
        match conv {
            b'c' => {
                let x = args.number(argno).map_err(FormatError::Arg)?;
                format_char(&spec, x, out);
            }
            b'd' | b'i' | b'o' | b'u' | b'x' | b'X' => {
                let x = args.number(argno).map_err(FormatError::Arg)?;
                format_int(conv, &spec, x, out);
            }
            b'e' | b'E' | b'f' | b'g' | b'G' => {
                let x = args.number(argno).map_err(FormatError::Arg)?;
                format_float(conv, &spec, x, out);
            }
            b'q' => {
                let s = args.string(argno).map_err(FormatError::Arg)?;
                quote_string(&s, out);
            }
            b's' => {
                let s = args.string(argno).map_err(FormatError::Arg)?;
                format_str(&spec, &s, out);
            }
            other => return Err(FormatError::InvalidOption(other)),
        }
    }
    Ok(())
}

/// Parses flags, width and precision starting at `fmt[i]` (just after the `%`) with 5.1's
/// limits. Returns the spec, the conversion character (0 past the end, like the C string
/// terminator 5.1 reads there) and the index after the conversion character.
pub fn parse_spec<E>(fmt: &[u8], mut i: usize) -> Result<(Spec, u8, usize), FormatError<E>> {
    let at = |k: usize| fmt.get(k).copied().unwrap_or(0);
    let mut spec = Spec::default();
    let flags_start = i;
    while FLAG_CHARS.contains(&at(i)) && at(i) != 0 {
        match at(i) {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            _ => spec.zero = true,
        }
        i += 1;
    }
    if i - flags_start > MAX_FLAG_CHARS {
        return Err(FormatError::RepeatedFlags);
    }
    let mut digits = 0;
    while digits < MAX_WIDTH_DIGITS && at(i).is_ascii_digit() {
        spec.width = spec.width * 10 + usize::from(at(i) - b'0');
        i += 1;
        digits += 1;
    }
    if at(i) == b'.' {
        i += 1;
        let mut p = 0;
        let mut digits = 0;
        while digits < MAX_WIDTH_DIGITS && at(i).is_ascii_digit() {
            p = p * 10 + usize::from(at(i) - b'0');
            i += 1;
            digits += 1;
        }
        spec.precision = Some(p);
    }
    if at(i).is_ascii_digit() {
        return Err(FormatError::TooLong);
    }
    let conv = at(i);
    Ok((spec, conv, i + 1))
}

/// C's `(int)x` on x86-64 (`cvttsd2si`): truncation, and `INT_MIN` when out of range or NaN.
pub fn c_int(x: f64) -> i32 {
    if x > -2147483649.0 && x < 2147483648.0 {
        x as i32
    } else {
        i32::MIN
    }
}

/// C's `(long)x` on x86-64 (`cvttsd2si`): truncation, and `LONG_MIN` when out of range or NaN.
pub fn c_long(x: f64) -> i64 {
    // -2^63 is the smallest double that truncates into range (the next one down is far below).
    if (-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        x as i64
    } else {
        i64::MIN
    }
}

/// C's `(unsigned long)x` as gcc compiles it for x86-64: values below 2^63 (and NaN) go through
/// the signed conversion; larger ones are converted after subtracting 2^63 and get the top bit
/// flipped back. So `-1` gives `0xffffffffffffffff`, `2^64` gives 0, NaN gives `2^63`.
pub fn c_ulong(x: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    if x >= TWO63 {
        (c_long(x - TWO63) as u64) ^ (1 << 63)
    } else {
        c_long(x) as u64
    }
}

/// Appends `body` (already holding sign and prefix as `head`) padded to `spec.width`.
/// With `zero_pad`, zeros go between `head` and `body`; otherwise spaces go before (or after,
/// with `-`) the whole field.
fn pad_field(spec: &Spec, head: &[u8], body: &[u8], zero_pad: bool, out: &mut Vec<u8>) {
    let len = head.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.extend_from_slice(head);
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if zero_pad {
        out.extend_from_slice(head);
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(head);
        out.extend_from_slice(body);
    }
}

/// `%c`: the number cast to C `int`, printed as one byte. Like 5.1 (which measures the
/// `sprintf` result with `strlen`), the output stops at a zero byte.
pub fn format_char(spec: &Spec, x: f64, out: &mut Vec<u8>) {
    let c = c_int(x) as u8;
    let start = out.len();
    pad_field(spec, &[], &[c], false, out);
    truncate_at_nul(out, start);
}

/// Cuts `out` at the first zero byte written after `start` (5.1 copies `sprintf`'s buffer with
/// `strlen`).
fn truncate_at_nul(out: &mut Vec<u8>, start: usize) {
    if let Some(k) = crate::string::find_byte(0, &out[start..]) {
        out.truncate(start + k);
    }
}

/// `%d %i %o %u %x %X`: the number cast to C `long` (signed conversions) or `unsigned long`,
/// laid out as glibc's printf does.
pub fn format_int(conv: u8, spec: &Spec, x: f64, out: &mut Vec<u8>) {
    let (negative, magnitude) = match conv {
        b'd' | b'i' => {
            let v = c_long(x);
            (v < 0, v.unsigned_abs())
        }
        _ => (false, c_ulong(x)),
    };
    let (base, upper) = match conv {
        b'o' => (8, false),
        b'x' => (16, false),
        b'X' => (16, true),
        _ => (10, false),
    };
    // Digits, least significant first, into a fixed buffer (64 octal digits of 3 bits
    // cover u64, and a precision of at most 99 is padded separately).
    let mut buf = [0u8; 24];
    let mut n = 0;
    let mut v = magnitude;
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    while v != 0 {
        buf[buf.len() - 1 - n] = table[(v % base) as usize];
        v /= base;
        n += 1;
    }
    let digits = &buf[buf.len() - n..];
    let mut body: SmallVec<[u8; 32]> = SmallVec::new();
    // Precision: minimum number of digits; the default is 1 (so 0 prints as "0"), and an
    // explicit precision of 0 prints nothing for 0.
    let min_digits = spec.precision.unwrap_or(1);
    body.resize(min_digits.saturating_sub(n), b'0');
    body.extend_from_slice(digits);
    if spec.alt && conv == b'o' && body.first() != Some(&b'0') {
        body.insert(0, b'0');
    }
    let mut head: SmallVec<[u8; 2]> = SmallVec::new();
    match conv {
        b'd' | b'i' => {
            if negative {
                head.push(b'-');
            } else if spec.plus {
                head.push(b'+');
            } else if spec.space {
                head.push(b' ');
            }
        }
        b'x' | b'X' if spec.alt && magnitude != 0 => {
            head.push(b'0');
            head.push(conv);
        }
        _ => {}
    }
    let zero_pad = spec.zero && !spec.left && spec.precision.is_none();
    pad_field(spec, &head, &body, zero_pad, out);
}

/// `%s`: a string of [`LONG_STRING`] bytes or more without a precision is copied whole (5.1
/// skips `sprintf` for it); otherwise the string stops at its first zero byte, is cut to the
/// precision and padded to the width with spaces.
pub fn format_str(spec: &Spec, s: &[u8], out: &mut Vec<u8>) {
    if spec.precision.is_none() && s.len() >= LONG_STRING {
        out.extend_from_slice(s);
        return;
    }
    let mut s = match crate::string::find_byte(0, s) {
        Some(k) => &s[..k],
        None => s,
    };
    if let Some(p) = spec.precision {
        s = &s[..s.len().min(p)];
    }
    pad_field(spec, &[], s, false, out);
}

/// `%q` as in 5.1: the string in double quotes; `"`, `\` and newline get a backslash before
/// them (the newline stays a real newline), carriage return becomes `\r` and a zero byte
/// `\000`. Every other byte is copied unchanged.
pub fn quote_string(s: &[u8], out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    for &c in s {
        match c {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(c);
            }
            b'\r' => out.extend_from_slice(b"\\r"),
            0 => out.extend_from_slice(b"\\000"),
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// A stack buffer for Rust's float formatting (spills to the heap only for very long
/// expansions such as `%.99f` of 1e308).
type DigitBuf = SmallVec<[u8; 128]>;

struct BufWriter<'a>(&'a mut DigitBuf);

impl fmt::Write for BufWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Exact scientific digits of `|x|` (finite) with `prec` digits after the point:
/// fills `digits` with the `prec + 1` significant digits and returns the decimal exponent.
fn sci_digits(x: f64, prec: usize, digits: &mut DigitBuf) -> i32 {
    let mut text = DigitBuf::new();
    // Formatting into a growable buffer cannot fail.
    let _ = write!(BufWriter(&mut text), "{:.*e}", prec, x.abs());
    // Shape: d[.ddd]e[-]N
    let e_pos = text.iter().position(|&c| c == b'e').unwrap_or(text.len());
    for &c in &text[..e_pos] {
        if c != b'.' {
            digits.push(c);
        }
    }
    let mut exp: i32 = 0;
    let mut neg = false;
    for &c in &text[(e_pos + 1).min(text.len())..] {
        if c == b'-' {
            neg = true;
        } else {
            exp = exp * 10 + i32::from(c - b'0');
        }
    }
    if neg {
        -exp
    } else {
        exp
    }
}

/// Appends C's exponent suffix: `e`, sign, at least two digits.
fn push_exponent(conv_e: u8, exp: i32, body: &mut DigitBuf) {
    body.push(conv_e);
    body.push(if exp < 0 { b'-' } else { b'+' });
    let a = exp.unsigned_abs();
    if a >= 100 {
        body.push(b'0' + (a / 100) as u8);
    }
    body.push(b'0' + (a / 10 % 10) as u8);
    body.push(b'0' + (a % 10) as u8);
}

/// `%e %E %f %g %G` (and `%.14g` for number-to-string conversion) exactly as glibc prints a
/// `double`: correctly rounded digits (ties to even), `inf`/`nan` with the sign of the value
/// (so NaN with the sign bit set prints as `-nan`), zero padding ignored for non-finite values.
/// `conv` must be one of `e E f g G` (anything else is treated as `g`).
pub fn format_float(conv: u8, spec: &Spec, x: f64, out: &mut Vec<u8>) {
    let upper = conv.is_ascii_uppercase();
    let mut head: SmallVec<[u8; 1]> = SmallVec::new();
    if x.is_sign_negative() {
        head.push(b'-');
    } else if spec.plus {
        head.push(b'+');
    } else if spec.space {
        head.push(b' ');
    }
    if !x.is_finite() {
        let word: &[u8] = match (x.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        pad_field(spec, &head, word, false, out);
        return;
    }
    let prec = spec.precision.unwrap_or(DEFAULT_PRECISION);
    let mut body = DigitBuf::new();
    match conv {
        b'f' | b'F' => {
            let _ = write!(BufWriter(&mut body), "{:.*}", prec, x.abs());
            if spec.alt && prec == 0 {
                body.push(b'.');
            }
        }
        b'e' | b'E' => {
            let mut digits = DigitBuf::new();
            let exp = sci_digits(x, prec, &mut digits);
            body.push(digits[0]);
            if prec > 0 || spec.alt {
                body.push(b'.');
            }
            body.extend_from_slice(&digits[1..]);
            push_exponent(if upper { b'E' } else { b'e' }, exp, &mut body);
        }
        _ => {
            // %g: P significant digits; style e if the exponent X (after rounding to P digits)
            // is < -4 or >= P, otherwise style f with P-1-X decimals. Both styles round at the
            // same decimal position, so the P digits serve either layout.
            let p = if prec == 0 { 1 } else { prec };
            let mut digits = DigitBuf::new();
            let exp = sci_digits(x, p - 1, &mut digits);
            if exp < -4 || exp >= p as i32 {
                body.push(digits[0]);
                body.push(b'.');
                body.extend_from_slice(&digits[1..]);
                strip_fraction(&mut body, spec.alt);
                push_exponent(if upper { b'E' } else { b'e' }, exp, &mut body);
            } else if exp >= 0 {
                let int_len = exp as usize + 1;
                body.extend_from_slice(&digits[..int_len]);
                body.push(b'.');
                body.extend_from_slice(&digits[int_len..]);
                strip_fraction(&mut body, spec.alt);
            } else {
                body.extend_from_slice(b"0.");
                body.resize(body.len() + (-exp - 1) as usize, b'0');
                body.extend_from_slice(&digits);
                strip_fraction(&mut body, spec.alt);
            }
        }
    }
    pad_field(spec, &head, &body, spec.zero && !spec.left, out);
}

/// `%g` without `#` drops trailing zeros of the fraction and then a bare decimal point; with
/// `#` everything stays.
fn strip_fraction(body: &mut DigitBuf, alt: bool) {
    if alt {
        return;
    }
    while body.last() == Some(&b'0') {
        body.pop();
    }
    if body.last() == Some(&b'.') {
        body.pop();
    }
}
