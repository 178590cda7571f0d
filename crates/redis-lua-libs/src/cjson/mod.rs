//! `cjson`: JSON for Lua with lua-cjson 2.1.0's behaviour (the copy Redis 7.0 bundles).
//!
//! The module table holds `encode`, `decode`, the configuration functions, `new` (a fresh
//! instance with its own configuration), `null` (a NULL light userdata, what `null`
//! decodes to), `_NAME` and `_VERSION`. The configuration lives in one [`Config`] per
//! instance, shared by that instance's functions, and persists between calls.
//!
//! Submodules: `encode` (Lua value to JSON text), `decode` (JSON text to Lua values),
//! `strtod` (the number syntax C's `strtod` accepts, which lua-cjson uses for numbers).

mod decode;
mod encode;
mod strtod;

use crate::set_field;
use lua51::{Lua, LuaResult, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// `_VERSION` of the bundled lua-cjson.
pub const CJSON_VERSION: &str = "2.1.0";

/// `cjson.null`: lua-cjson pushes a NULL light userdata.
pub const NULL: Value = Value::LightUserData(0);

/// lua-cjson's `DEFAULT_SPARSE_CONVERT`: excessively sparse arrays raise an error.
const DEFAULT_SPARSE_CONVERT: bool = false;
/// `DEFAULT_SPARSE_RATIO`: an array is excessively sparse past 2 slots per item...
const DEFAULT_SPARSE_RATIO: i32 = 2;
/// `DEFAULT_SPARSE_SAFE`: ...unless its largest index is at most 10.
const DEFAULT_SPARSE_SAFE: i32 = 10;
/// `DEFAULT_ENCODE_MAX_DEPTH` (Redis's copy): nesting allowed when encoding.
const DEFAULT_ENCODE_MAX_DEPTH: i32 = 1000;
/// `DEFAULT_DECODE_MAX_DEPTH`: nesting allowed when decoding.
const DEFAULT_DECODE_MAX_DEPTH: i32 = 1000;
/// `DEFAULT_ENCODE_INVALID_NUMBERS`: NaN and infinities are an error.
const DEFAULT_ENCODE_INVALID_NUMBERS: u8 = 0;
/// `DEFAULT_DECODE_INVALID_NUMBERS`: `NaN`, `Infinity`, hex and `+1` are accepted.
const DEFAULT_DECODE_INVALID_NUMBERS: bool = true;
/// `DEFAULT_ENCODE_KEEP_BUFFER`: reuse the encode buffer (not observable beyond the
/// setting itself).
const DEFAULT_ENCODE_KEEP_BUFFER: bool = true;
/// `DEFAULT_ENCODE_NUMBER_PRECISION`: `%.14g`.
const DEFAULT_ENCODE_NUMBER_PRECISION: i32 = 14;
/// Largest `encode_number_precision` lua-cjson 2.1.0 accepts.
const MAX_NUMBER_PRECISION: i32 = 14;

/// The settings of one cjson instance.
#[derive(Clone, Debug)]
pub struct Config {
    pub sparse_convert: bool,
    pub sparse_ratio: i32,
    pub sparse_safe: i32,
    pub encode_max_depth: i32,
    pub decode_max_depth: i32,
    /// 0 = off (error), 1 = on (`nan`, `inf`), 2 = `null`.
    pub encode_invalid_numbers: u8,
    pub decode_invalid_numbers: bool,
    pub keep_buffer: bool,
    pub number_precision: i32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sparse_convert: DEFAULT_SPARSE_CONVERT,
            sparse_ratio: DEFAULT_SPARSE_RATIO,
            sparse_safe: DEFAULT_SPARSE_SAFE,
            encode_max_depth: DEFAULT_ENCODE_MAX_DEPTH,
            decode_max_depth: DEFAULT_DECODE_MAX_DEPTH,
            encode_invalid_numbers: DEFAULT_ENCODE_INVALID_NUMBERS,
            decode_invalid_numbers: DEFAULT_DECODE_INVALID_NUMBERS,
            keep_buffer: DEFAULT_ENCODE_KEEP_BUFFER,
            number_precision: DEFAULT_ENCODE_NUMBER_PRECISION,
        }
    }
}

type Cfg = Rc<RefCell<Config>>;

/// Opens the global `cjson`.
pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = new_instance(l)?;
    l.set_global("cjson", t)
}

/// Builds a module table with its own configuration (`cjson.new()`).
pub fn new_instance(l: &mut Lua) -> LuaResult<Value> {
    let cfg: Cfg = Rc::new(RefCell::new(Config::default()));
    let t = l.new_table()?;
    type Entry = (&'static str, fn(&mut Lua, &Cfg) -> LuaResult<usize>);
    let funcs: [Entry; 9] = [
        ("encode", encode::encode),
        ("decode", decode::decode),
        ("encode_sparse_array", encode_sparse_array),
        ("encode_max_depth", encode_max_depth),
        ("decode_max_depth", decode_max_depth),
        ("encode_number_precision", encode_number_precision),
        ("encode_keep_buffer", encode_keep_buffer),
        ("encode_invalid_numbers", encode_invalid_numbers),
        ("decode_invalid_numbers", decode_invalid_numbers),
    ];
    for (name, f) in funcs {
        let c = cfg.clone();
        let v = l.new_closure(name, move |l| f(l, &c))?;
        set_field(l, t, name, v)?;
    }
    let newf = l.new_native("new", |l| {
        let t = new_instance(l)?;
        l.push(t)?;
        Ok(1)
    })?;
    set_field(l, t, "new", newf)?;
    set_field(l, t, "null", NULL)?;
    let name = l.str_value(b"cjson")?;
    set_field(l, t, "_NAME", name)?;
    let version = l.str_value(CJSON_VERSION.as_bytes())?;
    set_field(l, t, "_VERSION", version)?;
    Ok(Value::Table(t))
}

/// `json_arg_init`: at most `max` arguments, padded with nils to `max` so the results
/// pushed after them do not read as arguments.
fn check_max_args(l: &mut Lua, max: usize) -> LuaResult<()> {
    if l.nargs() > max {
        return Err(l.arg_error(max + 1, "found too many arguments"));
    }
    let top = l.arg_base() + max;
    l.set_top(top)
}

/// `luaL_checkoption`: the index of argument `i` in `options`.
fn check_option(l: &mut Lua, i: usize, options: &[&str]) -> LuaResult<u8> {
    let s = l.check_str(i)?;
    match options.iter().position(|o| o.as_bytes() == s.as_bytes()) {
        Some(k) => Ok(k as u8),
        None => {
            let msg = format!("invalid option '{}'", s.to_str_lossy());
            Err(l.arg_error(i, &msg))
        }
    }
}

/// Options of the on/off settings.
const BOOL_OPTIONS: &[&str] = &["off", "on"];

/// `json_enum_option`: sets `*setting` from argument `i` if given (a boolean maps to 0
/// or `bool_true`, a string to its index in `options`) and pushes the current value as a
/// boolean when it is 0 or `bool_true`, else as the option's name.
fn enum_option(
    l: &mut Lua,
    i: usize,
    setting: &mut u8,
    options: &[&str],
    bool_true: u8,
) -> LuaResult<()> {
    match l.arg(i) {
        Value::Nil => {}
        Value::Bool(b) if bool_true != 0 => *setting = b as u8 * bool_true,
        _ => *setting = check_option(l, i, options)?,
    }
    if bool_true != 0 && (*setting == 0 || *setting == bool_true) {
        l.push(Value::Bool(*setting != 0))
    } else {
        let s = l.str_value(options[*setting as usize].as_bytes())?;
        l.push(s)
    }
}

/// `json_integer_option`: sets `*setting` from argument `i` if given and in range
/// (the number is taken as a C `int`), and pushes the current value. A value out of
/// range is reported as argument #1 whatever its position, as lua-cjson does.
fn integer_option(l: &mut Lua, i: usize, setting: &mut i32, min: i32, max: i32) -> LuaResult<()> {
    if !l.arg(i).is_nil() {
        let v = l.check_integer(i)? as i32;
        if v < min || v > max {
            let msg = format!("expected integer between {} and {}", min, max);
            return Err(l.arg_error(1, &msg));
        }
        *setting = v;
    }
    l.push(Value::Num(*setting as f64))
}

fn bool_option(l: &mut Lua, i: usize, setting: &mut bool) -> LuaResult<()> {
    let mut v = *setting as u8;
    let r = enum_option(l, i, &mut v, BOOL_OPTIONS, 1);
    *setting = v != 0;
    r
}

/// `encode_sparse_array([convert[, ratio[, safe]]])` → convert, ratio, safe.
fn encode_sparse_array(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 3)?;
    let mut c = cfg.borrow().clone();
    let r = (|| {
        bool_option(l, 1, &mut c.sparse_convert)?;
        integer_option(l, 2, &mut c.sparse_ratio, 0, i32::MAX)?;
        integer_option(l, 3, &mut c.sparse_safe, 0, i32::MAX)
    })();
    *cfg.borrow_mut() = c;
    r.map(|_| 3)
}

fn encode_max_depth(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 1)?;
    let mut v = cfg.borrow().encode_max_depth;
    let r = integer_option(l, 1, &mut v, 1, i32::MAX);
    cfg.borrow_mut().encode_max_depth = v;
    r.map(|_| 1)
}

fn decode_max_depth(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 1)?;
    let mut v = cfg.borrow().decode_max_depth;
    let r = integer_option(l, 1, &mut v, 1, i32::MAX);
    cfg.borrow_mut().decode_max_depth = v;
    r.map(|_| 1)
}

fn encode_number_precision(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 1)?;
    let mut v = cfg.borrow().number_precision;
    let r = integer_option(l, 1, &mut v, 1, MAX_NUMBER_PRECISION);
    cfg.borrow_mut().number_precision = v;
    r.map(|_| 1)
}

fn encode_keep_buffer(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 1)?;
    let mut v = cfg.borrow().keep_buffer;
    let r = bool_option(l, 1, &mut v);
    cfg.borrow_mut().keep_buffer = v;
    r.map(|_| 1)
}

fn encode_invalid_numbers(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 1)?;
    let mut v = cfg.borrow().encode_invalid_numbers;
    let r = enum_option(l, 1, &mut v, &["off", "on", "null"], 1);
    cfg.borrow_mut().encode_invalid_numbers = v;
    r.map(|_| 1)
}

fn decode_invalid_numbers(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    check_max_args(l, 1)?;
    let mut v = cfg.borrow().decode_invalid_numbers;
    let r = bool_option(l, 1, &mut v);
    cfg.borrow_mut().decode_invalid_numbers = v;
    r.map(|_| 1)
}
