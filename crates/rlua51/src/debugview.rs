//! Debug views of the interpreter's stages, for people working on it:
//! `--tokens FILE` (lexer), `--ast FILE` (parser), `--list FILE` (compiler, in the shape
//! of `luac -l`). `FILE` may be `-` for standard input. A leading `#` line is skipped as
//! when running the file. Errors print as `rlua51: MESSAGE` with exit status 1.

use std::io::{Read, Write};

use lua51::lex::Token;

use crate::args::View;

/// Prints the view of `file`; the exit status.
pub fn show(progname: &[u8], view: View, file: &[u8]) -> i32 {
    let (src, chunkname) = match read_source(file) {
        Ok(x) => x,
        Err(msg) => return fail(progname, msg.as_bytes()),
    };
    let out = match view {
        View::Tokens => tokens(&src, &chunkname),
        View::Ast => ast(&src, &chunkname),
        View::List => {
            let mut l = lua51::Lua::new_empty();
            lua51::listing::list_source(&mut l, &src, &chunkname)
                .map(String::into_bytes)
                .map_err(String::into_bytes)
        }
    };
    match out {
        Ok(text) => {
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(&text);
            let _ = o.flush();
            0
        }
        Err(msg) => fail(progname, &msg),
    }
}

fn fail(progname: &[u8], msg: &[u8]) -> i32 {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(progname);
    let _ = e.write_all(b": ");
    let _ = e.write_all(msg);
    let _ = e.write_all(b"\n");
    1
}

/// The source (without a `#` first line, whose newline is kept) and its chunk name.
fn read_source(file: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut data = Vec::new();
    let chunkname = if file == b"-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read stdin: {}", lua51::stdlib::os_error_text(&e)))?;
        b"=stdin".to_vec()
    } else {
        let name = String::from_utf8_lossy(file);
        data = std::fs::read(crate::os_path(file))
            .map_err(|e| format!("cannot open {}: {}", name, lua51::stdlib::os_error_text(&e)))?;
        [&b"@"[..], file].concat()
    };
    if data.first() == Some(&b'#') {
        let nl = data.iter().position(|&c| c == b'\n').unwrap_or(data.len());
        data.drain(..nl);
    }
    Ok((data, chunkname))
}

/// One token a line: `LINE<TAB>KIND[<TAB>TEXT]`, the text (escaped) for names,
/// numbers, strings and stray bytes.
fn tokens(src: &[u8], chunkname: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let toks = lua51::lex::tokens(src).map_err(|e| {
        let mut m = lua51::chunkid::chunkid(chunkname);
        m.extend_from_slice(format!(":{}: ", e.line).as_bytes());
        m.extend_from_slice(&e.message());
        m
    })?;
    let mut out = Vec::new();
    for (tok, line, text) in toks {
        out.extend_from_slice(format!("{}\t", line).as_bytes());
        out.extend_from_slice(&tok.kind_text());
        if matches!(
            tok,
            Token::Name(_) | Token::Str(_) | Token::Number(_) | Token::Other(_)
        ) {
            out.push(b'\t');
            escape_into(text, &mut out);
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// The parser's tree, pretty-printed, with byte strings shown as `"text"`.
fn ast(src: &[u8], chunkname: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let block = lua51::parse::parse(src, chunkname).map_err(|e| e.message)?;
    let mut text = readable_bytes(&format!("{:#?}", block));
    text.push('\n');
    Ok(text.into_bytes())
}

/// Printable ASCII as is; quotes, backslashes and other bytes escaped.
fn escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    for &c in bytes {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x20..=0x7e => out.push(c),
            _ => out.extend_from_slice(format!("\\{}", c).as_bytes()),
        }
    }
}

/// Rewrites the derived `Debug` form of byte vectors (a bracketed column of numbers
/// 0..=255) as quoted strings, so names and string constants can be read.
fn readable_bytes(pretty: &str) -> String {
    let lines: Vec<&str> = pretty.lines().collect();
    let mut out = String::with_capacity(pretty.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(head) = line.strip_suffix('[') {
            let mut bytes = Vec::new();
            let mut j = i + 1;
            while j < lines.len() {
                let t = lines[j].trim();
                match t.strip_suffix(',').and_then(|n| n.parse::<u8>().ok()) {
                    Some(b) if !t.starts_with('+') => bytes.push(b),
                    _ => break,
                }
                j += 1;
            }
            if !bytes.is_empty() && j < lines.len() {
                let close = lines[j].trim();
                if let Some(tail) = close.strip_prefix(']') {
                    let mut s = Vec::new();
                    escape_into(&bytes, &mut s);
                    let s = String::from_utf8_lossy(&s).replace('"', "\\\"");
                    out.push_str(head);
                    out.push('"');
                    out.push_str(&s);
                    out.push('"');
                    out.push_str(tail);
                    out.push('\n');
                    i = j + 1;
                    continue;
                }
            }
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_vectors_become_strings() {
        let pretty = "Local {\n    names: [\n        [\n            120,\n        ],\n    ],\n    line: 1,\n}";
        assert_eq!(
            readable_bytes(pretty),
            "Local {\n    names: [\n        \"x\",\n    ],\n    line: 1,\n}"
        );
    }

    #[test]
    fn token_listing() {
        let out = tokens(b"local s = 'a\\n' .. 1\n", b"=t").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1\tlocal\n1\t<name>\ts\n1\t=\n1\t<string>\t'a\\\\n'\n1\t..\n1\t<number>\t1\n2\t<eof>\n"
        );
    }
}
