//! MEMORY USAGE and MEMORY HELP (DOCTOR, STATS, MALLOC-STATS and PURGE are not
//! implemented; HELP lists what is).
//!
//! MEMORY USAGE gives an estimate of the bytes a key and its value take: a fixed cost
//! per key (table entry, object header, key string) plus the value's payload (string
//! bytes, or per element its bytes and a per-element overhead of the encoding). Like
//! Redis, aggregates are sampled: `SAMPLES n` (default 5, 0 = all) elements are
//! measured and the average is scaled to the element count. The numbers are estimates
//! of this server's own layout, so they differ from redis-server's.

use super::{int_arg, is};
use crate::db::{IntBuf, Value};
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// Elements sampled by default (Redis: `OBJ_COMPUTE_SIZE_DEF_SAMPLES`).
const DEFAULT_SAMPLES: usize = 5;
/// Per-key cost: table entry, value header and key string header.
const KEY_OVERHEAD: usize = 56;
/// Per-element cost in the small encodings (entry header, back length).
const SMALL_ELEM_OVERHEAD: usize = 2;
/// Per-element cost in the large encodings (table entry, string header).
const BIG_ELEM_OVERHEAD: usize = 40;

pub fn memory_usage(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut samples = DEFAULT_SAMPLES;
    let mut i = 3;
    while i < a.len() {
        if is(a.get(i), "samples") && i + 1 < a.len() {
            let n = int_arg(a.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::Syntax);
            }
            samples = if n == 0 { usize::MAX } else { n as usize };
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let key_len = a.get(2).len();
    match ctx.core.ks.lookup_write(db, a.get(2), now) {
        None => ctx.client.out.null(),
        Some(v) => {
            let n = KEY_OVERHEAD + key_len + value_size(v, samples);
            ctx.client.out.int(n as i64);
        }
    }
    Ok(())
}

/// Average of `f` over the first `samples` of `items`, times their number.
fn sampled<T>(
    items: impl ExactSizeIterator<Item = T>,
    samples: usize,
    f: impl Fn(T) -> usize,
) -> usize {
    let total = items.len();
    let mut seen = 0usize;
    let mut sum = 0usize;
    for it in items.take(samples) {
        sum += f(it);
        seen += 1;
    }
    if seen == 0 {
        0
    } else {
        sum / seen * total
    }
}

fn value_size(v: &Value, samples: usize) -> usize {
    match v {
        Value::Int(_) => 0,
        Value::Str(_) => {
            let mut t: IntBuf = [0; 20];
            v.bytes(&mut t).len().next_multiple_of(8)
        }
        Value::List(l) => sampled(l.iter(), samples, |e| e.len() + SMALL_ELEM_OVERHEAD),
        Value::Hash(h) => {
            let per = if h.dict().is_some() {
                BIG_ELEM_OVERHEAD
            } else {
                SMALL_ELEM_OVERHEAD
            };
            sampled(h.pairs().into_iter(), samples, |(f, v)| {
                f.len() + v.len() + per
            })
        }
        Value::Set(s) => match &**s {
            crate::types::Set::Ints(v) => v.len() * 8,
            crate::types::Set::Big(_) => sampled(s.members().into_iter(), samples, |m| {
                m.len() + BIG_ELEM_OVERHEAD
            }),
        },
        // A stream: its nodes' estimated sizes, as the stream keeps them.
        Value::Stream(st) => st.approx_bytes(),
        Value::ZSet(z) => {
            let per = if z.dict().is_some() {
                BIG_ELEM_OVERHEAD * 2
            } else {
                SMALL_ELEM_OVERHEAD * 2 + 8
            };
            let n = z.len();
            let mut seen = 0usize;
            let mut sum = 0usize;
            for (_, m) in z.iter().take(samples) {
                sum += m.len() + per;
                seen += 1;
            }
            if seen == 0 {
                0
            } else {
                sum / seen * n
            }
        }
    }
}

pub fn memory_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let lines: &[&str] = &[
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    ];
    super::server_cmds::help_reply(ctx, lines);
    Ok(())
}
