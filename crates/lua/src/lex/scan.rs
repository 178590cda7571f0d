//! Hand-written scanners for the tokens whose extent the `logos` automaton only starts:
//! numerals, short strings (`"..."`, `'...'`) and long brackets (`[==[ ... ]==]`, used by
//! long strings and long comments).
//!
//! Each scanner works on the whole source from a byte offset, counts the lines it
//! crosses, and returns where the token ends. Contents are borrowed from the source
//! when no translation is needed (no escapes, no `\r` in a long string), so the common
//! case does not allocate.

use std::borrow::Cow;

use super::{LexError, LexErrorKind};
use crate::ast::Line;

/// If `src[i]` starts a line break, the offset after it: `\n`, `\r`, `\r\n` and `\n\r`
/// each count as one break, as in 5.1.
pub(crate) fn skip_newline(src: &[u8], i: usize) -> usize {
    let c = src[i];
    debug_assert!(c == b'\n' || c == b'\r');
    match src.get(i + 1) {
        Some(&d) if (d == b'\n' || d == b'\r') && d != c => i + 2,
        _ => i + 1,
    }
}

/// End of the numeral starting at `start`. Like 5.1: digits and dots, then an optional
/// exponent mark with optional sign, then any letters, digits and underscores. Whether
/// the text is a valid number is decided afterwards by `str2number`.
///
/// 5.1 tests the exponent mark and the sign with `strchr("Ee", c)` and
/// `strchr("+-", c)`, which also match a zero byte; such a byte is taken into the
/// numeral, and since the numeral is then converted as a C string it ends the number.
pub(crate) fn numeral_end(src: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < src.len() && (src[i].is_ascii_digit() || src[i] == b'.') {
        i += 1;
    }
    if i < src.len() && matches!(src[i], b'e' | b'E' | 0) {
        i += 1;
        if i < src.len() && matches!(src[i], b'+' | b'-' | 0) {
            i += 1;
        }
    }
    while i < src.len() && (src[i].is_ascii_alphanumeric() || src[i] == b'_') {
        i += 1;
    }
    i
}

/// Largest value of a `\ddd` escape (UCHAR_MAX in 5.1).
const MAX_DECIMAL_ESCAPE: u32 = 255;

/// Scans a short string whose quote is at `start`. Returns the contents (escapes
/// translated) and the offset after the closing quote.
pub(crate) fn short_string<'a>(
    src: &'a [u8],
    start: usize,
    line: &mut Line,
) -> Result<(Cow<'a, [u8]>, usize), LexError> {
    let quote = src[start];
    let body = start + 1;
    // Fast path: no escape before the closing quote.
    let mut i = body;
    while i < src.len() {
        match src[i] {
            c if c == quote => return Ok((Cow::Borrowed(&src[body..i]), i + 1)),
            b'\\' | b'\n' | b'\r' => break,
            _ => i += 1,
        }
    }
    let mut buf: Vec<u8> = src[body..i].to_vec();
    // What 5.1 shows after `near` for an error inside the string: the opening quote
    // and the contents read so far.
    let near = |buf: &[u8]| {
        let mut t = Vec::with_capacity(buf.len() + 1);
        t.push(quote);
        t.extend_from_slice(buf);
        t
    };
    loop {
        let Some(&c) = src.get(i) else {
            return Err(LexError::new(
                LexErrorKind::UnfinishedString,
                *line,
                b"<eof>".to_vec(),
            ));
        };
        match c {
            b'\n' | b'\r' => {
                return Err(LexError::new(
                    LexErrorKind::UnfinishedString,
                    *line,
                    near(&buf),
                ));
            }
            b'\\' => {
                i += 1;
                let Some(&e) = src.get(i) else {
                    // The loop reports the unfinished string at <eof>.
                    continue;
                };
                let translated = match e {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b'f' => 0x0C,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'v' => 0x0B,
                    b'\n' | b'\r' => {
                        buf.push(b'\n');
                        i = skip_newline(src, i);
                        *line += 1;
                        continue;
                    }
                    b'0'..=b'9' => {
                        let mut value: u32 = 0;
                        let mut n = 0;
                        while n < 3 && i < src.len() && src[i].is_ascii_digit() {
                            value = value * 10 + u32::from(src[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        if value > MAX_DECIMAL_ESCAPE {
                            return Err(LexError::new(
                                LexErrorKind::EscapeTooLarge,
                                *line,
                                near(&buf),
                            ));
                        }
                        buf.push(value as u8);
                        continue;
                    }
                    // `\\`, `\"`, `\'` and any unknown escape (`\q` is `q`).
                    other => other,
                };
                buf.push(translated);
                i += 1;
            }
            c if c == quote => return Ok((Cow::Owned(buf), i + 1)),
            c => {
                buf.push(c);
                i += 1;
            }
        }
    }
}

/// Scans a long bracket whose opening `[`, `level` equal signs and `[` start at `start`.
/// Returns the contents (first line break dropped, every line break turned into `\n`)
/// and the offset after the closing bracket. For comments the contents are not built.
pub(crate) fn long_bracket<'a>(
    src: &'a [u8],
    start: usize,
    level: usize,
    is_comment: bool,
    line: &mut Line,
) -> Result<(Cow<'a, [u8]>, usize), LexError> {
    let mut i = start + level + 2;
    if i < src.len() && (src[i] == b'\n' || src[i] == b'\r') {
        i = skip_newline(src, i);
        *line += 1;
    }
    let body = i;
    let mut has_cr = false;
    loop {
        let Some(&c) = src.get(i) else {
            let kind = if is_comment {
                LexErrorKind::UnfinishedLongComment
            } else {
                LexErrorKind::UnfinishedLongString
            };
            return Err(LexError::new(kind, *line, b"<eof>".to_vec()));
        };
        match c {
            b']' => {
                let mut j = i + 1;
                while j < src.len() && src[j] == b'=' {
                    j += 1;
                }
                if j - (i + 1) == level && src.get(j) == Some(&b']') {
                    let value = if is_comment {
                        Cow::Borrowed(&[][..])
                    } else {
                        normalize_newlines(&src[body..i], has_cr)
                    };
                    return Ok((value, j + 1));
                }
                // Not our closing bracket: the `]` and the `=` are contents; rescan
                // from the next character (it may start the real closing bracket).
                i = j;
            }
            // 5.1 (LUA_COMPAT_LSTR) refuses `[[` inside a level-0 long bracket.
            b'[' if level == 0 && src.get(i + 1) == Some(&b'[') => {
                return Err(LexError::new(
                    LexErrorKind::NestedLongBracket,
                    *line,
                    b"[".to_vec(),
                ));
            }
            b'\n' | b'\r' => {
                has_cr |= c == b'\r' || src.get(i + 1) == Some(&b'\r');
                i = skip_newline(src, i);
                *line += 1;
            }
            _ => i += 1,
        }
    }
}

/// Long-string contents with each line break (`\n`, `\r`, `\r\n`, `\n\r`) as one `\n`.
fn normalize_newlines(text: &[u8], has_cr: bool) -> Cow<'_, [u8]> {
    if !has_cr {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'\n' || text[i] == b'\r' {
            out.push(b'\n');
            i = skip_newline(text, i);
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}
