//! Client-side reply parsing: bytes → [`Frame`], plus a readable one-frame-per-line
//! rendering used by the server's transcript tests.
//!
//! The rendering mirrors the wire format so it stays exact: `+OK`, `-ERR x`, `:5`,
//! `$"bytes"` (escaped), `$-1`, `*-1`, `_`, `#t`, `,1.5`, `(123`, `=txt:"..."`, and for
//! aggregates a header line (`*2`, `%1`, `~3`, `>3`) followed by the elements indented by
//! two spaces.

use std::fmt;

/// Nesting deeper than this is refused (keeps a hostile peer from exhausting the stack).
pub const MAX_DEPTH: usize = 256;

/// One reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Integer(i64),
    Bulk(Vec<u8>),
    NullBulk,
    Array(Vec<Frame>),
    NullArray,
    Null,
    Boolean(bool),
    /// A double, kept as the text the server sent.
    Double(Vec<u8>),
    BigNumber(Vec<u8>),
    Verbatim([u8; 3], Vec<u8>),
    Map(Vec<(Frame, Frame)>),
    Set(Vec<Frame>),
    Push(Vec<Frame>),
}

/// A reply that is not valid RESP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError(pub String);

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad reply: {}", self.0)
    }
}

impl std::error::Error for FrameError {}

fn line(buf: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rel = buf.get(pos..)?.windows(2).position(|w| w == b"\r\n")?;
    Some((&buf[pos..pos + rel], pos + rel + 2))
}

fn int(s: &[u8]) -> Result<i64, FrameError> {
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| FrameError(format!("bad integer {:?}", String::from_utf8_lossy(s))))
}

impl Frame {
    /// Parses one frame from the front of `buf`: `Ok(None)` when incomplete, otherwise the
    /// frame and the number of bytes it used.
    pub fn parse(buf: &[u8]) -> Result<Option<(Frame, usize)>, FrameError> {
        Self::parse_at(buf, 0, 0)
    }

    fn parse_at(
        buf: &[u8],
        pos: usize,
        depth: usize,
    ) -> Result<Option<(Frame, usize)>, FrameError> {
        if depth > MAX_DEPTH {
            return Err(FrameError("nesting too deep".into()));
        }
        let Some(&kind) = buf.get(pos) else {
            return Ok(None);
        };
        let Some((text, next)) = line(buf, pos + 1) else {
            return Ok(None);
        };
        let agg =
            |n: i64, next: usize, mul: usize| -> Result<Option<(Vec<Frame>, usize)>, FrameError> {
                let mut items = Vec::new();
                let mut p = next;
                for _ in 0..(n as usize) * mul {
                    match Self::parse_at(buf, p, depth + 1)? {
                        Some((f, np)) => {
                            items.push(f);
                            p = np;
                        }
                        None => return Ok(None),
                    }
                }
                Ok(Some((items, p)))
            };
        let frame = match kind {
            b'+' => (Frame::Simple(text.to_vec()), next),
            b'-' => (Frame::Error(text.to_vec()), next),
            b':' => (Frame::Integer(int(text)?), next),
            b'_' => (Frame::Null, next),
            b'#' => match text {
                b"t" => (Frame::Boolean(true), next),
                b"f" => (Frame::Boolean(false), next),
                _ => return Err(FrameError("bad boolean".into())),
            },
            b',' => (Frame::Double(text.to_vec()), next),
            b'(' => (Frame::BigNumber(text.to_vec()), next),
            b'$' | b'=' => {
                let n = int(text)?;
                if n < 0 {
                    if kind == b'$' {
                        (Frame::NullBulk, next)
                    } else {
                        return Err(FrameError("negative verbatim length".into()));
                    }
                } else {
                    let end = next + n as usize;
                    if buf.len() < end + 2 {
                        return Ok(None);
                    }
                    if &buf[end..end + 2] != b"\r\n" {
                        return Err(FrameError("missing CRLF after bulk".into()));
                    }
                    let data = buf[next..end].to_vec();
                    if kind == b'=' {
                        if data.len() < 4 || data[3] != b':' {
                            return Err(FrameError("bad verbatim string".into()));
                        }
                        (
                            Frame::Verbatim([data[0], data[1], data[2]], data[4..].to_vec()),
                            end + 2,
                        )
                    } else {
                        (Frame::Bulk(data), end + 2)
                    }
                }
            }
            b'*' | b'~' | b'>' | b'%' => {
                let n = int(text)?;
                if n < 0 {
                    if kind == b'*' {
                        (Frame::NullArray, next)
                    } else {
                        return Err(FrameError("negative aggregate length".into()));
                    }
                } else {
                    let mul = if kind == b'%' { 2 } else { 1 };
                    let Some((items, p)) = agg(n, next, mul)? else {
                        return Ok(None);
                    };
                    let f = match kind {
                        b'*' => Frame::Array(items),
                        b'~' => Frame::Set(items),
                        b'>' => Frame::Push(items),
                        _ => {
                            let mut it = items.into_iter();
                            let mut pairs = Vec::new();
                            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                                pairs.push((k, v));
                            }
                            Frame::Map(pairs)
                        }
                    };
                    (f, p)
                }
            }
            other => return Err(FrameError(format!("unknown type byte {:?}", other as char))),
        };
        Ok(Some(frame))
    }

    /// Encodes the frame back to wire bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let hdr = |out: &mut Vec<u8>, c: u8, n: usize| {
            out.push(c);
            out.extend_from_slice(n.to_string().as_bytes());
            out.extend_from_slice(b"\r\n");
        };
        let text = |out: &mut Vec<u8>, c: u8, s: &[u8]| {
            out.push(c);
            out.extend_from_slice(s);
            out.extend_from_slice(b"\r\n");
        };
        match self {
            Frame::Simple(s) => text(out, b'+', s),
            Frame::Error(s) => text(out, b'-', s),
            Frame::Integer(n) => text(out, b':', n.to_string().as_bytes()),
            Frame::Bulk(b) => {
                hdr(out, b'$', b.len());
                out.extend_from_slice(b);
                out.extend_from_slice(b"\r\n");
            }
            Frame::NullBulk => out.extend_from_slice(b"$-1\r\n"),
            Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
            Frame::Null => out.extend_from_slice(b"_\r\n"),
            Frame::Boolean(b) => out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
            Frame::Double(d) => text(out, b',', d),
            Frame::BigNumber(d) => text(out, b'(', d),
            Frame::Verbatim(f, s) => {
                hdr(out, b'=', s.len() + 4);
                out.extend_from_slice(f);
                out.push(b':');
                out.extend_from_slice(s);
                out.extend_from_slice(b"\r\n");
            }
            Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
                let c = match self {
                    Frame::Array(_) => b'*',
                    Frame::Set(_) => b'~',
                    _ => b'>',
                };
                hdr(out, c, items.len());
                for i in items {
                    i.encode(out);
                }
            }
            Frame::Map(pairs) => {
                hdr(out, b'%', pairs.len());
                for (k, v) in pairs {
                    k.encode(out);
                    v.encode(out);
                }
            }
        }
    }

    /// The readable rendering, one line per frame, nested elements indented.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.render_into(&mut s, 0);
        s
    }

    fn render_into(&self, s: &mut String, indent: usize) {
        for _ in 0..indent {
            s.push_str("  ");
        }
        let quoted = |b: &[u8]| escape(b);
        match self {
            Frame::Simple(t) => s.push_str(&format!("+{}", String::from_utf8_lossy(t))),
            Frame::Error(t) => s.push_str(&format!("-{}", String::from_utf8_lossy(t))),
            Frame::Integer(n) => s.push_str(&format!(":{n}")),
            Frame::Bulk(b) => s.push_str(&format!("${}", quoted(b))),
            Frame::NullBulk => s.push_str("$-1"),
            Frame::NullArray => s.push_str("*-1"),
            Frame::Null => s.push('_'),
            Frame::Boolean(b) => s.push_str(if *b { "#t" } else { "#f" }),
            Frame::Double(d) => s.push_str(&format!(",{}", String::from_utf8_lossy(d))),
            Frame::BigNumber(d) => s.push_str(&format!("({}", String::from_utf8_lossy(d))),
            Frame::Verbatim(f, b) => {
                s.push_str(&format!("={}:{}", String::from_utf8_lossy(f), quoted(b)))
            }
            Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
                let c = match self {
                    Frame::Array(_) => '*',
                    Frame::Set(_) => '~',
                    _ => '>',
                };
                s.push_str(&format!("{c}{}", items.len()));
                for i in items {
                    s.push('\n');
                    i.render_into(s, indent + 1);
                }
            }
            Frame::Map(pairs) => {
                s.push_str(&format!("%{}", pairs.len()));
                for (k, v) in pairs {
                    s.push('\n');
                    k.render_into(s, indent + 1);
                    s.push('\n');
                    v.render_into(s, indent + 1);
                }
            }
        }
    }
}

/// Quotes bytes as `"..."` with `\\`, `\"`, `\r`, `\n`, `\t` and `\xHH` escapes.
pub fn escape(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 2);
    s.push('"');
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_render_nested() {
        let wire = b"*3\r\n$1\r\na\r\n$-1\r\n%1\r\n+k\r\n,1.5\r\n";
        let (f, n) = Frame::parse(wire).unwrap().unwrap();
        assert_eq!(n, wire.len());
        assert_eq!(f.render(), "*3\n  $\"a\"\n  $-1\n  %1\n    +k\n    ,1.5");
        let mut back = Vec::new();
        f.encode(&mut back);
        assert_eq!(back, wire.to_vec());
    }

    #[test]
    fn incomplete_and_invalid() {
        assert_eq!(Frame::parse(b"$5\r\nab").unwrap(), None);
        assert_eq!(Frame::parse(b"*2\r\n:1\r\n").unwrap(), None);
        assert!(Frame::parse(b"?x\r\n").is_err());
        assert!(Frame::parse(b"$2\r\nabcd").is_err());
    }
}
