//! Number formatting as Redis prints numbers.
//!
//! Integers: plain decimal (written straight into a buffer, no allocation).
//! Doubles: C's `%.17g` (what Redis 7.0 uses for double replies), with `inf`, `-inf`
//! and `nan` spelt the C library's way.

/// Appends the decimal form of `v` to `out`.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let neg = v < 0;
    let mut u = v.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if neg {
        out.push(b'-');
    }
    out.extend_from_slice(&tmp[i..]);
}

/// Appends the decimal form of `v` to `out`.
#[inline]
pub fn write_u64(out: &mut Vec<u8>, v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut u = v;
    loop {
        i -= 1;
        tmp[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// Formats `v` like C's `printf("%.{precision}g", v)`.
pub fn format_g(v: f64, precision: usize) -> String {
    let p = precision.max(1);
    if v.is_nan() {
        return if v.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{:.*e}", p - 1, v);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: Vec<u8> = mant.bytes().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < p as i32 && exp >= -4 {
        let mut s = String::new();
        if exp >= 0 {
            let int_len = exp as usize + 1;
            s.extend(digits[..int_len].iter().map(|&c| c as char));
            s.push('.');
            s.extend(digits[int_len..].iter().map(|&c| c as char));
        } else {
            s.push_str("0.");
            for _ in 0..(-exp - 1) {
                s.push('0');
            }
            s.extend(digits.iter().map(|&c| c as char));
        }
        let trimmed = s.trim_end_matches('0').trim_end_matches('.');
        out.push_str(trimmed);
    } else {
        let mut m = String::new();
        m.push(digits[0] as char);
        m.push('.');
        m.extend(digits[1..].iter().map(|&c| c as char));
        let trimmed = m.trim_end_matches('0').trim_end_matches('.');
        out.push_str(trimmed);
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            out.push('0');
        }
        out.push_str(&a.to_string());
    }
    out
}

/// `%.17g`, the format of Redis 7.0 double replies.
pub fn format_double(v: f64) -> String {
    format_g(v, 17)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        for v in [0i64, 1, -1, 42, i64::MAX, i64::MIN, 1000, -987654321] {
            let mut b = Vec::new();
            write_i64(&mut b, v);
            assert_eq!(b, v.to_string().into_bytes());
        }
    }

    #[test]
    fn g17_matches_printf() {
        // Expected strings are what glibc's printf("%.17g") prints.
        assert_eq!(format_double(1.5), "1.5");
        assert_eq!(format_double(0.1), "0.10000000000000001");
        assert_eq!(format_double(3.0), "3");
        assert_eq!(format_double(-2.25), "-2.25");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(
            format_double(123456789012345680.0),
            "1.2345678901234568e+17"
        );
        assert_eq!(format_double(0.0001), "0.0001");
        assert_eq!(format_double(f64::INFINITY), "inf");
        assert_eq!(format_double(f64::NEG_INFINITY), "-inf");
        assert_eq!(format_g(100.0, 3), "100");
        assert_eq!(format_g(1000.0, 3), "1e+03");
    }
}
