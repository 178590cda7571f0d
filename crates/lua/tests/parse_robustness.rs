//! Bad input never panics, hangs or overflows the stack: random byte strings, random
//! token soups and truncations of valid programs all end in a tree or a `SyntaxError`.
//!
//! Uses a fixed-seed xorshift generator, so failures are reproducible; the loops are
//! bounded in count.

use lua51::lex::tokens;
use lua51::parse::parse;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn check(src: &[u8]) {
    // Either outcome is fine; what matters is returning at all.
    if let Err(e) = parse(src, b"=fuzz") {
        assert!(e.message.starts_with(b"fuzz:"), "{}", e);
    }
    let _ = tokens(src);
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let len = rng.below(64);
        let src: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check(&src);
    }
}

#[test]
fn random_lua_like_bytes() {
    // Bytes that matter to the lexer, so that long strings, escapes and numerals are hit.
    let alphabet = b"[]=-\\'\"\n\r0123456789.eExXpP+abf(){}:;,#~<>^%*/ \t\0\xff";
    let mut rng = Rng(42);
    for _ in 0..30_000 {
        let len = rng.below(40);
        let src: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check(&src);
    }
}

#[test]
fn random_token_soups() {
    let words: &[&[u8]] = &[
        b"a",
        b"b",
        b"and",
        b"break",
        b"do",
        b"else",
        b"elseif",
        b"end",
        b"false",
        b"for",
        b"function",
        b"if",
        b"in",
        b"local",
        b"nil",
        b"not",
        b"or",
        b"repeat",
        b"return",
        b"then",
        b"true",
        b"until",
        b"while",
        b"+",
        b"-",
        b"*",
        b"/",
        b"%",
        b"^",
        b"#",
        b"==",
        b"~=",
        b"<=",
        b">=",
        b"<",
        b">",
        b"=",
        b"(",
        b")",
        b"{",
        b"}",
        b"[",
        b"]",
        b";",
        b":",
        b",",
        b".",
        b"..",
        b"...",
        b"1",
        b"'s'",
        b"[[x]]",
        b"\n",
    ];
    let mut rng = Rng(7);
    for _ in 0..20_000 {
        let n = rng.below(30);
        let mut src = Vec::new();
        for _ in 0..n {
            src.extend_from_slice(words[rng.below(words.len())]);
            src.push(b' ');
        }
        check(&src);
    }
}

#[test]
fn every_prefix_of_a_program() {
    let program: &[u8] = b"local t = {1, 2; x = 'a\\tb', [3] = [==[\nlong]==]}\n\
        function t.a.b:m(x, ...) return self, x, ... end\n\
        for i = 1, 10, 2 do if i > 5 then break elseif i then else end end\n\
        for k, v in pairs(t) do t[k] = -v ^ 2 .. #t end -- comment\n\
        --[[ long\ncomment ]] repeat local y = f{} until y ~= 0x1F and not nil\n\
        while false do local function g() return (f'x') end end";
    assert!(parse(program, b"=p").is_ok());
    for end in 0..program.len() {
        check(&program[..end]);
    }
}
