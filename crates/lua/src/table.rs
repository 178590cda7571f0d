//! Lua tables: an array part plus a hash part laid out exactly like Lua 5.1's.
//!
//! The hash part is a power-of-two array of nodes; a key lives at its *main position*
//! (from 5.1's string/number/pointer hash) or, on collision, in a free node taken from the
//! free end and linked into the chain. Resizing counts integer keys to size the array part
//! the way 5.1 does. Reproducing this layout is what makes `next`/`pairs` visit keys in
//! the same order as lua5.1 for the same program, which Redis users compare byte for byte
//! (e.g. `cjson.encode` output).
//!
//! A key whose value becomes nil stays in its node ("dead key") until the next resize,
//! as in 5.1; dead keys are never dereferenced (only compared by identity), so the
//! collector may free the objects they point to.

use crate::gc::{Gc, MemStats};
use crate::value::Value;
use std::cell::Cell;

pub type TableRef = Gc<Table>;

/// Largest `log2` of the hash part size (5.1's MAXBITS for 32-bit int).
const MAXBITS: u32 = 26;
/// Largest array part (5.1's MAXASIZE).
const MAXASIZE: usize = 1 << MAXBITS;

#[derive(Clone, Copy)]
struct Node {
    key: Value,
    val: Value,
    /// Next node in the collision chain, or -1.
    next: i32,
}

const EMPTY_NODE: Node = Node {
    key: Value::Nil,
    val: Value::Nil,
    next: -1,
};

pub struct Table {
    pub(crate) array: Vec<Value>,
    nodes: Vec<Node>,
    /// Free nodes are searched downwards from here.
    lastfree: usize,
    pub(crate) metatable: Option<TableRef>,
    /// Bit i set: metamethod i (see `vm::meta::TM_*`) is known to be absent.
    pub(crate) flags: Cell<u8>,
    /// Writes through the language raise an error (sandbox primitive).
    pub readonly: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableError {
    IndexNil,
    IndexNaN,
    Overflow,
    Memory,
}

impl TableError {
    pub fn message(self) -> &'static str {
        match self {
            TableError::IndexNil => "table index is nil",
            TableError::IndexNaN => "table index is NaN",
            TableError::Overflow => "table overflow",
            TableError::Memory => "not enough memory",
        }
    }
}

/// If `n` is an integer usable as an array index (1..), returns it.
#[inline(always)]
fn as_index(n: f64) -> Option<usize> {
    let i = n as i64;
    if i as f64 == n && i >= 1 {
        Some(i as usize)
    } else {
        None
    }
}

/// ceil(log2(x)) for x >= 1.
fn ceil_log2(x: usize) -> u32 {
    if x <= 1 {
        0
    } else {
        usize::BITS - (x - 1).leading_zeros()
    }
}

#[inline(always)]
fn num_hash(n: f64) -> u32 {
    // 5.1 adds the two 32-bit halves of the double; 0 and -0 both go to node 0.
    let bits = n.to_bits();
    (bits as u32).wrapping_add((bits >> 32) as u32)
}

impl Table {
    pub(crate) fn new(narray: usize, nhash: usize) -> Table {
        let mut t = Table {
            array: Vec::new(),
            nodes: Vec::new(),
            lastfree: 0,
            metatable: None,
            flags: Cell::new(0),
            readonly: false,
        };
        if narray > 0 {
            t.array = vec![Value::Nil; narray];
        }
        t.set_node_vector(nhash);
        t
    }

    /// Bytes the table's buffers account for (besides its header).
    pub(crate) fn buffer_bytes(&self) -> usize {
        self.array.len() * std::mem::size_of::<Value>()
            + self.nodes.len() * std::mem::size_of::<Node>()
    }

    pub fn metatable(&self) -> Option<TableRef> {
        self.metatable
    }

    pub fn array_len(&self) -> usize {
        self.array.len()
    }

    pub fn node_len(&self) -> usize {
        self.nodes.len()
    }

    fn set_node_vector(&mut self, size: usize) {
        if size == 0 {
            self.nodes = Vec::new();
            self.lastfree = 0;
        } else {
            let lsize = ceil_log2(size);
            let n = 1usize << lsize;
            self.nodes = vec![EMPTY_NODE; n];
            self.lastfree = n;
        }
    }

    #[inline(always)]
    fn mask(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Index of `key`'s main position (hash part must be non-empty).
    #[inline(always)]
    fn main_position(&self, key: &Value) -> usize {
        match key {
            Value::Str(s) => s.hash() as usize & self.mask(),
            Value::Num(n) => {
                if *n == 0.0 {
                    0
                } else {
                    num_hash(*n) as usize % (self.mask() | 1)
                }
            }
            Value::Bool(b) => *b as usize & self.mask(),
            other => (other.addr() as u32) as usize % (self.mask() | 1),
        }
    }

    // ---- reads ----------------------------------------------------------------------

    #[inline]
    pub fn get(&self, key: &Value) -> Value {
        match key {
            Value::Str(s) => self.get_str(*s),
            Value::Num(n) => self.get_num(*n),
            Value::Nil => Value::Nil,
            _ => match self.find_node(key) {
                Some(i) => self.nodes[i].val,
                None => Value::Nil,
            },
        }
    }

    #[inline]
    pub fn get_str(&self, key: crate::string::StrRef) -> Value {
        if self.nodes.is_empty() {
            return Value::Nil;
        }
        let mut i = key.hash() as usize & self.mask();
        loop {
            let n = &self.nodes[i];
            if let Value::Str(k) = n.key {
                if k == key {
                    return n.val;
                }
            }
            if n.next < 0 {
                return Value::Nil;
            }
            i = n.next as usize;
        }
    }

    #[inline]
    pub fn get_num(&self, n: f64) -> Value {
        if let Some(i) = as_index(n) {
            if i <= self.array.len() {
                return self.array[i - 1];
            }
        }
        if self.nodes.is_empty() {
            return Value::Nil;
        }
        let mut i = self.main_position(&Value::Num(n));
        loop {
            let node = &self.nodes[i];
            if let Value::Num(k) = node.key {
                if k == n {
                    return node.val;
                }
            }
            if node.next < 0 {
                return Value::Nil;
            }
            i = node.next as usize;
        }
    }

    #[inline]
    pub fn get_int(&self, i: i64) -> Value {
        if i >= 1 && (i as usize) <= self.array.len() {
            return self.array[i as usize - 1];
        }
        self.get_num(i as f64)
    }

    /// Finds the node holding `key` (any key type, including dead keys by identity).
    fn find_node(&self, key: &Value) -> Option<usize> {
        if self.nodes.is_empty() || key.is_nil() {
            return None;
        }
        let mut i = self.main_position(key);
        loop {
            let n = &self.nodes[i];
            if n.key.raw_eq(key) {
                return Some(i);
            }
            if n.next < 0 {
                return None;
            }
            i = n.next as usize;
        }
    }

    // ---- writes ---------------------------------------------------------------------

    /// `t[key] = val` without metamethods. Creates the key even when `val` is nil, as 5.1.
    pub fn set(&mut self, mem: &mut MemStats, key: Value, val: Value) -> Result<(), TableError> {
        match key {
            Value::Num(n) => {
                if let Some(i) = as_index(n) {
                    if i <= self.array.len() {
                        self.array[i - 1] = val;
                        return Ok(());
                    }
                }
                if n.is_nan() {
                    return Err(TableError::IndexNaN);
                }
            }
            Value::Nil => return Err(TableError::IndexNil),
            _ => {}
        }
        if let Some(i) = self.find_node(&key) {
            self.nodes[i].val = val;
            return Ok(());
        }
        let slot = self.new_key(mem, key)?;
        *slot = val;
        Ok(())
    }

    #[inline]
    pub fn set_int(&mut self, mem: &mut MemStats, i: i64, val: Value) -> Result<(), TableError> {
        if i >= 1 && (i as usize) <= self.array.len() {
            self.array[i as usize - 1] = val;
            return Ok(());
        }
        self.set(mem, Value::Num(i as f64), val)
    }

    /// Fast path for string keys (field assignment).
    #[inline]
    pub fn set_str(
        &mut self,
        mem: &mut MemStats,
        key: crate::string::StrRef,
        val: Value,
    ) -> Result<(), TableError> {
        if !self.nodes.is_empty() {
            let mut i = key.hash() as usize & self.mask();
            loop {
                let n = &mut self.nodes[i];
                if let Value::Str(k) = n.key {
                    if k == key {
                        n.val = val;
                        return Ok(());
                    }
                }
                if n.next < 0 {
                    break;
                }
                i = n.next as usize;
            }
        }
        let slot = self.new_key(mem, Value::Str(key))?;
        *slot = val;
        Ok(())
    }

    fn free_pos(&mut self) -> Option<usize> {
        while self.lastfree > 0 {
            self.lastfree -= 1;
            if self.nodes[self.lastfree].key.is_nil() {
                return Some(self.lastfree);
            }
        }
        None
    }

    /// Inserts a key known to be absent; returns its value slot.
    fn new_key(&mut self, mem: &mut MemStats, key: Value) -> Result<&mut Value, TableError> {
        self.flags.set(0);
        if self.nodes.is_empty() {
            self.rehash(mem, &key)?;
            return self.slot_after_rehash(mem, key);
        }
        let mut mp = self.main_position(&key);
        if !self.nodes[mp].val.is_nil() {
            let Some(free) = self.free_pos() else {
                self.rehash(mem, &key)?;
                return self.slot_after_rehash(mem, key);
            };
            let mp_key = self.nodes[mp].key;
            let other = self.main_position(&mp_key);
            if other != mp {
                // The colliding node is out of its main position: move it to the free
                // node and give `mp` to the new key.
                let mut prev = other;
                while self.nodes[prev].next as usize != mp {
                    prev = self.nodes[prev].next as usize;
                }
                self.nodes[prev].next = free as i32;
                self.nodes[free] = self.nodes[mp];
                self.nodes[mp].next = -1;
                self.nodes[mp].val = Value::Nil;
            } else {
                // The colliding node is in its main position: the new key goes to the
                // free node, chained right after it.
                self.nodes[free].next = self.nodes[mp].next;
                self.nodes[mp].next = free as i32;
                mp = free;
            }
        }
        self.nodes[mp].key = key;
        Ok(&mut self.nodes[mp].val)
    }

    fn slot_after_rehash(
        &mut self,
        mem: &mut MemStats,
        key: Value,
    ) -> Result<&mut Value, TableError> {
        if let Value::Num(n) = key {
            if let Some(i) = as_index(n) {
                if i <= self.array.len() {
                    return Ok(&mut self.array[i - 1]);
                }
            }
        }
        if let Some(i) = self.find_node(&key) {
            return Ok(&mut self.nodes[i].val);
        }
        self.new_key(mem, key)
    }

    /// Counts integer keys per power-of-two slice and resizes both parts.
    fn rehash(&mut self, mem: &mut MemStats, extra: &Value) -> Result<(), TableError> {
        // nums[i] = number of integer keys k with 2^(i-1) < k <= 2^i
        let mut nums = [0usize; MAXBITS as usize + 1];
        let mut nasize = self.count_array(&mut nums);
        let mut total = nasize;
        for n in &self.nodes {
            if !n.val.is_nil() {
                nasize += count_int(&n.key, &mut nums);
                total += 1;
            }
        }
        nasize += count_int(extra, &mut nums);
        total += 1;
        let (na, new_asize) = compute_sizes(&nums, nasize);
        self.resize(mem, new_asize, total - na)
    }

    fn count_array(&self, nums: &mut [usize]) -> usize {
        let mut ause = 0;
        let mut i = 1usize;
        let mut ttlg = 1usize;
        for lg in 0..=MAXBITS as usize {
            let mut lim = ttlg;
            if lim > self.array.len() {
                lim = self.array.len();
                if i > lim {
                    break;
                }
            }
            let mut lc = 0;
            while i <= lim {
                if !self.array[i - 1].is_nil() {
                    lc += 1;
                }
                i += 1;
            }
            nums[lg] += lc;
            ause += lc;
            ttlg *= 2;
        }
        ause
    }

    /// Resizes to `nasize` array slots and room for `nhsize` hash keys, re-inserting
    /// everything.
    pub(crate) fn resize(
        &mut self,
        mem: &mut MemStats,
        nasize: usize,
        nhsize: usize,
    ) -> Result<(), TableError> {
        let node_cap = if nhsize == 0 {
            0
        } else {
            1usize << ceil_log2(nhsize)
        };
        if nhsize > 0 && ceil_log2(nhsize) > MAXBITS {
            return Err(TableError::Overflow);
        }
        let old_bytes = self.buffer_bytes();
        let new_bytes =
            nasize * std::mem::size_of::<Value>() + node_cap * std::mem::size_of::<Node>();
        if new_bytes > old_bytes {
            mem.charge(new_bytes - old_bytes)
                .map_err(|_| TableError::Memory)?;
        } else {
            mem.release(old_bytes - new_bytes);
        }
        let old_asize = self.array.len();
        if nasize > old_asize {
            self.array.resize(nasize, Value::Nil);
        }
        let old_nodes = std::mem::take(&mut self.nodes);
        self.set_node_vector(nhsize);
        // Re-insertion below cannot grow the table again: the sizes were computed to hold
        // every key. Charging is skipped for it (the bytes were charged above).
        let mut unlimited = MemStats {
            bytes: 0,
            limit: usize::MAX,
            threshold: usize::MAX,
        };
        if nasize < old_asize {
            let vanishing: Vec<Value> = self.array.drain(nasize..).collect();
            for (j, v) in vanishing.into_iter().enumerate() {
                if !v.is_nil() {
                    self.set(&mut unlimited, Value::Num((nasize + j + 1) as f64), v)?;
                }
            }
            self.array.shrink_to_fit();
        }
        for n in old_nodes.iter().rev() {
            if !n.val.is_nil() {
                self.set(&mut unlimited, n.key, n.val)?;
            }
        }
        Ok(())
    }

    /// The border `#t` as 5.1 computes it.
    pub fn length(&self) -> usize {
        let j = self.array.len();
        if j > 0 && self.array[j - 1].is_nil() {
            // Binary search for a border inside the array part.
            let (mut i, mut j) = (0usize, j);
            while j - i > 1 {
                let m = (i + j) / 2;
                if self.array[m - 1].is_nil() {
                    j = m;
                } else {
                    i = m;
                }
            }
            return i;
        }
        if self.nodes.is_empty() {
            return j;
        }
        self.unbound_search(j)
    }

    fn unbound_search(&self, j: usize) -> usize {
        let mut i = j;
        let mut j = j + 1;
        while !self.get_int(j as i64).is_nil() {
            i = j;
            j *= 2;
            if j > i32::MAX as usize {
                // Built to defeat the search: fall back to a linear scan.
                let mut i = 1;
                while !self.get_int(i as i64).is_nil() {
                    i += 1;
                }
                return i - 1;
            }
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m as i64).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i
    }

    /// `next(t, key)`: the entry after `key` in traversal order (array part, then nodes).
    /// `Err(())` for a key that is not in the table.
    pub fn next(&self, key: &Value) -> Result<Option<(Value, Value)>, ()> {
        let mut i = match key {
            Value::Nil => 0,
            Value::Num(n) if as_index(*n).is_some_and(|i| i <= self.array.len()) => {
                as_index(*n).unwrap()
            }
            _ => match self.find_node(key) {
                Some(n) => self.array.len() + n + 1,
                None => return Err(()),
            },
        };
        while i < self.array.len() {
            if !self.array[i].is_nil() {
                return Ok(Some((Value::Num((i + 1) as f64), self.array[i])));
            }
            i += 1;
        }
        let mut n = i - self.array.len();
        while n < self.nodes.len() {
            let node = &self.nodes[n];
            if !node.val.is_nil() {
                return Ok(Some((node.key, node.val)));
            }
            n += 1;
        }
        Ok(None)
    }

    /// Visits every live (key, value) pair (for the collector).
    pub(crate) fn for_each_entry(&self, mut f: impl FnMut(&Value, &Value)) {
        for v in &self.array {
            f(&Value::Nil, v);
        }
        for n in &self.nodes {
            if !n.val.is_nil() {
                f(&n.key, &n.val);
            }
        }
    }

    /// Clears entries whose key or value fails `keep` (weak tables after marking).
    pub(crate) fn clear_entries(
        &mut self,
        weak_keys: bool,
        weak_vals: bool,
        alive: impl Fn(&Value, bool) -> bool,
    ) {
        if weak_vals {
            for v in self.array.iter_mut() {
                if !alive(v, false) {
                    *v = Value::Nil;
                }
            }
        }
        for n in self.nodes.iter_mut() {
            if n.val.is_nil() {
                continue;
            }
            if (weak_keys && !alive(&n.key, true)) || (weak_vals && !alive(&n.val, false)) {
                n.val = Value::Nil;
            }
        }
    }

    /// Largest positive numeric key (`table.maxn`).
    pub fn maxn(&self) -> f64 {
        let mut max = 0.0f64;
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() {
                max = max.max((i + 1) as f64);
            }
        }
        for n in &self.nodes {
            if let (Value::Num(k), false) = (n.key, n.val.is_nil()) {
                if k > max {
                    max = k;
                }
            }
        }
        max
    }
}

fn count_int(key: &Value, nums: &mut [usize]) -> usize {
    if let Value::Num(n) = key {
        if let Some(k) = as_index(*n) {
            if k <= MAXASIZE {
                nums[ceil_log2(k) as usize] += 1;
                return 1;
            }
        }
    }
    0
}

/// Picks the array size: the largest power of two `n` such that more than half of the
/// slots 1..n would be in use. Returns (keys going to the array, array size).
fn compute_sizes(nums: &[usize], narray: usize) -> (usize, usize) {
    let mut a = 0;
    let mut na = 0;
    let mut n = 0;
    let mut twotoi = 1usize;
    let mut i = 0;
    while twotoi / 2 < narray {
        if nums[i] > 0 {
            a += nums[i];
            if a > twotoi / 2 {
                n = twotoi;
                na = a;
            }
        }
        if a == narray {
            break;
        }
        i += 1;
        twotoi *= 2;
    }
    (na, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mem() -> MemStats {
        MemStats {
            bytes: 0,
            limit: usize::MAX,
            threshold: usize::MAX,
        }
    }

    #[test]
    fn array_part_grows_for_sequences() {
        let mut m = mem();
        let mut t = Table::new(0, 0);
        for i in 1..=10 {
            t.set_int(&mut m, i, Value::Num(i as f64 * 2.0)).unwrap();
        }
        assert_eq!(t.length(), 10);
        assert_eq!(t.array_len(), 16);
        assert!(matches!(t.get_int(7), Value::Num(n) if n == 14.0));
        assert!(t.get_int(11).is_nil());
    }

    #[test]
    fn number_keys_order_like_lua51() {
        // lua5.1 -e 't={} t[10]=1 t[20]=2 t[30]=3 for k in pairs(t) do io.write(k," ") end'
        // prints "30 10 20".
        let mut m = mem();
        let mut t = Table::new(0, 0);
        for k in [10.0, 20.0, 30.0] {
            t.set(&mut m, Value::Num(k), Value::Bool(true)).unwrap();
        }
        let mut order = vec![];
        let mut k = Value::Nil;
        while let Some((nk, _)) = t.next(&k).unwrap() {
            if let Value::Num(n) = nk {
                order.push(n);
            }
            k = nk;
        }
        assert_eq!(order, vec![30.0, 10.0, 20.0]);
    }

    #[test]
    fn nil_and_nan_keys_are_errors() {
        let mut m = mem();
        let mut t = Table::new(0, 0);
        assert_eq!(
            t.set(&mut m, Value::Nil, Value::Bool(true)),
            Err(TableError::IndexNil)
        );
        assert_eq!(
            t.set(&mut m, Value::Num(f64::NAN), Value::Bool(true)),
            Err(TableError::IndexNaN)
        );
    }

    #[test]
    fn border_with_holes() {
        let mut m = mem();
        let mut t = Table::new(4, 0);
        t.set_int(&mut m, 1, Value::Bool(true)).unwrap();
        t.set_int(&mut m, 2, Value::Bool(true)).unwrap();
        assert_eq!(t.length(), 2);
    }
}
