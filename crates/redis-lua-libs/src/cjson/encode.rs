//! `cjson.encode`: a Lua value to JSON text, byte for byte as lua-cjson 2.1.0 writes it.
//!
//! - `nil` and `cjson.null` → `null`; booleans; numbers with `%.<precision>g` (NaN and
//!   infinities per `encode_invalid_numbers`); strings with `"`, `\`, `/` and control
//!   characters escaped (`\b \t \n \f \r`, else `\u00XX`, also for 0x7f), other bytes raw.
//! - A table whose keys are all positive integers is an array up to its largest key
//!   (holes are `null`), unless excessively sparse (`encode_sparse_array`); an empty
//!   table and any other table is an object in `next` order, number keys quoted.
//! - Nesting deeper than `encode_max_depth`, or deeper than the C stack lua-cjson runs
//!   on allows, fails with `Cannot serialise, excessive nesting (<depth>)`.
//!
//! The walk is iterative (an explicit stack of open tables), so depth never grows the
//! Rust stack, and it charges the instruction budget per element.

use super::{Cfg, Config};
use crate::CStackModel;
use lua51::table::TableRef;
use lua51::{Lua, LuaResult, Value};

/// Slots lua-cjson's encoder checks for at each table (`lua_checkstack(l, 3)`).
const SLOTS_PER_TABLE: usize = 3;
/// Slots an open array holds while its elements are encoded (the element).
const ARRAY_SLOTS: usize = 1;
/// Slots an open object holds while its values are encoded (key and value).
const OBJECT_SLOTS: usize = 2;
/// Elements between checks of the output size against the heap limit.
const SIZE_CHECK_INTERVAL: u32 = 1024;

/// An open table being written.
enum Frame {
    /// Next index to write is `i + 1`, up to `len`.
    Array { t: TableRef, len: i64, i: i64 },
    /// Iterating with `next` from `key`.
    Object {
        t: TableRef,
        key: Value,
        first: bool,
    },
}

struct Encoder {
    cfg: Config,
    out: Vec<u8>,
    stack: Vec<Frame>,
    cstack: CStackModel,
    since_size_check: u32,
}

pub(super) fn encode(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    if l.nargs() != 1 {
        return Err(l.arg_error(1, "expected 1 argument"));
    }
    let mut e = Encoder {
        cfg: cfg.borrow().clone(),
        out: Vec::new(),
        stack: Vec::new(),
        cstack: CStackModel::new(1),
        since_size_check: 0,
    };
    let v = l.arg(1);
    e.run(l, v)?;
    crate::check_output_size(l, e.out.len())?;
    l.push_str(&e.out)?;
    Ok(1)
}

impl Encoder {
    fn run(&mut self, l: &mut Lua, v: Value) -> LuaResult<()> {
        self.value(l, v)?;
        while let Some(frame) = self.stack.last_mut() {
            match frame {
                Frame::Array { t, len, i } => {
                    if *i >= *len {
                        self.out.push(b']');
                        self.close();
                        continue;
                    }
                    if *i > 0 {
                        self.out.push(b',');
                    }
                    *i += 1;
                    let v = t.get_int(*i);
                    self.step(l)?;
                    self.value(l, v)?;
                }
                Frame::Object { t, key, first } => {
                    let entry = match t.next(key) {
                        Ok(e) => e,
                        Err(()) => return Err(l.error("invalid key to 'next'")),
                    };
                    let Some((k, v)) = entry else {
                        self.out.push(b'}');
                        self.close();
                        continue;
                    };
                    *key = k;
                    if !*first {
                        self.out.push(b',');
                    }
                    *first = false;
                    self.step(l)?;
                    self.key(l, k)?;
                    self.out.push(b':');
                    self.value(l, v)?;
                }
            }
        }
        Ok(())
    }

    /// Charges one element and now and then checks the output against the heap limit.
    fn step(&mut self, l: &mut Lua) -> LuaResult<()> {
        l.charge(1)?;
        self.since_size_check += 1;
        if self.since_size_check >= SIZE_CHECK_INTERVAL {
            self.since_size_check = 0;
            crate::check_output_size(l, self.out.len())?;
        }
        Ok(())
    }

    fn close(&mut self) {
        match self.stack.pop() {
            Some(Frame::Array { .. }) => self.cstack.used -= ARRAY_SLOTS,
            Some(Frame::Object { .. }) => self.cstack.used -= OBJECT_SLOTS,
            None => {}
        }
    }

    /// Writes a scalar, or opens a table (its contents follow from `run`).
    fn value(&mut self, l: &mut Lua, v: Value) -> LuaResult<()> {
        match v {
            Value::Nil | Value::LightUserData(0) => self.out.extend_from_slice(b"null"),
            Value::Bool(true) => self.out.extend_from_slice(b"true"),
            Value::Bool(false) => self.out.extend_from_slice(b"false"),
            Value::Num(n) => self.number(l, n)?,
            Value::Str(s) => escape_string(s.as_bytes(), &mut self.out),
            Value::Table(t) => self.open_table(l, t)?,
            other => {
                let msg = format!("Cannot serialise {}: type not supported", other.type_name());
                return Err(l.error(msg));
            }
        }
        Ok(())
    }

    fn key(&mut self, l: &mut Lua, k: Value) -> LuaResult<()> {
        match k {
            Value::Num(n) => {
                self.out.push(b'"');
                self.number(l, n)?;
                self.out.push(b'"');
            }
            Value::Str(s) => escape_string(s.as_bytes(), &mut self.out),
            other => {
                let msg = format!(
                    "Cannot serialise {}: table key must be a number or string",
                    other.type_name()
                );
                return Err(l.error(msg));
            }
        }
        Ok(())
    }

    fn number(&mut self, l: &mut Lua, n: f64) -> LuaResult<()> {
        let invalid = n.is_nan() || n.is_infinite();
        match self.cfg.encode_invalid_numbers {
            0 if invalid => {
                return Err(l.error("Cannot serialise number: must not be NaN or Inf"));
            }
            1 if n.is_nan() => {
                self.out.extend_from_slice(b"nan");
                return Ok(());
            }
            2 if invalid => {
                self.out.extend_from_slice(b"null");
                return Ok(());
            }
            _ => {}
        }
        format_number(n, self.cfg.number_precision, &mut self.out);
        Ok(())
    }

    fn open_table(&mut self, l: &mut Lua, t: TableRef) -> LuaResult<()> {
        let depth = self.stack.len() + 1;
        if depth > self.cfg.encode_max_depth as usize || !self.cstack.check(SLOTS_PER_TABLE) {
            return Err(l.error(format!("Cannot serialise, excessive nesting ({})", depth)));
        }
        match self.array_length(l, t)? {
            Some(len) if len > 0 => {
                self.out.push(b'[');
                self.stack.push(Frame::Array { t, len, i: 0 });
                self.cstack.used += ARRAY_SLOTS;
            }
            _ => {
                self.out.push(b'{');
                self.stack.push(Frame::Object {
                    t,
                    key: Value::Nil,
                    first: true,
                });
                self.cstack.used += OBJECT_SLOTS;
            }
        }
        Ok(())
    }

    /// lua-cjson's `lua_array_length`: the largest key if every key is a positive
    /// integer (kept in a C `int`, which x86 turns into INT_MIN past its range), `None`
    /// for an object; excessively sparse arrays are an error or an object.
    fn array_length(&mut self, l: &mut Lua, t: TableRef) -> LuaResult<Option<i64>> {
        let mut max: i32 = 0;
        let mut items: i32 = 0;
        let mut k = Value::Nil;
        loop {
            let entry = match t.next(&k) {
                Ok(e) => e,
                Err(()) => return Err(l.error("invalid key to 'next'")),
            };
            let Some((key, _)) = entry else { break };
            l.charge(1)?;
            match key {
                Value::Num(n) if n != 0.0 && n.floor() == n && n >= 1.0 => {
                    if n > max as f64 {
                        max = if n < 2147483648.0 { n as i32 } else { i32::MIN };
                    }
                    items = items.wrapping_add(1);
                }
                _ => return Ok(None),
            }
            k = key;
        }
        let c = &self.cfg;
        if c.sparse_ratio > 0 && max > items.wrapping_mul(c.sparse_ratio) && max > c.sparse_safe {
            if !c.sparse_convert {
                return Err(l.error("Cannot serialise table: excessively sparse array"));
            }
            return Ok(None);
        }
        Ok(Some(max as i64))
    }
}

/// `%.<precision>g`, as lua-cjson's `fpconv_g_fmt`.
pub(crate) fn format_number(n: f64, precision: i32, out: &mut Vec<u8>) {
    if precision == lua51::number::NUMBER_PRECISION as i32 {
        lua51::number::fmt_number(n, out);
    } else {
        let spec = lua51::stdlib::format::Spec {
            precision: Some(precision as usize),
            ..Default::default()
        };
        lua51::stdlib::format::format_float(b'g', &spec, n, out);
    }
}

/// Escapes of bytes below 0x20 and 0x7f (`None`: `\u00XX`).
fn short_escape(c: u8) -> Option<u8> {
    match c {
        8 => Some(b'b'),
        9 => Some(b't'),
        10 => Some(b'n'),
        12 => Some(b'f'),
        13 => Some(b'r'),
        _ => None,
    }
}

/// Appends `s` as a JSON string literal with lua-cjson's escapes.
pub(crate) fn escape_string(s: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &c) in s.iter().enumerate() {
        let needs = c < 0x20 || c == 0x7f || c == b'"' || c == b'\\' || c == b'/';
        if !needs {
            continue;
        }
        out.extend_from_slice(&s[start..i]);
        start = i + 1;
        match c {
            b'"' | b'\\' | b'/' => out.extend_from_slice(&[b'\\', c]),
            _ => match short_escape(c) {
                Some(e) => out.extend_from_slice(&[b'\\', e]),
                None => out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(c >> 4) as usize],
                    HEX[(c & 15) as usize],
                ]),
            },
        }
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}
