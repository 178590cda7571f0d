//! The Lua 5.1 lexer: source bytes to tokens, with 5.1's line counting and errors.
//!
//! Lua source is bytes, not UTF-8: names are ASCII, anything else outside strings is a
//! one-byte token the parser rejects. A [`Lexer`] hands out one [`Lexeme`] at a time;
//! names, numerals and strings without escapes borrow from the source, so lexing
//! allocates only for strings that need translation.
//!
//! Lines follow 5.1: `\n`, `\r`, `\r\n` and `\n\r` each end one line, and the line of
//! a token is the line the lexer is on right after reading it (the last line of a
//! multi-line string). Errors carry 5.1's message and the text shown after `near`;
//! [`crate::parse`] adds the chunk name.
//!
//! What it does not do: skip a leading `#` line (the loader does) or detect binary
//! chunks. Tests: unit tests below, `tests/parse_errors.rs` for the messages.

mod number;
mod raw;
mod scan;

use std::borrow::Cow;
use std::fmt;

use logos::Logos;

use crate::ast::Line;
pub use number::str2number;
use raw::Raw;

/// One Lua token. Keywords and symbols carry no data.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    Name(&'a [u8]),
    /// String contents with escapes translated.
    Str(Cow<'a, [u8]>),
    Number(f64),

    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,

    /// `..`
    Concat,
    /// `...`
    Dots,
    /// `==`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `~=`
    Ne,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Hash,
    Lt,
    Gt,
    /// `=`
    Assign,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Semi,
    Colon,
    Comma,
    Dot,
    /// Any other byte, e.g. `@`, `!`, `~`, control characters, bytes >= 0x80.
    Other(u8),
    Eof,
}

impl Token<'_> {
    /// Same kind of token, ignoring the data of names, strings, numbers and `Other`.
    pub fn same_kind(&self, other: &Token<'_>) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// The fixed spelling of a token kind, as 5.1's `luaX_token2str` gives it:
    /// keywords and symbols as written, `<name>`, `<string>`, `<number>`, `<eof>`,
    /// and `char(N)` for control bytes.
    pub fn kind_text(&self) -> Cow<'static, [u8]> {
        let s: &'static str = match self {
            Token::Name(_) => "<name>",
            Token::Str(_) => "<string>",
            Token::Number(_) => "<number>",
            Token::And => "and",
            Token::Break => "break",
            Token::Do => "do",
            Token::Else => "else",
            Token::Elseif => "elseif",
            Token::End => "end",
            Token::False => "false",
            Token::For => "for",
            Token::Function => "function",
            Token::If => "if",
            Token::In => "in",
            Token::Local => "local",
            Token::Nil => "nil",
            Token::Not => "not",
            Token::Or => "or",
            Token::Repeat => "repeat",
            Token::Return => "return",
            Token::Then => "then",
            Token::True => "true",
            Token::Until => "until",
            Token::While => "while",
            Token::Concat => "..",
            Token::Dots => "...",
            Token::Eq => "==",
            Token::Ge => ">=",
            Token::Le => "<=",
            Token::Ne => "~=",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Percent => "%",
            Token::Caret => "^",
            Token::Hash => "#",
            Token::Lt => "<",
            Token::Gt => ">",
            Token::Assign => "=",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Semi => ";",
            Token::Colon => ":",
            Token::Comma => ",",
            Token::Dot => ".",
            Token::Eof => "<eof>",
            Token::Other(c) => {
                // iscntrl() in the C locale.
                return if *c < 0x20 || *c == 0x7F {
                    Cow::Owned(format!("char({c})").into_bytes())
                } else {
                    Cow::Owned(vec![*c])
                };
            }
        };
        Cow::Borrowed(s.as_bytes())
    }
}

/// A readable form for token dumps: symbols and keywords as written, names, numbers and
/// strings tagged (`<name> x`, `<number> 3`, `<string> "a\n"`).
impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Name(n) => write!(f, "<name> {}", String::from_utf8_lossy(n)),
            Token::Number(v) => write!(f, "<number> {v}"),
            Token::Str(s) => write!(f, "<string> \"{}\"", s.escape_ascii()),
            other => f.write_str(&String::from_utf8_lossy(&other.kind_text())),
        }
    }
}

/// A token with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexeme<'a> {
    pub token: Token<'a>,
    /// The line the lexer is on after reading the token (its last line).
    pub line: Line,
    /// Byte range of the token in the source.
    pub start: usize,
    pub end: usize,
}

impl Lexeme<'_> {
    /// The text 5.1 shows after `near` for this token: the source text of a name or
    /// numeral, a string with its delimiters and translated contents, otherwise the
    /// token's fixed spelling. Cut at the first zero byte, as 5.1's C formatting does.
    pub fn near_text(&self, src: &[u8]) -> Vec<u8> {
        let mut text = match &self.token {
            Token::Name(_) | Token::Number(_) => src[self.start..self.end].to_vec(),
            Token::Str(contents) => {
                let open = src[self.start];
                let mut t = Vec::with_capacity(contents.len() + 8);
                if open == b'[' {
                    let level = src[self.start + 1..]
                        .iter()
                        .take_while(|&&c| c == b'=')
                        .count();
                    t.push(b'[');
                    t.extend(std::iter::repeat_n(b'=', level));
                    t.push(b'[');
                    t.extend_from_slice(contents);
                    t.push(b']');
                    t.extend(std::iter::repeat_n(b'=', level));
                    t.push(b']');
                } else {
                    t.push(open);
                    t.extend_from_slice(contents);
                    t.push(open);
                }
                t
            }
            other => other.kind_text().into_owned(),
        };
        cut_at_nul(&mut text);
        text
    }
}

/// 5.1 formats token text with C's `%s`, which stops at a zero byte.
pub(crate) fn cut_at_nul(text: &mut Vec<u8>) {
    if let Some(p) = text.iter().position(|&c| c == 0) {
        text.truncate(p);
    }
}

/// What went wrong while reading a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexErrorKind {
    UnfinishedString,
    UnfinishedLongString,
    UnfinishedLongComment,
    MalformedNumber,
    EscapeTooLarge,
    NestedLongBracket,
    InvalidLongDelimiter,
}

impl LexErrorKind {
    /// 5.1's message text.
    pub fn message(self) -> &'static str {
        match self {
            LexErrorKind::UnfinishedString => "unfinished string",
            LexErrorKind::UnfinishedLongString => "unfinished long string",
            LexErrorKind::UnfinishedLongComment => "unfinished long comment",
            LexErrorKind::MalformedNumber => "malformed number",
            LexErrorKind::EscapeTooLarge => "escape sequence too large",
            LexErrorKind::NestedLongBracket => "nesting of [[...]] is deprecated",
            LexErrorKind::InvalidLongDelimiter => "invalid long string delimiter",
        }
    }
}

/// A lexical error: message, line, and the text 5.1 shows after `near`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub kind: LexErrorKind,
    pub line: Line,
    /// Already cut at the first zero byte.
    pub near: Vec<u8>,
}

impl LexError {
    pub(crate) fn new(kind: LexErrorKind, line: Line, mut near: Vec<u8>) -> Self {
        cut_at_nul(&mut near);
        LexError { kind, line, near }
    }

    /// `msg near 'text'`, without chunk name and line.
    pub fn message(&self) -> Vec<u8> {
        let mut m = self.kind.message().as_bytes().to_vec();
        m.extend_from_slice(b" near '");
        m.extend_from_slice(&self.near);
        m.push(b'\'');
        m
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.line,
            String::from_utf8_lossy(&self.message())
        )
    }
}

impl std::error::Error for LexError {}

/// Reads tokens from Lua source one at a time.
pub struct Lexer<'a> {
    src: &'a [u8],
    raw: logos::Lexer<'a, Raw>,
    line: Line,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            raw: Raw::lexer(src),
            line: 1,
        }
    }

    /// The source being read.
    pub fn source(&self) -> &'a [u8] {
        self.src
    }

    /// Bytes of the source scanned so far (the end of the last token read).
    pub fn pos(&self) -> usize {
        self.raw.span().end
    }

    /// The current line: the line after the last token read (5.1's `linenumber`).
    pub fn line(&self) -> Line {
        self.line
    }

    /// Reads the next token; at the end of the source, `Token::Eof` (repeatedly).
    pub fn next_lexeme(&mut self) -> Result<Lexeme<'a>, LexError> {
        loop {
            let Some(raw) = self.raw.next() else {
                let end = self.src.len();
                return Ok(Lexeme {
                    token: Token::Eof,
                    line: self.line,
                    start: end,
                    end,
                });
            };
            let span = self.raw.span();
            let token = match raw {
                // The catch-all pattern makes every byte match something.
                Err(()) => Token::Other(self.src[span.start]),
                Ok(Raw::Newline) => {
                    self.line += 1;
                    continue;
                }
                Ok(Raw::Comment) => {
                    self.skip_comment(span.end)?;
                    continue;
                }
                Ok(Raw::Numeral) => {
                    let end = scan::numeral_end(self.src, span.start);
                    self.raw.bump(end - span.end);
                    let text = &self.src[span.start..end];
                    // Converted as a C string: up to a zero byte (see `numeral_end`).
                    let c_text = text.split(|&c| c == 0).next().unwrap_or(text);
                    match str2number(c_text) {
                        Some(v) => Token::Number(v),
                        None => {
                            return Err(LexError::new(
                                LexErrorKind::MalformedNumber,
                                self.line,
                                text.to_vec(),
                            ))
                        }
                    }
                }
                Ok(Raw::Quote) => {
                    let (s, end) = scan::short_string(self.src, span.start, &mut self.line)?;
                    self.raw.bump(end - span.end);
                    Token::Str(s)
                }
                Ok(Raw::LongOpen) => {
                    let level = span.len() - 2;
                    let (s, end) =
                        scan::long_bracket(self.src, span.start, level, false, &mut self.line)?;
                    self.raw.bump(end - span.end);
                    Token::Str(s)
                }
                Ok(Raw::BadLongOpen) => {
                    return Err(LexError::new(
                        LexErrorKind::InvalidLongDelimiter,
                        self.line,
                        self.src[span.clone()].to_vec(),
                    ))
                }
                Ok(Raw::Name) => Token::Name(&self.src[span.clone()]),
                Ok(Raw::Other) => Token::Other(self.src[span.start]),
                // Every other automaton token has a fixed spelling.
                Ok(r) => fixed_token(r).unwrap_or(Token::Other(self.src[span.start])),
            };
            return Ok(Lexeme {
                token,
                line: self.line,
                start: span.start,
                end: self.raw.span().end,
            });
        }
    }

    /// Skips a comment whose `--` ends at `pos`: a long comment if a long bracket
    /// opens right there, otherwise the rest of the line (not the line break).
    fn skip_comment(&mut self, pos: usize) -> Result<(), LexError> {
        let src = self.src;
        if src.get(pos) == Some(&b'[') {
            let level = src[pos + 1..].iter().take_while(|&&c| c == b'=').count();
            if src.get(pos + 1 + level) == Some(&b'[') {
                let (_, end) = scan::long_bracket(src, pos, level, true, &mut self.line)?;
                self.raw.bump(end - pos);
                return Ok(());
            }
        }
        let end = src[pos..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(src.len(), |p| pos + p);
        self.raw.bump(end - pos);
        Ok(())
    }
}

fn fixed_token(r: Raw) -> Option<Token<'static>> {
    Some(match r {
        Raw::And => Token::And,
        Raw::Break => Token::Break,
        Raw::Do => Token::Do,
        Raw::Else => Token::Else,
        Raw::Elseif => Token::Elseif,
        Raw::End => Token::End,
        Raw::False => Token::False,
        Raw::For => Token::For,
        Raw::Function => Token::Function,
        Raw::If => Token::If,
        Raw::In => Token::In,
        Raw::Local => Token::Local,
        Raw::Nil => Token::Nil,
        Raw::Not => Token::Not,
        Raw::Or => Token::Or,
        Raw::Repeat => Token::Repeat,
        Raw::Return => Token::Return,
        Raw::Then => Token::Then,
        Raw::True => Token::True,
        Raw::Until => Token::Until,
        Raw::While => Token::While,
        Raw::Concat => Token::Concat,
        Raw::Dots => Token::Dots,
        Raw::Eq => Token::Eq,
        Raw::Ge => Token::Ge,
        Raw::Le => Token::Le,
        Raw::Ne => Token::Ne,
        Raw::Plus => Token::Plus,
        Raw::Minus => Token::Minus,
        Raw::Star => Token::Star,
        Raw::Slash => Token::Slash,
        Raw::Percent => Token::Percent,
        Raw::Caret => Token::Caret,
        Raw::Hash => Token::Hash,
        Raw::Lt => Token::Lt,
        Raw::Gt => Token::Gt,
        Raw::Assign => Token::Assign,
        Raw::LParen => Token::LParen,
        Raw::RParen => Token::RParen,
        Raw::LBrace => Token::LBrace,
        Raw::RBrace => Token::RBrace,
        Raw::LBracket => Token::LBracket,
        Raw::RBracket => Token::RBracket,
        Raw::Semi => Token::Semi,
        Raw::Colon => Token::Colon,
        Raw::Comma => Token::Comma,
        Raw::Dot => Token::Dot,
        // Handled by the caller before it gets here.
        Raw::Newline
        | Raw::Comment
        | Raw::Numeral
        | Raw::Quote
        | Raw::LongOpen
        | Raw::BadLongOpen
        | Raw::Name
        | Raw::Other => return None,
    })
}

/// A token, its line and its source text, as listed by [`tokens`].
pub type DumpEntry<'a> = (Token<'a>, Line, &'a [u8]);

/// All tokens of `source` up to and including `Eof`, each with its line and source
/// text, for debug dumps (`rlua51 --tokens`).
pub fn tokens(source: &[u8]) -> Result<Vec<DumpEntry<'_>>, LexError> {
    let mut lexer = Lexer::new(source);
    let mut out = Vec::new();
    loop {
        let lx = lexer.next_lexeme()?;
        let done = lx.token == Token::Eof;
        out.push((lx.token, lx.line, &source[lx.start..lx.end]));
        if done {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests;
