//! HyperLogLog sketches stored as strings, byte for byte in Redis's format so that GET,
//! PFCOUNT and PFMERGE agree with Redis 7.0 on the same inputs.
//!
//! Layout: a 16-byte header — `HYLL`, the encoding (0 dense, 1 sparse), three zero bytes,
//! and the cached cardinality as a little-endian u64 whose top bit marks the cache stale —
//! followed by 16384 six-bit registers.
//!
//! * Dense: registers packed least significant bit first (register `i` starts at bit
//!   `6i`), 12288 bytes.
//! * Sparse: run-length opcodes. `00xxxxxx`: 1–64 zero registers; `01xxxxxx yyyyyyyy`:
//!   1–16384 zero registers; `1vvvvvxx`: 1–4 registers of value 1–32. A new sketch is one
//!   run of 16384 zeros. Setting a register splits the opcode covering it into at most
//!   three and then merges neighbouring equal value runs, the same way Redis edits it, so
//!   the bytes match. A sketch becomes dense when a register needs a value over 32 or
//!   the string would grow past `hll-sparse-max-bytes`.
//!
//! Elements are hashed with MurmurHash64A (seed `0xadc83b19`); the low 14 bits pick the
//! register, and the register value is one plus the number of trailing zeros of the
//! remaining 50 bits. The count uses Ertl's estimator (arXiv:1702.01284), as Redis 7.

/// Header bytes.
pub const HDR: usize = 16;
/// log2 of the register count (Redis `HLL_P`).
pub const P: u32 = 14;
/// Registers per sketch.
pub const REGISTERS: usize = 1 << P;
/// Hash bits left after the register index (Redis `HLL_Q`).
pub const Q: usize = 64 - P as usize;
/// Bits per dense register.
const BITS: usize = 6;
const REGISTER_MAX: u32 = (1 << BITS) - 1;
/// Total size of a dense sketch.
pub const DENSE_SIZE: usize = HDR + (REGISTERS * BITS).div_ceil(8);
/// Encodings as stored in the header.
pub const DENSE: u8 = 0;
pub const SPARSE: u8 = 1;
/// Largest value and run length of a sparse VAL opcode, and run of a ZERO opcode.
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;
/// Hash seed Redis uses for HyperLogLog elements.
const SEED: u64 = 0xadc8_3b19;
/// `1 / (2 ln 2)`, the asymptotic bias constant of the estimator.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;
/// Opcodes looked at for merges after a sparse update (as Redis).
const MERGE_SCAN: usize = 5;

/// A sketch whose sparse opcodes do not add up to 16384 registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// MurmurHash64A over `key` (little-endian 8-byte blocks).
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let chunks = key.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// Register index and value for an element.
pub fn position(elem: &[u8]) -> (usize, u8) {
    let h = murmur64a(elem, SEED);
    let index = (h & (REGISTERS as u64 - 1)) as usize;
    let rest = (h >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// A new, empty sparse sketch with a valid cached count of 0.
pub fn new_sparse() -> Vec<u8> {
    let mut v = b"HYLL".to_vec();
    v.push(SPARSE);
    v.extend_from_slice(&[0; 11]);
    push_zero_run(&mut v, REGISTERS);
    v
}

/// Whether `v` looks like a sketch (Redis's `isHLLObjectOrReply` checks).
pub fn is_valid(v: &[u8]) -> bool {
    v.len() >= HDR
        && &v[..4] == b"HYLL"
        && v[4] <= SPARSE
        && (v[4] != DENSE || v.len() == DENSE_SIZE)
}

pub fn invalidate_cache(v: &mut [u8]) {
    v[15] |= 0x80;
}

/// The cached count, when valid.
pub fn cached(v: &[u8]) -> Option<u64> {
    if v[15] & 0x80 != 0 {
        return None;
    }
    Some(u64::from_le_bytes([
        v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15],
    ]))
}

pub fn set_cache(v: &mut [u8], n: u64) {
    v[8..16].copy_from_slice(&n.to_le_bytes());
}

// ---- dense registers ----

pub fn dense_get(regs: &[u8], i: usize) -> u8 {
    let bit = i * BITS;
    let (b, fb) = (bit / 8, bit % 8);
    let lo = regs[b] as u32;
    let hi = regs.get(b + 1).copied().unwrap_or(0) as u32;
    (((lo >> fb) | (hi << (8 - fb))) & REGISTER_MAX) as u8
}

pub fn dense_set(regs: &mut [u8], i: usize, val: u8) {
    let bit = i * BITS;
    let (b, fb) = (bit / 8, bit % 8);
    let v = val as u32;
    regs[b] = ((regs[b] as u32 & !(REGISTER_MAX << fb)) | (v << fb)) as u8;
    if let Some(n) = regs.get_mut(b + 1) {
        let sh = 8 - fb;
        *n = ((*n as u32 & !(REGISTER_MAX >> sh)) | (v >> sh)) as u8;
    }
}

// ---- sparse opcodes ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Run of zero registers; `wide` for the two-byte XZERO form.
    Zero {
        len: usize,
        wide: bool,
    },
    Val {
        value: u8,
        len: usize,
    },
}

impl Op {
    fn bytes(self) -> usize {
        match self {
            Op::Zero { wide: true, .. } => 2,
            _ => 1,
        }
    }
    fn span(self) -> usize {
        match self {
            Op::Zero { len, .. } | Op::Val { len, .. } => len,
        }
    }
}

fn op_at(s: &[u8], p: usize) -> Result<Op, Corrupt> {
    let b = s[p];
    Ok(if b & 0x80 != 0 {
        Op::Val {
            value: ((b >> 2) & 0x1f) + 1,
            len: (b & 0x03) as usize + 1,
        }
    } else if b & 0x40 != 0 {
        let lo = *s.get(p + 1).ok_or(Corrupt)? as usize;
        Op::Zero {
            len: ((((b & 0x3f) as usize) << 8) | lo) + 1,
            wide: true,
        }
    } else {
        Op::Zero {
            len: (b & 0x3f) as usize + 1,
            wide: false,
        }
    })
}

fn val_byte(value: u8, len: usize) -> u8 {
    0x80 | ((value - 1) << 2) | (len as u8 - 1)
}

/// Appends the shortest opcode for a run of `len` zeros.
fn push_zero_run(out: &mut Vec<u8>, len: usize) {
    if len > SPARSE_ZERO_MAX_LEN {
        let l = len - 1;
        out.push(0x40 | (l >> 8) as u8);
        out.push((l & 0xff) as u8);
    } else {
        out.push(len as u8 - 1);
    }
}

/// Walks the opcodes of a sparse sketch, calling `f(first_register, op)`; checks that
/// they cover exactly 16384 registers.
fn walk(v: &[u8], mut f: impl FnMut(usize, Op)) -> Result<(), Corrupt> {
    let mut p = HDR;
    let mut idx = 0;
    while p < v.len() {
        let op = op_at(v, p)?;
        f(idx, op);
        idx += op.span();
        p += op.bytes();
    }
    if idx != REGISTERS {
        return Err(Corrupt);
    }
    Ok(())
}

/// Converts a sparse sketch to dense in place (the header, cache included, is kept).
pub fn to_dense(v: &mut Vec<u8>) -> Result<(), Corrupt> {
    if v[4] == DENSE {
        return Ok(());
    }
    let mut d = vec![0u8; DENSE_SIZE];
    d[..HDR].copy_from_slice(&v[..HDR]);
    d[4] = DENSE;
    {
        let regs = &mut d[HDR..];
        walk(v, |first, op| {
            if let Op::Val { value, len } = op {
                for i in first..(first + len).min(REGISTERS) {
                    dense_set(regs, i, value);
                }
            }
        })?;
    }
    *v = d;
    Ok(())
}

/// Raises register `index` to `count`; true when it changed. Sparse sketches are edited
/// in place or converted to dense (values over 32, or size past `sparse_max`).
pub fn set(v: &mut Vec<u8>, index: usize, count: u8, sparse_max: usize) -> Result<bool, Corrupt> {
    if v[4] == DENSE {
        return Ok(dense_raise(&mut v[HDR..], index, count));
    }
    match sparse_set(v, index, count, sparse_max)? {
        Some(changed) => Ok(changed),
        None => {
            to_dense(v)?;
            Ok(dense_raise(&mut v[HDR..], index, count))
        }
    }
}

fn dense_raise(regs: &mut [u8], index: usize, count: u8) -> bool {
    if dense_get(regs, index) < count {
        dense_set(regs, index, count);
        true
    } else {
        false
    }
}

/// Sparse update; `None` when the sketch must become dense first.
fn sparse_set(
    v: &mut Vec<u8>,
    index: usize,
    count: u8,
    sparse_max: usize,
) -> Result<Option<bool>, Corrupt> {
    if count > SPARSE_VAL_MAX_VALUE {
        return Ok(None);
    }
    // Find the opcode covering `index`.
    let mut p = HDR;
    let mut first = 0;
    let mut prev: Option<usize> = None;
    let mut op = None;
    while p < v.len() {
        let o = op_at(v, p)?;
        if index < first + o.span() {
            op = Some(o);
            break;
        }
        prev = Some(p);
        p += o.bytes();
        first += o.span();
    }
    let op = op.ok_or(Corrupt)?;
    let runlen = op.span();
    match op {
        Op::Val { value, .. } if value >= count => return Ok(Some(false)),
        Op::Val { len: 1, .. }
        | Op::Zero {
            len: 1,
            wide: false,
        } => {
            v[p] = val_byte(count, 1);
        }
        _ => {
            // Split into (before, the new value, after).
            let last = first + runlen - 1;
            let mut seq = Vec::with_capacity(5);
            match op {
                Op::Zero { .. } => {
                    if index != first {
                        push_zero_run(&mut seq, index - first);
                    }
                    seq.push(val_byte(count, 1));
                    if index != last {
                        push_zero_run(&mut seq, last - index);
                    }
                }
                Op::Val { value, .. } => {
                    if index != first {
                        seq.push(val_byte(value, index - first));
                    }
                    seq.push(val_byte(count, 1));
                    if index != last {
                        seq.push(val_byte(value, last - index));
                    }
                }
            }
            let old = op.bytes();
            if seq.len() != old && v.len() + seq.len() - old > sparse_max {
                return Ok(None);
            }
            v.splice(p..p + old, seq);
        }
    }
    merge_runs(v, prev.unwrap_or(HDR));
    Ok(Some(true))
}

/// Merges adjacent VAL opcodes of equal value (up to 4 registers) near `from`.
fn merge_runs(v: &mut Vec<u8>, from: usize) {
    let mut p = from;
    let mut scan = MERGE_SCAN;
    while p < v.len() && scan > 0 {
        scan -= 1;
        let b = v[p];
        if b & 0x80 == 0 {
            p += if b & 0x40 != 0 { 2 } else { 1 };
            continue;
        }
        if p + 1 < v.len() && v[p + 1] & 0x80 != 0 {
            let (v1, l1) = (((b >> 2) & 0x1f) + 1, (b & 3) as usize + 1);
            let n = v[p + 1];
            let (v2, l2) = (((n >> 2) & 0x1f) + 1, (n & 3) as usize + 1);
            if v1 == v2 && l1 + l2 <= SPARSE_VAL_MAX_LEN {
                v[p + 1] = val_byte(v1, l1 + l2);
                v.remove(p);
                continue;
            }
        }
        p += 1;
    }
}

/// Folds a sketch into `max` (one byte per register, the larger value wins).
pub fn merge_into(max: &mut [u8], v: &[u8]) -> Result<(), Corrupt> {
    if v[4] == DENSE {
        let regs = &v[HDR..];
        for (i, m) in max.iter_mut().enumerate() {
            let r = dense_get(regs, i);
            if r > *m {
                *m = r;
            }
        }
        return Ok(());
    }
    walk(v, |first, op| {
        if let Op::Val { value, len } = op {
            for m in max.iter_mut().skip(first).take(len) {
                if value > *m {
                    *m = value;
                }
            }
        }
    })
}

/// Register-value histogram of a sketch.
fn histogram(v: &[u8]) -> Result<[u32; 64], Corrupt> {
    let mut h = [0u32; 64];
    if v[4] == DENSE {
        let regs = &v[HDR..];
        for i in 0..REGISTERS {
            h[dense_get(regs, i) as usize] += 1;
        }
    } else {
        walk(v, |_, op| match op {
            Op::Zero { len, .. } => h[0] += len as u32,
            Op::Val { value, len } => h[value as usize] += len as u32,
        })?;
    }
    Ok(h)
}

/// Histogram of raw one-byte registers (multi-key PFCOUNT).
pub fn raw_histogram(regs: &[u8]) -> [u32; 64] {
    let mut h = [0u32; 64];
    for &r in regs {
        h[(r & 63) as usize] += 1;
    }
    h
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

/// Cardinality estimate from a register histogram.
pub fn estimate(h: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - h[Q + 1] as f64) / m);
    for j in (1..=Q).rev() {
        z += h[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(h[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// Cardinality of one sketch.
pub fn count(v: &[u8]) -> Result<u64, Corrupt> {
    Ok(estimate(&histogram(v)?))
}

/// Opcode listing for `PFDEBUG DECODE` (`z:n` ZERO, `Z:n` XZERO, `v:value,len` VAL).
pub fn decode(v: &[u8]) -> Result<String, Corrupt> {
    let mut s = String::new();
    let mut p = HDR;
    while p < v.len() {
        let op = op_at(v, p)?;
        match op {
            Op::Zero { len, wide: false } => s.push_str(&format!("z:{len} ")),
            Op::Zero { len, wide: true } => s.push_str(&format!("Z:{len} ")),
            Op::Val { value, len } => s.push_str(&format!("v:{value},{len} ")),
        }
        p += op.bytes();
    }
    Ok(s.trim_end().to_string())
}

/// Elements added by [`self_test`], and the largest relative error it accepts: five
/// standard errors of a 16384-register sketch (1.04 / sqrt(16384)).
const SELFTEST_ELEMENTS: u64 = 100_000;
const SELFTEST_MAX_ERROR: f64 = 5.0 * 1.04 / 128.0;
/// The default `hll-sparse-max-bytes`, so the sparse sketch is promoted as in use.
const SELFTEST_SPARSE_MAX: usize = 3000;

/// `PFSELFTEST`: dense registers keep what is written in them, and sparse and dense
/// sketches fed the same elements agree and stay within the expected error.
pub fn self_test() -> Result<(), String> {
    let mut regs = vec![0u8; DENSE_SIZE - HDR];
    let mut expect = vec![0u8; REGISTERS];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..4 {
        for (i, e) in expect.iter_mut().enumerate() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *e = (x % (REGISTER_MAX as u64 + 1)) as u8;
            dense_set(&mut regs, i, *e);
        }
        if let Some(i) = (0..REGISTERS).find(|&i| dense_get(&regs, i) != expect[i]) {
            return Err(format!("TESTFAILED Register error at index {i}"));
        }
    }
    let mut sparse = new_sparse();
    let mut dense = new_sparse();
    to_dense(&mut dense).map_err(|_| "TESTFAILED corrupted sketch".to_string())?;
    let mut checkpoint = 1u64;
    for n in 1..=SELFTEST_ELEMENTS {
        let (i, c) = position(&n.to_le_bytes());
        set(&mut sparse, i, c, SELFTEST_SPARSE_MAX)
            .map_err(|_| "TESTFAILED corrupted sketch".to_string())?;
        set(&mut dense, i, c, SELFTEST_SPARSE_MAX)
            .map_err(|_| "TESTFAILED corrupted sketch".to_string())?;
        if n == checkpoint {
            checkpoint *= 10;
            let (a, b) = (count(&sparse), count(&dense));
            let (Ok(a), Ok(b)) = (a, b) else {
                return Err("TESTFAILED corrupted sketch".into());
            };
            if a != b {
                return Err(format!(
                    "TESTFAILED sparse count {a} != dense count {b} at {n}"
                ));
            }
            let err = (a as f64 - n as f64).abs() / n as f64;
            if n >= 100 && err > SELFTEST_MAX_ERROR {
                return Err(format!("TESTFAILED too big error. card:{n} abserr:{err}"));
            }
        }
    }
    Ok(())
}

/// Upper bound of an XZERO run, for documentation of the format.
const _: () = assert!(SPARSE_XZERO_MAX_LEN == REGISTERS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur_known_values() {
        // Register positions Redis 7.0.15 gives (PFDEBUG DECODE after PFADD h a b c d:
        // "Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603").
        let mut got: Vec<(usize, u8)> = [b"a", b"b", b"c", b"d"]
            .iter()
            .map(|e| position(*e))
            .collect();
        got.sort();
        assert_eq!(
            got.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![7292, 8436, 12711, 15780]
        );
        assert_eq!(
            got.iter().map(|p| p.1).collect::<Vec<_>>(),
            vec![1, 1, 2, 1]
        );
    }

    #[test]
    fn dense_registers_round_trip() {
        let mut regs = vec![0u8; DENSE_SIZE - HDR];
        for i in [0, 1, 2, 3, 4, 1000, REGISTERS - 1] {
            dense_set(&mut regs, i, (i % 63) as u8 + 1);
        }
        for i in [0, 1, 2, 3, 4, 1000, REGISTERS - 1] {
            assert_eq!(dense_get(&regs, i), (i % 63) as u8 + 1);
        }
        assert_eq!(dense_get(&regs, 5), 0);
    }

    #[test]
    fn empty_and_small_sketches() {
        let mut v = new_sparse();
        assert_eq!(v.len(), 18);
        assert_eq!(count(&v), Ok(0));
        assert_eq!(set(&mut v, 100, 3, 3000), Ok(true));
        assert_eq!(set(&mut v, 100, 2, 3000), Ok(false));
        assert_eq!(decode(&v).unwrap(), "Z:100 v:3,1 Z:16283");
        assert_eq!(count(&v), Ok(1));
        assert_eq!(set(&mut v, 101, 3, 3000), Ok(true));
        assert_eq!(decode(&v).unwrap(), "Z:100 v:3,2 Z:16282");
        assert_eq!(set(&mut v, 7, 40, 3000), Ok(true));
        assert_eq!(v[4], DENSE);
        assert_eq!(v.len(), DENSE_SIZE);
        assert_eq!(count(&v), Ok(3));
    }

    #[test]
    fn self_test_passes() {
        assert_eq!(self_test(), Ok(()));
    }

    fn fnv1a(b: &[u8]) -> u64 {
        b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| {
            (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Sketches built like `PFADD key <elements>` followed by `PFCOUNT key`; counts, sizes
    /// and FNV-1a hashes of the GET bytes were taken from redis-server 7.0.15.
    #[test]
    fn same_bytes_and_counts_as_redis() {
        let cases: &[(&str, usize, u64, usize, u64)] = &[
            ("k", 200_000, 200_550, 12304, 0xd4be_3fc5_bb02_07b3),
            ("x", 10, 10, 47, 0x9f1d_a9c9_e9fe_d0c7),
            ("x", 100, 99, 288, 0x972d_e1ee_c7b5_cd3f),
            ("x", 1000, 1001, 1877, 0xc0d1_5165_203a_cae9),
            ("x", 20_000, 19_985, 12304, 0x22b5_ba47_fa92_0c3d),
        ];
        for &(prefix, n, want, len, hash) in cases {
            let mut v = new_sparse();
            for i in 0..n {
                let (idx, c) = position(format!("{prefix}{i}").as_bytes());
                set(&mut v, idx, c, 3000).unwrap();
            }
            invalidate_cache(&mut v);
            let got = count(&v).unwrap();
            set_cache(&mut v, got);
            assert_eq!(
                (got, v.len(), fnv1a(&v)),
                (want, len, hash),
                "{prefix} x {n}"
            );
        }
    }
}
