//! The single-threaded event loop: accept, read, parse, execute, buffer replies, write.
//!
//! One `mio` poller watches the listening sockets, the signal pipe and every client. A
//! readable client is read 16 KB at a time straight into its query buffer; each complete
//! request is executed at once (pipelined requests in one read run in order) and replies
//! accumulate in the client's output buffer. [`Server::before_sleep`] — the one place
//! where deferred work happens — writes pending output before the loop sleeps again;
//! only a client whose socket fills up gets WRITABLE interest. A timer runs
//! [`Server::cron`] `hz` times per second (active expiry, statistics, timeouts).
//!
//! While a script is busy (past `busy-reply-threshold`), its instruction hook calls
//! [`serve_while_busy`], which runs one round of this loop for the other connections
//! from inside the script's command: see `scripting::busy` for the ownership rules.
//!
//! Readiness is edge-triggered: a read that returns fewer bytes than asked for means the
//! socket is drained, so no extra `read` returning `EAGAIN` is needed per event.

use crate::client::{Client, IOBUF_LEN, OUTBUF_KEEP};
use crate::server::{call, monitor_line, CallOutcome, ClientSlots, Core};
use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token};
use resp::{Limits, ParseStatus};
use std::cell::Cell;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

const SIGNAL_TOKEN: Token = Token(usize::MAX - 1);
/// Listener tokens count down from here.
const LISTENER_BASE: usize = usize::MAX - 64;
/// Events taken from the poller per wake-up.
const EVENTS_CAPACITY: usize = 1024;
/// Share of each cron period the active expiry cycle may use (Redis: 25%).
const ACTIVE_EXPIRE_CYCLE_PERC: u32 = 25;
/// Upper bound on rounds of serving blocked clients after one write; each round serves at
/// least one client, so this only guards against a bug looping forever.
const MAX_SERVE_ROUNDS: usize = 100_000;

/// Events taken from the poller per round while a script is busy.
const BUSY_EVENTS_CAPACITY: usize = 256;
/// An empty query buffer larger than this is released by the cron (Redis's
/// PROTO_MBULK_BIG_ARG, the size from which it treats a query buffer as big).
const QUERY_BUF_SHRINK_MIN: usize = 32 * 1024;

thread_local! {
    /// The server whose loop is running on this thread (null outside [`Server::run`]),
    /// for [`serve_while_busy`].
    static RUNNING: Cell<*mut Server> = const { Cell::new(std::ptr::null_mut()) };
}

/// One round of network service while a script is busy, called from the script's hook;
/// `first` on the round where the script just passed the threshold. Does nothing outside
/// a running server loop (e.g. unit tests of the scripting bridge).
pub fn serve_while_busy(first: bool) {
    let p = RUNNING.with(Cell::get);
    if p.is_null() {
        return;
    }
    // SAFETY: `p` was set by `Server::run` from its `&mut self` and is cleared before it
    // returns, and the server does not move meanwhile. We get here only from a script's
    // hook, i.e. from inside `call` for the script's caller, on the same thread. Up the
    // stack, the code between `run` and the Lua VM is suspended: it holds the caller's
    // `Client` (taken out of its slot, so this round never sees it), `&mut Core` (which
    // it does not use until the script returns; the script's natives are not running
    // while their hook runs) and `&mut` to the connection table (not used by the script
    // commands). This round touches only other connections, the poller and the parts of
    // `Core` dispatch reads, and runs no script: dispatch refuses every command that is
    // not `allow_busy`, and none of those runs Lua. This is Redis's own design (the hook
    // processes events); the borrows up the stack are dormant, not concurrent.
    let server = unsafe { &mut *p };
    if first {
        server.busy_sweep();
    }
    server.busy_round();
}

/// The network side: poller, listeners, connections.
pub struct Net {
    poll: Poll,
    listeners: Vec<TcpListener>,
    pub clients: ClientSlots,
    free: Vec<usize>,
    pending: Vec<usize>,
    paused: Vec<usize>,
    monitors: usize,
    signals: signal_hook_mio::v1_0::Signals,
    connected: usize,
    /// Set while blocked clients are being served (no re-entry from their pipelines).
    serving_blocked: bool,
    /// Rounds served from a busy script's hook (a read loop that ran a busy script
    /// keeps reading, since the edge that announced later input was consumed there).
    busy_rounds: u64,
    busy_events: Option<Events>,
}

/// The whole server.
pub struct Server {
    pub core: Core,
    pub net: Net,
}

impl Server {
    /// Binds every address in `bind` on `port` and prepares the loop.
    pub fn new(core: Core) -> std::io::Result<Server> {
        let poll = Poll::new()?;
        let mut listeners = Vec::new();
        for (i, addr) in core.config.bind.iter().enumerate() {
            let sa = crate::listen::socket_addr(addr, core.config.port).ok_or_else(|| {
                std::io::Error::new(ErrorKind::InvalidInput, format!("bad bind address {addr}"))
            })?;
            let mut l = TcpListener::bind(sa).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("Could not create server TCP listening socket {sa}: bind: {e}"),
                )
            })?;
            poll.registry()
                .register(&mut l, Token(LISTENER_BASE - i), Interest::READABLE)?;
            listeners.push(l);
        }
        let mut signals = signal_hook_mio::v1_0::Signals::new([
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
        ])?;
        poll.registry()
            .register(&mut signals, SIGNAL_TOKEN, Interest::READABLE)?;
        let mut core = core;
        core.listening = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        Ok(Server {
            core,
            net: Net {
                poll,
                listeners,
                clients: Vec::new(),
                free: Vec::new(),
                pending: Vec::new(),
                paused: Vec::new(),
                monitors: 0,
                signals,
                connected: 0,
                serving_blocked: false,
                busy_rounds: 0,
                busy_events: None,
            },
        })
    }

    /// Runs until a shutdown is requested.
    pub fn run(&mut self) -> std::io::Result<()> {
        RUNNING.with(|r| r.set(self as *mut Server));
        let r = self.run_loop();
        RUNNING.with(|r| r.set(std::ptr::null_mut()));
        r
    }

    /// One round of network service while a script is busy: accept, read and dispatch
    /// (dispatch refuses what is not `allow_busy`), write replies. Blocked clients, the
    /// cron (active expiry, timeouts) and CLIENT PAUSE resumption wait for the script's
    /// end, as in Redis. `SHUTDOWN NOSAVE` exits the process from here.
    fn busy_round(&mut self) {
        let mut events = self
            .net
            .busy_events
            .take()
            .unwrap_or_else(|| Events::with_capacity(BUSY_EVENTS_CAPACITY));
        self.net.busy_rounds += 1;
        if self
            .net
            .poll
            .poll(&mut events, Some(Duration::ZERO))
            .is_ok()
        {
            for ev in events.iter() {
                self.dispatch_event(ev);
            }
        }
        self.net.busy_events = Some(events);
        let pending = std::mem::take(&mut self.net.pending);
        for slot in pending {
            if self.net.clients.get(slot).is_some_and(Option::is_none) {
                // The script's caller (out of its slot): its output waits for the script.
                self.net.pending.push(slot);
                continue;
            }
            self.flush(slot);
        }
        let doomed: Vec<usize> = self
            .net
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| c.as_ref().is_some_and(|c| c.close_asap))
            .map(|(i, _)| i)
            .collect();
        for slot in doomed {
            self.close(slot);
        }
        if self.core.shutdown.is_some_and(|r| r.nosave) {
            self.finish_shutdown(true);
            std::process::exit(0);
        }
    }

    /// At the start of a busy period: readiness reported in the batch the script's
    /// command came from is not reported again (edge-triggered), so try every listener
    /// and connection once.
    fn busy_sweep(&mut self) {
        for i in 0..self.net.listeners.len() {
            self.accept(i);
        }
        for slot in 0..self.net.clients.len() {
            self.handle_read(slot);
        }
    }

    fn dispatch_event(&mut self, ev: &mio::event::Event) {
        let t = ev.token();
        if t == SIGNAL_TOKEN {
            self.handle_signals();
        } else if t.0 > LISTENER_BASE - 64 && t.0 <= LISTENER_BASE {
            self.accept(LISTENER_BASE - t.0);
        } else {
            if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                self.handle_read(t.0);
            }
            if ev.is_writable() {
                self.flush(t.0);
            }
        }
    }

    fn run_loop(&mut self) -> std::io::Result<()> {
        let mut events = Events::with_capacity(EVENTS_CAPACITY);
        let period = Duration::from_millis(1000 / self.core.config.hz.max(1) as u64);
        let mut next_cron = Instant::now() + period;
        loop {
            let now = Instant::now();
            let mut timeout = next_cron.saturating_duration_since(now);
            if self.core.ks.access.eviction_running {
                timeout = Duration::ZERO;
            }
            if let Err(e) = self.net.poll.poll(&mut events, Some(timeout)) {
                if e.kind() != ErrorKind::Interrupted {
                    return Err(e);
                }
            }
            for ev in events.iter() {
                self.dispatch_event(ev);
            }
            if Instant::now() >= next_cron {
                self.cron();
                let period = Duration::from_millis(1000 / self.core.config.hz.max(1) as u64);
                next_cron = Instant::now() + period;
            }
            self.before_sleep();
            if let Some(plan) = self.core.rebind.take() {
                self.apply_rebind(plan);
            }
            if let Some(req) = self.core.shutdown {
                self.finish_shutdown(req.nosave);
                return Ok(());
            }
        }
    }

    fn handle_signals(&mut self) {
        let pending: Vec<i32> = self.net.signals.pending().collect();
        for sig in pending {
            let name = if sig == signal_hook::consts::SIGINT {
                "SIGINT"
            } else {
                "SIGTERM"
            };
            self.core
                .log
                .warning(&format!("Received {name} scheduling shutdown..."));
            if crate::persist::shutdown_save(&mut self.core, false, false, false) {
                self.core.shutdown = Some(crate::server::ShutdownRequest { nosave: false });
            }
        }
    }

    fn finish_shutdown(&mut self, _nosave: bool) {
        self.core.log.warning("User requested shutdown...");
        for slot in 0..self.net.clients.len() {
            self.flush(slot);
        }
        self.core
            .log
            .warning("rlua51-server is now ready to exit, bye bye...");
    }

    /// Replaces the listening sockets with those `CONFIG SET port`/`bind` prepared.
    fn apply_rebind(&mut self, plan: Vec<crate::listen::Planned>) {
        let mut old: Vec<TcpListener> = std::mem::take(&mut self.net.listeners);
        for l in old.iter_mut() {
            let _ = self.net.poll.registry().deregister(l);
        }
        let mut next = Vec::new();
        for p in plan {
            let l = match p {
                crate::listen::Planned::New(l) => TcpListener::from_std(l),
                crate::listen::Planned::Keep(sa) => {
                    match old.iter().position(|l| l.local_addr().ok() == Some(sa)) {
                        Some(i) => old.swap_remove(i),
                        None => continue,
                    }
                }
            };
            next.push(l);
        }
        for (i, l) in next.iter_mut().enumerate() {
            if let Err(e) =
                self.net
                    .poll
                    .registry()
                    .register(l, Token(LISTENER_BASE - i), Interest::READABLE)
            {
                self.core.log.warning(&format!("Listening socket: {e}"));
            }
        }
        self.core.listening = next.iter().filter_map(|l| l.local_addr().ok()).collect();
        self.net.listeners = next;
    }

    fn accept(&mut self, idx: usize) {
        loop {
            let (mut sock, _) = match self.net.listeners[idx].accept() {
                Ok(s) => s,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.core
                        .log
                        .warning(&format!("Accepting client connection: {e}"));
                    return;
                }
            };
            self.core.stats.total_connections_received += 1;
            if self.net.connected >= self.core.config.maxclients {
                let _ = sock.write(b"-ERR max number of clients reached\r\n");
                self.core.stats.rejected_connections += 1;
                continue;
            }
            let _ = sock.set_nodelay(true);
            let slot = self.net.free.pop().unwrap_or_else(|| {
                self.net.clients.push(None);
                self.net.clients.len() - 1
            });
            if self
                .net
                .poll
                .registry()
                .register(&mut sock, Token(slot), Interest::READABLE)
                .is_err()
            {
                self.net.free.push(slot);
                continue;
            }
            let id = self.core.next_client_id;
            self.core.next_client_id += 1;
            self.core
                .acl
                .sync_config(&self.core.registry, &self.core.config);
            let authed = self.core.acl.default_needs_no_auth();
            let mut c = Client::new(id, Some(sock), authed);
            c.slot = slot;
            self.core.log.verbose(&format!("Accepted {}", c.addr));
            self.net.clients[slot] = Some(c);
            self.net.connected += 1;
        }
    }

    fn close(&mut self, slot: usize) {
        if let Some(mut c) = self.net.clients.get_mut(slot).and_then(Option::take) {
            if let Some(s) = c.sock.as_mut() {
                let _ = self.net.poll.registry().deregister(s);
            }
            if c.monitor {
                self.net.monitors -= 1;
            }
            if let Some(i) = self.net.paused.iter().position(|&s| s == slot) {
                self.net.paused.remove(i);
                self.core.postponed = self.net.paused.len();
            }
            if let Some(b) = c.blocked.take() {
                self.core.blocking.remove((c.id, slot), &b.req);
            }
            self.core.pubsub.forget_client(&mut c);
            let watched = std::mem::take(&mut c.watched);
            self.core.watches.unwatch_all(c.id, &watched);
            self.net.connected -= 1;
            self.net.free.push(slot);
        }
    }

    fn handle_read(&mut self, slot: usize) {
        let Some(mut c) = self.net.clients.get_mut(slot).and_then(Option::take) else {
            return;
        };
        let mut dead = false;
        let rounds = self.net.busy_rounds;
        loop {
            if c.close_after_reply || c.close_asap {
                break;
            }
            // Make room: compact, then grow to at least IOBUF_LEN free (or to what a
            // partly received big argument needs).
            if c.query.len() - c.qend < IOBUF_LEN {
                if c.qpos > 0 {
                    c.query.copy_within(c.qpos..c.qend, 0);
                    c.qend -= c.qpos;
                    c.qpos = 0;
                }
                let want = (c.qend + IOBUF_LEN)
                    .max(c.need.min(self.core.config.proto_max_bulk_len + 1024));
                if c.query.len() < want {
                    c.query.resize(want, 0);
                }
            }
            let space = c.query.len() - c.qend;
            let Some(sock) = c.sock.as_mut() else { break };
            match sock.read(&mut c.query[c.qend..]) {
                Ok(0) => {
                    dead = true;
                    break;
                }
                Ok(n) => {
                    c.qend += n;
                    c.last_interaction = Instant::now();
                    self.core.stats.net_input_bytes += n as u64;
                    if c.query_len() > self.core.config.client_query_buffer_limit {
                        self.core.log.warning(&format!(
                            "Closing client that reached max query buffer length: id={} addr={} (qbuf initial bytes: {:?})",
                            c.id,
                            c.addr,
                            String::from_utf8_lossy(&c.query[c.qpos..c.qpos + 64.min(c.query_len())])
                        ));
                        dead = true;
                        break;
                    }
                    if self.process_input(slot, &mut c) {
                        break;
                    }
                    if n < space && self.net.busy_rounds == rounds {
                        break;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => {
                    dead = true;
                    break;
                }
            }
        }
        if c.query.len() > IOBUF_LEN * 4 && c.query_len() == 0 {
            c.query = Vec::new();
            c.qpos = 0;
            c.qend = 0;
        }
        let wants_write = !c.out.buf.is_empty() || c.close_after_reply;
        let pending = c.pending_write;
        self.net.clients[slot] = Some(c);
        if dead {
            self.close(slot);
        } else if wants_write && !pending {
            if let Some(c) = self.net.clients[slot].as_mut() {
                c.pending_write = true;
            }
            self.net.pending.push(slot);
        }
    }

    /// Executes every complete request in `c`'s query buffer. Returns true when the
    /// client must not read more now (paused, or closing).
    fn process_input(&mut self, slot: usize, c: &mut Client) -> bool {
        let query = std::mem::take(&mut c.query);
        let mut parser = std::mem::take(&mut c.parser);
        let limits = Limits {
            max_bulk_len: self.core.config.proto_max_bulk_len,
            authenticated: c.authenticated,
        };
        let mut stop = false;
        while c.qpos < c.qend
            && !c.close_after_reply
            && self.core.shutdown.is_none()
            && c.blocked.is_none()
        {
            if c.qend - c.qpos < c.need {
                break;
            }
            let buf = &query[c.qpos..c.qend];
            match parser.parse(buf, &limits) {
                Ok(ParseStatus::Complete(n)) => {
                    c.need = 0;
                    let args = parser.args(buf);
                    let dirty = self.core.dirty;
                    let rounds = self.net.busy_rounds;
                    self.core.monitor_backlog = (self.net.monitors > 0).then(Vec::new);
                    let outcome = call(&mut self.core, c, Some(&mut self.net.clients), &args);
                    self.deliver_pubsub(false);
                    if self.net.busy_rounds != rounds {
                        // The command ran a busy script: send its reply now, before a
                        // pipelined script goes busy in turn (Redis writes it from the
                        // next script's hook).
                        self.write_now(c);
                    }
                    if outcome == CallOutcome::Paused {
                        self.net.paused.push(slot);
                        self.core.postponed = self.net.paused.len();
                        stop = true;
                        break;
                    }
                    if self.net.monitors > 0 || c.monitor {
                        self.feed_monitors(c, &args);
                    }
                    c.qpos += n;
                    if let Some(req) = c.block_req.take() {
                        self.core.blocking.add((c.id, slot), &req);
                        let argv = c
                            .block_argv
                            .take()
                            .unwrap_or_else(|| args.iter().map(<[u8]>::to_vec).collect());
                        c.blocked = Some(crate::client::Blocked { req, argv });
                        stop = true;
                        break;
                    }
                    if self.core.dirty != dirty && !self.core.blocking.is_empty() {
                        self.serve_blocked();
                    }
                    for other in std::mem::take(&mut self.core.blocking.unblocked) {
                        self.after_unblock(other);
                    }
                }
                Ok(ParseStatus::Empty(n)) => c.qpos += n,
                Ok(ParseStatus::Incomplete { need }) => {
                    c.need = need;
                    break;
                }
                Err(e) => {
                    let msg = format!("ERR {e}");
                    self.core.count_error(&msg);
                    c.out.error(msg.as_bytes());
                    self.core.log.verbose(&format!(
                        "Protocol error ({e}) from client: id={} addr={}",
                        c.id, c.addr
                    ));
                    c.close_after_reply = true;
                    break;
                }
            }
        }
        if c.qpos == c.qend {
            c.qpos = 0;
            c.qend = 0;
        }
        c.query = query;
        c.parser = parser;
        stop || c.close_after_reply
    }

    /// Gives back the memory of big query buffers (and of the parser's per-argument
    /// table) of clients with nothing pending, as Redis's client cron resizes them.
    fn release_idle_query_buffers(&mut self) {
        for c in self.net.clients.iter_mut().flatten() {
            if c.qend != 0 || c.need != 0 || c.parser.in_progress() {
                continue;
            }
            if c.query.len() > QUERY_BUF_SHRINK_MIN {
                c.query = Vec::new();
            }
            c.parser = resp::RequestParser::new();
        }
    }

    /// Runs the parked command lines of clients blocked on keys that became ready, oldest
    /// client first per key, until no waiting client can be served.
    fn serve_blocked(&mut self) {
        if self.net.serving_blocked {
            return;
        }
        self.net.serving_blocked = true;
        for _ in 0..MAX_SERVE_ROUNDS {
            let now = crate::server::unix_ms();
            let ready = self.core.blocking.ready_keys(&mut self.core.ks, now);
            let mut progress = false;
            for (db, key, kind) in ready {
                for (id, slot) in self.core.blocking.waiters(db, &key) {
                    let Some(mut c) = self.net.clients.get_mut(slot).and_then(Option::take) else {
                        continue;
                    };
                    let matches =
                        c.id == id && c.blocked.as_ref().is_some_and(|b| b.req.kind == kind);
                    if matches && self.rerun_blocked(slot, &mut c) {
                        progress = true;
                    }
                    self.net.clients[slot] = Some(c);
                    if progress {
                        self.after_unblock(slot);
                        break;
                    }
                }
                if progress {
                    break;
                }
            }
            if !progress {
                break;
            }
        }
        self.core.blocking.clear_signals(&self.core.ks);
        self.net.serving_blocked = false;
    }

    /// Runs a blocked client's command again; true when it was served (and unblocked).
    fn rerun_blocked(&mut self, slot: usize, c: &mut Client) -> bool {
        // The parked state stays visible to the handler during the re-run (XREADGROUP
        // answers differently when its key or group went away while it waited).
        let Some(b) = c.blocked.clone() else {
            return false;
        };
        let mut base = Vec::new();
        let mut ranges = Vec::new();
        for a in &b.argv {
            ranges.push((base.len(), base.len() + a.len()));
            base.extend_from_slice(a);
        }
        let args = resp::Args::from_parts(&base, &ranges);
        // Held back by CLIENT PAUSE, or still nothing to serve: stay parked.
        let paused = call(&mut self.core, c, None, &args) == CallOutcome::Paused;
        c.block_argv = None;
        if c.block_req.take().is_some() || paused {
            c.blocked = Some(b);
            return false;
        }
        c.blocked = None;
        self.core.blocking.remove((c.id, slot), &b.req);
        true
    }

    /// After a client left the blocked state: flush its reply and run what it pipelined.
    fn after_unblock(&mut self, slot: usize) {
        let Some(mut c) = self.net.clients.get_mut(slot).and_then(Option::take) else {
            return;
        };
        if c.query_len() > 0 {
            self.process_input(slot, &mut c);
        }
        let pending = c.pending_write;
        self.net.clients[slot] = Some(c);
        if !pending {
            if let Some(c) = self.net.clients[slot].as_mut() {
                c.pending_write = true;
            }
            self.net.pending.push(slot);
        }
    }

    /// Answers blocked clients whose timeout has passed.
    fn expire_blocked(&mut self) {
        if self.core.blocking.clients == 0 {
            return;
        }
        let now = Instant::now();
        let due: Vec<usize> = self
            .net
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.as_ref()
                    .and_then(|c| c.blocked.as_ref())
                    .and_then(|b| b.req.deadline)
                    .is_some_and(|d| d <= now)
            })
            .map(|(i, _)| i)
            .collect();
        for slot in due {
            let Some(c) = self.net.clients[slot].as_mut() else {
                continue;
            };
            let Some(b) = c.blocked.take() else { continue };
            match b.req.timeout_reply {
                crate::client::TimeoutReply::NullArray => c.out.null_array(),
                crate::client::TimeoutReply::NullBulk => c.out.null(),
            }
            let id = c.id;
            self.core.blocking.remove((id, slot), &b.req);
            self.after_unblock(slot);
        }
    }

    fn feed_monitors(&mut self, c: &mut Client, args: &resp::Args) {
        let mut count = 0;
        for other in self.net.clients.iter().flatten() {
            if other.monitor {
                count += 1;
            }
        }
        // The client that just sent MONITOR became a monitor during the call.
        if c.monitor && c.last_cmd == "monitor" {
            self.net.monitors = count + 1;
            return;
        }
        self.net.monitors = count + usize::from(c.monitor);
        let sub = (args.len() > 1).then(|| args.get(1));
        let Some(id) = self.core.registry.resolve(args.get(0), sub) else {
            return;
        };
        let entry = &self.core.registry.entries[id];
        let flags = entry.cmd.flags;
        // Scripts and functions are shown although flagged skip_monitor, as Redis does,
        // followed by the commands they ran.
        let script = matches!(
            entry.cmd.name,
            "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro"
        );
        let backlog = self.core.monitor_backlog.take().unwrap_or_default();
        if !script
            && flags & (crate::command_table::ADMIN | crate::command_table::SKIP_MONITOR) != 0
        {
            return;
        }
        let mut line = monitor_line(c, args);
        for l in backlog {
            line.extend_from_slice(&l);
        }
        for (slot, other) in self.net.clients.iter_mut().enumerate() {
            if let Some(o) = other.as_mut().filter(|o| o.monitor) {
                o.out.raw(&line);
                if !o.pending_write {
                    o.pending_write = true;
                    self.net.pending.push(slot);
                }
            }
        }
    }

    /// Writes what the socket takes of a client that is out of its slot (running a
    /// command); the rest goes out through the usual path.
    fn write_now(&mut self, c: &mut Client) {
        let Some(sock) = c.sock.as_mut() else { return };
        while c.sent < c.out.buf.len() {
            match sock.write(&c.out.buf[c.sent..]) {
                Ok(n) if n > 0 => {
                    c.sent += n;
                    self.core.stats.net_output_bytes += n as u64;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                _ => return,
            }
        }
    }

    /// Writes as much pending output as the socket takes.
    fn flush(&mut self, slot: usize) {
        let mut dead = false;
        {
            let Some(c) = self.net.clients.get_mut(slot).and_then(Option::as_mut) else {
                return;
            };
            c.pending_write = false;
            let Some(sock) = c.sock.as_mut() else { return };
            while c.sent < c.out.buf.len() {
                match sock.write(&c.out.buf[c.sent..]) {
                    Ok(0) => {
                        dead = true;
                        break;
                    }
                    Ok(n) => {
                        c.sent += n;
                        self.core.stats.net_output_bytes += n as u64;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        if !c.write_interest {
                            c.write_interest = true;
                            let _ = self.net.poll.registry().reregister(
                                sock,
                                Token(slot),
                                Interest::READABLE | Interest::WRITABLE,
                            );
                        }
                        return;
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(_) => {
                        dead = true;
                        break;
                    }
                }
            }
            if !dead {
                c.out.buf.clear();
                c.sent = 0;
                if c.out.buf.capacity() > OUTBUF_KEEP {
                    c.out.buf = Vec::new();
                }
                if c.write_interest {
                    c.write_interest = false;
                    let _ =
                        self.net
                            .poll
                            .registry()
                            .reregister(sock, Token(slot), Interest::READABLE);
                }
                if c.close_after_reply {
                    dead = true;
                }
            }
        }
        if dead {
            self.close(slot);
        }
    }

    /// Deferred work before sleeping: flush replies, close clients marked for closing.
    fn before_sleep(&mut self) {
        self.end_pause();
        if self.core.ks.access.eviction_running {
            crate::evict::perform_evictions(&mut self.core);
        }
        self.deliver_pubsub(true);
        self.expire_blocked();
        let pending = std::mem::take(&mut self.net.pending);
        for slot in pending.iter().copied() {
            self.flush(slot);
        }
        let mut pending = pending;
        pending.clear();
        if self.net.pending.is_empty() {
            self.net.pending = pending;
        }
        // Clients killed by CLIENT KILL.
        let doomed: Vec<usize> = self
            .net
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| c.as_ref().is_some_and(|c| c.close_asap))
            .map(|(i, _)| i)
            .collect();
        for slot in doomed {
            self.close(slot);
        }
    }

    /// Periodic work, `hz` times per second.
    fn cron(&mut self) {
        self.core.cronloops += 1;
        let period_ms = 1000 / self.core.config.hz.max(1);
        let budget = Duration::from_millis((period_ms * ACTIVE_EXPIRE_CYCLE_PERC / 100) as u64);
        let now = crate::server::unix_ms();
        self.core.ks.track_expired =
            !self.core.watches.is_empty() || crate::notify::wants_expired(&self.core);
        let started = std::time::Instant::now();
        self.core.ks.active_expire_cycle(now, budget);
        crate::persist::cron(&mut self.core);
        let threshold = self.core.config.latency_monitor_threshold;
        self.core.latency.add_sample_if_needed(
            "expire-cycle",
            started.elapsed().as_millis() as u64,
            threshold,
            now / 1000,
        );
        let expired = std::mem::take(&mut self.core.ks.expired_log);
        crate::notify::expired(&mut self.core, None, &expired);
        for (d, k) in expired {
            self.core.watches.touch(d, &k, false);
        }

        if self.core.cronloops % (self.core.config.hz.max(1) as u64) == 0 {
            self.core.ks.shrink_tables();
            self.release_idle_query_buffers();
        }
        crate::alloc::update_peak();
        // Ops per second.
        let n = Instant::now();
        let total = self.core.stats.total_commands_processed;
        if let Some((t, c)) = self.core.stats.last_sample {
            let dt = n.duration_since(t).as_secs_f64();
            if dt > 0.0 {
                self.core
                    .stats
                    .ops_samples
                    .push_back((total - c) as f64 / dt);
                if self.core.stats.ops_samples.len() > 16 {
                    self.core.stats.ops_samples.pop_front();
                }
            }
        }
        self.core.stats.last_sample = Some((n, total));
        // Idle timeouts.
        if self.core.config.timeout > 0 {
            let limit = Duration::from_secs(self.core.config.timeout);
            let idle: Vec<usize> = self
                .net
                .clients
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.as_ref()
                        .is_some_and(|c| !c.monitor && n.duration_since(c.last_interaction) > limit)
                })
                .map(|(i, _)| i)
                .collect();
            for slot in idle {
                self.core.log.verbose("Closing idle client");
                self.close(slot);
            }
        }
    }

    /// At the end of a `CLIENT PAUSE` (timeout or UNPAUSE), runs the postponed
    /// commands in the order they arrived.
    fn end_pause(&mut self) {
        if self.core.pause.is_some_and(|p| Instant::now() >= p.until) {
            self.core.end_pause();
        }
        if self.core.pause.is_none() && !self.net.paused.is_empty() {
            let paused = std::mem::take(&mut self.net.paused);
            self.core.postponed = 0;
            for slot in paused {
                self.resume(slot);
            }
        }
    }

    fn resume(&mut self, slot: usize) {
        let Some(mut c) = self.net.clients.get_mut(slot).and_then(Option::take) else {
            return;
        };
        self.process_input(slot, &mut c);
        let pending = c.pending_write;
        let wants = !c.out.buf.is_empty();
        self.net.clients[slot] = Some(c);
        if wants && !pending {
            if let Some(c) = self.net.clients[slot].as_mut() {
                c.pending_write = true;
            }
            self.net.pending.push(slot);
        }
        // Input may have arrived while paused; read it now (edge-triggered).
        self.handle_read(slot);
    }

    /// Hands queued pub/sub messages to their subscribers' output buffers and closes
    /// subscribers that went over the `client-output-buffer-limit pubsub` class. A
    /// subscriber whose slot is empty may be the client whose input is being processed
    /// (taken out of the table meanwhile): its messages wait for the `last` pass, made
    /// before sleeping when every live client is back in its slot.
    fn deliver_pubsub(&mut self, last: bool) {
        if self.core.pubsub.outbox.is_empty() {
            return;
        }
        let limit = crate::pubsub::pubsub_limit(self.core.config.get("client-output-buffer-limit"));
        let now = Instant::now();
        let outbox = std::mem::take(&mut self.core.pubsub.outbox);
        let mut waiting = Vec::new();
        for d in outbox {
            let Some(c) = self.net.clients.get_mut(d.to.slot).and_then(Option::as_mut) else {
                if !last {
                    waiting.push(d);
                }
                continue;
            };
            if c.id != d.to.id || c.close_asap {
                continue;
            }
            crate::pubsub::write_message(c, &d);
            if crate::pubsub::over_limit(c, limit, now) {
                c.close_asap = true;
                c.out.buf = Vec::new();
                c.sent = 0;
                let line = c.info_line();
                self.core.log.warning(&format!(
                    "Client {line} scheduled to be closed ASAP for overcoming of output buffer limits."
                ));
                continue;
            }
            if !c.pending_write {
                c.pending_write = true;
                self.net.pending.push(d.to.slot);
            }
        }
        waiting.append(&mut self.core.pubsub.outbox);
        self.core.pubsub.outbox = waiting;
    }

    /// Called after CLIENT UNPAUSE (from cron's next tick the paused clients resume).
    pub fn connected_clients(&self) -> usize {
        self.net.connected
    }
}
