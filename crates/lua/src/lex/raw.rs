//! The `logos` automaton: classifies the next few bytes of Lua source.
//!
//! Fixed tokens (keywords, names, operators, whitespace, newlines) are matched whole by
//! the generated DFA. Tokens whose extent depends on more than a regular pattern
//! (numerals, short strings, long brackets, comments) are only *started* here: the
//! automaton reports the opening bytes and the scanners in `scan.rs` read the rest, as
//! 5.1's lexer does character by character.
//!
//! Character classes are ASCII only: PUC Lua runs `isalpha`/`isspace` in the C locale.

use logos::Logos;

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(source = [u8])]
// isspace() in the C locale, minus the newlines which are counted separately.
#[logos(skip br"[ \t\x0B\x0C]+")]
pub(crate) enum Raw {
    /// One line break: `\n`, `\r`, `\r\n` or `\n\r` (5.1 treats each pair as one).
    #[regex(br"\n\r?|\r\n?")]
    Newline,
    /// `--`: a short or long comment follows.
    #[token(b"--")]
    Comment,
    /// A digit, or `.` followed by a digit: a numeral starts here.
    #[regex(br"[0-9]|\.[0-9]")]
    Numeral,
    /// `"` or `'`: a short string starts here.
    #[token(b"\"")]
    #[token(b"'")]
    Quote,
    /// `[`, any number of `=`, `[`: a long string starts here.
    #[regex(br"\[=*\[")]
    LongOpen,
    /// `[` and one or more `=` not followed by `[`: an invalid long delimiter.
    #[regex(br"\[=+")]
    BadLongOpen,

    #[regex(br"[A-Za-z_][A-Za-z0-9_]*")]
    Name,

    #[token(b"and")]
    And,
    #[token(b"break")]
    Break,
    #[token(b"do")]
    Do,
    #[token(b"else")]
    Else,
    #[token(b"elseif")]
    Elseif,
    #[token(b"end")]
    End,
    #[token(b"false")]
    False,
    #[token(b"for")]
    For,
    #[token(b"function")]
    Function,
    #[token(b"if")]
    If,
    #[token(b"in")]
    In,
    #[token(b"local")]
    Local,
    #[token(b"nil")]
    Nil,
    #[token(b"not")]
    Not,
    #[token(b"or")]
    Or,
    #[token(b"repeat")]
    Repeat,
    #[token(b"return")]
    Return,
    #[token(b"then")]
    Then,
    #[token(b"true")]
    True,
    #[token(b"until")]
    Until,
    #[token(b"while")]
    While,

    /// `..`. 5.1 tests the second dot with `strchr(".", c)`, which also matches a zero
    /// byte, so `.` followed by a zero byte is `..` as well (and likewise for `...`).
    #[regex(br"\.[.\x00]")]
    Concat,
    #[regex(br"\.[.\x00][.\x00]")]
    Dots,
    #[token(b"==")]
    Eq,
    #[token(b">=")]
    Ge,
    #[token(b"<=")]
    Le,
    #[token(b"~=")]
    Ne,
    #[token(b"+")]
    Plus,
    #[token(b"-")]
    Minus,
    #[token(b"*")]
    Star,
    #[token(b"/")]
    Slash,
    #[token(b"%")]
    Percent,
    #[token(b"^")]
    Caret,
    #[token(b"#")]
    Hash,
    #[token(b"<")]
    Lt,
    #[token(b">")]
    Gt,
    #[token(b"=")]
    Assign,
    #[token(b"(")]
    LParen,
    #[token(b")")]
    RParen,
    #[token(b"{")]
    LBrace,
    #[token(b"}")]
    RBrace,
    #[token(b"[")]
    LBracket,
    #[token(b"]")]
    RBracket,
    #[token(b";")]
    Semi,
    #[token(b":")]
    Colon,
    #[token(b",")]
    Comma,
    #[token(b".")]
    Dot,

    /// Any other single byte (`@`, `$`, `~`, `!`, control characters, bytes >= 0x80...):
    /// 5.1 returns it as a one-character token which the parser then rejects.
    #[regex(br"[\x00-\xFF]", priority = 0)]
    Other,
}
