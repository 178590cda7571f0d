//! The other compact blobs a DUMP payload may carry: intsets (written and read), and the
//! formats of older Redis versions that RESTORE still accepts: ziplists (lists, hashes
//! and sorted sets before 7.0, quicklist nodes before 7.0) and zipmaps (hashes before
//! 2.6).
//!
//! ```text
//! intset  := width u32 LE (2, 4 or 8) | count u32 LE | count sorted integers, LE
//! ziplist := total u32 LE | tail offset u32 LE | count u16 LE | entry* | 0xFF
//!   entry := prevlen (1 byte, or 0xFE + u32 LE) | encoding | data
//! zipmap  := count u8 | { len key len free value free-bytes }* | 0xFF
//! ```
//!
//! Every decoder checks lengths against the buffer and returns `None` on anything
//! inconsistent; none of them panics on bad input.

use super::listpack::Elem;

/// Ziplist header: total bytes, tail offset, count.
const ZL_HEADER_LEN: usize = 10;
/// Ziplist and zipmap terminator.
const END: u8 = 0xFF;
/// A ziplist `prevlen` byte announcing a 4-byte length.
const ZL_BIG_PREVLEN: u8 = 0xFE;
/// A zipmap length byte announcing a 4-byte length.
const ZM_BIG_LEN: u8 = 254;
/// Intset header: width and count.
const INTSET_HEADER_LEN: usize = 8;

/// Encodes sorted integers as an intset of the narrowest width that holds them all.
pub fn intset_encode(values: &[i64]) -> Vec<u8> {
    let fits = |lo: i64, hi: i64| values.iter().all(|v| (lo..=hi).contains(v));
    let width: usize = if fits(i16::MIN as i64, i16::MAX as i64) {
        2
    } else if fits(i32::MIN as i64, i32::MAX as i64) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(INTSET_HEADER_LEN + width * values.len());
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for &v in values {
        out.extend_from_slice(&v.to_le_bytes()[..width]);
    }
    out
}

/// Decodes an intset; the values must be strictly increasing.
pub fn intset_decode(b: &[u8]) -> Option<Vec<i64>> {
    if b.len() < INTSET_HEADER_LEN {
        return None;
    }
    let width = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let count = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if !matches!(width, 2 | 4 | 8) || b.len() != INTSET_HEADER_LEN + width.checked_mul(count)? {
        return None;
    }
    let mut out: Vec<i64> = Vec::with_capacity(count);
    for chunk in b[INTSET_HEADER_LEN..].chunks_exact(width) {
        let v = match width {
            2 => i16::from_le_bytes([chunk[0], chunk[1]]) as i64,
            4 => i32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as i64,
            _ => {
                let mut x = [0u8; 8];
                x.copy_from_slice(chunk);
                i64::from_le_bytes(x)
            }
        };
        if out.last().is_some_and(|&last| last >= v) {
            return None;
        }
        out.push(v);
    }
    Some(out)
}

/// Decodes a ziplist into its elements.
pub fn ziplist_decode(z: &[u8]) -> Option<Vec<Elem>> {
    if z.len() < ZL_HEADER_LEN + 1 {
        return None;
    }
    let total = u32::from_le_bytes([z[0], z[1], z[2], z[3]]) as usize;
    let count = u16::from_le_bytes([z[8], z[9]]) as usize;
    if total != z.len() || z[total - 1] != END {
        return None;
    }
    let end = total - 1;
    let take = |from: usize, n: usize| -> Option<&[u8]> {
        let to = from.checked_add(n)?;
        (to <= end).then(|| &z[from..to])
    };
    let mut out = Vec::new();
    let mut p = ZL_HEADER_LEN;
    let mut prev_len = 0usize;
    while p < end {
        let start = p;
        // The previous entry's length, which must match what we walked.
        let pl = if z[p] == ZL_BIG_PREVLEN {
            let b = take(p + 1, 4)?;
            p += 5;
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
        } else {
            p += 1;
            z[p - 1] as usize
        };
        if pl != prev_len {
            return None;
        }
        let e = *take(p, 1)?.first()?;
        let elem = match e >> 6 {
            0 => {
                let n = (e & 0x3F) as usize;
                let s = take(p + 1, n)?;
                p += 1 + n;
                Elem::Str(s.to_vec())
            }
            1 => {
                let lo = *take(p + 1, 1)?.first()? as usize;
                let n = (((e & 0x3F) as usize) << 8) | lo;
                let s = take(p + 2, n)?;
                p += 2 + n;
                Elem::Str(s.to_vec())
            }
            2 => {
                let l = take(p + 1, 4)?;
                let n = u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize;
                let s = take(p + 5, n)?;
                p += 5 + n;
                Elem::Str(s.to_vec())
            }
            _ => {
                let (width, v) = match e {
                    0xC0 => {
                        let d = take(p + 1, 2)?;
                        (2, i16::from_le_bytes([d[0], d[1]]) as i64)
                    }
                    0xD0 => {
                        let d = take(p + 1, 4)?;
                        (4, i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64)
                    }
                    0xE0 => {
                        let d = take(p + 1, 8)?;
                        let mut x = [0u8; 8];
                        x.copy_from_slice(d);
                        (8, i64::from_le_bytes(x))
                    }
                    0xF0 => {
                        let d = take(p + 1, 3)?;
                        (3, (i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8) as i64)
                    }
                    0xFE => (1, *take(p + 1, 1)?.first()? as i8 as i64),
                    0xF1..=0xFD => (0, (e & 0x0F) as i64 - 1),
                    _ => return None,
                };
                p += 1 + width;
                Elem::Int(v)
            }
        };
        prev_len = p - start;
        out.push(elem);
    }
    // A count of 65535 means "too many to count".
    if count != u16::MAX as usize && count != out.len() {
        return None;
    }
    Some(out)
}

/// Decodes a zipmap into field/value pairs.
pub fn zipmap_decode(z: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut p = 1usize;
    let mut out = Vec::new();
    let len_at = |p: &mut usize| -> Option<usize> {
        let b = *z.get(*p)?;
        if b == ZM_BIG_LEN {
            let d = z.get(*p + 1..*p + 5)?;
            *p += 5;
            Some(u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize)
        } else if b == END {
            None
        } else {
            *p += 1;
            Some(b as usize)
        }
    };
    loop {
        if *z.get(p)? == END {
            return (p + 1 == z.len()).then_some(out);
        }
        let kl = len_at(&mut p)?;
        let key = z.get(p..p.checked_add(kl)?)?.to_vec();
        p += kl;
        let vl = len_at(&mut p)?;
        let free = *z.get(p)? as usize;
        p += 1;
        let val = z.get(p..p.checked_add(vl)?)?.to_vec();
        p += vl + free;
        out.push((key, val));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intsets_match_redis() {
        // DUMP payload bodies of `SADD si 1 2 3`, `SADD si2 1 70000`, `SADD si3 1 5000000000`
        // on redis-server 7.0.15.
        assert_eq!(
            intset_encode(&[1, 2, 3]),
            b"\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00".to_vec()
        );
        assert_eq!(
            intset_encode(&[1, 70000]),
            b"\x04\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00p\x11\x01\x00".to_vec()
        );
        let wide = intset_encode(&[1, 5_000_000_000]);
        assert_eq!(wide.len(), 24);
        assert_eq!(intset_decode(&wide), Some(vec![1, 5_000_000_000]));
        assert_eq!(
            intset_decode(b"\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00"),
            None
        );
        assert_eq!(intset_decode(b"\x03\x00\x00\x00\x00\x00\x00\x00"), None);
    }

    #[test]
    fn ziplist_entries() {
        // A ziplist holding "ab", 12, -2 (int8), 1000 (int16), 70000 (int24).
        let mut z = vec![0u8; 10];
        let entries: Vec<Vec<u8>> = vec![
            b"\x02ab".to_vec(),
            vec![0xFD],
            vec![0xFE, 0xFE],
            vec![0xC0, 0xE8, 0x03],
            vec![0xF0, 0x70, 0x11, 0x01],
        ];
        let mut prev = 0u8;
        for e in &entries {
            z.push(prev);
            z.extend_from_slice(e);
            prev = (e.len() + 1) as u8;
        }
        z.push(0xFF);
        let total = z.len() as u32;
        z[..4].copy_from_slice(&total.to_le_bytes());
        z[8] = 5;
        let got = ziplist_decode(&z).unwrap();
        assert_eq!(
            got,
            vec![
                Elem::Str(b"ab".to_vec()),
                Elem::Int(12),
                Elem::Int(-2),
                Elem::Int(1000),
                Elem::Int(70000)
            ]
        );
        z[8] = 4;
        assert!(ziplist_decode(&z).is_none());
    }

    #[test]
    fn zipmaps() {
        let z = b"\x02\x01a\x01\x00x\x02bb\x02\x01yy\x00\xff";
        assert_eq!(
            zipmap_decode(z).unwrap(),
            vec![
                (b"a".to_vec(), b"x".to_vec()),
                (b"bb".to_vec(), b"yy".to_vec())
            ]
        );
        assert!(zipmap_decode(b"\x01\x05a").is_none());
    }
}
