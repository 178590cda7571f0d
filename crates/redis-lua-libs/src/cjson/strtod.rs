//! The longest prefix of a byte string that glibc's `strtod` converts, which is how
//! lua-cjson reads JSON numbers (`fpconv_strtod`): decimal with optional fraction and
//! exponent, hexadecimal (`0x1.8p3`), `inf`/`infinity`, `nan`/`nan(chars)`, each with an
//! optional sign. The value itself comes from `lua51::number::str2number` (correctly
//! rounded, like glibc) applied to that prefix.

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn starts_with_ignore_case(s: &[u8], i: usize, word: &[u8]) -> bool {
    s.len() >= i + word.len() && s[i..i + word.len()].eq_ignore_ascii_case(word)
}

/// Digits matched by `pred` from `i`; returns the end.
fn skip(s: &[u8], mut i: usize, pred: fn(u8) -> bool) -> usize {
    while i < s.len() && pred(s[i]) {
        i += 1;
    }
    i
}

/// An exponent (`e`/`p` already matched at `i`): its end, or `i` if no digits follow.
fn exponent(s: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    if at(s, j) == b'+' || at(s, j) == b'-' {
        j += 1;
    }
    let end = skip(s, j, |c| c.is_ascii_digit());
    if end > j {
        end
    } else {
        i
    }
}

/// Length of the prefix `strtod` would consume (0: no conversion).
pub fn prefix_len(s: &[u8]) -> usize {
    let mut i = 0;
    if at(s, 0) == b'+' || at(s, 0) == b'-' {
        i = 1;
    }
    if at(s, i) == b'0' && (at(s, i + 1) | 0x20) == b'x' {
        let d = i + 2;
        let int_end = skip(s, d, |c| c.is_ascii_hexdigit());
        let mut end = int_end;
        let mut digits = int_end > d;
        if at(s, end) == b'.' {
            let frac_end = skip(s, end + 1, |c| c.is_ascii_hexdigit());
            if frac_end > end + 1 || digits {
                digits |= frac_end > end + 1;
                end = frac_end;
            }
        }
        if !digits {
            // "0x" without digits: only the "0" converts.
            return i + 1;
        }
        if (at(s, end) | 0x20) == b'p' {
            end = exponent(s, end);
        }
        return end;
    }
    if starts_with_ignore_case(s, i, b"infinity") {
        return i + 8;
    }
    if starts_with_ignore_case(s, i, b"inf") {
        return i + 3;
    }
    if starts_with_ignore_case(s, i, b"nan") {
        let j = i + 3;
        if at(s, j) == b'(' {
            let k = skip(s, j + 1, |c| c.is_ascii_alphanumeric() || c == b'_');
            if at(s, k) == b')' {
                return k + 1;
            }
        }
        return j;
    }
    let int_end = skip(s, i, |c| c.is_ascii_digit());
    let mut end = int_end;
    let mut digits = int_end > i;
    if at(s, end) == b'.' {
        let frac_end = skip(s, end + 1, |c| c.is_ascii_digit());
        if frac_end > end + 1 || digits {
            digits |= frac_end > end + 1;
            end = frac_end;
        }
    }
    if !digits {
        return 0;
    }
    if (at(s, end) | 0x20) == b'e' {
        end = exponent(s, end);
    }
    end
}

/// `strtod` on the start of `s`: the value and the bytes consumed, or `None`.
pub fn strtod(s: &[u8]) -> Option<(f64, usize)> {
    let n = prefix_len(s);
    if n == 0 {
        return None;
    }
    let v = lua51::number::str2number(&s[..n])?;
    Some((v, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let cases: &[(&str, usize)] = &[
            ("1", 1),
            ("-1.5e3,", 6),
            ("1.", 2),
            (".5", 2),
            ("-", 0),
            ("+", 0),
            (".", 0),
            ("1e", 1),
            ("1e+", 1),
            ("1e+2x", 4),
            ("0x", 1),
            ("0x1p4]", 5),
            ("0x.8", 4),
            ("-0x", 2),
            ("Infinity", 8),
            ("-infx", 4),
            ("nan(12)", 7),
            ("nan(1", 3),
            ("NaN", 3),
            ("abc", 0),
        ];
        for (s, n) in cases {
            assert_eq!(prefix_len(s.as_bytes()), *n, "{}", s);
        }
    }
}
