//! `Sds`: the compact byte string used for keys and string values.
//!
//! Up to [`INLINE_CAP`] bytes live inside the 24-byte value itself (no allocation: a key
//! like `key:123456` or a value like `value:123456` costs nothing beyond the dictionary
//! node). Longer strings are a boxed slice (`Embed`, what `SET` stores) or, once modified
//! in place by `APPEND`/`SETRANGE`/`SETBIT`, a boxed growable vector (`Raw`) so repeated
//! appends are amortised. The variant also gives `OBJECT ENCODING` its answer.

use std::fmt;

/// Longest string stored inline.
pub const INLINE_CAP: usize = 22;
/// Redis's limit for the `embstr` encoding (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub const EMBSTR_LIMIT: usize = 44;

#[derive(Clone)]
pub enum Sds {
    Inline { len: u8, data: [u8; INLINE_CAP] },
    Embed(Box<[u8]>),
    Raw(Box<Vec<u8>>),
}

impl Sds {
    /// Copies `b` into the most compact form.
    #[inline]
    pub fn new(b: &[u8]) -> Sds {
        if b.len() <= INLINE_CAP {
            let mut data = [0u8; INLINE_CAP];
            data[..b.len()].copy_from_slice(b);
            Sds::Inline {
                len: b.len() as u8,
                data,
            }
        } else {
            Sds::Embed(b.into())
        }
    }

    /// Takes ownership of a vector, stored growable (`raw` encoding).
    pub fn from_vec_raw(v: Vec<u8>) -> Sds {
        Sds::Raw(Box::new(v))
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Sds::Inline { len, data } => &data[..*len as usize],
            Sds::Embed(b) => b,
            Sds::Raw(v) => v,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for strings modified in place (`raw` encoding in Redis terms).
    pub fn is_raw(&self) -> bool {
        matches!(self, Sds::Raw(_))
    }

    /// Converts to the growable form and returns the vector for in-place edits.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !self.is_raw() {
            let v = self.as_bytes().to_vec();
            *self = Sds::Raw(Box::new(v));
        }
        match self {
            Sds::Raw(v) => v,
            _ => unreachable!("just converted to raw"),
        }
    }
}

impl PartialEq for Sds {
    fn eq(&self, other: &Sds) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Sds {}

impl fmt::Debug for Sds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_layout() {
        assert_eq!(std::mem::size_of::<Sds>(), 24);
        for n in [0usize, 1, 22, 23, 100] {
            let v = vec![b'x'; n];
            let s = Sds::new(&v);
            assert_eq!(s.as_bytes(), &v[..]);
            assert_eq!(matches!(s, Sds::Inline { .. }), n <= INLINE_CAP);
        }
        let mut s = Sds::new(b"ab");
        s.make_raw().extend_from_slice(b"cd");
        assert!(s.is_raw());
        assert_eq!(s.as_bytes(), b"abcd");
    }
}
