//! Property tests of the string library against small models written from 5.1's documented
//! rules: `sub` and `byte` positions, plain `find`, `gsub` with a literal pattern, `rep`,
//! `reverse`, `upper`/`lower`; and robustness: random patterns and subjects through `find`,
//! `match`, `gmatch` and `gsub` give results or Lua errors, never panics.

use lua51::{Lua, Value};
use proptest::prelude::*;

fn new_state() -> Lua {
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    l
}

fn set_str(l: &mut Lua, name: &str, s: &[u8]) {
    let v = l.str_value(s).unwrap();
    l.set_global(name, v).unwrap();
}

fn bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::Str(s) => s.as_bytes().to_vec(),
        other => panic!("expected a string, got {}", other.type_name()),
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Num(n) => *n,
        other => panic!("expected a number, got {}", other.type_name()),
    }
}

/// 5.1's `posrelat` followed by `sub`'s clamping, as a model.
fn model_sub(s: &[u8], i: i64, j: i64) -> Vec<u8> {
    let len = s.len() as i64;
    let rel = |p: i64| if p < 0 { (p + len + 1).max(0) } else { p };
    let start = rel(i).max(1);
    let end = rel(j).min(len);
    if start > end {
        Vec::new()
    } else {
        s[(start - 1) as usize..end as usize].to_vec()
    }
}

fn naive_find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    (from..=hay.len()).find(|&k| hay[k..].starts_with(needle))
}

/// Subjects over a small alphabet so that literal searches hit often.
fn subject() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(b"ab\0%.".to_vec()), 0..24)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sub_matches_model(s in subject(), i in -30i64..30, j in -30i64..30) {
        let mut l = new_state();
        set_str(&mut l, "s", &s);
        let r = l.exec(format!("return string.sub(s, {i}, {j})").as_bytes(), b"=t").unwrap();
        prop_assert_eq!(bytes(&r[0]), model_sub(&s, i, j));
    }

    #[test]
    fn byte_matches_model(s in subject(), i in -30i64..30, j in -30i64..30) {
        let mut l = new_state();
        set_str(&mut l, "s", &s);
        let r = l.exec(format!("return string.byte(s, {i}, {j})").as_bytes(), b"=t").unwrap();
        let got: Vec<u8> = r.iter().map(|v| num(v) as u8).collect();
        prop_assert_eq!(got, model_sub(&s, i, j));
    }

    #[test]
    fn plain_find_matches_naive_search(s in subject(), needle in subject(), init in -30i64..30) {
        let mut l = new_state();
        set_str(&mut l, "s", &s);
        set_str(&mut l, "n", &needle);
        let r = l.exec(format!("return string.find(s, n, {init}, true)").as_bytes(), b"=t").unwrap();
        let len = s.len() as i64;
        let rel = if init < 0 { len + init + 1 } else { init };
        let from = (rel - 1).clamp(0, len) as usize;
        match naive_find(&s, &needle, from) {
            Some(k) => {
                prop_assert_eq!(r.len(), 2);
                prop_assert_eq!(num(&r[0]), (k + 1) as f64);
                prop_assert_eq!(num(&r[1]), (k + needle.len()) as f64);
            }
            None => {
                prop_assert_eq!(r.len(), 1);
                prop_assert!(r[0].is_nil());
            }
        }
    }

    #[test]
    fn gsub_with_literal_pattern_is_replace(s in subject(), lit in prop::collection::vec(prop::sample::select(b"ab".to_vec()), 1..4), max in 0usize..6) {
        let mut l = new_state();
        set_str(&mut l, "s", &s);
        set_str(&mut l, "p", &lit);
        let r = l.exec(format!("return string.gsub(s, p, '<%0>', {max})").as_bytes(), b"=t").unwrap();
        // Model: replace non-overlapping occurrences from the left, at most `max`.
        let mut out = Vec::new();
        let mut i = 0;
        let mut n = 0;
        while i < s.len() {
            if n < max && s[i..].starts_with(&lit) {
                out.push(b'<');
                out.extend_from_slice(&lit);
                out.push(b'>');
                i += lit.len();
                n += 1;
            } else {
                out.push(s[i]);
                i += 1;
            }
        }
        prop_assert_eq!(bytes(&r[0]), out);
        prop_assert_eq!(num(&r[1]), n as f64);
    }

    #[test]
    fn rep_reverse_upper_lower(s in prop::collection::vec(any::<u8>(), 0..20), n in -2i64..6) {
        let mut l = new_state();
        set_str(&mut l, "s", &s);
        let r = l.exec(
            format!("return string.rep(s, {n}), string.reverse(s), string.upper(s), string.lower(s), string.len(s)").as_bytes(),
            b"=t",
        ).unwrap();
        let rep: Vec<u8> = if n > 0 { s.repeat(n as usize) } else { Vec::new() };
        prop_assert_eq!(bytes(&r[0]), rep);
        let mut rev = s.clone();
        rev.reverse();
        prop_assert_eq!(bytes(&r[1]), rev);
        prop_assert_eq!(bytes(&r[2]), s.to_ascii_uppercase());
        prop_assert_eq!(bytes(&r[3]), s.to_ascii_lowercase());
        prop_assert_eq!(num(&r[4]), s.len() as f64);
    }

    #[test]
    fn random_patterns_never_panic(
        s in prop::collection::vec(prop::sample::select(b"ab()%[]^$*+-?.1 \0".to_vec()), 0..16),
        p in prop::collection::vec(prop::sample::select(b"ab()%[]^$*+-?.1bfz \0".to_vec()), 0..12),
        init in -20i64..20,
    ) {
        let mut l = new_state();
        set_str(&mut l, "s", &s);
        set_str(&mut l, "p", &p);
        let src = format!(
            "local r = {{}}
             r[1] = pcall(string.find, s, p, {init})
             r[2] = pcall(string.match, s, p, {init})
             r[3] = pcall(string.gsub, s, p, '%0%%')
             r[4] = pcall(string.gsub, s, p, function(...) return select('#', ...) end, 3)
             r[5] = pcall(function() local n = 0 for a in string.gmatch(s, p) do n = n + 1 if n > 100 then break end end end)
             return r[1]"
        );
        let r = l.exec(src.as_bytes(), b"=t");
        prop_assert!(r.is_ok());
    }
}
