//! Raw-bytes protocol tests: malformed requests get Redis's error and the connection is
//! closed; a misbehaving client does not disturb a well-behaved one; pipelining, inline
//! commands, RESP3, NOAUTH, OOM, SHUTDOWN. Expected bytes are what redis-server 7.0.15
//! sends for the same input (recorded by hand with a raw socket).

mod common;

use common::{cmd, encode, read_frame, read_until_close, TestServer};
use resp::Frame;
use std::io::Write;
use std::time::Duration;

fn send_raw(server: &TestServer, input: &[u8]) -> (Vec<u8>, bool) {
    let mut s = server.connect();
    s.write_all(input).expect("write");
    read_until_close(&mut s, Duration::from_secs(5))
}

#[test]
fn protocol_errors_close_the_connection() {
    let server = TestServer::start(&[]);
    let cases: &[(&[u8], &[u8])] = &[
        (
            b"*abc\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*2147483648\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\n+PING\r\n",
            b"-ERR Protocol error: expected '$', got '+'\r\n",
        ),
        (
            b"*1\r\n$abc\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$-1\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$600000000\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"SET a \"b\r\n",
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        (
            b"echo 'a'b\r\n",
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        (
            b"*1\r\n$4\r\nPING\r\n*x\r\n",
            b"+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n",
        ),
    ];
    for (input, want) in cases {
        let (got, closed) = send_raw(&server, input);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "input {:?}",
            String::from_utf8_lossy(input)
        );
        assert!(
            closed,
            "connection should be closed after {:?}",
            String::from_utf8_lossy(input)
        );
    }
    let mut big = vec![b'a'; 70 * 1024];
    big.extend_from_slice(b"\r\n");
    let (got, closed) = send_raw(&server, &big[..66 * 1024]);
    assert_eq!(
        got,
        b"-ERR Protocol error: too big inline request\r\n".to_vec()
    );
    assert!(closed);
}

#[test]
fn accepted_quirks_match_redis() {
    let server = TestServer::start(&[]);
    let cases: &[(&[u8], &[u8])] = &[
        (b"*-5\r\nPING\r\n", b"+PONG\r\n"),
        (b"\r\n\r\nPING\r\n", b"+PONG\r\n"),
        (b"*0\r\nPING\r\n", b"+PONG\r\n"),
        (b"PING\nPING\n", b"+PONG\r\n+PONG\r\n"),
        (b"*1\r\n$4\r\nPINGxx", b"+PONG\r\n"),
        (b"echo a\"b\"\r\n", b"$2\r\nab\r\n"),
        (b"ECHO \"a\\x41\\n\\t\\\"\" \r\n", b"$5\r\naA\n\t\"\r\n"),
        (b"*1\r\n$1\r\nx\r\n", b"-ERR unknown command 'x', with args beginning with: \r\n"),
        (
            b"*1\r\n$2\r\nPINGxx\r\n",
            b"-ERR unknown command 'PI', with args beginning with: \r\n-ERR unknown command 'xx', with args beginning with: \r\n",
        ),
    ];
    for (input, want) in cases {
        let mut s = server.connect();
        s.write_all(input).expect("write");
        // Read until the expected number of bytes arrived (bounded by the read timeout).
        let mut got = Vec::new();
        let mut tmp = [0u8; 4096];
        while got.len() < want.len() {
            match std::io::Read::read(&mut s, &mut tmp) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&tmp[..n]),
            }
        }
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "input {:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(
            cmd(&mut s, &[b"PING"]),
            Frame::Simple(b"PONG".to_vec()),
            "still open after {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn pipelined_commands_reply_in_order_across_partial_writes() {
    let server = TestServer::start(&[]);
    let mut s = server.connect();
    let mut wire = Vec::new();
    for i in 0..1000 {
        wire.extend(encode(&[
            b"SET",
            format!("k{i}").as_bytes(),
            format!("v{i}").as_bytes(),
        ]));
        wire.extend(encode(&[b"GET", format!("k{i}").as_bytes()]));
    }
    // Deliver in odd-sized pieces so requests straddle reads.
    for chunk in wire.chunks(777) {
        s.write_all(chunk).expect("write");
    }
    let mut buf = Vec::new();
    for i in 0..1000 {
        assert_eq!(
            read_frame(&mut s, &mut buf),
            Some(Frame::Simple(b"OK".to_vec()))
        );
        assert_eq!(
            read_frame(&mut s, &mut buf),
            Some(Frame::Bulk(format!("v{i}").into_bytes()))
        );
    }
}

#[test]
fn big_values_round_trip() {
    let server = TestServer::start(&[]);
    let mut s = server.connect();
    let big: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(
        cmd(&mut s, &[b"SET", b"big", &big]),
        Frame::Simple(b"OK".to_vec())
    );
    assert_eq!(cmd(&mut s, &[b"STRLEN", b"big"]), Frame::Integer(5_000_000));
    assert_eq!(cmd(&mut s, &[b"GET", b"big"]), Frame::Bulk(big));
}

#[test]
fn garbage_client_does_not_disturb_others() {
    let server = TestServer::start(&[]);
    let mut good = server.connect();
    assert_eq!(
        cmd(&mut good, &[b"SET", b"a", b"1"]),
        Frame::Simple(b"OK".to_vec())
    );
    let mut bad = server.connect();
    // Half a request, then garbage, then a huge announced bulk that never arrives.
    bad.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\n").expect("write");
    assert_eq!(cmd(&mut good, &[b"GET", b"a"]), Frame::Bulk(b"1".to_vec()));
    let mut bad2 = server.connect();
    bad2.write_all(b"*1\r\n$100000000\r\nabc").expect("write");
    let mut bad3 = server.connect();
    bad3.write_all(&[0xff, 0x00, b'*', b'\n', 0x80, b'$', b'\r', b'\n'])
        .expect("write");
    assert_eq!(cmd(&mut good, &[b"INCR", b"a"]), Frame::Integer(2));
    drop(bad);
    drop(bad2);
    let (_, closed) = read_until_close(&mut bad3, Duration::from_millis(300));
    let _ = closed;
    assert_eq!(cmd(&mut good, &[b"GET", b"a"]), Frame::Bulk(b"2".to_vec()));
}

#[test]
fn resp3_types_after_hello_3() {
    let server = TestServer::start(&[]);
    let mut s = server.connect();
    let hello = cmd(&mut s, &[b"HELLO", b"3"]);
    let Frame::Map(pairs) = hello else {
        panic!("{hello:?}")
    };
    assert_eq!(
        pairs[0],
        (
            Frame::Bulk(b"server".to_vec()),
            Frame::Bulk(b"redis".to_vec())
        )
    );
    assert_eq!(
        pairs[2],
        (Frame::Bulk(b"proto".to_vec()), Frame::Integer(3))
    );
    assert_eq!(cmd(&mut s, &[b"GET", b"none"]), Frame::Null);
    let info = cmd(&mut s, &[b"CLIENT", b"INFO"]);
    assert!(matches!(info, Frame::Verbatim(f, _) if &f == b"txt"));
}

#[test]
fn requirepass_and_noauth() {
    let server = TestServer::start(&["--requirepass", "s3cret"]);
    let mut s = server.connect();
    assert_eq!(
        cmd(&mut s, &[b"GET", b"a"]),
        Frame::Error(b"NOAUTH Authentication required.".to_vec())
    );
    assert_eq!(
        cmd(&mut s, &[b"AUTH", b"wrong"]),
        Frame::Error(b"WRONGPASS invalid username-password pair or user is disabled.".to_vec())
    );
    assert_eq!(
        cmd(&mut s, &[b"AUTH", b"s3cret"]),
        Frame::Simple(b"OK".to_vec())
    );
    assert_eq!(cmd(&mut s, &[b"GET", b"a"]), Frame::NullBulk);
    // Unauthenticated clients get tight protocol limits.
    let (got, closed) = send_raw(&server, b"*11\r\n");
    assert_eq!(
        got,
        b"-ERR Protocol error: unauthenticated multibulk length\r\n".to_vec()
    );
    assert!(closed);
}

#[test]
fn maxmemory_noeviction_refuses_writes() {
    let server = TestServer::start(&[]);
    let mut s = server.connect();
    assert_eq!(
        cmd(&mut s, &[b"CONFIG", b"SET", b"maxmemory", b"1"]),
        Frame::Simple(b"OK".to_vec())
    );
    assert_eq!(
        cmd(&mut s, &[b"SET", b"a", b"b"]),
        Frame::Error(b"OOM command not allowed when used memory > 'maxmemory'.".to_vec())
    );
    assert_eq!(cmd(&mut s, &[b"GET", b"a"]), Frame::NullBulk);
    assert_eq!(cmd(&mut s, &[b"DEL", b"a"]), Frame::Integer(0));
    assert_eq!(
        cmd(&mut s, &[b"CONFIG", b"SET", b"maxmemory", b"0"]),
        Frame::Simple(b"OK".to_vec())
    );
    assert_eq!(
        cmd(&mut s, &[b"SET", b"a", b"b"]),
        Frame::Simple(b"OK".to_vec())
    );
}

#[test]
fn monitor_sees_other_clients() {
    let server = TestServer::start(&[]);
    let mut m = server.connect();
    assert_eq!(cmd(&mut m, &[b"MONITOR"]), Frame::Simple(b"OK".to_vec()));
    let mut s = server.connect();
    cmd(&mut s, &[b"SET", b"k", b"v"]);
    let mut buf = Vec::new();
    let Some(Frame::Simple(line)) = read_frame(&mut m, &mut buf) else {
        panic!("no monitor line")
    };
    let line = String::from_utf8_lossy(&line).to_string();
    assert!(line.ends_with("\"SET\" \"k\" \"v\""), "{line}");
    assert!(line.contains(" [0 127.0.0.1:"), "{line}");
}

#[test]
fn shutdown_and_sigterm_exit_cleanly() {
    let mut server = TestServer::start(&[]);
    let mut s = server.connect();
    s.write_all(&encode(&[b"SHUTDOWN", b"NOSAVE"]))
        .expect("write");
    assert_eq!(server.wait_exit(Duration::from_secs(5)), Some(0));
}

#[test]
fn bad_config_exits_with_status_1() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rlua51-server"))
        .args(["--port", "0", "--foo", "bar"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'foo \"bar\"'\nBad directive or wrong number of arguments\n"
    );
}
