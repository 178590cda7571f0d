//! Round trips through encoder and parsers, and property tests that arbitrary input never
//! makes the request parser or the frame parser panic.

use proptest::prelude::*;
use resp::{Frame, Limits, ParseStatus, Proto, ReplyWriter, RequestParser};

fn encode_request(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn parse_all(input: &[u8], chunk: usize) -> Result<Vec<Vec<Vec<u8>>>, resp::ProtocolError> {
    // Feed the input `chunk` bytes at a time, as a socket would deliver it.
    let mut p = RequestParser::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    let mut fed = 0;
    let mut guard = 0;
    while guard < 1_000_000 {
        guard += 1;
        match p.parse(&buf, &Limits::default())? {
            ParseStatus::Complete(n) => {
                out.push(p.args(&buf).iter().map(|a| a.to_vec()).collect());
                buf.drain(..n);
            }
            ParseStatus::Empty(n) => {
                buf.drain(..n);
            }
            ParseStatus::Incomplete { .. } => {
                if fed >= input.len() {
                    break;
                }
                let end = (fed + chunk).min(input.len());
                buf.extend_from_slice(&input[fed..end]);
                fed = end;
            }
        }
    }
    Ok(out)
}

proptest! {
    #[test]
    fn request_roundtrip(cmds in prop::collection::vec(prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..6), 1..5), chunk in 1usize..64) {
        let mut wire = Vec::new();
        for c in &cmds {
            wire.extend(encode_request(c));
        }
        let parsed = parse_all(&wire, chunk).unwrap();
        prop_assert_eq!(parsed, cmds);
    }

    #[test]
    fn request_parser_never_panics(input in prop::collection::vec(any::<u8>(), 0..300), chunk in 1usize..50) {
        let _ = parse_all(&input, chunk);
    }

    #[test]
    fn request_parser_never_panics_on_resp_like(input in "[*$\\r\\n0-9a-z\" '\\\\-]{0,200}", chunk in 1usize..50) {
        let _ = parse_all(input.as_bytes(), chunk);
    }

    #[test]
    fn frame_parser_never_panics(input in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Frame::parse(&input);
    }

    #[test]
    fn frame_parser_never_panics_on_resp_like(input in "[*$%~>+:,#_=(\\r\\n0-9a-z-]{0,200}") {
        let _ = Frame::parse(input.as_bytes());
    }

    #[test]
    fn bulk_roundtrip(data in prop::collection::vec(any::<u8>(), 0..100)) {
        let mut w = ReplyWriter::new(Proto::Resp2);
        w.bulk(&data);
        let (f, n) = Frame::parse(&w.buf).unwrap().unwrap();
        prop_assert_eq!(n, w.buf.len());
        prop_assert_eq!(f, Frame::Bulk(data));
    }

    #[test]
    fn int_roundtrip(v in any::<i64>()) {
        let mut w = ReplyWriter::new(Proto::Resp3);
        w.int(v);
        prop_assert_eq!(Frame::parse(&w.buf).unwrap().unwrap().0, Frame::Integer(v));
    }
}

#[test]
fn resp3_reply_roundtrip() {
    let mut w = ReplyWriter::new(Proto::Resp3);
    w.map(2);
    w.bulk(b"a");
    w.boolean(false);
    w.simple(b"b");
    w.set(2);
    w.double(0.5);
    w.null();
    let (f, n) = Frame::parse(&w.buf).unwrap().unwrap();
    assert_eq!(n, w.buf.len());
    assert_eq!(
        f.render(),
        "%2\n  $\"a\"\n  #f\n  +b\n  ~2\n    ,0.5\n    _"
    );
}

#[test]
fn garbage_mid_stream_is_an_error_after_good_commands() {
    let mut wire = encode_request(&[b"PING".to_vec()]);
    wire.extend_from_slice(b"*1\r\n!x\r\n");
    let mut p = RequestParser::new();
    let first = p.parse(&wire, &Limits::default()).unwrap();
    let ParseStatus::Complete(n) = first else {
        panic!("{first:?}")
    };
    let err = p.parse(&wire[n..], &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "Protocol error: expected '$', got '!'");
}
