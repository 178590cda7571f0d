//! HyperLogLog commands: PFADD, PFCOUNT, PFMERGE and the PFDEBUG introspection command.
//! The sketch format and estimator are in `types/hll.rs`; sketches are plain strings, so
//! GET returns the same bytes as Redis (`redis-tests/hyperloglog.txt`).

use super::is;
use crate::db::{Keyspace, Value};
use crate::error::{CmdError, CmdResult};
use crate::sds::Sds;
use crate::server::Ctx;
use crate::types::hll;
use resp::Args;

const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const CORRUPT: &str = "INVALIDOBJ Corrupted HLL object detected";

fn corrupt(_: hll::Corrupt) -> CmdError {
    CmdError::msg(CORRUPT)
}

fn sparse_max(ctx: &Ctx) -> usize {
    ctx.core
        .config
        .get("hll-sparse-max-bytes")
        .parse()
        .unwrap_or(3000)
}

/// The sketch bytes at `key` for editing, `None` when missing.
fn sketch_mut<'a>(
    ks: &'a mut Keyspace,
    db: usize,
    now: i64,
    key: &[u8],
) -> Result<Option<&'a mut Vec<u8>>, CmdError> {
    match ks.lookup_write(db, key, now) {
        None => Ok(None),
        Some(v @ (Value::Int(_) | Value::Str(_))) => {
            if let Value::Str(s) = v {
                if !hll::is_valid(s.as_bytes()) {
                    return Err(CmdError::msg(NOT_HLL));
                }
            } else {
                return Err(CmdError::msg(NOT_HLL));
            }
            Ok(Some(v.make_raw()?))
        }
        Some(_) => Err(CmdError::WrongType),
    }
}

/// A copy of the sketch at `key` for reading.
fn sketch_copy(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    let (db, now) = (ctx.db(), ctx.now_ms());
    match ctx.core.ks.lookup_read(db, key, now) {
        None => Ok(None),
        Some(Value::Str(s)) if hll::is_valid(s.as_bytes()) => Ok(Some(s.as_bytes().to_vec())),
        Some(Value::Int(_) | Value::Str(_)) => Err(CmdError::msg(NOT_HLL)),
        Some(_) => Err(CmdError::WrongType),
    }
}

pub fn pfadd(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let max = sparse_max(ctx);
    let (db, now) = (ctx.db(), ctx.now_ms());
    let key = a.get(1);
    let mut updated = 0u64;
    if sketch_mut(&mut ctx.core.ks, db, now, key)?.is_none() {
        ctx.core.ks.set(
            db,
            key,
            Value::Str(Sds::from_vec_raw(hll::new_sparse())),
            false,
        );
        updated += 1;
    }
    let v = sketch_mut(&mut ctx.core.ks, db, now, key)?.ok_or(CmdError::msg(CORRUPT))?;
    for e in a.iter().skip(2) {
        let (index, count) = hll::position(e);
        if hll::set(v, index, count, max).map_err(corrupt)? {
            updated += 1;
        }
    }
    if updated > 0 {
        hll::invalidate_cache(v);
        ctx.core.dirty += updated;
    }
    ctx.client.out.int(i64::from(updated > 0));
    Ok(())
}

pub fn pfcount(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 2 {
        let mut max = vec![0u8; hll::REGISTERS];
        for k in a.iter().skip(1) {
            if let Some(v) = sketch_copy(ctx, k)? {
                hll::merge_into(&mut max, &v).map_err(corrupt)?;
            }
        }
        let n = hll::estimate(&hll::raw_histogram(&max));
        ctx.client.out.int(n as i64);
        return Ok(());
    }
    let (db, now) = (ctx.db(), ctx.now_ms());
    let Some(v) = sketch_mut(&mut ctx.core.ks, db, now, a.get(1))? else {
        ctx.client.out.int(0);
        return Ok(());
    };
    let n = match hll::cached(v) {
        Some(n) => n,
        None => {
            let n = hll::count(v).map_err(corrupt)?;
            hll::set_cache(v, n);
            ctx.core.dirty += 1;
            n
        }
    };
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn pfmerge(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let sparse_max = sparse_max(ctx);
    let (db, now) = (ctx.db(), ctx.now_ms());
    let mut max = vec![0u8; hll::REGISTERS];
    let mut any_dense = false;
    for k in a.iter().skip(1) {
        if let Some(v) = sketch_copy(ctx, k)? {
            any_dense |= v[4] == hll::DENSE;
            hll::merge_into(&mut max, &v).map_err(corrupt)?;
        }
    }
    let dst = a.get(1);
    if sketch_mut(&mut ctx.core.ks, db, now, dst)?.is_none() {
        ctx.core.ks.set(
            db,
            dst,
            Value::Str(Sds::from_vec_raw(hll::new_sparse())),
            false,
        );
    }
    let v = sketch_mut(&mut ctx.core.ks, db, now, dst)?.ok_or(CmdError::msg(CORRUPT))?;
    if any_dense {
        hll::to_dense(v).map_err(corrupt)?;
    }
    for (i, &m) in max.iter().enumerate() {
        if m != 0 {
            hll::set(v, i, m, sparse_max).map_err(corrupt)?;
        }
    }
    hll::invalidate_cache(v);
    ctx.core.dirty += 1;
    ctx.client.out.ok();
    Ok(())
}

/// `PFSELFTEST`: checks the sketch code (see `hll::self_test`).
pub fn pfselftest(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    hll::self_test().map_err(CmdError::owned)?;
    ctx.client.out.ok();
    Ok(())
}

/// `PFDEBUG <GETREG|DECODE|ENCODING|TODENSE> key`.
pub fn pfdebug(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let sub = a.get(1);
    let key = a.get(2);
    let (db, now) = (ctx.db(), ctx.now_ms());
    if !ctx.core.ks.exists(db, key, now) {
        return Err(CmdError::msg("ERR The specified key does not exist"));
    }
    let v = sketch_mut(&mut ctx.core.ks, db, now, key)?.ok_or(CmdError::msg(CORRUPT))?;
    if is(sub, "getreg") {
        if v[4] != hll::DENSE {
            hll::to_dense(v).map_err(corrupt)?;
            ctx.core.dirty += 1;
        }
        let regs: Vec<u8> = (0..hll::REGISTERS)
            .map(|i| hll::dense_get(&v[hll::HDR..], i))
            .collect();
        ctx.client.out.array(regs.len());
        for r in regs {
            ctx.client.out.int(r as i64);
        }
    } else if is(sub, "decode") {
        if v[4] != hll::SPARSE {
            return Err(CmdError::msg("ERR HLL encoding is not sparse"));
        }
        let s = hll::decode(v).map_err(corrupt)?;
        ctx.client.out.bulk(s.as_bytes());
    } else if is(sub, "encoding") {
        let e: &[u8] = if v[4] == hll::DENSE {
            b"dense"
        } else {
            b"sparse"
        };
        ctx.client.out.simple(e);
    } else if is(sub, "todense") {
        let conv = v[4] == hll::SPARSE;
        if conv {
            hll::to_dense(v).map_err(corrupt)?;
            ctx.core.dirty += 1;
        }
        ctx.client.out.int(i64::from(conv));
    } else {
        return Err(CmdError::owned(format!(
            "ERR Unknown PFDEBUG subcommand '{}'",
            String::from_utf8_lossy(sub)
        )));
    }
    Ok(())
}
