//! The command line, read as lua5.1's `lua.c` reads it.
//!
//! `rlua51 [options] [script [args]]`. Options come first; the first argument that is
//! not an option is the script, and everything after it belongs to the script. `-e` and
//! `-l` take their operand either attached (`-eprint(1)`) or as the next argument;
//! `-i` and `-v` take nothing (`-ix` is an error); `--` ends the options; `-` alone
//! names standard input as the script. Anything else starting with `-` is an error,
//! answered with the usage text.
//!
//! The debug views (`--tokens`, `--ast`, `--list`) are this program's own additions and
//! are recognised only as the first argument, so they never change the meaning of a
//! lua5.1 command line.
//!
//! Parsing is pure: [`parse`] turns the arguments into a [`CommandLine`]; running it is
//! `main.rs`'s job. Tests: the unit tests below, and `tests/cli.rs` end to end.

/// What `-e` and `-l` ask for, in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `-e stat`: run the statement.
    Exec(Vec<u8>),
    /// `-l name`: `require(name)`.
    Require(Vec<u8>),
}

/// Where the script comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// A file name.
    File(Vec<u8>),
    /// `-`: standard input.
    Stdin,
}

/// A lua5.1 command line, understood.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandLine {
    /// `-e` and `-l`, in order.
    pub actions: Vec<Action>,
    /// `-i`: the REPL after the script.
    pub interactive: bool,
    /// `-v` (also implied by `-i`): print the version line first.
    pub version: bool,
    /// A `-e` was given (then no REPL starts by default).
    pub has_exec: bool,
    /// The script and its index in the arguments (it becomes `arg[0]`).
    pub script: Option<(usize, Script)>,
}

/// One of the debug views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `--tokens FILE`: the lexer's tokens.
    Tokens,
    /// `--ast FILE`: the parser's tree.
    Ast,
    /// `--list FILE`: the compiled bytecode, shaped like `luac -l`.
    List,
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Behave as lua5.1.
    Run(CommandLine),
    /// Print a debug view of a file (`-` for standard input).
    Debug(View, Vec<u8>),
    /// The arguments are wrong: print the usage text, exit with status 1.
    Usage,
}

/// Reads the arguments (`argv[0]` included, as `args[0]`).
pub fn parse(args: &[Vec<u8>]) -> Request {
    if let Some(first) = args.get(1) {
        let view = match first.as_slice() {
            b"--tokens" => Some(View::Tokens),
            b"--ast" => Some(View::Ast),
            b"--list" => Some(View::List),
            _ => None,
        };
        if let Some(v) = view {
            return match args.get(2) {
                Some(f) if args.len() == 3 => Request::Debug(v, f.clone()),
                _ => Request::Usage,
            };
        }
    }
    match collect(args) {
        Some(cl) => Request::Run(cl),
        None => Request::Usage,
    }
}

/// The option scan; `None` when the usage text is due.
fn collect(args: &[Vec<u8>]) -> Option<CommandLine> {
    let mut cl = CommandLine::default();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a.first() != Some(&b'-') {
            cl.script = Some((i, Script::File(a.clone())));
            return Some(cl);
        }
        match a.get(1).copied() {
            // `-` alone: the script is standard input.
            None => {
                cl.script = Some((i, Script::Stdin));
                return Some(cl);
            }
            // `--`: the next argument, if any, is the script, even if it is `-`.
            Some(b'-') => {
                if a.len() != 2 {
                    return None;
                }
                if let Some(next) = args.get(i + 1) {
                    cl.script = Some((i + 1, Script::File(next.clone())));
                }
                return Some(cl);
            }
            Some(b'i') | Some(b'v') => {
                if a.len() != 2 {
                    return None;
                }
                if a[1] == b'i' {
                    cl.interactive = true;
                }
                cl.version = true;
            }
            Some(c @ (b'e' | b'l')) => {
                let operand = if a.len() > 2 {
                    a[2..].to_vec()
                } else {
                    i += 1;
                    args.get(i)?.clone()
                };
                if c == b'e' {
                    cl.has_exec = true;
                    cl.actions.push(Action::Exec(operand));
                } else {
                    cl.actions.push(Action::Require(operand));
                }
            }
            Some(_) => return None,
        }
        i += 1;
    }
    Some(cl)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<Vec<u8>> {
        std::iter::once("rlua51")
            .chain(a.iter().copied())
            .map(|s| s.as_bytes().to_vec())
            .collect()
    }

    fn run(a: &[&str]) -> CommandLine {
        match parse(&argv(a)) {
            Request::Run(cl) => cl,
            other => panic!("{:?}", other),
        }
    }

    #[test]
    fn no_arguments() {
        assert_eq!(run(&[]), CommandLine::default());
    }

    #[test]
    fn script_ends_options() {
        let cl = run(&["-e", "x=1", "f.lua", "-e", "y"]);
        assert_eq!(cl.actions, vec![Action::Exec(b"x=1".to_vec())]);
        assert_eq!(cl.script, Some((3, Script::File(b"f.lua".to_vec()))));
        assert!(cl.has_exec);
    }

    #[test]
    fn attached_operands() {
        let cl = run(&["-eprint(1)", "-lfoo", "-l", "bar", "-e "]);
        assert_eq!(
            cl.actions,
            vec![
                Action::Exec(b"print(1)".to_vec()),
                Action::Require(b"foo".to_vec()),
                Action::Require(b"bar".to_vec()),
                Action::Exec(b" ".to_vec()),
            ]
        );
        assert_eq!(cl.script, None);
    }

    #[test]
    fn dash_is_stdin_and_double_dash_ends_options() {
        assert_eq!(run(&["-", "a"]).script, Some((1, Script::Stdin)));
        assert_eq!(
            run(&["--", "-", "a"]).script,
            Some((2, Script::File(b"-".to_vec())))
        );
        assert_eq!(
            run(&["--", "-e"]).script,
            Some((2, Script::File(b"-e".to_vec())))
        );
        assert_eq!(run(&["--"]).script, None);
    }

    #[test]
    fn interactive_implies_version() {
        let cl = run(&["-i"]);
        assert!(cl.interactive && cl.version);
        let cl = run(&["-v"]);
        assert!(!cl.interactive && cl.version);
    }

    #[test]
    fn bad_options_ask_for_usage() {
        for bad in [
            &["-h"][..],
            &["-e"],
            &["-l"],
            &["-ix"],
            &["-vv"],
            &["--x"],
            &["-f"],
            &["-e", "x", "-l"],
        ] {
            assert_eq!(parse(&argv(bad)), Request::Usage, "{:?}", bad);
        }
    }

    #[test]
    fn debug_views() {
        assert_eq!(
            parse(&argv(&["--list", "f.lua"])),
            Request::Debug(View::List, b"f.lua".to_vec())
        );
        assert_eq!(
            parse(&argv(&["--tokens", "-"])),
            Request::Debug(View::Tokens, b"-".to_vec())
        );
        assert_eq!(parse(&argv(&["--ast", "a", "b"])), Request::Usage);
        assert_eq!(parse(&argv(&["--ast"])), Request::Usage);
        // Only as the first argument.
        assert_eq!(parse(&argv(&["-v", "--ast", "f"])), Request::Usage);
    }
}
