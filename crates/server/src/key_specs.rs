//! Key-spec flags per command, as Redis 7.0.15 declares them in its key specs and reports
//! through `COMMAND GETKEYSANDFLAGS`: `RW`/`RO`/`OW`/`RM` (read-write, read-only,
//! overwrite, remove) and the logical operations `access`/`update`/`insert`/`delete`
//! (plus `incomplete`, `variable_flags`, `not_key`).
//!
//! The flags come from the key specifications recorded from redis-server 7.0.15's
//! `COMMAND INFO` (see [`crate::command_docs`]). Key positions come from the command
//! table; [`flags_of_keys`] maps each position to the spec that found it.

use crate::command_docs::{Docs, Node};
use resp::Args;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Flags of each key spec (joined by commas), by command full name, built at first use
/// from the key specifications recorded from redis-server 7.0.15
/// (`data/command_specs.txt`, also what COMMAND INFO replays).
fn table() -> &'static HashMap<String, Vec<String>> {
    static TABLE: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for (name, node) in &Docs::specs().commands {
            let Node::Array(parts) = node else { continue };
            let Some(Node::Set(specs) | Node::Array(specs)) = parts.get(1) else {
                continue;
            };
            let flags: Vec<String> = specs
                .iter()
                .filter_map(|spec| {
                    let Node::Map(items) = spec else { return None };
                    items.chunks(2).find_map(|kv| match kv {
                        [Node::Bulk(k), Node::Set(f) | Node::Array(f)] if k == "flags" => Some(
                            f.iter()
                                .filter_map(|x| match x {
                                    Node::Simple(s) | Node::Bulk(s) => Some(s.as_str()),
                                    _ => None,
                                })
                                .collect::<Vec<_>>()
                                .join(","),
                        ),
                        _ => None,
                    })
                })
                .collect();
            if !flags.is_empty() {
                m.insert(name.clone(), flags);
            }
        }
        m
    })
}

/// The key specs of a command (`name` is the full name, `parent|sub` for subcommands).
pub fn specs_of(name: &str) -> &'static [String] {
    table().get(name).map_or(&[], Vec::as_slice)
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
                .map_or("", String::as_str)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(specs_of("get"), &["RO,access"]);
        assert_eq!(specs_of("object|encoding"), &["RO"]);
        assert_eq!(specs_of("bitop"), &["OW,update", "RO,access"]);
        assert_eq!(specs_of("set"), &["RW,access,update,variable_flags"]);
        assert!(specs_of("ping").is_empty());
    }
}
