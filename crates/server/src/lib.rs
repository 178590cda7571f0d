//! `rlua51-server`: a Redis 7.0.15 compatible server, single-threaded on a `mio` event
//! loop, speaking RESP2 and RESP3 (protocol handling lives in the `resp` crate).
//!
//! Map of the crate:
//! * [`config`]: parameters, redis.conf and command-line parsing, CONFIG GET/SET.
//! * [`event_loop`]: accept/read/execute/write, before-sleep flushing, cron.
//! * [`server`]: server state (`Core`, separate from connections so a running script
//!   can hold it while the loop serves sockets) and the one dispatch path, `call`.
//! * [`command_table`]: every command's arity, flags, keys, ACL categories, handler.
//! * [`commands`]: handlers, one file per family.
//! * [`db`], [`dict`], [`sds`]: keyspace, hash table, compact strings.
//! * [`error`]: command errors and the one function mapping them to replies.
//! * [`scripting`]: EVAL/EVALSHA/SCRIPT, the sandboxed Lua state and the `redis.*` API.
//! * [`rdb`]: DUMP/RESTORE payloads in Redis's RDB format.
//! * [`pubsub`]: channel/pattern subscriptions and message delivery; [`notify`]: keyspace
//!   notifications derived from each write command.
//!
//! Tests: unit tests beside the code; `tests/` starts the binary and runs the transcripts
//! in `redis-tests/` (expected replies recorded from redis-server 7.0.15) and raw-socket
//! protocol tests.

pub mod acl;
pub mod alloc;
pub mod blocking;
pub mod client;
pub mod command_docs;
pub mod command_table;
pub mod commands;
pub mod config;
pub mod db;
pub mod dict;
pub mod error;
pub mod event_loop;
pub mod evict;
pub mod f80;
pub mod glob;
pub mod key_specs;
pub mod latency;
pub mod listen;
pub mod log;
pub mod multi;
pub mod notify;
pub mod persist;
pub mod pubsub;
pub mod rdb;
pub mod scripting;
pub mod sds;
pub mod server;
pub mod types;

/// Runs the server with command-line `args`; returns the process exit status.
pub fn start(args: &[String]) -> i32 {
    let cfg = match config::from_args(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let mut log = match log::Logger::new(cfg.loglevel, &cfg.logfile) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("Can't open the log file: {e}");
            return 1;
        }
    };
    log.warning("oO0OoO0OoO0Oo rlua51-server is starting oO0OoO0OoO0Oo");
    log.warning(&format!(
        "rlua51-server version={}, redis_version={}, bits=64, pid={}, just started",
        server::RLUA51_VERSION,
        server::REDIS_VERSION,
        std::process::id()
    ));
    if cfg.file.is_none() && args.is_empty() {
        log.warning("Warning: no config file specified, using the default config. In order to specify a config file use rlua51-server /path/to/redis.conf");
    } else {
        log.warning("Configuration loaded");
    }
    log.role = 'M';
    let port = cfg.port;
    let dir = cfg.get("dir").to_string();
    if !dir.is_empty() {
        if let Err(e) = std::env::set_current_dir(&dir) {
            log.warning(&format!("Can't chdir to '{dir}': {e}"));
            return 1;
        }
    }
    let mut core = server::Core::new(cfg, log);
    if core.config.get("appendonly") == "yes" {
        core.log.warning("WARNING: the append only file is not supported by this server: appendonly yes is ignored and only RDB snapshots (save points, SAVE, BGSAVE) persist the dataset.");
    }
    if let Err(e) = persist::load_at_start(&mut core) {
        core.log.warning(&e);
        return 1;
    }
    let mut srv = match event_loop::Server::new(core) {
        Ok(s) => s,
        Err(e) => {
            let mut l = log::Logger::new(log::NOTICE, "").expect("stdout logger");
            l.role = 'M';
            l.warning(&format!("Warning: {e}"));
            l.warning(&format!("Failed listening on port {port} (TCP), aborting."));
            return 1;
        }
    };
    if srv.core.config.get("always-show-logo") == "yes" {
        // The startup banner; tools that start the server (Redis's test suite) look
        // for ` PID: <pid>` in it.
        let banner = format!(
            "rlua51-server {} (Redis {} compatible), 64 bit, standalone mode, port {port}, PID: {}",
            server::RLUA51_VERSION,
            server::REDIS_VERSION,
            std::process::id()
        );
        srv.core.log.notice(&banner);
    }
    srv.core
        .log
        .notice(&format!("Running mode=standalone, port={port}."));
    srv.core.log.warning("Server initialized");
    srv.core.log.notice("Ready to accept connections");
    match srv.run() {
        Ok(()) => 0,
        Err(e) => {
            srv.core.log.warning(&format!("Event loop failed: {e}"));
            1
        }
    }
}
