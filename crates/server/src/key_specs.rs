//! Key-spec flags per command, as Redis 7.0.15 declares them in its key specs and reports
//! through `COMMAND GETKEYSANDFLAGS`: `RW`/`RO`/`OW`/`RM` (read-write, read-only,
//! overwrite, remove) and the logical operations `access`/`update`/`insert`/`delete`
//! (plus `incomplete`, `variable_flags`, `not_key`).
//!
//! The table is data taken from redis-server 7.0.15's `COMMAND INFO` (each command's
//! `key_specs` in order, flags joined by commas). Key positions come from the command
//! table; [`flags_of_keys`] maps each position to the spec that found it.

use resp::Args;

/// Flags of each key spec, by command full name (sorted for binary search).
static SPECS: &[(&str, &[&str])] = &[
    ("append", &["RW,insert"]),
    ("bitcount", &["RO,access"]),
    ("bitfield", &["RW,access,update,variable_flags"]),
    ("bitfield_ro", &["RO,access"]),
    ("bitop", &["OW,update", "RO,access"]),
    ("bitpos", &["RO,access"]),
    ("blmove", &["RW,access,delete", "RW,insert"]),
    ("blmpop", &["RW,access,delete"]),
    ("blpop", &["RW,access,delete"]),
    ("brpop", &["RW,access,delete"]),
    ("brpoplpush", &["RW,access,delete", "RW,insert"]),
    ("bzmpop", &["RW,access,delete"]),
    ("bzpopmax", &["RW,access,delete"]),
    ("bzpopmin", &["RW,access,delete"]),
    ("copy", &["RO,access", "OW,update"]),
    ("decr", &["RW,access,update"]),
    ("decrby", &["RW,access,update"]),
    ("del", &["RM,delete"]),
    ("dump", &["RO,access"]),
    ("eval", &["RW,access,update"]),
    ("eval_ro", &["RO,access"]),
    ("evalsha", &["RW,access,update"]),
    ("evalsha_ro", &["RO,access"]),
    ("exists", &["RO"]),
    ("expire", &["RW,update"]),
    ("expireat", &["RW,update"]),
    ("expiretime", &["RO,access"]),
    ("fcall", &["RW,access,update"]),
    ("fcall_ro", &["RO,access"]),
    ("geoadd", &["RW,update"]),
    ("geodist", &["RO,access"]),
    ("geohash", &["RO,access"]),
    ("geopos", &["RO,access"]),
    ("georadius", &["RO,access", "OW,update", "OW,update"]),
    ("georadius_ro", &["RO,access"]),
    (
        "georadiusbymember",
        &["RO,access", "OW,update", "OW,update"],
    ),
    ("georadiusbymember_ro", &["RO,access"]),
    ("geosearch", &["RO,access"]),
    ("geosearchstore", &["OW,update", "RO,access"]),
    ("get", &["RO,access"]),
    ("getbit", &["RO,access"]),
    ("getdel", &["RW,access,delete"]),
    ("getex", &["RW,access,update"]),
    ("getrange", &["RO,access"]),
    ("getset", &["RW,access,update"]),
    ("hdel", &["RW,delete"]),
    ("hexists", &["RO"]),
    ("hget", &["RO,access"]),
    ("hgetall", &["RO,access"]),
    ("hincrby", &["RW,access,update"]),
    ("hincrbyfloat", &["RW,access,update"]),
    ("hkeys", &["RO,access"]),
    ("hlen", &["RO"]),
    ("hmget", &["RO,access"]),
    ("hmset", &["RW,update"]),
    ("hrandfield", &["RO,access"]),
    ("hscan", &["RO,access"]),
    ("hset", &["RW,update"]),
    ("hsetnx", &["RW,insert"]),
    ("hstrlen", &["RO"]),
    ("hvals", &["RO,access"]),
    ("incr", &["RW,access,update"]),
    ("incrby", &["RW,access,update"]),
    ("incrbyfloat", &["RW,access,update"]),
    ("lcs", &["RO,access"]),
    ("lindex", &["RO,access"]),
    ("linsert", &["RW,insert"]),
    ("llen", &["RO"]),
    ("lmove", &["RW,access,delete", "RW,insert"]),
    ("lmpop", &["RW,access,delete"]),
    ("lpop", &["RW,access,delete"]),
    ("lpos", &["RO,access"]),
    ("lpush", &["RW,insert"]),
    ("lpushx", &["RW,insert"]),
    ("lrange", &["RO,access"]),
    ("lrem", &["RW,delete"]),
    ("lset", &["RW,update"]),
    ("ltrim", &["RW,delete"]),
    ("memory|usage", &["RO"]),
    ("mget", &["RO,access"]),
    (
        "migrate",
        &["RW,access,delete", "RW,access,delete,incomplete"],
    ),
    ("move", &["RW,access,update"]),
    ("mset", &["OW,update"]),
    ("msetnx", &["OW,insert"]),
    ("object|encoding", &["RO"]),
    ("object|freq", &["RO"]),
    ("object|idletime", &["RO"]),
    ("object|refcount", &["RO"]),
    ("persist", &["RW,update"]),
    ("pexpire", &["RW,update"]),
    ("pexpireat", &["RW,update"]),
    ("pexpiretime", &["RO,access"]),
    ("pfadd", &["RW,insert"]),
    ("pfcount", &["RW,access"]),
    ("pfdebug", &["RW,access"]),
    ("pfmerge", &["RW,access,insert", "RO,access"]),
    ("psetex", &["OW,update"]),
    ("pttl", &["RO,access"]),
    ("rename", &["RW,access,delete", "OW,update"]),
    ("renamenx", &["RW,access,delete", "OW,insert"]),
    ("restore", &["OW,update"]),
    ("restore-asking", &["OW,update"]),
    ("rpop", &["RW,access,delete"]),
    ("rpoplpush", &["RW,access,delete", "RW,insert"]),
    ("rpush", &["RW,insert"]),
    ("rpushx", &["RW,insert"]),
    ("sadd", &["RW,insert"]),
    ("scard", &["RO"]),
    ("sdiff", &["RO,access"]),
    ("sdiffstore", &["OW,update", "RO,access"]),
    ("set", &["RW,access,update,variable_flags"]),
    ("setbit", &["RW,access,update"]),
    ("setex", &["OW,update"]),
    ("setnx", &["OW,insert"]),
    ("setrange", &["RW,update"]),
    ("sinter", &["RO,access"]),
    ("sintercard", &["RO,access"]),
    ("sinterstore", &["RW,update", "RO,access"]),
    ("sismember", &["RO"]),
    ("smembers", &["RO,access"]),
    ("smismember", &["RO,access"]),
    ("smove", &["RW,access,delete", "RW,insert"]),
    ("sort", &["RO,access", "RO,access", "OW,update"]),
    ("sort_ro", &["RO,access", "RO,access"]),
    ("spop", &["RW,access,delete"]),
    ("spublish", &["not_key"]),
    ("srandmember", &["RO,access"]),
    ("srem", &["RW,delete"]),
    ("sscan", &["RO,access"]),
    ("ssubscribe", &["not_key"]),
    ("strlen", &["RO"]),
    ("substr", &["RO,access"]),
    ("sunion", &["RO,access"]),
    ("sunionstore", &["OW,update", "RO,access"]),
    ("sunsubscribe", &["not_key"]),
    ("touch", &["RO"]),
    ("ttl", &["RO,access"]),
    ("type", &["RO"]),
    ("unlink", &["RM,delete"]),
    ("watch", &["RO"]),
    ("xack", &["RW,update"]),
    ("xadd", &["RW,update"]),
    ("xautoclaim", &["RW,delete"]),
    ("xclaim", &["RW,update"]),
    ("xdel", &["RW,delete"]),
    ("xgroup|create", &["RW,insert"]),
    ("xgroup|createconsumer", &["RW,insert"]),
    ("xgroup|delconsumer", &["RW,delete"]),
    ("xgroup|destroy", &["RW,delete"]),
    ("xgroup|setid", &["RW,update"]),
    ("xinfo|consumers", &["RO,access"]),
    ("xinfo|groups", &["RO,access"]),
    ("xinfo|stream", &["RO,access"]),
    ("xlen", &["RO"]),
    ("xpending", &["RO,access"]),
    ("xrange", &["RO,access"]),
    ("xread", &["RO,access"]),
    ("xreadgroup", &["RO,access"]),
    ("xrevrange", &["RO,access"]),
    ("xsetid", &["RW,update"]),
    ("xtrim", &["RW,delete"]),
    ("zadd", &["RW,update"]),
    ("zcard", &["RO"]),
    ("zcount", &["RO,access"]),
    ("zdiff", &["RO,access"]),
    ("zdiffstore", &["OW,update", "RO,access"]),
    ("zincrby", &["RW,access,update"]),
    ("zinter", &["RO,access"]),
    ("zintercard", &["RO,access"]),
    ("zinterstore", &["OW,update", "RO,access"]),
    ("zlexcount", &["RO,access"]),
    ("zmpop", &["RW,access,delete"]),
    ("zmscore", &["RO,access"]),
    ("zpopmax", &["RW,access,delete"]),
    ("zpopmin", &["RW,access,delete"]),
    ("zrandmember", &["RO,access"]),
    ("zrange", &["RO,access"]),
    ("zrangebylex", &["RO,access"]),
    ("zrangebyscore", &["RO,access"]),
    ("zrangestore", &["OW,update", "RO,access"]),
    ("zrank", &["RO,access"]),
    ("zrem", &["RW,delete"]),
    ("zremrangebylex", &["RW,delete"]),
    ("zremrangebyrank", &["RW,delete"]),
    ("zremrangebyscore", &["RW,delete"]),
    ("zrevrange", &["RO,access"]),
    ("zrevrangebylex", &["RO,access"]),
    ("zrevrangebyscore", &["RO,access"]),
    ("zrevrank", &["RO,access"]),
    ("zscan", &["RO,access"]),
    ("zscore", &["RO,access"]),
    ("zunion", &["RO,access"]),
    ("zunionstore", &["OW,update", "RO,access"]),
];

/// The key specs of a command (`name` is the full name, `parent|sub` for subcommands).
pub fn specs_of(name: &str) -> &'static [&'static str] {
    SPECS
        .binary_search_by(|(n, _)| n.cmp(&name))
        .map_or(&[], |i| SPECS[i].1)
}

/// Whether `BITFIELD`'s operations only read (`GET` and `OVERFLOW` alone).
fn bitfield_reads_only(args: &Args) -> bool {
    !(2..args.len()).any(|i| {
        let a = args.get(i);
        a.eq_ignore_ascii_case(b"set") || a.eq_ignore_ascii_case(b"incrby")
    })
}

/// The flags of the keys at `positions` (argument indexes, in the order the command table
/// found them) of the command line `args`.
pub fn flags_of_keys(name: &str, args: &Args, positions: &[usize]) -> Vec<&'static str> {
    let specs = specs_of(name);
    positions
        .iter()
        .enumerate()
        .map(|(n, &pos)| {
            let spec = match name {
                // Flags that depend on the arguments (`variable_flags`).
                "set" => {
                    let get = (3..args.len()).any(|i| args.get(i).eq_ignore_ascii_case(b"get"));
                    return if get { "RW,access,update" } else { "OW,update" };
                }
                "bitfield" => {
                    return if bitfield_reads_only(args) {
                        "RO,access"
                    } else {
                        "RW,access,update"
                    };
                }
                // The second spec of SORT is the BY/GET pattern, never a key position.
                "sort" if pos > 1 => 2,
                // GEORADIUS* STORE/STOREDIST keys.
                _ if n > 0 && name.starts_with("georadius") => 1,
                _ if n == 0 => 0,
                _ => 1,
            };
            specs
                .get(spec)
                .or_else(|| specs.last())
                .copied()
                .unwrap_or("")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(SPECS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lookups() {
        assert_eq!(specs_of("get"), &["RO,access"]);
        assert_eq!(specs_of("object|encoding"), &["RO"]);
        assert!(specs_of("ping").is_empty());
    }
}
