//! `string.find`, `match`, `gmatch` and `gsub` cases with the results lua5.1 produced.
//!
//! The table in `recorded_cases` is generated, not written by hand: run
//! `lua5.1 gen_pattern_cases.lua` in `lua-tests/golden/` and paste its output. The small
//! wrappers below play the part of the string library (argument handling as in 5.1's
//! `lstrlib.c`) on top of the matcher's API.

use lua51::number::fmt_number;
use lua51::stdlib::pattern::{
    expand_replacement, find_plain, is_special, start_offset, Capture, Gmatch, Match, Matcher,
    PatternError, Unlimited,
};

fn show_capture(subject: &[u8], c: Capture, out: &mut Vec<u8>) {
    match c {
        Capture::Range(a, b) => {
            out.push(b'[');
            out.extend_from_slice(&subject[a..b]);
            out.push(b']');
        }
        Capture::Position(p) => fmt_number((p + 1) as f64, out),
    }
}

fn error_text(e: PatternError) -> Vec<u8> {
    format!("!{e}").into_bytes()
}

/// Renders the values `string.find` / `string.match` return.
fn show_match(subject: &[u8], m: &Match, with_range: bool) -> Result<Vec<u8>, PatternError> {
    let mut out = Vec::new();
    let mut parts: Vec<Vec<u8>> = Vec::new();
    if with_range {
        parts.push((m.start + 1).to_string().into_bytes());
        parts.push(m.end.to_string().into_bytes());
        // find returns captures only when the pattern has some.
        for i in 0..m.level() {
            let mut v = Vec::new();
            show_capture(subject, m.capture(i)?, &mut v);
            parts.push(v);
        }
    } else {
        for c in m.captures() {
            let mut v = Vec::new();
            show_capture(subject, c?, &mut v);
            parts.push(v);
        }
    }
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(p);
    }
    Ok(out)
}

fn lua_find(s: &[u8], p: &[u8], init: i64, plain: bool) -> Vec<u8> {
    let init = start_offset(init, s.len());
    if plain || !is_special(p) {
        return match find_plain(s, p, init) {
            Some(k) => format!("{} {}", k + 1, k + p.len()).into_bytes(),
            None => b"nil".to_vec(),
        };
    }
    match Matcher::new().find(s, p, init, &mut Unlimited) {
        Ok(Some(m)) => show_match(s, &m, true).unwrap_or_else(error_text),
        Ok(None) => b"nil".to_vec(),
        Err(e) => error_text(e),
    }
}

fn lua_match(s: &[u8], p: &[u8], init: i64) -> Vec<u8> {
    let init = start_offset(init, s.len());
    match Matcher::new().find(s, p, init, &mut Unlimited) {
        Ok(Some(m)) => show_match(s, &m, false).unwrap_or_else(error_text),
        Ok(None) => b"nil".to_vec(),
        Err(e) => error_text(e),
    }
}

fn lua_gmatch(s: &[u8], p: &[u8]) -> Vec<u8> {
    let mut matcher = Matcher::new();
    let mut it = Gmatch::new();
    let mut out = Vec::new();
    let mut first = true;
    for _ in 0..100 {
        let m = match it.next(&mut matcher, s, p, &mut Unlimited) {
            Ok(Some(m)) => m,
            Ok(None) => return out,
            Err(e) => return error_text(e),
        };
        if !first {
            out.push(b'|');
        }
        first = false;
        for (i, c) in m.captures().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match c {
                Ok(c) => show_capture(s, c, &mut out),
                Err(e) => return error_text(e),
            }
        }
    }
    panic!("gmatch did not end");
}

fn lua_gsub(s: &[u8], p: &[u8], repl: &[u8], max_n: Option<i64>) -> Vec<u8> {
    let max_n = max_n.unwrap_or(s.len() as i64 + 1).max(0) as usize;
    let mut out = Vec::new();
    let r = Matcher::new().gsub(s, p, max_n, &mut Unlimited, &mut out, |m, out| {
        expand_replacement(repl, s, m, out)
    });
    match r {
        Ok(n) => {
            out.extend_from_slice(format!(" n={n}").as_bytes());
            out
        }
        Err(e) => error_text(e),
    }
}

fn check(what: &str, got: Vec<u8>, expected: &[u8]) {
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(expected),
        "{what}"
    );
    assert_eq!(got, expected, "{what}");
}

fn find(s: &[u8], p: &[u8], init: i64, plain: bool, expected: &[u8]) {
    let what = format!(
        "find({:?}, {:?}, {init}, {plain})",
        String::from_utf8_lossy(s),
        String::from_utf8_lossy(p)
    );
    check(&what, lua_find(s, p, init, plain), expected);
}

fn mat(s: &[u8], p: &[u8], init: i64, expected: &[u8]) {
    let what = format!(
        "match({:?}, {:?}, {init})",
        String::from_utf8_lossy(s),
        String::from_utf8_lossy(p)
    );
    check(&what, lua_match(s, p, init), expected);
}

fn gm(s: &[u8], p: &[u8], expected: &[u8]) {
    let what = format!(
        "gmatch({:?}, {:?})",
        String::from_utf8_lossy(s),
        String::from_utf8_lossy(p)
    );
    check(&what, lua_gmatch(s, p), expected);
}

fn gsub(s: &[u8], p: &[u8], repl: &[u8], max_n: Option<i64>, expected: &[u8]) {
    let what = format!(
        "gsub({:?}, {:?}, {:?})",
        String::from_utf8_lossy(s),
        String::from_utf8_lossy(p),
        String::from_utf8_lossy(repl)
    );
    check(&what, lua_gsub(s, p, repl, max_n), expected);
}

#[test]
fn recorded_cases() {
    find(b"hello world", b"o w", 1, false, b"5 7");
    mat(b"hello world", b"o w", 1, b"[o w]");
    find(b"hello world", b"o", 6, false, b"8 8");
    mat(b"hello world", b"o", 6, b"[o]");
    find(b"hello", b"l+", 1, false, b"3 4");
    mat(b"hello", b"l+", 1, b"[ll]");
    find(b"hello", b"", 1, false, b"1 0");
    mat(b"hello", b"", 1, b"[]");
    find(b"", b"", 1, false, b"1 0");
    mat(b"", b"", 1, b"[]");
    find(b"abc", b"", 10, false, b"4 3");
    mat(b"abc", b"", 10, b"[]");
    find(b"abc", b"", 4, false, b"4 3");
    mat(b"abc", b"", 4, b"[]");
    find(b"abc", b"", -10, false, b"1 0");
    mat(b"abc", b"", -10, b"[]");
    find(b"abc", b"c", -1, false, b"3 3");
    mat(b"abc", b"c", -1, b"[c]");
    find(b"abc", b"a", -10, false, b"1 1");
    mat(b"abc", b"a", -10, b"[a]");
    find(b"a+b", b"+", 1, true, b"2 2");
    find(b"a+b", b"a+", 1, true, b"1 2");
    find(b"a.b", b".", 1, true, b"2 2");
    find(b"xa\x00.", b"a\x00.", 1, false, b"2 4");
    mat(b"xa\x00.", b"a\x00.", 1, b"[a]");
    find(b"xa\x00b", b".\x00b", 1, false, b"1 1");
    mat(b"xa\x00b", b".\x00b", 1, b"[x]");
    find(b"a\x00b", b"%z", 1, false, b"2 2");
    mat(b"a\x00b", b"%z", 1, b"[\x00]");
    find(b"a\x00b", b"[%z]", 1, false, b"2 2");
    mat(b"a\x00b", b"[%z]", 1, b"[\x00]");
    find(b"a\x00b", b"[^%Z]", 1, false, b"2 2");
    mat(b"a\x00b", b"[^%Z]", 1, b"[\x00]");
    find(b"THE (quick) fox", b"%((%a+)%)", 1, false, b"5 11 [quick]");
    mat(b"THE (quick) fox", b"%((%a+)%)", 1, b"[quick]");
    find(b"f(a(b)c)d", b"%b()", 1, false, b"2 8");
    mat(b"f(a(b)c)d", b"%b()", 1, b"[(a(b)c)]");
    find(b"f(a(b)c", b"%b()", 1, false, b"4 6");
    mat(b"f(a(b)c", b"%b()", 1, b"[(b)]");
    find(b"abc", b"%f[%a]", 1, false, b"1 0");
    mat(b"abc", b"%f[%a]", 1, b"[]");
    find(b"THE (quick) fox", b"%f[%a]%a+%f[%A]", 5, false, b"6 10");
    mat(b"THE (quick) fox", b"%f[%a]%a+%f[%A]", 5, b"[quick]");
    find(b"a$b", b"$b", 1, false, b"2 3");
    mat(b"a$b", b"$b", 1, b"[$b]");
    find(b"a$b", b"a$", 1, false, b"nil");
    mat(b"a$b", b"a$", 1, b"nil");
    find(b"ab^", b"b^", 1, false, b"2 3");
    mat(b"ab^", b"b^", 1, b"[b^]");
    find(b"aaa", b"a-$", 1, false, b"1 3");
    mat(b"aaa", b"a-$", 1, b"[aaa]");
    find(b"aaab", b"a-b", 1, false, b"1 4");
    mat(b"aaab", b"a-b", 1, b"[aaab]");
    find(b"  x", b"^%s*x$", 1, false, b"1 3");
    mat(b"  x", b"^%s*x$", 1, b"[  x]");
    find(b"abc", b"(a", 1, false, b"!unfinished capture");
    mat(b"abc", b"(a", 1, b"!unfinished capture");
    find(b"abc", b"(x", 1, false, b"nil");
    mat(b"abc", b"(x", 1, b"nil");
    find(b"abc", b"a)", 1, false, b"nil");
    mat(b"abc", b"a)", 1, b"!invalid pattern capture");
    find(b"abc", b"%1", 1, false, b"!invalid capture index");
    mat(b"abc", b"%1", 1, b"!invalid capture index");
    find(b"abc", b"(a)%2", 1, false, b"!invalid capture index");
    mat(b"abc", b"(a)%2", 1, b"!invalid capture index");
    find(b"abc", b"(a%1)", 1, false, b"!invalid capture index");
    mat(b"abc", b"(a%1)", 1, b"!invalid capture index");
    find(b"abc", b"(a)%0", 1, false, b"!invalid capture index");
    mat(b"abc", b"(a)%0", 1, b"!invalid capture index");
    find(b"abab", b"(ab)%1", 1, false, b"1 4 [ab]");
    mat(b"abab", b"(ab)%1", 1, b"[ab]");
    find(b"aa", b"()a%1", 1, false, b"nil");
    mat(b"aa", b"()a%1", 1, b"nil");
    find(
        b"abc",
        b"()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()",
        1,
        false,
        b"1 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
    );
    mat(
        b"abc",
        b"()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()",
        1,
        b"1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
    );
    find(
        b"abc",
        b"()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()",
        1,
        false,
        b"!too many captures",
    );
    mat(
        b"abc",
        b"()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()",
        1,
        b"!too many captures",
    );
    find(b"a", b"%b", 1, false, b"!unbalanced pattern");
    mat(b"a", b"%b", 1, b"!unbalanced pattern");
    find(b"a", b"%ba", 1, false, b"!unbalanced pattern");
    mat(b"a", b"%ba", 1, b"!unbalanced pattern");
    find(b"a", b"%", 1, false, b"!malformed pattern (ends with '%')");
    mat(b"a", b"%", 1, b"!malformed pattern (ends with '%')");
    find(b"a", b"[a", 1, false, b"!malformed pattern (missing ']')");
    mat(b"a", b"[a", 1, b"!malformed pattern (missing ']')");
    find(b"a", b"[a%", 1, false, b"!malformed pattern (missing ']')");
    mat(b"a", b"[a%", 1, b"!malformed pattern (missing ']')");
    find(b"a", b"%f", 1, false, b"!missing '[' after '%f' in pattern");
    mat(b"a", b"%f", 1, b"!missing '[' after '%f' in pattern");
    find(
        b"a",
        b"%fa",
        1,
        false,
        b"!missing '[' after '%f' in pattern",
    );
    mat(b"a", b"%fa", 1, b"!missing '[' after '%f' in pattern");
    find(b"a", b"[]", 1, false, b"!malformed pattern (missing ']')");
    mat(b"a", b"[]", 1, b"!malformed pattern (missing ']')");
    find(b"]", b"[]]", 1, false, b"1 1");
    mat(b"]", b"[]]", 1, b"[]]");
    find(b"a", b"[^]", 1, false, b"!malformed pattern (missing ']')");
    mat(b"a", b"[^]", 1, b"!malformed pattern (missing ']')");
    find(b"^", b"[^^]", 1, false, b"nil");
    mat(b"^", b"[^^]", 1, b"nil");
    find(b"-", b"[a-]", 1, false, b"1 1");
    mat(b"-", b"[a-]", 1, b"[-]");
    find(b"b", b"[%a-z]", 1, false, b"1 1");
    mat(b"b", b"[%a-z]", 1, b"[b]");
    find(b"%", b"[%%]", 1, false, b"1 1");
    mat(b"%", b"[%%]", 1, b"[%]");
    find(b"a]", b"[%]]", 1, false, b"2 2");
    mat(b"a]", b"[%]]", 1, b"[]]");
    find(b"z", b"[a-]", 1, false, b"nil");
    mat(b"z", b"[a-]", 1, b"nil");
    find(b"-", b"[-a]", 1, false, b"1 1");
    mat(b"-", b"[-a]", 1, b"[-]");
    find(b"c", b"[a-c-e]", 1, false, b"1 1");
    mat(b"c", b"[a-c-e]", 1, b"[c]");
    find(b"d", b"[a-c-e]", 1, false, b"nil");
    mat(b"d", b"[a-c-e]", 1, b"nil");
    find(b"-", b"[a-c-e]", 1, false, b"1 1");
    mat(b"-", b"[a-c-e]", 1, b"[-]");
    find(
        b"key = value",
        b"(%w+)%s*=%s*(%w+)",
        1,
        false,
        b"1 11 [key] [value]",
    );
    mat(b"key = value", b"(%w+)%s*=%s*(%w+)", 1, b"[key] [value]");
    find(b"  trim  ", b"^%s*(.-)%s*$", 1, false, b"1 8 [trim]");
    mat(b"  trim  ", b"^%s*(.-)%s*$", 1, b"[trim]");
    find(
        b"2024-06-01",
        b"(%d+)-(%d+)-(%d+)",
        1,
        false,
        b"1 10 [2024] [06] [01]",
    );
    mat(b"2024-06-01", b"(%d+)-(%d+)-(%d+)", 1, b"[2024] [06] [01]");
    find(
        b"hello",
        b"(h)(e)(l)(l)(o)",
        1,
        false,
        b"1 5 [h] [e] [l] [l] [o]",
    );
    mat(b"hello", b"(h)(e)(l)(l)(o)", 1, b"[h] [e] [l] [l] [o]");
    find(b"hello", b"()ll()", 1, false, b"3 4 3 5");
    mat(b"hello", b"()ll()", 1, b"3 5");
    find(b"aaa", b"a*", 1, false, b"1 3");
    mat(b"aaa", b"a*", 1, b"[aaa]");
    find(b"aaa", b"a-", 1, false, b"1 0");
    mat(b"aaa", b"a-", 1, b"[]");
    find(b"aaa", b"a?a?a?a?", 1, false, b"1 3");
    mat(b"aaa", b"a?a?a?a?", 1, b"[aaa]");
    find(b"aaa", b"^a+$", 1, false, b"1 3");
    mat(b"aaa", b"^a+$", 1, b"[aaa]");
    find(b"", b"a*", 1, false, b"1 0");
    mat(b"", b"a*", 1, b"[]");
    find(b"", b"a+", 1, false, b"nil");
    mat(b"", b"a+", 1, b"nil");
    find(b"x=1, y=2", b"%a=%d", 1, false, b"1 3");
    mat(b"x=1, y=2", b"%a=%d", 1, b"[x=1]");
    find(b"[[x]]", b"%[%[(.-)%]%]", 1, false, b"1 5 [x]");
    mat(b"[[x]]", b"%[%[(.-)%]%]", 1, b"[x]");
    find(b"a.b.c", b"%.", 1, false, b"2 2");
    mat(b"a.b.c", b"%.", 1, b"[.]");
    find(b"a.b.c", b"[.]", 1, false, b"2 2");
    mat(b"a.b.c", b"[.]", 1, b"[.]");
    find(b"ABC abc 123 !?", b"%u+", 1, false, b"1 3");
    mat(b"ABC abc 123 !?", b"%u+", 1, b"[ABC]");
    find(b"ABC abc 123 !?", b"%l+", 1, false, b"5 7");
    mat(b"ABC abc 123 !?", b"%l+", 1, b"[abc]");
    find(b"ABC abc 123 !?", b"%p+", 1, false, b"13 14");
    mat(b"ABC abc 123 !?", b"%p+", 1, b"[!?]");
    find(b"ABC\x01abc", b"%c", 1, false, b"4 4");
    mat(b"ABC\x01abc", b"%c", 1, b"[\x01]");
    find(b"ABCxyz", b"%x+", 1, false, b"1 3");
    mat(b"ABCxyz", b"%x+", 1, b"[ABC]");
    find(b"tab\x09here", b"%s", 1, false, b"4 4");
    mat(b"tab\x09here", b"%s", 1, b"[\x09]");
    find(b"\xff\x80", b"[\x80-\xff]+", 1, false, b"1 2");
    mat(b"\xff\x80", b"[\x80-\xff]+", 1, b"[\xff\x80]");
    find(b"\xc3\xa9", b"%a", 1, false, b"nil");
    mat(b"\xc3\xa9", b"%a", 1, b"nil");
    find(b"ab", b"[%w_]+", 1, false, b"1 2");
    mat(b"ab", b"[%w_]+", 1, b"[ab]");
    find(b"aXb", b"%W", 1, false, b"nil");
    mat(b"aXb", b"%W", 1, b"nil");
    find(b"ab12", b"%D+", 1, false, b"1 2");
    mat(b"ab12", b"%D+", 1, b"[ab]");
    find(b"ab ", b"%S+$", 1, false, b"nil");
    mat(b"ab ", b"%S+$", 1, b"nil");
    find(b"x", b"%X", 1, false, b"1 1");
    mat(b"x", b"%X", 1, b"[x]");
    find(b"a.", b"%P", 1, false, b"1 1");
    mat(b"a.", b"%P", 1, b"[a]");
    find(b"a", b"%U", 1, false, b"1 1");
    mat(b"a", b"%U", 1, b"[a]");
    find(b"A", b"%L", 1, false, b"1 1");
    mat(b"A", b"%L", 1, b"[A]");
    find(b"\x0a", b"%C", 1, false, b"nil");
    mat(b"\x0a", b"%C", 1, b"nil");
    find(b"a", b"%A", 1, false, b"nil");
    mat(b"a", b"%A", 1, b"nil");
    find(b"hello", b"l", 1, true, b"3 3");
    find(b"hello", b"xyz", 1, true, b"nil");
    find(b"hello", b"", 3, true, b"3 2");
    find(b"hello", b"", 10, true, b"6 5");
    find(b"a(b", b"(", 1, true, b"2 2");
    find(b"f(x)", b"%b)(", 1, false, b"nil");
    mat(b"f(x)", b"%b)(", 1, b"nil");
    find(b"((a)", b"%b()", 1, false, b"2 4");
    mat(b"((a)", b"%b()", 1, b"[(a)]");
    find(b"x", b"%bxx", 1, false, b"nil");
    mat(b"x", b"%bxx", 1, b"nil");
    find(b"THE (quick) fox", b"%f[%l]", 1, false, b"6 5");
    mat(b"THE (quick) fox", b"%f[%l]", 1, b"[]");
    find(b"x", b"%f[%z]", 1, false, b"2 1");
    mat(b"x", b"%f[%z]", 1, b"[]");
    find(b"x", b"%f[^%z]", 1, false, b"1 0");
    mat(b"x", b"%f[^%z]", 1, b"[]");
    find(b"aaab", b"(a*(.))b", 1, false, b"1 4 [aaa] [a]");
    mat(b"aaab", b"(a*(.))b", 1, b"[aaa] [a]");
    find(b"abc", b"((a)(b))", 1, false, b"1 2 [ab] [a] [b]");
    mat(b"abc", b"((a)(b))", 1, b"[ab] [a] [b]");
    find(b"abc", b"(()", 1, false, b"!unfinished capture");
    mat(b"abc", b"(()", 1, b"!unfinished capture");
    find(b"ab", b"(a)(b)%2%1", 1, false, b"nil");
    mat(b"ab", b"(a)(b)%2%1", 1, b"nil");
    find(b"abba", b"(a)(b)%2%1", 1, false, b"1 4 [a] [b]");
    mat(b"abba", b"(a)(b)%2%1", 1, b"[a] [b]");
    gm(b"^a^a", b"^a", b"[^a]|[^a]");
    gm(b"abc", b"%a*", b"[abc]|[]");
    gm(b"abc", b"", b"[]|[]|[]|[]");
    gm(b"abc", b"()", b"1|2|3|4");
    gm(b"a b  c", b"%a*", b"[a]|[]|[b]|[]|[]|[c]|[]");
    gm(b"hello world", b"(%w+)", b"[hello]|[world]");
    gm(b"k1=v1, k2=v2", b"(%w+)=(%w+)", b"[k1],[v1]|[k2],[v2]");
    gm(b"abc", b"(a", b"!unfinished capture");
    gm(b"abc", b".-", b"[]|[]|[]|[]");
    gm(b"one two", b"%a+()", b"4|8");
    gm(b"", b"", b"[]");
    gm(b"aaa", b"a-", b"[]|[]|[]|[]");
    gm(b"aaa", b"a?", b"[a]|[a]|[a]|[]");
    gm(b"x(y)z(w)", b"%b()", b"[(y)]|[(w)]");
    gm(b"THE (quick) fox", b"%f[%a]%a+", b"[THE]|[quick]|[fox]");
    gsub(b"abc", b"(a", b"x", None, b"xbc n=1");
    gsub(b"abc", b"b", b"%", None, b"a\x00c n=1");
    gsub(b"abc", b"b", b"%x%%", None, b"ax%c n=1");
    gsub(b"abc", b"b", b"%1", None, b"abc n=1");
    gsub(b"abc", b"b", b"%2", None, b"!invalid capture index");
    gsub(b"abc", b"(b)", b"%2", None, b"!invalid capture index");
    gsub(b"abc", b"()b", b"%1", None, b"a2c n=1");
    gsub(b"abc", b"", b"-", None, b"-a-b-c- n=4");
    gsub(b"abc", b"^", b"-", None, b"-abc n=1");
    gsub(b"abc", b"$", b"-", None, b"abc- n=1");
    gsub(b"abc", b"%w*", b"-", None, b"-- n=2");
    gsub(b"abc", b"b*", b"-", None, b"-a--c- n=4");
    gsub(b"abc", b".", b"-", Some(2), b"--c n=2");
    gsub(b"abc", b".", b"-", Some(-1), b"abc n=0");
    gsub(b"abc", b".", b"-", Some(0), b"abc n=0");
    gsub(b"abc", b"^.", b"-", None, b"-bc n=1");
    gsub(b"hello", b"", b"%0", None, b"hello n=6");
    gsub(
        b"hello world",
        b"(%w+)",
        b"<%1>",
        None,
        b"<hello> <world> n=2",
    );
    gsub(
        b"hello world",
        b"%w+",
        b"%0 %0",
        None,
        b"hello hello world world n=2",
    );
    gsub(
        b"hello world",
        b"(%w+) (%w+)",
        b"%2 %1",
        None,
        b"world hello n=1",
    );
    gsub(b"abc", b"%w", b"%%%0", None, b"%a%b%c n=3");
    gsub(b"abc", b"a", b"\x00", None, b"\x00bc n=1");
    gsub(b"a\x00b", b"%z", b"0", None, b"a0b n=1");
    gsub(b"a\x00b", b"\x00", b"x", None, b"xax\x00xbx n=4");
    gsub(b"abc", b"(a)(b)(c)", b"%3%2%1%0", None, b"cbaabc n=1");
    gsub(b"x = 1", b"%s*=%s*", b"=", None, b"x=1 n=1");
    gsub(b"aaa", b"a-", b"x", None, b"xaxaxax n=4");
    gsub(b"aaa", b"a?", b"x", None, b"xxxx n=4");
    gsub(
        b"one two three",
        b"(%a+)",
        b"%1",
        Some(2),
        b"one two three n=2",
    );
    gsub(b"abc", b"((a)", b"x", None, b"xbc n=1");
    gsub(b"  pad  ", b"^%s+", b"", None, b"pad   n=1");
    gsub(b"abc", b"b", b"%9", None, b"!invalid capture index");
    gsub(b"abc", b"(b)", b"%1%1%1", None, b"abbbc n=1");
    gsub(b"a.b", b"%.", b"%%", None, b"a%b n=1");
    gsub(b"hello", b"l", b"L", Some(1), b"heLlo n=1");
    gsub(b"hello", b"l+", b"", None, b"heo n=1");
    gsub(b"", b"", b"x", None, b"x n=1");
    gsub(b"", b"x*", b"y", None, b"y n=1");
    gsub(b"abc", b"%f[%w]", b"^", None, b"^abc n=1");
    gsub(b"f(a)(b)", b"%b()", b"[]", None, b"f[][] n=2");
    gsub(b"abc", b"()", b"%1", None, b"1a2b3c4 n=4");
}

const GOLDEN: &str = include_str!("../../../lua-tests/golden/pattern_random.txt");

/// Decodes the `\ddd` escapes of the golden files.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            out.push(s[i + 1..i + 4].parse().expect("bad escape"));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// `for a in string.gmatch(s, p)`, first captures of up to 8 matches (as gen_pattern.lua).
fn gmatch_first8(s: &[u8], p: &[u8]) -> Vec<u8> {
    let mut matcher = Matcher::new();
    let mut it = Gmatch::new();
    let mut out = Vec::new();
    for k in 0..8 {
        let m = match it.next(&mut matcher, s, p, &mut Unlimited) {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => return error_text(e),
        };
        // 5.1 pushes every capture, so any of them can raise an error.
        let caps: Result<Vec<Capture>, PatternError> = m.captures().collect();
        match caps {
            Ok(caps) => {
                if k > 0 {
                    out.push(b'|');
                }
                show_capture(s, caps[0], &mut out);
            }
            Err(e) => return error_text(e),
        }
    }
    out
}

/// Random patterns and subjects from `lua-tests/golden/pattern_random.txt`, produced by
/// `lua5.1 gen_pattern.lua > pattern_random.txt` in that folder.
#[test]
fn golden_random_patterns() {
    let mut checked = 0;
    for line in GOLDEN.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "bad golden line {line:?}");
        let (p, s) = (unescape(f[0]), unescape(f[1]));
        let what = format!("pattern {:?} subject {:?}", f[0], f[1]);
        check(
            &format!("find {what}"),
            lua_find(&s, &p, 1, false),
            &unescape(f[2]),
        );
        check(
            &format!("gsub {what}"),
            lua_gsub(&s, &p, b"<%0>", None),
            &unescape(f[3]),
        );
        check(
            &format!("gmatch {what}"),
            gmatch_first8(&s, &p),
            &unescape(f[4]),
        );
        checked += 1;
    }
    assert_eq!(checked, 5000);
}
