//! `DEBUG PROTOCOL`, `DEBUG DIGEST` and `DEBUG DIGEST-VALUE`.
//!
//! `PROTOCOL <type>` sends one sample reply of each RESP type with Redis 7.0.15's
//! contents (the test suite checks client parsing with them). The digests are SHA-1
//! based fingerprints of values: ordered types (strings, lists, sorted sets in score
//! order) hash their elements in sequence, unordered ones (sets, hashes) combine
//! element hashes with XOR, so two equal values always agree whatever their encoding
//! or history. The exact hex differs from Redis's; only equality is meaningful.

use super::is;
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// The types `DEBUG PROTOCOL` knows, in Redis's error message order.
const PROTOCOL_TYPES: &str =
    "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";

/// Redis's sample double (a literal 3.141, not an approximation of π).
#[allow(clippy::approx_constant)]
const SAMPLE_DOUBLE: f64 = 3.141;

/// `DEBUG PROTOCOL <type>`
pub fn protocol(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let t = a.get(2);
    let out = &mut ctx.client.out;
    let resp3 = matches!(out.proto, resp::Proto::Resp3);
    if is(t, "string") {
        out.bulk(b"Hello World");
    } else if is(t, "integer") {
        out.int(12345);
    } else if is(t, "double") {
        out.double(SAMPLE_DOUBLE);
    } else if is(t, "bignum") {
        out.big_number(b"1234567999999999999999999999999999999");
    } else if is(t, "null") {
        out.null();
    } else if is(t, "array") || is(t, "set") {
        if is(t, "set") {
            out.set(3);
        } else {
            out.array(3);
        }
        for i in 0..3 {
            out.int(i);
        }
    } else if is(t, "map") {
        out.map(3);
        for i in 0..3 {
            out.int(i);
            out.boolean(i == 1);
        }
    } else if is(t, "attrib") {
        if resp3 {
            out.buf.extend_from_slice(b"|1\r\n");
            out.bulk(b"key-popularity");
            out.array(2);
            out.bulk(b"key:123");
            out.int(90);
        }
        out.bulk(b"Some real reply following the attribute");
    } else if is(t, "push") {
        if !resp3 {
            return Err(CmdError::msg("ERR RESP2 is not supported by this command"));
        }
        out.push(2);
        out.bulk(b"server-cpu-usage");
        out.int(42);
        out.bulk(b"Some real reply following the push reply");
    } else if is(t, "verbatim") {
        out.verbatim(b"txt", b"This is a verbatim\nstring");
    } else if is(t, "true") {
        out.boolean(true);
    } else if is(t, "false") {
        out.boolean(false);
    } else {
        return Err(CmdError::owned(format!(
            "ERR Wrong protocol type name. Please use one of the following: {PROTOCOL_TYPES}"
        )));
    }
    Ok(())
}

fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut h = sha1_smol::Sha1::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.digest().bytes()
}

fn xor_into(acc: &mut [u8; 20], d: &[u8; 20]) {
    for (a, b) in acc.iter_mut().zip(d) {
        *a ^= b;
    }
}

/// The fingerprint of one value.
pub fn value_digest(v: &Value) -> [u8; 20] {
    match v {
        Value::Int(_) | Value::Str(_) => {
            let mut tmp = [0u8; 20];
            sha1(&[b"string", v.bytes(&mut tmp)])
        }
        Value::List(l) => {
            let mut h = sha1_smol::Sha1::new();
            h.update(b"list");
            for e in l.iter() {
                h.update(&(e.len() as u64).to_le_bytes());
                h.update(e.as_bytes());
            }
            h.digest().bytes()
        }
        Value::Set(s) => {
            let mut acc = sha1(&[b"set"]);
            s.for_each(|m| xor_into(&mut acc, &sha1(&[m])));
            acc
        }
        Value::Hash(hsh) => {
            let mut acc = sha1(&[b"hash"]);
            for (f, val) in hsh.pairs() {
                xor_into(&mut acc, &sha1(&[f.as_bytes(), val.as_bytes()]));
            }
            acc
        }
        Value::Stream(st) => {
            // Entries in order, the last ID, then each group's state.
            let mut h = sha1_smol::Sha1::new();
            h.update(b"stream");
            for (id, fields) in st.range(
                crate::types::stream::StreamId::MIN,
                crate::types::stream::StreamId::MAX,
                false,
            ) {
                h.update(&id.ms.to_le_bytes());
                h.update(&id.seq.to_le_bytes());
                for f in fields {
                    h.update(&(f.len() as u64).to_le_bytes());
                    h.update(f.as_bytes());
                }
            }
            h.update(&st.last_id.ms.to_le_bytes());
            h.update(&st.last_id.seq.to_le_bytes());
            for (name, g) in &st.groups {
                h.update(&(name.len() as u64).to_le_bytes());
                h.update(name);
                h.update(&g.last_id.ms.to_le_bytes());
                h.update(&g.last_id.seq.to_le_bytes());
                for (id, pe) in &g.pel {
                    h.update(&id.ms.to_le_bytes());
                    h.update(&id.seq.to_le_bytes());
                    h.update(&pe.consumer);
                }
            }
            h.digest().bytes()
        }
        Value::ZSet(z) => {
            let mut h = sha1_smol::Sha1::new();
            h.update(b"zset");
            for (score, m) in z.iter() {
                let s = resp::number::format_double(*score);
                h.update(&(m.len() as u64).to_le_bytes());
                h.update(m.as_bytes());
                h.update(s.as_bytes());
                h.update(b"\0");
            }
            h.digest().bytes()
        }
    }
}

fn hex(d: &[u8; 20]) -> Vec<u8> {
    d.iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect()
}

/// `DEBUG DIGEST-VALUE key ...`: one fingerprint per key (zeros for a missing key).
pub fn digest_value(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let n = a.len() - 2;
    let mut digests = Vec::with_capacity(n);
    for i in 2..a.len() {
        digests.push(
            ctx.core
                .ks
                .peek(db, a.get(i), now)
                .map_or([0u8; 20], value_digest),
        );
    }
    ctx.client.out.array(n);
    for d in digests {
        ctx.client.out.simple(&hex(&d));
    }
    Ok(())
}

/// `DEBUG DIGEST`: a fingerprint of every database (zeros when all are empty).
pub fn digest(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let mut acc = [0u8; 20];
    for (i, d) in ctx.core.ks.dbs.iter().enumerate() {
        for (k, v) in d.dict.iter() {
            let expire = d.expires.get(k.as_bytes()).copied().unwrap_or(-1);
            let vd = value_digest(v);
            xor_into(
                &mut acc,
                &sha1(&[
                    &(i as u64).to_le_bytes(),
                    k.as_bytes(),
                    &vd,
                    &expire.to_le_bytes(),
                ]),
            );
        }
    }
    ctx.client.out.simple(&hex(&acc));
    Ok(())
}
