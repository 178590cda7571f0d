//! Scripting behaviour that transcripts cannot hold: replies nested thousands deep, and
//! inputs on which redis-server 7.0.15 itself crashes (there the expected reply is this
//! server's own, an ordinary error, and the server must keep serving).
//!
//! Expected nesting depths were recorded from redis-server 7.0.15 with a raw socket.

mod common;

use common::{cmd, encode, TestServer};
use resp::Frame;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Sends EVAL `body` 0 then PING; returns the raw bytes before the PING's reply.
fn eval_raw(server: &TestServer, body: &[u8]) -> Vec<u8> {
    let mut s = server.connect();
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut req = encode(&[b"EVAL", body, b"0"]);
    req.extend_from_slice(b"PING\r\n");
    s.write_all(&req).expect("write");
    let mut out = Vec::new();
    let mut tmp = [0u8; 65536];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !out.ends_with(b"+PONG\r\n") && Instant::now() < deadline {
        match s.read(&mut tmp) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&tmp[..n]),
        }
    }
    assert!(out.ends_with(b"+PONG\r\n"), "connection still usable");
    out.truncate(out.len() - 7);
    out
}

fn repeat(s: &[u8], n: usize) -> Vec<u8> {
    s.repeat(n)
}

/// Compares long byte strings without printing them whole.
fn same(got: &[u8], want: &[u8]) {
    let at = got
        .iter()
        .zip(want)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    assert!(
        got == want,
        "lengths {} vs {}, first difference at {at}: {:?}",
        got.len(),
        want.len(),
        String::from_utf8_lossy(&got[at.saturating_sub(20)..(at + 40).min(got.len())])
    );
}

#[test]
fn self_referencing_replies_stop_at_the_lua_stack_limit() {
    let server = TestServer::start(&[]);
    let err = b"-ERR reached lua stack limit\r\n";
    // Arrays: 7995 levels, then the error.
    let mut want = repeat(b"*1\r\n", 7995);
    want.extend_from_slice(err);
    same(&eval_raw(&server, b"local t = {} t[1] = t return t"), &want);
    // Maps nested through their values: 2665 levels; the innermost key and value fail.
    let mut want = repeat(b"*2\r\n$1\r\na\r\n", 2664);
    want.extend_from_slice(b"*2\r\n");
    want.extend_from_slice(err);
    want.extend_from_slice(err);
    same(
        &eval_raw(&server, b"local t = {} t.map = {a=t} return t"),
        &want,
    );
    // Sets: 2665 levels.
    let mut want = repeat(b"*1\r\n", 2665);
    want.extend_from_slice(err);
    same(
        &eval_raw(&server, b"local t = {} t.set = {} t.set[t] = true return t"),
        &want,
    );
}

#[test]
fn errors_redis_crashes_on_are_ordinary_replies() {
    let server = TestServer::start(&[]);
    let mut c = server.connect();
    let sha = |body: &[u8]| {
        let d = sha1_smol::Sha1::from(body).digest().to_string();
        d
    };
    for body in [
        &b"error({})"[..],
        b"error({err=true})",
        b"error(setmetatable({}, {__tostring=function() return 'x' end}))",
    ] {
        let got = cmd(&mut c, &[b"EVAL", body, b"0"]);
        let want = format!(
            "ERR unknown error script: {}, on @user_script:1.",
            sha(body)
        );
        assert_eq!(
            got,
            Frame::Error(want.into_bytes()),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(cmd(&mut c, &[b"PING"]), Frame::Simple(b"PONG".to_vec()));
}

#[test]
fn runaway_scripts_end_with_an_error() {
    let server = TestServer::start(&[]);
    let mut c = server.connect();
    let got = cmd(&mut c, &[b"EVAL", b"return #string.rep('x', 2^40)", b"0"]);
    let Frame::Error(e) = got else {
        panic!("error expected, got {got:?}")
    };
    assert!(e.starts_with(b"ERR "), "{}", String::from_utf8_lossy(&e));
    let got = cmd(
        &mut c,
        &[
            b"EVAL",
            b"local function f() return f() + 1 end return f()",
            b"0",
        ],
    );
    let Frame::Error(e) = got else {
        panic!("error expected, got {got:?}")
    };
    assert!(
        String::from_utf8_lossy(&e).contains("stack overflow"),
        "{}",
        String::from_utf8_lossy(&e)
    );
    assert_eq!(
        cmd(&mut c, &[b"EVAL", b"return 1", b"0"]),
        Frame::Integer(1)
    );
}

/// Redis's own check ("EVAL does not leak in the Lua stack"): after 10000 runs of a
/// cached script the Lua heap stays under 100 KB, i.e. garbage made by each run's
/// KEYS/ARGV tables and `redis.call` replies is collected between runs.
#[test]
fn many_evals_keep_the_lua_heap_small() {
    /// The bound redis-server's test suite uses.
    const MAX_LUA_HEAP: u64 = 100 * 1024;
    let server = TestServer::start(&[]);
    let mut s = server.connect();
    cmd(&mut s, &[b"SCRIPT", b"FLUSH"]);
    let body: &[u8] = b"return redis.call('incr',KEYS[1])";
    let mut req = Vec::new();
    for _ in 0..10_000 {
        req.extend_from_slice(&encode(&[b"EVAL", body, b"1", b"leakx"]));
    }
    s.write_all(&req).expect("write");
    let mut buf = Vec::new();
    for _ in 0..10_000 {
        common::read_frame(&mut s, &mut buf).expect("reply");
    }
    assert_eq!(
        cmd(&mut s, &[b"GET", b"leakx"]),
        Frame::Bulk(b"10000".to_vec())
    );
    let info = match cmd(&mut s, &[b"INFO", b"memory"]) {
        Frame::Bulk(b) => String::from_utf8(b).expect("utf8"),
        other => panic!("INFO reply {other:?}"),
    };
    let lua: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("used_memory_lua:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("used_memory_lua");
    assert!(lua < MAX_LUA_HEAP, "used_memory_lua {lua}");
}
