//! Configuration: the parameter table, redis.conf parsing, command-line overrides and
//! the typed view the rest of the server reads.
//!
//! Every parameter has a name (plus optional alias), a kind that validates and
//! canonicalises values, a default (Redis 7.0.15's) and a mutability flag. Values are
//! kept in canonical text form for `CONFIG GET`/`CONFIG REWRITE`; [`Config::refresh`]
//! derives the typed fields (`port`, `maxmemory`, ...) the server uses on hot paths.
//! Start-up errors use Redis's `*** FATAL CONFIG FILE ERROR ***` report.

use crate::glob::glob_match;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Bool,
    Int(i64, i64),
    Memory,
    /// A memory value or a percentage of `maxmemory` (`maxmemory-clients`).
    MemoryOrPercent,
    Enum(&'static [&'static str]),
    Str,
    /// `save` (pairs of seconds/changes, or empty).
    Save,
    /// Space-separated list (bind, client-output-buffer-limit, ...), stored as given.
    List,
    /// Space-separated percentiles between 0 and 100 (`latency-tracking-info-percentiles`).
    Percentiles,
}

struct Param {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    default: &'static str,
    mutable: bool,
}

const fn p(name: &'static str, kind: Kind, default: &'static str, mutable: bool) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        mutable,
    }
}

const fn pa(
    name: &'static str,
    alias: &'static str,
    kind: Kind,
    default: &'static str,
    mutable: bool,
) -> Param {
    Param {
        name,
        alias: Some(alias),
        kind,
        default,
        mutable,
    }
}

const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning", "nothing"];
const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];
const FSYNC: &[&str] = &["always", "everysec", "no"];
const PUBSUB_DEFAULT: &[&str] = &["allchannels", "resetchannels"];
const DEBUG_ENABLE: &[&str] = &["no", "yes", "local"];
const I64MAX: i64 = i64::MAX;

/// Parameters Redis flags `HIDDEN_CONFIG`: `CONFIG GET` shows them only by exact name.
const HIDDEN: &[&str] = &["key-load-delay"];

/// The parameter table (Redis 7.0.15 names and defaults).
static PARAMS: &[Param] = &[
    p("port", Kind::Int(0, 65535), "6379", true),
    p("bind", Kind::List, "127.0.0.1", true),
    p("dir", Kind::Str, "", true),
    p("save", Kind::Save, "3600 1 300 100 60 10000", true),
    p("appendonly", Kind::Bool, "no", true),
    p("appendfsync", Kind::Enum(FSYNC), "everysec", true),
    p("appendfilename", Kind::Str, "appendonly.aof", false),
    p("appenddirname", Kind::Str, "appendonlydir", false),
    p("dbfilename", Kind::Str, "dump.rdb", true),
    p("requirepass", Kind::Str, "", true),
    p("databases", Kind::Int(1, i32::MAX as i64), "16", false),
    p("loglevel", Kind::Enum(LOGLEVELS), "notice", true),
    p("logfile", Kind::Str, "", false),
    p("maxmemory", Kind::Memory, "0", true),
    p("maxmemory-policy", Kind::Enum(POLICIES), "noeviction", true),
    p("maxmemory-samples", Kind::Int(1, 64), "5", true),
    p("maxmemory-eviction-tenacity", Kind::Int(0, 100), "10", true),
    p("maxmemory-clients", Kind::MemoryOrPercent, "0", true),
    // Replication is not implemented: no master is ever configured.
    pa("replicaof", "slaveof", Kind::Str, "", false),
    // A debugging knob of Redis, hidden from CONFIG GET patterns (see HIDDEN).
    p(
        "key-load-delay",
        Kind::Int(i32::MIN as i64, i32::MAX as i64),
        "0",
        true,
    ),
    p("lfu-log-factor", Kind::Int(0, i32::MAX as i64), "10", true),
    p("lfu-decay-time", Kind::Int(0, i32::MAX as i64), "1", true),
    p("maxclients", Kind::Int(1, i32::MAX as i64), "10000", true),
    p("hz", Kind::Int(0, i32::MAX as i64), "10", true),
    p("dynamic-hz", Kind::Bool, "yes", true),
    p("timeout", Kind::Int(0, i32::MAX as i64), "0", true),
    p("acllog-max-len", Kind::Int(0, i64::MAX), "128", true),
    p("aclfile", Kind::Str, "", false),
    p(
        "acl-pubsub-default",
        Kind::Enum(PUBSUB_DEFAULT),
        "resetchannels",
        true,
    ),
    p("tcp-keepalive", Kind::Int(0, i32::MAX as i64), "300", true),
    p("tcp-backlog", Kind::Int(0, i32::MAX as i64), "511", false),
    p("protected-mode", Kind::Bool, "yes", true),
    p("daemonize", Kind::Enum(&["no"]), "no", false),
    p("pidfile", Kind::Str, "", false),
    p("proto-max-bulk-len", Kind::Memory, "536870912", true),
    p(
        "client-query-buffer-limit",
        Kind::Memory,
        "1073741824",
        true,
    ),
    p(
        "client-output-buffer-limit",
        Kind::List,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        true,
    ),
    // This server never has replicas: with both set above 0, writes are refused.
    pa(
        "min-replicas-to-write",
        "min-slaves-to-write",
        Kind::Int(0, i32::MAX as i64),
        "0",
        true,
    ),
    pa(
        "min-replicas-max-lag",
        "min-slaves-max-lag",
        Kind::Int(0, i32::MAX as i64),
        "10",
        true,
    ),
    pa(
        "busy-reply-threshold",
        "lua-time-limit",
        Kind::Int(0, I64MAX),
        "5000",
        true,
    ),
    // Not in Redis: the heap cap of each Lua state, bytes, 0 = unlimited.
    p("lua-heap-limit", Kind::Memory, "1073741824", true),
    p(
        "enable-debug-command",
        Kind::Enum(DEBUG_ENABLE),
        "no",
        false,
    ),
    p(
        "enable-module-command",
        Kind::Enum(DEBUG_ENABLE),
        "no",
        false,
    ),
    p(
        "enable-protected-configs",
        Kind::Enum(DEBUG_ENABLE),
        "no",
        false,
    ),
    p(
        "slowlog-log-slower-than",
        Kind::Int(-1, I64MAX),
        "10000",
        true,
    ),
    p("slowlog-max-len", Kind::Int(0, I64MAX), "128", true),
    p("latency-monitor-threshold", Kind::Int(0, I64MAX), "0", true),
    p("latency-tracking", Kind::Bool, "yes", true),
    p(
        "latency-tracking-info-percentiles",
        Kind::Percentiles,
        "50 99 99.9",
        true,
    ),
    p("activerehashing", Kind::Bool, "yes", true),
    p("active-expire-effort", Kind::Int(1, 10), "1", true),
    p("lazyfree-lazy-eviction", Kind::Bool, "no", true),
    p("lazyfree-lazy-expire", Kind::Bool, "no", true),
    p("lazyfree-lazy-server-del", Kind::Bool, "no", true),
    p("lazyfree-lazy-user-del", Kind::Bool, "no", true),
    p("lazyfree-lazy-user-flush", Kind::Bool, "no", true),
    p("notify-keyspace-events", Kind::Str, "", true),
    p("hll-sparse-max-bytes", Kind::Memory, "3000", true),
    pa(
        "hash-max-listpack-entries",
        "hash-max-ziplist-entries",
        Kind::Int(0, I64MAX),
        "512",
        true,
    ),
    pa(
        "hash-max-listpack-value",
        "hash-max-ziplist-value",
        Kind::Int(0, I64MAX),
        "64",
        true,
    ),
    pa(
        "list-max-listpack-size",
        "list-max-ziplist-size",
        Kind::Int(i32::MIN as i64, i32::MAX as i64),
        "-2",
        true,
    ),
    p(
        "list-compress-depth",
        Kind::Int(0, i32::MAX as i64),
        "0",
        true,
    ),
    p("set-max-intset-entries", Kind::Int(0, I64MAX), "512", true),
    pa(
        "zset-max-listpack-entries",
        "zset-max-ziplist-entries",
        Kind::Int(0, I64MAX),
        "128",
        true,
    ),
    pa(
        "zset-max-listpack-value",
        "zset-max-ziplist-value",
        Kind::Int(0, I64MAX),
        "64",
        true,
    ),
    p("stream-node-max-bytes", Kind::Memory, "4096", true),
    p("stream-node-max-entries", Kind::Int(0, I64MAX), "100", true),
    p("stop-writes-on-bgsave-error", Kind::Bool, "yes", true),
    p("rdbcompression", Kind::Bool, "yes", true),
    p("rdbchecksum", Kind::Bool, "yes", true),
    // RESTORE always checks payloads fully; the setting is kept for CONFIG compatibility.
    p(
        "sanitize-dump-payload",
        Kind::Enum(&["no", "yes", "clients"]),
        "no",
        true,
    ),
    p("io-threads", Kind::Int(1, 128), "1", false),
    p(
        "supervised",
        Kind::Enum(&["upstart", "systemd", "auto", "no"]),
        "no",
        false,
    ),
    p("always-show-logo", Kind::Bool, "no", false),
    p("syslog-enabled", Kind::Bool, "no", false),
    p("unixsocket", Kind::Str, "", false),
    p("replicaof", Kind::Str, "", false),
    p("replica-read-only", Kind::Bool, "yes", true),
    p("repl-backlog-size", Kind::Memory, "1048576", true),
    // Accepted for configuration-file compatibility (no replication or AOF rewrite here).
    p(
        "repl-diskless-sync-delay",
        Kind::Int(0, i32::MAX as i64),
        "5",
        true,
    ),
    pa(
        "replica-serve-stale-data",
        "slave-serve-stale-data",
        Kind::Bool,
        "yes",
        true,
    ),
    p("no-appendfsync-on-rewrite", Kind::Bool, "no", true),
    p("bind-source-addr", Kind::Str, "", true),
    p(
        "propagation-error-behavior",
        Kind::Enum(&["ignore", "panic", "panic-on-replicas"]),
        "ignore",
        true,
    ),
    p(
        "shutdown-timeout",
        Kind::Int(0, i32::MAX as i64),
        "10",
        true,
    ),
    p(
        "shutdown-on-sigint",
        Kind::Enum(&["default", "save", "nosave", "now", "force"]),
        "default",
        true,
    ),
    p(
        "shutdown-on-sigterm",
        Kind::Enum(&["default", "save", "nosave", "now", "force"]),
        "default",
        true,
    ),
];

/// A configuration problem: `Display` gives Redis's reason text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Unknown name or wrong number of arguments.
    BadDirective,
    /// A value that does not fit the parameter's kind.
    BadValue(String),
    /// `CONFIG SET` of a start-up-only parameter.
    Immutable,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::BadDirective => f.write_str("Bad directive or wrong number of arguments"),
            ConfigError::BadValue(s) => f.write_str(s),
            ConfigError::Immutable => f.write_str("can't set immutable config"),
        }
    }
}

/// Typed view plus canonical text of every parameter.
#[derive(Debug, Clone)]
pub struct Config {
    values: Vec<String>,
    /// The config file given on the command line (for CONFIG REWRITE).
    pub file: Option<String>,
    pub port: u16,
    pub bind: Vec<String>,
    pub requirepass: Option<Vec<u8>>,
    pub databases: usize,
    pub loglevel: usize,
    pub logfile: String,
    pub maxmemory: u64,
    pub hz: u32,
    pub timeout: u64,
    pub maxclients: usize,
    pub proto_max_bulk_len: usize,
    pub client_query_buffer_limit: usize,
    pub busy_reply_threshold_ms: u64,
    /// `min-replicas-to-write` and `min-replicas-max-lag` both above 0: with no replicas
    /// ever connected, writes are refused (`-NOREPLICAS`).
    pub min_replicas_enforced: bool,
    /// `lua-heap-limit` in bytes (0 = unlimited); applied at the start of each run.
    pub lua_heap_limit: usize,
    pub enable_debug: usize,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: usize,
    pub latency_monitor_threshold: u64,
    /// `latency-tracking`: per-command latency histograms are recorded.
    pub latency_tracking: bool,
    /// `latency-tracking-info-percentiles`, for INFO latencystats.
    pub latency_percentiles: Vec<f64>,
    pub tcp_backlog: i32,
    /// `notify-keyspace-events` as `notify` class bits.
    pub notify_flags: u32,
    /// `user <name> <rules...>` directives, in order (applied by the ACL at start-up).
    pub user_directives: Vec<Vec<String>>,
}

/// `notify-keyspace-events` in the letter order CONFIG GET shows; the flags go to
/// `flags` (the text alone can lose `n`: Redis shows `AKEn` as `AKE`).
fn canonical_notify(v: &str, flags: &mut u32) -> Result<String, ConfigError> {
    let f = crate::notify::parse_flags(v)
        .ok_or_else(|| ConfigError::BadValue(crate::notify::BAD_FLAGS.into()))?;
    *flags = f;
    Ok(crate::notify::flags_to_string(f))
}

/// Applies `class hard soft seconds ...` groups to the current limits; the result lists
/// every class in bytes, as CONFIG GET shows it.
fn merge_output_limits(old: &str, new: &str) -> Result<String, ConfigError> {
    crate::pubsub::merge_output_limits(old, new).map_err(|e| ConfigError::BadValue(e.into()))
}

/// Parses a memory amount: `100`, `1k` (1000), `1kb` (1024), `m`, `mb`, `g`, `gb`.
pub fn parse_memory(s: &str) -> Option<u64> {
    let l = s.to_ascii_lowercase();
    let (num, mul): (&str, u64) = if let Some(n) = l.strip_suffix("gb") {
        (n, 1 << 30)
    } else if let Some(n) = l.strip_suffix("mb") {
        (n, 1 << 20)
    } else if let Some(n) = l.strip_suffix("kb") {
        (n, 1 << 10)
    } else if let Some(n) = l.strip_suffix('g') {
        (n, 1_000_000_000)
    } else if let Some(n) = l.strip_suffix('m') {
        (n, 1_000_000)
    } else if let Some(n) = l.strip_suffix('k') {
        (n, 1000)
    } else if let Some(n) = l.strip_suffix('b') {
        (n, 1)
    } else {
        (&l[..], 1)
    };
    let v: i64 = num.parse().ok()?;
    if v < 0 {
        return None;
    }
    (v as u64).checked_mul(mul)
}

fn find_param(name: &str) -> Option<usize> {
    let l = name.to_ascii_lowercase();
    PARAMS
        .iter()
        .position(|p| p.name == l || p.alias == Some(&l[..]))
}

fn canonical(kind: Kind, args: &[String]) -> Result<String, ConfigError> {
    let one = || -> Result<&String, ConfigError> {
        if args.len() == 1 {
            Ok(&args[0])
        } else {
            Err(ConfigError::BadDirective)
        }
    };
    match kind {
        Kind::Bool => {
            let v = one()?.to_ascii_lowercase();
            match v.as_str() {
                "yes" | "no" => Ok(v),
                _ => Err(ConfigError::BadValue(
                    "argument must be 'yes' or 'no'".into(),
                )),
            }
        }
        Kind::Int(lo, hi) => {
            let v = one()?;
            let n: i64 = v.parse().map_err(|_| {
                ConfigError::BadValue("argument couldn't be parsed into an integer".into())
            })?;
            if n < lo || n > hi {
                return Err(ConfigError::BadValue(format!(
                    "argument must be between {lo} and {hi} inclusive"
                )));
            }
            Ok(n.to_string())
        }
        Kind::Memory => {
            let v = one()?;
            parse_memory(v)
                .map(|n| n.to_string())
                .ok_or_else(|| ConfigError::BadValue("argument must be a memory value".into()))
        }
        Kind::MemoryOrPercent => {
            let v = one()?;
            let bad = || ConfigError::BadValue("argument must be a memory or percent value".into());
            if let Some(pct) = v.strip_suffix('%') {
                let n: i64 = pct.parse().map_err(|_| bad())?;
                if n < 0 {
                    return Err(bad());
                }
                if n > 100 {
                    return Err(ConfigError::BadValue(
                        "percentage argument must be less or equal to 100".into(),
                    ));
                }
                return Ok(format!("{n}%"));
            }
            parse_memory(v).map(|n| n.to_string()).ok_or_else(bad)
        }
        Kind::Enum(opts) => {
            let v = one()?.to_ascii_lowercase();
            if opts.contains(&v.as_str()) {
                Ok(v)
            } else {
                Err(ConfigError::BadValue(format!(
                    "argument(s) must be one of the following: {}",
                    opts.join(", ")
                )))
            }
        }
        Kind::Str => Ok(one()?.clone()),
        Kind::Save => {
            let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
            if words.len() % 2 != 0 || words.iter().any(|w| w.parse::<u64>().is_err()) {
                return Err(ConfigError::BadValue("Invalid save parameters".into()));
            }
            Ok(words.join(" "))
        }
        Kind::List => {
            let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
            Ok(words.join(" "))
        }
        Kind::Percentiles => {
            let mut out = Vec::new();
            for w in args.iter().flat_map(|a| a.split_whitespace()) {
                let v: f64 = w.parse().map_err(|_| {
                    ConfigError::BadValue(
                        "Invalid latency-tracking-info-percentiles parameters".into(),
                    )
                })?;
                if !(0.0..=100.0).contains(&v) {
                    return Err(ConfigError::BadValue(
                        "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                            .into(),
                    ));
                }
                out.push(resp::number::format_g(v, 6));
            }
            Ok(out.join(" "))
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        let mut c = Config {
            values: PARAMS.iter().map(|p| p.default.to_string()).collect(),
            file: None,
            port: 6379,
            bind: vec![],
            requirepass: None,
            databases: 16,
            loglevel: 2,
            logfile: String::new(),
            maxmemory: 0,
            hz: 10,
            timeout: 0,
            maxclients: 10000,
            proto_max_bulk_len: resp::request::DEFAULT_MAX_BULK_LEN,
            client_query_buffer_limit: 1 << 30,
            busy_reply_threshold_ms: 5000,
            min_replicas_enforced: false,
            lua_heap_limit: 1 << 30,
            enable_debug: 0,
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            latency_tracking: true,
            latency_percentiles: Vec::new(),
            tcp_backlog: 511,
            notify_flags: 0,
            user_directives: Vec::new(),
        };
        if let Ok(d) = std::env::current_dir() {
            c.values[find_param("dir").unwrap_or(0)] = d.display().to_string();
        }
        c.refresh();
        c
    }
}

impl Config {
    fn get_idx(&self, name: &str) -> &str {
        find_param(name)
            .map(|i| self.values[i].as_str())
            .unwrap_or("")
    }

    /// Canonical text of a parameter (empty when unknown).
    pub fn get(&self, name: &str) -> &str {
        self.get_idx(name)
    }

    /// Re-derives the typed fields from the text values.
    pub fn refresh(&mut self) {
        let int = |c: &Config, n: &str| c.get_idx(n).parse::<i64>().unwrap_or(0);
        self.port = int(self, "port") as u16;
        self.bind = self
            .get_idx("bind")
            .split_whitespace()
            .map(String::from)
            .collect();
        let rp = self.get_idx("requirepass");
        self.requirepass = if rp.is_empty() {
            None
        } else {
            Some(rp.as_bytes().to_vec())
        };
        self.databases = int(self, "databases") as usize;
        self.loglevel = LOGLEVELS
            .iter()
            .position(|l| *l == self.get_idx("loglevel"))
            .unwrap_or(2);
        self.logfile = self.get_idx("logfile").to_string();
        self.maxmemory = int(self, "maxmemory") as u64;
        self.hz = (int(self, "hz") as u32).clamp(1, 500);
        self.timeout = int(self, "timeout") as u64;
        self.maxclients = int(self, "maxclients") as usize;
        self.proto_max_bulk_len = int(self, "proto-max-bulk-len") as usize;
        self.client_query_buffer_limit = int(self, "client-query-buffer-limit") as usize;
        self.busy_reply_threshold_ms = int(self, "busy-reply-threshold") as u64;
        self.min_replicas_enforced =
            int(self, "min-replicas-to-write") > 0 && int(self, "min-replicas-max-lag") > 0;
        self.lua_heap_limit = int(self, "lua-heap-limit") as usize;
        self.enable_debug = DEBUG_ENABLE
            .iter()
            .position(|l| *l == self.get_idx("enable-debug-command"))
            .unwrap_or(0);
        self.slowlog_log_slower_than = int(self, "slowlog-log-slower-than");
        self.slowlog_max_len = int(self, "slowlog-max-len") as usize;
        self.latency_monitor_threshold = int(self, "latency-monitor-threshold") as u64;
        self.latency_tracking = self.get_idx("latency-tracking") == "yes";
        self.latency_percentiles = self
            .get_idx("latency-tracking-info-percentiles")
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        self.tcp_backlog = int(self, "tcp-backlog") as i32;
        crate::types::set_limits(crate::types::EncodingLimits {
            hash_entries: int(self, "hash-max-listpack-entries") as usize,
            hash_value: int(self, "hash-max-listpack-value") as usize,
            set_intset_entries: int(self, "set-max-intset-entries") as usize,
            zset_entries: int(self, "zset-max-listpack-entries") as usize,
            zset_value: int(self, "zset-max-listpack-value") as usize,
        });
    }

    /// Applies one directive at start-up (any parameter may be set).
    pub fn apply_directive(&mut self, name: &str, args: &[String]) -> Result<(), ConfigError> {
        if name.eq_ignore_ascii_case("user") && !args.is_empty() {
            let first = args[0].split_whitespace().next().unwrap_or("");
            if self
                .user_directives
                .iter()
                .any(|d| d[0].split_whitespace().next() == Some(first))
            {
                return Err(ConfigError::BadValue(
                    "Duplicate user found. A user can only be defined once in config files".into(),
                ));
            }
            self.user_directives.push(args.to_vec());
            return Ok(());
        }
        let idx = find_param(name).ok_or(ConfigError::BadDirective)?;
        if args.is_empty() {
            return Err(ConfigError::BadDirective);
        }
        let v = canonical(PARAMS[idx].kind, args)?;
        self.values[idx] = match PARAMS[idx].name {
            "notify-keyspace-events" => canonical_notify(&v, &mut self.notify_flags)?,
            "client-output-buffer-limit" => merge_output_limits(&self.values[idx], &v)?,
            _ => v,
        };
        Ok(())
    }

    /// `CONFIG SET name value`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let idx = find_param(name).ok_or(ConfigError::BadDirective)?;
        if !PARAMS[idx].mutable {
            return Err(ConfigError::Immutable);
        }
        let args: Vec<String> = match PARAMS[idx].kind {
            Kind::Save | Kind::List | Kind::Percentiles => {
                value.split_whitespace().map(String::from).collect()
            }
            _ => vec![value.to_string()],
        };
        let mut v = if args.is_empty() {
            String::new()
        } else {
            canonical(PARAMS[idx].kind, &args)?
        };
        match PARAMS[idx].name {
            "notify-keyspace-events" => v = canonical_notify(&v, &mut self.notify_flags)?,
            "client-output-buffer-limit" => v = merge_output_limits(&self.values[idx], &v)?,
            _ => {}
        }
        self.values[idx] = v;
        self.refresh();
        Ok(())
    }

    /// Whether `name` is a known parameter or alias.
    pub fn is_known(name: &str) -> bool {
        find_param(name).is_some()
    }

    /// The canonical name of a parameter or alias.
    pub fn canonical_name(name: &str) -> Option<&'static str> {
        find_param(name).map(|i| PARAMS[i].name)
    }

    /// `CONFIG GET` pairs whose name or alias matches any of `patterns` (hidden
    /// parameters only when named exactly).
    pub fn matching(&self, patterns: &[&[u8]]) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for pat in patterns {
            for (i, p) in PARAMS.iter().enumerate() {
                for name in std::iter::once(p.name).chain(p.alias) {
                    let hidden =
                        HIDDEN.contains(&name) && !pat.eq_ignore_ascii_case(name.as_bytes());
                    if !hidden
                        && glob_match(pat, name.as_bytes(), true)
                        && !out.iter().any(|(n, _)| *n == name)
                    {
                        out.push((name, self.values[i].clone()));
                    }
                }
            }
        }
        out
    }

    /// The text written by `CONFIG REWRITE`: every parameter that differs from default.
    pub fn rewrite_text(&self) -> String {
        let mut s = String::from("# Generated by CONFIG REWRITE\n");
        for (i, p) in PARAMS.iter().enumerate() {
            if self.values[i] != p.default && p.name != "dir" {
                let v = &self.values[i];
                match p.kind {
                    Kind::Save if v.is_empty() => s.push_str("save \"\"\n"),
                    Kind::Save | Kind::List => s.push_str(&format!("{} {}\n", p.name, v)),
                    _ => s.push_str(&format!("{} \"{}\"\n", p.name, v.replace('"', "\\\""))),
                }
            }
        }
        s.push_str(&format!("dir \"{}\"\n", self.get_idx("dir")));
        s
    }
}

/// A fatal start-up error in Redis's format.
#[derive(Debug)]
pub struct FatalConfigError {
    pub line_no: usize,
    pub line: String,
    pub reason: String,
}

impl std::fmt::Display for FatalConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {}\n>>> '{}'\n{}",
            self.line_no, self.line, self.reason
        )
    }
}

fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                q.push('\\');
                q.push(c)
            }
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            _ => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Builds the configuration from `rlua51-server [config-file] [--name value ...]`.
/// As in Redis, the command-line options are appended to the file's text (after an empty
/// line) and both are read as one config, so line numbers in errors count both.
pub fn from_args(args: &[String]) -> Result<Config, FatalConfigError> {
    let mut text = String::new();
    let mut rest = args;
    let mut file = None;
    if let Some(first) = args.first() {
        if !first.starts_with("--") {
            match std::fs::read_to_string(first) {
                Ok(t) => text = t,
                Err(e) => {
                    return Err(FatalConfigError {
                        line_no: 0,
                        line: first.clone(),
                        reason: format!("Fatal error, can't open config file '{first}': {e}"),
                    })
                }
            }
            file = Some(first.clone());
            rest = &args[1..];
        }
    }
    if !rest.is_empty() {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
        let mut i = 0;
        let mut line = String::new();
        while i < rest.len() {
            let a = &rest[i];
            if let Some(name) = a.strip_prefix("--") {
                if !line.is_empty() {
                    text.push_str(&line);
                    text.push('\n');
                }
                line = name.to_string();
            } else {
                line.push(' ');
                line.push_str(&quote(a));
            }
            i += 1;
        }
        if !line.is_empty() {
            text.push_str(&line);
            text.push('\n');
        }
    }
    let mut cfg = Config {
        file: file.clone(),
        ..Config::default()
    };
    for (n, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut store = Vec::new();
        let mut ranges = Vec::new();
        let fail = |reason: String| FatalConfigError {
            line_no: n + 1,
            line: trimmed.to_string(),
            reason,
        };
        if resp::inline::split_args(trimmed.as_bytes(), &mut store, &mut ranges).is_err() {
            return Err(fail("Unbalanced quotes in configuration line".into()));
        }
        let words: Vec<String> = ranges
            .iter()
            .map(|&(a, b)| String::from_utf8_lossy(&store[a as usize..b as usize]).into_owned())
            .collect();
        if words.is_empty() {
            continue;
        }
        cfg.apply_directive(&words[0], &words[1..])
            .map_err(|e| fail(e.to_string()))?;
    }
    cfg.refresh();
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn command_line_and_errors() {
        let c = from_args(&args(&[
            "--port",
            "7000",
            "--save",
            "",
            "--maxmemory",
            "1mb",
        ]))
        .unwrap();
        assert_eq!(c.port, 7000);
        assert_eq!(c.get("save"), "");
        assert_eq!(c.maxmemory, 1 << 20);
        let e = from_args(&args(&["--port", "16398", "--foo", "bar"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'foo \"bar\"'\nBad directive or wrong number of arguments"
        );
        let e = from_args(&args(&["--port", "abc"])).unwrap_err();
        assert_eq!(e.line_no, 2);
        assert_eq!(e.reason, "argument couldn't be parsed into an integer");
    }

    #[test]
    fn config_set_and_get() {
        let mut c = Config::default();
        assert_eq!(c.set("maxmemory", "10mb"), Ok(()));
        assert_eq!(c.get("maxmemory"), "10485760");
        assert_eq!(c.set("databases", "3"), Err(ConfigError::Immutable));
        assert_eq!(c.set("nope", "3"), Err(ConfigError::BadDirective));
        assert_eq!(c.set("lua-time-limit", "100"), Ok(()));
        assert_eq!(c.busy_reply_threshold_ms, 100);
        let m = c.matching(&[b"maxmemory*"]);
        assert!(m.iter().any(|(n, _)| *n == "maxmemory-policy"));
    }
}
