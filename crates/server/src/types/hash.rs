//! Hash values: a vector of field/value pairs in insertion order while small (Redis's
//! `listpack`), a [`Dict`] once large (`hashtable`).

use super::{hash_max_entries, hash_max_value};
use crate::dict::Dict;
use crate::sds::Sds;

#[derive(Clone)]
pub enum Hash {
    Small(Vec<(Sds, Sds)>),
    Big(Dict<Sds>),
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({} fields)", self.len())
    }
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Small(Vec::new())
    }
}

impl Hash {
    pub fn len(&self) -> usize {
        match self {
            Hash::Small(v) => v.len(),
            Hash::Big(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Small(_) => "listpack",
            Hash::Big(_) => "hashtable",
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&Sds> {
        match self {
            Hash::Small(v) => v
                .iter()
                .find(|(f, _)| f.as_bytes() == field)
                .map(|(_, v)| v),
            Hash::Big(d) => d.get(field),
        }
    }

    pub fn get_mut(&mut self, field: &[u8]) -> Option<&mut Sds> {
        match self {
            Hash::Small(v) => v
                .iter_mut()
                .find(|(f, _)| f.as_bytes() == field)
                .map(|(_, v)| v),
            Hash::Big(d) => d.get_mut(field),
        }
    }

    fn convert(&mut self) {
        if let Hash::Small(v) = self {
            let mut d = Dict::new();
            for (f, val) in v.drain(..) {
                d.insert_new(f, val);
            }
            *self = Hash::Big(d);
        }
    }

    /// Sets `field`; true when it is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        if let Hash::Small(v) = self {
            if field.len() > hash_max_value() || value.len() > hash_max_value() {
                self.convert();
            } else if let Some(slot) = v.iter_mut().find(|(f, _)| f.as_bytes() == field) {
                slot.1 = Sds::new(value);
                return false;
            } else if v.len() < hash_max_entries() {
                v.push((Sds::new(field), Sds::new(value)));
                return true;
            } else {
                self.convert();
            }
        }
        match self {
            Hash::Big(d) => d.insert(field, Sds::new(value)).is_none(),
            Hash::Small(_) => unreachable!("converted above"),
        }
    }

    /// Removes `field`; true when it existed.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Small(v) => match v.iter().position(|(f, _)| f.as_bytes() == field) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            Hash::Big(d) => d.remove(field).is_some(),
        }
    }

    /// Every field/value pair (insertion order while small, table order once large).
    pub fn pairs(&self) -> Vec<(&Sds, &Sds)> {
        match self {
            Hash::Small(v) => v.iter().map(|(f, v)| (f, v)).collect(),
            Hash::Big(d) => d.iter().collect(),
        }
    }

    /// The pair at position `i` of [`Hash::pairs`] (for random picks on small hashes).
    pub fn dict(&self) -> Option<&Dict<Sds>> {
        match self {
            Hash::Big(d) => Some(d),
            Hash::Small(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::HASH_MAX_LISTPACK_ENTRIES;

    #[test]
    fn small_keeps_insertion_order_and_converts() {
        let mut h = Hash::default();
        assert!(h.set(b"b", b"1"));
        assert!(h.set(b"a", b"2"));
        assert!(!h.set(b"b", b"3"));
        let p: Vec<_> = h
            .pairs()
            .iter()
            .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect();
        assert_eq!(
            p,
            vec![
                (b"b".to_vec(), b"3".to_vec()),
                (b"a".to_vec(), b"2".to_vec())
            ]
        );
        assert_eq!(h.encoding(), "listpack");
        h.set(b"big", &[b'x'; 65]);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 3);
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        assert_eq!(h.get(b"b").unwrap().as_bytes(), b"3");
        let mut h = Hash::default();
        for i in 0..=HASH_MAX_LISTPACK_ENTRIES {
            h.set(i.to_string().as_bytes(), b"v");
        }
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), HASH_MAX_LISTPACK_ENTRIES + 1);
    }
}
