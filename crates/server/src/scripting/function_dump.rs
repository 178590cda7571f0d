//! The `FUNCTION DUMP` / `FUNCTION RESTORE` payload, in Redis 7.0's format so payloads
//! move between this server and redis-server in both directions:
//!
//! ```text
//! payload := { 0xF5 rdb-string(library code) }*   one record per library
//!            rdb-version   2 bytes little endian  (10 for Redis 7.0)
//!            crc64         8 bytes little endian  over everything before it
//! ```
//!
//! An rdb-string is a length-prefixed string in RDB's length encoding, or (as Redis
//! writes strings longer than 20 bytes with `rdbcompression yes`) an LZF-compressed
//! string. The checksum is the CRC-64 variant RDB files use ("Jones" coefficients,
//! reflected, no final xor). The LZF coder makes the same choices as liblzf's default
//! configuration, so DUMP payloads are byte-identical to redis-server's (checked on
//! the payloads of the tests).
//!
//! Tests: unit tests below (checksum check value, LZF round trips, a payload dumped by
//! redis-server 7.0.15) and `redis-tests/functions-dump.txt`.

/// RDB opcode of a function library record (`RDB_OPCODE_FUNCTION2` in Redis 7.0).
pub const OPCODE_FUNCTION: u8 = 245;
/// RDB opcode of the pre-release 7.0 function record, which 7.0.15 no longer writes.
pub const OPCODE_FUNCTION_PRE_GA: u8 = 246;
/// RDB version written into payloads: Redis 7.0 writes RDB version 10.
pub const RDB_VERSION: u16 = 10;
/// Strings longer than this are LZF-compressed when written (Redis: `len > 20`).
const COMPRESS_MIN_LEN: usize = 20;
/// LZF back references reach at most this far back (13 offset bits).
const LZF_MAX_OFFSET: usize = 1 << 13;
/// Longest LZF back reference: 7 + 255 in the length fields, plus the implied 2.
const LZF_MAX_MATCH: usize = 264;
/// Longest LZF literal run (5 length bits).
const LZF_MAX_LITERAL: usize = 32;
/// Size in bits of the coder's table of recent 3-byte sequences (liblzf's `HLOG`).
const LZF_HASH_BITS: u32 = 16;

/// Why a payload was refused (the texts of Redis's replies, without `ERR `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpError {
    /// Too short, version newer than ours, or checksum mismatch.
    VersionOrChecksum,
    /// A record that is not a function library.
    NotAFunction,
    /// A pre-release 7.0 record.
    PreGa,
    /// A truncated or inconsistent string.
    Corrupt,
}

impl std::fmt::Display for DumpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DumpError::VersionOrChecksum => "DUMP payload version or checksum are wrong",
            DumpError::NotAFunction => "given type is not a function",
            DumpError::PreGa => "Pre-GA function format not supported",
            DumpError::Corrupt => "Failed loading library payload",
        })
    }
}

/// CRC-64 of `data` as RDB computes it (check value of `123456789`: 0xe9c6d914c4b8d9ca).
pub fn crc64(data: &[u8]) -> u64 {
    // The coefficients 0xad93d23594c935a9, bit-reversed for the LSB-first loop.
    const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;
    static TABLE: std::sync::OnceLock<[u64; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u64; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u64;
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ POLY_REFLECTED
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    let mut crc = 0u64;
    for &b in data {
        crc = table[((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

/// Builds a payload from the libraries' codes, in the order given.
pub fn dump<'a>(codes: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes {
        out.push(OPCODE_FUNCTION);
        write_string(&mut out, code);
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Checks the footer and splits a payload into the libraries' codes.
pub fn parse(payload: &[u8]) -> Result<Vec<Vec<u8>>, DumpError> {
    if payload.len() < 10 {
        return Err(DumpError::VersionOrChecksum);
    }
    let body_end = payload.len() - 10;
    let version = u16::from_le_bytes([payload[body_end], payload[body_end + 1]]);
    if version > RDB_VERSION {
        return Err(DumpError::VersionOrChecksum);
    }
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&payload[body_end + 2..]);
    let crc = u64::from_le_bytes(crc);
    // (Unlike RDB files, a zero checksum is not taken as "not computed".)
    if crc != crc64(&payload[..body_end + 2]) {
        return Err(DumpError::VersionOrChecksum);
    }
    let mut r = Reader {
        data: &payload[..body_end],
        pos: 0,
    };
    let mut codes = Vec::new();
    while r.pos < r.data.len() {
        match r.byte()? {
            OPCODE_FUNCTION => codes.push(r.string()?),
            OPCODE_FUNCTION_PRE_GA => return Err(DumpError::PreGa),
            _ => return Err(DumpError::NotAFunction),
        }
    }
    Ok(codes)
}

/// Appends an RDB length.
pub(crate) fn write_len(out: &mut Vec<u8>, n: usize) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u32::MAX as usize {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&(n as u64).to_be_bytes());
    }
}

/// Appends an RDB string, LZF-compressed when that saves more than 4 bytes.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() > COMPRESS_MIN_LEN {
        // Redis gives the compressor `len - 4` bytes of room and stores the string
        // plain when that is not enough.
        if let Some(c) = lzf_compress_within(s, s.len() - 4) {
            out.push(0xC3);
            write_len(out, c.len());
            write_len(out, s.len());
            out.extend_from_slice(&c);
            return;
        }
    }
    write_len(out, s.len());
    out.extend_from_slice(s);
}

pub(crate) struct Reader<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) pos: usize,
}

impl Reader<'_> {
    pub(crate) fn byte(&mut self) -> Result<u8, DumpError> {
        let b = *self.data.get(self.pos).ok_or(DumpError::Corrupt)?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&[u8], DumpError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or(DumpError::Corrupt)?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// A length, or `Err(Some(kind))` for the special encodings (`11xxxxxx`).
    pub(crate) fn len(&mut self) -> Result<Result<usize, u8>, DumpError> {
        let b = self.byte()?;
        Ok(match b >> 6 {
            0 => Ok((b & 0x3f) as usize),
            1 => Ok((((b & 0x3f) as usize) << 8) | self.byte()? as usize),
            2 if b == 0x80 => {
                let mut x = [0u8; 4];
                x.copy_from_slice(self.take(4)?);
                Ok(u32::from_be_bytes(x) as usize)
            }
            2 if b == 0x81 => {
                let mut x = [0u8; 8];
                x.copy_from_slice(self.take(8)?);
                usize::try_from(u64::from_be_bytes(x))
                    .map(Ok)
                    .map_err(|_| DumpError::Corrupt)?
            }
            2 => return Err(DumpError::Corrupt),
            _ => Err(b & 0x3f),
        })
    }

    pub(crate) fn plain_len(&mut self) -> Result<usize, DumpError> {
        self.len()?.map_err(|_| DumpError::Corrupt)
    }

    pub(crate) fn string(&mut self) -> Result<Vec<u8>, DumpError> {
        match self.len()? {
            Ok(n) => Ok(self.take(n)?.to_vec()),
            Err(0) => Ok((self.byte()? as i8).to_string().into_bytes()),
            Err(1) => {
                let b = self.take(2)?;
                Ok(i16::from_le_bytes([b[0], b[1]]).to_string().into_bytes())
            }
            Err(2) => {
                let b = self.take(4)?;
                Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]])
                    .to_string()
                    .into_bytes())
            }
            Err(3) => {
                let clen = self.plain_len()?;
                let len = self.plain_len()?;
                let c = self.take(clen)?;
                lzf_decompress(c, len).ok_or(DumpError::Corrupt)
            }
            Err(_) => Err(DumpError::Corrupt),
        }
    }
}

/// Decompresses an LZF stream that must expand to exactly `len` bytes.
pub fn lzf_decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    // The claimed length comes from untrusted data: reserve at most what the input
    // can expand to (a 3-byte back-reference yields at most 264 bytes).
    let mut out = Vec::with_capacity(len.min(input.len().saturating_mul(88)));
    let mut i = 0;
    while i < input.len() {
        let ctrl = input[i] as usize;
        i += 1;
        if ctrl < LZF_MAX_LITERAL {
            let n = ctrl + 1;
            let lit = input.get(i..i + n)?;
            if out.len() + n > len {
                return None;
            }
            out.extend_from_slice(lit);
            i += n;
        } else {
            let mut n = ctrl >> 5;
            if n == 7 {
                n += *input.get(i)? as usize;
                i += 1;
            }
            n += 2;
            let back = ((ctrl & 0x1f) << 8) + *input.get(i)? as usize + 1;
            i += 1;
            if back > out.len() || out.len() + n > len {
                return None;
            }
            let from = out.len() - back;
            for k in 0..n {
                let b = out[from + k];
                out.push(b);
            }
        }
    }
    (out.len() == len).then_some(out)
}

/// Compresses `input` as an LZF stream, making the choices liblzf makes in its default
/// configuration (the one Redis builds), so the bytes match redis-server's payloads:
/// * a 2^16-entry table remembers the latest position of each 3-byte sequence's hash,
///   `((v >> 8) - 5 v) mod 2^16` for the sequence read as a big-endian 24-bit `v`;
///   position 0 is never used as a match source (it reads as "empty");
/// * matches are taken greedily, at most 264 bytes and never covering the last two
///   bytes of the input (except a 3-byte match right at the end);
/// * after a match only its last two positions enter the table.
pub fn lzf_compress(input: &[u8]) -> Vec<u8> {
    lzf_compress_within(input, usize::MAX).unwrap_or_default()
}

/// [`lzf_compress`] with `room` bytes of output space, or `None` when it runs out,
/// judged as liblzf judges it: before each literal byte the position (counting the
/// literal run's pending control byte) must be below `room`, before each back
/// reference it must leave 4 bytes, and 3 bytes must remain for the last literals.
pub fn lzf_compress_within(input: &[u8], room: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut table = vec![0usize; 1 << LZF_HASH_BITS];
    let hash = |p: usize| -> usize {
        let v = (input[p] as u32) << 16 | (input[p + 1] as u32) << 8 | input[p + 2] as u32;
        ((v >> 8).wrapping_sub(v.wrapping_mul(5)) & ((1 << LZF_HASH_BITS) - 1)) as usize
    };
    let flush_literals = |out: &mut Vec<u8>, from: usize, to: usize| {
        let mut p = from;
        while p < to {
            let n = (to - p).min(LZF_MAX_LITERAL);
            out.push((n - 1) as u8);
            out.extend_from_slice(&input[p..p + n]);
            p += n;
        }
    };
    // Output position as liblzf counts it: what is written, the pending literals with
    // their control bytes, and the control byte reserved for the current run.
    let position = |out: &Vec<u8>, pending: usize| -> usize {
        out.len()
            + pending / LZF_MAX_LITERAL * (LZF_MAX_LITERAL + 1)
            + pending % LZF_MAX_LITERAL
            + 1
    };
    let mut lit_start = 0;
    let mut ip = 0;
    while ip + 2 < input.len() {
        let h = hash(ip);
        let cand = table[h];
        table[h] = ip;
        if cand > 0 && ip - cand <= LZF_MAX_OFFSET && input[cand..cand + 3] == input[ip..ip + 3] {
            let pending = ip - lit_start;
            let op = position(&out, pending);
            let reserved = usize::from(pending % LZF_MAX_LITERAL == 0);
            if op - reserved + 4 >= room {
                return None;
            }
            let max = (input.len() - ip - 2).min(LZF_MAX_MATCH);
            let mut n = 3;
            while n < max && input[cand + n] == input[ip + n] {
                n += 1;
            }
            flush_literals(&mut out, lit_start, ip);
            let back = ip - cand - 1;
            let l = n - 2;
            if l < 7 {
                out.push(((l << 5) | (back >> 8)) as u8);
            } else {
                out.push(((7 << 5) | (back >> 8)) as u8);
                out.push((l - 7) as u8);
            }
            out.push(back as u8);
            ip += n;
            lit_start = ip;
            if ip + 2 >= input.len() {
                break;
            }
            for p in [ip - 2, ip - 1] {
                table[hash(p)] = p;
            }
        } else {
            if position(&out, ip - lit_start) >= room {
                return None;
            }
            ip += 1;
        }
    }
    if position(&out, ip - lit_start) + 3 > room {
        return None;
    }
    flush_literals(&mut out, lit_start, input.len());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_check_value() {
        assert_eq!(crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn lzf_round_trips() {
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            b"#!lua name=mylib\nredis.register_function('f', function() return 1 end)".to_vec(),
            vec![b'x'; 10_000],
            (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect(),
            b"abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc".repeat(50),
        ];
        for c in cases {
            let z = lzf_compress(&c);
            assert_eq!(lzf_decompress(&z, c.len()).as_deref(), Some(&c[..]));
        }
    }

    #[test]
    fn lzf_refuses_bad_streams() {
        // A back reference before the start, a truncated literal, a wrong length.
        assert_eq!(lzf_decompress(&[0x20, 0x05], 3), None);
        assert_eq!(lzf_decompress(&[0x03, b'a'], 4), None);
        assert_eq!(lzf_decompress(&[0x00, b'a'], 2), None);
    }

    #[test]
    fn payload_round_trip_and_errors() {
        let codes: Vec<&[u8]> = vec![
            b"#!lua name=a\nredis.register_function('a', function() return 1 end)",
            b"#!lua name=b\nx",
        ];
        let p = dump(codes.iter().copied());
        assert_eq!(
            parse(&p).unwrap(),
            codes.iter().map(|c| c.to_vec()).collect::<Vec<_>>()
        );
        let mut bad = p.clone();
        bad[3] ^= 1;
        assert_eq!(parse(&bad), Err(DumpError::VersionOrChecksum));
        assert_eq!(parse(b"bad_payload"), Err(DumpError::VersionOrChecksum));
        assert_eq!(parse(b"short"), Err(DumpError::VersionOrChecksum));
        // Version 11 (Redis 7.2) is newer than ours.
        let mut body = vec![OPCODE_FUNCTION, 1, b'x'];
        body.extend_from_slice(&11u16.to_le_bytes());
        let crc = crc64(&body);
        body.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(parse(&body), Err(DumpError::VersionOrChecksum));
        // Another record type.
        let mut body = vec![0u8, 1, b'x'];
        body.extend_from_slice(&10u16.to_le_bytes());
        let crc = crc64(&body);
        body.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(parse(&body), Err(DumpError::NotAFunction));
    }
}
