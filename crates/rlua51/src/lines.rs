//! Where the REPL's lines come from.
//!
//! On a terminal: a line editor (`rustyline`) with the usual keys, Ctrl-C clearing the
//! line, Ctrl-D on an empty line ending input, and a history kept across sessions in
//! `~/.rlua51_history` (`RLUA51_HISTORY` names another file; set it empty for none).
//!
//! Otherwise (`rlua51 -i < file`): the prompt is written to standard output and a line
//! read from standard input, and the line is echoed after the prompt, which is what
//! lua5.1 (built with GNU readline) shows in that case.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

/// Entries kept in the history file (GNU readline keeps all; this is plenty).
const HISTORY_SIZE: usize = 1000;

/// File name of the history in the home directory.
const HISTORY_FILE: &str = ".rlua51_history";

/// The outcome of asking for one line.
#[derive(Debug)]
pub enum Input {
    /// A line, without its newline.
    Line(Vec<u8>),
    /// Ctrl-C at the prompt: the line was dropped.
    Interrupted,
    /// No more input (Ctrl-D, end of file, or the terminal went away).
    Eof,
}

/// A source of lines.
pub enum Lines {
    Editor {
        ed: Box<Editor<(), DefaultHistory>>,
        history: Option<PathBuf>,
    },
    Plain,
}

impl Lines {
    /// A line editor when standard input is a terminal, plain reads otherwise.
    pub fn open() -> Lines {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return Lines::Plain;
        }
        let config = Config::builder()
            .max_history_size(HISTORY_SIZE)
            .map(|b| b.auto_add_history(false).build());
        let Ok(config) = config else {
            return Lines::Plain;
        };
        let Ok(mut ed) = Editor::<(), DefaultHistory>::with_config(config) else {
            return Lines::Plain;
        };
        let history = history_path();
        if let Some(p) = &history {
            // A missing or unreadable history is not an error.
            let _ = ed.load_history(p);
        }
        Lines::Editor {
            ed: Box::new(ed),
            history,
        }
    }

    /// Shows `prompt` and reads one line.
    pub fn read(&mut self, prompt: &[u8]) -> Input {
        match self {
            Lines::Editor { ed, .. } => match ed.readline(&*String::from_utf8_lossy(prompt)) {
                Ok(s) => Input::Line(s.into_bytes()),
                Err(ReadlineError::Interrupted) => Input::Interrupted,
                Err(_) => Input::Eof,
            },
            Lines::Plain => read_plain(prompt),
        }
    }

    /// Remembers a whole chunk (lines joined by newlines) in the history.
    pub fn add_history(&mut self, entry: &[u8]) {
        if entry.is_empty() {
            return;
        }
        if let Lines::Editor { ed, history } = self {
            let entry = String::from_utf8_lossy(entry).into_owned();
            if ed.add_history_entry(entry).unwrap_or(false) {
                if let Some(p) = history {
                    // Written at once, so a killed session keeps what it had.
                    let _ = ed.save_history(p);
                }
            }
        }
    }
}

/// `$RLUA51_HISTORY`, or `~/.rlua51_history`; `None` for no history file.
fn history_path() -> Option<PathBuf> {
    match std::env::var_os("RLUA51_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
            Some(PathBuf::from(home).join(HISTORY_FILE))
        }
    }
}

/// Prompt on standard output, one line from standard input, echoed.
fn read_plain(prompt: &[u8]) -> Input {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(prompt);
    let _ = out.flush();
    let mut line = Vec::new();
    match std::io::stdin().lock().read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => Input::Eof,
        Ok(_) => {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let _ = out.write_all(&line);
            let _ = out.write_all(b"\n");
            let _ = out.flush();
            Input::Line(line)
        }
    }
}
