//! Per-connection state: the socket side (query buffer, request parser, output progress)
//! and the session side commands see (selected database, protocol, name, auth, flags).
//!
//! The query buffer is kept at full length (`query.len()` is its capacity) with `qpos..qend`
//! marking unread bytes, so reads go straight into it without zero-filling each time.

use mio::net::TcpStream;
use resp::{Proto, ReplyWriter, RequestParser};
use std::time::Instant;

/// Bytes asked of the socket per read (Redis: `PROTO_IOBUF_LEN`, 16 KB).
pub const IOBUF_LEN: usize = 16 * 1024;
/// Output buffers larger than this are released after being flushed, so one big reply
/// does not pin memory for the life of the connection.
pub const OUTBUF_KEEP: usize = 64 * 1024;

/// `CLIENT REPLY` mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// Skip the reply of the next command only.
    SkipNext,
    /// Currently skipping (set from SkipNext when the next command starts).
    Skip,
}

/// The value type a blocked client waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    List,
    ZSet,
}

/// What a blocked client receives when its timeout expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutReply {
    /// `*-1` (BLPOP, BLMPOP, BZPOPMIN, ...).
    NullArray,
    /// `$-1` (BLMOVE, BRPOPLPUSH).
    NullBulk,
}

/// Set by a blocking command's handler when nothing could be served: the event loop then
/// parks the client on `keys` (see `blocking.rs`) instead of sending a reply.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    pub db: usize,
    pub keys: Vec<Vec<u8>>,
    /// `None` blocks forever (timeout 0).
    pub deadline: Option<Instant>,
    pub kind: BlockKind,
    pub timeout_reply: TimeoutReply,
}

/// A client parked on keys: its request and the command line to run again when one of
/// the keys is ready.
#[derive(Debug, Clone)]
pub struct Blocked {
    pub req: BlockRequest,
    pub argv: Vec<Vec<u8>>,
    /// `CLIENT UNBLOCK id ERROR` asked for an `-UNBLOCKED` reply instead of the timeout's.
    pub unblock_error: bool,
}

/// Commands queued between MULTI and EXEC.
#[derive(Debug, Default)]
pub struct MultiState {
    pub queue: Vec<Vec<Vec<u8>>>,
    /// A command failed to queue (unknown, wrong arity, ...): EXEC will abort.
    pub failed: bool,
    /// A queued command writes or may replicate (`CLIENT PAUSE WRITE` holds EXEC).
    pub writes: bool,
}

pub struct Client {
    pub id: u64,
    pub sock: Option<TcpStream>,
    pub addr: String,
    pub laddr: String,
    pub fd: i32,
    // Input side.
    pub query: Vec<u8>,
    pub qpos: usize,
    pub qend: usize,
    pub parser: RequestParser,
    /// Do not parse again before `qend - qpos` reaches this many bytes.
    pub need: usize,
    // Output side.
    pub out: ReplyWriter,
    pub sent: usize,
    pub write_interest: bool,
    pub pending_write: bool,
    // Session.
    pub db: usize,
    pub name: Option<Vec<u8>>,
    pub authenticated: bool,
    pub reply_mode: ReplyMode,
    pub no_evict: bool,
    pub monitor: bool,
    pub close_after_reply: bool,
    pub close_asap: bool,
    pub created: Instant,
    pub last_interaction: Instant,
    pub last_cmd: String,
    // Blocking, transactions.
    /// Blocking commands answer at once instead of blocking (inside EXEC, scripts).
    pub deny_blocking: bool,
    /// Set by a handler that wants to block (consumed by the event loop).
    pub block_req: Option<BlockRequest>,
    /// Present while the client is parked on keys.
    pub blocked: Option<Blocked>,
    pub multi: Option<MultiState>,
    /// Keys under WATCH, as (db, key).
    pub watched: Vec<(usize, Vec<u8>)>,
    // Pub/sub.
    /// Slot in the connection table (`usize::MAX` for clients without a connection).
    pub slot: usize,
    pub subs: crate::pubsub::ClientSubs,
    /// When pending output first went over the soft output-buffer limit.
    pub soft_limit_since: Option<Instant>,
}

impl Client {
    pub fn new(id: u64, sock: Option<TcpStream>, authenticated: bool) -> Client {
        let (addr, laddr, fd) = match &sock {
            Some(s) => {
                use std::os::fd::AsRawFd;
                (
                    s.peer_addr().map(|a| a.to_string()).unwrap_or_default(),
                    s.local_addr().map(|a| a.to_string()).unwrap_or_default(),
                    s.as_raw_fd(),
                )
            }
            None => (String::new(), String::new(), -1),
        };
        let now = Instant::now();
        Client {
            id,
            sock,
            addr,
            laddr,
            fd,
            query: Vec::new(),
            qpos: 0,
            qend: 0,
            parser: RequestParser::new(),
            need: 0,
            out: ReplyWriter::new(Proto::Resp2),
            sent: 0,
            write_interest: false,
            pending_write: false,
            db: 0,
            name: None,
            authenticated,
            reply_mode: ReplyMode::On,
            no_evict: false,
            monitor: false,
            close_after_reply: false,
            close_asap: false,
            created: now,
            last_interaction: now,
            last_cmd: "NULL".into(),
            deny_blocking: false,
            block_req: None,
            blocked: None,
            multi: None,
            watched: Vec::new(),
            slot: usize::MAX,
            subs: Default::default(),
            soft_limit_since: None,
        }
    }

    /// Bytes waiting in the query buffer.
    pub fn query_len(&self) -> usize {
        self.qend - self.qpos
    }

    /// The `CLIENT LIST` / `CLIENT INFO` line (without the trailing newline).
    pub fn info_line(&self) -> String {
        let now = Instant::now();
        let mut flags = String::new();
        if self.monitor {
            flags.push('O');
        }
        if self.subs.any() {
            flags.push('P');
        }
        if self.close_after_reply {
            flags.push('c');
        }
        if self.no_evict {
            flags.push('e');
        }
        if self.blocked.is_some() {
            flags.push('b');
        }
        if self.multi.is_some() {
            flags.push('x');
        }
        if flags.is_empty() {
            flags.push('N');
        }
        let qbuf = self.query_len();
        let obl = self.out.buf.len().saturating_sub(self.sent);
        format!(
            "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs={} rbp=0 obl={} oll=0 omem=0 tot-mem={} events=r cmd={} user=default redir=-1 resp={}",
            self.id,
            self.addr,
            self.laddr,
            self.fd,
            self.name.as_deref().map(String::from_utf8_lossy).unwrap_or_default(),
            now.duration_since(self.created).as_secs(),
            now.duration_since(self.last_interaction).as_secs(),
            flags,
            self.db,
            self.subs.channels.len(),
            self.subs.patterns.len(),
            self.subs.shard.len(),
            self.multi.as_ref().map_or(-1, |m| m.queue.len() as i64),
            qbuf,
            self.query.len().saturating_sub(self.qend),
            self.query.len(),
            obl,
            self.query.len() + self.out.buf.capacity() + std::mem::size_of::<Client>(),
            self.last_cmd,
            if self.out.proto == Proto::Resp3 { 3 } else { 2 },
        )
    }
}
