//! `LuaFile`: the stream behind an `io` file handle, with C stdio's observable
//! behaviour: buffered reads and writes on one position, `fopen` mode strings,
//! `fscanf("%lf")`-style number reading, `popen` pipes and the three standard streams.
//!
//! Writes are buffered and flushed on `flush`, `seek`, close, before reads, and when
//! the handle is dropped (so a collected or leaked handle still writes its data).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::process::{Child, ChildStdin, ChildStdout};

/// Size of the read buffer and default size of the write buffer (glibc uses the file
/// system block size, 4096 on Linux; C's BUFSIZ is 8192).
pub const BUFFER_SIZE: usize = 8192;

/// Which standard stream a handle stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdStream {
    Stdin,
    Stdout,
    Stderr,
}

/// Buffering mode set by `setvbuf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buffering {
    No,
    Line,
    Full(usize),
}

pub enum Handle {
    Std(StdStream),
    File(File),
    Pipe {
        child: Child,
        stdin: Option<ChildStdin>,
        stdout: Option<ChildStdout>,
    },
    Closed,
}

pub struct LuaFile {
    pub handle: Handle,
    readable: bool,
    writable: bool,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    buffering: Buffering,
}

/// Error of an operation the stream's mode does not allow (what glibc reports).
fn ebadf() -> io::Error {
    io::Error::from_raw_os_error(libc::EBADF)
}

fn einval() -> io::Error {
    io::Error::from_raw_os_error(libc::EINVAL)
}

/// What `fopen` makes of a mode string: read, write, append, truncate/create, exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenMode {
    pub read: bool,
    pub write: bool,
    pub append: bool,
    pub create_truncate: bool,
    pub exclusive: bool,
}

/// Parses an `fopen` mode as glibc does: `r`, `w` or `a`, then modifiers of which `+`
/// (update) and `x` (exclusive) matter; others are ignored. None (EINVAL) otherwise.
pub fn parse_mode(mode: &[u8]) -> Option<OpenMode> {
    let mut m = OpenMode::default();
    match mode.first()? {
        b'r' => m.read = true,
        b'w' => {
            m.write = true;
            m.create_truncate = true;
        }
        b'a' => {
            m.write = true;
            m.append = true;
        }
        _ => return None,
    }
    for &c in mode[1..].iter().take(6) {
        match c {
            b'+' => {
                m.read = true;
                m.write = true;
            }
            b'x' => m.exclusive = true,
            b',' => break,
            _ => {}
        }
    }
    Some(m)
}

impl LuaFile {
    fn new(handle: Handle, readable: bool, writable: bool) -> LuaFile {
        LuaFile {
            handle,
            readable,
            writable,
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
            buffering: Buffering::Full(BUFFER_SIZE),
        }
    }

    pub fn std(s: StdStream) -> LuaFile {
        let mut f = LuaFile::new(Handle::Std(s), s == StdStream::Stdin, s != StdStream::Stdin);
        if s == StdStream::Stderr {
            f.buffering = Buffering::No;
        }
        f
    }

    /// C `fopen`.
    pub fn open(path: &std::path::Path, mode: &[u8]) -> io::Result<LuaFile> {
        let m = parse_mode(mode).ok_or_else(einval)?;
        let mut o = std::fs::OpenOptions::new();
        o.read(m.read);
        if m.append {
            o.append(true).create(true);
        } else if m.write {
            o.write(true);
        }
        if m.create_truncate {
            if m.exclusive {
                o.create_new(true);
            } else {
                o.create(true);
            }
            o.truncate(true);
        }
        let f = o.open(path)?;
        Ok(LuaFile::new(Handle::File(f), m.read, m.write))
    }

    /// A file handle for an already open file (`io.tmpfile`).
    pub fn from_file(f: File, readable: bool, writable: bool) -> LuaFile {
        LuaFile::new(Handle::File(f), readable, writable)
    }

    /// C `popen`: `cmd` run by the shell, reading its output (`r`) or feeding its input (`w`).
    pub fn popen(cmd: &[u8], mode: &[u8]) -> io::Result<LuaFile> {
        use std::os::unix::ffi::OsStrExt;
        use std::process::{Command, Stdio};
        let reading = match mode {
            b"r" | b"re" => true,
            b"w" | b"we" => false,
            _ => return Err(einval()),
        };
        let mut c = Command::new(crate::stdlib::os::SHELL);
        c.arg("-c").arg(std::ffi::OsStr::from_bytes(cmd));
        if reading {
            c.stdout(Stdio::piped());
        } else {
            c.stdin(Stdio::piped());
        }
        let mut child = c.spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        Ok(LuaFile::new(
            Handle::Pipe {
                child,
                stdin,
                stdout,
            },
            reading,
            !reading,
        ))
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.handle, Handle::Closed)
    }

    pub fn std_stream(&self) -> Option<StdStream> {
        match self.handle {
            Handle::Std(s) => Some(s),
            _ => None,
        }
    }

    // ---- low-level I/O ------------------------------------------------------------------

    fn raw_read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.handle {
            Handle::Std(StdStream::Stdin) => io::stdin().lock().read(buf),
            Handle::Std(_) => Err(ebadf()),
            Handle::File(f) => f.read(buf),
            Handle::Pipe {
                stdout: Some(o), ..
            } => o.read(buf),
            Handle::Pipe { .. } => Err(ebadf()),
            Handle::Closed => Err(ebadf()),
        }
    }

    fn raw_write(&mut self, data: &[u8]) -> io::Result<()> {
        match &mut self.handle {
            Handle::Std(StdStream::Stdout) => {
                let mut o = io::stdout().lock();
                o.write_all(data)?;
                o.flush()
            }
            Handle::Std(StdStream::Stderr) => io::stderr().lock().write_all(data),
            Handle::Std(StdStream::Stdin) => Err(ebadf()),
            Handle::File(f) => f.write_all(data),
            Handle::Pipe { stdin: Some(i), .. } => i.write_all(data),
            Handle::Pipe { .. } => Err(ebadf()),
            Handle::Closed => Err(ebadf()),
        }
    }

    /// Writes out buffered output.
    pub fn flush(&mut self) -> io::Result<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.wbuf);
        self.raw_write(&data)
    }

    /// Gives back read-ahead bytes to the OS position before writing or seeking.
    fn drop_read_ahead(&mut self) -> io::Result<()> {
        let unread = (self.rbuf.len() - self.rpos) as i64;
        self.rbuf.clear();
        self.rpos = 0;
        if unread > 0 {
            if let Handle::File(f) = &mut self.handle {
                f.seek(SeekFrom::Current(-unread))?;
            }
        }
        Ok(())
    }

    /// Buffered write (`fwrite`).
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if !self.writable {
            return Err(ebadf());
        }
        if self.rpos < self.rbuf.len() || !self.rbuf.is_empty() {
            self.drop_read_ahead()?;
        }
        self.wbuf.extend_from_slice(data);
        match self.buffering {
            Buffering::No => self.flush(),
            Buffering::Line if data.contains(&b'\n') => self.flush(),
            Buffering::Full(n) if self.wbuf.len() >= n.max(1) => self.flush(),
            _ => Ok(()),
        }
    }

    pub fn set_buffering(&mut self, b: Buffering) -> io::Result<()> {
        self.flush()?;
        self.buffering = b;
        Ok(())
    }

    /// Refills the read buffer; Ok(false) at end of file.
    fn fill(&mut self) -> io::Result<bool> {
        if self.rpos < self.rbuf.len() {
            return Ok(true);
        }
        if !self.readable {
            return Err(ebadf());
        }
        self.flush()?;
        self.rbuf.resize(BUFFER_SIZE, 0);
        self.rpos = 0;
        let mut tmp = std::mem::take(&mut self.rbuf);
        let r = loop {
            match self.raw_read(&mut tmp) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r,
            }
        };
        self.rbuf = tmp;
        match r {
            Ok(n) => {
                self.rbuf.truncate(n);
                Ok(n > 0)
            }
            Err(e) => {
                self.rbuf.clear();
                Err(e)
            }
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(if self.fill()? {
            Some(self.rbuf[self.rpos])
        } else {
            None
        })
    }

    /// Reads a line; the newline is consumed but not returned. None at end of file
    /// when nothing was read.
    pub fn read_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        loop {
            if !self.fill()? {
                return Ok(if line.is_empty() { None } else { Some(line) });
            }
            let avail = &self.rbuf[self.rpos..];
            match memchr::memchr(b'\n', avail) {
                Some(i) => {
                    line.extend_from_slice(&avail[..i]);
                    self.rpos += i + 1;
                    return Ok(Some(line));
                }
                None => {
                    line.extend_from_slice(avail);
                    self.rpos = self.rbuf.len();
                }
            }
        }
    }

    /// Reads up to `n` bytes (fewer at end of file). `limit` caps what may be buffered
    /// (the heap limit), failing with `OutOfMemory`.
    pub fn read_chars(&mut self, n: u64, limit: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        while (out.len() as u64) < n {
            if !self.fill()? {
                break;
            }
            let want = (n - out.len() as u64).min((self.rbuf.len() - self.rpos) as u64) as usize;
            if out.len() + want > limit {
                return Err(io::Error::from(io::ErrorKind::OutOfMemory));
            }
            out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + want]);
            self.rpos += want;
        }
        Ok(out)
    }

    /// True if a byte can be read (`read(0)`).
    pub fn test_eof(&mut self) -> io::Result<bool> {
        Ok(self.peek()?.is_some())
    }

    /// Reads a number as `fscanf(f, "%lf")`: skips white space, takes the longest
    /// prefix that can start a C floating-point literal, and converts it. On failure
    /// the characters taken are lost, as with C streams.
    pub fn read_number(&mut self) -> io::Result<Option<f64>> {
        while let Some(c) = self.peek()? {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
                self.rpos += 1;
            } else {
                break;
            }
        }
        let mut s = Vec::new();
        let take =
            |f: &mut LuaFile, s: &mut Vec<u8>, ok: &dyn Fn(u8) -> bool| -> io::Result<bool> {
                match f.peek()? {
                    Some(c) if ok(c) => {
                        f.rpos += 1;
                        s.push(c);
                        Ok(true)
                    }
                    _ => Ok(false),
                }
            };
        take(self, &mut s, &|c| c == b'+' || c == b'-')?;
        // inf / infinity / nan
        if let Some(c) = self.peek()? {
            if c == b'i' || c == b'I' || c == b'n' || c == b'N' {
                let word: &[u8] = if c == b'n' || c == b'N' {
                    b"nan"
                } else {
                    b"infinity"
                };
                let mut matched = 0;
                while matched < word.len()
                    && take(self, &mut s, &|c| c.to_ascii_lowercase() == word[matched])?
                {
                    matched += 1;
                }
                let neg = s.first() == Some(&b'-');
                return Ok(match (word, matched) {
                    (b"nan", 3) => Some(if neg { -f64::NAN } else { f64::NAN }),
                    (b"infinity", 3) | (b"infinity", 8) => Some(if neg {
                        f64::NEG_INFINITY
                    } else {
                        f64::INFINITY
                    }),
                    _ => None,
                });
            }
        }
        let mut hex = false;
        if take(self, &mut s, &|c| c == b'0')? && take(self, &mut s, &|c| c == b'x' || c == b'X')? {
            hex = true;
        }
        let digit = move |c: u8| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        };
        let mut ndigits = usize::from(s.last() == Some(&b'0') && !hex);
        while take(self, &mut s, &digit)? {
            ndigits += 1;
        }
        if take(self, &mut s, &|c| c == b'.')? {
            while take(self, &mut s, &digit)? {
                ndigits += 1;
            }
        }
        if ndigits == 0 {
            return Ok(None);
        }
        let exp_ok = move |c: u8| {
            if hex {
                c == b'p' || c == b'P'
            } else {
                c == b'e' || c == b'E'
            }
        };
        let mantissa_len = s.len();
        if take(self, &mut s, &exp_ok)? {
            take(self, &mut s, &|c| c == b'+' || c == b'-')?;
            let mut edigits = 0;
            while take(self, &mut s, &|c: u8| c.is_ascii_digit())? {
                edigits += 1;
            }
            if edigits == 0 {
                // glibc converts what forms a number ("1e" reads as 1); the rest is lost.
                s.truncate(mantissa_len);
            }
        }
        Ok(parse_c_float(&s, hex))
    }

    /// `fseek` + `ftell`: returns the new position.
    pub fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.flush()?;
        let unread = (self.rbuf.len() - self.rpos) as i64;
        let f = match &mut self.handle {
            Handle::File(f) => f,
            Handle::Closed => return Err(ebadf()),
            _ => return Err(io::Error::from_raw_os_error(libc::ESPIPE)),
        };
        let pos = match pos {
            SeekFrom::Current(off) => SeekFrom::Current(off - unread),
            p => p,
        };
        let r = f.seek(pos)?;
        self.rbuf.clear();
        self.rpos = 0;
        Ok(r)
    }

    /// Closes the stream (flushing it); for pipes, waits for the command.
    pub fn close(&mut self) -> io::Result<()> {
        let r = self.flush();
        let h = std::mem::replace(&mut self.handle, Handle::Closed);
        self.rbuf = Vec::new();
        self.rpos = 0;
        match h {
            Handle::Pipe {
                mut child,
                stdin,
                stdout,
            } => {
                drop(stdin);
                drop(stdout);
                child.wait().map(|_| ())?;
                r
            }
            Handle::File(f) => {
                drop(f);
                r
            }
            _ => r,
        }
    }
}

impl Drop for LuaFile {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// Converts the text `fscanf("%lf")` collected (already checked to be well formed).
fn parse_c_float(s: &[u8], hex: bool) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if !hex {
        return text.parse::<f64>().ok();
    }
    let (neg, rest) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = &rest[2..];
    let (mant, exp) = match rest.find(['p', 'P']) {
        Some(i) => (
            &rest[..i],
            rest[i + 1..]
                .parse::<i64>()
                .unwrap_or(0)
                .clamp(-100_000, 100_000),
        ),
        None => (rest, 0),
    };
    let mut v = 0.0f64;
    let mut e = exp;
    let mut seen_dot = false;
    for c in mant.bytes() {
        if c == b'.' {
            seen_dot = true;
            continue;
        }
        let d = (c as char).to_digit(16)? as f64;
        v = v * 16.0 + d;
        if seen_dot {
            e -= 4;
        }
    }
    let v = crate::stdlib::math::scale_by_pow2(v, e.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
    Some(if neg { -v } else { v })
}
