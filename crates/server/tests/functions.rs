//! Functions behaviour that transcripts cannot hold: binary `FUNCTION DUMP` payloads
//! compared with golden files taken from redis-server 7.0.15, payloads from
//! redis-server restored here, corrupt payloads refused without changing anything.
//!
//! The golden payloads in `redis-tests/golden/` were produced by loading the libraries
//! of [`MYLIB`] and [`LIB2`] into redis-server 7.0.15 (`FUNCTION LOAD`) and saving the
//! raw reply of `FUNCTION DUMP` (see `redis-tests/README.md`). Both payloads were also
//! restored into redis-server 7.0.15 from this server's DUMP (they are the same bytes).

mod common;

use common::{cmd, TestServer};
use resp::Frame;
use std::path::PathBuf;

const MYLIB: &[u8] = b"#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return redis.call('set', keys[1], args[1]) end)";
const LIB2: &[u8] = b"#!lua name=lib2\nlocal function helper(n)\n  return n * 2\nend\nredis.register_function{function_name='double', callback=function(keys, args) return helper(tonumber(args[1])) end, flags={'no-writes'}, description='doubles its argument'}\nredis.register_function('ping2', function() return redis.call('ping') end)";

fn golden(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../redis-tests/golden")
        .join(name);
    std::fs::read(p).expect("golden payload")
}

fn bulk(f: Frame) -> Vec<u8> {
    match f {
        Frame::Bulk(b) => b.to_vec(),
        other => panic!("expected a bulk reply, got {other:?}"),
    }
}

/// Some bulk string inside `f` is `want`.
fn holds(f: &Frame, want: &[u8]) -> bool {
    match f {
        Frame::Bulk(b) => b.as_slice() == want,
        Frame::Array(items) => items.iter().any(|i| holds(i, want)),
        _ => false,
    }
}

fn simple_ok(f: &Frame) -> bool {
    matches!(f, Frame::Simple(s) if s.as_slice() == b"OK")
}

#[test]
fn dump_is_byte_identical_to_redis() {
    let server = TestServer::start(&[]);
    let mut c = server.connect();
    cmd(&mut c, &[b"FUNCTION", b"FLUSH"]);
    assert_eq!(bulk(cmd(&mut c, &[b"FUNCTION", b"LOAD", MYLIB])), b"mylib");
    assert_eq!(
        bulk(cmd(&mut c, &[b"FUNCTION", b"DUMP"])),
        golden("function-dump-mylib.bin")
    );
    assert_eq!(bulk(cmd(&mut c, &[b"FUNCTION", b"LOAD", LIB2])), b"lib2");
    // Libraries are dumped in name order; redis-server's hash order was the same here.
    assert_eq!(
        bulk(cmd(&mut c, &[b"FUNCTION", b"DUMP"])),
        golden("function-dump-two-libs.bin")
    );
}

#[test]
fn redis_payload_restores_here() {
    let server = TestServer::start(&[]);
    let mut c = server.connect();
    cmd(&mut c, &[b"FUNCTION", b"FLUSH"]);
    let payload = golden("function-dump-two-libs.bin");
    assert!(simple_ok(&cmd(
        &mut c,
        &[b"FUNCTION", b"RESTORE", &payload]
    )));
    assert_eq!(
        cmd(&mut c, &[b"FCALL", b"double", b"0", b"21"]),
        Frame::Integer(42)
    );
    assert!(simple_ok(&cmd(
        &mut c,
        &[b"FCALL", b"myfunc", b"1", b"k", b"v"]
    )));
    assert_eq!(bulk(cmd(&mut c, &[b"GET", b"k"])), b"v");
    // The code comes back whole, metadata line included.
    assert_eq!(bulk(cmd(&mut c, &[b"FUNCTION", b"DUMP"])), payload);
    let list = cmd(&mut c, &[b"FUNCTION", b"LIST", b"WITHCODE"]);
    for want in [LIB2, MYLIB, b"doubles its argument"] {
        assert!(holds(&list, want), "{}", String::from_utf8_lossy(want));
    }
    // APPEND (the default) refuses libraries that exist; FLUSH and REPLACE accept them.
    let e = cmd(&mut c, &[b"FUNCTION", b"RESTORE", &payload]);
    assert_eq!(e, Frame::Error(b"ERR Library lib2 already exists".to_vec()));
    assert!(simple_ok(&cmd(
        &mut c,
        &[b"FUNCTION", b"RESTORE", &payload, b"REPLACE"]
    )));
    assert!(simple_ok(&cmd(
        &mut c,
        &[b"FUNCTION", b"RESTORE", &payload, b"FLUSH"]
    )));
}

#[test]
fn corrupt_payloads_change_nothing() {
    let server = TestServer::start(&[]);
    let mut c = server.connect();
    cmd(&mut c, &[b"FUNCTION", b"FLUSH"]);
    assert_eq!(bulk(cmd(&mut c, &[b"FUNCTION", b"LOAD", MYLIB])), b"mylib");
    let before = cmd(&mut c, &[b"FUNCTION", b"LIST", b"WITHCODE"]);
    let payload = golden("function-dump-two-libs.bin");
    for i in 0..payload.len() {
        for flip in [0x01u8, 0x80] {
            let mut bad = payload.clone();
            bad[i] ^= flip;
            for policy in [&b"APPEND"[..], b"FLUSH", b"REPLACE"] {
                let r = cmd(&mut c, &[b"FUNCTION", b"RESTORE", &bad, policy]);
                assert!(
                    matches!(r, Frame::Error(_)),
                    "byte {i} flip {flip:#x}: {r:?}"
                );
            }
        }
    }
    for n in 0..payload.len() {
        let r = cmd(&mut c, &[b"FUNCTION", b"RESTORE", &payload[..n], b"FLUSH"]);
        assert_eq!(
            r,
            Frame::Error(b"ERR DUMP payload version or checksum are wrong".to_vec()),
            "prefix {n}"
        );
    }
    assert_eq!(cmd(&mut c, &[b"FUNCTION", b"LIST", b"WITHCODE"]), before);
}

#[test]
fn load_timeout_cannot_be_caught() {
    let server = TestServer::start(&[]);
    let mut c = server.connect();
    let code = b"#!lua name=spin\nlocal function f() while true do end end\nlocal ok = redis.log(redis.LOG_DEBUG, 'x')\nwhile true do local g = f end";
    let r = cmd(&mut c, &[b"FUNCTION", b"LOAD", code]);
    assert_eq!(
        r,
        Frame::Error(b"ERR Error registering functions: ERR FUNCTION LOAD timeout".to_vec())
    );
    assert_eq!(cmd(&mut c, &[b"PING"]), Frame::Simple(b"PONG".to_vec()));
}

#[test]
fn payload_api_for_persistence() {
    let mut s = server::scripting::Scripting::new();
    let payload = golden("function-dump-two-libs.bin");
    s.restore_functions(&payload).expect("restore");
    assert_eq!(s.functions_counts(), (2, 3));
    assert_eq!(s.functions_payload().expect("dump"), payload);
    assert!(s.restore_functions(b"bad_payload").is_err());
    assert_eq!(s.functions_counts(), (2, 3));
}
