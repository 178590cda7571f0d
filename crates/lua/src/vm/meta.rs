//! Metamethods and the slow paths of operators: coercions, arithmetic, comparison,
//! concatenation, length, indexing with `__index`/`__newindex` chains, and the type
//! errors they raise.

use super::Lua;
use crate::error::{LuaError, LuaResult};
use crate::number;
use crate::table::TableRef;
use crate::value::Value;

// Event numbers in 5.1's order; the arithmetic ones are reached as `TM_ADD + op`.
pub const TM_INDEX: usize = 0;
pub const TM_NEWINDEX: usize = 1;
pub const TM_GC: usize = 2;
pub const TM_MODE: usize = 3;
pub const TM_EQ: usize = 4;
pub const TM_ADD: usize = 5;
#[allow(dead_code)]
pub const TM_SUB: usize = 6;
#[allow(dead_code)]
pub const TM_MUL: usize = 7;
#[allow(dead_code)]
pub const TM_DIV: usize = 8;
#[allow(dead_code)]
pub const TM_MOD: usize = 9;
#[allow(dead_code)]
pub const TM_POW: usize = 10;
pub const TM_UNM: usize = 11;
pub const TM_LEN: usize = 12;
pub const TM_LT: usize = 13;
pub const TM_LE: usize = 14;
pub const TM_CONCAT: usize = 15;
pub const TM_CALL: usize = 16;

pub const TM_NAMES: [&str; 17] = [
    "__index",
    "__newindex",
    "__gc",
    "__mode",
    "__eq",
    "__add",
    "__sub",
    "__mul",
    "__div",
    "__mod",
    "__pow",
    "__unm",
    "__len",
    "__lt",
    "__le",
    "__concat",
    "__call",
];

/// Longest string a concatenation may build: 5.1 on a 32-bit machine stops at its
/// `size_t` (`string length overflow`); we keep that limit on every machine so a runaway
/// concatenation fails cleanly instead of exhausting memory.
pub const MAX_STRING_LEN: usize = u32::MAX as usize - 2;

/// Lookups in a chain of `__index`/`__newindex` before giving up (MAXTAGLOOP).
const MAX_TAG_LOOP: usize = 100;

/// The arithmetic operators, in TM order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    /// Unary minus (the VM takes its own path; kept so the enum mirrors the events).
    #[allow(dead_code)]
    Unm,
}

impl Arith {
    fn tm(self) -> usize {
        TM_ADD + self as usize
    }
}

#[inline(always)]
pub fn arith_num(op: Arith, a: f64, b: f64) -> f64 {
    match op {
        Arith::Add => a + b,
        Arith::Sub => a - b,
        Arith::Mul => a * b,
        Arith::Div => a / b,
        Arith::Mod => a - floor(a / b) * b,
        Arith::Pow => a.powf(b),
        Arith::Unm => -a,
    }
}

/// `floor` without a libm call: exact for every double (large values, infinities and NaN
/// are returned unchanged, as are integral values, which keeps the sign of -0).
#[inline(always)]
pub fn floor(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let t = x as i64 as f64;
        if t == x {
            x
        } else if t > x {
            t - 1.0
        } else {
            t
        }
    } else {
        x
    }
}

/// Coerces to a number as arithmetic does (numbers, and strings that parse).
#[inline]
pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Num(n) => Some(*n),
        Value::Str(s) => number::str2number(s.as_bytes()),
        _ => None,
    }
}

impl Lua {
    /// Metamethod `tm` of metatable `mt`, using the absent-metamethod cache for the
    /// first five events.
    #[inline]
    pub(crate) fn fast_tm(&self, mt: Option<TableRef>, tm: usize) -> Value {
        let Some(mt) = mt else { return Value::Nil };
        if tm <= TM_EQ && mt.flags.get() & (1 << tm) != 0 {
            return Value::Nil;
        }
        let v = mt.get_str(self.tm_names[tm]);
        if v.is_nil() && tm <= TM_EQ {
            mt.flags.set(mt.flags.get() | (1 << tm));
        }
        v
    }

    pub(crate) fn get_tm_of(&self, v: &Value, tm: usize) -> Value {
        let mt = self.get_metatable(v);
        self.fast_tm(mt, tm)
    }

    /// Calls metamethod `f(a, b)` for one result.
    pub(crate) fn call_tm(&mut self, f: Value, a: Value, b: Value) -> LuaResult<Value> {
        let func = self.scratch_top();
        self.ensure_stack(func + 3 + super::MIN_STACK)?;
        self.stack[func] = f;
        self.stack[func + 1] = a;
        self.stack[func + 2] = b;
        self.top = func + 3;
        self.call_at(func, 1)?;
        let r = self.stack[func];
        self.top = func;
        Ok(r)
    }

    /// Calls `f(a, b, c)` for no result (`__newindex`).
    fn call_tm3(&mut self, f: Value, a: Value, b: Value, c: Value) -> LuaResult<()> {
        let func = self.scratch_top();
        self.ensure_stack(func + 4 + super::MIN_STACK)?;
        self.stack[func] = f;
        self.stack[func + 1] = a;
        self.stack[func + 2] = b;
        self.stack[func + 3] = c;
        self.top = func + 4;
        self.call_at(func, 0)?;
        self.top = func;
        Ok(())
    }

    /// First free slot above the running frame, for calls made from Rust.
    #[inline]
    pub(crate) fn scratch_top(&self) -> usize {
        let f = self.frames.last().unwrap();
        match f.kind {
            super::FrameKind::Lua(_) => f.top.max(self.top),
            super::FrameKind::Native => self.top,
        }
    }

    // ---- type errors ----------------------------------------------------------------------

    /// `attempt to <op> <kind> '<name>' (a <type> value)`.
    #[cold]
    pub(crate) fn type_error(&mut self, v: &Value, reg: Option<usize>, op: &str) -> LuaError {
        let t = v.type_name();
        let msg = match self.var_info(reg) {
            Some((kind, name)) => {
                format!(
                    "attempt to {} {} '{}' (a {} value)",
                    op,
                    kind,
                    String::from_utf8_lossy(&name),
                    t
                )
            }
            None => format!("attempt to {} a {} value", op, t),
        };
        self.rt_error(&msg)
    }

    #[cold]
    pub(crate) fn call_error(&mut self, func: usize) -> LuaError {
        let v = self.stack[func];
        self.type_error(&v, Some(func), "call")
    }

    #[cold]
    fn arith_error(&mut self, a: (Value, Option<usize>), b: (Value, Option<usize>)) -> LuaError {
        let bad = if to_number(&a.0).is_none() { a } else { b };
        self.type_error(&bad.0, bad.1, "perform arithmetic on")
    }

    #[cold]
    pub(crate) fn order_error(&mut self, a: &Value, b: &Value) -> LuaError {
        let t1 = a.type_name();
        let t2 = b.type_name();
        // 5.1 compares the third letters of the type names.
        let msg = if t1.as_bytes()[2] == t2.as_bytes()[2] {
            format!("attempt to compare two {} values", t1)
        } else {
            format!("attempt to compare {} with {}", t1, t2)
        };
        self.rt_error(&msg)
    }

    // ---- arithmetic -------------------------------------------------------------------------

    /// `a op b` when the fast path (two numbers) does not apply. `ra`/`rb` are the stack
    /// slots of the operands when they are registers (for error names).
    #[cold]
    pub(crate) fn arith_slow(
        &mut self,
        op: Arith,
        a: Value,
        ra: Option<usize>,
        b: Value,
        rb: Option<usize>,
    ) -> LuaResult<Value> {
        if let (Some(x), Some(y)) = (to_number(&a), to_number(&b)) {
            return Ok(Value::Num(arith_num(op, x, y)));
        }
        let mut tm = self.get_tm_of(&a, op.tm());
        if tm.is_nil() {
            tm = self.get_tm_of(&b, op.tm());
        }
        if tm.is_nil() {
            return Err(self.arith_error((a, ra), (b, rb)));
        }
        self.call_tm(tm, a, b)
    }

    // ---- comparison -------------------------------------------------------------------------

    /// The metamethod both operands share for a comparison, if any (5.1's rule: both must
    /// have the same one).
    fn comp_tm(&self, a: &Value, b: &Value, tm: usize) -> Value {
        let mt1 = self.get_metatable(a);
        let tm1 = self.fast_tm(mt1, tm);
        if tm1.is_nil() {
            return Value::Nil;
        }
        let mt2 = self.get_metatable(b);
        if mt1 == mt2 {
            return tm1;
        }
        let tm2 = self.fast_tm(mt2, tm);
        if tm1.raw_eq(&tm2) {
            tm1
        } else {
            Value::Nil
        }
    }

    /// `a == b` with `__eq`.
    pub fn equals(&mut self, a: &Value, b: &Value) -> LuaResult<bool> {
        if a.raw_eq(b) {
            return Ok(true);
        }
        let tm = match (a, b) {
            (Value::Table(x), Value::Table(y)) => {
                let tm1 = self.fast_tm(x.metatable, TM_EQ);
                if tm1.is_nil() {
                    return Ok(false);
                }
                if x.metatable == y.metatable {
                    tm1
                } else {
                    let tm2 = self.fast_tm(y.metatable, TM_EQ);
                    if tm1.raw_eq(&tm2) {
                        tm1
                    } else {
                        Value::Nil
                    }
                }
            }
            (Value::UserData(_), Value::UserData(_)) => self.comp_tm(a, b, TM_EQ),
            _ => return Ok(false),
        };
        if tm.is_nil() {
            return Ok(false);
        }
        Ok(self.call_tm(tm, *a, *b)?.truthy())
    }

    /// `a < b`.
    #[inline]
    pub fn less_than(&mut self, a: &Value, b: &Value) -> LuaResult<bool> {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => Ok(x < y),
            (Value::Str(x), Value::Str(y)) => Ok(x.as_bytes() < y.as_bytes()),
            _ => self.less_than_slow(a, b),
        }
    }

    #[cold]
    fn less_than_slow(&mut self, a: &Value, b: &Value) -> LuaResult<bool> {
        if a.type_of() == b.type_of() {
            let tm = self.comp_tm(a, b, TM_LT);
            if !tm.is_nil() {
                return Ok(self.call_tm(tm, *a, *b)?.truthy());
            }
        }
        Err(self.order_error(a, b))
    }

    /// `a <= b` (falls back to `not (b < a)` through `__lt`).
    pub fn less_equal(&mut self, a: &Value, b: &Value) -> LuaResult<bool> {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => Ok(x <= y),
            (Value::Str(x), Value::Str(y)) => Ok(x.as_bytes() <= y.as_bytes()),
            _ => {
                if a.type_of() == b.type_of() {
                    let tm = self.comp_tm(a, b, TM_LE);
                    if !tm.is_nil() {
                        return Ok(self.call_tm(tm, *a, *b)?.truthy());
                    }
                    let tm = self.comp_tm(b, a, TM_LT);
                    if !tm.is_nil() {
                        return Ok(!self.call_tm(tm, *b, *a)?.truthy());
                    }
                }
                Err(self.order_error(a, b))
            }
        }
    }

    // ---- indexing ---------------------------------------------------------------------------

    /// `t[k]` with `__index`. `reg` is the stack slot of `t` if it is a register.
    pub fn index(&mut self, t: Value, k: Value, reg: Option<usize>) -> LuaResult<Value> {
        let mut t = t;
        let mut reg = reg;
        for _ in 0..MAX_TAG_LOOP {
            let tm = if let Value::Table(h) = t {
                let v = h.get(&k);
                if !v.is_nil() {
                    return Ok(v);
                }
                let tm = self.fast_tm(h.metatable, TM_INDEX);
                if tm.is_nil() {
                    return Ok(Value::Nil);
                }
                tm
            } else {
                let tm = self.get_tm_of(&t, TM_INDEX);
                if tm.is_nil() {
                    return Err(self.type_error(&t, reg, "index"));
                }
                tm
            };
            if matches!(tm, Value::LuaFn(_) | Value::Native(_)) {
                return self.call_tm(tm, t, k);
            }
            t = tm;
            reg = None;
        }
        Err(self.rt_error("loop in gettable"))
    }

    /// `t[k] = v` with `__newindex`.
    pub fn set_index(&mut self, t: Value, k: Value, v: Value, reg: Option<usize>) -> LuaResult<()> {
        let mut t = t;
        let mut reg = reg;
        for _ in 0..MAX_TAG_LOOP {
            let tm = if let Value::Table(h) = t {
                let existing = h.get(&k);
                let tm = if existing.is_nil() {
                    self.fast_tm(h.metatable, TM_NEWINDEX)
                } else {
                    Value::Nil
                };
                if tm.is_nil() {
                    return self.raw_set(h, k, v);
                }
                tm
            } else {
                let tm = self.get_tm_of(&t, TM_NEWINDEX);
                if tm.is_nil() {
                    return Err(self.type_error(&t, reg, "index"));
                }
                tm
            };
            if matches!(tm, Value::LuaFn(_) | Value::Native(_)) {
                return self.call_tm3(tm, t, k, v);
            }
            t = tm;
            reg = None;
        }
        Err(self.rt_error("loop in settable"))
    }

    /// `rawset`, with the read-only check and 5.1's key errors.
    pub fn raw_set(&mut self, h: TableRef, k: Value, v: Value) -> LuaResult<()> {
        if h.readonly {
            return Err(self.rt_error("Attempt to modify a readonly table"));
        }
        match h.get_mut().set(&mut self.heap.mem, k, v) {
            Ok(()) => Ok(()),
            Err(crate::table::TableError::Memory) => Err(LuaError::Memory),
            Err(e) => Err(self.rt_error(e.message())),
        }
    }

    // ---- length and concatenation ---------------------------------------------------------------

    pub(crate) fn len_slow(&mut self, v: Value, reg: Option<usize>) -> LuaResult<Value> {
        match v {
            Value::Str(s) => Ok(Value::Num(s.len() as f64)),
            Value::Table(t) => Ok(Value::Num(t.length() as f64)),
            _ => {
                let tm = self.get_tm_of(&v, TM_LEN);
                if tm.is_nil() {
                    return Err(self.type_error(&v, reg, "get length of"));
                }
                self.call_tm(tm, v, Value::Nil)
            }
        }
    }

    pub(crate) fn unm_slow(&mut self, v: Value, reg: Option<usize>) -> LuaResult<Value> {
        if let Some(n) = to_number(&v) {
            return Ok(Value::Num(-n));
        }
        let tm = self.get_tm_of(&v, TM_UNM);
        if tm.is_nil() {
            return Err(self.type_error(&v, reg, "perform arithmetic on"));
        }
        self.call_tm(tm, v, v)
    }

    /// Concatenates registers `first..=last` (stack slots) into `stack[first]`, right to
    /// left as 5.1 does, with `__concat` for non-string operands.
    pub(crate) fn concat(&mut self, first: usize, last: usize) -> LuaResult<()> {
        let mut top = last + 1; // one past the last pending operand
        let mut buf: Vec<u8> = Vec::new();
        while top - first > 1 {
            let a = self.stack[top - 2];
            let b = self.stack[top - 1];
            let a_ok = matches!(a, Value::Str(_) | Value::Num(_));
            let b_ok = matches!(b, Value::Str(_) | Value::Num(_));
            if !a_ok || !b_ok {
                let mut tm = self.get_tm_of(&a, TM_CONCAT);
                if tm.is_nil() {
                    tm = self.get_tm_of(&b, TM_CONCAT);
                }
                if tm.is_nil() {
                    let (bad, reg) = if a_ok { (b, top - 1) } else { (a, top - 2) };
                    return Err(self.type_error(&bad, Some(reg), "concatenate"));
                }
                let r = self.call_tm(tm, a, b)?;
                self.stack[top - 2] = r;
                top -= 1;
                continue;
            }
            // Collect as many string/number operands as possible, from the right.
            let mut n = 2;
            while top - first > n
                && matches!(self.stack[top - n - 1], Value::Str(_) | Value::Num(_))
            {
                n += 1;
            }
            // Check the size before building anything (numbers take at most 24 bytes).
            let total: usize = (top - n..top)
                .map(|i| match self.stack[i] {
                    Value::Str(s) => s.len(),
                    _ => 24,
                })
                .fold(0usize, |a, b| a.saturating_add(b));
            if total > MAX_STRING_LEN {
                return Err(self.rt_error("string length overflow"));
            }
            if total > self.heap.mem.limit.saturating_sub(self.heap.mem.bytes) {
                return Err(LuaError::Memory);
            }
            buf.clear();
            buf.reserve(total);
            for i in top - n..top {
                match self.stack[i] {
                    Value::Str(s) => buf.extend_from_slice(s.as_bytes()),
                    Value::Num(x) => number::fmt_number(x, &mut buf),
                    _ => unreachable!(),
                }
            }
            let s = self.new_str(&buf)?;
            self.stack[top - n] = Value::Str(s);
            top -= n - 1;
        }
        Ok(())
    }

    /// `tostring`-style conversion used by natives: strings and numbers only.
    pub fn coerce_to_str(&mut self, v: &Value) -> LuaResult<Option<crate::string::StrRef>> {
        match v {
            Value::Str(s) => Ok(Some(*s)),
            Value::Num(n) => {
                let mut b = Vec::new();
                number::fmt_number(*n, &mut b);
                Ok(Some(self.new_str(&b)?))
            }
            _ => Ok(None),
        }
    }
}
