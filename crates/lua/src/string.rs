//! Lua strings: immutable byte strings, interned so that equal strings share one object.
//!
//! Interning makes string equality and table lookup by string key a pointer compare. The
//! hash is Lua 5.1's string hash (it decides the node a key lands in, and so the order
//! `next`/`pairs` visits keys, which must match lua5.1's).

use crate::gc::{Gc, GcObj, Heap};
use hashbrown::HashTable;

pub struct LuaStr {
    hash: u32,
    bytes: Box<[u8]>,
}

impl LuaStr {
    #[inline(always)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    #[inline(always)]
    pub fn hash(&self) -> u32 {
        self.hash
    }
    /// Lossy UTF-8 view, for diagnostics.
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

pub type StrRef = Gc<LuaStr>;

/// Lua 5.1's string hash: seeded with the length, and for long strings only every
/// `(len >> 5) + 1`-th byte (from the end) takes part.
pub fn lua_hash(s: &[u8]) -> u32 {
    let l = s.len();
    let mut h: u32 = l as u32;
    let step = (l >> 5) + 1;
    let mut l1 = l;
    while l1 >= step {
        h ^= (h << 5).wrapping_add(h >> 2).wrapping_add(s[l1 - 1] as u32);
        l1 -= step;
    }
    h
}

/// Spreads a 32-bit Lua hash over 64 bits for the intern table's buckets.
#[inline(always)]
fn mix(h: u32) -> u64 {
    (h as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The intern table: every live string, found by content.
#[derive(Default)]
pub struct Interner {
    set: HashTable<StrRef>,
}

/// Bytes an interned string accounts for.
pub(crate) fn str_size(len: usize) -> usize {
    std::mem::size_of::<crate::gc::GcBox<LuaStr>>() + len
}

impl Interner {
    pub fn intern(
        &mut self,
        heap: &mut Heap,
        s: &[u8],
    ) -> Result<StrRef, crate::error::MemoryError> {
        let h = lua_hash(s);
        if let Some(found) = self.set.find(mix(h), |x| x.hash == h && &*x.bytes == s) {
            let found = *found;
            // A string found here may be unmarked garbage awaiting the next sweep; since
            // collection is stop-the-world, reviving it is safe.
            return Ok(found);
        }
        let g = heap.alloc(
            LuaStr {
                hash: h,
                bytes: s.into(),
            },
            s.len(),
            GcObj::Str,
        )?;
        self.set.insert_unique(mix(h), g, |x| mix(x.hash));
        Ok(g)
    }

    /// Drops unmarked strings from the table (called before the sweep frees them).
    pub(crate) fn remove_dead(&mut self) {
        self.set.retain(|s| s.header().marked.get());
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_shares_objects() {
        let mut heap = Heap::new();
        let mut i = Interner::default();
        let a = i.intern(&mut heap, b"hello").unwrap();
        let b = i.intern(&mut heap, b"hello").unwrap();
        let c = i.intern(&mut heap, b"world").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_bytes(), b"hello");
        assert_eq!(i.len(), 2);
        heap.free_all();
    }

    #[test]
    fn hash_matches_lua51_algorithm() {
        // h = len; h ^= (h<<5)+(h>>2)+byte, over bytes from the end.
        assert_eq!(lua_hash(b""), 0);
        let mut h: u32 = 1;
        h ^= (h << 5).wrapping_add(h >> 2).wrapping_add(b'a' as u32);
        assert_eq!(lua_hash(b"a"), h);
    }
}

/// Below this length a byte search is a plain loop: `memchr`'s vectorised search has a
/// setup cost that only pays off on longer inputs (measured with callgrind on the
/// string benchmarks, whose subjects, patterns and formats are short).
const SHORT_SEARCH: usize = 32;

/// The offset of the first `c` in `hay` (`memchr`, cheap on short inputs).
#[inline]
pub fn find_byte(c: u8, hay: &[u8]) -> Option<usize> {
    if hay.len() < SHORT_SEARCH {
        hay.iter().position(|&b| b == c)
    } else {
        memchr::memchr(c, hay)
    }
}
