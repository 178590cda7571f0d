//! Set values: a sorted vector of integers while every member is a canonical integer and
//! the set is small (Redis's `intset`), a [`Dict`] of members otherwise (`hashtable`).

use super::set_max_intset_entries;
use crate::dict::Dict;
use crate::sds::Sds;

#[derive(Clone)]
pub enum Set {
    Ints(Vec<i64>),
    Big(Dict<()>),
}

impl std::fmt::Debug for Set {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Set({} members)", self.len())
    }
}

/// A member as the intset stores it: canonical decimal integers only.
fn as_int(m: &[u8]) -> Option<i64> {
    resp::request::parse_i64_strict(m)
}

impl Set {
    /// An empty set suited to a first member `m` (intset when it is an integer).
    pub fn for_member(m: &[u8]) -> Set {
        if as_int(m).is_some() {
            Set::Ints(Vec::new())
        } else {
            Set::Big(Dict::new())
        }
    }

    /// An empty set of the encoding that fits `members` (intset if all are integers and
    /// few enough), used by the *STORE commands.
    pub fn for_members<'a>(mut members: impl Iterator<Item = &'a [u8]>, n: usize) -> Set {
        if n <= set_max_intset_entries() && members.all(|m| as_int(m).is_some()) {
            Set::Ints(Vec::with_capacity(n))
        } else {
            Set::Big(Dict::new())
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Ints(v) => v.len(),
            Set::Big(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Ints(_) => "intset",
            Set::Big(_) => "hashtable",
        }
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            Set::Ints(v) => as_int(m).is_some_and(|n| v.binary_search(&n).is_ok()),
            Set::Big(d) => d.contains_key(m),
        }
    }

    fn convert(&mut self) {
        if let Set::Ints(v) = self {
            let mut d = Dict::new();
            for n in v.iter() {
                d.insert_new(Sds::new(n.to_string().as_bytes()), ());
            }
            *self = Set::Big(d);
        }
    }

    /// Adds `m`; true when it is new.
    pub fn add(&mut self, m: &[u8]) -> bool {
        if let Set::Ints(v) = self {
            match as_int(m) {
                Some(n) => match v.binary_search(&n) {
                    Ok(_) => return false,
                    Err(pos) if v.len() < set_max_intset_entries() => {
                        v.insert(pos, n);
                        return true;
                    }
                    Err(_) => self.convert(),
                },
                None => self.convert(),
            }
        }
        match self {
            Set::Big(d) => {
                if d.contains_key(m) {
                    false
                } else {
                    d.insert_new(Sds::new(m), ());
                    true
                }
            }
            Set::Ints(_) => unreachable!("converted above"),
        }
    }

    /// Removes `m`; true when it was present.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Set::Ints(v) => match as_int(m).map(|n| v.binary_search(&n)) {
                Some(Ok(i)) => {
                    v.remove(i);
                    true
                }
                _ => false,
            },
            Set::Big(d) => d.remove(m).is_some(),
        }
    }

    /// All members (ascending for an intset, table order otherwise).
    pub fn members(&self) -> Vec<Vec<u8>> {
        match self {
            Set::Ints(v) => v.iter().map(|n| n.to_string().into_bytes()).collect(),
            Set::Big(d) => d.iter().map(|(k, _)| k.as_bytes().to_vec()).collect(),
        }
    }

    /// Calls `f` with each member's bytes, without collecting.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        match self {
            Set::Ints(v) => {
                let mut buf = Vec::with_capacity(20);
                for &n in v {
                    buf.clear();
                    resp::number::write_i64(&mut buf, n);
                    f(&buf);
                }
            }
            Set::Big(d) => {
                for (k, _) in d.iter() {
                    f(k.as_bytes());
                }
            }
        }
    }

    /// A uniformly random member.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<Vec<u8>> {
        match self {
            Set::Ints(v) if v.is_empty() => None,
            Set::Ints(v) => Some(
                v[(rand() % v.len() as u64) as usize]
                    .to_string()
                    .into_bytes(),
            ),
            Set::Big(d) => d.random(rand).map(|(k, _)| k.as_bytes().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intset_sorted_then_hashtable() {
        let mut s = Set::for_member(b"3");
        assert!(s.add(b"3"));
        assert!(s.add(b"-1"));
        assert!(!s.add(b"3"));
        assert!(s.add(b"10"));
        assert_eq!(
            s.members(),
            vec![b"-1".to_vec(), b"3".to_vec(), b"10".to_vec()]
        );
        assert_eq!(s.encoding(), "intset");
        assert!(!s.contains(b"03"));
        assert!(s.add(b"03"));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"3") && s.contains(b"03"));
        assert!(s.remove(b"3"));
        assert_eq!(s.len(), 3);
    }
}
