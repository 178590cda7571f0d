//! `tonumber` on random numeral-like strings against lua5.1's recorded results, plus property
//! tests of the conversions.
//!
//! The golden file `lua-tests/golden/number_random.txt` comes from
//! `lua5.1 gen_number.lua > number_random.txt` (run in that folder); its header comment gives
//! the line format.

use lua51::number::{fmt_number, str2number, str2number_base};
use proptest::prelude::*;

const GOLDEN: &str = include_str!("../../../lua-tests/golden/number_random.txt");

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

#[test]
fn golden_random_tonumber() {
    let mut checked = 0;
    for line in GOLDEN.lines() {
        let mut parts = line.splitn(3, '\t');
        let base: u32 = parts.next().unwrap().parse().unwrap();
        let input = unescape(parts.next().unwrap());
        let expected = parts.next().unwrap();
        let got = if base == 10 {
            str2number(&input)
        } else {
            str2number_base(&input, base)
        };
        let got_text = match got {
            None => "nil".to_string(),
            Some(v) => {
                // Compare through %.17g, the way the file was written.
                let mut s = Vec::new();
                let spec = lua51::stdlib::format::Spec {
                    precision: Some(17),
                    ..Default::default()
                };
                lua51::stdlib::format::format_float(b'g', &spec, v, &mut s);
                String::from_utf8(s).unwrap()
            }
        };
        assert_eq!(
            got_text,
            expected,
            "tonumber({:?}, {base})",
            String::from_utf8_lossy(&input)
        );
        checked += 1;
    }
    assert_eq!(checked, 1800);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Rust's shortest round-trip text of any finite double reads back exactly, with any
    /// surrounding C whitespace.
    #[test]
    fn shortest_repr_round_trips(bits in any::<u64>(), pre in "[ \t\n\r\x0b\x0c]{0,3}", post in "[ \t\n\r\x0b\x0c]{0,3}") {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        for text in [format!("{x:?}"), format!("{x:e}"), format!("{x:E}")] {
            let s = format!("{pre}{text}{post}");
            prop_assert_eq!(str2number(s.as_bytes()).map(f64::to_bits), Some(x.to_bits()), "{}", s);
        }
    }

    /// Hexadecimal notation: the exact bits written as `0x1.<13 hex digits>p<exp>` (or the
    /// subnormal form) read back exactly.
    #[test]
    fn hex_float_round_trips(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        let sign = if x.is_sign_negative() { "-" } else { "" };
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        let text = if exp == 0 {
            format!("{sign}0x0.{frac:013x}p-1022")
        } else {
            format!("{sign}0x1.{frac:013x}p{}", exp - 1023)
        };
        prop_assert_eq!(str2number(text.as_bytes()).map(f64::to_bits), Some(x.to_bits()), "{}", text);
    }

    /// Integers print as themselves and parse back.
    #[test]
    fn integers_round_trip(i in -99_999_999_999_999i64..=99_999_999_999_999) {
        let mut s = Vec::new();
        fmt_number(i as f64, &mut s);
        prop_assert_eq!(&s, &i.to_string().into_bytes());
        prop_assert_eq!(str2number(&s), Some(i as f64));
    }

    /// `str2number_base` agrees with Rust's radix parser on plain unsigned numbers that fit.
    #[test]
    fn base_parse_matches_radix(v in any::<u64>(), base in 2u32..=36) {
        let mut digits = Vec::new();
        let mut n = v;
        loop {
            digits.push(std::char::from_digit((n % u64::from(base)) as u32, base).unwrap());
            n /= u64::from(base);
            if n == 0 { break; }
        }
        let text: String = digits.into_iter().rev().collect();
        prop_assert_eq!(str2number_base(text.as_bytes(), base), Some(v as f64));
        prop_assert_eq!(str2number_base(format!(" -{text}\n").as_bytes(), base), Some(v.wrapping_neg() as f64));
    }

    /// Arbitrary bytes never panic.
    #[test]
    fn arbitrary_bytes_do_not_panic(s in proptest::collection::vec(any::<u8>(), 0..40), base in 0u32..40) {
        let _ = str2number(&s);
        let _ = str2number_base(&s, base);
    }
}
