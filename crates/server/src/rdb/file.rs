//! Whole-dataset RDB files (version 10, as Redis 7.0 writes them): what `SAVE`, `BGSAVE`,
//! save points and `SHUTDOWN` write, and what the server loads at start-up.
//!
//! ```text
//! file    := "REDIS0010" aux* function* db* 0xFF crc64-LE
//! aux     := 0xFA string string                (redis-ver, redis-bits, ctime, ...)
//! function:= 0xF5 string                       (a library's source, as FUNCTION LOAD takes it)
//! db      := 0xFE len 0xFB len len key*        (SELECTDB n, RESIZEDB keys expires)
//! key     := [0xFC i64-LE] type string value   (EXPIRETIME_MS, then the value as DUMP)
//! ```
//!
//! Values use the encodings of [`super::write_value`], so a file written here loads in
//! redis-server 7.0.15 and the reverse (tested against files written by Redis). Loading
//! also accepts what older Redis versions wrote: second-resolution expiry (0xFD), LRU/LFU
//! hints (0xF8/0xF9, ignored), and skips auxiliary fields it does not know. A checksum of
//! zero means "not computed" (`rdbchecksum no`), as in Redis.

use super::{read_body_at, write_str, DumpOptions, LoadError, RDB_VERSION};
use crate::db::{Keyspace, Value};
use crate::scripting::function_dump::{crc64, write_len, DumpError, Reader};

const MAGIC: &[u8; 5] = b"REDIS";
// Opcodes (RDB_OPCODE_* in Redis).
const OP_FUNCTION2: u8 = 0xF5;
const OP_FUNCTION_PRE_GA: u8 = 0xF6;
const OP_MODULE_AUX: u8 = 0xF7;
const OP_IDLE: u8 = 0xF8;
const OP_FREQ: u8 = 0xF9;
const OP_AUX: u8 = 0xFA;
const OP_RESIZEDB: u8 = 0xFB;
const OP_EXPIRETIME_MS: u8 = 0xFC;
const OP_EXPIRETIME: u8 = 0xFD;
const OP_SELECTDB: u8 = 0xFE;
const OP_EOF: u8 = 0xFF;

/// The version string written in the `redis-ver` auxiliary field.
const REDIS_VERSION: &str = "7.0.15";

/// What a dataset file is written from.
pub struct SaveInput<'a> {
    pub ks: &'a Keyspace,
    /// Library sources, in the order they are to be loaded.
    pub functions: &'a [Vec<u8>],
    pub opt: DumpOptions,
    /// `rdbchecksum`: when off, the trailing checksum is written as zero.
    pub checksum: bool,
    /// Unix time in seconds (the `ctime` field).
    pub ctime: i64,
    /// Bytes in use (the `used-mem` field).
    pub used_mem: usize,
}

/// Serializes the whole dataset.
pub fn encode(inp: &SaveInput) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(format!("{RDB_VERSION:04}").as_bytes());
    let o = inp.opt;
    aux(&mut out, "redis-ver", REDIS_VERSION, o);
    aux(&mut out, "redis-bits", "64", o);
    aux(&mut out, "ctime", &inp.ctime.to_string(), o);
    aux(&mut out, "used-mem", &inp.used_mem.to_string(), o);
    aux(&mut out, "aof-base", "0", o);
    for code in inp.functions {
        out.push(OP_FUNCTION2);
        write_str(&mut out, code, o);
    }
    for (i, d) in inp.ks.dbs.iter().enumerate() {
        if d.dict.is_empty() {
            continue;
        }
        out.push(OP_SELECTDB);
        write_len(&mut out, i);
        out.push(OP_RESIZEDB);
        write_len(&mut out, d.dict.len());
        write_len(&mut out, d.expires.len());
        for (k, v) in d.dict.iter() {
            if let Some(&when) = d.expires.get(k.as_bytes()) {
                out.push(OP_EXPIRETIME_MS);
                out.extend_from_slice(&when.to_le_bytes());
            }
            // The type byte comes before the key: write the value, then splice.
            let start = out.len();
            super::write_value(&mut out, v, o);
            let t = out[start];
            let mut key = Vec::with_capacity(k.as_bytes().len() + 5);
            key.push(t);
            write_str(&mut key, k.as_bytes(), o);
            out.splice(start..start + 1, key);
        }
    }
    out.push(OP_EOF);
    let crc = if inp.checksum { crc64(&out) } else { 0 };
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn aux(out: &mut Vec<u8>, key: &str, val: &str, o: DumpOptions) {
    out.push(OP_AUX);
    write_str(out, key.as_bytes(), o);
    write_str(out, val.as_bytes(), o);
}

/// A key read from a file.
pub struct LoadedKey {
    pub db: usize,
    pub key: Vec<u8>,
    pub value: Value,
    pub expire_ms: Option<i64>,
}

/// The content of a file.
#[derive(Default)]
pub struct Loaded {
    pub functions: Vec<Vec<u8>>,
    pub keys: Vec<LoadedKey>,
    /// Keys skipped because their time had passed.
    pub expired: u64,
}

/// Why a file could not be loaded (Redis's log wording where it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Signature,
    Version(u32),
    Checksum,
    DbIndex(usize),
    UnknownType(u8),
    PreGaFunctions,
    ModuleData,
    /// Truncated or inconsistent content.
    Corrupt,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Signature => f.write_str("Wrong signature trying to load DB from file"),
            FileError::Version(v) => write!(f, "Can't handle RDB format version {v}"),
            FileError::Checksum => f.write_str("Wrong RDB checksum. Aborting now."),
            FileError::DbIndex(i) => write!(
                f,
                "FATAL: Data file was created with a Redis server configured to handle more than {i} databases. Exiting"
            ),
            FileError::UnknownType(t) => write!(f, "Unknown RDB encoding type {t}"),
            FileError::PreGaFunctions => f.write_str("Pre-release function format not supported."),
            FileError::ModuleData => f.write_str("The RDB file contains module data, which this server cannot load."),
            FileError::Corrupt => f.write_str("Short read or OOM loading DB. Unrecoverable error, aborting now."),
        }
    }
}

impl From<DumpError> for FileError {
    fn from(_: DumpError) -> FileError {
        FileError::Corrupt
    }
}

impl From<LoadError> for FileError {
    fn from(_: LoadError) -> FileError {
        FileError::Corrupt
    }
}

/// Parses a file for a server with `databases` databases; keys whose expiry is before
/// `now_ms` are dropped, as a primary does when loading.
pub fn decode(data: &[u8], databases: usize, now_ms: i64) -> Result<Loaded, FileError> {
    if data.len() < 9 || &data[..5] != MAGIC {
        return Err(FileError::Signature);
    }
    let version = std::str::from_utf8(&data[5..9])
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .ok_or(FileError::Signature)?;
    if version < 1 || version > RDB_VERSION as u32 {
        return Err(FileError::Version(version));
    }
    let mut r = Reader { data, pos: 9 };
    let mut out = Loaded::default();
    let mut db = 0usize;
    let mut expire: Option<i64> = None;
    loop {
        let op = r.byte()?;
        match op {
            OP_EOF => break,
            OP_SELECTDB => {
                db = r.plain_len()?;
                if db >= databases {
                    return Err(FileError::DbIndex(databases));
                }
            }
            OP_RESIZEDB => {
                r.plain_len()?;
                r.plain_len()?;
            }
            OP_AUX => {
                r.string()?;
                r.string()?;
            }
            OP_EXPIRETIME_MS => {
                let b = r.take(8)?;
                expire = Some(i64::from_le_bytes(
                    b.try_into().map_err(|_| FileError::Corrupt)?,
                ));
            }
            OP_EXPIRETIME => {
                let b = r.take(4)?;
                let s = i32::from_le_bytes(b.try_into().map_err(|_| FileError::Corrupt)?);
                expire = Some(s as i64 * 1000);
            }
            OP_IDLE => {
                r.plain_len()?;
            }
            OP_FREQ => {
                r.byte()?;
            }
            OP_FUNCTION2 => out.functions.push(r.string()?),
            OP_FUNCTION_PRE_GA => return Err(FileError::PreGaFunctions),
            OP_MODULE_AUX => return Err(FileError::ModuleData),
            t => {
                if !known_type(t) {
                    return Err(FileError::UnknownType(t));
                }
                let key = r.string()?;
                let value = read_body_at(&mut r, t)?;
                let when = expire.take();
                if when.is_some_and(|w| w < now_ms) {
                    out.expired += 1;
                    continue;
                }
                out.keys.push(LoadedKey {
                    db,
                    key,
                    value,
                    expire_ms: when,
                });
            }
        }
    }
    if version >= 5 {
        let body_end = r.pos;
        let b = r.take(8)?;
        let stored = u64::from_le_bytes(b.try_into().map_err(|_| FileError::Corrupt)?);
        if stored != 0 && stored != crc64(&data[..body_end]) {
            return Err(FileError::Checksum);
        }
    }
    Ok(out)
}

/// Value types this server reads (see [`super`]).
fn known_type(t: u8) -> bool {
    matches!(t, 0..=5 | 9..=19)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut ks = Keyspace::new(16);
        ks.set(0, b"s", Value::from_bytes(b"hello"), false);
        ks.set(0, b"n", Value::from_bytes(b"-12345"), false);
        ks.set(0, b"t", Value::from_bytes(&[b'x'; 300]), false);
        ks.set_expire(0, b"t", 4_102_444_800_000);
        ks.set(7, b"other", Value::from_bytes(b"db7"), false);
        let functions =
            vec![b"#!lua name=l\nredis.register_function('f', function() end)".to_vec()];
        encode(&SaveInput {
            ks: &ks,
            functions: &functions,
            opt: DumpOptions::default(),
            checksum: true,
            ctime: 1_700_000_000,
            used_mem: 1_000_000,
        })
    }

    fn text(v: &Value) -> Vec<u8> {
        match v {
            Value::Int(n) => n.to_string().into_bytes(),
            Value::Str(s) => s.as_bytes().to_vec(),
            _ => panic!("not a string"),
        }
    }

    #[test]
    fn round_trip() {
        let data = sample();
        assert_eq!(&data[..9], b"REDIS0010");
        let l = decode(&data, 16, 0).expect("decode");
        assert_eq!(l.functions.len(), 1);
        assert_eq!(l.keys.len(), 4);
        let get = |db: usize, k: &[u8]| {
            l.keys
                .iter()
                .find(|x| x.db == db && x.key == k)
                .expect("key")
        };
        assert_eq!(text(&get(0, b"s").value), b"hello");
        assert_eq!(text(&get(0, b"n").value), b"-12345");
        assert_eq!(text(&get(0, b"t").value), vec![b'x'; 300]);
        assert_eq!(get(0, b"t").expire_ms, Some(4_102_444_800_000));
        assert_eq!(get(0, b"s").expire_ms, None);
        assert_eq!(text(&get(7, b"other").value), b"db7");
        // Keys whose time has passed are dropped while loading.
        let later = decode(&data, 16, 4_102_444_800_001).expect("decode");
        assert_eq!((later.keys.len(), later.expired), (3, 1));
        // A server with fewer databases refuses the file.
        assert_eq!(decode(&data, 4, 0).err(), Some(FileError::DbIndex(4)));
    }

    #[test]
    fn checksum_zero_means_unchecked() {
        let mut data = sample();
        let n = data.len();
        data[n - 8..].fill(0);
        assert!(decode(&data, 16, 0).is_ok());
        data[n - 1] = 1;
        assert_eq!(decode(&data, 16, 0).err(), Some(FileError::Checksum));
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let data = sample();
        for cut in 0..data.len() {
            assert!(decode(&data[..cut], 16, 0).is_err(), "prefix {cut}");
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut d = data.clone();
            let i = 9 + (x as usize) % (d.len() - 9);
            d[i] ^= (x >> 32) as u8 | 1;
            // Without the checksum every mutation reaches the parser.
            let n = d.len();
            d[n - 8..].fill(0);
            let _ = decode(&d, 16, 0);
        }
    }
}
