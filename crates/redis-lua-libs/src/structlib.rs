//! `struct`: packing Lua values into binary strings and back, as Roberto Ierusalimschy's
//! struct library (the copy Redis bundles) does on a 64-bit little-endian machine.
//!
//! Format options: `>`/`<` big/little endian (native = little), `![n]` maximum alignment
//! (power of two, default 8; the initial alignment is 1, i.e. packed), `x` one zero byte,
//! `b/B` 8-bit, `h/H` 16-bit, `l/L` and `T` 64-bit, `i/I[n]` n-byte integers (default 4,
//! at most 32), `f` float, `d` double, `c[n]` n chars (`c0`: the whole string when
//! packing, a length taken from the previous result when unpacking), `s` zero-terminated
//! string, space ignored. Lower-case integer options are signed.
//!
//! Integers wider than 8 bytes are padded (pack) or truncated (unpack) the way the C code
//! does with its 64-bit `long`; conversions of out-of-range numbers reproduce x86-64's
//! results. The format ends at its first zero byte, as a C string does.

use crate::CStackModel;
use lua51::{Lua, LuaResult, Value};

/// Largest `i`/`I` size (`MAXINTSIZE`).
const MAX_INT_SIZE: usize = 32;
/// Default of `!` without a number: the platform's maximum alignment (8 on x86-64).
const MAX_ALIGN: i32 = 8;
/// `sizeof(int)`, the default size of `i`/`I`.
const INT_SIZE: i32 = 4;

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(t, &[("pack", pack), ("unpack", unpack), ("size", size)])?;
    l.set_global("struct", Value::Table(t))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// Endianness and maximum alignment in force.
struct Header {
    endian: Endian,
    align: usize,
}

impl Header {
    fn new() -> Header {
        Header {
            endian: Endian::Little,
            align: 1,
        }
    }
}

/// A cursor over the format string (up to its first zero byte).
struct Format<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Format<'a> {
    fn new(s: &'a [u8]) -> Format<'a> {
        let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
        Format {
            s: &s[..end],
            pos: 0,
        }
    }

    fn next_opt(&mut self) -> Option<u8> {
        let c = *self.s.get(self.pos)?;
        self.pos += 1;
        Some(c)
    }

    /// An optional decimal count after an option, or `default`.
    fn number(&mut self, l: &mut Lua, default: i32) -> LuaResult<i32> {
        if !self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut a: i32 = 0;
        while let Some(&c) = self.s.get(self.pos).filter(|c| c.is_ascii_digit()) {
            let d = (c - b'0') as i32;
            if a > i32::MAX / 10 || a * 10 > i32::MAX - d {
                return Err(l.error("integral size overflow"));
            }
            a = a * 10 + d;
            self.pos += 1;
        }
        Ok(a)
    }
}

/// Size of option `opt` (reading its count), 0 for options without a size.
fn opt_size(l: &mut Lua, opt: u8, fmt: &mut Format) -> LuaResult<usize> {
    Ok(match opt {
        b'B' | b'b' => 1,
        b'H' | b'h' => 2,
        b'L' | b'l' | b'T' | b'd' => 8,
        b'f' => 4,
        b'x' => 1,
        b'c' => fmt.number(l, 1)? as usize,
        b'i' | b'I' => {
            let sz = fmt.number(l, INT_SIZE)?;
            if sz as usize > MAX_INT_SIZE {
                let msg = format!(
                    "integral size {} is larger than limit of {}",
                    sz, MAX_INT_SIZE
                );
                return Err(l.error(msg));
            }
            sz as usize
        }
        _ => 0,
    })
}

/// Padding needed to align an item of `size` bytes at offset `len` (as the C code
/// computes it: in `size_t`, then narrowed to `int`).
fn to_align(len: usize, h: &Header, opt: u8, size: usize) -> i32 {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align);
    (size.wrapping_sub(len & size.wrapping_sub(1)) & size.wrapping_sub(1)) as i32
}

/// Endianness, alignment and spaces; anything else is an invalid option.
fn control_option(l: &mut Lua, opt: u8, fmt: &mut Format, h: &mut Header) -> LuaResult<()> {
    match opt {
        b' ' => {}
        b'>' => h.endian = Endian::Big,
        b'<' => h.endian = Endian::Little,
        b'!' => {
            let a = fmt.number(l, MAX_ALIGN)?;
            if a == 0 || (a & (a - 1)) != 0 {
                return Err(l.error(format!("alignment {} is not a power of 2", a)));
            }
            h.align = a as usize;
        }
        _ => {
            let msg = format!("invalid format option '{}'", opt as char);
            return Err(l.arg_error(1, &msg));
        }
    }
    Ok(())
}

/// `(unsigned long)n`, or `(unsigned long)(long)n` for negative `n`, with x86-64's
/// results for values out of range (`cvttsd2si` gives 2^63 for anything it cannot hold).
fn number_to_bits(n: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    if n < 0.0 {
        if n >= -TWO63 {
            n as i64 as u64
        } else {
            1 << 63
        }
    } else if n < TWO63 {
        n as u64
    } else if n.is_nan() {
        1 << 63
    } else if n - TWO63 < TWO63 {
        ((n - TWO63) as u64) ^ (1 << 63)
    } else {
        0
    }
}

/// Appends `size` bytes of an integer; bytes past the eighth are zero.
fn put_integer(out: &mut Vec<u8>, n: f64, endian: Endian, size: usize) {
    let mut value = number_to_bits(n);
    let mut buf = [0u8; MAX_INT_SIZE];
    for i in 0..size {
        let k = if endian == Endian::Little {
            i
        } else {
            size - 1 - i
        };
        buf[k] = value as u8;
        value = value.checked_shr(8).unwrap_or(0);
    }
    out.extend_from_slice(&buf[..size]);
}

fn pack(l: &mut Lua) -> LuaResult<usize> {
    let fmt_s = l.check_str(1)?;
    // The C code pushes a nil mark after the arguments, so a missing first argument
    // past the last reads as nil rather than "no value".
    l.push(Value::Nil)?;
    let mut fmt = Format::new(fmt_s.as_bytes());
    let mut h = Header::new();
    let mut arg = 2;
    let mut total: usize = 0;
    let mut out: Vec<u8> = Vec::new();
    while let Some(opt) = fmt.next_opt() {
        l.charge(1)?;
        let mut size = opt_size(l, opt, &mut fmt)?;
        let pad = to_align(total, &h, opt, size);
        total = total.wrapping_add(pad as isize as usize);
        out.extend(std::iter::repeat_n(0u8, pad.max(0) as usize));
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = l.check_number(arg)?;
                arg += 1;
                put_integer(&mut out, n, h.endian, size);
            }
            b'x' => out.push(0),
            b'f' => {
                let f = l.check_number(arg)? as f32;
                arg += 1;
                let b = if h.endian == Endian::Little {
                    f.to_le_bytes()
                } else {
                    f.to_be_bytes()
                };
                out.extend_from_slice(&b);
            }
            b'd' => {
                let d = l.check_number(arg)?;
                arg += 1;
                let b = if h.endian == Endian::Little {
                    d.to_le_bytes()
                } else {
                    d.to_be_bytes()
                };
                out.extend_from_slice(&b);
            }
            b'c' | b's' => {
                let s = l.check_str(arg)?;
                arg += 1;
                let bytes = s.as_bytes();
                if size == 0 {
                    size = bytes.len();
                }
                if bytes.len() < size {
                    // The C code checks after advancing to the next argument.
                    return Err(l.arg_error(arg, "string too short"));
                }
                crate::check_output_size(l, out.len().saturating_add(size))?;
                out.extend_from_slice(&bytes[..size]);
                if opt == b's' {
                    out.push(0);
                    size += 1;
                }
            }
            _ => control_option(l, opt, &mut fmt, &mut h)?,
        }
        total = total.wrapping_add(size);
    }
    l.push_str(&out)?;
    Ok(1)
}

/// Reads an integer of `size` bytes (C's 64-bit accumulation: wider values keep only the
/// bytes shifted in last).
fn get_integer(data: &[u8], endian: Endian, signed: bool, size: usize) -> f64 {
    let mut v: u64 = 0;
    for i in 0..size {
        let k = if endian == Endian::Big {
            i
        } else {
            size - 1 - i
        };
        v = (v << 8) | data[k] as u64;
    }
    if !signed {
        return v as f64;
    }
    // The shift count is taken modulo 64, as x86's `shl` does.
    let mask = (!0u64).wrapping_shl((size * 8).wrapping_sub(1) as u32);
    if v & mask != 0 {
        v |= mask;
    }
    v as i64 as f64
}

/// A previous result as a number, as `lua_isnumber`/`lua_tonumber` see it.
fn value_as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Num(n) => Some(*n),
        Value::Str(s) => lua51::number::str2number(s.as_bytes()),
        _ => None,
    }
}

fn unpack(l: &mut Lua) -> LuaResult<usize> {
    let fmt_s = l.check_str(1)?;
    let data_s = l.check_str(2)?;
    let start = l.opt_integer(3, 1)?;
    // The C code checks the offset as a `size_t`: only 0 is refused here; negative
    // offsets wrap around and fail the length check.
    if start == 0 {
        return Err(l.arg_error(3, "offset must be 1 or greater"));
    }
    let data = data_s.as_bytes();
    let ld = data.len();
    let mut pos = (start - 1) as u64 as usize;
    let mut fmt = Format::new(fmt_s.as_bytes());
    let mut h = Header::new();
    // Results go straight onto the Lua stack, which keeps them alive.
    let nargs = l.nargs();
    let mut n: usize = 0;
    while let Some(opt) = fmt.next_opt() {
        l.charge(1)?;
        let mut size = opt_size(l, opt, &mut fmt)?;
        let pad = to_align(pos, &h, opt, size);
        pos = pos.wrapping_add(pad as isize as usize);
        if pos.checked_add(size).is_none_or(|end| end > ld) {
            return Err(l.arg_error(2, "data string too short"));
        }
        if !CStackModel::new(nargs + n).check(2) {
            return Err(l.error("stack overflow (too many results)"));
        }
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let v = get_integer(&data[pos..], h.endian, opt.is_ascii_lowercase(), size);
                l.push(Value::Num(v))?;
                n += 1;
            }
            b'x' => {}
            b'f' => {
                let b: [u8; 4] = data[pos..pos + 4].try_into().expect("length checked");
                let f = if h.endian == Endian::Little {
                    f32::from_le_bytes(b)
                } else {
                    f32::from_be_bytes(b)
                };
                l.push(Value::Num(f as f64))?;
                n += 1;
            }
            b'd' => {
                let b: [u8; 8] = data[pos..pos + 8].try_into().expect("length checked");
                let d = if h.endian == Endian::Little {
                    f64::from_le_bytes(b)
                } else {
                    f64::from_be_bytes(b)
                };
                l.push(Value::Num(d))?;
                n += 1;
            }
            b'c' => {
                if size == 0 {
                    let prev = if n == 0 {
                        None
                    } else {
                        value_as_number(&l.stack_at(l.get_top() - 1))
                    };
                    let Some(count) = prev else {
                        return Err(l.error("format 'c0' needs a previous size"));
                    };
                    size = number_to_bits(count) as usize;
                    l.pop();
                    n -= 1;
                    if size > ld || pos > ld - size {
                        return Err(l.arg_error(2, "data string too short"));
                    }
                }
                l.push_str(&data[pos..pos + size])?;
                n += 1;
            }
            b's' => {
                let Some(k) = data[pos..].iter().position(|&c| c == 0) else {
                    return Err(l.error("unfinished string in data"));
                };
                l.push_str(&data[pos..pos + k])?;
                n += 1;
                size = k + 1;
            }
            _ => control_option(l, opt, &mut fmt, &mut h)?,
        }
        pos = pos.wrapping_add(size);
    }
    l.push(Value::Num(pos.wrapping_add(1) as f64))?;
    Ok(n + 1)
}

fn size(l: &mut Lua) -> LuaResult<usize> {
    let fmt_s = l.check_str(1)?;
    let mut fmt = Format::new(fmt_s.as_bytes());
    let mut h = Header::new();
    let mut pos: usize = 0;
    while let Some(opt) = fmt.next_opt() {
        l.charge(1)?;
        let size = opt_size(l, opt, &mut fmt)?;
        let pad = to_align(pos, &h, opt, size);
        pos = pos.wrapping_add(pad as isize as usize);
        if opt == b's' {
            return Err(l.arg_error(1, "option 's' has no fixed size"));
        } else if opt == b'c' && size == 0 {
            return Err(l.arg_error(1, "option 'c0' has no fixed size"));
        }
        if !opt.is_ascii_alphanumeric() {
            control_option(l, opt, &mut fmt, &mut h)?;
        }
        pos = pos.wrapping_add(size);
    }
    l.push(Value::Num(pos as f64))?;
    Ok(1)
}
