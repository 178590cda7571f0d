//! The command table: one entry per command (and per subcommand of container commands
//! such as CLIENT or CONFIG) with arity, flags, key positions, ACL categories and the
//! handler. Dispatch, arity errors, `COMMAND` replies, `INFO commandstats` and (later)
//! the scripting permission checks all read this table; nothing re-lists commands.
//!
//! Arity follows Redis: `n > 0` means exactly `n` arguments including the name, `-n` at
//! least `n`. Key positions are `first`, `last` (negative counts from the end) and `step`.

use crate::commands::hyperloglog as hl;
use crate::commands::latency as lat;
use crate::commands::memory as mem;
use crate::commands::pubsub as ps;
use crate::commands::sort as so;
use crate::commands::{
    acl, bits, cluster as cl, connection as conn, dump, geo, hashes as ha, keys, lists as li,
    migrate as mig, server_cmds as srv, sets as se, stream_groups as sg, streams as sx,
    strings as st, transactions as tx, zsets as zs,
};
use crate::error::CmdResult;
use crate::scripting::commands as scr;
use crate::scripting::function_commands as fnc;
use crate::server::Ctx;
use resp::Args;
use std::collections::HashMap;

pub type Handler = fn(&mut Ctx, &Args) -> CmdResult;

// Command flags (one bit each), with the names COMMAND INFO reports.
pub const WRITE: u32 = 1 << 0; // may modify the dataset
pub const READONLY: u32 = 1 << 1; // only reads the dataset
pub const DENYOOM: u32 = 1 << 2; // refused when over maxmemory
pub const ADMIN: u32 = 1 << 3; // administrative, dangerous
pub const PUBSUB: u32 = 1 << 4; // pub/sub related
pub const NOSCRIPT: u32 = 1 << 5; // not allowed from scripts
pub const BLOCKING: u32 = 1 << 6; // may block the client
pub const LOADING: u32 = 1 << 7; // allowed while loading the dataset
pub const STALE: u32 = 1 << 8; // allowed on a replica with stale data
pub const SKIP_MONITOR: u32 = 1 << 9; // not shown to MONITOR
pub const SKIP_SLOWLOG: u32 = 1 << 10; // not recorded in SLOWLOG
pub const FAST: u32 = 1 << 11; // O(1) or O(log N), never blocks for long
pub const NO_AUTH: u32 = 1 << 12; // allowed before authentication
pub const MAY_REPLICATE: u32 = 1 << 13; // may propagate to replicas
pub const NO_MULTI: u32 = 1 << 14; // not allowed inside MULTI
pub const MOVABLE_KEYS: u32 = 1 << 15; // key positions depend on arguments
pub const ALLOW_BUSY: u32 = 1 << 16; // allowed while a script is busy
pub const SENTINEL: u32 = 1 << 17; // available in sentinel mode
pub const NO_ASYNC_LOADING: u32 = 1 << 18; // refused during async loading
pub const NO_MANDATORY_KEYS: u32 = 1 << 19; // may take keys, but none are required

const FLAG_NAMES: &[(u32, &str)] = &[
    (WRITE, "write"),
    (READONLY, "readonly"),
    (DENYOOM, "denyoom"),
    (ADMIN, "admin"),
    (PUBSUB, "pubsub"),
    (NOSCRIPT, "noscript"),
    (BLOCKING, "blocking"),
    (LOADING, "loading"),
    (STALE, "stale"),
    (SKIP_MONITOR, "skip_monitor"),
    (SKIP_SLOWLOG, "skip_slowlog"),
    (FAST, "fast"),
    (NO_AUTH, "no_auth"),
    // `may_replicate` is a flag Redis 7.0.15 acts on but does not list in COMMAND INFO.
    (NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (NO_ASYNC_LOADING, "no_async_loading"),
    (NO_MULTI, "no_multi"),
    (MOVABLE_KEYS, "movablekeys"),
    (ALLOW_BUSY, "allow_busy"),
];

// ACL categories given explicitly (read/write/admin/fast/slow/... derive from flags).
pub const KEYSPACE: u32 = 1 << 0;
pub const STRING: u32 = 1 << 1;
pub const BITMAP: u32 = 1 << 2;
pub const CONNECTION: u32 = 1 << 3;
pub const DANGEROUS: u32 = 1 << 4;
pub const TRANSACTION: u32 = 1 << 5;
pub const SCRIPTING: u32 = 1 << 6;
pub const LIST: u32 = 1 << 7;
pub const HASH: u32 = 1 << 8;
pub const SET: u32 = 1 << 9;
pub const SORTEDSET: u32 = 1 << 10;
pub const HYPERLOGLOG: u32 = 1 << 11;
pub const GEO: u32 = 1 << 12;
pub const STREAM: u32 = 1 << 13;
/// `@admin` given explicitly to a command without the `admin` flag (LASTSAVE).
pub const ADMIN_CAT: u32 = 1 << 14;

/// One command or subcommand.
pub struct Command {
    pub name: &'static str,
    pub arity: i32,
    pub flags: u32,
    pub first_key: i32,
    pub last_key: i32,
    pub key_step: i32,
    pub acl: u32,
    pub group: &'static str,
    pub since: &'static str,
    pub summary: &'static str,
    pub handler: Option<Handler>,
    pub subcommands: &'static [Command],
}

#[allow(clippy::too_many_arguments)]
const fn c(
    name: &'static str,
    arity: i32,
    flags: u32,
    keys: (i32, i32, i32),
    acl: u32,
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    handler: Handler,
) -> Command {
    Command {
        name,
        arity,
        flags,
        first_key: keys.0,
        last_key: keys.1,
        key_step: keys.2,
        acl,
        group,
        since,
        summary,
        handler: Some(handler),
        subcommands: &[],
    }
}

const fn container(
    name: &'static str,
    acl: u32,
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    subs: &'static [Command],
) -> Command {
    Command {
        name,
        arity: -2,
        flags: 0,
        first_key: 0,
        last_key: 0,
        key_step: 0,
        acl,
        group,
        since,
        summary,
        handler: None,
        subcommands: subs,
    }
}

const NK: (i32, i32, i32) = (0, 0, 0);
const K1: (i32, i32, i32) = (1, 1, 1);
const KALL: (i32, i32, i32) = (1, -1, 1);
const K12: (i32, i32, i32) = (1, 2, 1);
const KPAIRS: (i32, i32, i32) = (1, -1, 2);

const W: u32 = WRITE;
const WD: u32 = WRITE | DENYOOM;
const WDF: u32 = WRITE | DENYOOM | FAST;
const WF: u32 = WRITE | FAST;
const R: u32 = READONLY;
const RF: u32 = READONLY | FAST;
const LSF: u32 = LOADING | STALE | FAST;
const CONN: u32 = NOSCRIPT | LOADING | STALE;
const CLI: u32 = ADMIN | NOSCRIPT | LOADING | STALE;

static ACL_SUBS: &[Command] = &[
    c(
        "cat",
        -2,
        CONN,
        NK,
        0,
        "server",
        "6.0.0",
        "List the ACL categories or the commands inside a category",
        acl::cat,
    ),
    c(
        "deluser",
        -3,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "Remove the specified ACL users and the associated rules",
        acl::deluser,
    ),
    c(
        "dryrun",
        -4,
        CLI,
        NK,
        0,
        "server",
        "7.0.0",
        "Returns whether the user can execute the given command without executing the command.",
        acl::dryrun,
    ),
    c(
        "genpass",
        -2,
        CONN,
        NK,
        0,
        "server",
        "6.0.0",
        "Generate a pseudorandom secure password to use for ACL users",
        acl::genpass,
    ),
    c(
        "getuser",
        3,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "Get the rules for a specific ACL user",
        acl::getuser,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        0,
        "server",
        "6.0.0",
        "Show helpful text about the different subcommands",
        acl::help,
    ),
    c(
        "list",
        2,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "List the current ACL rules in ACL config file format",
        acl::list,
    ),
    c(
        "load",
        2,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "Reload the ACLs from the configured ACL file",
        acl::load,
    ),
    c(
        "log",
        -2,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "List latest events denied because of ACLs in place",
        acl::log,
    ),
    c(
        "save",
        2,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "Save the current ACL rules in the configured ACL file",
        acl::save,
    ),
    c(
        "setuser",
        -3,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "Modify or create the rules for a specific ACL user",
        acl::setuser,
    ),
    c(
        "users",
        2,
        CLI,
        NK,
        0,
        "server",
        "6.0.0",
        "List the username of all the configured ACL rules",
        acl::users,
    ),
    c(
        "whoami",
        2,
        CONN,
        NK,
        0,
        "server",
        "6.0.0",
        "Return the name of the user associated to the current connection",
        acl::whoami,
    ),
];

static OBJECT_SUBS: &[Command] = &[
    c(
        "encoding",
        3,
        R,
        (2, 2, 1),
        KEYSPACE,
        "generic",
        "2.2.3",
        "Inspect the internal encoding of a Redis object",
        keys::object_encoding,
    ),
    c(
        "freq",
        3,
        R,
        (2, 2, 1),
        KEYSPACE,
        "generic",
        "4.0.0",
        "Get the logarithmic access frequency counter of a Redis object",
        keys::object_freq,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        KEYSPACE,
        "generic",
        "6.2.0",
        "Show helpful text about the different subcommands",
        keys::object_help,
    ),
    c(
        "idletime",
        3,
        R,
        (2, 2, 1),
        KEYSPACE,
        "generic",
        "2.2.3",
        "Get the time since a Redis object was last accessed",
        keys::object_idletime,
    ),
    c(
        "refcount",
        3,
        R,
        (2, 2, 1),
        KEYSPACE,
        "generic",
        "2.2.3",
        "Get the number of references to the value of the key",
        keys::object_refcount,
    ),
];

// CLUSTER subcommands in the order a Redis 7.0.15 without cluster support lists them; all answer
// that cluster support is disabled.
#[rustfmt::skip]
static CLUSTER_SUBS: &[Command] = &[
    c("failover", -2, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Forces a replica to perform a manual failover of its master.", cl::cluster_disabled),
    c("shards", 2, STALE, NK, 0, "cluster", "7.0.0", "Get array of cluster slots to node mappings", cl::cluster_disabled),
    c("countkeysinslot", 3, STALE, NK, 0, "cluster", "3.0.0", "Return the number of local keys in the specified hash slot", cl::cluster_disabled),
    c("delslots", -3, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Set hash slots as unbound in receiving node", cl::cluster_disabled),
    c("bumpepoch", 2, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Advance the cluster config epoch", cl::cluster_disabled),
    c("count-failure-reports", 3, ADMIN | STALE, NK, 0, "cluster", "3.0.0", "Return the number of failure reports active for a given node", cl::cluster_disabled),
    c("myid", 2, STALE, NK, 0, "cluster", "3.0.0", "Return the node id", cl::cluster_disabled),
    c("nodes", 2, STALE, NK, 0, "cluster", "3.0.0", "Get Cluster config for the node", cl::cluster_disabled),
    c("help", 2, LOADING | STALE, NK, 0, "cluster", "5.0.0", "Show helpful text about the different subcommands", cl::cluster_disabled),
    c("keyslot", 3, STALE, NK, 0, "cluster", "3.0.0", "Returns the hash slot of the specified key", cl::cluster_disabled),
    c("getkeysinslot", 4, STALE, NK, 0, "cluster", "3.0.0", "Return local key names in the specified hash slot", cl::cluster_disabled),
    c("links", 2, STALE, NK, 0, "cluster", "7.0.0", "Returns a list of all TCP links to and from peer nodes in cluster", cl::cluster_disabled),
    c("slaves", 3, ADMIN | STALE, NK, 0, "cluster", "3.0.0", "List replica nodes of the specified master node", cl::cluster_disabled),
    c("addslotsrange", -4, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "7.0.0", "Assign new hash slots to receiving node", cl::cluster_disabled),
    c("delslotsrange", -4, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "7.0.0", "Set hash slots as unbound in receiving node", cl::cluster_disabled),
    c("replicate", 3, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Reconfigure a node as a replica of the specified master node", cl::cluster_disabled),
    c("addslots", -3, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Assign new hash slots to receiving node", cl::cluster_disabled),
    c("flushslots", 2, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Delete a node's own slots information", cl::cluster_disabled),
    c("info", 2, STALE, NK, 0, "cluster", "3.0.0", "Provides info about Redis Cluster node state", cl::cluster_disabled),
    c("forget", 3, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Remove a node from the nodes table", cl::cluster_disabled),
    c("saveconfig", 2, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Forces the node to save cluster state on disk", cl::cluster_disabled),
    c("replicas", 3, ADMIN | STALE, NK, 0, "cluster", "5.0.0", "List replica nodes of the specified master node", cl::cluster_disabled),
    c("slots", 2, STALE, NK, 0, "cluster", "3.0.0", "Get array of Cluster slot to node mappings", cl::cluster_disabled),
    c("meet", -4, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Force a node cluster to handshake with another node", cl::cluster_disabled),
    c("setslot", -4, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Bind a hash slot to a specific node", cl::cluster_disabled),
    c("set-config-epoch", 3, ADMIN | STALE | NO_ASYNC_LOADING, NK, 0, "cluster", "3.0.0", "Set the configuration epoch in a new node", cl::cluster_disabled),
    c("reset", -2, ADMIN | NOSCRIPT | STALE, NK, 0, "cluster", "3.0.0", "Reset a Redis Cluster node", cl::cluster_disabled),
];

static CLIENT_SUBS: &[Command] = &[
    c(
        "getname",
        2,
        NOSCRIPT | LOADING | STALE,
        NK,
        CONNECTION,
        "connection",
        "2.6.9",
        "Get the current connection name",
        conn::client_getname,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        CONNECTION,
        "connection",
        "5.0.0",
        "Show helpful text about the different subcommands",
        conn::client_help,
    ),
    c(
        "id",
        2,
        NOSCRIPT | LOADING | STALE,
        NK,
        CONNECTION,
        "connection",
        "5.0.0",
        "Returns the client ID for the current connection",
        conn::client_id,
    ),
    c(
        "info",
        2,
        NOSCRIPT | LOADING | STALE,
        NK,
        CONNECTION,
        "connection",
        "6.2.0",
        "Returns information about the current client connection.",
        conn::client_info,
    ),
    c(
        "kill",
        -3,
        CLI,
        NK,
        CONNECTION | DANGEROUS,
        "connection",
        "2.4.0",
        "Kill the connection of a client",
        conn::client_kill,
    ),
    c(
        "list",
        -2,
        CLI,
        NK,
        CONNECTION | DANGEROUS,
        "connection",
        "2.4.0",
        "Get the list of client connections",
        conn::client_list,
    ),
    c(
        "no-evict",
        3,
        CLI,
        NK,
        CONNECTION | DANGEROUS,
        "connection",
        "7.0.0",
        "Set client eviction mode for the current connection",
        conn::client_no_evict,
    ),
    c(
        "pause",
        -3,
        CLI,
        NK,
        CONNECTION | DANGEROUS,
        "connection",
        "2.9.50",
        "Stop processing commands from clients for some time",
        conn::client_pause,
    ),
    c(
        "reply",
        3,
        NOSCRIPT | LOADING | STALE,
        NK,
        CONNECTION,
        "connection",
        "3.2.0",
        "Instruct the server whether to reply to commands",
        conn::client_reply,
    ),
    c(
        "setname",
        3,
        NOSCRIPT | LOADING | STALE,
        NK,
        CONNECTION,
        "connection",
        "2.6.9",
        "Set the current connection name",
        conn::client_setname,
    ),
    c(
        "unblock",
        -3,
        CLI,
        NK,
        CONNECTION | DANGEROUS,
        "connection",
        "5.0.0",
        "Unblock a client blocked in a blocking command from a different connection",
        conn::client_unblock,
    ),
    c(
        "unpause",
        2,
        CLI,
        NK,
        CONNECTION | DANGEROUS,
        "connection",
        "6.2.0",
        "Resume processing of clients that were paused",
        conn::client_unpause,
    ),
];

static CONFIG_SUBS: &[Command] = &[
    c(
        "get",
        -3,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.0.0",
        "Get the values of configuration parameters",
        srv::config_get,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        0,
        "server",
        "5.0.0",
        "Show helpful text about the different subcommands",
        srv::config_help,
    ),
    c(
        "resetstat",
        2,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.0.0",
        "Reset the stats returned by INFO",
        srv::config_resetstat,
    ),
    c(
        "rewrite",
        2,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.8.0",
        "Rewrite the configuration file with the in memory configuration",
        srv::config_rewrite,
    ),
    c(
        "set",
        -4,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.0.0",
        "Set configuration parameters to the given values",
        srv::config_set,
    ),
];

static SLOWLOG_SUBS: &[Command] = &[
    c(
        "get",
        -2,
        ADMIN | LOADING | STALE,
        NK,
        DANGEROUS,
        "server",
        "2.2.12",
        "Get the slow log's entries",
        srv::slowlog_get,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        0,
        "server",
        "6.2.0",
        "Show helpful text about the different subcommands",
        srv::slowlog_help,
    ),
    c(
        "len",
        2,
        ADMIN | LOADING | STALE,
        NK,
        DANGEROUS,
        "server",
        "2.2.12",
        "Get the slow log's length",
        srv::slowlog_len,
    ),
    c(
        "reset",
        2,
        ADMIN | LOADING | STALE,
        NK,
        DANGEROUS,
        "server",
        "2.2.12",
        "Clear all entries from the slow log",
        srv::slowlog_reset,
    ),
];

static MEMORY_SUBS: &[Command] = &[
    c(
        "doctor",
        2,
        0,
        NK,
        0,
        "server",
        "4.0.0",
        "Outputs memory problems report",
        mem::doctor,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        0,
        "server",
        "4.0.0",
        "Show helpful text about the different subcommands",
        mem::help,
    ),
    c(
        "malloc-stats",
        2,
        0,
        NK,
        0,
        "server",
        "4.0.0",
        "Show allocator internal stats",
        mem::malloc_stats,
    ),
    c(
        "purge",
        2,
        0,
        NK,
        0,
        "server",
        "4.0.0",
        "Ask the allocator to release memory",
        mem::purge,
    ),
    c(
        "stats",
        2,
        0,
        NK,
        0,
        "server",
        "4.0.0",
        "Show memory usage details",
        mem::stats,
    ),
    c(
        "usage",
        -3,
        R,
        (2, 2, 1),
        0,
        "server",
        "4.0.0",
        "Estimate the memory usage of a key",
        mem::usage,
    ),
];

static LATENCY_SUBS: &[Command] = &[
    c(
        "doctor",
        2,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.8.13",
        "Return a human readable latency analysis report.",
        lat::doctor,
    ),
    c(
        "graph",
        3,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.8.13",
        "Return a latency graph for the event.",
        lat::graph,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        0,
        "server",
        "2.8.13",
        "Show helpful text about the different subcommands.",
        srv::latency_help,
    ),
    c(
        "histogram",
        -2,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "7.0.0",
        "Return the cumulative distribution of latencies of a subset of commands or all.",
        lat::histogram,
    ),
    c(
        "history",
        3,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.8.13",
        "Return timestamp-latency samples for the event.",
        lat::history,
    ),
    c(
        "latest",
        2,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.8.13",
        "Return the latest latency samples for all events.",
        lat::latest,
    ),
    c(
        "reset",
        -2,
        CLI,
        NK,
        DANGEROUS,
        "server",
        "2.8.13",
        "Reset latency data for one or more events.",
        lat::reset,
    ),
];

static COMMAND_SUBS: &[Command] = &[
    c(
        "count",
        2,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "2.8.13",
        "Get total number of Redis commands",
        srv::command_count,
    ),
    c(
        "docs",
        -2,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "7.0.0",
        "Get array of specific Redis command documentation",
        srv::command_docs,
    ),
    c(
        "getkeys",
        -4,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "2.8.13",
        "Extract keys given a full Redis command",
        srv::command_getkeys,
    ),
    c(
        "getkeysandflags",
        -4,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "7.0.0",
        "Extract keys and access flags given a full Redis command",
        srv::command_getkeysandflags,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "5.0.0",
        "Show helpful text about the different subcommands",
        srv::command_help,
    ),
    c(
        "info",
        -2,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "2.8.13",
        "Get array of specific Redis command details, or all when no argument is given.",
        srv::command_info,
    ),
    c(
        "list",
        -2,
        LOADING | STALE,
        NK,
        CONNECTION,
        "server",
        "7.0.0",
        "Get an array of Redis command names",
        srv::command_list,
    ),
];

static SCRIPT_SUBS: &[Command] = &[
    c(
        "exists",
        -3,
        NOSCRIPT,
        NK,
        SCRIPTING,
        "scripting",
        "2.6.0",
        "Check existence of scripts in the script cache.",
        scr::script_exists,
    ),
    c(
        "flush",
        -2,
        NOSCRIPT,
        NK,
        SCRIPTING,
        "scripting",
        "2.6.0",
        "Remove all the scripts from the script cache.",
        scr::script_flush,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        SCRIPTING,
        "scripting",
        "5.0.0",
        "Show helpful text about the different subcommands",
        scr::script_help,
    ),
    c(
        "kill",
        2,
        NOSCRIPT | ALLOW_BUSY,
        NK,
        SCRIPTING,
        "scripting",
        "2.6.0",
        "Kill the script currently in execution.",
        scr::script_kill,
    ),
    c(
        "load",
        3,
        NOSCRIPT | STALE,
        NK,
        SCRIPTING,
        "scripting",
        "2.6.0",
        "Load the specified Lua script into the script cache.",
        scr::script_load,
    ),
];

static FUNCTION_SUBS: &[Command] = &[
    c(
        "delete",
        3,
        NOSCRIPT | WRITE,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Delete a function by name",
        fnc::function_delete,
    ),
    c(
        "dump",
        2,
        NOSCRIPT,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Dump all functions into a serialized binary payload",
        fnc::function_dump,
    ),
    c(
        "flush",
        -2,
        NOSCRIPT | WRITE,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Deleting all functions",
        fnc::function_flush,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Show helpful text about the different subcommands",
        fnc::function_help,
    ),
    c(
        "kill",
        2,
        NOSCRIPT | ALLOW_BUSY,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Kill the function currently in execution.",
        fnc::function_kill,
    ),
    c(
        "list",
        -2,
        NOSCRIPT,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "List information about all the functions",
        fnc::function_list,
    ),
    c(
        "load",
        -3,
        NOSCRIPT | WRITE | DENYOOM,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Create a function with the given arguments (name, code, description)",
        fnc::function_load,
    ),
    c(
        "restore",
        -3,
        NOSCRIPT | WRITE | DENYOOM,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Restore all the functions on the given payload",
        fnc::function_restore,
    ),
    c(
        "stats",
        2,
        NOSCRIPT | ALLOW_BUSY,
        NK,
        SCRIPTING,
        "scripting",
        "7.0.0",
        "Return information about the function currently running (name, description, duration)",
        fnc::function_stats,
    ),
];

/// EVAL-family flags (Redis: noscript, skip_monitor, may_replicate, no_mandatory_keys,
/// stale; the `_RO` variants readonly instead of may_replicate).
const EVAL_RW: u32 =
    NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | STALE | NO_MANDATORY_KEYS | MOVABLE_KEYS;
const EVAL_RO: u32 = NOSCRIPT | SKIP_MONITOR | READONLY | STALE | NO_MANDATORY_KEYS | MOVABLE_KEYS;

static PUBSUB_SUBS: &[Command] = &[
    c(
        "channels",
        -2,
        PUBSUB | LOADING | STALE,
        NK,
        0,
        "pubsub",
        "2.8.0",
        "List active channels",
        ps::pubsub_channels,
    ),
    c(
        "help",
        2,
        LOADING | STALE,
        NK,
        0,
        "pubsub",
        "6.2.0",
        "Show helpful text about the different subcommands",
        ps::pubsub_help,
    ),
    c(
        "numpat",
        2,
        PUBSUB | LOADING | STALE,
        NK,
        0,
        "pubsub",
        "2.8.0",
        "Get the count of unique patterns pattern subscriptions",
        ps::pubsub_numpat,
    ),
    c(
        "numsub",
        -2,
        PUBSUB | LOADING | STALE,
        NK,
        0,
        "pubsub",
        "2.8.0",
        "Get the count of subscribers for channels",
        ps::pubsub_numsub,
    ),
    c(
        "shardchannels",
        -2,
        PUBSUB | LOADING | STALE,
        NK,
        0,
        "pubsub",
        "7.0.0",
        "List active shard channels",
        ps::pubsub_shardchannels,
    ),
    c(
        "shardnumsub",
        -2,
        PUBSUB | LOADING | STALE,
        NK,
        0,
        "pubsub",
        "7.0.0",
        "Get the count of subscribers for shard channels",
        ps::pubsub_shardnumsub,
    ),
];

#[rustfmt::skip]
static XGROUP_SUBS: &[Command] = &[
    c("create", -5, WD, (2, 2, 1), STREAM, "stream", "5.0.0", "Create a consumer group.", sg::xgroup_create),
    c("createconsumer", 5, WD, (2, 2, 1), STREAM, "stream", "6.2.0", "Create a consumer in a consumer group.", sg::xgroup_createconsumer),
    c("delconsumer", 5, W, (2, 2, 1), STREAM, "stream", "5.0.0", "Delete a consumer from a consumer group.", sg::xgroup_delconsumer),
    c("destroy", 4, W, (2, 2, 1), STREAM, "stream", "5.0.0", "Destroy a consumer group.", sg::xgroup_destroy),
    c("help", 2, LOADING | STALE, NK, STREAM, "stream", "5.0.0", "Show helpful text about the different subcommands", sg::xgroup_help),
    c("setid", -5, W, (2, 2, 1), STREAM, "stream", "5.0.0", "Set a consumer group to an arbitrary last delivered ID value.", sg::xgroup_setid),
];

#[rustfmt::skip]
static XINFO_SUBS: &[Command] = &[
    c("consumers", 4, R, (2, 2, 1), STREAM, "stream", "5.0.0", "List the consumers in a consumer group", sg::xinfo_consumers),
    c("groups", 3, R, (2, 2, 1), STREAM, "stream", "5.0.0", "List the consumer groups of a stream", sg::xinfo_groups),
    c("help", 2, LOADING | STALE, NK, STREAM, "stream", "5.0.0", "Show helpful text about the different subcommands", sg::xinfo_help),
    c("stream", -3, R, (2, 2, 1), STREAM, "stream", "5.0.0", "Get information about a stream", sg::xinfo_stream),
];

/// Every top-level command.
pub static COMMANDS: &[Command] = &[
    // strings
    c("append", 3, WDF, K1, STRING, "string", "2.0.0", "Append a value to a key", st::append),
    c("decr", 2, WDF, K1, STRING, "string", "1.0.0", "Decrement the integer value of a key by one", st::decr),
    c("decrby", 3, WDF, K1, STRING, "string", "1.0.0", "Decrement the integer value of a key by the given number", st::decrby),
    c("get", 2, RF, K1, STRING, "string", "1.0.0", "Get the value of a key", st::get),
    c("getdel", 2, WF, K1, STRING, "string", "6.2.0", "Get the value of a key and delete the key", st::getdel),
    c("getex", -2, WF, K1, STRING, "string", "6.2.0", "Get the value of a key and optionally set its expiration", st::getex),
    c("getrange", 4, R, K1, STRING, "string", "2.4.0", "Get a substring of the string stored at a key", st::getrange),
    c("getset", 3, WDF, K1, STRING, "string", "1.0.0", "Set the string value of a key and return its old value", st::getset),
    c("incr", 2, WDF, K1, STRING, "string", "1.0.0", "Increment the integer value of a key by one", st::incr),
    c("incrby", 3, WDF, K1, STRING, "string", "1.0.0", "Increment the integer value of a key by the given amount", st::incrby),
    c("incrbyfloat", 3, WDF, K1, STRING, "string", "2.6.0", "Increment the float value of a key by the given amount", st::incrbyfloat),
    c("lcs", -3, R, K12, STRING, "string", "7.0.0", "Find longest common substring", st::lcs),
    c("mget", -2, RF, KALL, STRING, "string", "1.0.0", "Get the values of all the given keys", st::mget),
    c("mset", -3, WD, KPAIRS, STRING, "string", "1.0.1", "Set multiple keys to multiple values", st::mset),
    c("msetnx", -3, WD, KPAIRS, STRING, "string", "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist", st::msetnx),
    c("psetex", 4, WD, K1, STRING, "string", "2.6.0", "Set the value and expiration in milliseconds of a key", st::psetex),
    c("set", -3, WD, K1, STRING, "string", "1.0.0", "Set the string value of a key", st::set),
    c("setex", 4, WD, K1, STRING, "string", "2.0.0", "Set the value and expiration of a key", st::setex),
    c("setnx", 3, WDF, K1, STRING, "string", "1.0.0", "Set the value of a key, only if the key does not exist", st::setnx),
    c("setrange", 4, WD, K1, STRING, "string", "2.2.0", "Overwrite part of a string at key starting at the specified offset", st::setrange),
    c("strlen", 2, RF, K1, STRING, "string", "2.2.0", "Get the length of the value stored in a key", st::strlen),
    c("substr", 4, R, K1, STRING, "string", "1.0.0", "Get a substring of the string stored at a key", st::getrange),
    // bitmaps
    c("bitcount", -2, R, K1, BITMAP, "bitmap", "2.6.0", "Count set bits in a string", bits::bitcount),
    c("bitfield", -2, WD, K1, BITMAP, "bitmap", "3.2.0", "Perform arbitrary bitfield integer operations on strings", bits::bitfield),
    c("bitfield_ro", -2, RF, K1, BITMAP, "bitmap", "6.0.0", "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", bits::bitfield_ro),
    c("bitop", -4, WD, (2, -1, 1), BITMAP, "bitmap", "2.6.0", "Perform bitwise operations between strings", bits::bitop),
    c("bitpos", -3, R, K1, BITMAP, "bitmap", "2.8.7", "Find first bit set or clear in a string", bits::bitpos),
    c("getbit", 3, RF, K1, BITMAP, "bitmap", "2.2.0", "Returns the bit value at offset in the string value stored at key", bits::getbit),
    c("setbit", 4, WD, K1, BITMAP, "bitmap", "2.2.0", "Sets or clears the bit at offset in the string value stored at key", bits::setbit),
    // lists
    c("blmove", 6, WD | BLOCKING | NOSCRIPT, K12, LIST, "list", "6.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available", li::blmove),
    c("blmpop", -5, W | BLOCKING | MOVABLE_KEYS, NK, LIST, "list", "7.0.0", "Pop elements from a list, or block until one is available", li::blmpop),
    c("blpop", -3, W | BLOCKING | NOSCRIPT, (1, -2, 1), LIST, "list", "2.0.0", "Remove and get the first element in a list, or block until one is available", li::blpop),
    c("brpop", -3, W | BLOCKING | NOSCRIPT, (1, -2, 1), LIST, "list", "2.0.0", "Remove and get the last element in a list, or block until one is available", li::brpop),
    c("brpoplpush", 4, WD | BLOCKING | NOSCRIPT, K12, LIST, "list", "2.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available", li::brpoplpush),
    c("lindex", 3, R, K1, LIST, "list", "1.0.0", "Get an element from a list by its index", li::lindex),
    c("linsert", 5, WD, K1, LIST, "list", "2.2.0", "Insert an element before or after another element in a list", li::linsert),
    c("llen", 2, RF, K1, LIST, "list", "1.0.0", "Get the length of a list", li::llen),
    c("lmove", 5, WD, K12, LIST, "list", "6.2.0", "Pop an element from a list, push it to another list and return it", li::lmove),
    c("lmpop", -4, W | MOVABLE_KEYS, NK, LIST, "list", "7.0.0", "Pop elements from a list", li::lmpop),
    c("lpop", -2, WF, K1, LIST, "list", "1.0.0", "Remove and get the first elements in a list", li::lpop),
    c("lpos", -3, R, K1, LIST, "list", "6.0.6", "Return the index of matching elements on a list", li::lpos),
    c("lpush", -3, WDF, K1, LIST, "list", "1.0.0", "Prepend one or multiple elements to a list", li::lpush),
    c("lpushx", -3, WDF, K1, LIST, "list", "2.2.0", "Prepend an element to a list, only if the list exists", li::lpushx),
    c("lrange", 4, R, K1, LIST, "list", "1.0.0", "Get a range of elements from a list", li::lrange),
    c("lrem", 4, W, K1, LIST, "list", "1.0.0", "Remove elements from a list", li::lrem),
    c("lset", 4, WD, K1, LIST, "list", "1.0.0", "Set the value of an element in a list by its index", li::lset),
    c("ltrim", 4, W, K1, LIST, "list", "1.0.0", "Trim a list to the specified range", li::ltrim),
    c("rpop", -2, WF, K1, LIST, "list", "1.0.0", "Remove and get the last elements in a list", li::rpop),
    c("rpoplpush", 3, WD, K12, LIST, "list", "1.2.0", "Remove the last element in a list, prepend it to another list and return it", li::rpoplpush),
    c("rpush", -3, WDF, K1, LIST, "list", "1.0.0", "Append one or multiple elements to a list", li::rpush),
    c("rpushx", -3, WDF, K1, LIST, "list", "2.2.0", "Append an element to a list, only if the list exists", li::rpushx),
    // hashes
    c("hdel", -3, WF, K1, HASH, "hash", "2.0.0", "Delete one or more hash fields", ha::hdel),
    c("hexists", 3, RF, K1, HASH, "hash", "2.0.0", "Determine if a hash field exists", ha::hexists),
    c("hget", 3, RF, K1, HASH, "hash", "2.0.0", "Get the value of a hash field", ha::hget),
    c("hgetall", 2, R, K1, HASH, "hash", "2.0.0", "Get all the fields and values in a hash", ha::hgetall),
    c("hincrby", 4, WDF, K1, HASH, "hash", "2.0.0", "Increment the integer value of a hash field by the given number", ha::hincrby),
    c("hincrbyfloat", 4, WDF, K1, HASH, "hash", "2.6.0", "Increment the float value of a hash field by the given amount", ha::hincrbyfloat),
    c("hkeys", 2, R, K1, HASH, "hash", "2.0.0", "Get all the fields in a hash", ha::hkeys),
    c("hlen", 2, RF, K1, HASH, "hash", "2.0.0", "Get the number of fields in a hash", ha::hlen),
    c("hmget", -3, RF, K1, HASH, "hash", "2.0.0", "Get the values of all the given hash fields", ha::hmget),
    c("hmset", -4, WDF, K1, HASH, "hash", "2.0.0", "Set multiple hash fields to multiple values", ha::hmset),
    c("hrandfield", -2, R, K1, HASH, "hash", "6.2.0", "Get one or multiple random fields from a hash", ha::hrandfield),
    c("hscan", -3, R, K1, HASH, "hash", "2.8.0", "Incrementally iterate hash fields and associated values", ha::hscan),
    c("hset", -4, WDF, K1, HASH, "hash", "2.0.0", "Set the string value of a hash field", ha::hset),
    c("hsetnx", 4, WDF, K1, HASH, "hash", "2.0.0", "Set the value of a hash field, only if the field does not exist", ha::hsetnx),
    c("hstrlen", 3, RF, K1, HASH, "hash", "3.2.0", "Get the length of the value of a hash field", ha::hstrlen),
    c("hvals", 2, R, K1, HASH, "hash", "2.0.0", "Get all the values in a hash", ha::hvals),
    // sets
    c("sadd", -3, WDF, K1, SET, "set", "1.0.0", "Add one or more members to a set", se::sadd),
    c("scard", 2, RF, K1, SET, "set", "1.0.0", "Get the number of members in a set", se::scard),
    c("sdiff", -2, R, KALL, SET, "set", "1.0.0", "Subtract multiple sets", se::sdiff),
    c("sdiffstore", -3, WD, KALL, SET, "set", "1.0.0", "Subtract multiple sets and store the resulting set in a key", se::sdiffstore),
    c("sinter", -2, R, KALL, SET, "set", "1.0.0", "Intersect multiple sets", se::sinter),
    c("sintercard", -3, R | MOVABLE_KEYS, NK, SET, "set", "7.0.0", "Intersect multiple sets and return the cardinality of the result", se::sintercard),
    c("sinterstore", -3, WD, KALL, SET, "set", "1.0.0", "Intersect multiple sets and store the resulting set in a key", se::sinterstore),
    c("sismember", 3, RF, K1, SET, "set", "1.0.0", "Determine if a given value is a member of a set", se::sismember),
    c("smembers", 2, R, K1, SET, "set", "1.0.0", "Get all the members in a set", se::smembers),
    c("smismember", -3, RF, K1, SET, "set", "6.2.0", "Returns the membership associated with the given elements for a set", se::smismember),
    c("smove", 4, WF, K12, SET, "set", "1.0.0", "Move a member from one set to another", se::smove),
    c("spop", -2, WF, K1, SET, "set", "1.0.0", "Remove and return one or multiple random members from a set", se::spop),
    c("srandmember", -2, R, K1, SET, "set", "1.0.0", "Get one or multiple random members from a set", se::srandmember),
    c("srem", -3, WF, K1, SET, "set", "1.0.0", "Remove one or more members from a set", se::srem),
    c("sscan", -3, R, K1, SET, "set", "2.8.0", "Incrementally iterate Set elements", se::sscan),
    c("sunion", -2, R, KALL, SET, "set", "1.0.0", "Add multiple sets", se::sunion),
    c("sunionstore", -3, WD, KALL, SET, "set", "1.0.0", "Add multiple sets and store the resulting set in a key", se::sunionstore),
    // sorted sets
    c("bzmpop", -5, W | BLOCKING | MOVABLE_KEYS, NK, SORTEDSET, "sorted-set", "7.0.0", "Remove and return members with scores in a sorted set or block until one is available", zs::bzmpop),
    c("bzpopmax", -3, WF | BLOCKING | NOSCRIPT, (1, -2, 1), SORTEDSET, "sorted-set", "5.0.0", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", zs::bzpopmax),
    c("bzpopmin", -3, WF | BLOCKING | NOSCRIPT, (1, -2, 1), SORTEDSET, "sorted-set", "5.0.0", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", zs::bzpopmin),
    c("geoadd", -5, WD, K1, GEO, "geo", "3.2.0", "Add one or more geospatial items in the geospatial index represented using a sorted set", geo::geoadd),
    c("geodist", -4, R, K1, GEO, "geo", "3.2.0", "Returns the distance between two members of a geospatial index", geo::geodist),
    c("geohash", -2, R, K1, GEO, "geo", "3.2.0", "Returns members of a geospatial index as standard geohash strings", geo::geohash),
    c("georadius", -6, WD | MOVABLE_KEYS, K1, GEO, "geo", "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", geo::georadius),
    c("georadius_ro", -6, R, K1, GEO, "geo", "3.2.10", "A read-only variant for GEORADIUS", geo::georadius_ro),
    c("georadiusbymember", -5, WD | MOVABLE_KEYS, K1, GEO, "geo", "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", geo::georadiusbymember),
    c("georadiusbymember_ro", -5, R, K1, GEO, "geo", "3.2.10", "A read-only variant for GEORADIUSBYMEMBER", geo::georadiusbymember_ro),
    c("geosearch", -7, R, K1, GEO, "geo", "6.2.0", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.", geo::geosearch),
    c("geosearchstore", -8, WD, K12, GEO, "geo", "6.2.0", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.", geo::geosearchstore),
    c("geopos", -2, R, K1, GEO, "geo", "3.2.0", "Returns longitude and latitude of members of a geospatial index", geo::geopos),
    c("zadd", -4, WDF, K1, SORTEDSET, "sorted-set", "1.2.0", "Add one or more members to a sorted set, or update its score if it already exists", zs::zadd),
    c("zcard", 2, RF, K1, SORTEDSET, "sorted-set", "1.2.0", "Get the number of members in a sorted set", zs::zcard),
    c("zcount", 4, RF, K1, SORTEDSET, "sorted-set", "2.0.0", "Count the members in a sorted set with scores within the given values", zs::zcount),
    c("zdiff", -3, R | MOVABLE_KEYS, NK, SORTEDSET, "sorted-set", "6.2.0", "Subtract multiple sorted sets", zs::zdiff),
    c("zdiffstore", -4, WD | MOVABLE_KEYS, K1, SORTEDSET, "sorted-set", "6.2.0", "Subtract multiple sorted sets and store the resulting sorted set in a new key", zs::zdiffstore),
    c("zincrby", 4, WDF, K1, SORTEDSET, "sorted-set", "1.2.0", "Increment the score of a member in a sorted set", zs::zincrby),
    c("zinter", -3, R | MOVABLE_KEYS, NK, SORTEDSET, "sorted-set", "6.2.0", "Intersect multiple sorted sets", zs::zinter),
    c("zintercard", -3, R | MOVABLE_KEYS, NK, SORTEDSET, "sorted-set", "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result", zs::zintercard),
    c("zinterstore", -4, WD | MOVABLE_KEYS, K1, SORTEDSET, "sorted-set", "2.0.0", "Intersect multiple sorted sets and store the resulting sorted set in a new key", zs::zinterstore),
    c("zlexcount", 4, RF, K1, SORTEDSET, "sorted-set", "2.8.9", "Count the number of members in a sorted set between a given lexicographical range", zs::zlexcount),
    c("zmpop", -4, W | MOVABLE_KEYS, NK, SORTEDSET, "sorted-set", "7.0.0", "Remove and return members with scores in a sorted set", zs::zmpop),
    c("zmscore", -3, RF, K1, SORTEDSET, "sorted-set", "6.2.0", "Get the score associated with the given members in a sorted set", zs::zmscore),
    c("zpopmax", -2, WF, K1, SORTEDSET, "sorted-set", "5.0.0", "Remove and return members with the highest scores in a sorted set", zs::zpopmax),
    c("zpopmin", -2, WF, K1, SORTEDSET, "sorted-set", "5.0.0", "Remove and return members with the lowest scores in a sorted set", zs::zpopmin),
    c("zrandmember", -2, R, K1, SORTEDSET, "sorted-set", "6.2.0", "Get one or multiple random elements from a sorted set", zs::zrandmember),
    c("zrange", -4, R, K1, SORTEDSET, "sorted-set", "1.2.0", "Return a range of members in a sorted set", zs::zrange),
    c("zrangebylex", -4, R, K1, SORTEDSET, "sorted-set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range", zs::zrangebylex),
    c("zrangebyscore", -4, R, K1, SORTEDSET, "sorted-set", "1.0.5", "Return a range of members in a sorted set, by score", zs::zrangebyscore),
    c("zrangestore", -5, WD, K12, SORTEDSET, "sorted-set", "6.2.0", "Store a range of members from sorted set into another key", zs::zrangestore),
    c("zrank", 3, RF, K1, SORTEDSET, "sorted-set", "2.0.0", "Determine the index of a member in a sorted set", zs::zrank),
    c("zrem", -3, WF, K1, SORTEDSET, "sorted-set", "1.2.0", "Remove one or more members from a sorted set", zs::zrem),
    c("zremrangebylex", 4, W, K1, SORTEDSET, "sorted-set", "2.8.9", "Remove all members in a sorted set between the given lexicographical range", zs::zremrangebylex),
    c("zremrangebyrank", 4, W, K1, SORTEDSET, "sorted-set", "2.0.0", "Remove all members in a sorted set within the given indexes", zs::zremrangebyrank),
    c("zremrangebyscore", 4, W, K1, SORTEDSET, "sorted-set", "1.2.0", "Remove all members in a sorted set within the given scores", zs::zremrangebyscore),
    c("zrevrange", -4, R, K1, SORTEDSET, "sorted-set", "1.2.0", "Return a range of members in a sorted set, by index, with scores ordered from high to low", zs::zrevrange),
    c("zrevrangebylex", -4, R, K1, SORTEDSET, "sorted-set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", zs::zrevrangebylex),
    c("zrevrangebyscore", -4, R, K1, SORTEDSET, "sorted-set", "2.2.0", "Return a range of members in a sorted set, by score, with scores ordered from high to low", zs::zrevrangebyscore),
    c("zrevrank", 3, RF, K1, SORTEDSET, "sorted-set", "2.0.0", "Determine the index of a member in a sorted set, with scores ordered from high to low", zs::zrevrank),
    c("zscan", -3, R, K1, SORTEDSET, "sorted-set", "2.8.0", "Incrementally iterate sorted sets elements and associated scores", zs::zscan),
    c("zscore", 3, RF, K1, SORTEDSET, "sorted-set", "1.2.0", "Get the score associated with the given member in a sorted set", zs::zscore),
    c("zunion", -3, R | MOVABLE_KEYS, NK, SORTEDSET, "sorted-set", "6.2.0", "Add multiple sorted sets", zs::zunion),
    c("zunionstore", -4, WD | MOVABLE_KEYS, K1, SORTEDSET, "sorted-set", "2.0.0", "Add multiple sorted sets and store the resulting sorted set in a new key", zs::zunionstore),
    // streams
    c("xack", -4, WF, K1, STREAM, "stream", "5.0.0", "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", sg::xack),
    c("xadd", -5, WDF, K1, STREAM, "stream", "5.0.0", "Appends a new entry to a stream", sx::xadd),
    c("xautoclaim", -6, WF, K1, STREAM, "stream", "6.2.0", "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", sg::xautoclaim),
    c("xclaim", -6, WF, K1, STREAM, "stream", "5.0.0", "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", sg::xclaim),
    c("xdel", -3, WF, K1, STREAM, "stream", "5.0.0", "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.", sx::xdel),
    container("xgroup", 0, "stream", "5.0.0", "A container for consumer groups commands", XGROUP_SUBS),
    container("xinfo", 0, "stream", "5.0.0", "A container for stream introspection commands", XINFO_SUBS),
    c("xlen", 2, RF, K1, STREAM, "stream", "5.0.0", "Return the number of entries in a stream", sx::xlen),
    c("xpending", -3, R, K1, STREAM, "stream", "5.0.0", "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", sg::xpending),
    c("xrange", -4, R, K1, STREAM, "stream", "5.0.0", "Return a range of elements in a stream, with IDs matching the specified IDs interval", sx::xrange),
    c("xread", -4, R | BLOCKING | MOVABLE_KEYS, NK, STREAM, "stream", "5.0.0", "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.", sx::xread),
    c("xreadgroup", -7, W | BLOCKING | MOVABLE_KEYS, NK, STREAM, "stream", "5.0.0", "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.", sx::xreadgroup),
    c("xrevrange", -4, R, K1, STREAM, "stream", "5.0.0", "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE", sx::xrevrange),
    c("xsetid", -3, WDF, K1, STREAM, "stream", "5.0.0", "An internal command for replicating stream values", sx::xsetid),
    c("xtrim", -4, W, K1, STREAM, "stream", "5.0.0", "Trims the stream to (approximately if '~' is passed) a certain size", sx::xtrim),
    // transactions
    c("discard", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, NK, TRANSACTION, "transactions", "2.0.0", "Discard all commands issued after MULTI", tx::discard),
    c("exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG, NK, TRANSACTION, "transactions", "1.2.0", "Execute all commands issued after MULTI", tx::exec),
    c("multi", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, NK, TRANSACTION, "transactions", "1.2.0", "Mark the start of a transaction block", tx::multi),
    c("unwatch", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, NK, TRANSACTION, "transactions", "2.2.0", "Forget about all watched keys", tx::unwatch),
    c("watch", -2, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, KALL, TRANSACTION, "transactions", "2.2.0", "Watch the given keys to determine execution of the MULTI/EXEC block", tx::watch),
    // hyperloglog
    c("pfadd", -2, WDF, K1, HYPERLOGLOG, "hyperloglog", "2.8.9", "Adds the specified elements to the specified HyperLogLog.", hl::pfadd),
    c("pfcount", -2, R | MAY_REPLICATE, KALL, HYPERLOGLOG, "hyperloglog", "2.8.9", "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", hl::pfcount),
    c("pfdebug", 3, WD | ADMIN, (2, 2, 1), HYPERLOGLOG, "hyperloglog", "2.8.9", "Internal commands for debugging HyperLogLog values", hl::pfdebug),
    c("pfselftest", 1, ADMIN, NK, HYPERLOGLOG, "hyperloglog", "2.8.9", "An internal command for testing HyperLogLog values", hl::pfselftest),
    c("pfmerge", -2, WD, KALL, HYPERLOGLOG, "hyperloglog", "2.8.9", "Merge N different HyperLogLogs into a single one.", hl::pfmerge),
    // pub/sub
    c("psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, NK, 0, "pubsub", "2.0.0", "Listen for messages published to channels matching the given patterns", ps::psubscribe),
    c("publish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE, NK, 0, "pubsub", "2.0.0", "Post a message to a channel", ps::publish),
    container("pubsub", 0, "pubsub", "2.8.0", "A container for Pub/Sub commands", PUBSUB_SUBS),
    c("punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, NK, 0, "pubsub", "2.0.0", "Stop listening for messages posted to channels matching the given patterns", ps::punsubscribe),
    c("spublish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE, K1, 0, "pubsub", "7.0.0", "Post a message to a shard channel", ps::spublish),
    c("ssubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, KALL, 0, "pubsub", "7.0.0", "Listen for messages published to the given shard channels", ps::ssubscribe),
    c("subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, NK, 0, "pubsub", "2.0.0", "Listen for messages published to the given channels", ps::subscribe),
    c("sunsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, KALL, 0, "pubsub", "7.0.0", "Stop listening for messages posted to the given shard channels", ps::sunsubscribe),
    c("unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, NK, 0, "pubsub", "2.0.0", "Stop listening for messages posted to the given channels", ps::unsubscribe),
    // keys
    c("copy", -3, WD, K12, KEYSPACE, "generic", "6.2.0", "Copy a key", keys::copy),
    c("del", -2, W, KALL, KEYSPACE, "generic", "1.0.0", "Delete a key", keys::del),
    c("dump", 2, R, K1, KEYSPACE, "generic", "2.6.0", "Return a serialized version of the value stored at the specified key.", dump::dump),
    c("exists", -2, RF, KALL, KEYSPACE, "generic", "1.0.0", "Determine if a key exists", keys::exists),
    c("expire", -3, WF, K1, KEYSPACE, "generic", "1.0.0", "Set a key's time to live in seconds", keys::expire),
    c("expireat", -3, WF, K1, KEYSPACE, "generic", "1.2.0", "Set the expiration for a key as a UNIX timestamp", keys::expireat),
    c("expiretime", 2, RF, K1, KEYSPACE, "generic", "7.0.0", "Get the expiration Unix timestamp for a key", keys::expiretime),
    c("keys", 2, R, NK, KEYSPACE | DANGEROUS, "generic", "1.0.0", "Find all keys matching the given pattern", keys::keys),
    c("migrate", -6, W | MOVABLE_KEYS, (3, 3, 1), KEYSPACE | DANGEROUS, "generic", "2.6.0", "Atomically transfer a key from a Redis instance to another one.", mig::migrate),
    c("move", 3, WF, K1, KEYSPACE, "generic", "1.0.0", "Move a key to another database", keys::move_),
    container("memory", 0, "server", "4.0.0", "A container for memory diagnostics commands", MEMORY_SUBS),
    container("object", KEYSPACE, "generic", "2.2.3", "A container for object introspection commands", OBJECT_SUBS),
    c("persist", 2, WF, K1, KEYSPACE, "generic", "2.2.0", "Remove the expiration from a key", keys::persist),
    c("pexpire", -3, WF, K1, KEYSPACE, "generic", "2.6.0", "Set a key's time to live in milliseconds", keys::pexpire),
    c("pexpireat", -3, WF, K1, KEYSPACE, "generic", "2.6.0", "Set the expiration for a key as a UNIX timestamp specified in milliseconds", keys::pexpireat),
    c("pexpiretime", 2, RF, K1, KEYSPACE, "generic", "7.0.0", "Get the expiration Unix timestamp for a key in milliseconds", keys::pexpiretime),
    c("pttl", 2, RF, K1, KEYSPACE, "generic", "2.6.0", "Get the time to live for a key in milliseconds", keys::pttl),
    c("randomkey", 1, R, NK, KEYSPACE, "generic", "1.0.0", "Return a random key from the keyspace", keys::randomkey),
    c("sort", -2, WD | MOVABLE_KEYS, K1, SET | SORTEDSET | LIST | DANGEROUS, "generic", "1.0.0", "Sort the elements in a list, set or sorted set", so::sort),
    c("sort_ro", -2, R | MOVABLE_KEYS, K1, SET | SORTEDSET | LIST | DANGEROUS, "generic", "7.0.0", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", so::sort_ro),
    c("rename", 3, W, K12, KEYSPACE, "generic", "1.0.0", "Rename a key", keys::rename),
    c("renamenx", 3, WF, K12, KEYSPACE, "generic", "1.0.0", "Rename a key, only if the new key does not exist", keys::renamenx),
    c("restore", -4, WD, K1, KEYSPACE | DANGEROUS, "generic", "2.6.0", "Create a key using the provided serialized value, previously obtained using DUMP.", dump::restore),
    c("scan", -2, R, NK, KEYSPACE, "generic", "2.8.0", "Incrementally iterate the keys space", keys::scan),
    c("touch", -2, RF, KALL, KEYSPACE, "generic", "3.2.1", "Alters the last access time of a key(s). Returns the number of existing keys specified.", keys::touch),
    c("ttl", 2, RF, K1, KEYSPACE, "generic", "1.0.0", "Get the time to live for a key in seconds", keys::ttl),
    c("type", 2, RF, K1, KEYSPACE, "generic", "1.0.0", "Determine the type stored at key", keys::type_),
    c("unlink", -2, WF, KALL, KEYSPACE, "generic", "4.0.0", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", keys::del),
    c("dbsize", 1, RF, NK, KEYSPACE, "server", "1.0.0", "Return the number of keys in the selected database", keys::dbsize),
    c("flushall", -1, W, NK, KEYSPACE | DANGEROUS, "server", "1.0.0", "Remove all keys from all databases", keys::flushall),
    c("flushdb", -1, W, NK, KEYSPACE | DANGEROUS, "server", "1.0.0", "Remove all keys from the current database", keys::flushdb),
    c("swapdb", 3, WF, NK, KEYSPACE | DANGEROUS, "server", "4.0.0", "Swaps two Redis databases", keys::swapdb),
    // connection
    c("auth", -2, CONN | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY, NK, CONNECTION, "connection", "1.0.0", "Authenticate to the server", conn::auth),
    container("client", CONNECTION, "connection", "2.4.0", "A container for client connection commands", CLIENT_SUBS),
    c("echo", 2, LOADING | STALE | FAST, NK, CONNECTION, "connection", "1.0.0", "Echo the given string", conn::echo),
    c("hello", -1, CONN | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY, NK, CONNECTION, "connection", "6.0.0", "Handshake with Redis", conn::hello),
    c("ping", -1, FAST | SENTINEL, NK, CONNECTION, "connection", "1.0.0", "Ping the server", conn::ping),
    c("quit", -1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NK, CONNECTION, "connection", "1.0.0", "Close the connection", conn::quit),
    c("reset", 1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NK, CONNECTION, "connection", "6.2.0", "Reset the connection", conn::reset),
    c("select", 2, LSF, NK, CONNECTION, "connection", "1.0.0", "Change the selected database for the current connection", conn::select),
    // scripting
    c("eval", -3, EVAL_RW, NK, SCRIPTING, "scripting", "2.6.0", "Execute a Lua script server side", scr::eval),
    c("eval_ro", -3, EVAL_RO, NK, SCRIPTING, "scripting", "7.0.0", "Execute a read-only Lua script server side", scr::eval_ro),
    c("evalsha", -3, EVAL_RW, NK, SCRIPTING, "scripting", "2.6.0", "Execute a Lua script server side", scr::evalsha),
    c("evalsha_ro", -3, EVAL_RO, NK, SCRIPTING, "scripting", "7.0.0", "Execute a read-only Lua script server side", scr::evalsha_ro),
    c("fcall", -3, EVAL_RW, NK, SCRIPTING, "scripting", "7.0.0", "Invoke a function", fnc::fcall),
    c("fcall_ro", -3, EVAL_RO, NK, SCRIPTING, "scripting", "7.0.0", "Invoke a read-only function", fnc::fcall_ro),
    container("function", SCRIPTING, "scripting", "7.0.0", "A container for function commands", FUNCTION_SUBS),
    container("script", SCRIPTING, "scripting", "2.6.0", "A container for Lua scripts management commands", SCRIPT_SUBS),
    // server
    container("command", CONNECTION, "server", "2.8.13", "Get array of Redis command details", COMMAND_SUBS),
    container("acl", 0, "server", "6.0.0", "A container for Access List Control commands", ACL_SUBS),
    container("cluster", 0, "cluster", "3.0.0", "A container for cluster commands", CLUSTER_SUBS),
    container("config", 0, "server", "2.0.0", "A container for server configuration commands", CONFIG_SUBS),
    c("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE, NK, DANGEROUS, "server", "1.0.0", "A container for debugging commands", srv::debug),
    c("info", -1, LOADING | STALE | SENTINEL, NK, DANGEROUS, "server", "1.0.0", "Get information and statistics about the server", srv::info),
    c("bgsave", -1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, NK, DANGEROUS, "server", "1.0.0", "Asynchronously save the dataset to disk", srv::bgsave),
    c("lastsave", 1, LOADING | STALE | FAST, NK, ADMIN_CAT | DANGEROUS, "server", "1.0.0", "Get the UNIX time stamp of the last successful save to disk", srv::lastsave),
    container("latency", 0, "server", "2.8.13", "A container for latency diagnostics commands", LATENCY_SUBS),
    c("monitor", 1, ADMIN | NOSCRIPT | LOADING | STALE, NK, DANGEROUS, "server", "1.0.0", "Listen for all requests received by the server in real time", srv::monitor),
    c("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY, NK, DANGEROUS, "server", "1.0.0", "Synchronously save the dataset to disk and then shut down the server", srv::shutdown),
    c("save", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, NK, DANGEROUS, "server", "1.0.0", "Synchronously save the dataset to disk", srv::save),
    container("slowlog", 0, "server", "2.2.12", "A container for slow log commands", SLOWLOG_SUBS),
    c("time", 1, LSF, NK, 0, "server", "2.6.0", "Return the current server time", srv::time),
];

/// Commands that run at once inside MULTI instead of being queued.
pub fn runs_inside_multi(cmd: &Command) -> bool {
    matches!(
        cmd.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

/// Argument positions of the keys of a command line, including commands whose keys
/// depend on their arguments (`numkeys` forms, `SORT ... STORE`).
pub fn command_keys(cmd: &Command, args: &Args) -> Vec<usize> {
    let argc = args.len();
    let numkeys_at = |pos: usize, first: usize| -> Vec<usize> {
        if pos >= argc {
            return Vec::new();
        }
        let n = resp::request::parse_i64_strict(args.get(pos))
            .unwrap_or(0)
            .max(0) as usize;
        (first..first + n).filter(|&i| i < argc).collect()
    };
    match cmd.name {
        "zunionstore" | "zinterstore" | "zdiffstore" => {
            let mut v = vec![1];
            v.extend(numkeys_at(2, 3));
            v
        }
        "zunion" | "zinter" | "zdiff" | "zintercard" | "sintercard" | "lmpop" | "zmpop" => {
            numkeys_at(1, 2)
        }
        "blmpop" | "bzmpop" => numkeys_at(2, 3),
        "xread" | "xreadgroup" => {
            // The keys are the first half of what follows STREAMS.
            let at = (1..argc).find(|&i| args.get(i).eq_ignore_ascii_case(b"streams"));
            match at {
                Some(s) if (argc - s - 1).is_multiple_of(2) => {
                    (s + 1..s + 1 + (argc - s - 1) / 2).collect()
                }
                _ => Vec::new(),
            }
        }
        // Redis reports no keys when numkeys is more than the arguments left.
        "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro"
            if argc < 3
                || resp::request::parse_i64_strict(args.get(2))
                    .is_some_and(|n| n > argc as i64 - 3) =>
        {
            Vec::new()
        }
        "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro" => numkeys_at(2, 3),
        "migrate" => {
            // The key argument, or with an empty one the keys after KEYS.
            if argc > 3 && args.get(3).is_empty() {
                (6..argc)
                    .find(|&i| args.get(i).eq_ignore_ascii_case(b"keys"))
                    .map_or_else(Vec::new, |k| (k + 1..argc).collect())
            } else {
                vec![3]
            }
        }
        "georadius" | "georadiusbymember" => {
            // The source, then the key of every STORE/STOREDIST.
            let mut v = vec![1];
            let mut i = if cmd.name == "georadius" { 6 } else { 5 };
            while i + 1 < argc {
                let w = args.get(i);
                if w.eq_ignore_ascii_case(b"store") || w.eq_ignore_ascii_case(b"storedist") {
                    v.push(i + 1);
                    i += 1;
                }
                i += 1;
            }
            v
        }
        "sort" => {
            // Option arguments are skipped (so `GET store` names no key); the last
            // STORE wins, as SORT itself reads it.
            let mut store = None;
            let mut i = 2;
            while i < argc {
                let w = args.get(i);
                let skip = if w.eq_ignore_ascii_case(b"limit") {
                    2
                } else if w.eq_ignore_ascii_case(b"get") || w.eq_ignore_ascii_case(b"by") {
                    1
                } else if w.eq_ignore_ascii_case(b"store") && i + 1 < argc {
                    store = Some(i + 1);
                    1
                } else {
                    0
                };
                i += 1 + skip;
            }
            let mut v = vec![1];
            v.extend(store);
            v
        }
        _ => Registry::key_positions(cmd, argc),
    }
}

/// Index of a command or subcommand in [`Registry::entries`].
pub type CmdId = usize;

/// Per-command counters for `INFO commandstats`.
#[derive(Debug, Default, Clone)]
pub struct CmdStats {
    pub calls: u64,
    /// Total time in nanoseconds (reported in microseconds).
    pub nanos: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
    /// Durations for `LATENCY HISTOGRAM`.
    pub latency: crate::latency::Histogram,
}

/// A flattened table entry.
pub struct Entry {
    pub cmd: &'static Command,
    pub parent: Option<CmdId>,
    /// `get` or `client|list`.
    pub full_name: String,
    subs: HashMap<&'static [u8], CmdId>,
}

/// Lookup structure built from [`COMMANDS`] at start-up, plus the statistics.
pub struct Registry {
    pub entries: Vec<Entry>,
    top: HashMap<&'static [u8], CmdId>,
    pub stats: Vec<CmdStats>,
}

/// Longest command or subcommand name; longer names are unknown without a lookup.
const MAX_NAME_LEN: usize = 32;

#[inline]
fn lower<'b>(name: &[u8], buf: &'b mut [u8; MAX_NAME_LEN]) -> Option<&'b [u8]> {
    if name.len() > MAX_NAME_LEN {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    Some(&buf[..name.len()])
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    pub fn new() -> Registry {
        let mut r = Registry {
            entries: Vec::new(),
            top: HashMap::new(),
            stats: Vec::new(),
        };
        for cmd in COMMANDS {
            let id = r.entries.len();
            r.entries.push(Entry {
                cmd,
                parent: None,
                full_name: cmd.name.to_string(),
                subs: HashMap::new(),
            });
            r.top.insert(cmd.name.as_bytes(), id);
            for sub in cmd.subcommands {
                let sid = r.entries.len();
                r.entries.push(Entry {
                    cmd: sub,
                    parent: Some(id),
                    full_name: format!("{}|{}", cmd.name, sub.name),
                    subs: HashMap::new(),
                });
                r.entries[id].subs.insert(sub.name.as_bytes(), sid);
            }
        }
        r.stats = vec![CmdStats::default(); r.entries.len()];
        r
    }

    /// Top-level command by case-insensitive name.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<CmdId> {
        let mut buf = [0u8; MAX_NAME_LEN];
        self.top.get(lower(name, &mut buf)?).copied()
    }

    /// Subcommand of container `parent` by case-insensitive name.
    pub fn lookup_sub(&self, parent: CmdId, name: &[u8]) -> Option<CmdId> {
        let mut buf = [0u8; MAX_NAME_LEN];
        self.entries[parent]
            .subs
            .get(lower(name, &mut buf)?)
            .copied()
    }

    /// Resolves `argv` to a command or subcommand id (for COMMAND INFO/GETKEYS, scripts).
    pub fn resolve(&self, name: &[u8], sub: Option<&[u8]>) -> Option<CmdId> {
        let id = self.lookup(name)?;
        if self.entries[id].cmd.subcommands.is_empty() {
            return Some(id);
        }
        self.lookup_sub(id, sub?)
    }

    /// Top-level ids in table order.
    pub fn top_level(&self) -> impl Iterator<Item = CmdId> + '_ {
        (0..self.entries.len()).filter(|&i| self.entries[i].parent.is_none())
    }

    /// Subcommand ids of `id`.
    pub fn subs_of(&self, id: CmdId) -> Vec<CmdId> {
        let mut v: Vec<CmdId> = self.entries[id].subs.values().copied().collect();
        v.sort();
        v
    }

    /// Flag names as COMMAND INFO lists them.
    pub fn flag_names(cmd: &Command) -> Vec<&'static str> {
        FLAG_NAMES
            .iter()
            .filter(|(f, _)| cmd.flags & f != 0)
            .map(|(_, n)| *n)
            .collect()
    }

    /// ACL categories, explicit plus those Redis derives from the flags, in the order of
    /// Redis's category table (the order COMMAND INFO and ACL CAT use).
    pub fn acl_names(cmd: &Command) -> Vec<&'static str> {
        let has = |bit: u32| cmd.acl & bit != 0;
        let f = cmd.flags;
        let admin = f & ADMIN != 0;
        let table: [(&'static str, bool); 21] = [
            ("@keyspace", has(KEYSPACE)),
            // Redis leaves scripting commands out of @read.
            ("@read", f & READONLY != 0 && !has(SCRIPTING)),
            ("@write", f & WRITE != 0),
            ("@set", has(SET)),
            ("@sortedset", has(SORTEDSET)),
            ("@list", has(LIST)),
            ("@hash", has(HASH)),
            ("@string", has(STRING)),
            ("@bitmap", has(BITMAP)),
            ("@hyperloglog", has(HYPERLOGLOG)),
            ("@geo", has(GEO)),
            ("@stream", has(STREAM)),
            ("@pubsub", f & PUBSUB != 0),
            ("@admin", admin || has(ADMIN_CAT)),
            ("@fast", f & FAST != 0),
            ("@slow", f & FAST == 0),
            ("@blocking", f & BLOCKING != 0),
            ("@dangerous", admin || has(DANGEROUS)),
            ("@connection", has(CONNECTION)),
            ("@transaction", has(TRANSACTION)),
            ("@scripting", has(SCRIPTING)),
        ];
        table
            .iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect()
    }

    /// Whether `argc` satisfies `cmd`'s arity.
    #[inline]
    pub fn arity_ok(cmd: &Command, argc: usize) -> bool {
        let a = cmd.arity;
        (a > 0 && argc == a as usize) || (a < 0 && argc >= (-a) as usize)
    }

    /// Key argument positions of a command line.
    pub fn key_positions(cmd: &Command, argc: usize) -> Vec<usize> {
        if cmd.first_key <= 0 {
            return Vec::new();
        }
        let last = if cmd.last_key < 0 {
            argc as i32 + cmd.last_key
        } else {
            cmd.last_key
        };
        let mut v = Vec::new();
        let mut i = cmd.first_key;
        while i <= last && (i as usize) < argc {
            v.push(i as usize);
            i += cmd.key_step.max(1);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_case_insensitive() {
        let r = Registry::new();
        let get = r.lookup(b"GeT").unwrap();
        assert_eq!(r.entries[get].full_name, "get");
        let client = r.lookup(b"CLIENT").unwrap();
        let list = r.lookup_sub(client, b"LiSt").unwrap();
        assert_eq!(r.entries[list].full_name, "client|list");
        assert!(r.lookup(b"nosuchcommand").is_none());
        assert!(r.lookup(&[b'a'; 100]).is_none());
    }

    #[test]
    fn names_are_unique_and_keys_resolve() {
        let r = Registry::new();
        let mut seen = std::collections::HashSet::new();
        for e in &r.entries {
            assert!(
                seen.insert(e.full_name.clone()),
                "duplicate {}",
                e.full_name
            );
        }
        let mset = &r.entries[r.lookup(b"mset").unwrap()];
        assert_eq!(Registry::key_positions(mset.cmd, 5), vec![1, 3]);
        assert!(Registry::arity_ok(mset.cmd, 3));
        assert!(!Registry::arity_ok(mset.cmd, 2));
    }
}
