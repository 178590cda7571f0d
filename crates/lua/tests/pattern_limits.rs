//! Limits of the pattern matcher: deep backtracking ends in a clean error instead of a stack
//! overflow, the step budget can stop a runaway match, long subjects work; plus property tests
//! (no panics on arbitrary patterns, plain search agrees with the matcher, the literal-skip
//! shortcut changes nothing).
//!
//! Reference points from lua5.1 (5.1.5, default 8 MB C stack):
//! `string.find(string.rep('a', 100000), string.rep('a?', 100000))` returns `1 100000`;
//! with 200000 it crashes with a C stack overflow (we raise `pattern too complex`).

use lua51::stdlib::pattern::{
    expand_replacement, find_plain, Capture, Gmatch, Matcher, PatternError, Unlimited,
    MAX_BACKTRACK_DEPTH, STEP_CHUNK,
};
use proptest::prelude::*;

#[test]
fn deep_optional_chain_matches_like_lua51() {
    let n = 100_000;
    let s = "a".repeat(n);
    let p = "a?".repeat(n);
    let m = Matcher::new()
        .find(s.as_bytes(), p.as_bytes(), 0, &mut Unlimited)
        .unwrap()
        .unwrap();
    assert_eq!((m.start, m.end), (0, n));
}

#[test]
fn too_deep_is_an_error_not_a_crash() {
    let n = MAX_BACKTRACK_DEPTH + 10;
    let s = "a".repeat(n);
    let p = "a?".repeat(n);
    let r = Matcher::new().find(s.as_bytes(), p.as_bytes(), 0, &mut Unlimited);
    assert_eq!(r.unwrap_err(), PatternError::TooComplex);
    assert_eq!(PatternError::TooComplex.to_string(), "pattern too complex");
}

#[test]
fn tighter_depth_bound() {
    let r = Matcher::with_max_depth(10).find(
        b"aaaaaaaaaaaaaaaaaaaa",
        "a?".repeat(20).as_bytes(),
        0,
        &mut Unlimited,
    );
    assert_eq!(r.unwrap_err(), PatternError::TooComplex);
}

#[test]
fn budget_stops_quadratic_search() {
    // ".-b" on a long run of 'a' is quadratic: about 5e9 steps for 100,000 bytes.
    let s = "a".repeat(100_000);
    let mut charged: u64 = 0;
    let mut budget = |steps: u32| {
        charged += u64::from(steps);
        charged < 1_000_000
    };
    let r = Matcher::new().find(s.as_bytes(), b".-b", 0, &mut budget);
    assert_eq!(r.unwrap_err(), PatternError::Interrupted);
    assert!(
        charged >= 1_000_000 && charged < 1_000_000 + 2 * u64::from(STEP_CHUNK),
        "{charged}"
    );
}

#[test]
fn budget_stops_balance_and_backreference_scans() {
    // %b scans to the end from every '(' (quadratic without a closing parenthesis).
    let s = "(".repeat(50_000);
    let mut n = 0u64;
    let mut budget = |steps: u32| {
        n += u64::from(steps);
        n < 100_000
    };
    let r = Matcher::new().find(s.as_bytes(), b"%b()", 0, &mut budget);
    assert_eq!(r.unwrap_err(), PatternError::Interrupted);
}

#[test]
fn budget_is_charged_in_proportion_to_work() {
    let s = "ab".repeat(50_000);
    let mut charged: u64 = 0;
    let mut budget = |steps: u32| {
        charged += u64::from(steps);
        true
    };
    let mut out = Vec::new();
    let n = Matcher::new()
        .gsub(
            s.as_bytes(),
            b"(a)(b)",
            usize::MAX,
            &mut budget,
            &mut out,
            |m, out| expand_replacement(b"%2%1", s.as_bytes(), m, out),
        )
        .unwrap();
    assert_eq!(n, 50_000);
    assert_eq!(out, "ba".repeat(50_000).as_bytes());
    assert!(charged >= 200_000, "{charged}");
}

#[test]
fn long_subjects() {
    let s = vec![b'x'; 10_000_000];
    let mut m = Matcher::new();
    let r = m.find(&s, b"^(.*)$", 0, &mut Unlimited).unwrap().unwrap();
    assert_eq!(r.capture(0), Ok(Capture::Range(0, s.len())));
    let r = m.find(&s, b"x-$", 0, &mut Unlimited).unwrap().unwrap();
    assert_eq!((r.start, r.end), (0, s.len()));
    assert_eq!(
        m.find(&s, b"y", 0, &mut Unlimited)
            .unwrap()
            .map(|m| m.start),
        None
    );
    assert_eq!(find_plain(&s, b"xy", 0), None);
}

#[test]
fn gmatch_ends_and_stays_ended() {
    let mut m = Matcher::new();
    let mut g = Gmatch::new();
    let mut seen = Vec::new();
    while let Some(x) = g.next(&mut m, b"a1b22", b"%d+", &mut Unlimited).unwrap() {
        seen.push((x.start, x.end));
    }
    assert_eq!(seen, vec![(1, 2), (3, 5)]);
    assert!(g
        .next(&mut m, b"a1b22", b"%d+", &mut Unlimited)
        .unwrap()
        .is_none());
}

#[test]
fn match_api() {
    let mut m = Matcher::new();
    let x = m
        .find(b"key=val", b"()(%w+)=(%w+)()", 0, &mut Unlimited)
        .unwrap()
        .unwrap();
    assert_eq!(x.level(), 4);
    assert_eq!(x.capture_count(), 4);
    assert_eq!(x.capture(0), Ok(Capture::Position(0)));
    assert_eq!(x.capture(1), Ok(Capture::Range(0, 3)));
    assert_eq!(x.capture(3), Ok(Capture::Position(7)));
    assert_eq!(x.capture(4), Err(PatternError::InvalidCaptureIndex));
    let y = m.find(b"abc", b"b", 0, &mut Unlimited).unwrap().unwrap();
    assert_eq!((y.level(), y.capture_count()), (0, 1));
    assert_eq!(y.capture(0), Ok(Capture::Range(1, 2)));
    assert_eq!(y.capture(1), Err(PatternError::InvalidCaptureIndex));
    let z = m
        .match_at(b"^ab", b"^a", 0, &mut Unlimited)
        .unwrap()
        .unwrap();
    assert_eq!((z.start, z.end), (0, 2));
    assert!(m
        .match_at(b"ab", b"b", 0, &mut Unlimited)
        .unwrap()
        .is_none());
    assert!(m
        .match_at(b"ab", b"b", 3, &mut Unlimited)
        .unwrap()
        .is_none());
}

#[test]
fn error_messages() {
    let all = [
        (
            PatternError::EndsWithPercent,
            "malformed pattern (ends with '%')",
        ),
        (
            PatternError::MissingBracket,
            "malformed pattern (missing ']')",
        ),
        (
            PatternError::MissingFrontierSet,
            "missing '[' after '%f' in pattern",
        ),
        (PatternError::Unbalanced, "unbalanced pattern"),
        (PatternError::InvalidCaptureIndex, "invalid capture index"),
        (
            PatternError::InvalidPatternCapture,
            "invalid pattern capture",
        ),
        (PatternError::UnfinishedCapture, "unfinished capture"),
        (PatternError::TooManyCaptures, "too many captures"),
        (PatternError::TooComplex, "pattern too complex"),
    ];
    for (e, text) in all {
        assert_eq!(e.to_string(), text);
    }
}

/// Escapes every byte so the pattern matches it literally.
fn escape(needle: &[u8]) -> Vec<u8> {
    let mut p = Vec::new();
    for &c in needle {
        if c.is_ascii_alphanumeric() {
            p.push(c);
        } else if c == 0 {
            p.extend_from_slice(b"%z");
        } else {
            p.push(b'%');
            p.push(c);
        }
    }
    p
}

fn pattern_strategy() -> impl Strategy<Value = Vec<u8>> {
    let items = prop::sample::select(vec![
        "a", "b", ".", "%a", "%d", "%s", "[ab]", "[^a]", "(", ")", "()", "*", "+", "-", "?", "^",
        "$", "%1", "%2", "%b()", "%f[%w]", "%", "[", "]", "%z", "[%]]", "[a-", "%b", "%f",
    ]);
    prop::collection::vec(items, 0..10).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Arbitrary token soups never panic, and with a small budget always end.
    #[test]
    fn arbitrary_patterns_do_not_panic(p in pattern_strategy(), s in prop::collection::vec(prop::sample::select(b"ab()1 \0x".to_vec()), 0..40)) {
        let mut m = Matcher::new();
        let mut left = 200_000i64;
        let mut budget = |steps: u32| { left -= i64::from(steps); left > 0 };
        let _ = m.find(&s, &p, 0, &mut budget);
        let mut out = Vec::new();
        let _ = m.gsub(&s, &p, usize::MAX, &mut budget, &mut out, |mm, out| expand_replacement(b"%1%0%", &s, mm, out));
        let mut g = Gmatch::new();
        for _ in 0..50 {
            match g.next(&mut m, &s, &p, &mut budget) {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
    }

    /// Plain search and the matcher on the escaped needle find the same first occurrence.
    #[test]
    fn plain_find_agrees_with_escaped_pattern(s in prop::collection::vec(0u8..4, 0..60), needle in prop::collection::vec(0u8..4, 0..4), init in 0usize..70) {
        let map = |v: &Vec<u8>| v.iter().map(|&c| b"a.(\0"[usize::from(c)]).collect::<Vec<u8>>();
        let (s, needle) = (map(&s), map(&needle));
        let init = init.min(s.len());
        let plain = find_plain(&s, &needle, init);
        let pat = escape(&needle);
        let m = Matcher::new().find(&s, &pat, init, &mut Unlimited).unwrap();
        prop_assert_eq!(plain, m.map(|m| m.start));
    }

    /// gsub with a literal first item (which skips ahead with memchr) gives the same result
    /// as the equivalent one-character set (which does not).
    #[test]
    fn literal_skip_changes_nothing(s in prop::collection::vec(prop::sample::select(b"xyz".to_vec()), 0..50), rest in prop::sample::select(vec!["", "y", "y*", "+", "+y?", "()", "%f[z]", "y-z"]), max_n in 0usize..20) {
        let lit = format!("x{rest}");
        let set = format!("[x]{rest}");
        let run = |p: &str| {
            let mut out = Vec::new();
            let n = Matcher::new().gsub(&s, p.as_bytes(), max_n, &mut Unlimited, &mut out, |m, out| expand_replacement(b"<%0>", &s, m, out));
            (n, out)
        };
        prop_assert_eq!(run(&lit), run(&set));
        let a = Matcher::new().find(&s, lit.as_bytes(), 0, &mut Unlimited).map(|m| m.map(|m| (m.start, m.end)));
        let b = Matcher::new().find(&s, set.as_bytes(), 0, &mut Unlimited).map(|m| m.map(|m| (m.start, m.end)));
        prop_assert_eq!(a, b);
    }
}
