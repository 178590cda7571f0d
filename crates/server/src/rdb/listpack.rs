//! Listpacks, the compact sequence format Redis 7.0 stores small hashes and sorted sets
//! and the nodes of lists in, as they appear inside DUMP payloads:
//!
//! ```text
//! listpack := total-bytes u32 LE | count u16 LE (65535 = unknown) | entry* | 0xFF
//! entry    := encoding+data | backlen (size of encoding+data, 1-5 bytes)
//! ```
//!
//! Entries are integers (7, 13, 16, 24, 32 or 64 bits) or strings (6, 12 or 32-bit
//! length). A string that is a canonical decimal integer is stored as an integer, so the
//! bytes written match redis-server's for the same elements. Decoding checks every
//! length against the buffer and refuses anything inconsistent.

use crate::sds::Sds;

/// Header bytes: total size (4) and element count (2).
const HEADER_LEN: usize = 6;
/// Terminator byte.
const END: u8 = 0xFF;
/// The count field saturates at this value ("count unknown, walk the entries").
const COUNT_UNKNOWN: usize = 65535;
/// Longest string that may be stored as an integer (an i64 in decimal).
const MAX_INT_STR_LEN: usize = 20;

/// An element read from a listpack or ziplist.
#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    Int(i64),
    Str(Vec<u8>),
}

impl Elem {
    /// The element's bytes (integers in decimal).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Elem::Int(n) => n.to_string().into_bytes(),
            Elem::Str(s) => s,
        }
    }
}

/// The canonical integer a string spells, if any (what listpacks store as integers).
fn as_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > MAX_INT_STR_LEN {
        return None;
    }
    resp::request::parse_i64_strict(s)
}

/// Builds a listpack from byte strings.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
    count: usize,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            buf: vec![0; HEADER_LEN],
            count: 0,
        }
    }

    /// Bytes the listpack would have if finished now.
    pub fn size(&self) -> usize {
        self.buf.len() + 1
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Appends one element.
    pub fn push(&mut self, s: &[u8]) {
        let start = self.buf.len();
        match as_int(s) {
            Some(n) => self.push_int(n),
            None => self.push_str(s),
        }
        let entry_len = self.buf.len() - start;
        write_backlen(&mut self.buf, entry_len);
        self.count += 1;
    }

    fn push_int(&mut self, n: i64) {
        let b = &mut self.buf;
        if (0..=127).contains(&n) {
            b.push(n as u8);
        } else if (-4096..=4095).contains(&n) {
            let u = (n as u64) & 0x1FFF;
            b.push(0xC0 | (u >> 8) as u8);
            b.push(u as u8);
        } else if (-32768..=32767).contains(&n) {
            b.push(0xF1);
            b.extend_from_slice(&(n as i16).to_le_bytes());
        } else if (-8_388_608..=8_388_607).contains(&n) {
            b.push(0xF2);
            b.extend_from_slice(&(n as i32).to_le_bytes()[..3]);
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&n) {
            b.push(0xF3);
            b.extend_from_slice(&(n as i32).to_le_bytes());
        } else {
            b.push(0xF4);
            b.extend_from_slice(&n.to_le_bytes());
        }
    }

    fn push_str(&mut self, s: &[u8]) {
        let b = &mut self.buf;
        let n = s.len();
        if n < 64 {
            b.push(0x80 | n as u8);
        } else if n < 4096 {
            b.push(0xE0 | (n >> 8) as u8);
            b.push(n as u8);
        } else {
            b.push(0xF0);
            b.extend_from_slice(&(n as u32).to_le_bytes());
        }
        b.extend_from_slice(s);
    }

    /// Finishes the listpack: header and terminator.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(END);
        let total = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        let count = self.count.min(COUNT_UNKNOWN) as u16;
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// Appends the back length of an entry of `len` bytes (7 bits per byte, the byte nearest
/// the entry holding the highest bits; every byte but that one has its top bit set).
fn write_backlen(out: &mut Vec<u8>, len: usize) {
    let n = backlen_size(len);
    for i in (0..n).rev() {
        let g = ((len >> (7 * i)) & 0x7F) as u8;
        out.push(if i == n - 1 { g } else { g | 0x80 });
    }
}

/// Bytes the back length of an entry of `len` bytes takes.
fn backlen_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Decodes a listpack into its elements; `None` when the bytes are not a valid listpack.
pub fn decode(lp: &[u8]) -> Option<Vec<Elem>> {
    if lp.len() < HEADER_LEN + 1 {
        return None;
    }
    let total = u32::from_le_bytes([lp[0], lp[1], lp[2], lp[3]]) as usize;
    let count = u16::from_le_bytes([lp[4], lp[5]]) as usize;
    if total != lp.len() || lp[total - 1] != END {
        return None;
    }
    let mut out = Vec::new();
    let mut p = HEADER_LEN;
    let end = total - 1;
    while p < end {
        let start = p;
        let b = lp[p];
        let take = |from: usize, n: usize| -> Option<&[u8]> {
            let to = from.checked_add(n)?;
            (to <= end).then(|| &lp[from..to])
        };
        let elem = if b & 0x80 == 0 {
            p += 1;
            Elem::Int((b & 0x7F) as i64)
        } else if b & 0xC0 == 0x80 {
            let n = (b & 0x3F) as usize;
            let s = take(p + 1, n)?;
            p += 1 + n;
            Elem::Str(s.to_vec())
        } else if b & 0xE0 == 0xC0 {
            let lo = *take(p + 1, 1)?.first()?;
            p += 2;
            let u = (((b & 0x1F) as i64) << 8) | lo as i64;
            Elem::Int(if u >= 4096 { u - 8192 } else { u })
        } else if b & 0xF0 == 0xE0 {
            let lo = *take(p + 1, 1)?.first()?;
            let n = (((b & 0x0F) as usize) << 8) | lo as usize;
            let s = take(p + 2, n)?;
            p += 2 + n;
            Elem::Str(s.to_vec())
        } else {
            match b {
                0xF0 => {
                    let l = take(p + 1, 4)?;
                    let n = u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize;
                    let s = take(p + 5, n)?;
                    p += 5 + n;
                    Elem::Str(s.to_vec())
                }
                0xF1 => {
                    let d = take(p + 1, 2)?;
                    p += 3;
                    Elem::Int(i16::from_le_bytes([d[0], d[1]]) as i64)
                }
                0xF2 => {
                    let d = take(p + 1, 3)?;
                    p += 4;
                    // Sign-extend the 24-bit value.
                    Elem::Int((i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8) as i64)
                }
                0xF3 => {
                    let d = take(p + 1, 4)?;
                    p += 5;
                    Elem::Int(i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64)
                }
                0xF4 => {
                    let d = take(p + 1, 8)?;
                    p += 9;
                    let mut x = [0u8; 8];
                    x.copy_from_slice(d);
                    Elem::Int(i64::from_le_bytes(x))
                }
                _ => return None,
            }
        };
        let entry_len = p - start;
        let bl = backlen_size(entry_len);
        let backlen = take(p, bl)?;
        let mut expect = Vec::with_capacity(5);
        write_backlen(&mut expect, entry_len);
        if backlen != expect.as_slice() {
            return None;
        }
        p += bl;
        out.push(elem);
    }
    if count != COUNT_UNKNOWN && count != out.len() {
        return None;
    }
    Some(out)
}

/// Encodes byte strings as one listpack.
pub fn encode<'a>(items: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut w = Writer::new();
    for it in items {
        w.push(it);
    }
    w.finish()
}

/// Convenience for callers holding [`Sds`] strings.
pub fn encode_sds<'a>(items: impl Iterator<Item = &'a Sds>) -> Vec<u8> {
    encode(items.map(Sds::as_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_redis_bytes() {
        // `HSET h1 f v n 5` on redis-server 7.0.15: the listpack inside DUMP's payload.
        let lp = encode([b"f".as_slice(), b"v", b"n", b"5"].into_iter());
        assert_eq!(
            lp,
            b"\x12\x00\x00\x00\x04\x00\x81f\x02\x81v\x02\x81n\x02\x05\x01\xff".to_vec()
        );
        // `RPUSH l1 a 1 200 -5000 70000 -9000000 5000000000 xyz`.
        let items: [&[u8]; 8] = [
            b"a",
            b"1",
            b"200",
            b"-5000",
            b"70000",
            b"-9000000",
            b"5000000000",
            b"xyz",
        ];
        let lp = encode(items.into_iter());
        assert_eq!(
            lp,
            b"-\x00\x00\x00\x08\x00\x81a\x02\x01\x01\xc0\xc8\x02\xf1x\xec\x03\xf2p\x11\x01\x04\xf3\xc0\xabv\xff\x05\xf4\x00\xf2\x05*\x01\x00\x00\x00\t\x83xyz\x04\xff".to_vec()
        );
        let back: Vec<Vec<u8>> = decode(&lp)
            .unwrap()
            .into_iter()
            .map(Elem::into_bytes)
            .collect();
        assert_eq!(back, items.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
    }

    #[test]
    fn long_entries_and_negative_small_ints() {
        let big = vec![b'x'; 70000];
        let mid = vec![b'y'; 300];
        let items: Vec<&[u8]> = vec![&big, &mid, b"-1", b"-4096", b"4095", b"007", b"-0"];
        let lp = encode(items.iter().copied());
        let back: Vec<Vec<u8>> = decode(&lp)
            .unwrap()
            .into_iter()
            .map(Elem::into_bytes)
            .collect();
        assert_eq!(back, items.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
    }

    #[test]
    fn refuses_garbage() {
        assert!(decode(b"").is_none());
        assert!(decode(b"\x07\x00\x00\x00\x00\x00\xff").is_some());
        assert!(decode(b"\x07\x00\x00\x00\x01\x00\xff").is_none());
        assert!(decode(b"\x09\x00\x00\x00\x01\x00\x85\x01\xff").is_none());
        assert!(decode(b"\x09\x00\x00\x00\x01\x00\x05\x02\xff").is_none());
    }
}
