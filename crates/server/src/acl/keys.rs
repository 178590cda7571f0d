//! Which permission (read, write, either) an ACL key pattern must grant for each key
//! argument of a command: `%R~` patterns serve keys a command reads, `%W~` patterns keys
//! it writes.
//!
//! The table lists the commands whose key specifications differ from the default (a
//! `readonly` command reads its keys, any other command both reads and writes them). It
//! was taken from the key specifications that redis-server 7.0.15 reports in
//! `COMMAND INFO`: `access` needs read permission; `insert`, `delete` and `update` need
//! write permission; a key with neither (EXISTS, TYPE, STRLEN...) needs either.
//! SET and BITFIELD depend on their arguments (`GET`, `SET`/`INCRBY`).

use crate::command_table::{Command, READONLY};

/// Read permission.
pub const R: u8 = 1;
/// Write permission.
pub const W: u8 = 2;
/// Both.
pub const RW: u8 = R | W;
/// Neither in particular: any pattern that matches will do.
pub const NONE: u8 = 0;
/// Depends on the arguments (marker in the table).
const VAR: u8 = 4;

/// (command full name, [(first position of the key spec, permission)]); a position of
/// -1 stands for keys found by a keyword (STORE, STOREDIST), after the other specs.
static KEY_PERMS: &[(&str, &[(i32, u8)])] = &[
    ("append", &[(1, W)]),
    ("bitfield", &[(1, RW | VAR)]),
    ("bitop", &[(2, W), (3, R)]),
    ("blmove", &[(1, RW), (2, W)]),
    ("brpoplpush", &[(1, RW), (2, W)]),
    ("copy", &[(1, R), (2, W)]),
    ("del", &[(1, W)]),
    ("exists", &[(1, NONE)]),
    ("expire", &[(1, W)]),
    ("expireat", &[(1, W)]),
    ("geoadd", &[(1, W)]),
    ("georadius", &[(1, R), (-1, W), (-1, W)]),
    ("georadiusbymember", &[(1, R), (-1, W), (-1, W)]),
    ("geosearchstore", &[(1, W), (2, R)]),
    ("hdel", &[(1, W)]),
    ("hexists", &[(1, NONE)]),
    ("hlen", &[(1, NONE)]),
    ("hmset", &[(1, W)]),
    ("hset", &[(1, W)]),
    ("hsetnx", &[(1, W)]),
    ("hstrlen", &[(1, NONE)]),
    ("linsert", &[(1, W)]),
    ("llen", &[(1, NONE)]),
    ("lmove", &[(1, RW), (2, W)]),
    ("lpush", &[(1, W)]),
    ("lpushx", &[(1, W)]),
    ("lrem", &[(1, W)]),
    ("lset", &[(1, W)]),
    ("ltrim", &[(1, W)]),
    ("memory|usage", &[(2, NONE)]),
    ("mset", &[(1, W)]),
    ("msetnx", &[(1, W)]),
    ("object|encoding", &[(2, NONE)]),
    ("object|freq", &[(2, NONE)]),
    ("object|idletime", &[(2, NONE)]),
    ("object|refcount", &[(2, NONE)]),
    ("persist", &[(1, W)]),
    ("pexpire", &[(1, W)]),
    ("pexpireat", &[(1, W)]),
    ("pfadd", &[(1, W)]),
    ("pfmerge", &[(1, RW), (2, R)]),
    ("psetex", &[(1, W)]),
    ("rename", &[(1, RW), (2, W)]),
    ("renamenx", &[(1, RW), (2, W)]),
    ("restore", &[(1, W)]),
    ("restore-asking", &[(1, W)]),
    ("rpoplpush", &[(1, RW), (2, W)]),
    ("rpush", &[(1, W)]),
    ("rpushx", &[(1, W)]),
    ("sadd", &[(1, W)]),
    ("scard", &[(1, NONE)]),
    ("sdiffstore", &[(1, W), (2, R)]),
    ("set", &[(1, RW | VAR)]),
    ("setex", &[(1, W)]),
    ("setnx", &[(1, W)]),
    ("setrange", &[(1, W)]),
    ("sinterstore", &[(1, W), (2, R)]),
    ("sismember", &[(1, NONE)]),
    ("smove", &[(1, RW), (2, W)]),
    ("sort", &[(1, R), (-1, R), (-1, W)]),
    ("srem", &[(1, W)]),
    ("strlen", &[(1, NONE)]),
    ("sunionstore", &[(1, W), (2, R)]),
    ("touch", &[(1, NONE)]),
    ("type", &[(1, NONE)]),
    ("unlink", &[(1, W)]),
    ("watch", &[(1, NONE)]),
    ("xack", &[(1, W)]),
    ("xadd", &[(1, W)]),
    ("xautoclaim", &[(1, W)]),
    ("xclaim", &[(1, W)]),
    ("xdel", &[(1, W)]),
    ("xgroup|create", &[(2, W)]),
    ("xgroup|createconsumer", &[(2, W)]),
    ("xgroup|delconsumer", &[(2, W)]),
    ("xgroup|destroy", &[(2, W)]),
    ("xgroup|setid", &[(2, W)]),
    ("xlen", &[(1, NONE)]),
    ("xsetid", &[(1, W)]),
    ("xtrim", &[(1, W)]),
    ("zadd", &[(1, W)]),
    ("zcard", &[(1, NONE)]),
    ("zdiffstore", &[(1, W), (2, R)]),
    ("zinterstore", &[(1, W), (2, R)]),
    ("zrangestore", &[(1, W), (2, R)]),
    ("zrem", &[(1, W)]),
    ("zremrangebylex", &[(1, W)]),
    ("zremrangebyrank", &[(1, W)]),
    ("zremrangebyscore", &[(1, W)]),
    ("zunionstore", &[(1, W), (2, R)]),
];

fn is_word(a: &[u8], w: &str) -> bool {
    a.eq_ignore_ascii_case(w.as_bytes())
}

/// Permission needed on the key at argument `pos` of `args` for `cmd` (full name `name`).
pub fn needed(cmd: &Command, name: &str, args: &[&[u8]], pos: usize) -> u8 {
    let Some((_, specs)) = KEY_PERMS.iter().find(|(n, _)| *n == name) else {
        return if cmd.flags & READONLY != 0 { R } else { RW };
    };
    let mut perm = None;
    for &(first, p) in specs.iter() {
        if first > 0 && first as usize <= pos {
            perm = Some(p);
        }
    }
    if let Some(&(_, p)) = specs.iter().find(|(f, _)| *f < 0) {
        let last_positive = specs.iter().map(|s| s.0).max().unwrap_or(0);
        if pos as i32 > last_positive {
            perm = Some(p);
        }
    }
    let p = perm.unwrap_or(specs[0].1);
    if p & VAR == 0 {
        return p;
    }
    match name {
        // SET only reads the old value when asked for it with GET.
        "set" => {
            if args.iter().skip(3).any(|a| is_word(a, "get")) {
                RW
            } else {
                W
            }
        }
        // BITFIELD writes only with SET or INCRBY subcommands.
        "bitfield" => {
            if args
                .iter()
                .skip(2)
                .any(|a| is_word(a, "set") || is_word(a, "incrby"))
            {
                RW
            } else {
                R
            }
        }
        _ => p & RW,
    }
}
