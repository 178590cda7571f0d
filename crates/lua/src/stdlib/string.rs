//! The string library (`string.*`, 5.1's `lstrlib.c` behaviour) and the string metatable.
//!
//! This module is the Lua-facing layer only: argument checking with 5.1's messages, 5.1's
//! position rules (`posrelat`, clamping), conversion of matches into Lua values and of engine
//! errors into Lua errors. The work itself is done by the engines beside it: `pattern.rs`
//! (the matcher behind `find`, `match`, `gmatch`, `gsub`) and `format.rs` (`string.format`).
//!
//! Long-running functions charge the instruction budget (`Lua::charge`) so hooks and
//! interrupts reach them: the matcher charges one unit per matching step (see [`Budget`]),
//! `rep` and `gsub` one unit per KB of output. Results that could be huge are checked against
//! the heap limit (`rep` before allocating, `gsub` as its result grows) and fail with
//! `not enough memory`.
//!
//! Speed: `sub`, `upper`, `lower` and `rep` return their argument unchanged when the result
//! would be equal to it; plain `find` is a first-byte scan (`memmem` on long subjects); the
//! matcher is reused across calls (per-thread cache); `gsub` builds its result in one buffer.
//!
//! `string.dump` is not available yet (the project has no binary chunk writer): it raises
//! `unable to dump given function` for every function.
//!
//! Tests: `lua-tests/string/*.lua` (output recorded from lua5.1) and
//! `crates/lua/tests/string_*.rs`.

use std::borrow::Cow;

use smallvec::SmallVec;

use super::format::{self, FormatArgs, FormatError};
use super::pattern::{self, Capture, Gmatch, Match, Matcher, PatternError, StepBudget};
use crate::error::{LuaError, LuaResult};
use crate::func::NativeKind;
use crate::string::StrRef;
use crate::value::{Type, Value};
use crate::vm::Lua;

/// Largest number of values `lua_checkstack` lets a C function have on its stack
/// (`LUAI_MAXCSTACK` = 8000 in 5.1's `luaconf.h`); `string.byte` fails past it.
const MAX_C_STACK: usize = 8000;

/// Bytes of output (`rep`, `gsub`) per unit of instruction budget charged.
const OUTPUT_BYTES_PER_UNIT: usize = 1024;

/// `gsub` checks its growing result against the heap limit (and charges the budget for it)
/// each time it has grown by this many bytes, so a replacement that multiplies the subject
/// fails with `not enough memory` instead of exhausting the process.
const GSUB_CHECK_BYTES: usize = 64 * 1024;

/// Hash-part size hint for the `string` table: the number of entries in 5.1's registration
/// list, as `luaL_register` passes it. Together with the insertion order it decides the order
/// `pairs(string)` visits the keys.
const LIB_SIZE_HINT: usize = 15;

/// Opens the string library: the global `string` table and the metatable shared by all
/// strings, whose `__index` is that table (so `("x"):upper()` works).
pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table_sized(0, LIB_SIZE_HINT)?;
    // Same order as 5.1's registration list, so `pairs(string)` visits keys in 5.1's order.
    // 5.1 registers a `gfind` placeholder in this position, then (LUA_COMPAT_GFIND) replaces
    // it with the `gmatch` function itself.
    l.register_lib(
        t,
        &[
            ("byte", byte),
            ("char", char),
            ("dump", dump),
            ("find", find),
            ("format", format),
            ("gfind", gmatch),
            ("gmatch", gmatch),
            ("gsub", gsub),
            ("len", len),
            ("lower", lower),
            ("match", match_),
            ("rep", rep),
            ("reverse", reverse),
            ("sub", sub),
            ("upper", upper),
        ],
    )?;
    let gm = l.new_str(b"gmatch")?;
    let gfind = t.get_str(gm);
    let k = l.new_str(b"gfind")?;
    l.raw_set(t, Value::Str(k), gfind)?;
    l.set_global("string", Value::Table(t))?;
    let mt = l.new_table_sized(0, 1)?;
    let k = l.new_str(b"__index")?;
    l.raw_set(mt, Value::Str(k), Value::Table(t))?;
    l.set_type_metatable(Type::String, Some(mt));
    Ok(())
}

// ---- positions -------------------------------------------------------------------------------

/// 5.1's `posrelat`: a negative position counts from the end (-1 is the last byte); the
/// result is never negative.
fn posrelat(pos: i64, len: usize) -> i64 {
    let pos = if pos < 0 {
        pos.saturating_add(len as i64 + 1)
    } else {
        pos
    };
    pos.max(0)
}

/// The bytes `s[i..=j]` (1-based, after `posrelat`, clamped to the string) as `sub` and `byte`
/// select them; `None` when the range is empty.
fn slice_range(i: i64, j: i64, len: usize) -> Option<(usize, usize)> {
    let start = posrelat(i, len).max(1);
    let end = posrelat(j, len).min(len as i64);
    if start > end {
        None
    } else {
        Some((start as usize - 1, end as usize))
    }
}

// ---- simple functions ------------------------------------------------------------------------

/// `string.len(s)`
fn len(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    l.push(Value::Num(s.len() as f64))?;
    Ok(1)
}

/// `string.sub(s, i [, j])`
fn sub(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let i = l.check_integer(2)?;
    let j = l.opt_integer(3, -1)?;
    match slice_range(i, j, s.len()) {
        // The whole string: no copy, no interning.
        Some((0, e)) if e == s.len() => l.push(Value::Str(s))?,
        Some((a, e)) => l.push_str(&s.as_bytes()[a..e])?,
        None => l.push_str(b"")?,
    }
    Ok(1)
}

/// `string.byte(s [, i [, j]])`: the codes of `s[i..=j]` (default `i` = 1, `j` = `i`).
fn byte(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let len = s.len();
    let i = posrelat(l.opt_integer(2, 1)?, len);
    let j = if l.arg(3).is_nil() {
        i
    } else {
        posrelat(l.check_integer(3)?, len)
    };
    let Some((a, e)) = slice_range(i, j, len) else {
        return Ok(0);
    };
    let n = e - a;
    if l.nargs() + n > MAX_C_STACK {
        return Err(l.error("stack overflow (string slice too long)"));
    }
    for &c in &s.as_bytes()[a..e] {
        l.push(Value::Num(f64::from(c)))?;
    }
    Ok(n)
}

/// `string.char(...)`: each argument must be an integer 0..=255 after C's `(int)` cast.
fn char(l: &mut Lua) -> LuaResult<usize> {
    let n = l.nargs();
    let mut buf: SmallVec<[u8; 64]> = SmallVec::with_capacity(n);
    for i in 1..=n {
        let c = l.check_integer(i)? as i32;
        if c as u8 as i32 != c {
            return Err(l.arg_error(i, "invalid value"));
        }
        buf.push(c as u8);
    }
    l.push_str(&buf)?;
    Ok(1)
}

/// `string.lower(s)`: C-locale `tolower` on every byte.
fn lower(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    if !s.as_bytes().iter().any(u8::is_ascii_uppercase) {
        l.push(Value::Str(s))?;
        return Ok(1);
    }
    let v = s.as_bytes().to_ascii_lowercase();
    l.push_str(&v)?;
    Ok(1)
}

/// `string.upper(s)`: C-locale `toupper` on every byte.
fn upper(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    if !s.as_bytes().iter().any(u8::is_ascii_lowercase) {
        l.push(Value::Str(s))?;
        return Ok(1);
    }
    let v = s.as_bytes().to_ascii_uppercase();
    l.push_str(&v)?;
    Ok(1)
}

/// `string.reverse(s)`
fn reverse(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let mut v = s.as_bytes().to_vec();
    v.reverse();
    l.push_str(&v)?;
    Ok(1)
}

/// `string.rep(s, n)`: `n` copies of `s` (5.1 has no separator argument). The size is checked
/// against the heap limit first, so a huge count fails with `not enough memory`.
fn rep(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let n = l.check_integer(2)?;
    if n <= 0 || s.is_empty() {
        l.push_str(b"")?;
        return Ok(1);
    }
    if n == 1 {
        l.push(Value::Str(s))?;
        return Ok(1);
    }
    let total = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(s.len()))
        .ok_or(LuaError::Memory)?;
    let room = l.heap.mem.limit.saturating_sub(l.heap.mem.bytes);
    if total > room {
        return Err(LuaError::Memory);
    }
    let mut buf: Vec<u8> = Vec::new();
    buf.try_reserve_exact(total).map_err(|_| LuaError::Memory)?;
    buf.extend_from_slice(s.as_bytes());
    // Doubling copies: log2(n) memcpy calls instead of n.
    while buf.len() < total {
        let k = buf.len().min(total - buf.len());
        buf.extend_from_within(..k);
        l.charge((k / OUTPUT_BYTES_PER_UNIT) as i64)?;
    }
    l.push_str(&buf)?;
    Ok(1)
}

/// `string.dump(f)`: no binary chunk writer exists yet, so every function is refused with
/// 5.1's message for functions it cannot dump.
fn dump(l: &mut Lua) -> LuaResult<usize> {
    match l.check_type(1, Type::Function)? {
        Value::LuaFn(cl) => {
            let bytes = crate::dump::dump(&cl.proto);
            l.push_str(&bytes)?;
            Ok(1)
        }
        _ => Err(l.error("unable to dump given function")),
    }
}

// ---- string.format -----------------------------------------------------------------------------

/// `string.format`'s arguments, read from the Lua stack with 5.1's checks
/// (`luaL_checknumber`, and `luaL_checklstring` for `%s`/`%q`: numbers are accepted, other
/// types are errors; `__tostring` is not consulted).
struct StackArgs<'a> {
    l: &'a mut Lua,
    /// The string argument being formatted (borrowed by the engine).
    cur: Option<StrRef>,
}

impl FormatArgs for StackArgs<'_> {
    type Error = LuaError;

    fn arg_count(&self) -> usize {
        self.l.nargs().saturating_sub(1)
    }

    fn number(&mut self, argno: usize) -> Result<f64, LuaError> {
        self.l.check_number(argno)
    }

    fn string(&mut self, argno: usize) -> Result<Cow<'_, [u8]>, LuaError> {
        let s = self.cur.insert(self.l.check_str(argno)?);
        Ok(Cow::Borrowed(s.as_bytes()))
    }
}

/// `string.format(fmt, ...)`
fn format(l: &mut Lua) -> LuaResult<usize> {
    let fmt = l.check_str(1)?;
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let r = format::format(fmt.as_bytes(), &mut StackArgs { l, cur: None }, &mut out);
    match r {
        Ok(()) => {
            l.push_str(&out)?;
            Ok(1)
        }
        Err(FormatError::Arg(e)) => Err(e),
        Err(FormatError::NoValue { argno }) => Err(l.arg_error(argno, "no value")),
        Err(e) => {
            let msg = e.message().unwrap_or_default();
            Err(l.error(msg))
        }
    }
}

// ---- pattern matching ----------------------------------------------------------------------------

/// Connects the matcher's step counter to the interpreter's instruction budget: one unit per
/// step. If the budget's hook raises an error, the matcher stops and the error is kept here
/// to be raised in place of [`PatternError::Interrupted`].
struct Budget<'a> {
    l: &'a mut Lua,
    err: Option<LuaError>,
}

impl StepBudget for Budget<'_> {
    fn charge(&mut self, steps: u32) -> bool {
        match self.l.charge(i64::from(steps)) {
            Ok(()) => true,
            Err(e) => {
                self.err = Some(e);
                false
            }
        }
    }
}

impl<'a> Budget<'a> {
    fn new(l: &'a mut Lua) -> Self {
        Budget { l, err: None }
    }

    /// The Lua error for a matcher failure (5.1 raises it with `luaL_error`, so with the
    /// caller's position); an interruption re-raises the budget's own error.
    fn fail(&mut self, e: PatternError) -> LuaError {
        let err = self.err.take();
        pattern_error(self.l, e, err)
    }
}

fn pattern_error(l: &mut Lua, e: PatternError, budget_err: Option<LuaError>) -> LuaError {
    match (e, budget_err) {
        (PatternError::Interrupted, Some(err)) => err,
        (e, _) => l.error(e.message()),
    }
}

/// Haystacks shorter than this are searched with a first-byte scan; longer ones with
/// `memmem`, whose setup cost pays off only on longer inputs (measured on `find` benchmarks).
const SHORT_HAYSTACK: usize = 64;

/// Plain substring search (5.1's `lmemfind`): the offset of the first occurrence of `needle`
/// in `hay` at or after `init` (an empty needle matches at `init`).
fn find_plain(hay: &[u8], needle: &[u8], init: usize) -> Option<usize> {
    let rest = hay.get(init..)?;
    let Some((&first, tail)) = needle.split_first() else {
        return Some(init);
    };
    if rest.len() >= SHORT_HAYSTACK && !tail.is_empty() {
        return memchr::memmem::find(rest, needle).map(|k| init + k);
    }
    let mut from = 0;
    while rest.len() - from >= needle.len() {
        let k = from + crate::string::find_byte(first, &rest[from..=rest.len() - needle.len()])?;
        if rest[k + 1..].starts_with(tail) {
            return Some(init + k);
        }
        from = k + 1;
    }
    None
}

/// The matcher a string function uses, taken from a per-thread cache so that its buffers
/// (backtracking stack, capture slots) are reused across calls instead of being allocated
/// and initialised each time. Nested use (a `gsub` callback calling `find`) simply finds the
/// cache empty and makes a new one; dropping the guard returns the matcher to the cache.
struct CachedMatcher(Option<Box<Matcher>>);

thread_local! {
    static SPARE_MATCHER: std::cell::Cell<Option<Box<Matcher>>> = const { std::cell::Cell::new(None) };
}

impl CachedMatcher {
    fn take() -> Self {
        let m = SPARE_MATCHER.with(|c| c.take()).unwrap_or_default();
        CachedMatcher(Some(m))
    }
}

impl Drop for CachedMatcher {
    fn drop(&mut self) {
        if let Some(m) = self.0.take() {
            SPARE_MATCHER.with(|c| c.set(Some(m)));
        }
    }
}

impl std::ops::Deref for CachedMatcher {
    type Target = Matcher;
    fn deref(&self) -> &Matcher {
        self.0.as_deref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for CachedMatcher {
    fn deref_mut(&mut self) -> &mut Matcher {
        self.0.as_deref_mut().expect("present until dropped")
    }
}

/// Pushes capture `i` of `m` (5.1's `push_onecapture`).
fn push_capture(l: &mut Lua, subject: &[u8], m: &Match, i: usize) -> LuaResult<()> {
    match m.capture(i) {
        Ok(Capture::Range(a, b)) => l.push_str(&subject[a..b]),
        Ok(Capture::Position(p)) => l.push(Value::Num((p + 1) as f64)),
        Err(e) => Err(pattern_error(l, e, None)),
    }
}

/// Pushes the captures of `m` (the whole match if it has none and `whole` is set, as 5.1's
/// `push_captures` with a non-NULL subject); returns how many.
fn push_captures(l: &mut Lua, subject: &[u8], m: &Match, whole: bool) -> LuaResult<usize> {
    let n = if whole { m.capture_count() } else { m.level() };
    for i in 0..n {
        push_capture(l, subject, m, i)?;
    }
    Ok(n)
}

/// `string.find(s, p [, init [, plain]])` and `string.match(s, p [, init])` (5.1's
/// `str_find_aux`).
fn find_aux(l: &mut Lua, find: bool) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let p = l.check_str(2)?;
    let init = pattern::start_offset(l.opt_integer(3, 1)?, s.len());
    let (sb, pb) = (s.as_bytes(), p.as_bytes());
    if find && (l.arg(4).truthy() || !pattern::is_special(pb)) {
        // Plain substring search (all of `p`'s bytes, zeros included, as 5.1's `lmemfind`).
        return match find_plain(sb, pb, init) {
            Some(k) => {
                l.push(Value::Num((k + 1) as f64))?;
                l.push(Value::Num((k + pb.len()) as f64))?;
                Ok(2)
            }
            None => {
                l.push(Value::Nil)?;
                Ok(1)
            }
        };
    }
    let mut matcher = CachedMatcher::take();
    // The match is used where it lies (no moving it out of a helper: it is large).
    let mut b = Budget::new(l);
    match matcher.find(sb, pb, init, &mut b) {
        Ok(Some(m)) if find => {
            b.l.push(Value::Num((m.start + 1) as f64))?;
            b.l.push(Value::Num(m.end as f64))?;
            Ok(2 + push_captures(b.l, sb, &m, false)?)
        }
        Ok(Some(m)) => push_captures(b.l, sb, &m, true),
        Ok(None) => {
            b.l.push(Value::Nil)?;
            Ok(1)
        }
        Err(e) => Err(b.fail(e)),
    }
}

fn find(l: &mut Lua) -> LuaResult<usize> {
    find_aux(l, true)
}

fn match_(l: &mut Lua) -> LuaResult<usize> {
    find_aux(l, false)
}

/// Upvalue slots of the `gmatch` iterator: subject, pattern, next start offset.
const GM_SUBJECT: usize = 0;
const GM_PATTERN: usize = 1;
const GM_POS: usize = 2;

/// `string.gmatch(s, p)` (and its 5.1 alias `string.gfind`): an iterator over the matches.
/// Like 5.1, the pattern is not anchored (`^` matches itself).
fn gmatch(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let p = l.check_str(2)?;
    let it = l.new_native_with(
        "gmatch_aux",
        NativeKind::Fn(gmatch_aux),
        vec![Value::Str(s), Value::Str(p), Value::Num(0.0)],
    )?;
    l.push(it)?;
    Ok(1)
}

fn gmatch_aux(l: &mut Lua) -> LuaResult<usize> {
    // The running closure (this iterator) holds the state in its upvalues.
    let f = l.frames.last().expect("a native runs in a frame");
    let Value::Native(closure) = l.stack[f.func] else {
        return Ok(0);
    };
    let ups = &closure.upvalues;
    let (Value::Str(s), Value::Str(p), Value::Num(pos)) = (
        ups[GM_SUBJECT].get(),
        ups[GM_PATTERN].get(),
        ups[GM_POS].get(),
    ) else {
        return Ok(0);
    };
    let sb = s.as_bytes();
    let mut state = Gmatch::at(pos as usize);
    if state.pos() > sb.len() {
        return Ok(0);
    }
    let mut matcher = CachedMatcher::take();
    let mut b = Budget::new(l);
    match state.next(&mut matcher, sb, p.as_bytes(), &mut b) {
        Ok(Some(m)) => {
            ups[GM_POS].set(Value::Num(state.pos() as f64));
            push_captures(b.l, sb, &m, true)
        }
        Ok(None) => {
            ups[GM_POS].set(Value::Num(state.pos() as f64));
            Ok(0)
        }
        Err(e) => Err(b.fail(e)),
    }
}

/// What `gsub` replaces each match with (argument 3).
enum Replacement {
    Str(StrRef),
    Table(Value),
    Function(Value),
}

/// `string.gsub(s, p, repl [, n])`: the result of replacing up to `n` matches (all by
/// default) and the number of matches.
fn gsub(l: &mut Lua) -> LuaResult<usize> {
    let s = l.check_str(1)?;
    let p = l.check_str(2)?;
    let repl = match l.arg(3) {
        Value::Str(_) | Value::Num(_) => Replacement::Str(l.check_str(3)?),
        v @ Value::Table(_) => Replacement::Table(v),
        v @ (Value::LuaFn(_) | Value::Native(_)) => Replacement::Function(v),
        _ => return Err(l.arg_error(3, "string/function/table expected")),
    };
    let sb = s.as_bytes();
    let pb = p.as_bytes();
    // luaL_optint: the count goes through C's (int) cast.
    let max_n = if l.arg(4).is_nil() {
        sb.len() + 1
    } else {
        (l.check_integer(4)? as i32).max(0) as usize
    };
    let anchor = pb.first() == Some(&b'^');
    let room = l.heap.mem.limit.saturating_sub(l.heap.mem.bytes);
    let mut checked = 0;
    let mut out: Vec<u8> = Vec::with_capacity(sb.len());
    let mut matcher = CachedMatcher::take();
    let mut b = Budget::new(l);
    let mut src = 0;
    let mut n = 0;
    while n < max_n {
        // The first match at `src` or later (only at `src` when anchored): 5.1 tries each
        // position in turn, copying the bytes where nothing matches.
        let m = match matcher.find(sb, pb, src, &mut b) {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => return Err(b.fail(e)),
        };
        out.extend_from_slice(&sb[src..m.start]);
        n += 1;
        add_value(b.l, &repl, sb, &m, &mut out)?;
        if out.len() - checked >= GSUB_CHECK_BYTES {
            if out.len() > room {
                return Err(LuaError::Memory);
            }
            b.l.charge(((out.len() - checked) / OUTPUT_BYTES_PER_UNIT) as i64)?;
            checked = out.len();
        }
        if m.end > m.start {
            src = m.end;
        } else if m.start < sb.len() {
            out.push(sb[m.start]);
            src = m.start + 1;
        } else {
            src = sb.len();
            break;
        }
        if anchor {
            break;
        }
    }
    out.extend_from_slice(&sb[src..]);
    let l = b.l;
    l.push_str(&out)?;
    l.push(Value::Num(n as f64))?;
    Ok(2)
}

/// Appends the replacement for match `m` (5.1's `add_value`): a false or nil result from a
/// table or function keeps the matched text; a string or number replaces it; anything else
/// is an error.
fn add_value(
    l: &mut Lua,
    repl: &Replacement,
    sb: &[u8],
    m: &Match,
    out: &mut Vec<u8>,
) -> LuaResult<()> {
    let v = match repl {
        Replacement::Str(r) => {
            return pattern::expand_replacement(r.as_bytes(), sb, m, out)
                .map_err(|e| pattern_error(l, e, None));
        }
        Replacement::Table(t) => {
            let base = l.get_top();
            push_capture(l, sb, m, 0)?;
            let k = l.stack_at(base);
            let v = l.index(*t, k, None);
            l.set_top(base)?;
            v?
        }
        Replacement::Function(f) => {
            let func = l.get_top();
            l.push(*f)?;
            push_captures(l, sb, m, true)?;
            l.call_at(func, 1)?;
            let v = l.stack_at(func);
            l.set_top(func)?;
            v
        }
    };
    match v {
        Value::Nil | Value::Bool(false) => out.extend_from_slice(&sb[m.start..m.end]),
        Value::Str(r) => out.extend_from_slice(r.as_bytes()),
        Value::Num(x) => crate::number::fmt_number(x, out),
        other => {
            let msg = format!("invalid replacement value (a {})", other.type_name());
            return Err(l.error(msg));
        }
    }
    Ok(())
}
