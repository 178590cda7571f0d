//! `LATENCY` subcommands over [`crate::latency`]: `LATEST`, `HISTORY`, `RESET`,
//! `HISTOGRAM`, `DOCTOR` and `GRAPH` (`HELP` lives with the other help texts).

use crate::command_table::{CmdId, Command, FAST};
use crate::error::{CmdError, CmdResult};
use crate::server::{Core, Ctx};
use resp::Args;
use std::time::Duration;

/// Width of a `LATENCY GRAPH` (one column per sample, newest on the right).
const GRAPH_COLUMNS: usize = 80;
/// Height of a `LATENCY GRAPH` in rows.
const GRAPH_ROWS: usize = 4;

/// Records a `command` (or `fast-command`) event for a call that took `elapsed`.
pub fn command_event(core: &mut Core, cmd: &Command, elapsed: Duration) {
    let threshold = core.config.latency_monitor_threshold;
    if threshold == 0 {
        return;
    }
    let name = if cmd.flags & FAST != 0 {
        "fast-command"
    } else {
        "command"
    };
    let now = crate::server::unix_ms() / 1000;
    core.latency
        .add_sample_if_needed(name, elapsed.as_millis() as u64, threshold, now);
}

/// `LATENCY LATEST`
pub fn latest(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let out = &mut ctx.client.out;
    out.array(ctx.core.latency.events.len());
    for (name, ev) in &ctx.core.latency.events {
        let (t, ms) = ev.samples.back().copied().unwrap_or((0, 0));
        out.array(4);
        out.bulk(name.as_bytes());
        out.int(t);
        out.int(ms as i64);
        out.int(ev.max as i64);
    }
    Ok(())
}

/// `LATENCY HISTORY event`
pub fn history(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let out = &mut ctx.client.out;
    match ctx.core.latency.get(a.get(2)) {
        Some(ev) => {
            out.array(ev.samples.len());
            for &(t, ms) in &ev.samples {
                out.array(2);
                out.int(t);
                out.int(ms as i64);
            }
        }
        None => out.array(0),
    }
    Ok(())
}

/// `LATENCY RESET [event ...]`: the number of events forgotten.
pub fn reset(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let n = if a.len() == 2 {
        ctx.core.latency.reset_all()
    } else {
        (2..a.len())
            .filter(|&i| ctx.core.latency.reset(a.get(i)))
            .count()
    };
    ctx.client.out.int(n as i64);
    Ok(())
}

/// `LATENCY HISTOGRAM [command ...]`: calls and cumulative µs buckets of each named
/// command (a container names all its subcommands) that has run since the last
/// `CONFIG RESETSTAT`; unknown names are skipped.
pub fn histogram(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let reg = &ctx.core.registry;
    let mut ids: Vec<CmdId> = Vec::new();
    let add = |id: CmdId, ids: &mut Vec<CmdId>| {
        let subs = reg.subs_of(id);
        if subs.is_empty() {
            ids.push(id);
        } else {
            ids.extend(subs);
        }
    };
    if a.len() == 2 {
        for id in 0..reg.entries.len() {
            if reg.subs_of(id).is_empty() {
                ids.push(id);
            }
        }
    } else {
        for i in 2..a.len() {
            let name = a.get(i);
            let id = match name.iter().position(|&c| c == b'|') {
                Some(p) => reg
                    .lookup(&name[..p])
                    .and_then(|parent| reg.lookup_sub(parent, &name[p + 1..])),
                None => reg.lookup(name),
            };
            if let Some(id) = id {
                add(id, &mut ids);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|&id| reg.stats[id].latency.calls() > 0 && seen.insert(id));
    let out = &mut ctx.client.out;
    out.map(ids.len());
    for id in ids {
        let h = &reg.stats[id].latency;
        out.bulk(reg.entries[id].full_name.as_bytes());
        out.map(2);
        out.bulk(b"calls");
        out.int(h.calls() as i64);
        out.bulk(b"histogram_usec");
        let buckets = h.cumulative();
        out.map(buckets.len());
        for (b, n) in buckets {
            out.int(b as i64);
            out.int(n as i64);
        }
    }
    Ok(())
}

/// `LATENCY DOCTOR`: a short report of the events seen.
pub fn doctor(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let events = &ctx.core.latency.events;
    let text = if ctx.core.config.latency_monitor_threshold == 0 {
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".to_string()
    } else if events.is_empty() {
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep better tonight.\n".to_string()
    } else {
        let mut t = String::from("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        for (i, (name, ev)) in events.iter().enumerate() {
            let n = ev.samples.len().max(1) as u64;
            let avg = ev.samples.iter().map(|s| s.1).sum::<u64>() / n;
            let dev = ev.samples.iter().map(|s| s.1.abs_diff(avg)).sum::<u64>() / n;
            let period = match (ev.samples.front(), ev.samples.back()) {
                (Some(f), Some(l)) if ev.samples.len() > 1 => {
                    (l.0 - f.0) as f64 / (ev.samples.len() - 1) as f64
                }
                _ => 1.0,
            };
            t.push_str(&format!(
                "{}. {name}: {} latency spikes (average {avg}ms, mean deviation {dev}ms, period {period:.2} sec). Worst all time event {}ms.\n",
                i + 1,
                ev.samples.len(),
                ev.max
            ));
        }
        t.push_str("\nI have a few advices for you:\n\n- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
        t
    };
    ctx.client.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

/// `LATENCY GRAPH event`: the samples as columns of `#`, scaled between the lowest and
/// highest latency, newest on the right.
pub fn graph(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let name = a.get(2);
    let Some(ev) = ctx.core.latency.get(name).filter(|e| !e.samples.is_empty()) else {
        return Err(CmdError::owned(format!(
            "ERR No samples available for event '{}'",
            String::from_utf8_lossy(name)
        )));
    };
    let samples: Vec<u64> = ev
        .samples
        .iter()
        .rev()
        .take(GRAPH_COLUMNS)
        .rev()
        .map(|s| s.1)
        .collect();
    let high = samples.iter().copied().max().unwrap_or(0);
    let low = samples.iter().copied().min().unwrap_or(0);
    let mut t = format!(
        "{} - high {high} ms, low {low} ms (all time high {} ms)\n{}\n",
        String::from_utf8_lossy(name),
        ev.max,
        "-".repeat(GRAPH_COLUMNS)
    );
    let span = (high - low).max(1);
    for row in (0..GRAPH_ROWS).rev() {
        let line: String = samples
            .iter()
            .map(|&v| {
                let level = ((v - low) * (GRAPH_ROWS as u64 - 1)).div_ceil(span) as usize;
                if level >= row {
                    '#'
                } else {
                    ' '
                }
            })
            .collect();
        t.push_str(line.trim_end());
        t.push('\n');
    }
    ctx.client.out.verbatim(b"txt", t.as_bytes());
    Ok(())
}
