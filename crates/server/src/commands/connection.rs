//! Connection commands: PING ECHO QUIT RESET SELECT AUTH HELLO and CLIENT subcommands.

use super::{int_arg, is};
use crate::client::ReplyMode;
use crate::error::{CmdError, CmdResult};
use crate::server::{Ctx, REDIS_VERSION};
use resp::{Args, Proto};
use std::time::{Duration, Instant};

pub fn ping(ctx: &mut Ctx, a: &Args) -> CmdResult {
    // A RESP2 subscriber gets PING's answer in the shape of a message.
    if ctx.client.out.proto == Proto::Resp2 && ctx.client.subs.any() && a.len() <= 2 {
        let msg: &[u8] = if a.len() == 2 { a.get(1) } else { b"" };
        ctx.client.out.array(2);
        ctx.client.out.bulk(b"pong");
        ctx.client.out.bulk(msg);
        return Ok(());
    }
    match a.len() {
        1 => ctx.client.out.raw(b"+PONG\r\n"),
        2 => ctx.client.out.bulk(a.get(1)),
        _ => return Err(CmdError::WrongArity("ping".into())),
    }
    Ok(())
}

pub fn echo(ctx: &mut Ctx, a: &Args) -> CmdResult {
    ctx.client.out.bulk(a.get(1));
    Ok(())
}

pub fn quit(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.client.out.ok();
    ctx.client.close_after_reply = true;
    Ok(())
}

pub fn reset(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.client.multi = None;
    super::transactions::unwatch_all(ctx);
    ctx.core.pubsub.forget_client(ctx.client);
    let c = &mut *ctx.client;
    c.db = 0;
    c.out.proto = Proto::Resp2;
    c.name = None;
    c.reply_mode = ReplyMode::On;
    c.no_evict = false;
    c.monitor = false;
    c.authenticated = ctx.core.config.requirepass.is_none();
    c.out.raw(b"+RESET\r\n");
    Ok(())
}

pub fn select(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let n = int_arg(a.get(1))?;
    if n < 0 || n as usize >= ctx.core.ks.dbs.len() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.client.db = n as usize;
    ctx.client.out.ok();
    Ok(())
}

/// Checks a username/password pair against the only user, `default`.
fn check_password(ctx: &Ctx, user: &[u8], pass: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    match &ctx.core.config.requirepass {
        None => true,
        Some(p) => p.as_slice() == pass,
    }
}

pub fn auth(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let (user, pass): (&[u8], &[u8]) = if a.len() == 2 {
        (b"default", a.get(1))
    } else {
        (a.get(1), a.get(2))
    };
    if a.len() == 2 && ctx.core.config.requirepass.is_none() {
        return Err(CmdError::msg("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"));
    }
    if check_password(ctx, user, pass) {
        ctx.client.authenticated = true;
        ctx.client.out.ok();
        Ok(())
    } else {
        Err(CmdError::WrongPass)
    }
}

pub fn hello(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut proto = None;
    let mut i = 1;
    if a.len() >= 2 {
        let v = resp::request::parse_i64_strict(a.get(1)).ok_or_else(|| {
            CmdError::msg("ERR Protocol version is not an integer or out of range")
        })?;
        if !(2..=3).contains(&v) {
            return Err(CmdError::msg("NOPROTO unsupported protocol version"));
        }
        proto = Some(if v == 3 { Proto::Resp3 } else { Proto::Resp2 });
        i = 2;
    }
    let mut auth: Option<(Vec<u8>, Vec<u8>)> = None;
    let mut name: Option<Vec<u8>> = None;
    while i < a.len() {
        let left = a.len() - i - 1;
        if is(a.get(i), "auth") && left >= 2 {
            auth = Some((a.get(i + 1).to_vec(), a.get(i + 2).to_vec()));
            i += 3;
        } else if is(a.get(i), "setname") && left >= 1 {
            name = Some(a.get(i + 1).to_vec());
            i += 2;
        } else {
            return Err(CmdError::owned(format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(a.get(i))
            )));
        }
    }
    if let Some((u, p)) = &auth {
        if !check_password(ctx, u, p) {
            return Err(CmdError::WrongPass);
        }
        ctx.client.authenticated = true;
    }
    if !ctx.client.authenticated {
        return Err(CmdError::msg("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"));
    }
    if let Some(n) = name {
        validate_name(&n)?;
        ctx.client.name = if n.is_empty() { None } else { Some(n) };
    }
    if let Some(p) = proto {
        ctx.client.out.proto = p;
    }
    let id = ctx.client.id as i64;
    let out = &mut ctx.client.out;
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(if out.proto == Proto::Resp3 { 3 } else { 2 });
    out.bulk(b"id");
    out.int(id);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

fn validate_name(n: &[u8]) -> CmdResult {
    if n.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(CmdError::msg(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

pub fn client_id(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let id = ctx.client.id as i64;
    ctx.client.out.int(id);
    Ok(())
}

pub fn client_setname(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let n = a.get(2);
    validate_name(n)?;
    ctx.client.name = if n.is_empty() { None } else { Some(n.to_vec()) };
    ctx.client.out.ok();
    Ok(())
}

pub fn client_getname(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    match ctx.client.name.clone() {
        Some(n) => ctx.client.out.bulk(&n),
        None => ctx.client.out.null(),
    }
    Ok(())
}

pub fn client_info(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let mut line = ctx.client.info_line();
    line.push('\n');
    ctx.client.out.verbatim(b"txt", line.as_bytes());
    Ok(())
}

pub fn client_list(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut ids: Option<Vec<u64>> = None;
    // TYPE filter: Some(true) pub/sub clients, Some(false) normal ones.
    let mut want_pubsub: Option<bool> = None;
    if a.len() > 2 {
        if is(a.get(2), "type") && a.len() == 4 {
            let t = a.get(3);
            if !["normal", "master", "replica", "slave", "pubsub"]
                .iter()
                .any(|k| is(t, k))
            {
                return Err(CmdError::owned(format!(
                    "ERR Unknown client type '{}'",
                    String::from_utf8_lossy(t)
                )));
            }
            if is(t, "normal") || is(t, "pubsub") {
                want_pubsub = Some(is(t, "pubsub"));
            } else {
                ids = Some(Vec::new());
            }
        } else if is(a.get(2), "id") && a.len() >= 4 {
            let mut v = Vec::new();
            for i in 3..a.len() {
                let n = int_arg(a.get(i))
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| CmdError::msg("ERR Invalid client ID"))?;
                v.push(n as u64);
            }
            ids = Some(v);
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let of_type = |c: &crate::client::Client| want_pubsub.is_none_or(|p| c.subs.any() == p);
    let mut lines: Vec<(u64, String)> = Vec::new();
    if of_type(ctx.client) {
        lines.push((ctx.client.id, ctx.client.info_line()));
    }
    if let Some(others) = ctx.others.as_deref() {
        for c in others.iter().flatten().filter(|c| of_type(c)) {
            lines.push((c.id, c.info_line()));
        }
    }
    lines.sort_by_key(|(id, _)| *id);
    let mut text = String::new();
    for (id, l) in lines {
        if ids.as_ref().map_or(true, |v| v.contains(&id)) {
            text.push_str(&l);
            text.push('\n');
        }
    }
    ctx.client.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

pub fn client_kill(ctx: &mut Ctx, a: &Args) -> CmdResult {
    // Old form: CLIENT KILL addr:port.
    if a.len() == 3 {
        let addr = a.get(2);
        let mut found = false;
        if ctx.client.addr.as_bytes() == addr {
            ctx.client.close_after_reply = true;
            found = true;
        }
        if let Some(others) = ctx.others.as_deref_mut() {
            for c in others.iter_mut().flatten() {
                if c.addr.as_bytes() == addr {
                    c.close_asap = true;
                    found = true;
                }
            }
        }
        if !found {
            return Err(CmdError::msg("ERR No such client"));
        }
        ctx.client.out.ok();
        return Ok(());
    }
    let (mut id, mut addr, mut laddr, mut skipme) = (None, None, None, true);
    // TYPE: Some(Some(true)) pub/sub clients, Some(Some(false)) normal, Some(None) none.
    let mut kind: Option<Option<bool>> = None;
    let mut i = 2;
    while i < a.len() {
        if i + 1 >= a.len() {
            return Err(CmdError::Syntax);
        }
        let (o, v) = (a.get(i), a.get(i + 1));
        if is(o, "id") {
            id = Some(
                int_arg(v)
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| CmdError::msg("ERR client-id should be greater than 0"))?
                    as u64,
            );
        } else if is(o, "addr") {
            addr = Some(v.to_vec());
        } else if is(o, "laddr") {
            laddr = Some(v.to_vec());
        } else if is(o, "skipme") {
            skipme = if is(v, "yes") {
                true
            } else if is(v, "no") {
                false
            } else {
                return Err(CmdError::Syntax);
            };
        } else if is(o, "type") {
            kind = Some(if is(v, "normal") {
                Some(false)
            } else if is(v, "pubsub") {
                Some(true)
            } else if ["master", "replica", "slave"].iter().any(|k| is(v, k)) {
                None
            } else {
                return Err(CmdError::owned(format!(
                    "ERR Unknown client type '{}'",
                    String::from_utf8_lossy(v)
                )));
            });
        } else if is(o, "user") {
            // Only the default user exists, and every client is authenticated as it.
            if v != b"default" {
                return Err(CmdError::owned(format!(
                    "ERR No such user '{}'",
                    String::from_utf8_lossy(v)
                )));
            }
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let matches = |c: &crate::client::Client| {
        id.map_or(true, |x| c.id == x)
            && addr.as_deref().map_or(true, |x| c.addr.as_bytes() == x)
            && laddr.as_deref().map_or(true, |x| c.laddr.as_bytes() == x)
            && kind.is_none_or(|k| k == Some(c.subs.any()))
    };
    let mut killed = 0;
    if !skipme && matches(ctx.client) {
        ctx.client.close_after_reply = true;
        killed += 1;
    }
    if let Some(others) = ctx.others.as_deref_mut() {
        for c in others.iter_mut().flatten() {
            if matches(c) {
                c.close_asap = true;
                killed += 1;
            }
        }
    }
    ctx.client.out.int(killed);
    Ok(())
}

pub fn client_pause(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 4 {
        return Err(CmdError::msg(
            "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
        ));
    }
    let ms = int_arg(a.get(2))
        .map_err(|_| CmdError::msg("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    let write_only = match a.len() {
        3 => false,
        _ if is(a.get(3), "write") => true,
        _ if is(a.get(3), "all") => false,
        _ => return Err(CmdError::msg("ERR CLIENT PAUSE mode must be WRITE or ALL")),
    };
    ctx.core.start_pause(crate::server::Pause {
        until: Instant::now() + Duration::from_millis(ms as u64),
        write_only,
    });
    ctx.client.out.ok();
    Ok(())
}

pub fn client_unpause(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.core.end_pause();
    ctx.client.out.ok();
    Ok(())
}

pub fn client_reply(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let m = a.get(2);
    if is(m, "on") {
        ctx.client.reply_mode = ReplyMode::On;
        ctx.client.out.ok();
    } else if is(m, "off") {
        ctx.client.reply_mode = ReplyMode::Off;
    } else if is(m, "skip") {
        if ctx.client.reply_mode != ReplyMode::Off {
            ctx.client.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

pub fn client_no_evict(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let m = a.get(2);
    if is(m, "on") {
        ctx.client.no_evict = true;
    } else if is(m, "off") {
        ctx.client.no_evict = false;
    } else {
        return Err(CmdError::Syntax);
    }
    ctx.client.out.ok();
    Ok(())
}

pub fn client_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let lines: &[&str] = &[
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "LIST [options ...]",
        "    Return information about client connections.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    ];
    super::server_cmds::help_reply(ctx, lines);
    Ok(())
}

/// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: answers a client blocked in a blocking command
/// as if its timeout had passed, or with an `-UNBLOCKED` error; 1 if it was blocked.
/// The answer goes out on the next expiry pass of blocked clients.
pub fn client_unblock(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() > 4 {
        return Err(CmdError::owned(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
            String::from_utf8_lossy(a.get(1))
        )));
    }
    let id = int_arg(a.get(2))?;
    let error = if a.len() == 4 {
        if is(a.get(3), "error") {
            true
        } else if is(a.get(3), "timeout") {
            false
        } else {
            return Err(CmdError::msg(
                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ));
        }
    } else {
        false
    };
    let mut found = false;
    if let Some(others) = ctx.others.as_deref_mut() {
        for c in others.iter_mut().flatten() {
            if c.id as i64 != id {
                continue;
            }
            if let Some(b) = c.blocked.as_mut() {
                b.req.deadline = Some(Instant::now());
                b.unblock_error = error;
                found = true;
            }
        }
    }
    ctx.client.out.int(i64::from(found));
    Ok(())
}
