//! Which permission (read, write, either) an ACL key pattern must grant for each key
//! argument of a command: `%R~` patterns serve keys a command reads, `%W~` patterns keys
//! it writes.
//!
//! As in Redis 7.0, the answer comes from the key's key-spec flags (the ones `COMMAND
//! GETKEYSANDFLAGS` reports, see [`crate::key_specs`]): `access` needs read permission;
//! `insert`, `delete` and `update` need write permission; a key with neither (EXISTS,
//! TYPE, STRLEN...) needs either. A key without a recorded spec falls back to the
//! command's flags: a `readonly` command reads it, any other command reads and writes it.

use crate::command_table::{Command, READONLY};

/// Read permission.
pub const R: u8 = 1;
/// Write permission.
pub const W: u8 = 2;
/// Both.
pub const RW: u8 = R | W;
/// Neither in particular: any pattern that matches will do.
pub const NONE: u8 = 0;

/// Permission needed for a key with key-spec `flags` (comma-separated, empty when the
/// command has no recorded spec).
pub fn needed(cmd: &Command, flags: &str) -> u8 {
    if flags.is_empty() {
        return if cmd.flags & READONLY != 0 { R } else { RW };
    }
    flags.split(',').fold(NONE, |p, f| match f {
        "access" => p | R,
        "insert" | "delete" | "update" => p | W,
        _ => p,
    })
}
