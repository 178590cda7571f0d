//! The `table` library: `concat insert maxn remove sort`, and the 5.1 compatibility
//! functions `getn setn foreach foreachi`.
//!
//! Element access is raw (no `__index`/`__newindex`), and lengths are the raw `#`
//! border, as in Lua 5.1. `sort` is a quicksort with a median-of-three pivot that makes
//! the same comparisons in the same order as Lua 5.1's, so the order of equal elements,
//! the sequence of comparator calls and the `invalid order function for sorting` error
//! are the same. Tests: `lua-tests/table/`.

use crate::error::{LuaError, LuaResult};
use crate::table::TableRef;
use crate::value::{Type, Value};
use crate::vm::Lua;

/// Budget units charged per element by `sort` and `concat` (see `Lua::charge`).
const CHARGE_PER_ELEMENT: i64 = 1;
/// `concat` also charges one unit per this many bytes it copies.
const BYTES_PER_UNIT: usize = 1024;

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(
        t,
        &[
            ("concat", concat),
            ("foreach", foreach),
            ("foreachi", foreachi),
            ("getn", getn),
            ("insert", insert),
            ("maxn", maxn),
            ("remove", remove),
            ("setn", setn),
            ("sort", sort),
        ],
    )?;
    l.set_global("table", Value::Table(t))
}

/// luaL_checkint: the integer argument truncated to a C `int`.
pub(crate) fn check_int(l: &mut Lua, i: usize) -> LuaResult<i64> {
    Ok(l.check_integer(i)? as i32 as i64)
}

/// luaL_optint.
pub(crate) fn opt_int(l: &mut Lua, i: usize, def: i64) -> LuaResult<i64> {
    if l.arg(i).is_nil() {
        Ok(def)
    } else {
        check_int(l, i)
    }
}

/// Checks that argument `i` is a table and returns it with its `#` length.
fn table_and_len(l: &mut Lua, i: usize) -> LuaResult<(TableRef, i64)> {
    l.check_type(i, Type::Table)?;
    let t = l.arg(i).as_table().unwrap();
    Ok((t, t.length() as i64))
}

fn raw_set_int(l: &mut Lua, t: TableRef, i: i64, v: Value) -> LuaResult<()> {
    if !t.readonly && i >= 1 && (i as usize) <= t.array_len() {
        // In the array part: cannot fail.
        let _ = t.get_mut().set_int(&mut l.heap.mem, i, v);
        return Ok(());
    }
    l.raw_set(t, Value::Num(i as f64), v)
}

fn getn(l: &mut Lua) -> LuaResult<usize> {
    let (_, n) = table_and_len(l, 1)?;
    l.push(Value::Num(n as f64))?;
    Ok(1)
}

fn setn(l: &mut Lua) -> LuaResult<usize> {
    l.check_type(1, Type::Table)?;
    Err(l.error("'setn' is obsolete"))
}

fn maxn(l: &mut Lua) -> LuaResult<usize> {
    l.check_type(1, Type::Table)?;
    let t = l.arg(1).as_table().unwrap();
    l.push(Value::Num(t.maxn()))?;
    Ok(1)
}

fn foreachi(l: &mut Lua) -> LuaResult<usize> {
    let (t, n) = table_and_len(l, 1)?;
    let f = l.check_type(2, Type::Function)?;
    for i in 1..=n {
        let v = t.get_int(i);
        let r = l.call1(f, &[Value::Num(i as f64), v])?;
        if !r.is_nil() {
            l.push(r)?;
            return Ok(1);
        }
    }
    Ok(0)
}

fn foreach(l: &mut Lua) -> LuaResult<usize> {
    l.check_type(1, Type::Table)?;
    let t = l.arg(1).as_table().unwrap();
    let f = l.check_type(2, Type::Function)?;
    let mut k = Value::Nil;
    loop {
        let (key, v) = match t.next(&k) {
            Ok(Some(kv)) => kv,
            Ok(None) => return Ok(0),
            Err(()) => return Err(l.error("invalid key to 'next'")),
        };
        // The key stays reachable through the table unless the callback removes it;
        // keep it on the stack like 5.1's `lua_next` loop does.
        l.push(key)?;
        let r = l.call1(f, &[key, v])?;
        l.pop();
        if !r.is_nil() {
            l.push(r)?;
            return Ok(1);
        }
        k = key;
    }
}

fn insert(l: &mut Lua) -> LuaResult<usize> {
    let (t, n) = table_and_len(l, 1)?;
    let mut e = n + 1;
    let pos = match l.nargs() {
        2 => e,
        3 => {
            let p = check_int(l, 2)?;
            if p > e {
                e = p;
            }
            // Shift t[p..e-1] up by one.
            let mut i = e;
            // (A far negative position makes this loop long, as in 5.1; it stays
            // interruptible through the budget.)
            while i > p {
                let v = t.get_int(i - 1);
                raw_set_int(l, t, i, v)?;
                l.charge(CHARGE_PER_ELEMENT)?;
                i -= 1;
            }
            p
        }
        _ => return Err(l.error("wrong number of arguments to 'insert'")),
    };
    let v = l.arg(l.nargs());
    raw_set_int(l, t, pos, v)?;
    Ok(0)
}

fn remove(l: &mut Lua) -> LuaResult<usize> {
    let (t, e) = table_and_len(l, 1)?;
    let mut pos = opt_int(l, 2, e)?;
    if !(1 <= pos && pos <= e) {
        return Ok(0);
    }
    let removed = t.get_int(pos);
    l.push(removed)?;
    while pos < e {
        let v = t.get_int(pos + 1);
        raw_set_int(l, t, pos, v)?;
        l.charge(CHARGE_PER_ELEMENT)?;
        pos += 1;
    }
    raw_set_int(l, t, e, Value::Nil)?;
    Ok(1)
}

fn concat(l: &mut Lua) -> LuaResult<usize> {
    let sep = match l.opt_str(2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => Vec::new(),
    };
    l.check_type(1, Type::Table)?;
    let t = l.arg(1).as_table().unwrap();
    let i = opt_int(l, 3, 1)?;
    let j = if l.arg(4).is_nil() {
        t.length() as i64
    } else {
        check_int(l, 4)?
    };
    let mut out: Vec<u8> = Vec::new();
    let mut k = i;
    while k <= j {
        let before = out.len();
        let v = t.get_int(k);
        match v {
            Value::Str(s) => {
                reserve_or_fail(l, &out, s.len())?;
                out.extend_from_slice(s.as_bytes());
            }
            Value::Num(n) => crate::number::fmt_number(n, &mut out),
            other => {
                let msg = format!(
                    "invalid value ({}) at index {} in table for 'concat'",
                    other.type_name(),
                    k
                );
                return Err(l.error(msg));
            }
        }
        if k != j {
            reserve_or_fail(l, &out, sep.len())?;
            out.extend_from_slice(&sep);
        }
        let grown = out.len() - before;
        l.charge(CHARGE_PER_ELEMENT + (grown / BYTES_PER_UNIT) as i64)?;
        k += 1;
    }
    l.push_str(&out)?;
    Ok(1)
}

/// Refuses to grow `buf` past what the heap limit allows.
fn reserve_or_fail(l: &mut Lua, buf: &[u8], more: usize) -> LuaResult<()> {
    let want = buf.len().saturating_add(more);
    if want > l.heap.mem.limit.saturating_sub(l.heap.mem.bytes) {
        return Err(LuaError::Memory);
    }
    Ok(())
}

// ---- sort -------------------------------------------------------------------------------------

/// `table.sort(t [, comp])`.
fn sort(l: &mut Lua) -> LuaResult<usize> {
    let (t, n) = table_and_len(l, 1)?;
    if !l.arg(2).is_nil() {
        l.check_type(2, Type::Function)?;
    }
    let comp = l.arg(2);
    let mut s = Sorter { t, comp };
    s.sort_range(l, 1, n)?;
    Ok(0)
}

struct Sorter {
    t: TableRef,
    /// The comparator, or nil for `<`.
    comp: Value,
}

impl Sorter {
    /// `a < b` by the comparator (or the `<` operator).
    fn less(&mut self, l: &mut Lua, a: Value, b: Value) -> LuaResult<bool> {
        l.charge(CHARGE_PER_ELEMENT)?;
        if self.comp.is_nil() {
            l.less_than(&a, &b)
        } else {
            Ok(l.call1_2(self.comp, a, b)?.truthy())
        }
    }

    fn get(&self, i: i64) -> Value {
        self.t.get_int(i)
    }

    fn set(&self, l: &mut Lua, i: i64, v: Value) -> LuaResult<()> {
        raw_set_int(l, self.t, i, v)
    }

    fn swap(&self, l: &mut Lua, i: i64, j: i64) -> LuaResult<()> {
        let (a, b) = (self.get(i), self.get(j));
        self.set(l, i, b)?;
        self.set(l, j, a)
    }

    /// Sorts `t[lo..=hi]`. The ends and the middle are ordered first (median of three);
    /// the median becomes the pivot, parked at `hi - 1` while `lo+1 .. hi-2` is
    /// partitioned. The smaller part is sorted recursively, the larger one by looping,
    /// so the recursion depth stays logarithmic.
    ///
    /// Values read from the table are also pushed on the Lua stack while the
    /// comparator runs, so a collection inside it cannot free them even if the
    /// comparator clears the table.
    fn sort_range(&mut self, l: &mut Lua, mut lo: i64, mut hi: i64) -> LuaResult<()> {
        while lo < hi {
            let base = l.get_top();
            // Order t[lo] and t[hi].
            let (a_lo, a_hi) = (self.get(lo), self.get(hi));
            l.push(a_lo)?;
            l.push(a_hi)?;
            if self.less(l, a_hi, a_lo)? {
                self.set(l, lo, a_hi)?;
                self.set(l, hi, a_lo)?;
            }
            l.set_top(base)?;
            if hi - lo == 1 {
                break;
            }
            // Order the middle element against both ends.
            let mid = (lo + hi) / 2;
            let (a_mid, a_lo) = (self.get(mid), self.get(lo));
            l.push(a_mid)?;
            l.push(a_lo)?;
            if self.less(l, a_mid, a_lo)? {
                self.set(l, mid, a_lo)?;
                self.set(l, lo, a_mid)?;
            } else {
                let a_hi = self.get(hi);
                l.push(a_hi)?;
                if self.less(l, a_hi, a_mid)? {
                    self.set(l, mid, a_hi)?;
                    self.set(l, hi, a_mid)?;
                }
            }
            l.set_top(base)?;
            if hi - lo == 2 {
                break;
            }
            // Park the pivot at hi-1.
            let pivot = self.get(mid);
            l.push(pivot)?;
            let below = self.get(hi - 1);
            self.set(l, mid, below)?;
            self.set(l, hi - 1, pivot)?;
            // Partition lo+1 .. hi-2 around the pivot.
            let mut i = lo;
            let mut j = hi - 1;
            loop {
                loop {
                    i += 1;
                    let v = self.get(i);
                    l.push(v)?;
                    let lt = self.less(l, v, pivot)?;
                    l.pop();
                    if !lt {
                        break;
                    }
                    if i > hi {
                        return Err(l.error("invalid order function for sorting"));
                    }
                }
                loop {
                    j -= 1;
                    let v = self.get(j);
                    l.push(v)?;
                    let lt = self.less(l, pivot, v)?;
                    l.pop();
                    if !lt {
                        break;
                    }
                    if j < lo {
                        return Err(l.error("invalid order function for sorting"));
                    }
                }
                if j < i {
                    break;
                }
                self.swap(l, i, j)?;
            }
            // Put the pivot in its final place.
            self.swap(l, hi - 1, i)?;
            l.set_top(base)?;
            // Recurse into the smaller side, loop on the larger.
            if i - lo < hi - i {
                let (sub_lo, sub_hi) = (lo, i - 1);
                lo = i + 1;
                self.sort_range(l, sub_lo, sub_hi)?;
            } else {
                let (sub_lo, sub_hi) = (i + 1, hi);
                hi = i - 1;
                self.sort_range(l, sub_lo, sub_hi)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::error::LuaError;
    use crate::value::Value;
    use crate::vm::Lua;
    use std::cell::Cell;
    use std::rc::Rc;

    /// Runs `setup` then `work` with a count hook and returns how often the hook ran
    /// during `work`, and whether a hook that raises stops it.
    fn hook_calls(setup: &str, work: &str) -> (u32, bool) {
        let mut l = Lua::new_empty();
        crate::stdlib::open_libs(&mut l).unwrap();
        l.exec(setup.as_bytes(), b"=setup").unwrap();
        let calls = Rc::new(Cell::new(0u32));
        let c = calls.clone();
        l.set_hook(
            Some(Rc::new(move |_l: &mut Lua, _ev| {
                c.set(c.get() + 1);
                Ok(())
            })),
            1000,
            false,
            false,
            false,
        );
        l.exec(work.as_bytes(), b"=work").unwrap();
        let n = calls.get();
        l.set_hook(
            Some(Rc::new(|l: &mut Lua, _ev| {
                Err(LuaError::Uncatchable(l.str_value(b"stop").unwrap()))
            })),
            1000,
            false,
            false,
            false,
        );
        let stopped = matches!(
            l.exec(work.as_bytes(), b"=work"),
            Err(LuaError::Uncatchable(Value::Str(_)))
        );
        (n, stopped)
    }

    #[test]
    fn sort_and_concat_charge_the_instruction_budget() {
        let setup = "t = {} for i = 1, 20000 do t[i] = (i * 7919) % 20011 end";
        // One statement: the VM itself executes only a handful of instructions.
        let (n, stopped) = hook_calls(setup, "table.sort(t)");
        assert!(n >= 100, "sort ran the hook {} times", n);
        assert!(stopped);
        let (n, stopped) = hook_calls(setup, "table.concat(t, ',')");
        assert!(n >= 10, "concat ran the hook {} times", n);
        assert!(stopped);
    }
}
