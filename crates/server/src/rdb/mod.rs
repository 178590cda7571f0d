//! Serialized values in Redis's RDB format, as `DUMP` writes and `RESTORE` reads them:
//!
//! ```text
//! payload := type byte | value | rdb-version u16 LE (10) | crc64 u64 LE over all before
//! ```
//!
//! Written (the types Redis 7.0.15 writes for the same encodings, so payloads are
//! byte-identical for values built the same way):
//!
//! | value                 | type                  | body                                   |
//! |-----------------------|-----------------------|----------------------------------------|
//! | string                | 0 `STRING`            | rdb-string (integer-encoded when it can) |
//! | list                  | 18 `LIST_QUICKLIST_2` | node count, then per node `2` + listpack |
//! | hash, listpack        | 16 `HASH_LISTPACK`    | listpack of field, value, ...          |
//! | hash, hashtable       | 4 `HASH`              | count, field/value strings             |
//! | set, intset           | 11 `SET_INTSET`       | intset                                 |
//! | set, hashtable        | 2 `SET`               | count, member strings                  |
//! | zset, listpack        | 17 `ZSET_LISTPACK`    | listpack of member, score, ...         |
//! | zset, skiplist        | 5 `ZSET_2`            | count, member + f64 LE, highest first  |
//!
//! Read, in addition: the older types 1 `LIST`, 3 `ZSET` (scores as strings), 9 hash
//! zipmap, 10 list ziplist, 12 zset ziplist, 13 hash ziplist and 14 `QUICKLIST`
//! (ziplist nodes). Loaded values take the encoding their size calls for, as when Redis
//! loads them. Payloads are always checked in full (duplicate fields or members, counts,
//! lengths, NaN scores): a bad payload is refused, never half-loaded.
//!
//! List node boundaries follow Redis's rule for a list built by appending
//! (`list-max-listpack-size`); a list Redis built by pushing at the head can be split
//! differently, which changes the bytes but not what RESTORE makes of them.
//!
//! Tests: unit tests here and in [`listpack`]/[`compact`] (bytes from redis-server
//! 7.0.15), and `redis-tests/dump.txt`.

pub mod compact;
pub mod file;
pub mod listpack;
pub mod stream;

use crate::db::Value;
use crate::scripting::function_dump::{crc64, lzf_compress_within, write_len, Reader};
use crate::sds::Sds;
use crate::types::{Hash, List, Set, ZSet};
use listpack::Elem;

/// RDB version written into payloads (Redis 7.0) and the newest one accepted.
pub const RDB_VERSION: u16 = 10;

// Object types (RDB_TYPE_* in Redis).
const T_STRING: u8 = 0;
const T_LIST: u8 = 1;
const T_SET: u8 = 2;
const T_ZSET: u8 = 3;
const T_HASH: u8 = 4;
const T_ZSET_2: u8 = 5;
const T_HASH_ZIPMAP: u8 = 9;
const T_LIST_ZIPLIST: u8 = 10;
const T_SET_INTSET: u8 = 11;
const T_ZSET_ZIPLIST: u8 = 12;
const T_HASH_ZIPLIST: u8 = 13;
const T_LIST_QUICKLIST: u8 = 14;
const T_HASH_LISTPACK: u8 = 16;
const T_ZSET_LISTPACK: u8 = 17;
const T_LIST_QUICKLIST_2: u8 = 18;

/// Quicklist node containers in `LIST_QUICKLIST_2` (Redis: `QUICKLIST_NODE_CONTAINER_*`).
const NODE_PLAIN: usize = 1;
const NODE_PACKED: usize = 2;

/// Strings up to this length are tried as integers when written (Redis: 11).
const INT_TRY_MAX_LEN: usize = 11;
/// Strings longer than this are LZF-compressed when written (Redis: 20).
const COMPRESS_MIN_LEN: usize = 20;
/// Byte limits of a list node for `list-max-listpack-size` -1 ... -5 (Redis's
/// `optimization_level`).
const NODE_SIZE_LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A node never grows past this many bytes when the fill is a count (Redis's
/// `SIZE_SAFETY_LIMIT`).
const NODE_SAFETY_LIMIT: usize = 8192;
/// Bytes added to an element's length to estimate its entry size when deciding whether
/// it fits a list node (Redis's `SIZE_ESTIMATE_OVERHEAD`).
const NODE_ENTRY_OVERHEAD: usize = 8;
/// Largest `list-max-listpack-size` count (Redis's `FILL_MAX`).
const FILL_MAX: i64 = 32767;

/// Why RESTORE refused a payload (the texts of Redis's replies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    VersionOrChecksum,
    BadData,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LoadError::VersionOrChecksum => "ERR DUMP payload version or checksum are wrong",
            LoadError::BadData => "ERR Bad data format",
        })
    }
}

/// How values are written: from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct DumpOptions {
    /// `rdbcompression`.
    pub compress: bool,
    /// `list-max-listpack-size`.
    pub list_fill: i64,
}

impl DumpOptions {
    /// The options the configuration asks for (`rdbcompression`, `list-max-listpack-size`).
    pub fn from_config(c: &crate::config::Config) -> DumpOptions {
        DumpOptions {
            compress: c.get("rdbcompression") == "yes",
            list_fill: c.get("list-max-listpack-size").parse().unwrap_or(-2),
        }
    }
}

impl Default for DumpOptions {
    fn default() -> Self {
        DumpOptions {
            compress: true,
            list_fill: -2,
        }
    }
}

/// Serializes `v` as a DUMP payload.
pub fn dump(v: &Value, opt: DumpOptions) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(&mut out, v, opt);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Appends a value: its type byte, then its body.
pub(crate) fn write_value(out: &mut Vec<u8>, v: &Value, opt: DumpOptions) {
    match v {
        Value::Stream(s) => {
            out.push(stream::T_STREAM_LISTPACKS_2);
            stream::write(out, s, opt);
        }
        Value::Int(n) => {
            out.push(T_STRING);
            write_int_string(out, *n);
        }
        Value::Str(s) => {
            out.push(T_STRING);
            write_str(out, s.as_bytes(), opt);
        }
        Value::List(l) => {
            out.push(T_LIST_QUICKLIST_2);
            let nodes = list_nodes(l, opt.list_fill);
            write_len(out, nodes.len());
            for n in &nodes {
                write_len(out, NODE_PACKED);
                write_str(out, n, opt);
            }
        }
        Value::Hash(h) => match h.dict() {
            None => {
                out.push(T_HASH_LISTPACK);
                let mut w = listpack::Writer::new();
                for (f, val) in h.pairs() {
                    w.push(f.as_bytes());
                    w.push(val.as_bytes());
                }
                write_str(out, &w.finish(), opt);
            }
            Some(_) => {
                out.push(T_HASH);
                let pairs = h.pairs();
                write_len(out, pairs.len());
                for (f, val) in pairs {
                    write_str(out, f.as_bytes(), opt);
                    write_str(out, val.as_bytes(), opt);
                }
            }
        },
        Value::Set(s) => match &**s {
            Set::Ints(v) => {
                out.push(T_SET_INTSET);
                write_str(out, &compact::intset_encode(v), opt);
            }
            Set::Big(_) => {
                out.push(T_SET);
                write_len(out, s.len());
                s.for_each(|m| write_str(out, m, opt));
            }
        },
        Value::ZSet(z) => {
            if z.dict().is_none() {
                out.push(T_ZSET_LISTPACK);
                let mut w = listpack::Writer::new();
                for (score, m) in z.iter() {
                    w.push(m.as_bytes());
                    w.push(resp::number::format_double(*score).as_bytes());
                }
                write_str(out, &w.finish(), opt);
            } else {
                out.push(T_ZSET_2);
                write_len(out, z.len());
                for (score, m) in z.range_rev(0, z.len()) {
                    write_str(out, m.as_bytes(), opt);
                    out.extend_from_slice(&score.to_le_bytes());
                }
            }
        }
    }
}

/// Splits a list into listpack nodes the way appending to a quicklist does.
fn list_nodes(l: &List, fill: i64) -> Vec<Vec<u8>> {
    let fill = fill.clamp(-(NODE_SIZE_LEVELS.len() as i64), FILL_MAX);
    let mut nodes = Vec::new();
    let mut cur = listpack::Writer::new();
    for e in l {
        let sz = e.len();
        if cur.count() > 0 && !node_allows(&cur, fill, sz) {
            nodes.push(std::mem::replace(&mut cur, listpack::Writer::new()).finish());
        }
        cur.push(e.as_bytes());
    }
    if cur.count() > 0 {
        nodes.push(cur.finish());
    }
    nodes
}

/// Whether a node may take one more element of `sz` bytes: its size plus `sz` plus a
/// fixed over-estimate of the entry's overhead must stay within the node limit (the rule
/// of Redis 7.0.15, checked against its DUMP output).
fn node_allows(node: &listpack::Writer, fill: i64, sz: usize) -> bool {
    let new_sz = node.size() + sz + NODE_ENTRY_OVERHEAD;
    if fill < 0 {
        return new_sz <= NODE_SIZE_LEVELS[(-fill - 1) as usize];
    }
    new_sz <= NODE_SAFETY_LIMIT && (node.count() as i64) < fill
}

/// Writes an integer string value (RDB's 8/16/32-bit encodings, else decimal).
fn write_int_string(out: &mut Vec<u8>, n: i64) {
    if let Ok(v) = i8::try_from(n) {
        out.push(0xC0);
        out.push(v as u8);
    } else if let Ok(v) = i16::try_from(n) {
        out.push(0xC1);
        out.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = i32::try_from(n) {
        out.push(0xC2);
        out.extend_from_slice(&v.to_le_bytes());
    } else {
        let s = n.to_string();
        write_len(out, s.len());
        out.extend_from_slice(s.as_bytes());
    }
}

/// Writes an RDB string: integer-encoded when short and canonical and within 32 bits,
/// LZF-compressed when long and that saves enough, else plain.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &[u8], opt: DumpOptions) {
    if s.len() <= INT_TRY_MAX_LEN {
        if let Some(n) = resp::request::parse_i64_strict(s) {
            if i32::try_from(n).is_ok() {
                write_int_string(out, n);
                return;
            }
        }
    }
    if opt.compress && s.len() > COMPRESS_MIN_LEN {
        // The compressed form must save at least 4 bytes.
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

/// Checks a payload's footer (version and checksum).
pub fn check_footer(payload: &[u8]) -> Result<(), LoadError> {
    if payload.len() < 10 {
        return Err(LoadError::VersionOrChecksum);
    }
    let body_end = payload.len() - 10;
    let version = u16::from_le_bytes([payload[body_end], payload[body_end + 1]]);
    if version > RDB_VERSION {
        return Err(LoadError::VersionOrChecksum);
    }
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&payload[body_end + 2..]);
    if u64::from_le_bytes(crc) != crc64(&payload[..body_end + 2]) {
        return Err(LoadError::VersionOrChecksum);
    }
    Ok(())
}

/// Reads a DUMP payload back into a value.
pub fn restore(payload: &[u8]) -> Result<Value, LoadError> {
    check_footer(payload)?;
    // As in Redis, the value is read from the whole payload: a body that runs into the
    // footer is read on into it, and bytes left over are ignored.
    let mut r = Reader {
        data: payload,
        pos: 0,
    };
    read_value(&mut r).map_err(|_| LoadError::BadData)
}

/// Reads the body of a value of type `t` (an RDB file holds the type byte before the
/// key, the body after it).
pub(crate) fn read_body_at(r: &mut Reader, t: u8) -> Result<Value, LoadError> {
    read_body(r, t).map_err(|_| LoadError::BadData)
}

/// Marker for any inconsistency in a value body.
struct Bad;

impl From<crate::scripting::function_dump::DumpError> for Bad {
    fn from(_: crate::scripting::function_dump::DumpError) -> Bad {
        Bad
    }
}

fn read_value(r: &mut Reader) -> Result<Value, Bad> {
    let t = r.byte()?;
    read_body(r, t)
}

fn read_body(r: &mut Reader, t: u8) -> Result<Value, Bad> {
    let v = match t {
        T_STRING => Value::from_bytes(&r.string()?),
        T_LIST => {
            let n = r.plain_len()?;
            let mut l = List::new();
            for _ in 0..n {
                l.push_back(Sds::new(&r.string()?));
            }
            Value::List(Box::new(l))
        }
        T_LIST_ZIPLIST => {
            let elems = compact::ziplist_decode(&r.string()?).ok_or(Bad)?;
            Value::List(Box::new(elems_to_list(elems)))
        }
        stream::T_STREAM_LISTPACKS | stream::T_STREAM_LISTPACKS_2 => {
            Value::Stream(Box::new(stream::read(r, t).map_err(|_| Bad)?))
        }
        T_LIST_QUICKLIST | T_LIST_QUICKLIST_2 => {
            let nodes = r.plain_len()?;
            let mut l = List::new();
            for _ in 0..nodes {
                let container = if t == T_LIST_QUICKLIST_2 {
                    r.plain_len()?
                } else {
                    NODE_PACKED
                };
                let blob = r.string()?;
                match container {
                    NODE_PLAIN => l.push_back(Sds::new(&blob)),
                    NODE_PACKED => {
                        let elems = if t == T_LIST_QUICKLIST {
                            compact::ziplist_decode(&blob)
                        } else {
                            listpack::decode(&blob)
                        }
                        .ok_or(Bad)?;
                        l.extend(elems_to_list(elems));
                    }
                    _ => return Err(Bad),
                }
            }
            Value::List(Box::new(l))
        }
        T_SET => {
            let n = r.plain_len()?;
            let mut members = Vec::with_capacity(n.min(1 << 16));
            for _ in 0..n {
                members.push(r.string()?);
            }
            let mut s = Set::for_members(members.iter().map(Vec::as_slice), n);
            for m in &members {
                if !s.add(m) {
                    return Err(Bad);
                }
            }
            Value::Set(Box::new(s))
        }
        T_SET_INTSET => {
            let values = compact::intset_decode(&r.string()?).ok_or(Bad)?;
            let members: Vec<Vec<u8>> = values.iter().map(|v| v.to_string().into_bytes()).collect();
            let mut s = Set::for_members(members.iter().map(Vec::as_slice), members.len());
            for m in &members {
                s.add(m);
            }
            Value::Set(Box::new(s))
        }
        T_HASH => {
            let n = r.plain_len()?;
            let mut h = Hash::default();
            for _ in 0..n {
                let f = r.string()?;
                let v = r.string()?;
                if !h.set(&f, &v) {
                    return Err(Bad);
                }
            }
            Value::Hash(Box::new(h))
        }
        T_HASH_ZIPMAP => {
            let pairs = compact::zipmap_decode(&r.string()?).ok_or(Bad)?;
            let mut h = Hash::default();
            for (f, v) in pairs {
                if !h.set(&f, &v) {
                    return Err(Bad);
                }
            }
            Value::Hash(Box::new(h))
        }
        T_HASH_ZIPLIST | T_HASH_LISTPACK => {
            let mut h = Hash::default();
            for (f, v) in compact_pairs(r, t == T_HASH_ZIPLIST)? {
                if !h.set(&f.into_bytes(), &v.into_bytes()) {
                    return Err(Bad);
                }
            }
            Value::Hash(Box::new(h))
        }
        T_ZSET | T_ZSET_2 => {
            let n = r.plain_len()?;
            let mut z = ZSet::new();
            for _ in 0..n {
                let m = r.string()?;
                let score = if t == T_ZSET_2 {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(r.take(8)?);
                    f64::from_le_bytes(b)
                } else {
                    read_string_double(r)?
                };
                if score.is_nan() || z.insert(&m, score).is_some() {
                    return Err(Bad);
                }
            }
            Value::ZSet(Box::new(z))
        }
        T_ZSET_ZIPLIST | T_ZSET_LISTPACK => {
            let mut z = ZSet::new();
            for (m, s) in compact_pairs(r, t == T_ZSET_ZIPLIST)? {
                let score = match s {
                    Elem::Int(n) => n as f64,
                    Elem::Str(b) => parse_score(&b).ok_or(Bad)?,
                };
                if score.is_nan() || z.insert(&m.into_bytes(), score).is_some() {
                    return Err(Bad);
                }
            }
            Value::ZSet(Box::new(z))
        }
        _ => return Err(Bad),
    };
    // Redis never keeps empty aggregates; a payload holding one is refused.
    let empty = match &v {
        Value::List(l) => l.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::ZSet(z) => z.is_empty(),
        _ => false,
    };
    if empty {
        return Err(Bad);
    }
    Ok(v)
}

fn elems_to_list(elems: Vec<Elem>) -> List {
    elems
        .into_iter()
        .map(|e| Sds::new(&e.into_bytes()))
        .collect()
}

/// A score stored as text (`ZSET` type): a length byte, with 253/254/255 for NaN, +inf
/// and -inf.
/// A ziplist or listpack string holding (field, value) or (member, score) pairs.
fn compact_pairs(r: &mut Reader, ziplist: bool) -> Result<Vec<(Elem, Elem)>, Bad> {
    let blob = r.string()?;
    let elems = if ziplist {
        compact::ziplist_decode(&blob)
    } else {
        listpack::decode(&blob)
    }
    .ok_or(Bad)?;
    if elems.len() % 2 != 0 {
        return Err(Bad);
    }
    let mut it = elems.into_iter();
    let mut pairs = Vec::with_capacity(it.len() / 2);
    while let (Some(a), Some(b)) = (it.next(), it.next()) {
        pairs.push((a, b));
    }
    Ok(pairs)
}

fn read_string_double(r: &mut Reader) -> Result<f64, Bad> {
    match r.byte()? {
        253 => Ok(f64::NAN),
        254 => Ok(f64::INFINITY),
        255 => Ok(f64::NEG_INFINITY),
        n => parse_score(r.take(n as usize)?).ok_or(Bad),
    }
}

fn parse_score(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    match s {
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redis_payload(body: &[u8]) -> Vec<u8> {
        let mut p = body.to_vec();
        p.extend_from_slice(&RDB_VERSION.to_le_bytes());
        let crc = crc64(&p);
        p.extend_from_slice(&crc.to_le_bytes());
        p
    }

    #[test]
    fn strings_match_redis() {
        // `DUMP` replies of redis-server 7.0.15.
        let opt = DumpOptions::default();
        assert_eq!(
            dump(&Value::from_bytes(b"hello"), opt),
            b"\x00\x05hello\n\x00cr\xdfve4 \n".to_vec()
        );
        assert_eq!(
            dump(&Value::from_bytes(b"12"), opt),
            b"\x00\xc0\x0c\n\x00<*\xf8Q\\\x04\xbc\xd5".to_vec()
        );
        assert_eq!(
            dump(&Value::from_bytes(b"-70000"), opt),
            b"\x00\xc2\x90\xee\xfe\xff\n\x00(u\xde{\x13\xeb(\x00".to_vec()
        );
        assert_eq!(
            dump(&Value::from_bytes(b"99999999999"), opt),
            b"\x00\x0b99999999999\n\x00#\xb0H\xfb\x0e\xdb\xef\x7f".to_vec()
        );
        assert_eq!(
            dump(&Value::from_bytes(&[b'a'; 41]), opt),
            b"\x00\xc3\t)\x01aa\xe0\x1c\x00\x01aa\n\x00G\xd8\xa5i\xbe\xdbF\x0b".to_vec()
        );
    }

    #[test]
    fn aggregates_match_redis() {
        let opt = DumpOptions::default();
        let mut z = ZSet::new();
        for (s, m) in [(1.0, "a"), (1.5, "b"), (-2.0, "c"), (0.1, "d")] {
            z.insert(m.as_bytes(), s);
        }
        let p = dump(&Value::ZSet(Box::new(z)), opt);
        assert_eq!(
            p,
            b"\x11\xc3)2\x132\x00\x00\x00\x08\x00\x81c\x02\xdf\xfe\x02\x81d\x02\x930.10\xe0\x05\x00\x0f1\x14\x81a\x02\x01\x01\x81b\x02\x831.5\x04\xff\n\x00\x17\xd2\x0c\n\x9d\xba\xfe\x8b".to_vec()
        );
        let back = restore(&p).unwrap();
        assert_eq!(back.encoding(), "listpack");
        let mut s = Set::for_member(b"1");
        for m in [b"1", b"2", b"3"] {
            s.add(m);
        }
        assert_eq!(
            dump(&Value::Set(Box::new(s)), opt),
            b"\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\\\xe2mnM\x1b".to_vec()
        );
    }

    #[test]
    fn refuses_bad_payloads() {
        assert_eq!(restore(b"").unwrap_err(), LoadError::VersionOrChecksum);
        let mut p = dump(&Value::from_bytes(b"x"), DumpOptions::default());
        let n = p.len();
        p[n - 1] ^= 1;
        assert_eq!(restore(&p).unwrap_err(), LoadError::VersionOrChecksum);
        // Unknown type, truncated string, empty list, duplicate set member.
        for body in [
            b"\x63".as_slice(),
            b"\x00\x20hel",
            b"\x01\x00",
            b"\x02\x02\x01a\x01a",
        ] {
            assert_eq!(
                restore(&redis_payload(body)).unwrap_err(),
                LoadError::BadData
            );
        }
    }

    #[test]
    fn big_lists_split_into_nodes() {
        let l: List = (0..5000)
            .map(|i| Sds::new(format!("element-{i}").as_bytes()))
            .collect();
        let v = Value::List(Box::new(l.clone()));
        let p = dump(&v, DumpOptions::default());
        match restore(&p).unwrap() {
            Value::List(back) => assert_eq!(*back, l),
            other => panic!("not a list: {other:?}"),
        }
        assert!(list_nodes(&l, -2).len() > 1);
    }
}
