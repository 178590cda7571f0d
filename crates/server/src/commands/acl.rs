//! The `ACL` command (SETUSER GETUSER DELUSER USERS LIST WHOAMI CAT GENPASS LOG DRYRUN
//! SAVE LOAD HELP), the permission check the dispatcher and scripts run before a
//! command, ACL LOG recording, and authentication (`AUTH`, `HELLO ... AUTH`).
//! The rules themselves are in `crate::acl`.

use super::{int_arg, is};
use crate::acl::log::{LogEntry, DEFAULT_MAX_LEN};
use crate::acl::{self, merge_selector_args, Denied, User, CATEGORIES};
use crate::client::Client;
use crate::command_table::{CmdId, Registry};
use crate::error::{CmdError, CmdResult};
use crate::server::{unix_ms, Core, Ctx};
use resp::Args;
use std::collections::BTreeMap;

/// Largest `ACL GENPASS` size in bits (Redis: 4096).
const GENPASS_MAX_BITS: i64 = 4096;
/// Default `ACL GENPASS` size in bits (Redis: 256).
const GENPASS_DEFAULT_BITS: i64 = 256;
/// Entries `ACL LOG` shows without a count (Redis: 10).
const LOG_DEFAULT_COUNT: usize = 10;

const NO_ACLFILE: &str = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

const HELP: &[&str] = &[
    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
    "HELP",
    "    Prints this help.",
];

/// Where a denied command ran, for the ACL LOG `context` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    TopLevel,
    Multi,
    Lua,
}

impl Context {
    fn name(self) -> &'static str {
        match self {
            Context::TopLevel => "toplevel",
            Context::Multi => "multi",
            Context::Lua => "lua",
        }
    }
}

/// Records an ACL LOG entry.
pub fn log_event(
    core: &mut Core,
    reason: &'static str,
    context: Context,
    object: Vec<u8>,
    username: Vec<u8>,
    client_info: String,
) {
    let max = core
        .config
        .get("acllog-max-len")
        .parse::<usize>()
        .unwrap_or(DEFAULT_MAX_LEN);
    core.acl_log.add(
        LogEntry {
            count: 1,
            reason,
            context: context.name(),
            object,
            username,
            ctime_ms: unix_ms(),
            client_info,
        },
        max,
    );
}

/// Checks `args` (command `id`) against the permissions of `user`; on denial records an
/// ACL LOG entry (`info` gives the client-info field) and returns the denial.
pub fn check_and_log(
    core: &mut Core,
    user: &str,
    id: CmdId,
    args: &Args,
    context: Context,
    info: &dyn Fn() -> String,
) -> Result<(), Denied> {
    let Some(u) = core.acl.users.get(user) else {
        return Ok(());
    };
    if u.unrestricted() {
        return Ok(());
    }
    let argv: Vec<&[u8]> = args.iter().collect();
    let Err((denied, pos)) = u.check(&core.registry, id, &argv) else {
        return Ok(());
    };
    let object = match denied {
        Denied::Command => core.registry.entries[id].full_name.as_bytes().to_vec(),
        _ => argv[pos].to_vec(),
    };
    log_event(
        core,
        denied.reason(),
        context,
        object,
        user.as_bytes().to_vec(),
        info(),
    );
    Err(denied)
}

/// The `-NOPERM` reply of a command refused by the dispatcher.
pub fn noperm_error(reg: &Registry, id: CmdId, d: Denied) -> CmdError {
    CmdError::owned(match d {
        Denied::Command => format!(
            "NOPERM this user has no permissions to run the '{}' command",
            reg.entries[id].full_name
        ),
        Denied::Key => {
            "NOPERM this user has no permissions to access one of the keys used as arguments".into()
        }
        Denied::Channel => {
            "NOPERM this user has no permissions to access one of the channels used as arguments"
                .into()
        }
    })
}

/// The error a script gets for a denied `redis.call` (Redis 7.0 texts).
pub fn script_error(d: Denied) -> &'static str {
    match d {
        Denied::Command => "The user executing the script can't run this command or subcommand",
        Denied::Key => "The user executing the script can't access at least one of the keys mentioned in the command arguments",
        Denied::Channel => "The user executing the script can't publish to the channel mentioned in the command",
    }
}

/// Authenticates `client` as `user`/`pass`; a failure is logged (reason `auth`, object
/// the command name as sent).
pub fn authenticate(ctx: &mut Ctx, user: &[u8], pass: &[u8], object: &[u8]) -> CmdResult {
    if ctx.core.acl.authenticate(user, pass) {
        ctx.client.authenticated = true;
        ctx.client.user = String::from_utf8_lossy(user).into_owned();
        return Ok(());
    }
    let context = if ctx.client.multi.is_some() {
        Context::Multi
    } else {
        Context::TopLevel
    };
    let object = object.to_vec();
    let info = ctx.client.info_line();
    log_event(ctx.core, "auth", context, object, user.to_vec(), info);
    Err(CmdError::WrongPass)
}

/// Closes the clients logged in as one of `users` (the caller after its reply).
fn disconnect_users(ctx: &mut Ctx, users: &[String]) {
    if users.contains(&ctx.client.user) {
        ctx.client.close_after_reply = true;
    }
    if let Some(others) = ctx.others.as_deref_mut() {
        for c in others.iter_mut().flatten() {
            if users.contains(&c.user) {
                c.close_asap = true;
            }
        }
    }
}

/// After a user changed: its subscribers lose their connection when a subscription is
/// no longer allowed.
fn kill_revoked_subscribers(ctx: &mut Ctx, name: &str) {
    let Some(u) = ctx.core.acl.users.get(name) else {
        return;
    };
    let allowed = |c: &Client| {
        let sels = std::iter::once(&u.root).chain(u.selectors.iter());
        let ok_all = |ch: &[u8], pat: bool| sels.clone().any(|s| s.channel_ok(ch, pat));
        c.subs.channels.keys().all(|ch| ok_all(ch, false))
            && c.subs.shard.keys().all(|ch| ok_all(ch, false))
            && c.subs.patterns.keys().all(|ch| ok_all(ch, true))
    };
    if ctx.client.user == name && ctx.client.subs.any() && !allowed(ctx.client) {
        ctx.client.close_after_reply = true;
    }
    if let Some(others) = ctx.others.as_deref_mut() {
        for c in others.iter_mut().flatten() {
            if c.user == name && c.subs.any() && !allowed(c) {
                c.close_asap = true;
            }
        }
    }
}

/// `ACL CAT`/`GENPASS`/`LOG` with too many arguments.
fn too_many_args(a: &Args) -> CmdError {
    CmdError::owned(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try ACL HELP.",
        String::from_utf8_lossy(a.get(1))
    ))
}

/// The `-NOPERM` reply of a queued command refused at EXEC time.
pub fn exec_noperm_error(d: Denied) -> CmdError {
    let reason = match d {
        Denied::Command => "no permission to execute the command or subcommand",
        Denied::Key => "no permission to touch the specified keys",
        Denied::Channel => "no permission to access one of the channels used as arguments",
    };
    CmdError::owned(format!("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: {reason}"))
}

pub fn setuser(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let name = a.get(2);
    if name.iter().any(|&c| c == b' ' || c == 0) {
        return Err(CmdError::msg(
            "ERR Usernames can't contain spaces or null characters",
        ));
    }
    let name = String::from_utf8_lossy(name).into_owned();
    let raw: Vec<&[u8]> = a.iter().skip(3).collect();
    let ops = merge_selector_args(&raw).map_err(CmdError::owned)?;
    let reg = &ctx.core.registry;
    let mut user = match ctx.core.acl.users.get(&name) {
        Some(u) => u.clone(),
        None => User::new(reg, &name),
    };
    for op in &ops {
        if let Err(e) = user.apply(reg, op) {
            return Err(CmdError::owned(format!(
                "ERR Error in ACL SETUSER modifier '{}': {e}",
                String::from_utf8_lossy(op)
            )));
        }
    }
    ctx.core.acl.users.insert(name.clone(), user);
    kill_revoked_subscribers(ctx, &name);
    ctx.client.out.ok();
    Ok(())
}

pub fn getuser(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let name = String::from_utf8_lossy(a.get(2));
    let reg = &ctx.core.registry;
    let Some(u) = ctx.core.acl.users.get(name.as_ref()) else {
        ctx.client.out.null();
        return Ok(());
    };
    let out = &mut ctx.client.out;
    out.map(6);
    out.bulk(b"flags");
    let flags = u.flag_names();
    out.array(flags.len());
    for f in flags {
        out.bulk(f.as_bytes());
    }
    out.bulk(b"passwords");
    out.array(u.passwords.len());
    for p in &u.passwords {
        out.bulk(p.as_bytes());
    }
    out.bulk(b"commands");
    out.bulk(u.root.describe_commands(reg).as_bytes());
    out.bulk(b"keys");
    out.bulk(u.root.describe_keys().as_bytes());
    out.bulk(b"channels");
    out.bulk(u.root.describe_channels().as_bytes());
    out.bulk(b"selectors");
    out.array(u.selectors.len());
    for s in &u.selectors {
        out.map(3);
        out.bulk(b"commands");
        out.bulk(s.describe_commands(reg).as_bytes());
        out.bulk(b"keys");
        out.bulk(s.describe_keys().as_bytes());
        out.bulk(b"channels");
        out.bulk(s.describe_channels().as_bytes());
    }
    Ok(())
}

pub fn deluser(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut removed = Vec::new();
    for name in a.iter().skip(2) {
        if name == b"default" {
            disconnect_users(ctx, &removed);
            return Err(CmdError::msg("ERR The 'default' user cannot be removed"));
        }
        let name = String::from_utf8_lossy(name).into_owned();
        if ctx.core.acl.users.remove(&name).is_some() {
            removed.push(name);
        }
    }
    disconnect_users(ctx, &removed);
    ctx.client.out.int(removed.len() as i64);
    Ok(())
}

pub fn users(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let names: Vec<String> = ctx.core.acl.users.keys().cloned().collect();
    ctx.client.out.array(names.len());
    for n in names {
        ctx.client.out.bulk(n.as_bytes());
    }
    Ok(())
}

pub fn list(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let lines: Vec<String> = ctx
        .core
        .acl
        .users
        .values()
        .map(|u| u.describe(&ctx.core.registry))
        .collect();
    ctx.client.out.array(lines.len());
    for l in lines {
        ctx.client.out.bulk(l.as_bytes());
    }
    Ok(())
}

pub fn whoami(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let u = ctx.client.user.clone();
    ctx.client.out.bulk(u.as_bytes());
    Ok(())
}

pub fn cat(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 3 {
        return Err(too_many_args(a));
    }
    if a.len() == 2 {
        ctx.client.out.array(CATEGORIES.len());
        for c in CATEGORIES {
            ctx.client.out.bulk(c.as_bytes());
        }
        return Ok(());
    }
    let want = String::from_utf8_lossy(a.get(2)).to_ascii_lowercase();
    if !CATEGORIES.contains(&want.as_str()) {
        return Err(CmdError::owned(format!(
            "ERR Unknown category '{}'",
            String::from_utf8_lossy(a.get(2))
        )));
    }
    let reg = &ctx.core.registry;
    let names: Vec<String> = (0..reg.entries.len())
        .filter(|&id| acl::in_category(reg, id, &want))
        .map(|id| reg.entries[id].full_name.clone())
        .collect();
    ctx.client.out.array(names.len());
    for n in names {
        ctx.client.out.bulk(n.as_bytes());
    }
    Ok(())
}

/// Random bytes from the system, falling back to the server's generator.
fn random_bytes(core: &mut Core, n: usize) -> Vec<u8> {
    use std::io::Read;
    let mut v = vec![0u8; n];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut v))
        .is_ok();
    if !ok {
        for b in v.iter_mut() {
            *b = core.rand() as u8;
        }
    }
    v
}

pub fn genpass(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 3 {
        return Err(too_many_args(a));
    }
    let bits = if a.len() == 3 {
        Some(int_arg(a.get(2))?)
            .filter(|&b| b > 0 && b <= GENPASS_MAX_BITS)
            .ok_or_else(|| {
                CmdError::msg("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
            })?
    } else {
        GENPASS_DEFAULT_BITS
    };
    let chars = ((bits + 3) / 4) as usize;
    let bytes = random_bytes(ctx.core, chars.div_ceil(2));
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    ctx.client.out.bulk(&hex.as_bytes()[..chars]);
    Ok(())
}

pub fn log(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 3 {
        return Err(too_many_args(a));
    }
    let mut count = LOG_DEFAULT_COUNT;
    if a.len() == 3 {
        if is(a.get(2), "reset") {
            ctx.core.acl_log.entries.clear();
            ctx.client.out.ok();
            return Ok(());
        }
        count = int_arg(a.get(2))?.max(0) as usize;
    }
    let now = unix_ms();
    let entries: Vec<LogEntry> = ctx
        .core
        .acl_log
        .entries
        .iter()
        .take(count)
        .cloned()
        .collect();
    let out = &mut ctx.client.out;
    out.array(entries.len());
    for e in entries {
        out.map(7);
        out.bulk(b"count");
        out.int(e.count as i64);
        out.bulk(b"reason");
        out.bulk(e.reason.as_bytes());
        out.bulk(b"context");
        out.bulk(e.context.as_bytes());
        out.bulk(b"object");
        out.bulk(&e.object);
        out.bulk(b"username");
        out.bulk(&e.username);
        out.bulk(b"age-seconds");
        out.double((now - e.ctime_ms) as f64 / 1000.0);
        out.bulk(b"client-info");
        out.bulk(e.client_info.as_bytes());
    }
    Ok(())
}

pub fn dryrun(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let name = String::from_utf8_lossy(a.get(2)).into_owned();
    if !ctx.core.acl.users.contains_key(&name) {
        return Err(CmdError::owned(format!("ERR User '{name}' not found")));
    }
    let argv: Vec<&[u8]> = a.iter().skip(3).collect();
    let reg = &ctx.core.registry;
    let not_found = || {
        CmdError::owned(format!(
            "ERR Command '{}' not found",
            String::from_utf8_lossy(argv[0])
        ))
    };
    let mut id = reg.lookup(argv[0]).ok_or_else(not_found)?;
    if !reg.entries[id].cmd.subcommands.is_empty() {
        if argv.len() < 2 {
            return Err(CmdError::WrongArity(reg.entries[id].full_name.clone()));
        }
        id = reg.lookup_sub(id, argv[1]).ok_or_else(not_found)?;
    }
    if !Registry::arity_ok(reg.entries[id].cmd, argv.len()) {
        return Err(CmdError::WrongArity(reg.entries[id].full_name.clone()));
    }
    let Some(u) = ctx.core.acl.users.get(&name) else {
        return Ok(());
    };
    match u.check(reg, id, &argv) {
        Ok(()) => ctx.client.out.ok(),
        Err((d, pos)) => {
            let text = match d {
                Denied::Command => format!(
                    "This user has no permissions to run the '{}' command",
                    reg.entries[id].full_name
                ),
                Denied::Key => format!(
                    "This user has no permissions to access the '{}' key",
                    String::from_utf8_lossy(argv[pos])
                ),
                Denied::Channel => format!(
                    "This user has no permissions to access the '{}' channel",
                    String::from_utf8_lossy(argv[pos])
                ),
            };
            ctx.client.out.bulk(text.as_bytes());
        }
    }
    Ok(())
}

/// The configured ACL file, if any.
fn acl_file(core: &Core) -> Option<String> {
    Some(core.config.get("aclfile").to_string()).filter(|f| !f.is_empty())
}

/// Reads users from the ACL file.
fn read_acl_file(core: &Core, file: &str) -> Result<BTreeMap<String, User>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("Error loading ACLs, opening file '{file}': {e}"))?;
    crate::acl::Acl::parse_file(&core.registry, &text, file)
}

/// Start-up: `user` directives of the configuration, then the ACL file.
pub fn load_at_startup(core: &mut Core) {
    let directives = std::mem::take(&mut core.config.user_directives);
    for d in &directives {
        let d: Vec<String> = d
            .iter()
            .flat_map(|a| a.split_whitespace())
            .map(String::from)
            .collect();
        let Some(name) = d.first().cloned() else {
            continue;
        };
        let reg = &core.registry;
        let mut u = match core.acl.users.get(&name) {
            Some(_) if name == "default" => {
                let mut u = User::default_user(reg);
                let _ = u.apply(reg, b"reset");
                u
            }
            Some(u) => u.clone(),
            None => User::new(reg, &name),
        };
        let raw: Vec<&[u8]> = d[1..].iter().map(|w| w.as_bytes()).collect();
        let ops = merge_selector_args(&raw).unwrap_or_default();
        for op in &ops {
            if let Err(e) = u.apply(reg, op) {
                core.log.warning(&format!(
                    "Error in user declaration '{}': {e}",
                    String::from_utf8_lossy(op)
                ));
            }
        }
        core.acl.users.insert(name, u);
    }
    core.config.user_directives = directives;
    if let Some(file) = acl_file(core) {
        match read_acl_file(core, &file) {
            Ok(users) => core.acl.users = users,
            Err(e) => core.log.warning(&e),
        }
    }
}

pub fn save(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let file = acl_file(ctx.core).ok_or_else(|| CmdError::msg(NO_ACLFILE))?;
    let mut text = String::new();
    for u in ctx.core.acl.users.values() {
        text.push_str(&u.describe(&ctx.core.registry));
        text.push('\n');
    }
    let tmp = format!("{file}.tmp-{}", std::process::id());
    let written = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &file));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        ctx.core
            .log
            .warning(&format!("Opening temp ACL file for ACL SAVE: {e}"));
        return Err(CmdError::msg("ERR There was an error trying to save the ACLs. Please check the server logs for more information"));
    }
    ctx.client.out.ok();
    Ok(())
}

/// `ACL LOAD`: replaces every user; clients logged in as users other than `default`
/// are disconnected (the caller after the reply).
pub fn load(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let file = acl_file(ctx.core).ok_or_else(|| CmdError::msg(NO_ACLFILE))?;
    let users = read_acl_file(ctx.core, &file).map_err(|e| CmdError::owned(format!("ERR {e}")))?;
    let old: Vec<String> = ctx
        .core
        .acl
        .users
        .keys()
        .filter(|n| *n != "default")
        .cloned()
        .collect();
    ctx.core.acl.users = users;
    disconnect_users(ctx, &old);
    ctx.client.out.ok();
    Ok(())
}

pub fn help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let out = &mut ctx.client.out;
    out.array(HELP.len());
    for l in HELP {
        out.simple(l.as_bytes());
    }
    Ok(())
}
