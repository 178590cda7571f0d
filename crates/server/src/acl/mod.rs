//! Access control lists as Redis 7.0 has them: users (on/off, passwords kept as SHA-256
//! hex digests, `nopass`), each with a root selector and optional extra selectors
//! `(...)`. A selector allows commands (a bit per command and subcommand of the command
//! table, plus "first argument" exceptions such as `+select|0`), key patterns (`~`,
//! `%R~`, `%W~`) and channel patterns (`&`).
//!
//! This module holds the rules, their parsing (`ACL SETUSER` modifiers), their description
//! (`ACL LIST`, `ACL GETUSER`) and the permission check used by the dispatcher, scripts
//! and `ACL DRYRUN`. The `ACL` command itself and the `ACL LOG` entries are in
//! `commands/acl.rs`. Tests: unit tests below; transcripts `redis-tests/acl*.txt`.

pub mod keys;
pub mod log;
pub mod sha256;

use crate::command_table::{self, CmdId, Registry};
use crate::glob::glob_match;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// `acl-pubsub-default allchannels`: new selectors start with all channels allowed.
/// Mirrors the configuration (set by [`Acl::sync_config`]); the server is
/// single-threaded, the atomic only makes the static safe.
static PUBSUB_DEFAULT_ALL: AtomicBool = AtomicBool::new(false);

/// Command categories in the order `ACL CAT` lists them (Redis 7.0.15).
pub const CATEGORIES: &[&str] = &[
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// Why an `ACL SETUSER` modifier was refused (texts of Redis 7.0.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    UnknownCommand,
    Syntax,
    KeysAfterAll,
    ChannelsAfterAll,
    NoSuchPassword,
    BadHash,
    FirstArgOfSubcommand,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuleError::UnknownCommand => "Unknown command or category name in ACL",
            RuleError::Syntax => "Syntax error",
            RuleError::KeysAfterAll => "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
            RuleError::ChannelsAfterAll => "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
            RuleError::NoSuchPassword => "The password you are trying to remove from the user does not exist",
            RuleError::BadHash => "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
            RuleError::FirstArgOfSubcommand => "Allowing first-arg of a subcommand is not supported",
        })
    }
}

/// Why a command was refused, ordered by how relevant the denial is when several
/// selectors refuse (Redis reports the highest, then the latest argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Denied {
    Command = 1,
    Key = 2,
    Channel = 4,
}

impl Denied {
    /// The `reason` field of an ACL LOG entry.
    pub fn reason(self) -> &'static str {
        match self {
            Denied::Command => "command",
            Denied::Key => "key",
            Denied::Channel => "channel",
        }
    }
}

/// A key pattern with the permissions it grants (`keys::R`, `keys::W`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPattern {
    pub perms: u8,
    pub pattern: Vec<u8>,
}

/// One set of permissions: a user's root selector or one of its `(...)` selectors.
#[derive(Debug, Clone)]
pub struct Selector {
    /// Allowed commands, by command-table id.
    pub allowed: Vec<bool>,
    /// Set by `+@all`/`allcommands` and cleared by any removal.
    pub all_commands: bool,
    /// Set by `+@all`, cleared only by `-@all`: commands added later are allowed too
    /// (decides whether the description starts with `+@all` or `-@all`).
    pub future: bool,
    pub all_keys: bool,
    pub all_channels: bool,
    pub keys: Vec<KeyPattern>,
    pub channels: Vec<Vec<u8>>,
    /// Categories without commands in this server's table (`+@cat`/`-@cat` last
    /// applied), so that descriptions keep naming them.
    pub empty_categories: BTreeMap<&'static str, bool>,
    /// First arguments allowed for otherwise denied commands (`+select|0`).
    pub first_args: BTreeMap<CmdId, Vec<Vec<u8>>>,
}

fn lower_eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// Looks up `name` or `container|sub` in the command table as ACL rules name commands.
fn lookup_rule_command(reg: &Registry, name: &[u8]) -> Option<CmdId> {
    let mut parts = name.split(|&c| c == b'|');
    let first = parts.next()?;
    let id = reg.lookup(first)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(id),
        (Some(sub), None) => {
            if reg.entries[id].cmd.subcommands.is_empty() {
                None
            } else {
                reg.lookup_sub(id, sub)
            }
        }
        _ => None,
    }
}

/// Whether command-table entry `id` belongs to category `cat` (without the `@`).
pub fn in_category(reg: &Registry, id: CmdId, cat: &str) -> bool {
    Registry::acl_names(reg.entries[id].cmd)
        .iter()
        .any(|n| &n[1..] == cat)
}

impl Selector {
    /// A selector that allows nothing.
    pub fn new(reg: &Registry) -> Selector {
        Selector {
            allowed: vec![false; reg.entries.len()],
            all_commands: false,
            future: false,
            all_keys: false,
            all_channels: PUBSUB_DEFAULT_ALL.load(Ordering::Relaxed),
            keys: Vec::new(),
            channels: Vec::new(),
            first_args: BTreeMap::new(),
            empty_categories: BTreeMap::new(),
        }
    }

    fn set_all(&mut self, on: bool) {
        self.allowed.iter_mut().for_each(|b| *b = on);
        self.all_commands = on;
        self.future = on;
        self.first_args.clear();
        self.empty_categories.clear();
    }

    /// Allows or denies `id` and, for a container, all its subcommands.
    fn change(&mut self, reg: &Registry, id: CmdId, on: bool) {
        self.allowed[id] = on;
        if !on {
            self.all_commands = false;
        }
        self.first_args.remove(&id);
        for s in reg.subs_of(id) {
            self.allowed[s] = on;
        }
    }

    fn change_category(&mut self, reg: &Registry, cat: &str, on: bool) {
        for id in 0..reg.entries.len() {
            if in_category(reg, id, cat) {
                self.change(reg, id, on);
            }
        }
    }

    /// Applies one selector rule (`+get`, `~key*`, `&chan`, `allkeys`, ...).
    pub fn apply(&mut self, reg: &Registry, op: &[u8]) -> Result<(), RuleError> {
        if lower_eq(op, "allkeys") || op == b"~*" {
            self.all_keys = true;
            self.keys.clear();
        } else if lower_eq(op, "resetkeys") {
            self.all_keys = false;
            self.keys.clear();
        } else if lower_eq(op, "allchannels") || op == b"&*" {
            self.all_channels = true;
            self.channels.clear();
        } else if lower_eq(op, "resetchannels") {
            self.all_channels = false;
            self.channels.clear();
        } else if lower_eq(op, "allcommands") || lower_eq(op, "+@all") {
            self.set_all(true);
        } else if lower_eq(op, "nocommands") || lower_eq(op, "-@all") {
            self.set_all(false);
        } else if op[0] == b'~' || op[0] == b'%' {
            self.add_key_pattern(op)?;
        } else if op[0] == b'&' {
            if self.all_channels {
                return Err(RuleError::ChannelsAfterAll);
            }
            let ch = op[1..].to_vec();
            if !self.channels.contains(&ch) {
                self.channels.push(ch);
            }
        } else if op.len() > 1 && (op[0] == b'+' || op[0] == b'-') && op[1] == b'@' {
            let cat = String::from_utf8_lossy(&op[2..]).to_ascii_lowercase();
            if !CATEGORIES.contains(&cat.as_str()) {
                return Err(RuleError::UnknownCommand);
            }
            self.change_category(reg, &cat, op[0] == b'+');
            if let Some(c) = CATEGORIES.iter().find(|c| **c == cat) {
                if !(0..reg.entries.len()).any(|id| in_category(reg, id, c)) {
                    self.empty_categories.insert(c, op[0] == b'+');
                }
            }
        } else if op[0] == b'+' {
            self.allow_command(reg, &op[1..])?;
        } else if op[0] == b'-' {
            let id = lookup_rule_command(reg, &op[1..]).ok_or(RuleError::UnknownCommand)?;
            self.change(reg, id, false);
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    fn add_key_pattern(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let (perms, pattern) = if op[0] == b'%' {
            let tilde = op
                .iter()
                .position(|&c| c == b'~')
                .ok_or(RuleError::Syntax)?;
            let mut perms = 0;
            for &c in &op[1..tilde] {
                match c.to_ascii_uppercase() {
                    b'R' => perms |= keys::R,
                    b'W' => perms |= keys::W,
                    _ => return Err(RuleError::Syntax),
                }
            }
            if perms == 0 {
                return Err(RuleError::Syntax);
            }
            (perms, &op[tilde + 1..])
        } else {
            (keys::RW, &op[1..])
        };
        if self.all_keys {
            return Err(RuleError::KeysAfterAll);
        }
        if pattern == b"*" && perms == keys::RW {
            self.all_keys = true;
            self.keys.clear();
            return Ok(());
        }
        match self.keys.iter_mut().find(|k| k.pattern == pattern) {
            Some(k) => k.perms |= perms,
            None => self.keys.push(KeyPattern {
                perms,
                pattern: pattern.to_vec(),
            }),
        }
        Ok(())
    }

    /// `+cmd`, `+container|sub` or `+cmd|firstarg`.
    fn allow_command(&mut self, reg: &Registry, name: &[u8]) -> Result<(), RuleError> {
        let Some(bar) = name.iter().rposition(|&c| c == b'|') else {
            let id = lookup_rule_command(reg, name).ok_or(RuleError::UnknownCommand)?;
            self.change(reg, id, true);
            return Ok(());
        };
        let (head, sub) = (&name[..bar], &name[bar + 1..]);
        let id = lookup_rule_command(reg, head).ok_or(RuleError::UnknownCommand)?;
        if reg.entries[id].parent.is_some() {
            return Err(RuleError::FirstArgOfSubcommand);
        }
        if sub.is_empty() {
            return Err(RuleError::Syntax);
        }
        if !reg.entries[id].cmd.subcommands.is_empty() {
            let sid = reg.lookup_sub(id, sub).ok_or(RuleError::UnknownCommand)?;
            self.change(reg, sid, true);
        } else {
            let list = self.first_args.entry(id).or_default();
            if !list.iter().any(|a| a.eq_ignore_ascii_case(sub)) {
                list.push(sub.to_vec());
            }
        }
        Ok(())
    }

    /// The key patterns as `ACL GETUSER` shows them (`~*`, `%R~a ~b`, or empty).
    pub fn describe_keys(&self) -> String {
        if self.all_keys {
            return "~*".into();
        }
        let v: Vec<String> = self
            .keys
            .iter()
            .map(|k| {
                let prefix = match k.perms {
                    keys::R => "%R~",
                    keys::W => "%W~",
                    _ => "~",
                };
                format!("{prefix}{}", String::from_utf8_lossy(&k.pattern))
            })
            .collect();
        v.join(" ")
    }

    /// The channel patterns as `ACL GETUSER` shows them (`&*`, `&a &b`, or empty).
    pub fn describe_channels(&self) -> String {
        if self.all_channels {
            return "&*".into();
        }
        let v: Vec<String> = self
            .channels
            .iter()
            .map(|c| format!("&{}", String::from_utf8_lossy(c)))
            .collect();
        v.join(" ")
    }

    /// The command rules in the shape Redis gives them: `+@all`/`-@all`, then the
    /// categories that describe most of the allowed set, then single commands that
    /// differ, then first-argument exceptions of denied commands.
    pub fn describe_commands(&self, reg: &Registry) -> String {
        let mut fake = Selector::new(reg);
        let mut out = String::new();
        let additive = !self.future;
        if additive {
            out.push_str("-@all ");
        } else {
            out.push_str("+@all ");
            fake.set_all(true);
        }
        // Categories are used in two passes: first, repeatedly, the one that corrects
        // the most commands of the description so far without spoiling any; then, in
        // category order, those that correct more commands than they spoil.
        let count = |fake: &Selector, cat: &str| {
            let (mut fixed, mut spoiled) = (0, 0);
            for id in 0..reg.entries.len() {
                if !in_category(reg, id, cat) {
                    continue;
                }
                if self.allowed[id] != fake.allowed[id] && self.allowed[id] == additive {
                    fixed += 1;
                } else if self.allowed[id] == fake.allowed[id] && self.allowed[id] != additive {
                    spoiled += 1;
                }
            }
            (fixed, spoiled)
        };
        let mut used = [false; CATEGORIES.len()];
        let emit = |fake: &mut Selector, used: &mut [bool], ci: usize, out: &mut String| {
            used[ci] = true;
            fake.change_category(reg, CATEGORIES[ci], additive);
            out.push_str(if additive { "+@" } else { "-@" });
            out.push_str(CATEGORIES[ci]);
            out.push(' ');
        };
        loop {
            let best = (0..CATEGORIES.len())
                .filter(|&ci| !used[ci])
                .map(|ci| (ci, count(&fake, CATEGORIES[ci])))
                .filter(|&(_, (f, s))| f > 0 && s == 0)
                .max_by_key(|&(ci, (f, _))| (f, std::cmp::Reverse(ci)));
            match best {
                Some((ci, _)) => emit(&mut fake, &mut used, ci, &mut out),
                None => break,
            }
        }
        for (ci, cat) in CATEGORIES.iter().enumerate() {
            let (f, s) = count(&fake, cat);
            let empty_named = self.empty_categories.get(cat) == Some(&additive);
            if !used[ci] && (f > s || empty_named) {
                emit(&mut fake, &mut used, ci, &mut out);
            }
        }
        for top in reg.top_level().collect::<Vec<_>>() {
            self.describe_single(reg, &mut fake, top, &mut out);
            for sub in reg.subs_of(top) {
                self.describe_single(reg, &mut fake, sub, &mut out);
            }
        }
        out.pop();
        out
    }

    fn describe_single(&self, reg: &Registry, fake: &mut Selector, id: CmdId, out: &mut String) {
        let mine = self.allowed[id];
        if mine != fake.allowed[id] {
            out.push(if mine { '+' } else { '-' });
            out.push_str(&reg.entries[id].full_name);
            out.push(' ');
            fake.change(reg, id, mine);
        }
        if !mine {
            if let Some(args) = self.first_args.get(&id) {
                for a in args {
                    out.push('+');
                    out.push_str(&reg.entries[id].full_name);
                    out.push('|');
                    out.push_str(&String::from_utf8_lossy(a));
                    out.push(' ');
                }
            }
        }
    }

    /// The selector as `ACL LIST` writes it: keys, channels, commands.
    pub fn describe(&self, reg: &Registry) -> String {
        let mut parts = Vec::new();
        let k = self.describe_keys();
        if !k.is_empty() {
            parts.push(k);
        }
        if self.all_channels {
            parts.push("&*".into());
        } else {
            parts.push("resetchannels".into());
            let c = self.describe_channels();
            if !c.is_empty() {
                parts.push(c);
            }
        }
        parts.push(self.describe_commands(reg));
        parts.join(" ")
    }

    fn key_ok(&self, key: &[u8], need: u8) -> bool {
        if self.all_keys {
            return true;
        }
        self.keys.iter().any(|k| {
            (if need == keys::NONE {
                k.perms != 0
            } else {
                k.perms & need == need
            }) && glob_match(&k.pattern, key, false)
        })
    }

    /// Whether `channel` may be used; `literal` patterns (PSUBSCRIBE) must equal one of
    /// the allowed patterns.
    pub fn channel_ok(&self, channel: &[u8], is_pattern: bool) -> bool {
        if self.all_channels {
            return true;
        }
        self.channels.iter().any(|p| {
            if is_pattern {
                p == channel
            } else {
                glob_match(p, channel, false)
            }
        })
    }

    /// Whether the command itself (not its keys or channels) is allowed; `args` are
    /// needed for first-argument exceptions only.
    pub fn command_ok(&self, reg: &Registry, id: CmdId, args: &[&[u8]]) -> bool {
        self.all_commands
            || reg.entries[id].cmd.flags & command_table::NO_AUTH != 0
            || self.allowed[id]
            || (args.len() >= 2
                && self
                    .first_args
                    .get(&id)
                    .is_some_and(|l| l.iter().any(|a| a.eq_ignore_ascii_case(args[1]))))
    }

    /// Checks a command line against this selector; on denial, the reason and the
    /// index of the offending argument.
    pub fn check(&self, reg: &Registry, id: CmdId, args: &[&[u8]]) -> Result<(), (Denied, usize)> {
        let cmd = reg.entries[id].cmd;
        if !self.command_ok(reg, id, args) {
            return Err((Denied::Command, 0));
        }
        // Shard channels are key-like arguments checked as channels, not keys.
        let channel_keys = matches!(cmd.name, "spublish" | "ssubscribe" | "sunsubscribe");
        if !self.all_keys && !channel_keys {
            let name = &reg.entries[id].full_name;
            for (pos, flags) in keys_with_flags(cmd, name, args) {
                if !self.key_ok(args[pos], keys::needed(cmd, flags)) {
                    return Err((Denied::Key, pos));
                }
            }
        }
        if !self.all_channels {
            let (from, is_pattern) = match cmd.name {
                "publish" | "spublish" => (1, false),
                "subscribe" | "ssubscribe" => (1, false),
                "psubscribe" => (1, true),
                _ => (0, false),
            };
            if from > 0 {
                let until = if matches!(cmd.name, "publish" | "spublish") {
                    2.min(args.len())
                } else {
                    args.len()
                };
                for (i, ch) in args.iter().enumerate().take(until).skip(from) {
                    if !self.channel_ok(ch, is_pattern) {
                        return Err((Denied::Channel, i));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Key positions of a command line given as slices.
/// The key arguments of a command line with their key-spec flags, as `COMMAND
/// GETKEYSANDFLAGS` reports them.
fn keys_with_flags(
    cmd: &command_table::Command,
    name: &str,
    args: &[&[u8]],
) -> Vec<(usize, &'static str)> {
    let mut buf = Vec::new();
    let mut ranges = Vec::new();
    for a in args {
        let start = buf.len();
        buf.extend_from_slice(a);
        ranges.push((start, buf.len()));
    }
    let a = resp::Args::from_parts(&buf, &ranges);
    let positions = command_table::command_keys(cmd, &a);
    let flags = crate::key_specs::flags_of_keys(name, &a, &positions);
    positions.into_iter().zip(flags).collect()
}

/// A user: flags, password hashes and selectors.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub enabled: bool,
    pub nopass: bool,
    /// `Some(true)`: sanitize-payload, `Some(false)`: skip-sanitize-payload.
    pub sanitize: Option<bool>,
    /// SHA-256 hex digests.
    pub passwords: Vec<String>,
    pub root: Selector,
    pub selectors: Vec<Selector>,
}

fn valid_hash(h: &[u8]) -> bool {
    h.len() == 64
        && h.iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

impl User {
    /// A new user: off, no passwords, no permissions.
    pub fn new(reg: &Registry, name: &str) -> User {
        User {
            name: name.to_string(),
            enabled: false,
            nopass: false,
            sanitize: None,
            passwords: Vec::new(),
            root: Selector::new(reg),
            selectors: Vec::new(),
        }
    }

    /// The `default` user as created at startup: everything allowed, no password.
    pub fn default_user(reg: &Registry) -> User {
        let mut u = User::new(reg, "default");
        for op in ["+@all", "~*", "&*", "on", "nopass"] {
            let _ = u.apply(reg, op.as_bytes());
        }
        u
    }

    /// Applies one `ACL SETUSER` modifier.
    pub fn apply(&mut self, reg: &Registry, op: &[u8]) -> Result<(), RuleError> {
        if op.is_empty() {
            return Err(RuleError::Syntax);
        }
        if lower_eq(op, "on") {
            self.enabled = true;
        } else if lower_eq(op, "off") {
            self.enabled = false;
        } else if lower_eq(op, "skip-sanitize-payload") {
            self.sanitize = Some(false);
        } else if lower_eq(op, "sanitize-payload") {
            self.sanitize = Some(true);
        } else if lower_eq(op, "nopass") {
            self.nopass = true;
            self.passwords.clear();
        } else if lower_eq(op, "resetpass") {
            self.nopass = false;
            self.passwords.clear();
        } else if lower_eq(op, "clearselectors") {
            self.selectors.clear();
        } else if lower_eq(op, "reset") {
            for o in [
                "resetpass",
                "resetkeys",
                "resetchannels",
                "off",
                "clearselectors",
                "-@all",
            ] {
                self.apply(reg, o.as_bytes())?;
            }
            if PUBSUB_DEFAULT_ALL.load(Ordering::Relaxed) {
                self.apply(reg, b"allchannels")?;
            }
            self.sanitize = Some(true);
        } else if op[0] == b'>' || op[0] == b'#' {
            let hash = if op[0] == b'>' {
                sha256::hex_digest(&op[1..])
            } else {
                if !valid_hash(&op[1..]) {
                    return Err(RuleError::BadHash);
                }
                String::from_utf8_lossy(&op[1..]).into_owned()
            };
            if !self.passwords.contains(&hash) {
                self.passwords.push(hash);
            }
            self.nopass = false;
        } else if op[0] == b'<' || op[0] == b'!' {
            let hash = if op[0] == b'<' {
                sha256::hex_digest(&op[1..])
            } else {
                if !valid_hash(&op[1..]) {
                    return Err(RuleError::BadHash);
                }
                String::from_utf8_lossy(&op[1..]).into_owned()
            };
            let before = self.passwords.len();
            self.passwords.retain(|p| *p != hash);
            if self.passwords.len() == before {
                return Err(RuleError::NoSuchPassword);
            }
            self.nopass = false;
        } else if op[0] == b'(' && op[op.len() - 1] == b')' {
            let mut sel = Selector::new(reg);
            for part in op[1..op.len() - 1]
                .split(|c| c.is_ascii_whitespace())
                .filter(|p| !p.is_empty())
            {
                sel.apply(reg, part)?;
            }
            self.selectors.push(sel);
        } else {
            self.root.apply(reg, op)?;
        }
        Ok(())
    }

    /// Whether `pass` opens this user (an enabled user only).
    pub fn password_ok(&self, pass: &[u8]) -> bool {
        if !self.enabled {
            return false;
        }
        self.nopass || self.passwords.contains(&sha256::hex_digest(pass))
    }

    /// The flag names `ACL LIST` and `ACL GETUSER` show.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let mut v = vec![if self.enabled { "on" } else { "off" }];
        if self.nopass {
            v.push("nopass");
        }
        match self.sanitize {
            Some(false) => v.push("skip-sanitize-payload"),
            Some(true) => v.push("sanitize-payload"),
            None => {}
        }
        v
    }

    /// The `ACL LIST` line.
    pub fn describe(&self, reg: &Registry) -> String {
        let mut s = format!("user {}", self.name);
        for f in self.flag_names() {
            s.push(' ');
            s.push_str(f);
        }
        for p in &self.passwords {
            s.push_str(" #");
            s.push_str(p);
        }
        s.push(' ');
        s.push_str(&self.root.describe(reg));
        for sel in &self.selectors {
            s.push_str(" (");
            s.push_str(&sel.describe(reg));
            s.push(')');
        }
        s
    }

    /// Checks a command line against every selector: allowed if one allows it,
    /// otherwise the most relevant denial.
    pub fn check(&self, reg: &Registry, id: CmdId, args: &[&[u8]]) -> Result<(), (Denied, usize)> {
        let mut worst = match self.root.check(reg, id, args) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        for sel in &self.selectors {
            match sel.check(reg, id, args) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    if e.0 > worst.0 || (e.0 == worst.0 && e.1 > worst.1) {
                        worst = e;
                    }
                }
            }
        }
        Err(worst)
    }

    /// Whether every selector allows everything (the dispatcher's fast path).
    pub fn unrestricted(&self) -> bool {
        self.root.all_commands && self.root.all_keys && self.root.all_channels
    }
}

/// Joins `ACL SETUSER` arguments the way Redis reads selectors: an argument starting
/// with `(` runs up to the first argument ending with `)`, joined by spaces.
/// On an unclosed selector, the error text.
pub fn merge_selector_args(args: &[&[u8]]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    let mut open: Option<Vec<u8>> = None;
    let mut start: &[u8] = b"";
    for a in args {
        if let Some(cur) = open.as_mut() {
            cur.push(b' ');
            cur.extend_from_slice(a);
            if a.last() == Some(&b')') {
                out.push(open.take().unwrap_or_default());
            }
            continue;
        }
        if a.first() == Some(&b'(') && a.last() != Some(&b')') {
            open = Some(a.to_vec());
            start = a;
            continue;
        }
        if a.first() == Some(&b'(') && a.len() == 1 {
            open = Some(a.to_vec());
            start = a;
            continue;
        }
        out.push(a.to_vec());
    }
    if open.is_some() {
        return Err(format!(
            "ERR Unmatched parenthesis in acl selector starting at '{}'.",
            String::from_utf8_lossy(start)
        ));
    }
    Ok(out)
}

/// The server's users.
pub struct Acl {
    pub users: BTreeMap<String, User>,
    /// `requirepass` as last applied to the default user.
    requirepass_seen: Option<Vec<u8>>,
}

impl Acl {
    pub fn new(reg: &Registry) -> Acl {
        let mut users = BTreeMap::new();
        users.insert("default".to_string(), User::default_user(reg));
        Acl {
            users,
            requirepass_seen: None,
        }
    }

    /// Follows the configuration: `acl-pubsub-default`, and `requirepass` when it
    /// changed (startup, CONFIG SET): a password replaces the default user's passwords,
    /// an empty one makes it `nopass`.
    pub fn sync_config(&mut self, reg: &Registry, config: &crate::config::Config) {
        PUBSUB_DEFAULT_ALL.store(
            config.get("acl-pubsub-default") == "allchannels",
            Ordering::Relaxed,
        );
        let requirepass = &config.requirepass;
        if self.requirepass_seen == *requirepass {
            return;
        }
        self.requirepass_seen = requirepass.clone();
        if let Some(u) = self.users.get_mut("default") {
            let _ = u.apply(reg, b"resetpass");
            match requirepass {
                Some(p) => {
                    let mut op = b">".to_vec();
                    op.extend_from_slice(p);
                    let _ = u.apply(reg, &op);
                }
                None => {
                    let _ = u.apply(reg, b"nopass");
                }
            }
        }
    }

    /// Whether the default user may do anything (the dispatcher's fast path).
    pub fn default_unrestricted(&self) -> bool {
        self.users.get("default").is_some_and(User::unrestricted)
    }

    /// Whether a selector of `user` that allows command `id` may read every key (SORT's
    /// BY and GET options need it).
    pub fn full_read_access(&self, reg: &Registry, user: &str, id: CmdId) -> bool {
        let Some(u) = self.users.get(user) else {
            return true;
        };
        std::iter::once(&u.root)
            .chain(u.selectors.iter())
            .any(|s| s.command_ok(reg, id, &[]) && s.key_ok(b"*", keys::R))
    }

    /// Whether a new connection starts authenticated (default user on and nopass).
    pub fn default_needs_no_auth(&self) -> bool {
        self.users
            .get("default")
            .is_some_and(|u| u.enabled && u.nopass)
    }

    /// Users from ACL file text (`user <name> <rules...>` lines; empty lines and `#`
    /// comments skipped). A missing `default` user gets the default rules. On error,
    /// the collected messages (nothing is changed).
    pub fn parse_file(
        reg: &Registry,
        text: &str,
        file: &str,
    ) -> Result<BTreeMap<String, User>, String> {
        let mut users: BTreeMap<String, User> = BTreeMap::new();
        let mut errors = String::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if words[0] != "user" || words.len() < 2 {
                errors.push_str(&format!(
                    "{file}:{}: line should start with user keyword. ",
                    n + 1
                ));
                continue;
            }
            let name = words[1];
            if users.contains_key(name) {
                errors.push_str(&format!(
                    "{file}:{}: Duplicate user '{name}' found. ",
                    n + 1
                ));
                continue;
            }
            let raw: Vec<&[u8]> = words[2..].iter().map(|w| w.as_bytes()).collect();
            let ops = match merge_selector_args(&raw) {
                Ok(o) => o,
                Err(e) => {
                    errors.push_str(&format!("{file}:{}: {e}. ", n + 1));
                    continue;
                }
            };
            let mut u = User::new(reg, name);
            for op in &ops {
                if let Err(e) = u.apply(reg, op) {
                    errors.push_str(&format!(
                        "{file}:{}: {e}. Error in user declaration '{}'. ",
                        n + 1,
                        String::from_utf8_lossy(op)
                    ));
                    break;
                }
            }
            users.insert(name.to_string(), u);
        }
        if !errors.is_empty() {
            return Err(errors.trim_end().to_string());
        }
        users
            .entry("default".to_string())
            .or_insert_with(|| User::default_user(reg));
        Ok(users)
    }

    /// The user `name` if `pass` opens it.
    pub fn authenticate(&self, name: &[u8], pass: &[u8]) -> bool {
        std::str::from_utf8(name)
            .ok()
            .and_then(|n| self.users.get(n))
            .is_some_and(|u| u.password_ok(pass))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(ops: &[&str]) -> (Registry, User) {
        let reg = Registry::new();
        let mut u = User::new(&reg, "u");
        for op in ops {
            u.apply(&reg, op.as_bytes()).unwrap();
        }
        (reg, u)
    }

    #[test]
    fn describes_like_acl_list() {
        let (reg, u) = user(&["on", ">p1", "~a*", "%R~r*", "&ch*", "+get", "(+set ~s*)"]);
        assert_eq!(
            u.describe(&reg),
            "user u on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a \
             ~a* %R~r* resetchannels &ch* -@all +get (~s* resetchannels -@all +set)"
        );
        let (reg, u) = user(&["reset"]);
        assert_eq!(
            u.describe(&reg),
            "user u off sanitize-payload resetchannels -@all"
        );
        let d = User::default_user(&reg);
        assert_eq!(d.describe(&reg), "user default on nopass ~* &* +@all");
    }

    #[test]
    fn checks_commands_keys_and_channels() {
        let (reg, u) = user(&["+get", "+client|id", "+select|0", "~k*", "&c*", "+publish"]);
        let get = reg.lookup(b"get").unwrap();
        assert_eq!(u.check(&reg, get, &[b"get", b"k1"]), Ok(()));
        assert_eq!(u.check(&reg, get, &[b"get", b"z"]), Err((Denied::Key, 1)));
        let set = reg.lookup(b"set").unwrap();
        assert_eq!(
            u.check(&reg, set, &[b"set", b"k", b"v"]),
            Err((Denied::Command, 0))
        );
        let select = reg.lookup(b"select").unwrap();
        assert_eq!(u.check(&reg, select, &[b"select", b"0"]), Ok(()));
        assert!(u.check(&reg, select, &[b"select", b"1"]).is_err());
        let publish = reg.lookup(b"publish").unwrap();
        assert_eq!(
            u.check(&reg, publish, &[b"publish", b"d", b"x"]),
            Err((Denied::Channel, 1))
        );
    }

    #[test]
    fn rule_errors() {
        let reg = Registry::new();
        let mut u = User::new(&reg, "u");
        assert_eq!(u.apply(&reg, b"+nosuch"), Err(RuleError::UnknownCommand));
        assert_eq!(u.apply(&reg, b"+client|"), Err(RuleError::Syntax));
        assert_eq!(
            u.apply(&reg, b"+client|id|x"),
            Err(RuleError::FirstArgOfSubcommand)
        );
        assert_eq!(u.apply(&reg, b"#abc"), Err(RuleError::BadHash));
        assert_eq!(u.apply(&reg, b"<x"), Err(RuleError::NoSuchPassword));
        u.apply(&reg, b"allkeys").unwrap();
        assert_eq!(u.apply(&reg, b"~a"), Err(RuleError::KeysAfterAll));
    }

    #[test]
    fn acl_files_are_read_whole_or_not_at_all() {
        let reg = Registry::new();
        let users =
            Acl::parse_file(&reg, "# comment\nuser alice on nopass ~* +@all\n\n", "f").unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(
            users["alice"].describe(&reg),
            "user alice on nopass ~* resetchannels +@all"
        );
        let err = Acl::parse_file(&reg, "user a on\nuser a off\nfoo\n", "f").unwrap_err();
        assert_eq!(
            err,
            "f:2: Duplicate user 'a' found. f:3: line should start with user keyword."
        );
    }

    #[test]
    fn descriptions_use_categories() {
        let (reg, u) = user(&["+@all", "-@read"]);
        assert_eq!(u.root.describe_commands(&reg), "+@all -@read");
        let (reg, u) = user(&["-@all", "+@hash", "-hset"]);
        assert_eq!(u.root.describe_commands(&reg), "-@all +@hash -hset");
        let (reg, u) = user(&["+@all", "-@slow"]);
        assert_eq!(u.root.describe_commands(&reg), "+@all -@slow");
    }

    #[test]
    fn selectors_are_merged_from_arguments() {
        let args: Vec<&[u8]> = vec![b"on", b"(+get", b"~a)", b"(~b)"];
        assert_eq!(
            merge_selector_args(&args).unwrap(),
            vec![b"on".to_vec(), b"(+get ~a)".to_vec(), b"(~b)".to_vec()]
        );
        let args: Vec<&[u8]> = vec![b"(+get", b"~a"];
        assert_eq!(
            merge_selector_args(&args).unwrap_err(),
            "ERR Unmatched parenthesis in acl selector starting at '(+get'."
        );
    }
}
