//! Pub/sub behaviour that transcripts cannot show: a subscriber that stops reading is
//! disconnected once its pending output passes the `client-output-buffer-limit pubsub`
//! class (Redis closes such clients the same way), and the server keeps serving others.

mod common;

use common::{encode, read_frame, TestServer};
use std::io::Write;
use std::time::{Duration, Instant};

fn cmd(s: &mut std::net::TcpStream, buf: &mut Vec<u8>, args: &[&[u8]]) -> String {
    s.write_all(&encode(args)).expect("write");
    read_frame(s, buf)
        .map(|f| f.render())
        .unwrap_or_else(|| "(closed)".into())
}

#[test]
fn slow_subscriber_is_disconnected_at_the_hard_limit() {
    let server = TestServer::start(&["--client-output-buffer-limit", "pubsub 1mb 512kb 60"]);
    let mut sub = server.connect();
    let mut sbuf = Vec::new();
    assert_eq!(
        cmd(&mut sub, &mut sbuf, &[b"SUBSCRIBE", b"flood"]),
        "*3\n  $\"subscribe\"\n  $\"flood\"\n  :1"
    );
    // The subscriber never reads again. 200 messages of 256 KB (50 MB) are far more than
    // the socket buffers and the 1 MB limit hold.
    let mut publ = server.connect();
    let mut pbuf = Vec::new();
    let payload = vec![b'x'; 256 * 1024];
    let mut last = String::new();
    for _ in 0..200 {
        last = cmd(&mut publ, &mut pbuf, &[b"PUBLISH", b"flood", &payload]);
        if last == ":0" {
            break;
        }
    }
    assert_eq!(last, ":0", "the slow subscriber should have been dropped");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let r = cmd(&mut publ, &mut pbuf, &[b"PUBSUB", b"NUMSUB", b"flood"]);
        if r == "*2\n  $\"flood\"\n  :0" || Instant::now() > deadline {
            assert_eq!(r, "*2\n  $\"flood\"\n  :0");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // A subscriber that reads keeps receiving.
    let mut ok = server.connect();
    let mut obuf = Vec::new();
    cmd(&mut ok, &mut obuf, &[b"SUBSCRIBE", b"flood"]);
    assert_eq!(
        cmd(&mut publ, &mut pbuf, &[b"PUBLISH", b"flood", b"hi"]),
        ":1"
    );
    assert_eq!(
        read_frame(&mut ok, &mut obuf)
            .map(|f| f.render())
            .unwrap_or_default(),
        "*3\n  $\"message\"\n  $\"flood\"\n  $\"hi\""
    );
}

#[test]
fn slow_subscriber_is_disconnected_after_soft_limit_seconds() {
    // No hard limit; 64 KB soft for 1 second.
    let server = TestServer::start(&["--client-output-buffer-limit", "pubsub 0 64kb 1"]);
    let mut sub = server.connect();
    let mut sbuf = Vec::new();
    cmd(&mut sub, &mut sbuf, &[b"SUBSCRIBE", b"slow"]);
    let mut publ = server.connect();
    let mut pbuf = Vec::new();
    // 20 MB: more than the socket buffers take, so output stays pending on the server.
    let payload = vec![b'y'; 1024 * 1024];
    for _ in 0..20 {
        assert_eq!(
            cmd(&mut publ, &mut pbuf, &[b"PUBLISH", b"slow", &payload]),
            ":1"
        );
    }
    std::thread::sleep(Duration::from_millis(1500));
    // Still over the soft limit more than a second later: the next message closes it.
    cmd(&mut publ, &mut pbuf, &[b"PUBLISH", b"slow", b"x"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let r = cmd(&mut publ, &mut pbuf, &[b"PUBSUB", b"NUMSUB", b"slow"]);
        if r == "*2\n  $\"slow\"\n  :0" || Instant::now() > deadline {
            assert_eq!(r, "*2\n  $\"slow\"\n  :0");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
