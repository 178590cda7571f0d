//! Server commands: INFO, CONFIG, COMMAND, TIME, LASTSAVE, SHUTDOWN, MONITOR, SLOWLOG,
//! LATENCY and DEBUG.

use super::{float_arg, int_arg, is};
use crate::command_table::{CmdId, Registry};
use crate::config::{Config, ConfigError};
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::server::{unix_ms, Ctx, REDIS_VERSION, RLUA51_VERSION};
use resp::Args;

/// Replies with a HELP text as an array of simple strings.
pub fn help_reply(ctx: &mut Ctx, lines: &[&str]) {
    ctx.client.out.array(lines.len());
    for l in lines {
        ctx.client.out.simple(l.as_bytes());
    }
}

fn info_text(ctx: &Ctx, sections: &[String]) -> String {
    let all = sections.iter().any(|s| s == "all" || s == "everything");
    let default = sections.is_empty() || sections.iter().any(|s| s == "default");
    let want = |name: &str, in_default: bool| {
        all || (default && in_default) || sections.iter().any(|s| s == name)
    };
    let core = &ctx.core;
    let mut out = String::new();
    let mut section = |title: &str, body: String| {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        out.push_str(&format!("# {title}\r\n"));
        out.push_str(&body);
    };
    let uptime = core.start.elapsed().as_secs();
    if want("server", true) {
        section(
            "Server",
            format!(
                "redis_version:{REDIS_VERSION}\r\nrlua51_version:{RLUA51_VERSION}\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:{} {}\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\nprocess_id:{}\r\nprocess_supervised:no\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\nexecutable:{}\r\nconfig_file:{}\r\nio_threads_active:0\r\n",
                std::env::consts::OS,
                std::env::consts::ARCH,
                std::process::id(),
                core.run_id,
                core.config.port,
                unix_ms() * 1000,
                uptime,
                uptime / 86400,
                core.config.hz,
                core.config.hz,
                std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default(),
                core.config.file.clone().unwrap_or_default(),
            ),
        );
    }
    if want("clients", true) {
        let n = 1 + ctx
            .others
            .as_deref()
            .map_or(0, |o| o.iter().flatten().count());
        section(
            "Clients",
            format!("connected_clients:{n}\r\ncluster_connections:0\r\nmaxclients:{}\r\nclient_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:{}\r\ntracking_clients:0\r\nclients_in_timeout_table:{}\r\n", core.config.maxclients, core.blocking.clients + core.postponed, core.blocking.clients),
        );
    }
    if want("memory", true) {
        crate::alloc::update_peak();
        let used = crate::alloc::used_memory();
        let peak = crate::alloc::peak_memory().max(used);
        let rss = crate::alloc::rss_bytes();
        let human = |b: usize| -> String {
            let b = b as f64;
            if b < 1024.0 {
                format!("{b}B")
            } else if b < 1024.0 * 1024.0 {
                format!("{:.2}K", b / 1024.0)
            } else if b < 1024.0 * 1024.0 * 1024.0 {
                format!("{:.2}M", b / 1024.0 / 1024.0)
            } else {
                format!("{:.2}G", b / 1024.0 / 1024.0 / 1024.0)
            }
        };
        let startup = core.startup_memory.min(used);
        let rss_over = rss.saturating_sub(used);
        section(
            "Memory",
            format!(
                "used_memory:{used}\r\nused_memory_human:{}\r\nused_memory_rss:{rss}\r\nused_memory_rss_human:{}\r\nused_memory_peak:{peak}\r\nused_memory_peak_human:{}\r\nused_memory_peak_perc:{:.2}%\r\nused_memory_overhead:{startup}\r\nused_memory_startup:{startup}\r\nused_memory_dataset:{}\r\nused_memory_dataset_perc:{:.2}%\r\nallocator_allocated:{used}\r\nallocator_active:{used}\r\nallocator_resident:{rss}\r\ntotal_system_memory:{}\r\ntotal_system_memory_human:{}\r\n{}maxmemory:{}\r\nmaxmemory_human:{}\r\nmaxmemory_policy:{}\r\nallocator_frag_ratio:1.00\r\nallocator_frag_bytes:0\r\nallocator_rss_ratio:{:.2}\r\nallocator_rss_bytes:{rss_over}\r\nrss_overhead_ratio:1.00\r\nrss_overhead_bytes:0\r\nmem_fragmentation_ratio:{:.2}\r\nmem_fragmentation_bytes:{rss_over}\r\nmem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\nmem_total_replication_buffers:0\r\nmem_clients_slaves:0\r\nmem_clients_normal:0\r\nmem_cluster_links:0\r\nmem_aof_buffer:0\r\nmem_allocator:libc\r\nactive_defrag_running:0\r\nlazyfree_pending_objects:0\r\nlazyfreed_objects:0\r\n",
                human(used),
                human(rss),
                human(peak),
                used as f64 * 100.0 / peak.max(1) as f64,
                used - startup,
                (used - startup) as f64 * 100.0 / (used - startup).max(1) as f64,
                total_system_memory(),
                human(total_system_memory()),
                core.scripting.info_memory(),
                core.config.maxmemory,
                human(core.config.maxmemory as usize),
                core.config.get("maxmemory-policy"),
                rss as f64 / used.max(1) as f64,
                rss as f64 / used.max(1) as f64,
            ),
        );
    }
    if want("persistence", true) {
        section(
            "Persistence",
            format!("loading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\ncurrent_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n{}aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\naof_last_write_status:ok\r\n", crate::persist::info_rdb(core)),
        );
    }
    if want("stats", true) {
        let s = &core.stats;
        let ops = if s.ops_samples.is_empty() {
            0.0
        } else {
            s.ops_samples.iter().sum::<f64>() / s.ops_samples.len() as f64
        };
        let ks = &core.ks.stats;
        section(
            "Stats",
            format!(
                "total_connections_received:{}\r\ntotal_commands_processed:{}\r\ninstantaneous_ops_per_sec:{}\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\ntotal_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\ninstantaneous_input_kbps:0.00\r\ninstantaneous_output_kbps:0.00\r\ninstantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\nrejected_connections:{}\r\nsync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\nexpired_keys:{}\r\nexpired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\nexpire_cycle_cpu_milliseconds:{}\r\nevicted_keys:{}\r\nevicted_clients:0\r\ntotal_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:{}\r\npubsub_patterns:{}\r\npubsubshard_channels:{}\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\nslave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\nactive_defrag_misses:0\r\nactive_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\ncurrent_active_defrag_time:0\r\ntracking_total_keys:0\r\ntracking_total_items:0\r\ntracking_total_prefixes:0\r\nunexpected_error_replies:{}\r\ntotal_error_replies:{}\r\ndump_payload_sanitizations:0\r\ntotal_reads_processed:0\r\ntotal_writes_processed:0\r\nio_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\nreply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n",
                s.total_connections_received,
                s.total_commands_processed,
                ops.round() as u64,
                s.net_input_bytes,
                s.net_output_bytes,
                s.rejected_connections,
                ks.expired_keys,
                ks.expire_cycle_cpu_ms,
                core.ks.access.evicted_keys,
                ks.keyspace_hits,
                ks.keyspace_misses,
                core.pubsub.channel_count(),
                core.pubsub.numpat(),
                core.pubsub.shard_channel_names(None).len(),
                s.unexpected_error_replies,
                s.total_error_replies,
            ),
        );
    }
    if want("replication", true) {
        // Redis lists the count of good replicas when min-replicas-to-write applies.
        let good = if core.config.min_replicas_enforced {
            "min_slaves_good_slaves:0\r\n"
        } else {
            ""
        };
        section("Replication", format!("role:master\r\nconnected_slaves:0\r\n{good}master_failover_state:no-failover\r\nmaster_replid:{}\r\nmaster_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\nrepl_backlog_size:1048576\r\nrepl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n", core.run_id));
    }
    if want("cpu", true) {
        let (user, sys) = cpu_times();
        section("CPU", format!("used_cpu_sys:{sys:.6}\r\nused_cpu_user:{user:.6}\r\nused_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n"));
    }
    if want("modules", true) {
        section("Modules", String::new());
    }
    if want("commandstats", false) {
        let mut body = String::new();
        for (id, e) in core.registry.entries.iter().enumerate() {
            let st = &core.registry.stats[id];
            if st.calls == 0 && st.rejected_calls == 0 && st.failed_calls == 0 {
                continue;
            }
            body.push_str(&format!(
                "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
                e.full_name,
                st.calls,
                st.nanos / 1000,
                if st.calls > 0 { st.nanos as f64 / 1000.0 / st.calls as f64 } else { 0.0 },
                st.rejected_calls,
                st.failed_calls
            ));
        }
        section("Commandstats", body);
    }
    if want("errorstats", true) {
        let mut body = String::new();
        for (k, v) in &core.stats.errorstats {
            body.push_str(&format!("errorstat_{k}:count={v}\r\n"));
        }
        section("Errorstats", body);
    }
    if want("latencystats", false) {
        let mut body = String::new();
        for (id, e) in core.registry.entries.iter().enumerate() {
            let h = &core.registry.stats[id].latency;
            if h.calls() == 0 {
                continue;
            }
            let parts: Vec<String> = core
                .config
                .latency_percentiles
                .iter()
                .map(|&p| {
                    format!(
                        "p{}={:.3}",
                        resp::number::format_g(p, 6),
                        h.percentile_usec(p)
                    )
                })
                .collect();
            body.push_str(&format!(
                "latency_percentiles_usec_{}:{}\r\n",
                e.full_name,
                parts.join(",")
            ));
        }
        section("Latencystats", body);
    }
    if want("cluster", true) {
        section("Cluster", "cluster_enabled:0\r\n".into());
    }
    if want("keyspace", true) {
        let mut body = String::new();
        for (i, d) in core.ks.dbs.iter().enumerate() {
            if d.dict.len() > 0 {
                body.push_str(&format!(
                    "db{i}:keys={},expires={},avg_ttl=0\r\n",
                    d.dict.len(),
                    d.expires.len()
                ));
            }
        }
        section("Keyspace", body);
    }
    out
}

/// User and system CPU seconds of this process (from getrusage).
fn cpu_times() -> (f64, f64) {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut ru) != 0 {
            return (0.0, 0.0);
        }
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
        (t(ru.ru_utime), t(ru.ru_stime))
    }
}

pub fn info(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let sections: Vec<String> = a
        .iter()
        .skip(1)
        .map(|s| String::from_utf8_lossy(s).to_ascii_lowercase())
        .collect();
    let text = info_text(ctx, &sections);
    ctx.client.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

pub fn config_get(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let pats: Vec<&[u8]> = a.iter().skip(2).collect();
    let pairs = ctx.core.config.matching(&pats);
    let out = &mut ctx.client.out;
    out.map(pairs.len());
    for (k, v) in pairs {
        out.bulk(k.as_bytes());
        out.bulk(v.as_bytes());
    }
    Ok(())
}

pub fn config_set(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if (a.len() - 2) % 2 != 0 {
        return Err(CmdError::WrongArity("config|set".into()));
    }
    let mut trial = ctx.core.config.clone();
    let mut seen: Vec<&str> = Vec::new();
    for i in (2..a.len()).step_by(2) {
        let name = String::from_utf8_lossy(a.get(i)).to_string();
        let value = String::from_utf8_lossy(a.get(i + 1)).to_string();
        let Some(canon) = Config::canonical_name(&name) else {
            return Err(CmdError::owned(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{name}'"
            )));
        };
        if seen.contains(&canon) {
            return Err(CmdError::owned(format!("ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter")));
        }
        seen.push(canon);
        match trial.set(&name, &value) {
            Ok(()) => {}
            Err(ConfigError::BadDirective) => {
                return Err(CmdError::owned(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{name}'"
                )))
            }
            Err(e) => {
                return Err(CmdError::owned(format!(
                    "ERR CONFIG SET failed (possibly related to argument '{name}') - {e}"
                )))
            }
        }
    }
    if trial.port != ctx.core.config.port || trial.bind != ctx.core.config.bind {
        // Bind the new sockets now, so a failure is this command's error.
        let keep: &[std::net::SocketAddr] = if trial.port == ctx.core.config.port {
            &ctx.core.listening
        } else {
            &[]
        };
        match crate::listen::plan(&trial.bind, trial.port, keep) {
            Ok(plan) => ctx.core.rebind = Some(plan),
            Err(e) => {
                let bind_changed = trial.bind != ctx.core.config.bind;
                ctx.core.log.warning(&format!("Failed to bind: {e}"));
                return Err(CmdError::owned(if bind_changed {
                    "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.".to_string()
                } else {
                    "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.".to_string()
                }));
            }
        }
    }
    ctx.core.log.level = trial.loglevel;
    let maxmemory_lowered = trial.maxmemory != ctx.core.config.maxmemory;
    ctx.core.config = trial;
    ctx.core.ks.access.configure(&ctx.core.config);
    if maxmemory_lowered {
        // As Redis: a new limit below the used memory evicts at once.
        crate::evict::perform_evictions(ctx.core);
    }
    ctx.client.out.ok();
    Ok(())
}

pub fn config_resetstat(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let core = &mut *ctx.core;
    core.stats = Default::default();
    core.ks.stats = Default::default();
    for s in core.registry.stats.iter_mut() {
        *s = Default::default();
    }
    ctx.client.out.ok();
    Ok(())
}

pub fn config_rewrite(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let Some(file) = ctx.core.config.file.clone() else {
        return Err(CmdError::msg(
            "ERR The server is running without a config file",
        ));
    };
    std::fs::write(&file, ctx.core.config.rewrite_text())
        .map_err(|e| CmdError::owned(format!("ERR Rewriting config file: {e}")))?;
    ctx.core.log.notice("CONFIG REWRITE executed with success.");
    ctx.client.out.ok();
    Ok(())
}

pub fn config_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help_reply(
        ctx,
        &[
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

pub fn time(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let out = &mut ctx.client.out;
    out.array(2);
    out.bulk(now.as_secs().to_string().as_bytes());
    out.bulk(now.subsec_micros().to_string().as_bytes());
    Ok(())
}

pub fn lastsave(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let t = ctx.core.lastsave;
    ctx.client.out.int(t);
    Ok(())
}

pub fn save(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    if ctx.core.persist.bgsave_in_progress() {
        return Err(CmdError::msg("ERR Background save already in progress"));
    }
    crate::persist::save(ctx.core).map_err(|_| CmdError::msg("ERR"))?;
    ctx.core.persist.saves += 1;
    ctx.client.out.ok();
    Ok(())
}

pub fn bgsave(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let schedule = match a.len() {
        1 => false,
        2 if is(a.get(1), "schedule") => true,
        _ => return Err(CmdError::Syntax),
    };
    if ctx.core.persist.bgsave_in_progress() {
        if schedule {
            crate::persist::schedule(ctx.core);
            ctx.client.out.simple(b"Background saving scheduled");
            return Ok(());
        }
        return Err(CmdError::msg("ERR Background save already in progress"));
    }
    crate::persist::bgsave(ctx.core).map_err(|_| CmdError::msg("ERR"))?;
    ctx.client.out.simple(b"Background saving started");
    Ok(())
}

pub fn shutdown(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (mut nosave, mut save, mut force, mut abort) = (false, false, false, false);
    for i in 1..a.len() {
        let o = a.get(i);
        if is(o, "nosave") {
            nosave = true;
        } else if is(o, "save") {
            save = true;
        } else if is(o, "now") {
        } else if is(o, "force") {
            force = true;
        } else if is(o, "abort") {
            abort = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if (abort && a.len() > 2) || (nosave && save) {
        return Err(CmdError::Syntax);
    }
    if abort {
        return Err(CmdError::msg("ERR No shutdown in progress."));
    }
    // While a script is busy only SHUTDOWN NOSAVE is honoured (the event loop exits from
    // the script's hook at once); anything that would save gets the BUSY error.
    if let Some(kind) = ctx.core.scripting.busy {
        if !nosave {
            return Err(CmdError::msg(crate::scripting::busy::busy_text(kind)));
        }
    }
    if !crate::persist::shutdown_save(ctx.core, save, nosave, force) {
        return Err(CmdError::msg("ERR Errors trying to SHUTDOWN. Check logs."));
    }
    ctx.core.shutdown = Some(crate::server::ShutdownRequest { nosave });
    Ok(())
}

pub fn monitor(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    if !ctx.client.monitor {
        ctx.client.monitor = true;
        ctx.client.out.ok();
    }
    Ok(())
}

pub fn slowlog_get(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut count = 10i64;
    if a.len() == 3 {
        count = int_arg(a.get(2))
            .ok()
            .filter(|&n| n >= -1)
            .ok_or_else(|| CmdError::msg("ERR count should be greater than or equal to -1"))?;
        if count == -1 {
            count = i64::MAX;
        }
    } else if a.len() > 3 {
        return Err(CmdError::WrongArity("slowlog|get".into()));
    }
    let entries: Vec<_> = ctx
        .core
        .slowlog
        .iter()
        .take(count as usize)
        .cloned()
        .collect();
    let out = &mut ctx.client.out;
    out.array(entries.len());
    for e in entries {
        out.array(6);
        out.int(e.id as i64);
        out.int(e.time);
        out.int(e.micros as i64);
        out.array(e.args.len());
        for x in &e.args {
            out.bulk(x);
        }
        out.bulk(e.addr.as_bytes());
        out.bulk(&e.name);
    }
    Ok(())
}

pub fn slowlog_len(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let n = ctx.core.slowlog.len();
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn slowlog_reset(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    ctx.core.slowlog.clear();
    ctx.client.out.ok();
    Ok(())
}

pub fn slowlog_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help_reply(
        ctx,
        &[
            "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

/// `LATENCY HELP`
pub fn latency_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help_reply(ctx, &[
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
    ]);
    Ok(())
}

pub fn debug(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let allowed = match ctx.core.config.enable_debug {
        1 => true,
        2 => ctx.client.addr.starts_with("127.") || ctx.client.addr.starts_with("[::1]"),
        _ => false,
    };
    if !allowed {
        return Err(CmdError::msg("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."));
    }
    let sub = a.get(1);
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    if is(sub, "sleep") && a.len() == 3 {
        let secs = float_arg(a.get(2)).unwrap_or(0.0).max(0.0);
        std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(3600.0)));
        ctx.client.out.ok();
    } else if is(sub, "set-active-expire") && a.len() == 3 {
        ctx.core.ks.active_expire_enabled = int_arg(a.get(2))? != 0;
        ctx.client.out.ok();
    } else if is(sub, "reload") {
        let (mut save, mut flush, mut merge) = (true, true, false);
        for i in 2..a.len() {
            let o = a.get(i);
            if is(o, "merge") {
                merge = true;
            } else if is(o, "noflush") {
                flush = false;
            } else if is(o, "nosave") {
                save = false;
            } else {
                return Err(CmdError::msg(
                    "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
                ));
            }
        }
        match crate::persist::debug_reload(ctx.core, save, flush, merge) {
            Ok(()) => ctx.client.out.ok(),
            Err(crate::persist::ReloadError::Save) => return Err(CmdError::msg("ERR")),
            Err(crate::persist::ReloadError::Load) => {
                return Err(CmdError::msg("ERR Error trying to load the RDB dump"))
            }
        }
    } else if is(sub, "object") && a.len() == 3 {
        let Some(v) = ctx.core.ks.peek(db, a.get(2), now) else {
            return Err(CmdError::NoSuchKey);
        };
        let line = format!(
            "Value at:0x{:x} refcount:1 encoding:{} serializedlength:{} lru:0 lru_seconds_idle:0",
            v as *const Value as usize,
            v.encoding(),
            v.str_len()
        );
        ctx.client.out.simple(line.as_bytes());
    } else if is(sub, "populate") && (3..=5).contains(&a.len()) {
        let count = int_arg(a.get(2))
            .ok()
            .filter(|&n| n >= 0)
            .ok_or_else(|| CmdError::msg("ERR count is not an integer or out of range"))?;
        let prefix = if a.len() >= 4 {
            a.get(3).to_vec()
        } else {
            b"key".to_vec()
        };
        let size =
            if a.len() == 5 {
                Some(
                    int_arg(a.get(4)).ok().filter(|&n| n >= 0).ok_or_else(|| {
                        CmdError::msg("ERR size is not an integer or out of range")
                    })? as usize,
                )
            } else {
                None
            };
        let mut key = Vec::new();
        let mut val = Vec::new();
        for i in 0..count {
            key.clear();
            key.extend_from_slice(&prefix);
            key.push(b':');
            resp::number::write_i64(&mut key, i);
            if ctx.core.ks.dbs[db].dict.contains_key(&key) {
                continue;
            }
            val.clear();
            val.extend_from_slice(b"value:");
            resp::number::write_i64(&mut val, i);
            if let Some(s) = size {
                val.resize(s, 0);
            }
            ctx.core.ks.dbs[db]
                .dict
                .insert_new(crate::sds::Sds::new(&key), Value::from_bytes(&val));
        }
        ctx.client.out.ok();
    } else if is(sub, "protocol") && a.len() == 3 {
        return super::debug_extras::protocol(ctx, a);
    } else if is(sub, "digest-value") {
        return super::debug_extras::digest_value(ctx, a);
    } else if is(sub, "digest") && a.len() == 2 {
        return super::debug_extras::digest(ctx, a);
    } else if is(sub, "help") {
        help_reply(
            ctx,
            &[
                "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "OBJECT <key>",
                "    Show low level info about the <key> and associated value.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
                "HELP",
                "    Prints this help.",
            ],
        );
    } else {
        return Err(CmdError::owned(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(sub)
        )));
    }
    Ok(())
}

/// Physical memory of the machine (`/proc/meminfo` `MemTotal`), 0 when unknown.
fn total_system_memory() -> usize {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// A key specification for a command without a recorded one: its key positions as a
/// range, read-write when it writes.
fn write_range_spec(out: &mut resp::ReplyWriter, cmd: &crate::command_table::Command) {
    if cmd.first_key <= 0 {
        out.set(0);
        return;
    }
    out.set(1);
    out.map(3);
    out.bulk(b"flags");
    out.set(1);
    out.simple(if cmd.flags & crate::command_table::WRITE != 0 {
        b"RW"
    } else {
        b"RO"
    });
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    out.bulk(b"index");
    out.bulk(b"spec");
    out.map(1);
    out.bulk(b"index");
    out.int(cmd.first_key as i64);
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    out.bulk(b"range");
    out.bulk(b"spec");
    out.map(3);
    out.bulk(b"lastkey");
    out.int(if cmd.last_key < 0 {
        cmd.last_key as i64
    } else {
        (cmd.last_key - cmd.first_key) as i64
    });
    out.bulk(b"keystep");
    out.int(cmd.key_step as i64);
    out.bulk(b"limit");
    out.int(0);
}

fn write_command_info(ctx: &mut Ctx, id: CmdId) {
    let reg = &ctx.core.registry;
    let e = &reg.entries[id];
    let cmd = e.cmd;
    let flags = Registry::flag_names(cmd);
    let acl = Registry::acl_names(cmd);
    let subs = reg.subs_of(id);
    let name = e.full_name.clone();
    let out = &mut ctx.client.out;
    out.array(10);
    out.bulk(name.as_bytes());
    out.int(cmd.arity as i64);
    out.set(flags.len());
    for f in flags {
        out.simple(f.as_bytes());
    }
    out.int(cmd.first_key as i64);
    out.int(cmd.last_key as i64);
    out.int(cmd.key_step as i64);
    out.set(acl.len());
    for c in acl {
        out.simple(c.as_bytes());
    }
    // Tips and key specifications as redis-server 7.0.15 reports them; a command it
    // does not know gets none, or a range spec built from the key positions.
    let specs = match crate::command_docs::Docs::specs().top(&name) {
        Some(crate::command_docs::Node::Array(parts)) if parts.len() == 2 => Some(parts),
        _ => None,
    };
    if let Some(parts) = specs {
        crate::command_docs::write_node(out, &parts[0]);
        crate::command_docs::write_node(out, &parts[1]);
    } else {
        out.set(0); // tips
        write_range_spec(out, cmd);
    }
    out.array(subs.len());
    for s in subs {
        write_command_info(ctx, s);
    }
}

pub fn command_info(ctx: &mut Ctx, a: &Args) -> CmdResult {
    if a.len() <= 2 {
        let ids: Vec<CmdId> = ctx.core.registry.top_level().collect();
        ctx.client.out.array(ids.len());
        for id in ids {
            write_command_info(ctx, id);
        }
        return Ok(());
    }
    ctx.client.out.array(a.len() - 2);
    for i in 2..a.len() {
        let name = a.get(i);
        // `parent|sub` names a subcommand only of a container (`get|key` is nothing).
        let id = match name.iter().position(|&c| c == b'|') {
            Some(p) => ctx
                .core
                .registry
                .lookup(&name[..p])
                .and_then(|parent| ctx.core.registry.lookup_sub(parent, &name[p + 1..])),
            None => ctx.core.registry.lookup(name),
        };
        match id {
            Some(id) => write_command_info(ctx, id),
            None => ctx.client.out.null(),
        }
    }
    Ok(())
}

fn write_docs(ctx: &mut Ctx, id: CmdId) {
    let reg = &ctx.core.registry;
    let cmd = reg.entries[id].cmd;
    let subs = reg.subs_of(id);
    let out = &mut ctx.client.out;
    out.map(if subs.is_empty() { 3 } else { 4 });
    out.bulk(b"summary");
    out.bulk(cmd.summary.as_bytes());
    out.bulk(b"since");
    out.bulk(cmd.since.as_bytes());
    out.bulk(b"group");
    out.bulk(cmd.group.as_bytes());
    if !subs.is_empty() {
        out.bulk(b"subcommands");
        out.map(subs.len());
        for s in subs {
            let n = ctx.core.registry.entries[s].full_name.clone();
            ctx.client.out.bulk(n.as_bytes());
            write_docs(ctx, s);
        }
    }
}

/// Writes the docs of one command or subcommand: Redis 7.0.15's recorded docs when it has
/// them (subcommands limited to those this server implements), else the table's summary.
fn write_docs_entry(ctx: &mut Ctx, id: CmdId) {
    let docs = crate::command_docs::Docs::get();
    let reg = &ctx.core.registry;
    let e = &reg.entries[id];
    let doc = if e.parent.is_some() {
        docs.sub(&e.full_name)
    } else {
        docs.top(&e.full_name)
    };
    match doc {
        Some(doc) => {
            let keep = |full: &str| {
                full.split_once('|')
                    .and_then(|(p, s)| reg.resolve(p.as_bytes(), Some(s.as_bytes())))
                    .is_some()
            };
            crate::command_docs::write_doc(&mut ctx.client.out, doc, &keep);
        }
        None => write_docs(ctx, id),
    }
}

pub fn command_docs(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let ids: Vec<CmdId> = if a.len() == 2 {
        // Redis's order for the commands it documents, then any others of ours.
        let docs = crate::command_docs::Docs::get();
        let reg = &ctx.core.registry;
        let mut ids: Vec<CmdId> = docs
            .commands
            .iter()
            .filter_map(|(n, _)| reg.lookup(n.as_bytes()))
            .collect();
        ids.extend(
            reg.top_level()
                .filter(|i| docs.top(&reg.entries[*i].full_name).is_none()),
        );
        ids
    } else {
        (2..a.len())
            .filter_map(|i| {
                let name = a.get(i);
                match name.iter().position(|&c| c == b'|') {
                    Some(p) => {
                        let parent = ctx.core.registry.lookup(&name[..p])?;
                        ctx.core.registry.lookup_sub(parent, &name[p + 1..])
                    }
                    None => ctx.core.registry.lookup(name),
                }
            })
            .collect()
    };
    ctx.client.out.map(ids.len());
    for id in ids {
        let n = ctx.core.registry.entries[id].full_name.clone();
        ctx.client.out.bulk(n.as_bytes());
        write_docs_entry(ctx, id);
    }
    Ok(())
}

pub fn command_count(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    let n = ctx.core.registry.top_level().count();
    ctx.client.out.int(n as i64);
    Ok(())
}

pub fn command_list(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let mut filter: Option<(String, Vec<u8>)> = None;
    if a.len() == 5 && is(a.get(2), "filterby") {
        filter = Some((
            String::from_utf8_lossy(a.get(3)).to_ascii_lowercase(),
            a.get(4).to_vec(),
        ));
    } else if a.len() != 2 {
        return Err(CmdError::Syntax);
    }
    let reg = &ctx.core.registry;
    let mut names: Vec<String> = Vec::new();
    for (id, e) in reg.entries.iter().enumerate() {
        let keep = match &filter {
            None => true,
            Some((k, v)) if k == "pattern" => {
                crate::glob::glob_match(v, e.full_name.as_bytes(), true)
            }
            Some((k, v)) if k == "aclcat" => {
                let cat = format!("@{}", String::from_utf8_lossy(v).to_ascii_lowercase());
                Registry::acl_names(e.cmd).iter().any(|c| *c == cat)
            }
            Some((k, _)) if k == "module" => false,
            Some(_) => return Err(CmdError::Syntax),
        };
        if keep && (filter.is_some() || e.parent.is_none() || reg.entries[id].parent.is_some()) {
            names.push(e.full_name.clone());
        }
    }
    ctx.client.out.array(names.len());
    for n in names {
        ctx.client.out.bulk(n.as_bytes());
    }
    Ok(())
}

/// Where a `numkeys` command line keeps its count and first key (LMPOP, ZUNION, ...):
/// `(count position, first key position)`; `None` for other commands.
fn numkeys_layout(name: &str) -> Option<(usize, usize)> {
    match name {
        "zunionstore" | "zinterstore" | "zdiffstore" | "blmpop" | "bzmpop" => Some((2, 3)),
        "zunion" | "zinter" | "zdiff" | "zintercard" | "sintercard" | "lmpop" | "zmpop" => {
            Some((1, 2))
        }
        _ => None,
    }
}

/// The command named after `COMMAND GETKEYS`/`GETKEYSANDFLAGS` and the argument
/// positions (relative to that command line) of its keys, with Redis's errors.
fn keys_of_command_line(ctx: &Ctx, a: &Args) -> Result<(CmdId, Vec<usize>), CmdError> {
    let name = a.get(2);
    let sub = if a.len() > 3 { Some(a.get(3)) } else { None };
    let Some(id) = ctx.core.registry.resolve(name, sub) else {
        return Err(CmdError::msg("ERR Invalid command specified"));
    };
    let cmd = ctx.core.registry.entries[id].cmd;
    let argc = a.len() - 2;
    let movable = cmd.flags & crate::command_table::MOVABLE_KEYS != 0;
    // Redis answers "no key arguments" before it looks at the arity.
    if cmd.first_key <= 0 && !movable {
        return Err(CmdError::msg("ERR The command has no key arguments"));
    }
    if !Registry::arity_ok(cmd, argc) {
        return Err(CmdError::msg(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    let mut pos = Registry::key_positions(cmd, argc);
    if movable {
        // Keys that depend on the arguments (numkeys forms): the command line after
        // `COMMAND GETKEYS`.
        let mut buf = Vec::new();
        let mut ranges = Vec::new();
        for x in a.iter().skip(2) {
            ranges.push((buf.len(), buf.len() + x.len()));
            buf.extend_from_slice(x);
        }
        let line = resp::Args::from_parts(&buf, &ranges);
        if let Some((at, first)) = numkeys_layout(cmd.name) {
            let ok = resp::request::parse_i64_strict(line.get(at))
                .is_some_and(|n| n >= 1 && n <= (argc - first) as i64);
            if !ok {
                return Err(CmdError::msg("ERR Invalid arguments specified for command"));
            }
        }
        pos = crate::command_table::command_keys(cmd, &line);
    }
    // Commands whose keys depend on their arguments answer an empty list instead.
    if pos.is_empty() && !movable {
        return Err(CmdError::msg("ERR The command has no key arguments"));
    }
    Ok((id, pos))
}

pub fn command_getkeys(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (_, pos) = keys_of_command_line(ctx, a)?;
    ctx.client.out.array(pos.len());
    for p in pos {
        ctx.client.out.bulk(a.get(p + 2));
    }
    Ok(())
}

/// `COMMAND GETKEYSANDFLAGS`: each key with its key-spec flags.
pub fn command_getkeysandflags(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (id, pos) = keys_of_command_line(ctx, a)?;
    let full = ctx.core.registry.entries[id].full_name.clone();
    let mut buf = Vec::new();
    let mut ranges = Vec::new();
    for x in a.iter().skip(2) {
        ranges.push((buf.len(), buf.len() + x.len()));
        buf.extend_from_slice(x);
    }
    let line = resp::Args::from_parts(&buf, &ranges);
    let flags = crate::key_specs::flags_of_keys(&full, &line, &pos);
    let out = &mut ctx.client.out;
    out.array(pos.len());
    for (p, f) in pos.iter().zip(flags) {
        out.array(2);
        out.bulk(a.get(p + 2));
        let names: Vec<&str> = f.split(',').filter(|x| !x.is_empty()).collect();
        out.set(names.len());
        for n in names {
            out.simple(n.as_bytes());
        }
    }
    Ok(())
}

pub fn command_help(ctx: &mut Ctx, _a: &Args) -> CmdResult {
    help_reply(
        ctx,
        &[
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}
