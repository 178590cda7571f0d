//! Syntax error messages, byte for byte as lua5.1 (5.1.5) gives them.
//!
//! The cases and their expected messages are golden files in `lua-tests/syntax/`
//! (see the README there), produced by running the Lua scripts beside them with
//! lua5.1, e.g. `lua5.1 lua-tests/syntax/gen_errors.lua > lua-tests/syntax/errors.in`.
//! Each case is compiled with `loadstring(source, chunkname)`; `None` means it
//! compiles. To add a case, add it to a script and regenerate.
//!
//! - `errors.in`: hand-picked cases for every message, chunk names and limits;
//! - `fuzz.in`: random token sequences and one-token mutations of valid programs;
//! - `lexfuzz.in`: random strings over the bytes that matter to the lexer.
//!
//! The messages of very long inputs are written out in the tests below.

use lua51::parse::{parse, parse_at_level, SyntaxError};

/// 5.1's nesting counter when `loadstring` is called from a main chunk.
const LOADSTRING_LEVEL: u32 = 2;

type Case = (&'static [u8], &'static [u8], Option<&'static [u8]>);

fn cases() -> Vec<Case> {
    include!("../../../lua-tests/syntax/errors.in").to_vec()
}

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

fn fuzz_cases() -> Vec<Case> {
    include!("../../../lua-tests/syntax/fuzz.in").to_vec()
}

fn lexfuzz_cases() -> Vec<Case> {
    include!("../../../lua-tests/syntax/lexfuzz.in").to_vec()
}

#[test]
fn messages_match_lua51() {
    let cases = cases();
    assert!(cases.len() > 150);
    check_all(&cases);
}

#[test]
fn random_and_mutated_programs_match_lua51() {
    let cases = fuzz_cases();
    assert!(cases.len() > 800);
    check_all(&cases);
}

#[test]
fn random_lexer_inputs_match_lua51() {
    let cases = lexfuzz_cases();
    assert!(cases.len() > 2900);
    check_all(&cases);
}

fn check_all(cases: &[Case]) {
    let mut failures = Vec::new();
    for (src, name, expected) in cases {
        let got = parse_at_level(src, name, LOADSTRING_LEVEL);
        let ok = match (&got, expected) {
            (Ok(_), None) => true,
            (Err(e), Some(msg)) => e.message == **msg,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "source {}\n  expected {}\n  got      {}",
                show(&src[..src.len().min(120)]),
                expected.map_or("<compiles>".to_string(), show),
                match &got {
                    Ok(_) => "<compiles>".to_string(),
                    Err(e) => show(&e.message),
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn incomplete_flag_is_set_at_eof() {
    for (src, name, expected) in cases() {
        if let Some(msg) = expected {
            let e = parse_at_level(src, name, LOADSTRING_LEVEL).unwrap_err();
            assert_eq!(e.incomplete, msg.ends_with(b"'<eof>'"), "{}", show(src));
        }
    }
    let e = parse(b"if x then", b"=stdin").unwrap_err();
    assert!(e.incomplete);
    let e = parse(b"x = = 1", b"=stdin").unwrap_err();
    assert!(!e.incomplete);
}

fn err(src: &[u8], name: &[u8]) -> SyntaxError {
    match parse_at_level(src, name, LOADSTRING_LEVEL) {
        Ok(_) => panic!("{} parsed", show(&src[..src.len().min(80)])),
        Err(e) => e,
    }
}

#[test]
fn deep_parentheses_end_in_an_error() {
    // lua5.1: loadstring(("("):rep(100000), "=deep")
    let src = "(".repeat(100000);
    assert_eq!(
        err(src.as_bytes(), b"=deep").to_string(),
        "deep:1: chunk has too many syntax levels"
    );
    // Default level (0): the same error, a little deeper.
    assert!(parse(src.as_bytes(), b"=deep").is_err());
}

#[test]
fn deep_nesting_of_every_kind_is_bounded() {
    let n = 100000;
    let inputs = [
        format!("x = {}", "{".repeat(n)),
        format!("x = {}1", "- ".repeat(n)),
        format!("x = {}1", "not ".repeat(n)),
        format!("x = {}", "f(".repeat(n)),
        format!("x = {}", "a[".repeat(n)),
        "do ".repeat(n),
        "if x then ".repeat(n),
        "while x do ".repeat(n),
        "repeat ".repeat(n),
        "x = function() ".repeat(n),
        format!("x = 1{}", " .. 1".repeat(n)),
        format!("x = 1{}", " ^ 1".repeat(n)),
    ];
    for src in inputs {
        let e = err(src.as_bytes(), b"=t");
        assert_eq!(
            e.to_string(),
            "t:1: chunk has too many syntax levels",
            "{}",
            &src[..30]
        );
    }
}

#[test]
fn long_left_chains_are_bounded_too() {
    // 5.1 accepts these (it compiles chains in a loop); the tree would be as deep as
    // the chain, so the parser stops at MAX_TREE_DEPTH instead of building it.
    let n = 100000;
    let inputs = [
        format!("x = 1{}", " + 1".repeat(n)),
        format!("x = a{}", ".b".repeat(n)),
        format!("x = f{}", "()".repeat(n)),
        format!("x = a{}", ":m()".repeat(n)),
        format!("x = a{}", "[1]".repeat(n)),
    ];
    for src in inputs {
        let e = err(src.as_bytes(), b"=t");
        assert_eq!(
            e.to_string(),
            "t:1: chunk has too many syntax levels",
            "{}",
            &src[..30]
        );
    }
    // Moderate chains are fine.
    let src = format!("x = 1{}", " + 1".repeat(900));
    assert!(parse(src.as_bytes(), b"=t").is_ok());
}
