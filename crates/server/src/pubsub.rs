//! Publish/subscribe state: who listens to which channel or pattern, and the messages on
//! their way to subscribers.
//!
//! A command (PUBLISH, or a keyspace notification raised by any write) runs while the
//! event loop holds the calling client outside the connection table, so delivery is in
//! two steps: [`PubSub::publish`] writes at once to the calling client when it is itself
//! a subscriber (a RESP3 client may publish to itself; the message then precedes the
//! PUBLISH reply, as in Redis) and queues a [`Delivery`] for every other subscriber; the
//! event loop drains the queue after each command (`Server::deliver_pubsub`), encoding
//! each message in the receiver's protocol and enforcing the `client-output-buffer-limit
//! pubsub` class, so a subscriber that does not read is disconnected instead of growing
//! its buffer without bound.
//!
//! Sharded channels (SSUBSCRIBE/SPUBLISH) are a separate namespace delivered as
//! `smessage`, as in a non-cluster Redis. Commands are in `commands/pubsub.rs`; tests are
//! the `pubsub*.txt` transcripts and `tests/pubsub.rs`.

use crate::client::Client;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A subscribed connection: its id (slots are reused) and its slot in the client table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriber {
    pub id: u64,
    pub slot: usize,
}

/// One published message, shared by every delivery of it.
#[derive(Debug)]
pub struct Message {
    pub channel: Vec<u8>,
    pub payload: Vec<u8>,
}

/// A message queued for one subscriber; `pattern` is set for `pmessage`, `shard` for
/// `smessage`.
#[derive(Debug)]
pub struct Delivery {
    pub to: Subscriber,
    pub pattern: Option<Rc<[u8]>>,
    pub shard: bool,
    pub msg: Rc<Message>,
}

/// Server-wide subscription index.
#[derive(Debug, Default)]
pub struct PubSub {
    /// Channel -> subscribers in subscription order (delivery order, as Redis).
    channels: HashMap<Vec<u8>, Vec<Subscriber>>,
    /// Pattern -> subscribers; `pattern_order` keeps patterns in first-subscription order.
    patterns: HashMap<Rc<[u8]>, Vec<Subscriber>>,
    pattern_order: Vec<Rc<[u8]>>,
    /// Shard channel -> subscribers.
    shard_channels: HashMap<Vec<u8>, Vec<Subscriber>>,
    /// Messages for clients other than the one running the current command.
    pub outbox: Vec<Delivery>,
}

/// A client's own subscriptions, each with a sequence number so "unsubscribe from all"
/// reports them in the order they were made.
#[derive(Debug, Default, Clone)]
pub struct ClientSubs {
    pub channels: HashMap<Vec<u8>, u64>,
    pub patterns: HashMap<Vec<u8>, u64>,
    pub shard: HashMap<Vec<u8>, u64>,
    seq: u64,
}

impl ClientSubs {
    /// Channels plus patterns: the count SUBSCRIBE and friends report.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }
    /// Every subscription, shard channels included (the RESP2 subscribed state).
    pub fn any(&self) -> bool {
        self.count() + self.shard.len() > 0
    }
    /// The count reported for subscriptions of `kind`.
    pub fn count_for(&self, kind: Kind) -> usize {
        match kind {
            Kind::Shard => self.shard.len(),
            _ => self.count(),
        }
    }
    pub fn ordered_shard(&self) -> Vec<Vec<u8>> {
        Self::ordered(&self.shard)
    }
    fn ordered(m: &HashMap<Vec<u8>, u64>) -> Vec<Vec<u8>> {
        let mut v: Vec<(&Vec<u8>, &u64)> = m.iter().collect();
        v.sort_by_key(|(_, s)| **s);
        v.into_iter().map(|(k, _)| k.clone()).collect()
    }
    pub fn ordered_channels(&self) -> Vec<Vec<u8>> {
        Self::ordered(&self.channels)
    }
    pub fn ordered_patterns(&self) -> Vec<Vec<u8>> {
        Self::ordered(&self.patterns)
    }
}

/// Kind of a subscription confirmation and of the message pushed for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Channel,
    Pattern,
    Shard,
}

impl PubSub {
    /// Adds `who` to `name`; false when it was already subscribed.
    pub fn subscribe(&mut self, c: &mut Client, kind: Kind, name: &[u8]) -> bool {
        let who = Subscriber {
            id: c.id,
            slot: c.slot,
        };
        let subs = &mut c.subs;
        let mine = match kind {
            Kind::Channel => &mut subs.channels,
            Kind::Pattern => &mut subs.patterns,
            Kind::Shard => &mut subs.shard,
        };
        if mine.contains_key(name) {
            return false;
        }
        subs.seq += 1;
        mine.insert(name.to_vec(), subs.seq);
        match kind {
            Kind::Channel => self.channels.entry(name.to_vec()).or_default().push(who),
            Kind::Shard => self
                .shard_channels
                .entry(name.to_vec())
                .or_default()
                .push(who),
            Kind::Pattern => {
                if let Some(v) = self.patterns.get_mut(name) {
                    v.push(who);
                } else {
                    let p: Rc<[u8]> = Rc::from(name);
                    self.pattern_order.push(p.clone());
                    self.patterns.insert(p, vec![who]);
                }
            }
        }
        true
    }

    /// Removes `c` from `name`; false when it was not subscribed.
    pub fn unsubscribe(&mut self, c: &mut Client, kind: Kind, name: &[u8]) -> bool {
        let mine = match kind {
            Kind::Channel => &mut c.subs.channels,
            Kind::Pattern => &mut c.subs.patterns,
            Kind::Shard => &mut c.subs.shard,
        };
        if mine.remove(name).is_none() {
            return false;
        }
        let id = c.id;
        match kind {
            Kind::Channel | Kind::Shard => {
                let map = if kind == Kind::Channel {
                    &mut self.channels
                } else {
                    &mut self.shard_channels
                };
                if let Some(v) = map.get_mut(name) {
                    v.retain(|s| s.id != id);
                    if v.is_empty() {
                        map.remove(name);
                    }
                }
            }
            Kind::Pattern => {
                if let Some(v) = self.patterns.get_mut(name) {
                    v.retain(|s| s.id != id);
                    if v.is_empty() {
                        self.patterns.remove(name);
                        self.pattern_order.retain(|p| &**p != name);
                    }
                }
            }
        }
        true
    }

    /// Drops every subscription of a client (on close and RESET), without replies.
    pub fn forget_client(&mut self, c: &mut Client) {
        for ch in c.subs.ordered_channels() {
            self.unsubscribe(c, Kind::Channel, &ch);
        }
        for p in c.subs.ordered_patterns() {
            self.unsubscribe(c, Kind::Pattern, &p);
        }
        for ch in c.subs.ordered_shard() {
            self.unsubscribe(c, Kind::Shard, &ch);
        }
    }

    /// Publishes `payload` on `channel`; returns the number of receivers. Messages for
    /// `me` (the client running the command) are written to it at once, the others are
    /// queued in [`PubSub::outbox`].
    pub fn publish(
        &mut self,
        mut me: Option<&mut Client>,
        channel: &[u8],
        payload: &[u8],
    ) -> usize {
        let direct = self.channels.get(channel).map_or(0, Vec::len);
        if direct == 0 && self.patterns.is_empty() {
            return 0;
        }
        let msg = Rc::new(Message {
            channel: channel.to_vec(),
            payload: payload.to_vec(),
        });
        let mut n = 0;
        if let Some(subs) = self.channels.get(channel) {
            for &s in subs {
                n += 1;
                send(
                    &mut self.outbox,
                    &mut me,
                    Delivery {
                        to: s,
                        pattern: None,
                        shard: false,
                        msg: msg.clone(),
                    },
                );
            }
        }
        for p in &self.pattern_order {
            if !crate::glob::glob_match(p, channel, false) {
                continue;
            }
            if let Some(subs) = self.patterns.get(p) {
                for &s in subs {
                    n += 1;
                    send(
                        &mut self.outbox,
                        &mut me,
                        Delivery {
                            to: s,
                            pattern: Some(p.clone()),
                            shard: false,
                            msg: msg.clone(),
                        },
                    );
                }
            }
        }
        n
    }

    /// Publishes on a shard channel (no pattern matching); returns the receivers.
    pub fn spublish(
        &mut self,
        mut me: Option<&mut Client>,
        channel: &[u8],
        payload: &[u8],
    ) -> usize {
        let Some(subs) = self.shard_channels.get(channel) else {
            return 0;
        };
        let msg = Rc::new(Message {
            channel: channel.to_vec(),
            payload: payload.to_vec(),
        });
        for &s in subs {
            send(
                &mut self.outbox,
                &mut me,
                Delivery {
                    to: s,
                    pattern: None,
                    shard: true,
                    msg: msg.clone(),
                },
            );
        }
        subs.len()
    }

    /// Active shard channels, optionally filtered by a glob pattern.
    pub fn shard_channel_names(&self, pattern: Option<&[u8]>) -> Vec<&[u8]> {
        self.shard_channels
            .keys()
            .filter(|c| pattern.is_none_or(|p| crate::glob::glob_match(p, c, false)))
            .map(|c| c.as_slice())
            .collect()
    }

    /// Subscribers of a shard channel.
    pub fn shard_numsub(&self, channel: &[u8]) -> usize {
        self.shard_channels.get(channel).map_or(0, Vec::len)
    }

    /// Active channels, optionally filtered by a glob pattern.
    pub fn channel_names(&self, pattern: Option<&[u8]>) -> Vec<&[u8]> {
        self.channels
            .keys()
            .filter(|c| pattern.is_none_or(|p| crate::glob::glob_match(p, c, false)))
            .map(|c| c.as_slice())
            .collect()
    }

    /// Subscribers of a channel.
    pub fn numsub(&self, channel: &[u8]) -> usize {
        self.channels.get(channel).map_or(0, Vec::len)
    }

    /// Channels with at least one subscriber.
    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    /// Distinct patterns with at least one subscriber.
    pub fn numpat(&self) -> usize {
        self.patterns.len()
    }

    /// Whether anyone listens to anything (cheap test before building notifications).
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty()
    }
}

fn send(outbox: &mut Vec<Delivery>, me: &mut Option<&mut Client>, d: Delivery) {
    match me {
        Some(c) if c.id == d.to.id => write_message(c, &d),
        _ => outbox.push(d),
    }
}

/// Encodes a delivery into the receiver's output buffer (`message` / `pmessage`, a push
/// in RESP3).
pub fn write_message(c: &mut Client, d: &Delivery) {
    let out = &mut c.out;
    match &d.pattern {
        None => {
            out.push(3);
            out.bulk(if d.shard { b"smessage" } else { b"message" });
        }
        Some(p) => {
            out.push(4);
            out.bulk(b"pmessage");
            out.bulk(p);
        }
    }
    out.bulk(&d.msg.channel);
    out.bulk(&d.msg.payload);
}

/// One class of `client-output-buffer-limit`: hard bytes, soft bytes, soft seconds
/// (0 disables a limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_secs: u64,
}

/// Redis's default for the pubsub class: `pubsub 32mb 8mb 60`.
pub const PUBSUB_DEFAULT_LIMIT: OutputLimit = OutputLimit {
    hard: 32 << 20,
    soft: 8 << 20,
    soft_secs: 60,
};

/// Reads the `pubsub` class out of a `client-output-buffer-limit` value
/// (`normal 0 0 0 slave ... pubsub 33554432 8388608 60`).
pub fn pubsub_limit(config_value: &str) -> OutputLimit {
    let w: Vec<&str> = config_value.split_whitespace().collect();
    for c in w.chunks(4) {
        if c.len() == 4 && c[0].eq_ignore_ascii_case("pubsub") {
            let m = |s: &str| crate::config::parse_memory(s);
            if let (Some(hard), Some(soft), Ok(soft_secs)) = (m(c[1]), m(c[2]), c[3].parse::<u64>())
            {
                return OutputLimit {
                    hard,
                    soft,
                    soft_secs,
                };
            }
        }
    }
    PUBSUB_DEFAULT_LIMIT
}

/// Client classes of `client-output-buffer-limit`, in the order CONFIG GET lists them.
const LIMIT_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Applies `class hard soft seconds` groups from `new` to the limits in `old` (CONFIG SET
/// changes only the classes it names; `replica` is `slave`). Errors are Redis's texts.
pub fn merge_output_limits(old: &str, new: &str) -> Result<String, &'static str> {
    let mut cur: Vec<[String; 3]> = LIMIT_CLASSES
        .iter()
        .map(|c| {
            let w: Vec<&str> = old.split_whitespace().collect();
            w.chunks(4)
                .find(|g| g.len() == 4 && g[0] == *c)
                .map(|g| [g[1].to_string(), g[2].to_string(), g[3].to_string()])
                .unwrap_or_else(|| ["0".into(), "0".into(), "0".into()])
        })
        .collect();
    let w: Vec<&str> = new.split_whitespace().collect();
    if w.len() % 4 != 0 {
        return Err("Wrong number of arguments in buffer limit configuration.");
    }
    for g in w.chunks(4) {
        let class = match g[0].to_ascii_lowercase().as_str() {
            "normal" => 0,
            "slave" | "replica" => 1,
            "pubsub" => 2,
            _ => return Err("Invalid client class specified in buffer limit configuration."),
        };
        let hard = crate::config::parse_memory(g[1]);
        let soft = crate::config::parse_memory(g[2]);
        let secs = g[3].parse::<u64>().ok();
        match (hard, soft, secs) {
            (Some(h), Some(s), Some(t)) => {
                cur[class] = [h.to_string(), s.to_string(), t.to_string()]
            }
            _ => {
                return Err(
                    "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
                )
            }
        }
    }
    Ok(LIMIT_CLASSES
        .iter()
        .zip(&cur)
        .map(|(c, v)| format!("{c} {} {} {}", v[0], v[1], v[2]))
        .collect::<Vec<_>>()
        .join(" "))
}

/// Checks a subscriber's pending output against `limit`; true when it went over and must
/// be closed. Tracks when the soft limit was first exceeded in `c.soft_limit_since`.
pub fn over_limit(c: &mut Client, limit: OutputLimit, now: Instant) -> bool {
    let pending = c.out.buf.len().saturating_sub(c.sent) as u64;
    if limit.hard > 0 && pending >= limit.hard {
        return true;
    }
    if limit.soft > 0 && pending >= limit.soft {
        match c.soft_limit_since {
            None => c.soft_limit_since = Some(now),
            Some(t) => {
                if now.duration_since(t) > Duration::from_secs(limit.soft_secs) {
                    return true;
                }
            }
        }
    } else {
        c.soft_limit_since = None;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_parsing() {
        assert_eq!(
            pubsub_limit("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
            PUBSUB_DEFAULT_LIMIT
        );
        assert_eq!(
            pubsub_limit("pubsub 1mb 0 0"),
            OutputLimit {
                hard: 1 << 20,
                soft: 0,
                soft_secs: 0
            }
        );
        assert_eq!(pubsub_limit("garbage"), PUBSUB_DEFAULT_LIMIT);
    }

    #[test]
    fn publish_counts_channel_and_pattern_receivers() {
        let mut ps = PubSub::default();
        let mut a = Client::new(1, None, true);
        a.slot = 0;
        let mut b = Client::new(2, None, true);
        b.slot = 1;
        assert!(ps.subscribe(&mut a, Kind::Channel, b"news"));
        assert!(!ps.subscribe(&mut a, Kind::Channel, b"news"));
        assert!(ps.subscribe(&mut b, Kind::Pattern, b"n*"));
        assert_eq!(ps.publish(None, b"news", b"hi"), 2);
        assert_eq!(ps.outbox.len(), 2);
        assert_eq!(ps.publish(Some(&mut a), b"nope", b"x"), 1);
        assert_eq!(ps.numpat(), 1);
        ps.forget_client(&mut b);
        assert_eq!(ps.numpat(), 0);
        assert_eq!(ps.publish(None, b"nope", b"x"), 0);
    }
}
