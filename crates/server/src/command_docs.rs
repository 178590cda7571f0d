//! `COMMAND DOCS` data: the documentation Redis 7.0.15 reports for each command
//! (summary, since, group, complexity, doc flags, deprecation, history, arguments with
//! their nested fields, subcommands).
//!
//! The data is recorded from a live redis-server 7.0.15 by
//! `crates/server/data/record_command_docs.py` into `data/command_docs.txt` (see that
//! script for the format: one RESP3 token per line, in prefix order) and embedded in the
//! binary. It is parsed once, at first use, into a small tree that is replayed through the
//! [`ReplyWriter`], so RESP2 clients get maps and sets flattened exactly as Redis sends them.
//! Serving only the commands this server implements is the caller's business: it passes a
//! filter for subcommand names. Tests: `redis-tests/command_docs*.txt` and the unit tests
//! below.

use resp::ReplyWriter;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The recorded `COMMAND DOCS` reply of redis-server 7.0.15.
const DATA: &str = include_str!("../data/command_docs.txt");

/// The tips and key specifications of `COMMAND INFO` recorded from redis-server 7.0.15
/// (`data/record_command_specs.py`): full command name → `[tips, key specs]`.
const SPECS: &str = include_str!("../data/command_specs.txt");

/// One node of a recorded reply.
#[derive(Debug)]
pub enum Node {
    /// Keys and values interleaved.
    Map(Vec<Node>),
    Array(Vec<Node>),
    Set(Vec<Node>),
    Int(i64),
    Simple(String),
    Bulk(String),
}

/// A malformed data file (only possible if the embedded file was edited by hand).
#[derive(Debug, PartialEq, Eq)]
pub struct DocsFormatError {
    pub line: usize,
}

impl std::fmt::Display for DocsFormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed command docs data at line {}", self.line)
    }
}

/// Parsed documentation of every command Redis knows, in Redis's order.
#[derive(Debug, Default)]
pub struct Docs {
    /// `(full name, doc map)` of top-level commands in the recorded order.
    pub commands: Vec<(String, Node)>,
    index: HashMap<String, usize>,
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_node<'a, I: Iterator<Item = (usize, &'a str)>>(
    lines: &mut I,
) -> Result<Node, DocsFormatError> {
    let (no, line) = lines.next().ok_or(DocsFormatError { line: 0 })?;
    let err = DocsFormatError { line: no + 1 };
    let (tag, rest) = line.split_at(line.chars().next().map_or(0, |c| c.len_utf8()));
    let count = || {
        rest.parse::<usize>()
            .map_err(|_| DocsFormatError { line: no + 1 })
    };
    Ok(match tag {
        "%" => {
            let n = count()? * 2;
            Node::Map(
                (0..n)
                    .map(|_| parse_node(lines))
                    .collect::<Result<_, _>>()?,
            )
        }
        "*" => {
            let n = count()?;
            Node::Array(
                (0..n)
                    .map(|_| parse_node(lines))
                    .collect::<Result<_, _>>()?,
            )
        }
        "~" => {
            let n = count()?;
            Node::Set(
                (0..n)
                    .map(|_| parse_node(lines))
                    .collect::<Result<_, _>>()?,
            )
        }
        ":" => Node::Int(rest.parse().map_err(|_| err)?),
        "+" => Node::Simple(unescape(rest)),
        "$" => Node::Bulk(unescape(rest)),
        _ => return Err(err),
    })
}

impl Docs {
    /// Parses the data format written by `record_command_docs.py`.
    pub fn parse(text: &str) -> Result<Docs, DocsFormatError> {
        let mut lines = text.lines().enumerate();
        let top = parse_node(&mut lines)?;
        let Node::Map(items) = top else {
            return Err(DocsFormatError { line: 1 });
        };
        let mut docs = Docs::default();
        let mut it = items.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            let Node::Bulk(name) = k else {
                return Err(DocsFormatError { line: 1 });
            };
            docs.index.insert(name.clone(), docs.commands.len());
            docs.commands.push((name, v));
        }
        Ok(docs)
    }

    /// The embedded data, parsed at first use.
    pub fn get() -> &'static Docs {
        static DOCS: OnceLock<Docs> = OnceLock::new();
        // The embedded file is checked by a unit test; a broken one serves no docs.
        DOCS.get_or_init(|| Docs::parse(DATA).unwrap_or_default())
    }

    /// The recorded `COMMAND INFO` tips and key specifications, parsed at first use.
    pub fn specs() -> &'static Docs {
        static SPECS_DATA: OnceLock<Docs> = OnceLock::new();
        SPECS_DATA.get_or_init(|| Docs::parse(SPECS).unwrap_or_default())
    }

    /// Doc map of a top-level command by lowercase name.
    pub fn top(&self, name: &str) -> Option<&Node> {
        self.index.get(name).map(|&i| &self.commands[i].1)
    }

    /// Doc map of `parent|sub` (lowercase), looked up in the parent's `subcommands`.
    pub fn sub(&self, full_name: &str) -> Option<&Node> {
        let (parent, _) = full_name.split_once('|')?;
        let Node::Map(items) = self.top(parent)? else {
            return None;
        };
        let subs = map_get(items, "subcommands")?;
        let Node::Map(subs) = subs else {
            return None;
        };
        map_get(subs, full_name)
    }
}

fn map_get<'a>(items: &'a [Node], key: &str) -> Option<&'a Node> {
    items
        .chunks(2)
        .find(|kv| matches!(&kv[0], Node::Bulk(k) if k == key))
        .map(|kv| &kv[1])
}

/// Writes a doc map; entries of its `subcommands` map are kept only where `keep_sub`
/// says the server implements them.
pub fn write_doc(out: &mut ReplyWriter, doc: &Node, keep_sub: &dyn Fn(&str) -> bool) {
    let Node::Map(items) = doc else {
        write_node(out, doc);
        return;
    };
    out.map(items.len() / 2);
    for kv in items.chunks(2) {
        write_node(out, &kv[0]);
        match (&kv[0], &kv[1]) {
            (Node::Bulk(k), Node::Map(subs)) if k == "subcommands" => {
                let kept: Vec<&[Node]> = subs
                    .chunks(2)
                    .filter(|s| matches!(&s[0], Node::Bulk(n) if keep_sub(n)))
                    .collect();
                out.map(kept.len());
                for s in kept {
                    write_node(out, &s[0]);
                    write_node(out, &s[1]);
                }
            }
            (_, v) => write_node(out, v),
        }
    }
}

/// Writes a recorded node as it was received.
pub fn write_node(out: &mut ReplyWriter, n: &Node) {
    match n {
        Node::Map(items) => {
            out.map(items.len() / 2);
            items.iter().for_each(|c| write_node(out, c));
        }
        Node::Array(items) => {
            out.array(items.len());
            items.iter().for_each(|c| write_node(out, c));
        }
        Node::Set(items) => {
            out.set(items.len());
            items.iter().for_each(|c| write_node(out, c));
        }
        Node::Int(i) => out.int(*i),
        Node::Simple(s) => out.simple(s.as_bytes()),
        Node::Bulk(s) => out.bulk(s.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use resp::Proto;

    #[test]
    fn embedded_specs_parse() {
        let specs = Docs::parse(SPECS).expect("specs parse");
        let Some(Node::Array(get)) = specs.top("get") else {
            panic!("no get");
        };
        assert_eq!(get.len(), 2);
        assert!(matches!(specs.top("xgroup|create"), Some(Node::Array(_))));
    }

    #[test]
    fn embedded_data_parses() {
        let d = Docs::parse(DATA).expect("embedded docs parse");
        assert!(d.commands.len() >= 200);
        assert!(d.top("get").is_some());
        assert!(d.sub("client|list").is_some());
        assert!(d.sub("get|x").is_none());
    }

    #[test]
    fn replays_in_both_protocols() {
        let d = Docs::parse("%1\n$x\n%2\n$flags\n~1\n+optional\n$n\n:3\n").unwrap();
        let mut w = ReplyWriter::new(Proto::Resp3);
        write_doc(&mut w, d.top("x").unwrap(), &|_| true);
        assert_eq!(
            w.buf,
            b"%2\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$1\r\nn\r\n:3\r\n"
        );
        let mut w = ReplyWriter::new(Proto::Resp2);
        write_doc(&mut w, d.top("x").unwrap(), &|_| true);
        assert_eq!(
            w.buf,
            b"*4\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$1\r\nn\r\n:3\r\n"
        );
    }

    #[test]
    fn malformed_data_is_an_error() {
        assert_eq!(
            Docs::parse("%1\n$x\n?\n").unwrap_err(),
            DocsFormatError { line: 3 }
        );
        assert!(Docs::parse("%2\n$x\n:1\n").is_err());
        assert!(Docs::parse("\\n").is_err());
    }
}
