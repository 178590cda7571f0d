//! `cmsgpack`: MessagePack encoding of Lua values as lua-cmsgpack 0.4.0 does it.
//!
//! `pack(...)` concatenates the encodings of its arguments. Numbers that are integral and
//! fit an int64 take the smallest integer form, others a float32 when that is exact, else
//! a float64; strings use fixstr/str8/str16/str32; a table whose keys are exactly 1..n is
//! an array, any other a map (in `next` order); nil and unsupported types are `nil`.
//! Tables nested [`MAX_NESTING`] deep encode as `nil`, which also cuts cycles.
//!
//! `unpack(s)` returns every value in `s`; `unpack_one(s [, offset])` and
//! `unpack_limit(s, limit [, offset])` return the 0-based offset after what they read
//! (-1 at the end) followed by the values. Binary and extension types are rejected as
//! bad format. Deep nesting or many results fail where the C library's stack checks fail
//! (see `CStackModel`). Decoding is iterative and every element consumes input, so work
//! is bounded by the input's length.

use crate::{check_output_size, set_field, CStackModel};
use lua51::table::TableRef;
use lua51::{Lua, LuaError, LuaResult, Value};

/// `LUACMSGPACK_MAX_NESTING`: tables deeper than this encode as nil.
pub const MAX_NESTING: usize = 16;

const NAME: &str = "cmsgpack";
const VERSION: &str = "lua-cmsgpack 0.4.0";
const COPYRIGHT: &str = "Copyright (C) 2012, Salvatore Sanfilippo";
const DESCRIPTION: &str = "MessagePack C implementation for Lua";

const TOO_MANY_RESULTS: &str =
    "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(
        t,
        &[
            ("pack", pack),
            ("unpack", unpack),
            ("unpack_one", unpack_one),
            ("unpack_limit", unpack_limit),
        ],
    )?;
    for (k, v) in [
        ("_NAME", NAME),
        ("_VERSION", VERSION),
        ("_COPYRIGHT", COPYRIGHT),
        ("_DESCRIPTION", DESCRIPTION),
    ] {
        let s = l.str_value(v.as_bytes())?;
        set_field(l, t, k, s)?;
    }
    l.set_global("cmsgpack", Value::Table(t))
}

// ---- encoding --------------------------------------------------------------------------

fn encode_int(n: i64, out: &mut Vec<u8>) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2147483648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_number(n: f64, out: &mut Vec<u8>) {
    // `(int64_t)n == n` on x86-64: out-of-range conversions give INT64_MIN.
    let as_int = if !(-9223372036854775808.0..9223372036854775808.0).contains(&n) {
        i64::MIN
    } else {
        n as i64
    };
    if !n.is_infinite() && as_int as f64 == n {
        encode_int(as_int, out);
    } else if (n as f32) as f64 == n {
        out.push(0xca);
        out.extend_from_slice(&(n as f32).to_bits().to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_bits().to_be_bytes());
    }
}

fn encode_str(s: &[u8], out: &mut Vec<u8>) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(s);
}

/// Array or map header for `n` elements (`fix`, 16-bit and 32-bit codes).
fn encode_header(n: usize, fix: u8, code16: u8, out: &mut Vec<u8>) {
    if n <= 15 {
        out.push(fix | n as u8);
    } else if n <= 0xffff {
        out.push(code16);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(code16 + 1);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// lua-cmsgpack's `table_is_an_array`: every key a positive integer (that fits a C
/// `int`) and as many keys as the largest one.
fn table_is_array(l: &mut Lua, t: TableRef) -> LuaResult<bool> {
    let (mut count, mut max) = (0i64, 0i64);
    let mut k = Value::Nil;
    while let Some((key, _)) = next_entry(l, t, &k)? {
        l.charge(1)?;
        match key {
            Value::Num(n) if n > 0.0 && n < 2147483648.0 && n.trunc() == n => {
                max = max.max(n as i64);
                count += 1;
            }
            _ => return Ok(false),
        }
        k = key;
    }
    Ok(max == count)
}

fn next_entry(l: &mut Lua, t: TableRef, k: &Value) -> LuaResult<Option<(Value, Value)>> {
    match t.next(k) {
        Ok(e) => Ok(e),
        Err(()) => Err(l.error("invalid key to 'next'")),
    }
}

/// One open table being encoded.
enum Frame {
    Array {
        t: TableRef,
        len: i64,
        i: i64,
    },
    /// `pending` holds a value to encode after its key.
    Map {
        t: TableRef,
        key: Value,
        pending: Option<Value>,
    },
}

/// Encodes `v` (iteratively; nesting is capped at [`MAX_NESTING`]).
fn encode_value(l: &mut Lua, v: Value, out: &mut Vec<u8>) -> LuaResult<()> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut next = Some(v);
    loop {
        if let Some(v) = next.take() {
            l.charge(1)?;
            match v {
                Value::Str(s) => encode_str(s.as_bytes(), out),
                Value::Bool(b) => out.push(if b { 0xc3 } else { 0xc2 }),
                Value::Num(n) => encode_number(n, out),
                Value::Table(t) if stack.len() < MAX_NESTING => {
                    if table_is_array(l, t)? {
                        let len = t.length() as i64;
                        encode_header(len as usize, 0x90, 0xdc, out);
                        stack.push(Frame::Array { t, len, i: 0 });
                    } else {
                        let mut n = 0usize;
                        let mut k = Value::Nil;
                        while let Some((key, _)) = next_entry(l, t, &k)? {
                            l.charge(1)?;
                            n += 1;
                            k = key;
                        }
                        encode_header(n, 0x80, 0xde, out);
                        stack.push(Frame::Map {
                            t,
                            key: Value::Nil,
                            pending: None,
                        });
                    }
                }
                _ => out.push(0xc0),
            }
            if out.len() > (1 << 20) {
                check_output_size(l, out.len())?;
            }
        }
        let Some(frame) = stack.last_mut() else {
            return Ok(());
        };
        match frame {
            Frame::Array { t, len, i } => {
                if *i >= *len {
                    stack.pop();
                } else {
                    *i += 1;
                    next = Some(t.get_int(*i));
                }
            }
            Frame::Map { t, key, pending } => {
                if let Some(v) = pending.take() {
                    next = Some(v);
                } else {
                    let t = *t;
                    match next_entry(l, t, key)? {
                        Some((k, v)) => {
                            if let Some(Frame::Map { key, pending, .. }) = stack.last_mut() {
                                *key = k;
                                *pending = Some(v);
                            }
                            next = Some(k);
                        }
                        None => {
                            stack.pop();
                        }
                    }
                }
            }
        }
    }
}

fn pack(l: &mut Lua) -> LuaResult<usize> {
    let nargs = l.nargs();
    if nargs == 0 {
        return Err(l.arg_error(0, "MessagePack pack needs input."));
    }
    if !CStackModel::new(nargs).check(nargs) {
        return Err(l.arg_error(0, "Too many arguments for MessagePack pack."));
    }
    let mut out = Vec::new();
    for i in 1..=nargs {
        let v = l.arg(i);
        encode_value(l, v, &mut out)?;
    }
    check_output_size(l, out.len())?;
    l.push_str(&out)?;
    Ok(1)
}

// ---- decoding --------------------------------------------------------------------------

/// Why decoding stopped (`MP_CUR_ERROR_EOF` / `MP_CUR_ERROR_BADFMT`).
enum Bad {
    Eof,
    Format,
    Lua(LuaError),
}

impl From<LuaError> for Bad {
    fn from(e: LuaError) -> Bad {
        Bad::Lua(e)
    }
}

/// An open container being filled (its table is on the Lua stack).
enum Open {
    Array {
        t: TableRef,
        left: u64,
        n: i64,
    },
    /// `have_key`: the key of the current pair is decoded and on the Lua stack.
    Map {
        t: TableRef,
        left: u64,
        have_key: bool,
    },
}

/// One decoded item: a scalar, or the header of an array/map with its element count.
enum Item {
    Scalar(Value),
    Container { is_array: bool, n: u64 },
}

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    cstack: CStackModel,
}

impl<'a> Reader<'a> {
    fn need(&self, n: usize) -> Result<&'a [u8], Bad> {
        let s: &'a [u8] = self.s;
        if s.len() - self.pos < n {
            return Err(Bad::Eof);
        }
        Ok(&s[self.pos..self.pos + n])
    }

    /// Big-endian unsigned of `n` bytes at `at` bytes past the current position.
    fn be(&self, at: usize, n: usize) -> Result<u64, Bad> {
        let b = self.need(at + n)?;
        Ok(b[at..].iter().fold(0u64, |v, &c| (v << 8) | c as u64))
    }

    /// Reads the item at the current position and moves past it (containers: their
    /// header only).
    fn item(&mut self, l: &mut Lua) -> Result<Item, Bad> {
        let b = self.need(1)?[0];
        let num = |v: f64| Item::Scalar(Value::Num(v));
        let (item, used) = match b {
            0xcc => (num(self.be(1, 1)? as f64), 2),
            0xd0 => (num(self.be(1, 1)? as u8 as i8 as f64), 2),
            0xcd => (num(self.be(1, 2)? as f64), 3),
            0xd1 => (num(self.be(1, 2)? as u16 as i16 as f64), 3),
            0xce => (num(self.be(1, 4)? as f64), 5),
            0xd2 => (num(self.be(1, 4)? as u32 as i32 as f64), 5),
            // uint64 goes through lua_pushinteger, a signed 64-bit integer.
            0xcf => (num(self.be(1, 8)? as i64 as f64), 9),
            0xd3 => (num(self.be(1, 8)? as i64 as f64), 9),
            0xc0 => (Item::Scalar(Value::Nil), 1),
            0xc3 => (Item::Scalar(Value::Bool(true)), 1),
            0xc2 => (Item::Scalar(Value::Bool(false)), 1),
            0xca => (num(f32::from_bits(self.be(1, 4)? as u32) as f64), 5),
            0xcb => (num(f64::from_bits(self.be(1, 8)?)), 9),
            0xd9..=0xdb => {
                let w = 1usize << (b - 0xd9);
                let len = self.be(1, w)? as usize;
                let bytes = self.need((1 + w).saturating_add(len))?;
                l.charge(len as i64 / 64)?;
                (Item::Scalar(l.str_value(&bytes[1 + w..])?), 1 + w + len)
            }
            0xdc..=0xdf => {
                let w = if b & 1 == 0 { 2 } else { 4 };
                let n = self.be(1, w)?;
                (
                    Item::Container {
                        is_array: b <= 0xdd,
                        n,
                    },
                    1 + w,
                )
            }
            _ if b & 0x80 == 0 => (num(b as f64), 1),
            _ if b & 0xe0 == 0xe0 => (num(b as i8 as f64), 1),
            _ if b & 0xe0 == 0xa0 => {
                let len = (b & 0x1f) as usize;
                let bytes = self.need(1 + len)?;
                (Item::Scalar(l.str_value(&bytes[1..])?), 1 + len)
            }
            _ if b & 0xf0 == 0x90 => (
                Item::Container {
                    is_array: true,
                    n: (b & 0x0f) as u64,
                },
                1,
            ),
            _ if b & 0xf0 == 0x80 => (
                Item::Container {
                    is_array: false,
                    n: (b & 0x0f) as u64,
                },
                1,
            ),
            _ => return Err(Bad::Format),
        };
        self.pos += used;
        Ok(item)
    }

    fn push(&mut self, l: &mut Lua, v: Value) -> LuaResult<()> {
        l.push(v)?;
        self.cstack.used += 1;
        Ok(())
    }

    fn pop2(&mut self, l: &mut Lua) {
        l.pop();
        l.pop();
        self.cstack.used -= 2;
    }

    /// Decodes one value and leaves it on the Lua stack. Containers under construction
    /// sit on the Lua stack with the pending index or key, as in the C library.
    fn value(&mut self, l: &mut Lua) -> Result<(), Bad> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            // Decode one item (`mp_decode_to_lua_type`).
            l.charge(1)?;
            if !self.cstack.check(1) {
                return Err(Bad::Lua(l.error(TOO_MANY_RESULTS)));
            }
            let mut completed = match self.item(l)? {
                Item::Scalar(v) => {
                    self.push(l, v)?;
                    true
                }
                Item::Container { is_array, n } => {
                    let t = l.new_table()?;
                    self.push(l, Value::Table(t))?;
                    if is_array {
                        if !self.cstack.check(1) {
                            return Err(Bad::Lua(
                                l.error("stack overflow (in function mp_decode_to_lua_array)"),
                            ));
                        }
                        open.push(Open::Array { t, left: n, n: 0 });
                    } else {
                        open.push(Open::Map {
                            t,
                            left: n,
                            have_key: false,
                        });
                    }
                    false
                }
            };
            // Store completed values into their containers, close full containers, and
            // stop where the next item must be decoded.
            loop {
                let top_index = l.get_top();
                let Some(top) = open.last_mut() else {
                    return Ok(());
                };
                if completed {
                    match top {
                        Open::Array { t, .. } => {
                            let t = *t;
                            let (k, v) = (l.stack_at(top_index - 2), l.stack_at(top_index - 1));
                            l.raw_set(t, k, v)?;
                            self.pop2(l);
                        }
                        Open::Map {
                            have_key: have_key @ false,
                            ..
                        } => {
                            *have_key = true;
                            break;
                        }
                        Open::Map { t, have_key, .. } => {
                            let t = *t;
                            *have_key = false;
                            let (k, v) = (l.stack_at(top_index - 2), l.stack_at(top_index - 1));
                            match k {
                                // lua_settable refuses these keys (no position: raised in C).
                                Value::Nil => {
                                    return Err(Bad::Lua(crate::plain_error(
                                        l,
                                        b"table index is nil",
                                    )))
                                }
                                Value::Num(n) if n.is_nan() => {
                                    return Err(Bad::Lua(crate::plain_error(
                                        l,
                                        b"table index is NaN",
                                    )))
                                }
                                _ => {}
                            }
                            l.raw_set(t, k, v)?;
                            self.pop2(l);
                        }
                    }
                }
                let Some(top) = open.last_mut() else {
                    return Ok(());
                };
                let (left, next_index) = match top {
                    Open::Array { left, n, .. } => {
                        *n += 1;
                        (left, Some(*n))
                    }
                    Open::Map { left, .. } => (left, None),
                };
                if *left == 0 {
                    // Closed: its table, already on the stack, is the completed value.
                    open.pop();
                    completed = true;
                    continue;
                }
                *left -= 1;
                if let Some(n) = next_index {
                    self.push(l, Value::Num(n as f64))?;
                }
                break;
            }
        }
    }
}

/// lua-cmsgpack's `mp_unpack_full`: decodes up to `limit` values from `offset` (all of
/// them when both are 0, and then no offset is returned).
fn unpack_full(l: &mut Lua, limit: i32, offset: i32) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let len = s.len();
    let decode_all = limit == 0 && offset == 0;
    if offset < 0 || limit < 0 {
        let msg = format!(
            "Invalid request to unpack with offset of {} and limit of {}.",
            offset, len as i32
        );
        return Err(l.error(msg));
    }
    if offset as usize > len {
        let msg = format!(
            "Start offset {} greater than input length {}.",
            offset, len as i32
        );
        return Err(l.error(msg));
    }
    let limit = if decode_all { i32::MAX } else { limit };
    // Only the string argument stays on the C stack; results follow it here too, with
    // a slot for the offset first when one is returned.
    let base = l.get_top();
    if !decode_all {
        l.push(Value::Nil)?;
    }
    let mut r = Reader {
        s: s.as_bytes(),
        pos: offset as usize,
        cstack: CStackModel::new(1),
    };
    let mut count = 0;
    while r.pos < len && count < limit {
        if !r.cstack.check(1) {
            return Err(l.error(TOO_MANY_RESULTS));
        }
        match r.value(l) {
            Ok(()) => {}
            Err(Bad::Eof) => return Err(l.error("Missing bytes in input.")),
            Err(Bad::Format) => return Err(l.error("Bad data format in input.")),
            Err(Bad::Lua(e)) => return Err(e),
        }
        count += 1;
    }
    if decode_all {
        return Ok(count as usize);
    }
    let next = if r.pos == len {
        -1.0
    } else {
        r.pos as i32 as f64
    };
    l.set_stack(base, Value::Num(next));
    Ok(count as usize + 1)
}

fn unpack(l: &mut Lua) -> LuaResult<usize> {
    // The C code ignores extra arguments; so do results, which come from the top.
    unpack_full(l, 0, 0)
}

fn unpack_one(l: &mut Lua) -> LuaResult<usize> {
    let offset = l.opt_integer(2, 0)? as i32;
    unpack_full(l, 1, offset)
}

fn unpack_limit(l: &mut Lua) -> LuaResult<usize> {
    let limit = l.check_integer(2)? as i32;
    let offset = l.opt_integer(3, 0)? as i32;
    unpack_full(l, limit, offset)
}
