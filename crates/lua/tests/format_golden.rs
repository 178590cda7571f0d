//! `string.format` on random specifications and numbers against lua5.1's recorded output.
//!
//! The golden file `lua-tests/golden/format_random.txt` comes from
//! `lua5.1 gen_format.lua > format_random.txt` (run in that folder); its header comment gives
//! the line format. Values are written with `%.17g`, so parsing them back with `str2number`
//! recovers the exact double (this also exercises `str2number` on `-nan`, `inf`, ...).
//! Also holds property tests comparing `fmt_number` with `format_float`.

use lua51::number::{fmt_number, str2number};
use lua51::stdlib::format::{format_char, format_float, format_int, parse_spec, Spec};
use proptest::prelude::*;

const GOLDEN: &str = include_str!("../../../lua-tests/golden/format_random.txt");

/// Decodes the `\ddd` escapes of the golden files.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let n: u8 = s[i + 1..i + 4].parse().expect("bad escape");
            out.push(n);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn format_one(spec_text: &[u8], x: f64) -> Vec<u8> {
    let (spec, conv, next) = parse_spec::<()>(spec_text, 1).expect("valid spec");
    assert_eq!(next, spec_text.len());
    let mut out = Vec::new();
    match conv {
        b'c' => format_char(&spec, x, &mut out),
        b'd' | b'i' | b'o' | b'u' | b'x' | b'X' => format_int(conv, &spec, x, &mut out),
        _ => format_float(conv, &spec, x, &mut out),
    }
    out
}

#[test]
fn golden_random_formats() {
    let mut checked = 0;
    for line in GOLDEN.lines() {
        let mut parts = line.splitn(3, '\t');
        let spec = parts.next().unwrap();
        let value = parts.next().unwrap();
        let expected = unescape(parts.next().unwrap());
        let x = str2number(value.as_bytes()).unwrap_or_else(|| panic!("unparsable {value}"));
        let got = format_one(spec.as_bytes(), x);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "format {spec} of {value}"
        );
        assert_eq!(got, expected, "format {spec} of {value}");
        if spec == "%.14g" {
            let mut n = Vec::new();
            fmt_number(x, &mut n);
            assert_eq!(n, expected, "fmt_number of {value}");
        }
        checked += 1;
    }
    assert_eq!(checked, 2000);
}

fn g14(x: f64) -> Vec<u8> {
    let mut out = Vec::new();
    let spec = Spec {
        precision: Some(14),
        ..Spec::default()
    };
    format_float(b'g', &spec, x, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The integer fast path of `fmt_number` agrees with the general `%.14g` code.
    #[test]
    fn fmt_number_fast_path_matches_general(i in -200_000_000_000_000i64..200_000_000_000_000i64) {
        let x = i as f64;
        let mut fast = Vec::new();
        fmt_number(x, &mut fast);
        prop_assert_eq!(&fast, &g14(x));
        if i.unsigned_abs() < 100_000_000_000_000 {
            prop_assert_eq!(fast, i.to_string().into_bytes());
        }
    }

    /// Any double: `fmt_number` is `%.14g`, and reading it back gives the double rounded to
    /// 14 significant digits.
    #[test]
    fn fmt_number_is_g14(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        let mut s = Vec::new();
        fmt_number(x, &mut s);
        prop_assert_eq!(&s, &g14(x));
        let back = str2number(&s).unwrap();
        if x.is_nan() {
            prop_assert!(back.is_nan());
            prop_assert_eq!(back.is_sign_negative(), x.is_sign_negative());
        } else {
            let rounded: f64 = format!("{:.13e}", x).parse().unwrap();
            prop_assert_eq!(back.to_bits(), rounded.to_bits());
        }
    }

    /// `%.17g` output always reads back as the same double.
    #[test]
    fn g17_round_trips(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        let mut s = Vec::new();
        let spec = Spec { precision: Some(17), ..Spec::default() };
        format_float(b'g', &spec, x, &mut s);
        let back = str2number(&s).unwrap();
        if x.is_nan() {
            prop_assert!(back.is_nan());
        } else {
            prop_assert_eq!(back.to_bits(), x.to_bits());
        }
    }

    /// `%e` and `%f` agree with Rust's exact formatting on the digits (layout aside).
    #[test]
    fn e_and_f_digits_match_exact_expansion(x in -1e30f64..1e30, prec in 0usize..30) {
        let spec = Spec { precision: Some(prec), ..Spec::default() };
        let mut f = Vec::new();
        format_float(b'f', &spec, x, &mut f);
        prop_assert_eq!(String::from_utf8(f).unwrap(), format!("{:.*}", prec, x));
        let mut e = Vec::new();
        format_float(b'e', &spec, x, &mut e);
        let e = String::from_utf8(e).unwrap();
        let rust = format!("{:.*e}", prec, x);
        let (rm, rexp) = rust.split_once('e').unwrap();
        let (cm, cexp) = e.split_once('e').unwrap();
        prop_assert_eq!(cm, rm);
        prop_assert_eq!(cexp.parse::<i32>().unwrap(), rexp.parse::<i32>().unwrap());
        prop_assert!(cexp.len() >= 3);
    }
}

/// Arguments for the no-panic property: numbers, numeric strings and other strings.
struct AnyArgs(Vec<Result<f64, Vec<u8>>>);

impl lua51::stdlib::format::FormatArgs for AnyArgs {
    type Error = String;
    fn arg_count(&self) -> usize {
        self.0.len()
    }
    fn number(&mut self, argno: usize) -> Result<f64, String> {
        match &self.0[argno - 2] {
            Ok(x) => Ok(*x),
            Err(s) => str2number(s).ok_or_else(|| "number expected, got string".to_string()),
        }
    }
    fn string(&mut self, argno: usize) -> Result<std::borrow::Cow<'_, [u8]>, String> {
        match &self.0[argno - 2] {
            Ok(x) => {
                let mut v = Vec::new();
                fmt_number(*x, &mut v);
                Ok(v.into())
            }
            Err(s) => Ok(s.as_slice().into()),
        }
    }
}

fn arg_strategy() -> impl Strategy<Value = Result<f64, Vec<u8>>> {
    prop_oneof![
        any::<u64>().prop_map(|b| Ok(f64::from_bits(b))),
        (-1e6f64..1e6).prop_map(Ok),
        prop::collection::vec(any::<u8>(), 0..120).prop_map(Err),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Arbitrary format strings and arguments give a result or an error, never a panic.
    #[test]
    fn arbitrary_formats_do_not_panic(
        fmt in prop::collection::vec(prop::sample::select(b"%-+ #0123456789.cdiouxXeEfgGqsaz\0".to_vec()), 0..30),
        args in prop::collection::vec(arg_strategy(), 0..6),
    ) {
        let mut out = Vec::new();
        let _ = lua51::stdlib::format::format(&fmt, &mut AnyArgs(args), &mut out);
    }
}

#[test]
fn precision_beyond_lua_limits_still_exact() {
    // string.format caps precision at 99, but format_float is public: larger ones work too.
    let spec = Spec {
        precision: Some(1100),
        ..Spec::default()
    };
    let mut out = Vec::new();
    format_float(b'f', &spec, 5e-324, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.len(), 2 + 1100);
    // 2^-1074 = 4.9406564584124654417656879286822137236505980...e-324
    assert_eq!(&text[..2 + 323], format!("0.{}", "0".repeat(323)));
    assert_eq!(&text[2 + 323..2 + 323 + 20], "49406564584124654417");
    let mut e = Vec::new();
    format_float(b'e', &spec, 0.1, &mut e);
    assert!(String::from_utf8(e)
        .unwrap()
        .starts_with("1.000000000000000055511151231257827021181583404541015625000"));
}
