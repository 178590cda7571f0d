//! Starting `rlua51-server` for integration tests: a free loopback port, the built
//! binary, and a guard that kills the process (by its PID) when dropped.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestServer {
    pub port: u16,
    child: Option<Child>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            if wrapper().is_some() {
                // Under a wrapper such as valgrind, stop with SIGTERM so it can write
                // its report, and kill only if that takes too long.
                let _ = Command::new("kill")
                    .args(["-TERM", &c.id().to_string()])
                    .status();
                let deadline = Instant::now() + Duration::from_secs(60);
                while Instant::now() < deadline {
                    if let Ok(Some(_)) = c.try_wait() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `RLUA51_SERVER_WRAPPER`: a command line (split on spaces) the server binary is run
/// under, e.g. `valgrind --error-exitcode=99 --log-file=vg.%p.log`, to check the unsafe
/// parts of the server with the integration tests.
fn wrapper() -> Option<Vec<String>> {
    let w = std::env::var("RLUA51_SERVER_WRAPPER").ok()?;
    let parts: Vec<String> = w.split_whitespace().map(str::to_string).collect();
    (!parts.is_empty()).then_some(parts)
}

/// A loopback port nobody listens on right now (outside the range reserved for others),
/// never handed out twice in one test process (tests run in parallel threads).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    for _ in 0..100 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let p = l.local_addr().expect("addr").port();
        let mut given = GIVEN.lock().unwrap();
        if !(21079..=21110).contains(&p) && !given.contains(&p) {
            given.push(p);
            return p;
        }
    }
    panic!("no free port");
}

impl TestServer {
    /// Starts the server with extra command-line options. If the server exits before it
    /// listens (its port was taken meanwhile), it is started again on another port.
    pub fn start(extra: &[&str]) -> TestServer {
        for _ in 0..5 {
            if let Some(s) = TestServer::try_start(extra) {
                return s;
            }
        }
        panic!("server did not start");
    }

    fn try_start(extra: &[&str]) -> Option<TestServer> {
        let port = free_port();
        let dir = std::env::temp_dir();
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--save".into(),
            "".into(),
            "--enable-debug-command".into(),
            "yes".into(),
            "--dir".into(),
            dir.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let bin = env!("CARGO_BIN_EXE_rlua51-server");
        let mut cmd = match wrapper() {
            Some(w) => {
                let mut c = Command::new(&w[0]);
                c.args(&w[1..]).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let child = cmd
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rlua51-server");
        let mut s = TestServer {
            port,
            child: Some(child),
        };
        let startup = if wrapper().is_some() { 120 } else { 10 };
        let deadline = Instant::now() + Duration::from_secs(startup);
        while Instant::now() < deadline {
            if !s.alive() {
                return None;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                // Still ours (not another test's server that got the port)?
                std::thread::sleep(Duration::from_millis(20));
                return if s.alive() { Some(s) } else { None };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server did not start on port {port}");
    }

    /// Uses an already running server (for recording against the reference).
    pub fn external(port: u16) -> TestServer {
        TestServer { port, child: None }
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.set_nodelay(true).expect("nodelay");
        s
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => c.try_wait().map(|s| s.is_none()).unwrap_or(false),
            None => true,
        }
    }

    /// Waits (bounded) for the process to exit and returns its status code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        let c = self.child.as_mut()?;
        while Instant::now() < deadline {
            if let Ok(Some(st)) = c.try_wait() {
                return st.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// Encodes a command as a RESP multibulk request.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Reads one reply frame (bounded by the socket's read timeout).
pub fn read_frame(s: &mut TcpStream, buf: &mut Vec<u8>) -> Option<resp::Frame> {
    loop {
        if let Ok(Some((f, n))) = resp::Frame::parse(buf) {
            buf.drain(..n);
            return Some(f);
        }
        let mut tmp = [0u8; 65536];
        match s.read(&mut tmp) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
    }
}

/// Sends a command and reads its reply.
pub fn cmd(s: &mut TcpStream, args: &[&[u8]]) -> resp::Frame {
    s.write_all(&encode(args)).expect("write");
    let mut buf = Vec::new();
    read_frame(s, &mut buf).expect("reply")
}

/// Reads everything until the peer closes (or the timeout hits); returns bytes and
/// whether the connection was closed.
pub fn read_until_close(s: &mut TcpStream, timeout: Duration) -> (Vec<u8>, bool) {
    s.set_read_timeout(Some(timeout)).expect("timeout");
    let mut out = Vec::new();
    let mut tmp = [0u8; 65536];
    loop {
        match s.read(&mut tmp) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&tmp[..n]),
            Err(_) => return (out, false),
        }
    }
}
