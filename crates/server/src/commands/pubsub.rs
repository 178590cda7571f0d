//! Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, their
//! sharded forms SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, and the
//! PUBSUB introspection subcommands. The subscription index and delivery live in
//! `crate::pubsub`; the RESP2 "subscribed state" restriction is checked in
//! `server::call` through [`allowed_when_subscribed`].

use crate::error::{CmdError, CmdResult};
use crate::pubsub::Kind;
use crate::server::Ctx;
use resp::Args;

/// Commands a RESP2 client may send while it has subscriptions (Redis 7.0).
pub fn allowed_when_subscribed(name: &str) -> bool {
    matches!(
        name,
        "subscribe"
            | "ssubscribe"
            | "unsubscribe"
            | "sunsubscribe"
            | "psubscribe"
            | "punsubscribe"
            | "ping"
            | "quit"
            | "reset"
    )
}

/// The error for any other command in that state.
pub fn subscribed_context_error(full_name: &str) -> String {
    format!(
        "ERR Can't execute '{full_name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    )
}

/// `[kind, name or null, count]` as a push (an array in RESP2).
fn confirm(ctx: &mut Ctx, kind: Kind, what: &[u8], name: Option<&[u8]>) {
    let n = ctx.client.subs.count_for(kind) as i64;
    let out = &mut ctx.client.out;
    out.push(3);
    out.bulk(what);
    match name {
        Some(n) => out.bulk(n),
        None => out.null(),
    }
    out.int(n);
}

fn subscribe_to(ctx: &mut Ctx, a: &Args, kind: Kind, what: &[u8]) -> CmdResult {
    for name in a.iter().skip(1) {
        ctx.core.pubsub.subscribe(ctx.client, kind, name);
        confirm(ctx, kind, what, Some(name));
    }
    Ok(())
}

fn unsubscribe_from(ctx: &mut Ctx, a: &Args, kind: Kind, what: &[u8]) -> CmdResult {
    let names: Vec<Vec<u8>> = if a.len() > 1 {
        a.iter().skip(1).map(<[u8]>::to_vec).collect()
    } else {
        match kind {
            Kind::Channel => ctx.client.subs.ordered_channels(),
            Kind::Pattern => ctx.client.subs.ordered_patterns(),
            Kind::Shard => ctx.client.subs.ordered_shard(),
        }
    };
    if names.is_empty() {
        confirm(ctx, kind, what, None);
    }
    for name in names {
        ctx.core.pubsub.unsubscribe(ctx.client, kind, &name);
        confirm(ctx, kind, what, Some(&name));
    }
    Ok(())
}

pub fn subscribe(ctx: &mut Ctx, a: &Args) -> CmdResult {
    subscribe_to(ctx, a, Kind::Channel, b"subscribe")
}

pub fn psubscribe(ctx: &mut Ctx, a: &Args) -> CmdResult {
    subscribe_to(ctx, a, Kind::Pattern, b"psubscribe")
}

pub fn unsubscribe(ctx: &mut Ctx, a: &Args) -> CmdResult {
    unsubscribe_from(ctx, a, Kind::Channel, b"unsubscribe")
}

pub fn punsubscribe(ctx: &mut Ctx, a: &Args) -> CmdResult {
    unsubscribe_from(ctx, a, Kind::Pattern, b"punsubscribe")
}

pub fn ssubscribe(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if ctx.client.deny_blocking {
        return Err(CmdError::msg(
            "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
        ));
    }
    subscribe_to(ctx, a, Kind::Shard, b"ssubscribe")
}

pub fn sunsubscribe(ctx: &mut Ctx, a: &Args) -> CmdResult {
    unsubscribe_from(ctx, a, Kind::Shard, b"sunsubscribe")
}

pub fn spublish(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let n = ctx
        .core
        .pubsub
        .spublish(Some(&mut *ctx.client), a.get(1), a.get(2));
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn publish(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let n = ctx
        .core
        .pubsub
        .publish(Some(&mut *ctx.client), a.get(1), a.get(2));
    ctx.client.out.int(n as i64);
    Ok(())
}

/// Replies with channel names (PUBSUB CHANNELS / SHARDCHANNELS).
fn reply_names(ctx: &mut Ctx, names: Vec<Vec<u8>>) -> CmdResult {
    ctx.client.out.array(names.len());
    for n in &names {
        ctx.client.out.bulk(n);
    }
    Ok(())
}

/// Replies with `channel, count` pairs for the channels named from `a[2]` on
/// (PUBSUB NUMSUB / SHARDNUMSUB).
fn reply_counts(
    ctx: &mut Ctx,
    a: &Args,
    count: fn(&crate::pubsub::PubSub, &[u8]) -> usize,
) -> CmdResult {
    ctx.client.out.array(2 * (a.len() - 2));
    for ch in a.iter().skip(2) {
        let n = count(&ctx.core.pubsub, ch);
        ctx.client.out.bulk(ch);
        ctx.client.out.int(n as i64);
    }
    Ok(())
}

pub fn pubsub_channels(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let pat = (a.len() > 2).then(|| a.get(2));
    let names = ctx
        .core
        .pubsub
        .channel_names(pat)
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    reply_names(ctx, names)
}

pub fn pubsub_numsub(ctx: &mut Ctx, a: &Args) -> CmdResult {
    reply_counts(ctx, a, |p, ch| p.numsub(ch))
}

pub fn pubsub_numpat(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let n = ctx.core.pubsub.numpat();
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn pubsub_shardchannels(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let pat = (a.len() > 2).then(|| a.get(2));
    let names = ctx
        .core
        .pubsub
        .shard_channel_names(pat)
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    reply_names(ctx, names)
}

pub fn pubsub_shardnumsub(ctx: &mut Ctx, a: &Args) -> CmdResult {
    reply_counts(ctx, a, |p, ch| p.shard_numsub(ch))
}

const PUBSUB_HELP: &[&str] = &[
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
];

pub fn pubsub_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.client.out.array(PUBSUB_HELP.len());
    for l in PUBSUB_HELP {
        ctx.client.out.simple(l.as_bytes());
    }
    Ok(())
}
