//! Server state and command dispatch.
//!
//! State is split by who may hold it while a script runs:
//!
//! * [`Core`]: keyspace, configuration, command table and statistics, the log, the slow
//!   log. A running script (later, through the scripting bridge) holds `&mut Core` for
//!   its whole run, as `redis.call` executes commands against it.
//! * the network side (`event_loop::Net`): poller, listeners, connections. It stays
//!   free while a script runs, so a busy script's hook can hand control to the loop to
//!   serve other clients (`-BUSY`, `SCRIPT KILL`, `SHUTDOWN NOSAVE`) with only a shared
//!   view of the configuration and a kill flag.
//!
//! [`call`] is the one path every command takes: lookup in the command table, arity,
//! authentication and memory checks, the handler, then statistics and the slow log.

use crate::client::{Client, ReplyMode};
use crate::command_table::{self, CmdId, Registry};
use crate::config::Config;
use crate::db::Keyspace;
use crate::error::{error_code, error_reply, CmdError};
use crate::log::Logger;
use resp::Args;
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// Version reported as `redis_version` (the Redis release whose behaviour we follow).
pub const REDIS_VERSION: &str = "7.0.15";
/// Our own version, reported as `rlua51_version`.
pub const RLUA51_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Characters of a command's arguments echoed in an unknown-command error (Redis: 128).
const UNKNOWN_ARGS_MAX: usize = 128;
/// The refusal of writes while `min-replicas-to-write` is not met (Redis's text).
pub const NOREPLICAS: &str = "NOREPLICAS Not enough good replicas to write.";
/// Arguments and their length kept per slow-log entry (Redis: 32 args, 128 bytes each).
const SLOWLOG_MAX_ARGS: usize = 32;
const SLOWLOG_MAX_ARG_LEN: usize = 128;

/// Connection slots, indexed by mio token.
pub type ClientSlots = Vec<Option<Client>>;

/// Server-wide counters for INFO stats.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub total_connections_received: u64,
    pub total_commands_processed: u64,
    pub rejected_connections: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub total_error_replies: u64,
    pub unexpected_error_replies: u64,
    pub errorstats: BTreeMap<String, u64>,
    /// Ops/sec samples for `instantaneous_ops_per_sec`.
    pub ops_samples: VecDeque<f64>,
    pub last_sample: Option<(Instant, u64)>,
}

/// One slow-log entry.
#[derive(Debug, Clone)]
pub struct SlowEntry {
    pub id: u64,
    pub time: i64,
    pub micros: u64,
    pub args: Vec<Vec<u8>>,
    pub addr: String,
    pub name: Vec<u8>,
}

/// How a `SHUTDOWN` asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownRequest {
    pub nosave: bool,
}

/// An active `CLIENT PAUSE`.
#[derive(Debug, Clone, Copy)]
pub struct Pause {
    pub until: Instant,
    /// Only write commands are paused (`WRITE` mode).
    pub write_only: bool,
}

/// Everything a command (or a running script) works on, apart from connections.
pub struct Core {
    /// Listening sockets bound by `CONFIG SET port`/`bind`, swapped in by the event loop.
    pub rebind: Option<Vec<crate::listen::Planned>>,
    /// Addresses the server listens on now.
    pub listening: Vec<std::net::SocketAddr>,
    /// Latency events (`LATENCY LATEST` ...).
    pub latency: crate::latency::Monitor,
    pub config: Config,
    pub ks: Keyspace,
    pub registry: Registry,
    pub log: Logger,
    pub stats: Stats,
    pub slowlog: VecDeque<SlowEntry>,
    pub slowlog_next_id: u64,
    pub start: Instant,
    pub run_id: String,
    /// Unix time in ms, sampled when the current command started.
    pub cmd_time_ms: i64,
    pub dirty: u64,
    pub lastsave: i64,
    /// RDB saving and loading state.
    pub persist: crate::persist::Persistence,
    pub rng: u64,
    pub next_client_id: u64,
    pub shutdown: Option<ShutdownRequest>,
    pub pause: Option<Pause>,
    /// Clients whose command waits for the end of a `CLIENT PAUSE` (counted in INFO
    /// `blocked_clients`, as Redis counts them).
    pub postponed: usize,
    /// Event loop iterations, for INFO.
    pub cronloops: u64,
    /// Clients parked on keys by blocking commands.
    pub blocking: crate::blocking::BlockIndex,
    /// Keys under WATCH and the transactions they can abort.
    pub watches: crate::multi::WatchIndex,
    /// EVAL scripting: the Lua state, the script cache and their INFO figures.
    pub scripting: crate::scripting::Scripting,
    /// Channel and pattern subscriptions, messages on their way.
    pub pubsub: crate::pubsub::PubSub,
    /// While a command runs with MONITOR clients connected: the lines of the commands
    /// its script runs, fed to the monitors after the command's own line.
    pub monitor_backlog: Option<Vec<Vec<u8>>>,
    /// Used memory when the server was created (INFO `used_memory_startup`).
    pub startup_memory: usize,
    /// ACL users and the ACL LOG.
    pub acl: crate::acl::Acl,
    pub acl_log: crate::acl::log::AclLog,
}

/// Unix time in milliseconds.
pub fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Core {
    /// Starts (or replaces) a `CLIENT PAUSE`; expiry waits for its end.
    pub fn start_pause(&mut self, p: Pause) {
        self.pause = Some(p);
        self.ks.expiry_paused = true;
    }

    /// Ends the `CLIENT PAUSE`; the event loop then runs the postponed commands.
    pub fn end_pause(&mut self) {
        self.pause = None;
        self.ks.expiry_paused = false;
    }

    pub fn new(config: Config, log: Logger) -> Core {
        let seed = unix_ms() as u64 ^ ((std::process::id() as u64) << 32) ^ 0x9e37_79b9_7f4a_7c15;
        let registry = Registry::new();
        let mut acl = crate::acl::Acl::new(&registry);
        acl.sync_config(&registry, &config);
        let mut core = Core {
            ks: Keyspace::new(config.databases),
            config,
            registry,
            log,
            stats: Stats::default(),
            slowlog: VecDeque::new(),
            slowlog_next_id: 0,
            start: Instant::now(),
            run_id: String::new(),
            cmd_time_ms: unix_ms(),
            dirty: 0,
            lastsave: unix_ms() / 1000,
            persist: Default::default(),
            rng: seed | 1,
            next_client_id: 1,
            shutdown: None,
            pause: None,
            postponed: 0,
            cronloops: 0,
            blocking: Default::default(),
            watches: Default::default(),
            scripting: crate::scripting::Scripting::new(),
            pubsub: Default::default(),
            monitor_backlog: None,
            startup_memory: crate::alloc::used_memory(),
            acl,
            acl_log: Default::default(),
            latency: Default::default(),
            rebind: None,
            listening: Vec::new(),
        };
        core.ks.access.configure(&core.config);
        crate::commands::acl::load_at_startup(&mut core);
        core.run_id = (0..40)
            .map(|_| b"0123456789abcdef"[(core.rand() % 16) as usize] as char)
            .collect();
        core
    }

    /// xorshift64* random numbers (key sampling, run id; not cryptographic).
    pub fn rand(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Counts an error reply in INFO errorstats.
    pub fn count_error(&mut self, reply: &str) {
        self.stats.total_error_replies += 1;
        *self
            .stats
            .errorstats
            .entry(error_code(reply).to_string())
            .or_insert(0) += 1;
    }
}

/// What a command handler gets: the core, the calling client and (when called from the
/// network, not from a script) the other connections.
pub struct Ctx<'a> {
    pub core: &'a mut Core,
    pub client: &'a mut Client,
    pub others: Option<&'a mut ClientSlots>,
    /// The command being executed.
    pub cmd: CmdId,
}

impl Ctx<'_> {
    #[inline]
    pub fn out(&mut self) -> &mut resp::ReplyWriter {
        &mut self.client.out
    }
    #[inline]
    pub fn db(&self) -> usize {
        self.client.db
    }
    #[inline]
    pub fn now_ms(&self) -> i64 {
        self.core.cmd_time_ms
    }
}

/// Outcome of [`call`] that the event loop must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Done,
    /// The command is paused by CLIENT PAUSE; keep it for later.
    Paused,
}

fn quote_arg(a: &[u8], budget: &mut usize, out: &mut String) {
    let s = String::from_utf8_lossy(a);
    let take: String = s.chars().take(*budget).collect();
    *budget = budget.saturating_sub(take.chars().count());
    out.push('\'');
    out.push_str(&take);
    out.push_str("' ");
}

fn reject(core: &mut Core, client: &mut Client, id: Option<CmdId>, e: CmdError) {
    // A command refused while queueing a transaction makes EXEC fail.
    if let Some(m) = client.multi.as_mut() {
        m.failed = true;
    }
    let msg = error_reply(&e);
    if let Some(id) = id {
        core.registry.stats[id].rejected_calls += 1;
    }
    core.count_error(&msg);
    client.out.error(msg.as_bytes());
}

/// Refuses a command while a script is busy: `-BUSY ...` (see [`reject_or_abort_exec`]).
fn reject_busy(
    core: &mut Core,
    client: &mut Client,
    id: CmdId,
    cmd: &command_table::Command,
    kind: crate::scripting::busy::RunKind,
) {
    let text = crate::scripting::busy::busy_text(kind);
    reject_or_abort_exec(core, client, id, cmd, text);
}

/// Refuses a command with `text`; for EXEC the reply is
/// `-EXECABORT Transaction discarded because of: <text>` and the transaction (and its
/// watches) are discarded, whether or not the client was in MULTI, as Redis 7.0.15 does.
fn reject_or_abort_exec(
    core: &mut Core,
    client: &mut Client,
    id: CmdId,
    cmd: &command_table::Command,
    text: &'static str,
) {
    if cmd.name != "exec" {
        reject(core, client, Some(id), CmdError::msg(text));
        return;
    }
    client.multi = None;
    let watched = std::mem::take(&mut client.watched);
    core.watches.unwatch_all(client.id, &watched);
    reject(
        core,
        client,
        Some(id),
        CmdError::owned(format!(
            "EXECABORT Transaction discarded because of: {text}"
        )),
    );
}

/// Whether `cmd` is refused when over `maxmemory`: commands flagged `denyoom`, EXEC when
/// it would run one, and (as queueing takes memory) everything sent inside MULTI except
/// EXEC, DISCARD, QUIT and RESET.
fn oom_applies(client: &Client, cmd: &command_table::Command) -> bool {
    if cmd.flags & command_table::DENYOOM != 0 {
        return true;
    }
    let Some(m) = client.multi.as_ref() else {
        return false;
    };
    match cmd.name {
        "exec" => m.denyoom,
        "discard" | "quit" | "reset" => false,
        _ => true,
    }
}

/// Whether `cmd` counts as writing for `CLIENT PAUSE WRITE`: its `write` or
/// `may_replicate` flag as Redis's dispatch sees it, where a script or function that
/// declares flags is a write unless it declares `no-writes`.
fn may_replicate(core: &Core, cmd: &command_table::Command, args: &Args) -> bool {
    if cmd.flags & (command_table::WRITE | command_table::MAY_REPLICATE) == 0 {
        return false;
    }
    match cmd.name {
        "eval" | "evalsha" | "fcall" => core.scripting.declared_writes(cmd.name, args),
        _ => true,
    }
}

/// [`may_replicate`] for a command about to run: EXEC counts as writing when a queued
/// command does.
fn replicates(core: &Core, client: &Client, cmd: &command_table::Command, args: &Args) -> bool {
    if cmd.name == "exec" {
        return client.multi.as_ref().is_some_and(|m| m.writes);
    }
    may_replicate(core, cmd, args)
}

/// Whether dispatch treats `cmd` as a write command (refused by `-MISCONF` and
/// `-NOREPLICAS`): its `write` flag, EXEC of a transaction with a queued write, or a
/// script call whose declared flags lack `no-writes`.
fn is_write_command(
    core: &Core,
    client: &Client,
    cmd: &command_table::Command,
    args: &Args,
) -> bool {
    if cmd.name == "exec" {
        return client.multi.as_ref().is_some_and(|m| m.writes);
    }
    if cmd.flags & command_table::WRITE != 0 {
        return true;
    }
    matches!(
        cmd.name,
        "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro"
    ) && core.scripting.declares_writes(cmd.name, args)
}

/// Executes one command line for `client`.
pub fn call(
    core: &mut Core,
    client: &mut Client,
    others: Option<&mut ClientSlots>,
    args: &Args,
) -> CallOutcome {
    let name = args.get(0);
    let Some(mut id) = core.registry.lookup(name) else {
        let mut msg = format!("ERR unknown command '{}', with args beginning with: ", {
            let s = String::from_utf8_lossy(name);
            s.chars().take(UNKNOWN_ARGS_MAX).collect::<String>()
        });
        let mut budget = UNKNOWN_ARGS_MAX;
        for a in args.iter().skip(1) {
            if budget == 0 {
                break;
            }
            quote_arg(a, &mut budget, &mut msg);
        }
        reject(core, client, None, CmdError::owned(msg));
        return CallOutcome::Done;
    };
    let top = core.registry.entries[id].cmd;
    if !top.subcommands.is_empty() {
        if args.len() < 2 && top.name != "command" {
            reject(
                core,
                client,
                Some(id),
                CmdError::WrongArity(top.name.to_string()),
            );
            return CallOutcome::Done;
        }
        // Plain `COMMAND` is `COMMAND INFO` for every command.
        let sub: &[u8] = if args.len() < 2 { b"info" } else { args.get(1) };
        match core.registry.lookup_sub(id, sub) {
            Some(s) => id = s,
            None => {
                let e = CmdError::UnknownSubcommand {
                    sub: String::from_utf8_lossy(args.get(1))
                        .chars()
                        .take(UNKNOWN_ARGS_MAX)
                        .collect(),
                    cmd: top.name.to_ascii_uppercase(),
                };
                reject(core, client, Some(id), e);
                return CallOutcome::Done;
            }
        }
    }
    let cmd = core.registry.entries[id].cmd;
    let argc = if top.subcommands.is_empty() {
        args.len()
    } else {
        args.len().max(2)
    };
    if !Registry::arity_ok(cmd, argc) {
        let n = core.registry.entries[id].full_name.clone();
        reject(core, client, Some(id), CmdError::WrongArity(n));
        return CallOutcome::Done;
    }
    if !client.authenticated && cmd.flags & command_table::NO_AUTH == 0 {
        reject(core, client, Some(id), CmdError::NoAuth);
        return CallOutcome::Done;
    }
    if client.user != "default" || !core.acl.default_unrestricted() {
        let context = if client.multi.is_some() || client.in_exec {
            crate::commands::acl::Context::Multi
        } else {
            crate::commands::acl::Context::TopLevel
        };
        let user = client.user.clone();
        client.last_cmd.clear();
        client
            .last_cmd
            .push_str(&core.registry.entries[id].full_name);
        let info = || client.info_line();
        if let Err(d) = crate::commands::acl::check_and_log(core, &user, id, args, context, &info) {
            let e = if client.in_exec {
                crate::commands::acl::exec_noperm_error(d)
            } else {
                crate::commands::acl::noperm_error(&core.registry, id, d)
            };
            reject(core, client, Some(id), e);
            return CallOutcome::Done;
        }
    }
    if core.config.maxmemory > 0 && !client.in_exec {
        // Eviction runs before every command, as in Redis; only commands that would take
        // memory are refused when it cannot get under the limit.
        let out_of_memory = !crate::evict::perform_evictions(core);
        if out_of_memory && oom_applies(client, cmd) {
            reject_or_abort_exec(core, client, id, cmd, crate::error::OOM);
            return CallOutcome::Done;
        }
    }
    // Refusals for writes; the write test (which may look at a script's flags) only
    // runs when one of them is in force.
    let misconf = crate::persist::writes_denied(core);
    if misconf || core.config.min_replicas_enforced {
        let writes = is_write_command(core, client, cmd, args);
        if misconf && (writes || cmd.name == "ping") {
            reject_or_abort_exec(core, client, id, cmd, crate::persist::MISCONF);
            return CallOutcome::Done;
        }
        if writes && core.config.min_replicas_enforced {
            reject_or_abort_exec(core, client, id, cmd, NOREPLICAS);
            return CallOutcome::Done;
        }
    }
    if client.out.proto == resp::Proto::Resp2
        && client.subs.any()
        && !crate::commands::pubsub::allowed_when_subscribed(cmd.name)
    {
        let n = core.registry.entries[id].full_name.clone();
        reject(
            core,
            client,
            Some(id),
            CmdError::owned(crate::commands::pubsub::subscribed_context_error(&n)),
        );
        return CallOutcome::Done;
    }
    if let Some(kind) = core.scripting.busy {
        if cmd.flags & command_table::ALLOW_BUSY == 0 {
            reject_busy(core, client, id, cmd, kind);
            return CallOutcome::Done;
        }
    }
    if let Some(p) = core.pause {
        if Instant::now() >= p.until {
            core.end_pause();
        } else if !client.deny_blocking
            && !client.monitor
            && (!p.write_only || replicates(core, client, cmd, args))
        {
            return CallOutcome::Paused;
        }
    }
    if client.multi.is_some() && !command_table::runs_inside_multi(cmd) {
        if cmd.flags & command_table::NO_MULTI != 0 {
            reject(
                core,
                client,
                Some(id),
                CmdError::msg("ERR Command not allowed inside a transaction"),
            );
            return CallOutcome::Done;
        }
        let writes = may_replicate(core, cmd, args);
        if let Some(m) = client.multi.as_mut() {
            m.queue.push(args.iter().map(|a| a.to_vec()).collect());
            m.denyoom |= cmd.flags & command_table::DENYOOM != 0;
            m.writes |= writes;
        }
        client.out.simple(b"QUEUED");
        return CallOutcome::Done;
    }
    let Some(handler) = cmd.handler else {
        return CallOutcome::Done;
    };
    if client.reply_mode == ReplyMode::SkipNext {
        client.reply_mode = ReplyMode::Skip;
    }
    let mark = client.out.buf.len();
    // CLIENT LIST/INFO show the command being run as `cmd`.
    client.last_cmd.clear();
    client
        .last_cmd
        .push_str(&core.registry.entries[id].full_name);
    core.cmd_time_ms = unix_ms();
    core.ks.tick(core.cmd_time_ms);
    let dirty_before = core.dirty;
    core.ks.track_expired = !core.watches.is_empty() || crate::notify::wants_expired(core);
    let snapshot = crate::notify::before(core, client, cmd, args);
    let started = Instant::now();
    let result = {
        let mut ctx = Ctx {
            core,
            client,
            others,
            cmd: id,
        };
        handler(&mut ctx, args)
    };
    let elapsed = started.elapsed();
    if cmd.name == "set" && core.registry.entries[id].parent.is_some() {
        // CONFIG SET may change requirepass or acl-pubsub-default.
        core.acl.sync_config(&core.registry, &core.config);
    }
    let expired = std::mem::take(&mut core.ks.expired_log);
    crate::notify::expired(core, Some(&mut *client), &expired);
    if !core.watches.is_empty() {
        touch_watched(core, client.db, id, args, dirty_before, expired);
    }
    if let Some(s) = snapshot {
        if result.is_ok() {
            crate::notify::after(core, client, cmd, args, s);
        }
    }
    let st = &mut core.registry.stats[id];
    // A command that parks its client is counted once, when it is finally served.
    if client.block_req.is_none() {
        st.calls += 1;
    }
    st.nanos += elapsed.as_nanos() as u64;
    if core.config.latency_tracking {
        st.latency.record(elapsed.as_nanos() as u64);
    }
    if let Err(e) = result {
        st.failed_calls += 1;
        let msg = error_reply(&e);
        core.count_error(&msg);
        client.out.error(msg.as_bytes());
    }
    crate::commands::latency::command_event(core, cmd, elapsed);
    core.stats.total_commands_processed += 1;
    // Subscription confirmations are sent even when replies are switched off, as
    // Redis 7.0 does (in RESP2 too).
    let pushed = matches!(
        cmd.name,
        "subscribe" | "psubscribe" | "ssubscribe" | "unsubscribe" | "punsubscribe" | "sunsubscribe"
    );
    match client.reply_mode {
        ReplyMode::Off if !pushed => client.out.buf.truncate(mark),
        ReplyMode::Skip => {
            if !pushed {
                client.out.buf.truncate(mark);
            }
            client.reply_mode = ReplyMode::On;
        }
        _ => {}
    }
    slowlog_maybe(core, client, cmd, args, elapsed);
    CallOutcome::Done
}

/// After a command: marks the watchers of every key it changed, and of keys that expired
/// meanwhile.
fn touch_watched(
    core: &mut Core,
    db: usize,
    id: CmdId,
    args: &Args,
    dirty_before: u64,
    expired: Vec<(usize, Vec<u8>)>,
) {
    for (d, k) in expired {
        core.watches.touch(d, &k, false);
    }
    if core.dirty == dirty_before {
        return;
    }
    let cmd = core.registry.entries[id].cmd;
    if cmd.group == "scripting" {
        // Scripts touch the keys their own commands change (`scripting::exec`).
        return;
    }
    for pos in command_table::command_keys(cmd, args) {
        let key = args.get(pos);
        let exists = core.ks.dbs[db].dict.contains_key(key);
        core.watches.touch(db, key, exists);
    }
}

fn slowlog_maybe(
    core: &mut Core,
    client: &Client,
    cmd: &command_table::Command,
    args: &Args,
    elapsed: Duration,
) {
    let threshold = core.config.slowlog_log_slower_than;
    if threshold < 0 || cmd.flags & command_table::SKIP_SLOWLOG != 0 {
        return;
    }
    let micros = elapsed.as_micros() as u64;
    if micros < threshold as u64 {
        return;
    }
    let mut v: Vec<Vec<u8>> = Vec::new();
    let argc = args.len();
    for (i, a) in args.iter().enumerate() {
        if i == SLOWLOG_MAX_ARGS - 1 && argc > SLOWLOG_MAX_ARGS {
            v.push(format!("... ({} more arguments)", argc - SLOWLOG_MAX_ARGS + 1).into_bytes());
            break;
        }
        if a.len() > SLOWLOG_MAX_ARG_LEN {
            let mut t = a[..SLOWLOG_MAX_ARG_LEN].to_vec();
            t.extend_from_slice(
                format!("... ({} more bytes)", a.len() - SLOWLOG_MAX_ARG_LEN).as_bytes(),
            );
            v.push(t);
        } else {
            v.push(a.to_vec());
        }
    }
    core.slowlog.push_front(SlowEntry {
        id: core.slowlog_next_id,
        time: unix_ms() / 1000,
        micros,
        args: v,
        addr: client.addr.clone(),
        name: client.name.clone().unwrap_or_default(),
    });
    core.slowlog_next_id += 1;
    while core.slowlog.len() > core.config.slowlog_max_len {
        core.slowlog.pop_back();
    }
}

/// The line MONITOR clients receive for a command.
pub fn monitor_line(client: &Client, args: &Args) -> Vec<u8> {
    monitor_line_from(client.db, &client.addr, args)
}

/// A MONITOR line for a command run in database `db` by `source` (an address, `lua`).
pub fn monitor_line_from(db: usize, source: &str, args: &Args) -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut s = format!(
        "+{}.{:06} [{} {}]",
        now.as_secs(),
        now.subsec_micros(),
        db,
        source
    )
    .into_bytes();
    for a in args.iter() {
        s.extend_from_slice(b" \"");
        for &c in a {
            match c {
                b'\\' => s.extend_from_slice(b"\\\\"),
                b'"' => s.extend_from_slice(b"\\\""),
                b'\n' => s.extend_from_slice(b"\\n"),
                b'\r' => s.extend_from_slice(b"\\r"),
                b'\t' => s.extend_from_slice(b"\\t"),
                7 => s.extend_from_slice(b"\\a"),
                8 => s.extend_from_slice(b"\\b"),
                0x20..=0x7e => s.push(c),
                _ => s.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
            }
        }
        s.push(b'"');
    }
    s.extend_from_slice(b"\r\n");
    s
}
