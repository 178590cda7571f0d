//! Glob-style pattern matching as Redis uses it for KEYS, SCAN MATCH and CONFIG GET:
//! `*` any run of bytes, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` classes and `\x`
//! escapes. An unterminated `[` class matches up to the end of the pattern.

/// Largest recursion depth for `*` backtracking; deeper patterns simply fail to match
/// (protects the stack from hostile patterns like `*a*a*a*...`).
const MAX_STAR_DEPTH: usize = 1000;

/// Whether `s` matches `pat`, optionally ignoring ASCII case.
pub fn glob_match(pat: &[u8], s: &[u8], nocase: bool) -> bool {
    let mut budget = 10_000_000u64;
    matches(pat, s, nocase, 0, &mut budget)
}

fn eq(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

fn matches(mut pat: &[u8], mut s: &[u8], nocase: bool, depth: usize, budget: &mut u64) -> bool {
    if depth > MAX_STAR_DEPTH {
        return false;
    }
    while !pat.is_empty() {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match pat[0] {
            b'*' => {
                while pat.len() > 1 && pat[1] == b'*' {
                    pat = &pat[1..];
                }
                if pat.len() == 1 {
                    return true;
                }
                for i in 0..=s.len() {
                    if matches(&pat[1..], &s[i..], nocase, depth + 1, budget) {
                        return true;
                    }
                    if *budget == 0 {
                        return false;
                    }
                }
                return false;
            }
            b'?' => {
                if s.is_empty() {
                    return false;
                }
                s = &s[1..];
            }
            b'[' => {
                if s.is_empty() {
                    return false;
                }
                let c = s[0];
                let mut p = &pat[1..];
                let not = p.first() == Some(&b'^');
                if not {
                    p = &p[1..];
                }
                let mut hit = false;
                loop {
                    match p {
                        [] => break,
                        [b'\\', x, rest @ ..] => {
                            if eq(*x, c, nocase) {
                                hit = true;
                            }
                            p = rest;
                        }
                        [b']', ..] => break,
                        [a, b'-', b, rest @ ..] if *b != b']' || rest.is_empty() => {
                            let (mut lo, mut hi) = (*a, *b);
                            if lo > hi {
                                std::mem::swap(&mut lo, &mut hi);
                            }
                            let (cl, ll, hl) = if nocase {
                                (
                                    c.to_ascii_lowercase(),
                                    lo.to_ascii_lowercase(),
                                    hi.to_ascii_lowercase(),
                                )
                            } else {
                                (c, lo, hi)
                            };
                            if cl >= ll && cl <= hl {
                                hit = true;
                            }
                            p = rest;
                        }
                        [x, rest @ ..] => {
                            if eq(*x, c, nocase) {
                                hit = true;
                            }
                            p = rest;
                        }
                    }
                }
                if not {
                    hit = !hit;
                }
                if !hit {
                    return false;
                }
                // `p` is at the closing `]` (or the end when unterminated).
                pat = if p.is_empty() { p } else { &p[1..] };
                s = &s[1..];
                continue;
            }
            b'\\' if pat.len() >= 2 => {
                if s.is_empty() || !eq(pat[1], s[0], nocase) {
                    return false;
                }
                pat = &pat[2..];
                s = &s[1..];
                continue;
            }
            c => {
                if s.is_empty() || !eq(c, s[0], nocase) {
                    return false;
                }
                s = &s[1..];
            }
        }
        pat = &pat[1..];
    }
    s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::glob_match as m;

    #[test]
    fn redis_glob_cases() {
        assert!(m(b"*", b"", false));
        assert!(m(b"h?llo", b"hello", false));
        assert!(m(b"h*llo", b"heeeello", false));
        assert!(m(b"h[ae]llo", b"hallo", false));
        assert!(!m(b"h[ae]llo", b"hillo", false));
        assert!(m(b"h[^e]llo", b"hallo", false));
        assert!(!m(b"h[^e]llo", b"hello", false));
        assert!(m(b"h[a-b]llo", b"hbllo", false));
        assert!(m(b"h\\*llo", b"h*llo", false));
        assert!(!m(b"h\\*llo", b"hxllo", false));
        assert!(m(b"MAXMEM*", b"maxmemory", true));
        assert!(!m(b"a*b", b"acd", false));
        assert!(!m(
            &[b"*a".repeat(50), b"b".to_vec()].concat(),
            &b"a".repeat(60),
            false
        ));
    }
}
