//! MIGRATE: moves (or with COPY, copies) keys to another server, as DUMP payloads sent
//! with RESTORE.
//!
//! `MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw]
//! [KEYS key...]`. Like Redis, the transfer is synchronous: the server connects, sends
//! `AUTH`, `SELECT db` and one `RESTORE key ttl payload [REPLACE]` per key in one
//! pipeline, and waits for the replies, each I/O step bounded by `timeout`
//! milliseconds. Keys the target accepted are deleted here unless COPY. Unlike Redis,
//! connections are not kept for reuse (`migrate_cached_sockets` is always 0).

use super::{int_arg, is};
use crate::error::{CmdError, CmdResult};
use crate::rdb::{self, DumpOptions};
use crate::server::Ctx;
use resp::Args;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Timeout used when the given one is not positive (Redis: 1000 ms).
const DEFAULT_TIMEOUT_MS: i64 = 1000;
/// Bytes read from the target per `read` call.
const READ_CHUNK: usize = 16 * 1024;

const ERR_WRITE: &str = "IOERR error or timeout writing to target instance";
const ERR_READ: &str = "IOERR error or timeout reading to target instance";

fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

pub fn migrate(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (mut copy, mut replace) = (false, false);
    let mut auth: Option<Vec<Vec<u8>>> = None;
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut multi_keys = false;
    let mut i = 6;
    while i < a.len() {
        let o = a.get(i);
        let left = a.len() - i - 1;
        if is(o, "copy") {
            copy = true;
        } else if is(o, "replace") {
            replace = true;
        } else if is(o, "auth") && left >= 1 {
            auth = Some(vec![a.get(i + 1).to_vec()]);
            i += 1;
        } else if is(o, "auth2") && left >= 2 {
            auth = Some(vec![a.get(i + 1).to_vec(), a.get(i + 2).to_vec()]);
            i += 2;
        } else if is(o, "keys") {
            if !a.get(3).is_empty() {
                return Err(CmdError::msg(
                    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
                ));
            }
            multi_keys = true;
            keys = (i + 1..a.len()).map(|j| a.get(j).to_vec()).collect();
            break;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if !multi_keys {
        keys.push(a.get(3).to_vec());
    }
    let db_arg = int_arg(a.get(4))?;
    let mut timeout = int_arg(a.get(5))?;
    if timeout <= 0 {
        timeout = DEFAULT_TIMEOUT_MS;
    }
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let opt = DumpOptions::from_config(&ctx.core.config);
    // (key, ttl, payload) of the keys that exist.
    let mut batch: Vec<(Vec<u8>, i64, Vec<u8>)> = Vec::new();
    for k in &keys {
        let Some(v) = ctx.core.ks.lookup_read(db, k, now) else {
            continue;
        };
        let payload = rdb::dump(v, opt);
        let ttl = match ctx.core.ks.get_expire(db, k) {
            Some(when) => (when - now).max(1),
            None => 0,
        };
        batch.push((k.clone(), ttl, payload));
    }
    if batch.is_empty() {
        ctx.client.out.simple(b"NOKEY");
        return Ok(());
    }
    let mut req = Vec::new();
    if let Some(cred) = &auth {
        let mut args: Vec<&[u8]> = vec![b"AUTH"];
        args.extend(cred.iter().map(Vec::as_slice));
        encode(&mut req, &args);
    }
    let db_text = db_arg.to_string();
    encode(&mut req, &[b"SELECT", db_text.as_bytes()]);
    for (k, ttl, payload) in &batch {
        let ttl_text = ttl.to_string();
        let mut args: Vec<&[u8]> = vec![b"RESTORE", k, ttl_text.as_bytes(), payload];
        if replace {
            args.push(b"REPLACE");
        }
        encode(&mut req, &args);
    }
    let limit = Duration::from_millis(timeout as u64);
    let host = String::from_utf8_lossy(a.get(1)).into_owned();
    let port = String::from_utf8_lossy(a.get(2)).into_owned();
    let addr = format!("{host}:{port}")
        .to_socket_addrs()
        .ok()
        .and_then(|mut it| it.next());
    let mut sock = match addr.and_then(|ad| TcpStream::connect_timeout(&ad, limit).ok()) {
        Some(s) => s,
        None => return Err(CmdError::msg(ERR_WRITE)),
    };
    let _ = sock.set_write_timeout(Some(limit));
    let _ = sock.set_read_timeout(Some(limit));
    if sock.write_all(&req).is_err() {
        return Err(CmdError::msg(ERR_WRITE));
    }
    let mut buf = Vec::new();
    let mut next_reply = |sock: &mut TcpStream| -> Result<resp::Frame, CmdError> {
        loop {
            if let Ok(Some((f, n))) = resp::Frame::parse(&buf) {
                buf.drain(..n);
                return Ok(f);
            }
            let mut tmp = vec![0u8; READ_CHUNK];
            match sock.read(&mut tmp) {
                Ok(0) | Err(_) => return Err(CmdError::msg(ERR_READ)),
                Ok(n) => buf.extend_from_slice(&tmp[..n]),
            }
        }
    };
    let target_error = |msg: &[u8]| {
        CmdError::owned(format!(
            "ERR Target instance replied with error: {}",
            String::from_utf8_lossy(msg)
        ))
    };
    if auth.is_some() {
        if let resp::Frame::Error(e) = next_reply(&mut sock)? {
            return Err(target_error(&e));
        }
    }
    if let resp::Frame::Error(e) = next_reply(&mut sock)? {
        return Err(target_error(&e));
    }
    let mut first_error = None;
    for (k, _, _) in &batch {
        match next_reply(&mut sock)? {
            resp::Frame::Error(e) => {
                if first_error.is_none() {
                    first_error = Some(e);
                }
            }
            _ => {
                if !copy && ctx.core.ks.delete(db, k) {
                    ctx.core.dirty += 1;
                }
            }
        }
    }
    if let Some(e) = first_error {
        return Err(target_error(&e));
    }
    ctx.client.out.ok();
    Ok(())
}
