//! `MEMORY` subcommands: `USAGE` (a per-key estimate), `STATS`, `DOCTOR`, `MALLOC-STATS`,
//! `PURGE` and `HELP`.
//!
//! `MEMORY USAGE` estimates what Redis 7.0.15 (built with jemalloc) would report for the
//! same value, by modelling Redis's layout rather than measuring this server's own
//! structures: the key's sds string and dict entry, the object header, and then per
//! encoding the embedded/raw sds, the listpack bytes (lists in 8 KiB quicklist nodes,
//! small hashes and sorted sets), the intset, or the hash table (bucket array plus one
//! entry and sds strings per element), each allocation rounded up to jemalloc's size
//! classes. Aggregates are sampled like Redis (`SAMPLES n`, default 5, 0 for all): the
//! average of the first `n` elements times the element count. Known differences: Redis's
//! skiplist nodes have a random height, so its sorted-set figures vary by a few percent
//! from run to run, while this estimate uses the expected node size; hash tables are
//! sized as the power of two Redis would have grown to, not as this server's own table;
//! strings grown in place (APPEND, SETRANGE) are counted with Redis's greedy growth
//! from their current length, whatever their history; list nodes are packed from the
//! current elements, so lists shaped by pops and inserts may differ slightly.

use super::{int_arg, is, server_cmds::help_reply};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// Redis's `robj` header (type, encoding, LRU, refcount, pointer).
const ROBJ: usize = 16;
/// Redis 7.0's `dictEntry` (key, value, next pointers).
const DICT_ENTRY: usize = 24;
/// Redis 7.0's `dict` structure (two tables, counters).
const DICT: usize = 56;
/// A bucket pointer of a dict's table.
const BUCKET: usize = 8;
/// Redis's `quicklist` header and each `quicklistNode`.
const QUICKLIST: usize = 40;
const QUICKLIST_NODE: usize = 32;
/// `list-max-listpack-size -2`: 8 KiB per quicklist node.
const QUICKLIST_NODE_BYTES: usize = 8192;
/// Listpack header (total bytes, count) and end marker.
const LP_HEADER: usize = 6;
const LP_END: usize = 1;
/// Intset header (encoding, length).
const INTSET_HEADER: usize = 8;
/// `zset` (dict and skiplist pointers) and `zskiplist` structures.
const ZSET: usize = 16;
const ZSKIPLIST: usize = 32;
/// The skiplist header node: 32 levels of (forward, span) after member, score, backward.
const ZSL_HEADER: usize = 24 + 32 * 16;
/// Expected skiplist node allocation: levels are drawn with p = 1/4, so the average
/// node (24 bytes plus 16 per level, in jemalloc classes) comes to about 53 bytes.
const ZSL_NODE_EXPECTED: usize = 53;
/// Strings up to this length are embedded in the object header (`embstr`).
const EMBSTR_LIMIT: usize = 44;
/// Redis's `SDS_MAX_PREALLOC`: strings grown in place double up to this size.
const GREEDY_LIMIT: usize = 1024 * 1024;
/// `MEMORY USAGE` default sample count (Redis's `OBJ_COMPUTE_SIZE_DEF_SAMPLES`).
const DEFAULT_SAMPLES: usize = 5;
/// `MEMORY DOCTOR` stays silent below this much allocated memory (5 MiB, as Redis).
const DOCTOR_MIN_MEMORY: usize = 5 * 1024 * 1024;

/// The jemalloc size class an allocation of `n` bytes lands in: 8, 16, then steps of 16
/// up to 128, then four classes per doubling.
pub fn size_class(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let k = usize::BITS - 1 - (n - 1).leading_zeros(); // n in (2^k, 2^(k+1)]
    let step = 1usize << (k - 2);
    n.div_ceil(step) * step
}

/// Header size of an sds string of `len` bytes; `short_type5` for strings created by
/// `sdsnewlen` (keys, hash fields, set members), which use a 1-byte header under 32 bytes.
fn sds_header(len: usize, short_type5: bool) -> usize {
    if short_type5 && len > 0 && len < 32 {
        1
    } else if len < 1 << 8 {
        3
    } else if len < 1 << 16 {
        5
    } else if len < 1 << 32 {
        9
    } else {
        17
    }
}

/// Allocation of an sds string of `len` bytes.
fn sds_alloc(len: usize, short_type5: bool) -> usize {
    size_class(sds_header(len, short_type5) + len + 1)
}

/// Bytes one element takes in a listpack (encoding, data, back-length).
fn lp_entry(b: &[u8]) -> usize {
    let body = match resp::request::parse_i64_strict(b) {
        Some(v) if b.len() <= 20 => match v {
            0..=127 => 1,
            -4096..=4095 => 2,
            -32768..=32767 => 3,
            -8_388_608..=8_388_607 => 4,
            -2_147_483_648..=2_147_483_647 => 5,
            _ => 9,
        },
        _ => {
            let l = b.len();
            if l < 64 {
                1 + l
            } else if l < 4096 {
                2 + l
            } else {
                5 + l
            }
        }
    };
    let back = match body {
        0..=127 => 1,
        128..=16383 => 2,
        16384..=2_097_151 => 3,
        2_097_152..=268_435_455 => 4,
        _ => 5,
    };
    body + back
}

/// A listpack holding `entries`, as allocated.
fn listpack<'a>(entries: impl Iterator<Item = &'a [u8]>) -> usize {
    size_class(LP_HEADER + entries.map(lp_entry).sum::<usize>() + LP_END)
}

/// Buckets of a Redis dict holding `n` elements (a power of two, at least 4).
fn dict_buckets(n: usize) -> usize {
    n.max(4).next_power_of_two()
}

/// Average over the first `samples` sizes (all when 0) times `count`.
fn sampled(sizes: impl Iterator<Item = usize>, samples: usize, count: usize) -> usize {
    let (mut total, mut n) = (0usize, 0usize);
    for s in sizes.take(if samples == 0 { usize::MAX } else { samples }) {
        total += s;
        n += 1;
    }
    total.checked_div(n).map_or(0, |avg| avg * count)
}

/// Estimated bytes of a value (object header included), Redis's way.
pub fn value_size(v: &Value, samples: usize) -> usize {
    match v {
        Value::Int(_) => ROBJ,
        // Streams: the node sizes the stream keeps (an estimate; Redis measures its rax
        // and listpacks).
        Value::Stream(st) => ROBJ + st.approx_bytes(),
        Value::Str(s) if !s.is_raw() && s.len() <= EMBSTR_LIMIT => {
            size_class(ROBJ + 3 + s.len() + 1)
        }
        // Edited in place (APPEND, SETRANGE, SETBIT): Redis grows such strings greedily,
        // to twice the needed length below 1 MiB and by 1 MiB above.
        Value::Str(s) if s.is_raw() => {
            let room = if s.len() < GREEDY_LIMIT {
                s.len() * 2
            } else {
                s.len() + GREEDY_LIMIT
            };
            ROBJ + size_class(sds_header(room, false) + room + 1)
        }
        Value::Str(s) => ROBJ + sds_alloc(s.len(), false),
        Value::List(l) => {
            // Pack the elements into 8 KiB nodes, then sample nodes.
            let mut nodes: Vec<usize> = Vec::new();
            let mut cur = 0usize;
            for e in l.iter() {
                let n = lp_entry(e.as_bytes());
                if cur > 0 && LP_HEADER + cur + n + LP_END > QUICKLIST_NODE_BYTES {
                    nodes.push(cur);
                    cur = 0;
                }
                cur += n;
            }
            if cur > 0 || nodes.is_empty() {
                nodes.push(cur);
            }
            let count = nodes.len();
            ROBJ + size_class(QUICKLIST)
                + sampled(
                    nodes
                        .into_iter()
                        .map(|b| QUICKLIST_NODE + size_class(LP_HEADER + b + LP_END)),
                    samples,
                    count,
                )
        }
        Value::Hash(h) => {
            let pairs = h.pairs();
            match h.dict() {
                None => {
                    ROBJ + listpack(pairs.iter().flat_map(|(f, v)| [f.as_bytes(), v.as_bytes()]))
                }
                Some(_) => {
                    ROBJ + DICT
                        + BUCKET * dict_buckets(pairs.len())
                        + sampled(
                            pairs.iter().map(|(f, v)| {
                                DICT_ENTRY + sds_alloc(f.len(), true) + sds_alloc(v.len(), true)
                            }),
                            samples,
                            pairs.len(),
                        )
                }
            }
        }
        Value::Set(s) => match &**s {
            crate::types::Set::Ints(v) => {
                let width = if v.iter().all(|&x| i16::try_from(x).is_ok()) {
                    2
                } else if v.iter().all(|&x| i32::try_from(x).is_ok()) {
                    4
                } else {
                    8
                };
                ROBJ + size_class(INTSET_HEADER + width * v.len())
            }
            crate::types::Set::Big(d) => {
                ROBJ + DICT
                    + BUCKET * dict_buckets(d.len())
                    + sampled(
                        d.iter().map(|(m, _)| DICT_ENTRY + sds_alloc(m.len(), true)),
                        samples,
                        d.len(),
                    )
            }
        },
        Value::ZSet(z) => {
            if z.encoding() == "listpack" {
                let scores: Vec<Vec<u8>> = z
                    .iter()
                    .map(|(s, _)| resp::number::format_double(*s).into_bytes())
                    .collect();
                ROBJ + listpack(
                    z.iter()
                        .zip(scores.iter())
                        .flat_map(|((_, m), s)| [m.as_bytes(), s.as_slice()]),
                )
            } else {
                ROBJ + ZSET
                    + ZSKIPLIST
                    + DICT
                    + BUCKET * dict_buckets(z.len())
                    + size_class(ZSL_HEADER)
                    + sampled(
                        z.iter().map(|(_, m)| {
                            sds_alloc(m.len(), true) + DICT_ENTRY + ZSL_NODE_EXPECTED
                        }),
                        samples,
                        z.len(),
                    )
            }
        }
    }
}

/// `MEMORY USAGE key [SAMPLES count]`
pub fn usage(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut samples = DEFAULT_SAMPLES;
    let mut i = 3;
    while i < a.len() {
        if is(a.get(i), "samples") && i + 1 < a.len() {
            let n = int_arg(a.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::Syntax);
            }
            samples = n as usize;
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let key = a.get(2);
    match ctx.core.ks.peek(db, key, now) {
        Some(v) => {
            let n = value_size(v, samples) + sds_alloc(key.len(), true) + DICT_ENTRY;
            ctx.client.out.int(n as i64);
        }
        None => ctx.client.out.null(),
    }
    Ok(())
}

/// `MEMORY STATS`: Redis's field names and order, this server's figures.
pub fn stats(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    crate::alloc::update_peak();
    let core = &ctx.core;
    let used = crate::alloc::used_memory();
    let peak = crate::alloc::peak_memory().max(used);
    let rss = crate::alloc::rss_bytes();
    let startup = core.startup_memory.min(used);
    let lua = core.scripting.used_memory_lua;
    let mut main_overhead = 0usize;
    let mut expires_overhead = 0usize;
    let mut keys = 0usize;
    let mut dbs: Vec<(usize, usize, usize)> = Vec::new();
    for (i, d) in core.ks.dbs.iter().enumerate() {
        if d.dict.is_empty() {
            continue;
        }
        let m = d.dict.len() * DICT_ENTRY + d.dict.buckets() * BUCKET;
        let e = d.expires.len() * DICT_ENTRY + d.expires.buckets() * BUCKET;
        keys += d.dict.len();
        main_overhead += m;
        expires_overhead += e;
        dbs.push((i, m, e));
    }
    let overhead = (startup + main_overhead + expires_overhead + lua).min(used);
    let dataset = used - overhead;
    let net = used.saturating_sub(startup);
    let frag = rss as f64 / used.max(1) as f64;
    let fields: Vec<(String, Option<f64>, usize)> = vec![
        ("peak.allocated".into(), None, peak),
        ("total.allocated".into(), None, used),
        ("startup.allocated".into(), None, startup),
        ("replication.backlog".into(), None, 0),
        ("clients.slaves".into(), None, 0),
        ("clients.normal".into(), None, 0),
        ("cluster.links".into(), None, 0),
        ("aof.buffer".into(), None, 0),
        ("lua.caches".into(), None, 0),
        ("functions.caches".into(), None, 0),
    ];
    let tail: Vec<(&str, Option<f64>, usize)> = vec![
        ("overhead.total", None, overhead),
        ("keys.count", None, keys),
        (
            "keys.bytes-per-key",
            None,
            net.checked_div(keys).unwrap_or(0),
        ),
        ("dataset.bytes", None, dataset),
        (
            "dataset.percentage",
            Some(dataset as f64 * 100.0 / net.max(1) as f64),
            0,
        ),
        (
            "peak.percentage",
            Some(used as f64 * 100.0 / peak.max(1) as f64),
            0,
        ),
        ("allocator.allocated", None, used),
        ("allocator.active", None, used),
        ("allocator.resident", None, rss),
        ("allocator-fragmentation.ratio", Some(1.0), 0),
        ("allocator-fragmentation.bytes", None, 0),
        ("allocator-rss.ratio", Some(frag), 0),
        ("allocator-rss.bytes", None, rss.saturating_sub(used)),
        ("rss-overhead.ratio", Some(1.0), 0),
        ("rss-overhead.bytes", None, 0),
        ("fragmentation", Some(frag), 0),
        ("fragmentation.bytes", None, rss.saturating_sub(used)),
    ];
    let out = &mut ctx.client.out;
    out.map(fields.len() + dbs.len() + tail.len());
    let put = |out: &mut resp::ReplyWriter, k: &str, f: Option<f64>, n: usize| {
        out.bulk(k.as_bytes());
        match f {
            Some(f) => out.double(f),
            None => out.int(n as i64),
        }
    };
    for (k, f, n) in fields {
        put(out, &k, f, n);
    }
    for (i, m, e) in dbs {
        out.bulk(format!("db.{i}").as_bytes());
        out.map(3);
        put(out, "overhead.hashtable.main", None, m);
        put(out, "overhead.hashtable.expires", None, e);
        put(out, "overhead.hashtable.slot-to-keys", None, 0);
    }
    for (k, f, n) in tail {
        put(out, k, f, n);
    }
    Ok(())
}

/// `MEMORY DOCTOR`
pub fn doctor(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let text: &str = if crate::alloc::used_memory() < DOCTOR_MIN_MEMORY {
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting."
    } else {
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base."
    };
    ctx.client.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

/// `MEMORY MALLOC-STATS`: the allocator keeps no statistics report.
pub fn malloc_stats(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.client
        .out
        .verbatim(b"txt", b"Stats not supported for the current allocator");
    Ok(())
}

/// `MEMORY PURGE`: nothing to hand back beyond what the allocator already does.
pub fn purge(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.client.out.simple(b"OK");
    Ok(())
}

/// `MEMORY HELP`
pub fn help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help_reply(
        ctx,
        &[
            "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes() {
        let got: Vec<usize> = [1, 8, 9, 17, 25, 49, 104, 129, 2880, 4097]
            .iter()
            .map(|&n| size_class(n))
            .collect();
        assert_eq!(got, [8, 8, 16, 32, 32, 64, 112, 160, 3072, 5120]);
    }

    #[test]
    fn listpack_entries() {
        assert_eq!(lp_entry(b"a"), 3);
        assert_eq!(lp_entry(b"1"), 2);
        assert_eq!(lp_entry(b"1000"), 3);
    }
}
