//! Framing of client requests out of a query buffer.
//!
//! Two kinds of request exist, told apart by the first byte:
//!
//! * multibulk: `*<argc>\r\n` then `argc` times `$<len>\r\n<len bytes>\r\n` (what client
//!   libraries, `redis-cli` and `redis-benchmark` send);
//! * inline: one line of words ending in `\n` (what people type into telnet), split by
//!   [`crate::inline::split_args`].
//!
//! [`RequestParser::parse`] is resumable: when a multibulk request is only partly in the
//! buffer it remembers how far it got and says how many bytes it needs before it can make
//! progress, so a 100 MB argument arriving in 16 KB reads is not re-scanned each time.
//! Arguments are `(start, end)` ranges into the buffer (multibulk) or into the parser's own
//! store (inline), so no argument is copied. Errors carry Redis's exact reply text; after
//! one the connection is to be closed.

use crate::inline;
use std::fmt;

/// Longest inline request, and longest `*`/`$` count line, before Redis gives up
/// (`PROTO_INLINE_MAX_SIZE` in Redis: 64 KB).
pub const INLINE_MAX_SIZE: usize = 64 * 1024;
/// Default `proto-max-bulk-len` (Redis default: 512 MB).
pub const DEFAULT_MAX_BULK_LEN: usize = 512 * 1024 * 1024;
/// Largest multibulk count Redis accepts (`INT_MAX`).
pub const MAX_MULTIBULK_LEN: i64 = i32::MAX as i64;
/// Largest multibulk count from a client that has not authenticated (Redis: 10).
pub const UNAUTH_MAX_MULTIBULK_LEN: i64 = 10;
/// Largest bulk length from a client that has not authenticated (Redis: 16384).
pub const UNAUTH_MAX_BULK_LEN: i64 = 16384;
/// Upper bound on argument slots reserved up front from a count the client announced,
/// so `*2000000000\r\n` alone cannot make the server allocate.
const MAX_PREALLOC_ARGS: usize = 1024;

/// A malformed request. `Display` gives the text of Redis's `-ERR` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    InvalidMultibulkLength,
    InvalidBulkLength,
    ExpectedDollar(u8),
    TooBigInline,
    TooBigMbulkCount,
    TooBigBulkCount,
    UnbalancedQuotes,
    UnauthenticatedMultibulkLength,
    UnauthenticatedBulkLength,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Protocol error: ")?;
        match self {
            ProtocolError::InvalidMultibulkLength => f.write_str("invalid multibulk length"),
            ProtocolError::InvalidBulkLength => f.write_str("invalid bulk length"),
            ProtocolError::ExpectedDollar(c) => write!(f, "expected '$', got '{}'", *c as char),
            ProtocolError::TooBigInline => f.write_str("too big inline request"),
            ProtocolError::TooBigMbulkCount => f.write_str("too big mbulk count string"),
            ProtocolError::TooBigBulkCount => f.write_str("too big bulk count string"),
            ProtocolError::UnbalancedQuotes => f.write_str("unbalanced quotes in request"),
            ProtocolError::UnauthenticatedMultibulkLength => {
                f.write_str("unauthenticated multibulk length")
            }
            ProtocolError::UnauthenticatedBulkLength => f.write_str("unauthenticated bulk length"),
        }
    }
}

impl std::error::Error for ProtocolError {}

/// Limits applied while parsing.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `proto-max-bulk-len`.
    pub max_bulk_len: usize,
    /// Whether the client has authenticated (unauthenticated clients get tight limits).
    pub authenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: DEFAULT_MAX_BULK_LEN,
            authenticated: true,
        }
    }
}

/// Outcome of one [`RequestParser::parse`] call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseStatus {
    /// A whole request of `consumed` bytes is ready; read it with [`RequestParser::args`].
    Complete(usize),
    /// `consumed` bytes held no command (an empty line, `*0\r\n`): skip them.
    Empty(usize),
    /// More input is needed; nothing useful can happen before the buffer (from the
    /// request start) holds at least `need` bytes.
    Incomplete { need: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    /// Inside a multibulk request: `remaining` bulks still to read, next one at `cursor`.
    Multibulk {
        remaining: usize,
        cursor: usize,
    },
}

/// Where the argument ranges of the last complete request point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Buffer,
    Inline,
}

/// Resumable request framer; one per connection.
#[derive(Debug)]
pub struct RequestParser {
    state: State,
    source: Source,
    ranges: Vec<(usize, usize)>,
    inline_store: Vec<u8>,
    inline_ranges: Vec<(u32, u32)>,
}

impl Default for RequestParser {
    fn default() -> Self {
        Self::new()
    }
}

/// The arguments of one request: `args.get(0)` is the command name.
#[derive(Debug, Clone, Copy)]
pub struct Args<'a> {
    base: &'a [u8],
    ranges: &'a [(usize, usize)],
}

impl<'a> Args<'a> {
    /// Number of arguments, command name included.
    #[inline]
    pub fn len(&self) -> usize {
        self.ranges.len()
    }
    /// True when there are no arguments.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
    /// Argument `i` (panics when out of range, like slice indexing).
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        let (a, b) = self.ranges[i];
        &self.base[a..b]
    }
    /// Iterates over all arguments.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let base = self.base;
        self.ranges.iter().map(move |&(a, b)| &base[a..b])
    }
    /// Builds `Args` over `base` with explicit ranges (for callers that assemble argv).
    pub fn from_parts(base: &'a [u8], ranges: &'a [(usize, usize)]) -> Self {
        Args { base, ranges }
    }
}

/// Parses a strictly formatted decimal integer as Redis's `string2ll` does: optional `-`,
/// no `+`, no spaces, no leading zeros (except `0` itself).
pub fn parse_i64_strict(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' {
        (true, &s[1..])
    } else {
        (false, s)
    };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

#[inline]
fn find(buf: &[u8], from: usize, byte: u8) -> Option<usize> {
    buf[from..]
        .iter()
        .position(|&c| c == byte)
        .map(|p| p + from)
}

impl RequestParser {
    pub fn new() -> Self {
        RequestParser {
            state: State::Idle,
            source: Source::Buffer,
            ranges: Vec::new(),
            inline_store: Vec::new(),
            inline_ranges: Vec::new(),
        }
    }

    /// True while a multibulk request is partly parsed.
    pub fn in_progress(&self) -> bool {
        self.state != State::Idle
    }

    /// Forgets any partly parsed request.
    pub fn reset(&mut self) {
        self.state = State::Idle;
    }

    /// The arguments of the request that the last `Complete` describes. `buf` must be the
    /// same slice (starting at the request) that was passed to [`parse`](Self::parse).
    pub fn args<'a>(&'a self, buf: &'a [u8]) -> Args<'a> {
        match self.source {
            Source::Buffer => Args {
                base: buf,
                ranges: &self.ranges,
            },
            Source::Inline => Args {
                base: &self.inline_store,
                ranges: &self.ranges,
            },
        }
    }

    /// Frames the next request from `buf`, which starts at the request's first byte.
    /// Between an `Incomplete` and the next call the caller may append to the buffer but
    /// must not change the bytes already there.
    pub fn parse(&mut self, buf: &[u8], limits: &Limits) -> Result<ParseStatus, ProtocolError> {
        let (mut remaining, mut cursor) = match self.state {
            State::Multibulk { remaining, cursor } => (remaining, cursor),
            State::Idle => {
                if buf.is_empty() {
                    return Ok(ParseStatus::Incomplete { need: 1 });
                }
                if buf[0] != b'*' {
                    return self.parse_inline(buf);
                }
                let Some(cr) = find(buf, 1, b'\r') else {
                    if buf.len() > INLINE_MAX_SIZE {
                        return Err(ProtocolError::TooBigMbulkCount);
                    }
                    return Ok(ParseStatus::Incomplete {
                        need: buf.len() + 1,
                    });
                };
                if cr + 2 > buf.len() {
                    return Ok(ParseStatus::Incomplete { need: cr + 2 });
                }
                let n = parse_i64_strict(&buf[1..cr])
                    .filter(|&n| n <= MAX_MULTIBULK_LEN)
                    .ok_or(ProtocolError::InvalidMultibulkLength)?;
                if !limits.authenticated && n > UNAUTH_MAX_MULTIBULK_LEN {
                    return Err(ProtocolError::UnauthenticatedMultibulkLength);
                }
                if n <= 0 {
                    return Ok(ParseStatus::Empty(cr + 2));
                }
                self.ranges.clear();
                self.ranges.reserve((n as usize).min(MAX_PREALLOC_ARGS));
                (n as usize, cr + 2)
            }
        };
        while remaining > 0 {
            let Some(cr) = (if cursor < buf.len() {
                find(buf, cursor, b'\r')
            } else {
                None
            }) else {
                if buf.len() - cursor.min(buf.len()) > INLINE_MAX_SIZE {
                    return Err(ProtocolError::TooBigBulkCount);
                }
                self.state = State::Multibulk { remaining, cursor };
                return Ok(ParseStatus::Incomplete {
                    need: buf.len().max(cursor) + 1,
                });
            };
            if cr + 2 > buf.len() {
                self.state = State::Multibulk { remaining, cursor };
                return Ok(ParseStatus::Incomplete { need: cr + 2 });
            }
            if buf[cursor] != b'$' {
                self.state = State::Idle;
                return Err(ProtocolError::ExpectedDollar(buf[cursor]));
            }
            let len = match parse_i64_strict(&buf[cursor + 1..cr]) {
                Some(l) if l >= 0 && (l as u64) <= limits.max_bulk_len as u64 => l,
                _ => {
                    self.state = State::Idle;
                    return Err(ProtocolError::InvalidBulkLength);
                }
            };
            if !limits.authenticated && len > UNAUTH_MAX_BULK_LEN {
                self.state = State::Idle;
                return Err(ProtocolError::UnauthenticatedBulkLength);
            }
            let start = cr + 2;
            let end = start + len as usize;
            if end + 2 > buf.len() {
                self.state = State::Multibulk { remaining, cursor };
                return Ok(ParseStatus::Incomplete { need: end + 2 });
            }
            self.ranges.push((start, end));
            // Like Redis, the two bytes after the payload are skipped, not checked.
            cursor = end + 2;
            remaining -= 1;
        }
        self.state = State::Idle;
        self.source = Source::Buffer;
        Ok(ParseStatus::Complete(cursor))
    }

    fn parse_inline(&mut self, buf: &[u8]) -> Result<ParseStatus, ProtocolError> {
        let Some(nl) = find(buf, 0, b'\n') else {
            if buf.len() > INLINE_MAX_SIZE {
                return Err(ProtocolError::TooBigInline);
            }
            return Ok(ParseStatus::Incomplete {
                need: buf.len() + 1,
            });
        };
        let mut line = &buf[..nl];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        self.inline_store.clear();
        self.inline_ranges.clear();
        inline::split_args(line, &mut self.inline_store, &mut self.inline_ranges)
            .map_err(|_| ProtocolError::UnbalancedQuotes)?;
        self.ranges.clear();
        self.ranges.extend(
            self.inline_ranges
                .iter()
                .map(|&(a, b)| (a as usize, b as usize)),
        );
        self.source = Source::Inline;
        if self.ranges.is_empty() {
            Ok(ParseStatus::Empty(nl + 1))
        } else {
            Ok(ParseStatus::Complete(nl + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> (Vec<Vec<Vec<u8>>>, Option<ProtocolError>) {
        let mut p = RequestParser::new();
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            match p.parse(&input[pos..], &Limits::default()) {
                Ok(ParseStatus::Complete(n)) => {
                    out.push(p.args(&input[pos..]).iter().map(|a| a.to_vec()).collect());
                    pos += n;
                }
                Ok(ParseStatus::Empty(n)) => pos += n,
                Ok(ParseStatus::Incomplete { .. }) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn v(items: &[&[u8]]) -> Vec<Vec<u8>> {
        items.iter().map(|s| s.to_vec()).collect()
    }

    #[test]
    fn pipelined_multibulk_and_inline() {
        let (cmds, err) = all(b"*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n\r\n*0\r\nECHO \"x y\"\n");
        assert_eq!(err, None);
        assert_eq!(
            cmds,
            vec![v(&[b"GET", b"a"]), v(&[b"PING"]), v(&[b"ECHO", b"x y"])]
        );
    }

    #[test]
    fn trailing_bytes_after_bulk_are_skipped_unchecked() {
        let (cmds, _) = all(b"*1\r\n$2\r\nPINGxx\r\n");
        assert_eq!(cmds, vec![v(&[b"PI"]), v(&[b"xx"])]);
    }

    #[test]
    fn errors_have_redis_text() {
        let cases: &[(&[u8], &str)] = &[
            (b"*abc\r\n", "Protocol error: invalid multibulk length"),
            (b"*01\r\n", "Protocol error: invalid multibulk length"),
            (
                b"*2147483648\r\n",
                "Protocol error: invalid multibulk length",
            ),
            (
                b"*1\n$4\r\nPING\r\n",
                "Protocol error: invalid multibulk length",
            ),
            (b"*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'"),
            (b"*1\r\n$abc\r\n", "Protocol error: invalid bulk length"),
            (b"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"),
            (b"*1\r\n$+4\r\n", "Protocol error: invalid bulk length"),
            (
                b"*1\r\n$600000000\r\n",
                "Protocol error: invalid bulk length",
            ),
            (
                b"SET a \"b\r\n",
                "Protocol error: unbalanced quotes in request",
            ),
        ];
        for (input, msg) in cases {
            let (_, err) = all(input);
            assert_eq!(
                err.map(|e| e.to_string()).as_deref(),
                Some(*msg),
                "{:?}",
                input
            );
        }
    }

    #[test]
    fn size_limits() {
        let big = vec![b'a'; INLINE_MAX_SIZE + 1];
        assert_eq!(all(&big).1, Some(ProtocolError::TooBigInline));
        let mut mb = b"*".to_vec();
        mb.extend(std::iter::repeat(b'1').take(INLINE_MAX_SIZE + 1));
        assert_eq!(all(&mb).1, Some(ProtocolError::TooBigMbulkCount));
        let mut b = b"*1\r\n$".to_vec();
        b.extend(std::iter::repeat(b'1').take(INLINE_MAX_SIZE + 1));
        assert_eq!(all(&b).1, Some(ProtocolError::TooBigBulkCount));
        let mut p = RequestParser::new();
        let unauth = Limits {
            authenticated: false,
            ..Limits::default()
        };
        assert_eq!(
            p.parse(b"*11\r\n", &unauth),
            Err(ProtocolError::UnauthenticatedMultibulkLength)
        );
        let mut p = RequestParser::new();
        assert_eq!(
            p.parse(b"*1\r\n$16385\r\n", &unauth),
            Err(ProtocolError::UnauthenticatedBulkLength)
        );
    }

    #[test]
    fn resumes_byte_by_byte() {
        let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
        let mut p = RequestParser::new();
        for end in 0..input.len() {
            match p.parse(&input[..end], &Limits::default()).unwrap() {
                ParseStatus::Incomplete { need } => assert!(need > end, "need {need} at {end}"),
                other => panic!("early {other:?} at {end}"),
            }
        }
        assert_eq!(
            p.parse(input, &Limits::default()).unwrap(),
            ParseStatus::Complete(input.len())
        );
        let args: Vec<&[u8]> = p.args(input).iter().collect();
        assert_eq!(args, vec![&b"SET"[..], b"key", b"value"]);
    }

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64_strict(b"0"), Some(0));
        assert_eq!(parse_i64_strict(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64_strict(b"9223372036854775808"), None);
        assert_eq!(parse_i64_strict(b"-0"), None);
        assert_eq!(parse_i64_strict(b"+1"), None);
        assert_eq!(parse_i64_strict(b"01"), None);
        assert_eq!(parse_i64_strict(b""), None);
    }
}
