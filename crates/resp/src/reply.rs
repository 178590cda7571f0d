//! Reply encoding into a reusable byte buffer.
//!
//! A [`ReplyWriter`] owns a connection's output buffer and knows the protocol version the
//! client chose with `HELLO`. RESP3-only types are written in their RESP2 shape when the
//! client speaks RESP2, exactly as Redis does:
//!
//! | RESP3            | RESP2                          |
//! |------------------|--------------------------------|
//! | `%n` map         | `*2n` flat array               |
//! | `~n` set         | `*n` array                     |
//! | `_` null         | `$-1` (or `*-1` for arrays)    |
//! | `,d` double      | `$` bulk string of `%.17g`     |
//! | `#t`/`#f`        | `:1`/`:0`                      |
//! | `=n` verbatim    | `$` bulk string without format |
//! | `(n` big number  | `$` bulk string                |
//! | `>n` push        | `*n` array                     |

use crate::number::{format_double, write_i64, write_u64};

/// Protocol version spoken on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Proto {
    #[default]
    Resp2,
    Resp3,
}

/// Output buffer plus protocol version.
#[derive(Debug, Default)]
pub struct ReplyWriter {
    pub buf: Vec<u8>,
    pub proto: Proto,
}

impl ReplyWriter {
    pub fn new(proto: Proto) -> Self {
        ReplyWriter {
            buf: Vec::new(),
            proto,
        }
    }

    #[inline]
    pub fn is_resp3(&self) -> bool {
        self.proto == Proto::Resp3
    }

    /// Appends already encoded RESP bytes.
    #[inline]
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    #[inline]
    fn line(&mut self, prefix: u8, n: i64) {
        self.buf.push(prefix);
        write_i64(&mut self.buf, n);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `+OK`
    #[inline]
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// `+<s>`; CR/LF in `s` would break the protocol and are replaced by spaces.
    pub fn simple(&mut self, s: &[u8]) {
        self.buf.push(b'+');
        self.push_line_safe(s);
    }

    /// `-<s>` (s includes the code, e.g. `ERR syntax error`).
    pub fn error(&mut self, s: &[u8]) {
        self.buf.push(b'-');
        self.push_line_safe(s);
    }

    fn push_line_safe(&mut self, s: &[u8]) {
        self.buf.extend(
            s.iter()
                .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }),
        );
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `:<n>`
    #[inline]
    pub fn int(&mut self, n: i64) {
        self.line(b':', n);
    }

    /// `$<len>\r\n<bytes>\r\n`
    #[inline]
    pub fn bulk(&mut self, s: &[u8]) {
        self.buf.push(b'$');
        write_u64(&mut self.buf, s.len() as u64);
        self.buf.extend_from_slice(b"\r\n");
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string holding the decimal form of `n`.
    pub fn bulk_i64(&mut self, n: i64) {
        let mut tmp = Vec::with_capacity(20);
        write_i64(&mut tmp, n);
        self.bulk(&tmp);
    }

    /// Null bulk string (`$-1`, RESP3 `_`).
    #[inline]
    pub fn null(&mut self) {
        match self.proto {
            Proto::Resp2 => self.buf.extend_from_slice(b"$-1\r\n"),
            Proto::Resp3 => self.buf.extend_from_slice(b"_\r\n"),
        }
    }

    /// Null array (`*-1`, RESP3 `_`).
    pub fn null_array(&mut self) {
        match self.proto {
            Proto::Resp2 => self.buf.extend_from_slice(b"*-1\r\n"),
            Proto::Resp3 => self.buf.extend_from_slice(b"_\r\n"),
        }
    }

    /// Array header.
    #[inline]
    pub fn array(&mut self, n: usize) {
        self.line(b'*', n as i64);
    }

    /// Map header of `n` pairs.
    pub fn map(&mut self, n: usize) {
        match self.proto {
            Proto::Resp2 => self.line(b'*', 2 * n as i64),
            Proto::Resp3 => self.line(b'%', n as i64),
        }
    }

    /// Set header.
    pub fn set(&mut self, n: usize) {
        match self.proto {
            Proto::Resp2 => self.line(b'*', n as i64),
            Proto::Resp3 => self.line(b'~', n as i64),
        }
    }

    /// Push header (out-of-band data such as pub/sub messages).
    pub fn push(&mut self, n: usize) {
        match self.proto {
            Proto::Resp2 => self.line(b'*', n as i64),
            Proto::Resp3 => self.line(b'>', n as i64),
        }
    }

    /// A double, `%.17g` formatted.
    pub fn double(&mut self, d: f64) {
        let s = format_double(d);
        match self.proto {
            Proto::Resp2 => self.bulk(s.as_bytes()),
            Proto::Resp3 => {
                self.buf.push(b',');
                self.buf.extend_from_slice(s.as_bytes());
                self.buf.extend_from_slice(b"\r\n");
            }
        }
    }

    /// A boolean.
    pub fn boolean(&mut self, b: bool) {
        match self.proto {
            Proto::Resp2 => self.int(b as i64),
            Proto::Resp3 => self
                .buf
                .extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" }),
        }
    }

    /// A verbatim string with a three-letter format such as `txt`.
    pub fn verbatim(&mut self, format: &[u8; 3], s: &[u8]) {
        match self.proto {
            Proto::Resp2 => self.bulk(s),
            Proto::Resp3 => {
                self.buf.push(b'=');
                write_u64(&mut self.buf, s.len() as u64 + 4);
                self.buf.extend_from_slice(b"\r\n");
                self.buf.extend_from_slice(format);
                self.buf.push(b':');
                self.buf.extend_from_slice(s);
                self.buf.extend_from_slice(b"\r\n");
            }
        }
    }

    /// A big number given as its decimal digits.
    pub fn big_number(&mut self, digits: &[u8]) {
        match self.proto {
            Proto::Resp2 => self.bulk(digits),
            Proto::Resp3 => {
                self.buf.push(b'(');
                self.buf.extend_from_slice(digits);
                self.buf.extend_from_slice(b"\r\n");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(f: impl Fn(&mut ReplyWriter)) -> (String, String) {
        let mut a = ReplyWriter::new(Proto::Resp2);
        f(&mut a);
        let mut b = ReplyWriter::new(Proto::Resp3);
        f(&mut b);
        (
            String::from_utf8(a.buf).unwrap(),
            String::from_utf8(b.buf).unwrap(),
        )
    }

    #[test]
    fn resp2_and_resp3_shapes() {
        assert_eq!(both(|w| w.null()), ("$-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(|w| w.null_array()), ("*-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(|w| w.map(2)), ("*4\r\n".into(), "%2\r\n".into()));
        assert_eq!(both(|w| w.set(3)), ("*3\r\n".into(), "~3\r\n".into()));
        assert_eq!(both(|w| w.push(3)), ("*3\r\n".into(), ">3\r\n".into()));
        assert_eq!(
            both(|w| w.double(1.5)),
            ("$3\r\n1.5\r\n".into(), ",1.5\r\n".into())
        );
        assert_eq!(
            both(|w| w.boolean(true)),
            (":1\r\n".into(), "#t\r\n".into())
        );
        assert_eq!(
            both(|w| w.verbatim(b"txt", b"hi")),
            ("$2\r\nhi\r\n".into(), "=6\r\ntxt:hi\r\n".into())
        );
        assert_eq!(
            both(|w| w.big_number(b"123")),
            ("$3\r\n123\r\n".into(), "(123\r\n".into())
        );
        assert_eq!(
            both(|w| w.bulk(b"")),
            ("$0\r\n\r\n".into(), "$0\r\n\r\n".into())
        );
        assert_eq!(both(|w| w.int(-7)), (":-7\r\n".into(), ":-7\r\n".into()));
        assert_eq!(
            both(|w| w.error(b"ERR a\r\nb")),
            ("-ERR a  b\r\n".into(), "-ERR a  b\r\n".into())
        );
    }
}
