//! Unit tests of the lexer: token shapes, string escapes, long brackets, line counting.
//! Error texts were checked against lua5.1's `loadstring` (see `tests/parse_errors.rs`).

use super::*;

fn toks(src: &[u8]) -> Vec<(Token<'_>, Line)> {
    tokens(src)
        .unwrap()
        .into_iter()
        .map(|(t, l, _)| (t, l))
        .collect()
}

fn one(src: &[u8]) -> Token<'_> {
    let t = toks(src);
    assert_eq!(t.len(), 2, "{:?}", t);
    t[0].0.clone()
}

fn err(src: &[u8]) -> (String, Line) {
    let mut lx = Lexer::new(src);
    loop {
        match lx.next_lexeme() {
            Ok(l) if l.token == Token::Eof => {
                panic!("no error in {:?}", src.escape_ascii().to_string())
            }
            Ok(_) => {}
            Err(e) => return (String::from_utf8_lossy(&e.message()).into_owned(), e.line),
        }
    }
}

fn s(v: &[u8]) -> Token<'static> {
    Token::Str(Cow::Owned(v.to_vec()))
}

#[test]
fn keywords_names_and_goto() {
    let t: Vec<_> = toks(b"and break do else elseif end false for function if in local nil not or repeat return then true until while goto _x9 andx")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        t,
        vec![
            Token::And,
            Token::Break,
            Token::Do,
            Token::Else,
            Token::Elseif,
            Token::End,
            Token::False,
            Token::For,
            Token::Function,
            Token::If,
            Token::In,
            Token::Local,
            Token::Nil,
            Token::Not,
            Token::Or,
            Token::Repeat,
            Token::Return,
            Token::Then,
            Token::True,
            Token::Until,
            Token::While,
            Token::Name(b"goto"),
            Token::Name(b"_x9"),
            Token::Name(b"andx"),
            Token::Eof,
        ]
    );
}

#[test]
fn symbols() {
    let t: Vec<_> =
        toks(b"+ - * / % ^ # == ~= <= >= < > = ( ) { } [ ] ; : , . .. ... ~ @ \x01 \xff")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
    assert_eq!(
        t,
        vec![
            Token::Plus,
            Token::Minus,
            Token::Star,
            Token::Slash,
            Token::Percent,
            Token::Caret,
            Token::Hash,
            Token::Eq,
            Token::Ne,
            Token::Le,
            Token::Ge,
            Token::Lt,
            Token::Gt,
            Token::Assign,
            Token::LParen,
            Token::RParen,
            Token::LBrace,
            Token::RBrace,
            Token::LBracket,
            Token::RBracket,
            Token::Semi,
            Token::Colon,
            Token::Comma,
            Token::Dot,
            Token::Concat,
            Token::Dots,
            Token::Other(b'~'),
            Token::Other(b'@'),
            Token::Other(1),
            Token::Other(0xff),
            Token::Eof,
        ]
    );
    assert_eq!(Token::Other(1).kind_text().as_ref(), b"char(1)");
    assert_eq!(Token::Other(0x7f).kind_text().as_ref(), b"char(127)");
    assert_eq!(Token::Other(0xff).kind_text().as_ref(), b"\xff");
}

#[test]
fn numbers() {
    assert_eq!(one(b"3"), Token::Number(3.0));
    assert_eq!(one(b"3."), Token::Number(3.0));
    assert_eq!(one(b".5"), Token::Number(0.5));
    assert_eq!(one(b"1e-3"), Token::Number(0.001));
    assert_eq!(one(b"0xFF"), Token::Number(255.0));
    assert_eq!(err(b"x = 3x"), ("malformed number near '3x'".into(), 1));
    assert_eq!(err(b"1..2"), ("malformed number near '1..2'".into(), 1));
    let t: Vec<_> = toks(b"3 .. 4 a.b").into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        t,
        vec![
            Token::Number(3.0),
            Token::Concat,
            Token::Number(4.0),
            Token::Name(b"a"),
            Token::Dot,
            Token::Name(b"b"),
            Token::Eof
        ]
    );
}

#[test]
fn short_strings_and_escapes() {
    assert_eq!(one(b"'abc'"), s(b"abc"));
    assert!(matches!(one(b"'abc'"), Token::Str(Cow::Borrowed(_))));
    assert_eq!(one(b"\"a'b\""), s(b"a'b"));
    assert_eq!(
        one(br#""\a\b\f\n\r\t\v\\\"\'""#),
        s(b"\x07\x08\x0c\n\r\t\x0b\\\"'")
    );
    assert_eq!(one(br#""\65\066\0067\255\0""#), s(b"AB\x067\xff\0"));
    assert_eq!(one(br#""\q\z\x41""#), s(b"qzx41"));
    assert_eq!(one(b"'\0raw'"), s(b"\0raw"));
    assert_eq!(toks(b"'a\\\nb' x")[1], (Token::Name(b"x"), 2));
    assert_eq!(one(b"'a\\\r\nb'"), s(b"a\nb"));
    assert_eq!(one(b"'a\\\n\rb'"), s(b"a\nb"));
    assert_eq!(one(b"'a\\\rb'"), s(b"a\nb"));
}

#[test]
fn string_errors() {
    assert_eq!(
        err(b"x = 'abc"),
        ("unfinished string near '<eof>'".into(), 1)
    );
    assert_eq!(
        err(b"x = 'abc\ny'"),
        ("unfinished string near ''abc'".into(), 1)
    );
    assert_eq!(
        err(b"x = '\\"),
        ("unfinished string near '<eof>'".into(), 1)
    );
    assert_eq!(
        err(b"x = \"\\300\""),
        ("escape sequence too large near '\"'".into(), 1)
    );
    assert_eq!(
        err(b"x = \"a\\\nb\\256\""),
        ("escape sequence too large near '\"a\nb'".into(), 2)
    );
    assert_eq!(
        err(b"x = \"a\0b\\256\""),
        ("escape sequence too large near '\"a'".into(), 1)
    );
}

#[test]
fn long_strings() {
    assert_eq!(one(b"[[abc]]"), s(b"abc"));
    assert_eq!(one(b"[[\nabc]]"), s(b"abc"));
    assert_eq!(one(b"[[\r\nabc]]"), s(b"abc"));
    assert_eq!(one(b"[[\n\nabc]]"), s(b"\nabc"));
    assert_eq!(one(b"[==[a]]b]=]c]==]"), s(b"a]]b]=]c"));
    assert_eq!(one(b"[=[a[[b]]c]=]"), s(b"a[[b]]c"));
    assert_eq!(one(b"[[a\r\nb\n\rc\rd]]"), s(b"a\nb\nc\nd"));
    assert_eq!(one(b"[[a]=]]"), s(b"a]="));
    let t = toks(b"[[\na\nb]] x");
    assert_eq!(t[0].1, 3);
    assert_eq!(t[1], (Token::Name(b"x"), 3));
    assert_eq!(
        err(b"x = [[abc"),
        ("unfinished long string near '<eof>'".into(), 1)
    );
    assert_eq!(
        err(b"x = [[\n\nabc"),
        ("unfinished long string near '<eof>'".into(), 3)
    );
    assert_eq!(
        err(b"x = [[ [[ ]]"),
        ("nesting of [[...]] is deprecated near '['".into(), 1)
    );
    assert_eq!(
        err(b"x = [=="),
        ("invalid long string delimiter near '[=='".into(), 1)
    );
    assert_eq!(
        err(b"x = [=[ ]="),
        ("unfinished long string near '<eof>'".into(), 1)
    );
}

#[test]
fn comments() {
    assert_eq!(
        toks(b"-- hi\nx"),
        vec![(Token::Name(b"x"), 2), (Token::Eof, 2)]
    );
    assert_eq!(
        toks(b"--[[ a\nb ]] x"),
        vec![(Token::Name(b"x"), 2), (Token::Eof, 2)]
    );
    assert_eq!(
        toks(b"--[==[ ]] ]==]x"),
        vec![(Token::Name(b"x"), 1), (Token::Eof, 1)]
    );
    assert_eq!(
        toks(b"--[= x\ny"),
        vec![(Token::Name(b"y"), 2), (Token::Eof, 2)]
    );
    assert_eq!(
        toks(b"- -"),
        vec![(Token::Minus, 1), (Token::Minus, 1), (Token::Eof, 1)]
    );
    assert_eq!(
        err(b"--[[abc"),
        ("unfinished long comment near '<eof>'".into(), 1)
    );
    assert_eq!(
        err(b"--[[ [[ ]]"),
        ("nesting of [[...]] is deprecated near '['".into(), 1)
    );
}

#[test]
fn line_breaks() {
    let lines: Vec<Line> = toks(b"a\nb\rc\r\nd\n\re\n\nf\r\rg")
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 5, 7, 9, 9]);
}

#[test]
fn near_text() {
    let src = b"x 'a\\tb' [==[\nq]==] 3e5 \"z\\0y\"";
    let mut lx = Lexer::new(src);
    let mut near = Vec::new();
    loop {
        let l = lx.next_lexeme().unwrap();
        if l.token == Token::Eof {
            break;
        }
        near.push(String::from_utf8(l.near_text(src)).unwrap());
    }
    assert_eq!(near, vec!["x", "'a\tb'", "[==[q]==]", "3e5", "\"z"]);
}

#[test]
fn display() {
    let shown: Vec<String> = tokens(b"x = 'a\\n' .. 3")
        .unwrap()
        .iter()
        .map(|(t, _, _)| t.to_string())
        .collect();
    assert_eq!(
        shown,
        vec![
            "<name> x",
            "=",
            "<string> \"a\\n\"",
            "..",
            "<number> 3",
            "<eof>"
        ]
    );
}
