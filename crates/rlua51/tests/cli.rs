//! End-to-end tests of the `rlua51` command line: options, `arg`, standard input, exit
//! statuses and error output, compared byte for byte with what lua5.1 does.
//!
//! The table in `cli_cases.in` was recorded from lua5.1 by `regen_cli_cases.py` (see
//! `tests/README.md`); the tests below it cover what the reference cannot show the same
//! way (signals, this program's debug views).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One recorded command line and what lua5.1 did with it.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    stdin: &'static str,
    env: &'static [(&'static str, &'static str)],
    stdout: &'static str,
    stderr: &'static str,
    code: i32,
}

const CASES: &[Case] = &include!("cli_cases.in");

/// How long a test waits for the interpreter before giving up.
const TIMEOUT: Duration = Duration::from_secs(20);

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The binary, run as `rlua51` (argv[0]) from the fixtures folder, without `LUA_INIT`.
fn rlua51(args: &[&str]) -> Command {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(env!("CARGO_BIN_EXE_rlua51"));
    c.arg0("rlua51")
        .args(args)
        .current_dir(fixtures())
        .env_remove("LUA_INIT");
    c
}

/// Runs to completion with `stdin` piped in; (stdout, stderr, exit code).
fn run(mut c: Command, stdin: &str) -> (String, String, i32) {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn rlua51");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for rlua51");
    writer.join().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn version_line() -> String {
    format!("Lua 5.1.5 (rlua51 {})", env!("CARGO_PKG_VERSION"))
}

#[test]
fn recorded_cases_match_lua51() {
    let mut failures = Vec::new();
    for case in CASES {
        let mut c = rlua51(case.args);
        for (k, v) in case.env {
            c.env(k, v);
        }
        let (out, err, code) = run(c, case.stdin);
        let want_out = case.stdout.replace("{VERSION}", &version_line());
        let want_err = case.stderr.replace("{VERSION}", &version_line());
        if out != want_out || err != want_err || code != case.code {
            failures.push(format!(
                "case {}:\n stdout {:?}\n  want  {:?}\n stderr {:?}\n  want  {:?}\n code {} want {}",
                case.name, out, want_out, err, want_err, code, case.code
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn program_name_is_argv0() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rlua51"));
    c.args(["-e", "error('x', 0)"]).env_remove("LUA_INIT");
    let (_, err, code) = run(c, "");
    let exe = env!("CARGO_BIN_EXE_rlua51");
    assert_eq!(err, format!("{exe}: x\nstack traceback:\n\t[C]: in function 'error'\n\t(command line):1: in main chunk\n\t[C]: ?\n"));
    assert_eq!(code, 1);
}

#[test]
fn os_exit_status_passes_through() {
    // `os` may not be there in every build; the status of a plain success is 0 anyway.
    let (out, err, code) = run(
        rlua51(&[
            "-e",
            "if os and os.exit then os.exit(3) else print('no os') end",
        ]),
        "",
    );
    if out == "no os\n" {
        assert_eq!((err.as_str(), code), ("", 0));
    } else {
        assert_eq!((out.as_str(), err.as_str(), code), ("", "", 3));
    }
}

/// Spawns with piped output, waits until stdout shows `ready`, then sends SIGINT.
fn interrupt_after_ready(
    args: &[&str],
    signals: usize,
) -> (String, String, std::process::ExitStatus) {
    let mut c = rlua51(args);
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn rlua51");
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !seen.ends_with(b"ready\n") {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "rlua51 ended before it was ready");
        seen.extend_from_slice(&buf[..n]);
    }
    let pid = child.id() as libc::pid_t;
    for _ in 0..signals {
        // Give the VM time to reach its loop and handle the previous signal.
        std::thread::sleep(Duration::from_millis(200));
        // SAFETY: sending a signal to our own child process, which has not been reaped.
        unsafe { libc::kill(pid, libc::SIGINT) };
    }
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("rlua51 did not stop after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (
        String::from_utf8_lossy(&seen).into_owned() + &rest,
        err,
        status,
    )
}

#[test]
fn ctrl_c_interrupts_a_running_script() {
    let (out, err, status) = interrupt_after_ready(
        &[
            "-e",
            "local function spin() while true do end end\nprint('ready')\nspin()",
        ],
        1,
    );
    assert_eq!(out, "ready\n");
    // As lua5.1: the position is the interrupted function's caller.
    assert_eq!(
        err,
        "rlua51: (command line):3: interrupted!\nstack traceback:\n\t(command line):1: in function 'spin'\n\t(command line):3: in main chunk\n\t[C]: ?\n"
    );
    assert_eq!(status.code(), Some(1));
}

#[test]
fn second_ctrl_c_ends_the_process() {
    use std::os::unix::process::ExitStatusExt;
    // The first interrupt is caught by pcall and the loop goes on; as in lua5.1, the
    // second one during the same chunk takes SIGINT's default action.
    let (out, _err, status) = interrupt_after_ready(
        &["-e", "print('ready') while true do local ok, e = pcall(function() while true do end end) print(e) end"],
        2,
    );
    assert!(out.starts_with("ready\n"), "{out:?}");
    assert!(out.contains("interrupted!\n"), "{out:?}");
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
}

#[test]
fn tokens_view() {
    let (out, err, code) = run(
        rlua51(&["--tokens", "-"]),
        "local s = \"a\\n\" .. 1.5 --c\nreturn s\n",
    );
    assert_eq!(err, "");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "1\tlocal\n1\t<name>\ts\n1\t=\n1\t<string>\t\"a\\\\n\"\n1\t..\n1\t<number>\t1.5\n\
         2\treturn\n2\t<name>\ts\n3\t<eof>\n"
    );
}

#[test]
fn tokens_view_lex_error() {
    let (out, err, code) = run(rlua51(&["--tokens", "-"]), "x = \"open\n");
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(err, "rlua51: stdin:1: unfinished string near '\"open'\n");
}

#[test]
fn ast_view() {
    let (out, err, code) = run(rlua51(&["--ast", "-"]), "local x = 1\n");
    assert_eq!((err.as_str(), code), ("", 0));
    assert!(out.starts_with("Block {\n    stats: [\n        Local {\n            names: [\n                \"x\",\n            ],\n"), "{out}");
    assert!(out.ends_with("}\n"), "{out}");
}

#[test]
fn ast_view_syntax_error() {
    let (out, err, code) = run(rlua51(&["--ast", "bad.lua"]), "");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "rlua51: bad.lua:1: ')' expected near '<eof>'\n", 1)
    );
}

#[test]
fn list_view() {
    let (out, err, code) = run(rlua51(&["--list", "hash.lua"]), "");
    assert_eq!((err.as_str(), code), ("", 0));
    // The shape of `luac -l -l` (the library's listing decides the details): the main
    // function with its size, one numbered line per instruction, then the tables.
    assert!(out.starts_with("\nmain <hash.lua:0,"), "{out}");
    assert!(out.contains("(7 instructions"), "{out}");
    assert!(out.contains("\t1\t[2]\tGETGLOBAL\t0 -1\t"), "{out}");
    assert!(out.contains("\t7\t[3]\tRETURN   \t0 1"), "{out}");
    assert!(out.contains("constants (4)"), "{out}");
}

#[test]
fn debug_view_of_missing_file() {
    let (out, err, code) = run(rlua51(&["--list", "nothere.lua"]), "");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "",
            "rlua51: cannot open nothere.lua: No such file or directory\n",
            1
        )
    );
}

#[test]
fn closed_output_pipe_ends_the_process() {
    use std::os::unix::process::ExitStatusExt;
    // As lua5.1 (a C program): writing to a pipe nobody reads raises SIGPIPE.
    let mut c = rlua51(&["-e", "while true do print('y') end"]);
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().expect("spawn rlua51");
    let mut first = [0u8; 2];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(&first, b"y\n");
    // The read end is closed now.
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("rlua51 kept running with its output closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{status:?}");
}
