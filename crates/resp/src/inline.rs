//! Splitting of inline commands (`SET "a b" c\r\n`, as typed into telnet) into arguments.
//!
//! Rules follow Redis's behaviour: arguments are separated by spaces, tabs, `\n`, `\r`,
//! and `\0`-free whitespace; double-quoted arguments understand `\xHH`, `\n`, `\r`, `\t`,
//! `\b`, `\a` and `\<any>`; single-quoted ones only `\'`. A closing quote must be
//! followed by whitespace or the end of the line, otherwise the quotes are unbalanced.
//! A quote may open in the middle of a token (`a"b"` is `ab`).

/// Error from [`split_args`]: the line had an unterminated or badly closed quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnbalancedQuotes;

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Splits `line` into arguments, appending their bytes to `store` and their
/// `(start, end)` ranges within `store` to `ranges`.
pub fn split_args(
    line: &[u8],
    store: &mut Vec<u8>,
    ranges: &mut Vec<(u32, u32)>,
) -> Result<(), UnbalancedQuotes> {
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return Ok(());
        }
        let start = store.len();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                if i >= n {
                    return Err(UnbalancedQuotes);
                }
                let c = line[i];
                if c == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && hex_val(line[i + 2]).is_some()
                    && hex_val(line[i + 3]).is_some()
                {
                    let v =
                        hex_val(line[i + 2]).unwrap_or(0) * 16 + hex_val(line[i + 3]).unwrap_or(0);
                    store.push(v);
                    i += 4;
                    continue;
                } else if c == b'\\' && i + 1 < n {
                    let e = line[i + 1];
                    store.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        other => other,
                    });
                    i += 2;
                    continue;
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return Err(UnbalancedQuotes);
                    }
                    i += 1;
                    break;
                }
                store.push(c);
                i += 1;
            } else if in_sq {
                if i >= n {
                    return Err(UnbalancedQuotes);
                }
                let c = line[i];
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    store.push(b'\'');
                    i += 2;
                    continue;
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return Err(UnbalancedQuotes);
                    }
                    i += 1;
                    break;
                }
                store.push(c);
                i += 1;
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    c if is_space(c) => break,
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    c => store.push(c),
                }
                i += 1;
            }
        }
        ranges.push((start as u32, store.len() as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
        let mut store = Vec::new();
        let mut ranges = Vec::new();
        split_args(s, &mut store, &mut ranges)?;
        Ok(ranges
            .iter()
            .map(|&(a, b)| store[a as usize..b as usize].to_vec())
            .collect())
    }

    #[test]
    fn plain_words() {
        assert_eq!(
            split(b"SET  a\tb ").unwrap(),
            vec![b"SET".to_vec(), b"a".to_vec(), b"b".to_vec()]
        );
        assert_eq!(split(b"   ").unwrap(), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            split(br#"ECHO "a\x41\n\t\"""#).unwrap()[1],
            b"aA\n\t\"".to_vec()
        );
        assert_eq!(split(br#"ECHO "\xZZ""#).unwrap()[1], b"xZZ".to_vec());
        assert_eq!(split(br"ECHO 'b\'c'").unwrap()[1], b"b'c".to_vec());
        assert_eq!(split(br#"ECHO a"b""#).unwrap()[1], b"ab".to_vec());
        assert_eq!(split(br#"ECHO """#).unwrap()[1], b"".to_vec());
    }

    #[test]
    fn unbalanced() {
        assert_eq!(split(br#"SET a "b"#), Err(UnbalancedQuotes));
        assert_eq!(split(br#"echo "a"b"#), Err(UnbalancedQuotes));
        assert_eq!(split(br"echo 'a'b"), Err(UnbalancedQuotes));
        assert_eq!(split(br"echo 'a"), Err(UnbalancedQuotes));
    }
}
