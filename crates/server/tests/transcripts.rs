//! Runs every transcript in `redis-tests/` against a freshly started `rlua51-server`.
//!
//! Transcript format (see `redis-tests/README.md`): `> CMD args` lines hold a command
//! (split like an inline command, so quotes and `\xHH` escapes work); the lines after it,
//! up to the next command/directive/blank line, are the expected reply rendered by
//! `resp::Frame::render`. `>? CMD` runs a command without checking its reply. `!sleep N`
//! pauses N milliseconds. `#` starts a comment. For several clients: `!conn N` switches
//! to connection N (opened on first use; the file starts on 0), `>| CMD` sends a command
//! without reading its reply (a blocking command), and `!reply` reads the next reply on
//! the current connection and compares it with the lines after it. `!id NAME` asks the
//! current connection for its `CLIENT ID` and remembers it: `{{NAME}}` in later commands
//! is replaced by that number (client ids differ between servers and runs).
//!
//! `TRANSCRIPTS=<prefix>` limits the run to files whose name starts with the prefix.
//! With `RECORD_PORT=<port>` the transcripts are run against the server on that port
//! (redis-server 7.0.15, see `redis-tests/record.sh`) and rewritten with its replies.

mod common;

use common::{encode, read_frame, TestServer};
use std::io::Write;
use std::path::PathBuf;

enum Line {
    Text(String),
    Cmd {
        text: String,
        check: bool,
        unordered: bool,
        send: bool,
        read: bool,
        expected: Vec<String>,
    },
}

fn is_directive(n: &str) -> bool {
    n.is_empty()
        || n.starts_with("> ")
        || n.starts_with(">? ")
        || n.starts_with(">~ ")
        || n.starts_with(">| ")
        || n.starts_with('!')
        || n.starts_with('#')
}

fn parse(src: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut lines = src.lines().peekable();
    while let Some(l) = lines.next() {
        let (check, unordered, send, read, text) = if let Some(t) = l.strip_prefix(">? ") {
            (false, false, true, true, t)
        } else if let Some(t) = l.strip_prefix(">~ ") {
            (true, true, true, true, t)
        } else if let Some(t) = l.strip_prefix(">| ") {
            out.push(Line::Cmd {
                text: t.to_string(),
                check: false,
                unordered: false,
                send: true,
                read: false,
                expected: Vec::new(),
            });
            continue;
        } else if let Some(t) = l.strip_prefix("> ") {
            (true, false, true, true, t)
        } else if l == "!reply" {
            (true, false, false, true, "")
        } else {
            out.push(Line::Text(l.to_string()));
            continue;
        };
        let mut expected = Vec::new();
        while let Some(n) = lines.peek() {
            if is_directive(n) {
                break;
            }
            expected.push(n.to_string());
            lines.next();
        }
        out.push(Line::Cmd {
            text: text.to_string(),
            check,
            unordered,
            send,
            read,
            expected,
        });
    }
    out
}

fn split(text: &str) -> Vec<Vec<u8>> {
    let mut store = Vec::new();
    let mut ranges = Vec::new();
    resp::inline::split_args(text.as_bytes(), &mut store, &mut ranges)
        .expect("balanced quotes in transcript");
    ranges
        .iter()
        .map(|&(a, b)| store[a as usize..b as usize].to_vec())
        .collect()
}

/// Order-insensitive form of a rendering: the header line plus sorted element lines
/// (for KEYS/SCAN, whose order depends on hashing).
fn sorted(r: &str) -> Vec<String> {
    let mut lines: Vec<String> = r.lines().map(String::from).collect();
    if lines.len() > 1 {
        lines[1..].sort();
    }
    lines
}

fn transcripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../redis-tests")
}

#[test]
fn transcripts() {
    let record = std::env::var("RECORD_PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok());
    let server = match record {
        Some(p) => TestServer::external(p),
        None => TestServer::start(&[]),
    };
    // `TRANSCRIPTS=<prefix>` runs (or records) only the files whose name starts with it.
    let only = std::env::var("TRANSCRIPTS").ok().filter(|s| !s.is_empty());
    let mut files: Vec<PathBuf> = std::fs::read_dir(transcripts_dir())
        .expect("redis-tests dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter(|p| {
            only.as_ref().is_none_or(|o| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy().starts_with(o.as_str()))
            })
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts found");
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in &files {
        let src = std::fs::read_to_string(file).expect("read transcript");
        let lines = parse(&src);
        let mut conns = vec![(server.connect(), Vec::new())];
        let mut cur = 0usize;
        {
            let (conn, buf) = &mut conns[0];
            conn.write_all(&encode(&[b"FLUSHALL"])).expect("write");
            read_frame(conn, buf).expect("flushall reply");
        }
        let mut rewritten = String::new();
        let mut vars: Vec<(String, String)> = Vec::new();
        for line in &lines {
            match line {
                Line::Text(t) => {
                    if let Some(ms) = t.strip_prefix("!sleep ") {
                        std::thread::sleep(std::time::Duration::from_millis(
                            ms.trim().parse().unwrap_or(0),
                        ));
                    } else if t.starts_with("!reconnect") {
                        conns[cur] = (server.connect(), Vec::new());
                    } else if let Some(name) = t.strip_prefix("!id ") {
                        let (conn, buf) = &mut conns[cur];
                        conn.write_all(&encode(&[b"CLIENT", b"ID"])).expect("write");
                        let id = read_frame(conn, buf)
                            .map(|f| f.render())
                            .unwrap_or_default();
                        let id = id.trim_start_matches(':').to_string();
                        vars.push((format!("{{{{{}}}}}", name.trim()), id));
                    } else if let Some(n) = t.strip_prefix("!conn ") {
                        cur = n.trim().parse().expect("connection number");
                        while conns.len() <= cur {
                            conns.push((server.connect(), Vec::new()));
                        }
                    }
                    rewritten.push_str(t);
                    rewritten.push('\n');
                }
                Line::Cmd {
                    text,
                    check,
                    unordered,
                    send,
                    read,
                    expected,
                } => {
                    let (conn, buf) = &mut conns[cur];
                    if *send {
                        let mut text = text.clone();
                        for (k, v) in &vars {
                            text = text.replace(k.as_str(), v);
                        }
                        let args = split(&text);
                        let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
                        conn.write_all(&encode(&refs)).expect("write");
                    }
                    if !*read {
                        rewritten.push_str(">| ");
                        rewritten.push_str(text);
                        rewritten.push('\n');
                        continue;
                    }
                    let got = match read_frame(conn, buf) {
                        Some(f) => f.render(),
                        None => "(connection closed)".to_string(),
                    };
                    if *send {
                        rewritten.push_str(if *unordered {
                            ">~ "
                        } else if *check {
                            "> "
                        } else {
                            ">? "
                        });
                        rewritten.push_str(text);
                    } else {
                        rewritten.push_str("!reply");
                    }
                    rewritten.push('\n');
                    if *check || record.is_some() {
                        rewritten.push_str(&got);
                        rewritten.push('\n');
                    }
                    if *check && record.is_none() {
                        checked += 1;
                        let want = expected.join("\n");
                        let same = if *unordered {
                            sorted(&got) == sorted(&want)
                        } else {
                            got == want
                        };
                        if !same {
                            failures.push(format!(
                                "{}: > {} (conn {cur})\n--- expected\n{}\n--- got\n{}",
                                file.file_name().unwrap_or_default().to_string_lossy(),
                                text,
                                want,
                                got
                            ));
                        }
                    }
                }
            }
        }
        if record.is_some() {
            std::fs::write(file, rewritten).expect("rewrite transcript");
        }
    }
    if record.is_none() {
        assert!(
            failures.is_empty(),
            "{} of {} replies differ:\n\n{}",
            failures.len(),
            checked,
            failures.join("\n\n")
        );
        eprintln!("{checked} replies checked in {} transcripts", files.len());
    }
}
