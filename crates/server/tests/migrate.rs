//! MIGRATE between two servers of ours: keys, TTLs and types arrive intact, are removed
//! from the source unless COPY, and the target's errors are passed on. The replies are
//! the ones redis-server 7.0.15 gives in the same situations (checked by hand with two
//! redis-server instances; `redis-tests/migrate.txt` holds the single-server cases).

mod common;

use common::{cmd, TestServer};
use resp::Frame;

fn bulk(s: &str) -> Frame {
    Frame::Bulk(s.as_bytes().to_vec())
}

#[test]
fn migrate_moves_copies_and_reports_target_errors() {
    let src = TestServer::start(&[]);
    let dst = TestServer::start(&[]);
    let port = dst.port.to_string();
    let mut a = src.connect();
    let mut b = dst.connect();
    cmd(&mut a, &[b"SET", b"s", b"hello"]);
    cmd(&mut a, &[b"RPUSH", b"l", b"1", b"two", b"3"]);
    cmd(&mut a, &[b"ZADD", b"z", b"1.5", b"m"]);
    cmd(&mut a, &[b"PEXPIRE", b"l", b"100000"]);

    // One key, moved.
    let r = cmd(
        &mut a,
        &[
            b"MIGRATE",
            b"127.0.0.1",
            port.as_bytes(),
            b"s",
            b"0",
            b"1000",
        ],
    );
    assert_eq!(r, Frame::Simple(b"OK".to_vec()));
    assert_eq!(cmd(&mut a, &[b"EXISTS", b"s"]), Frame::Integer(0));
    assert_eq!(cmd(&mut b, &[b"GET", b"s"]), bulk("hello"));

    // Several keys into another database, copied; a missing key is skipped.
    let r = cmd(
        &mut a,
        &[
            b"MIGRATE",
            b"127.0.0.1",
            port.as_bytes(),
            b"",
            b"3",
            b"1000",
            b"COPY",
            b"KEYS",
            b"l",
            b"z",
            b"nokey",
        ],
    );
    assert_eq!(r, Frame::Simple(b"OK".to_vec()));
    assert_eq!(cmd(&mut a, &[b"EXISTS", b"l", b"z"]), Frame::Integer(2));
    cmd(&mut b, &[b"SELECT", b"3"]);
    assert_eq!(
        cmd(&mut b, &[b"LRANGE", b"l", b"0", b"-1"]),
        Frame::Array(vec![bulk("1"), bulk("two"), bulk("3")])
    );
    assert_eq!(cmd(&mut b, &[b"ZSCORE", b"z", b"m"]), bulk("1.5"));
    match cmd(&mut b, &[b"PTTL", b"l"]) {
        Frame::Integer(t) => assert!(t > 90_000 && t <= 100_000, "pttl {t}"),
        other => panic!("PTTL reply {other:?}"),
    }
    assert_eq!(cmd(&mut b, &[b"PTTL", b"z"]), Frame::Integer(-1));

    // The target refuses an existing key without REPLACE; the source keeps it.
    let r = cmd(
        &mut a,
        &[
            b"MIGRATE",
            b"127.0.0.1",
            port.as_bytes(),
            b"l",
            b"3",
            b"1000",
        ],
    );
    assert_eq!(
        r,
        Frame::Error(
            b"ERR Target instance replied with error: BUSYKEY Target key name already exists."
                .to_vec()
        )
    );
    assert_eq!(cmd(&mut a, &[b"EXISTS", b"l"]), Frame::Integer(1));
    let r = cmd(
        &mut a,
        &[
            b"MIGRATE",
            b"127.0.0.1",
            port.as_bytes(),
            b"l",
            b"3",
            b"1000",
            b"REPLACE",
        ],
    );
    assert_eq!(r, Frame::Simple(b"OK".to_vec()));
    assert_eq!(cmd(&mut a, &[b"EXISTS", b"l"]), Frame::Integer(0));

    // Credentials the target refuses.
    cmd(&mut a, &[b"SET", b"k", b"v"]);
    let r = cmd(
        &mut a,
        &[
            b"MIGRATE",
            b"127.0.0.1",
            port.as_bytes(),
            b"k",
            b"0",
            b"1000",
            b"AUTH",
            b"bad",
        ],
    );
    match r {
        Frame::Error(e) => assert!(
            e.starts_with(b"ERR Target instance replied with error: "),
            "{}",
            String::from_utf8_lossy(&e)
        ),
        other => panic!("reply {other:?}"),
    }
    assert_eq!(cmd(&mut a, &[b"EXISTS", b"k"]), Frame::Integer(1));
}
