//! Drives the REPL through a pseudo-terminal, as a person at a terminal would, and
//! checks what the screen shows (rendered by the `vt100` terminal emulator).
//!
//! The expected screens are what lua5.1 shows for the same keys (checked by hand with
//! tmux), except: the version line; Ctrl-C at the prompt clearing the
//! line (lua5.1 ends); and the history file, which is this program's own.
//!
//! Needs nothing but the C library's `openpty`; no tmux or `script`.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Terminal size for the test.
const ROWS: u16 = 40;
const COLS: u16 = 80;

/// How long to wait for the screen to show something.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `rlua51` on a pseudo-terminal.
struct Term {
    master: File,
    child: Child,
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Term {
    /// Starts `rlua51` with `home` as its home directory.
    fn start(home: &Path) -> Term {
        let ws = libc::winsize {
            ws_row: ROWS,
            ws_col: COLS,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: openpty writes two descriptors into the given integers; the name and
        // termios pointers may be null; `ws` outlives the call.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &ws,
            )
        };
        assert_eq!(rc, 0, "openpty failed");
        // SAFETY: both descriptors were just opened by openpty and are owned here only.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rlua51"));
        cmd.arg0("rlua51")
            .env("HOME", home)
            .env("TERM", "xterm")
            .env_remove("RLUA51_HISTORY")
            .env_remove("LUA_INIT")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec: a new session
        // whose controlling terminal is the pty (standard input), as a shell would do.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn rlua51");
        // The slave ends are closed with `cmd`, so reading the master ends when the child does.
        drop(cmd);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).unwrap(),
            std::num::NonZeroU16::new(COLS).unwrap(),
            0,
        )));
        let mut reader = master.try_clone().unwrap();
        let p = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        Term {
            master,
            child,
            parser,
        }
    }

    fn screen(&self) -> String {
        let p = self.parser.lock().unwrap();
        let text = p.screen().contents();
        text.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_string()
    }

    /// Waits until the whole screen reads `want` (trailing blanks ignored).
    fn expect_screen(&self, want: &str) {
        let start = Instant::now();
        loop {
            let got = self.screen();
            if got == want {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("screen differs\n--- got ---\n{got}\n--- want ---\n{want}\n");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types text (control characters included).
    fn keys(&mut self, s: &str) {
        self.master.write_all(s.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Waits for the process to end; its exit code.
    fn wait(mut self) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.code().unwrap_or(-1);
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("rlua51 did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn version() -> String {
    format!("Lua 5.1.5 (rlua51 {})", env!("CARGO_PKG_VERSION"))
}

/// A fresh, empty home directory for one test.
fn temp_home(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rlua51-pty-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn repl_session_at_a_terminal() {
    let home = temp_home("session");
    let mut t = Term::start(&home);
    let v = version();
    let mut screen = format!("{v}\n>");
    t.expect_screen(&screen);

    // A statement, then an expression with `=`.
    t.keys("x = 1\r");
    screen += " x = 1\n>";
    t.expect_screen(&screen);
    t.keys("=x + 1\r");
    screen += " =x + 1\n2\n>";
    t.expect_screen(&screen);

    // A function over several lines: the continuation prompt.
    t.keys("function add(a, b)\r");
    screen += " function add(a, b)\n>>";
    t.expect_screen(&screen);
    t.keys("return a + b\r");
    screen += " return a + b\n>>";
    t.expect_screen(&screen);
    t.keys("end\r");
    screen += " end\n>";
    t.expect_screen(&screen);
    t.keys("=add(2, 3)\r");
    screen += " =add(2, 3)\n5\n>";
    t.expect_screen(&screen);

    // An error is printed with its traceback, and the REPL goes on.
    t.keys("error(\"boom\")\r");
    screen += " error(\"boom\")\nstdin:1: boom\nstack traceback:\n        [C]: in function 'error'\n        stdin:1: in main chunk\n        [C]: ?\n>";
    t.expect_screen(&screen);

    // Ctrl-C while a chunk runs interrupts it. The chunk prints first, so the test
    // knows it is running when it presses Ctrl-C.
    t.keys("print('spinning') while true do end\r");
    screen += " print('spinning') while true do end\nspinning";
    t.expect_screen(&screen);
    t.keys("\x03");
    screen +=
        "\n^Cinterrupted!\nstack traceback:\n        stdin:1: in main chunk\n        [C]: ?\n>";
    t.expect_screen(&screen);

    // Ctrl-C at the prompt drops the line.
    t.keys("abc");
    t.expect_screen(&format!("{screen} abc"));
    t.keys("\x03");
    screen += " abc\n>";
    t.expect_screen(&screen);
    t.keys("=x\r");
    screen += " =x\n1\n>";
    t.expect_screen(&screen);

    // Ctrl-D ends the session with status 0.
    t.keys("\x04");
    assert_eq!(t.wait(), 0);

    // The history was written to the home directory, one entry per chunk.
    let hist = std::fs::read_to_string(home.join(".rlua51_history")).unwrap();
    assert!(
        hist.contains("\nx = 1\n=x + 1\nfunction add(a, b)\\nreturn a + b\\nend\n=add(2, 3)\n"),
        "{hist}"
    );
    assert!(hist.ends_with("\n=x\n"), "{hist}");

    // A new session recalls the previous one's lines with the Up arrow.
    let mut t = Term::start(&home);
    let mut screen = format!("{v}\n>");
    t.expect_screen(&screen);
    t.keys("\x1b[A");
    t.expect_screen(&format!("{screen} =x"));
    t.keys("\x1b[A\r");
    screen += " print('spinning') while true do end\nspinning";
    t.expect_screen(&screen);
    t.keys("\x03");
    screen +=
        "\n^Cinterrupted!\nstack traceback:\n        stdin:1: in main chunk\n        [C]: ?\n>";
    t.expect_screen(&screen);
    t.keys("\x04");
    assert_eq!(t.wait(), 0);
    let _ = std::fs::remove_dir_all(&home);
}
