//! RDB persistence: `SAVE`, `BGSAVE`, save points, saving at shutdown and on `FLUSHALL`,
//! loading at start-up and `DEBUG RELOAD`, and the INFO persistence figures.
//!
//! The file is written to `temp-<pid>.rdb` in the working directory (the `dir` setting),
//! flushed to disk, then renamed over `dbfilename`, so a crash never leaves a half
//! written dump in its place. `BGSAVE` serializes the dataset in the event loop (the
//! snapshot is taken at one instant, like a fork's) and leaves writing and syncing the
//! file to a thread; the cron collects the result.
//!
//! With `stop-writes-on-bgsave-error yes` and save points configured, a failed
//! background save makes write commands (and PING) fail with `-MISCONF` until a save
//! succeeds, as in Redis.

use crate::rdb::file::{self, SaveInput};
use crate::rdb::DumpOptions;
use crate::server::{unix_ms, Core};
use std::io::Write;
use std::thread::JoinHandle;
use std::time::Instant;

/// Delay before a save point retries after a failed background save (Redis's
/// `CONFIG_BGSAVE_RETRY_DELAY`, seconds).
const BGSAVE_RETRY_DELAY_S: i64 = 5;

/// Redis's reply to write commands while saving is failing.
pub const MISCONF: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/// A background save under way.
struct Bgsave {
    thread: JoinHandle<Result<(), String>>,
    started: Instant,
    /// `dirty` when the snapshot was taken: changes after it are still unsaved.
    dirty_at_start: u64,
}

/// Persistence state kept in `Core`.
pub struct Persistence {
    /// `dirty` at the last successful save (`rdb_changes_since_last_save` is the
    /// difference).
    pub dirty_at_save: u64,
    bgsave: Option<Bgsave>,
    /// `BGSAVE SCHEDULE` asked for a save while one was running.
    scheduled: bool,
    pub last_bgsave_ok: bool,
    pub last_bgsave_secs: i64,
    /// Unix seconds of the last background save attempt (for the retry delay).
    last_attempt: i64,
    pub saves: u64,
    pub last_load_loaded: u64,
    pub last_load_expired: u64,
}

impl Default for Persistence {
    fn default() -> Self {
        Persistence {
            dirty_at_save: 0,
            bgsave: None,
            scheduled: false,
            last_bgsave_ok: true,
            last_bgsave_secs: -1,
            last_attempt: 0,
            saves: 0,
            last_load_loaded: 0,
            last_load_expired: 0,
        }
    }
}

impl Persistence {
    pub fn bgsave_in_progress(&self) -> bool {
        self.bgsave.is_some()
    }
}

/// The configured save points as (seconds, changes) pairs.
pub fn save_points(core: &Core) -> Vec<(i64, u64)> {
    let words: Vec<&str> = core.config.get("save").split_whitespace().collect();
    words
        .chunks(2)
        .filter_map(|p| match p {
            [s, c] => Some((s.parse().ok()?, c.parse().ok()?)),
            _ => None,
        })
        .collect()
}

/// Whether writes are refused because the last background save failed.
pub fn writes_denied(core: &Core) -> bool {
    !core.persist.last_bgsave_ok
        && core.config.get("stop-writes-on-bgsave-error") == "yes"
        && !save_points(core).is_empty()
}

/// Serializes the dataset and the function libraries.
fn snapshot(core: &mut Core) -> Result<Vec<u8>, String> {
    let payload = core
        .scripting
        .functions_payload()
        .map_err(|e| e.to_string())?;
    let functions = crate::scripting::function_dump::parse(&payload).map_err(|e| e.to_string())?;
    Ok(file::encode(&SaveInput {
        ks: &core.ks,
        functions: &functions,
        opt: DumpOptions::from_config(&core.config),
        checksum: core.config.get("rdbchecksum") == "yes",
        ctime: unix_ms() / 1000,
        used_mem: crate::alloc::used_memory(),
    }))
}

/// Writes `data` to a temporary file, syncs it and renames it over `target`.
fn write_file(data: &[u8], target: &str) -> Result<(), String> {
    let tmp = format!("temp-{}.rdb", std::process::id());
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(|e| {
            let cwd = std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            format!(
                "Failed opening the temp RDB file {tmp} (in server root dir {cwd}) for saving: {e}"
            )
        })?;
        f.write_all(data)
            .and_then(|_| f.sync_all())
            .map_err(|e| format!("Write error saving DB on disk: {e}"))?;
        std::fs::rename(&tmp, target).map_err(|e| {
            format!("Error moving temp DB file {tmp} on the final destination {target} (in server root dir): {e}")
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes the dataset now (SAVE, SHUTDOWN, FLUSHALL, DEBUG RELOAD; only SAVE counts in
/// INFO `rdb_saves`, as in Redis).
pub fn save(core: &mut Core) -> Result<(), String> {
    let data = snapshot(core)?;
    let target = core.config.get("dbfilename").to_string();
    match write_file(&data, &target) {
        Ok(()) => {
            core.log.notice("DB saved on disk");
            let p = &mut core.persist;
            p.dirty_at_save = core.dirty;
            p.last_bgsave_ok = true;
            core.lastsave = unix_ms() / 1000;
            Ok(())
        }
        Err(e) => {
            core.log.warning(&e);
            Err(e)
        }
    }
}

/// Starts a background save. Err when one is already running.
pub fn bgsave(core: &mut Core) -> Result<(), String> {
    if core.persist.bgsave.is_some() {
        return Err("Background save already in progress".into());
    }
    core.persist.last_attempt = unix_ms() / 1000;
    let data = match snapshot(core) {
        Ok(d) => d,
        Err(e) => {
            core.persist.last_bgsave_ok = false;
            return Err(e);
        }
    };
    let target = core.config.get("dbfilename").to_string();
    let thread = std::thread::Builder::new()
        .name("rdb-save".into())
        .spawn(move || write_file(&data, &target))
        .map_err(|e| format!("Can't save in background: {e}"))?;
    core.persist.bgsave = Some(Bgsave {
        thread,
        started: Instant::now(),
        dirty_at_start: core.dirty,
    });
    core.log.notice("Background saving started");
    Ok(())
}

/// `BGSAVE SCHEDULE` while a save runs: start another when it ends.
pub fn schedule(core: &mut Core) {
    core.persist.scheduled = true;
}

/// Waits for a running background save (SAVE, SHUTDOWN and DEBUG RELOAD need the
/// thread done before writing the same file).
pub fn wait_bgsave(core: &mut Core) {
    if let Some(b) = core.persist.bgsave.take() {
        let r = b
            .thread
            .join()
            .unwrap_or_else(|_| Err("save thread failed".into()));
        finish_bgsave(core, r, b.started, b.dirty_at_start);
    }
}

fn finish_bgsave(core: &mut Core, r: Result<(), String>, started: Instant, dirty_at_start: u64) {
    let p = &mut core.persist;
    p.last_bgsave_secs = started.elapsed().as_secs() as i64;
    match r {
        Ok(()) => {
            p.last_bgsave_ok = true;
            p.dirty_at_save = dirty_at_start;
            p.saves += 1;
            core.lastsave = unix_ms() / 1000;
            core.log.notice("Background saving terminated with success");
        }
        Err(e) => {
            p.last_bgsave_ok = false;
            core.log.warning(&e);
            core.log.warning("Background saving error");
        }
    }
}

/// Cron: collects a finished background save and starts one when a save point is due.
pub fn cron(core: &mut Core) {
    if core
        .persist
        .bgsave
        .as_ref()
        .is_some_and(|b| b.thread.is_finished())
    {
        wait_bgsave(core);
    }
    if core.persist.bgsave.is_some() {
        return;
    }
    if core.persist.scheduled {
        core.persist.scheduled = false;
        let _ = bgsave(core);
        return;
    }
    let now = unix_ms() / 1000;
    let changes = core.dirty.saturating_sub(core.persist.dirty_at_save);
    let retry_ok =
        core.persist.last_bgsave_ok || now - core.persist.last_attempt > BGSAVE_RETRY_DELAY_S;
    if !retry_ok {
        return;
    }
    for (secs, min_changes) in save_points(core) {
        if changes >= min_changes && now - core.lastsave > secs {
            core.log.notice(&format!(
                "{min_changes} changes in {secs} seconds. Saving..."
            ));
            if let Err(e) = bgsave(core) {
                core.log.warning(&e);
            }
            return;
        }
    }
}

/// The save before exiting (SHUTDOWN, SIGTERM): done when save points are configured
/// and not `nosave`, or when `save` is asked. False when the save failed and `force`
/// was not given: the server must not exit.
pub fn shutdown_save(core: &mut Core, save_flag: bool, nosave: bool, force: bool) -> bool {
    if !(save_flag || (!nosave && !save_points(core).is_empty())) {
        return true;
    }
    wait_bgsave(core);
    core.log
        .notice("Saving the final RDB snapshot before exiting.");
    if save(core).is_ok() {
        return true;
    }
    if force {
        core.log
            .warning("Error trying to save the DB. Exit anyway.");
        true
    } else {
        core.log.warning("Error trying to save the DB, can't exit.");
        false
    }
}

/// Loads `dbfilename` from the working directory into an empty server (start-up).
/// A missing file is not an error.
pub fn load_at_start(core: &mut Core) -> Result<(), String> {
    let name = core.config.get("dbfilename").to_string();
    let data = match std::fs::read(&name) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("Fatal error loading the DB: {e}. Exiting.")),
    };
    let started = Instant::now();
    load_bytes(core, &data, true)?;
    core.log.notice(&format!(
        "Done loading RDB, keys loaded: {}, keys expired: {}.",
        core.persist.last_load_loaded, core.persist.last_load_expired
    ));
    core.log.notice(&format!(
        "DB loaded from disk: {:.3} seconds",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Loads a file's content into the server: libraries first (replacing those loaded),
/// then the keys. A key already present is replaced when `allow_dup`, else an error
/// (keys loaded before it stay).
fn load_bytes(core: &mut Core, data: &[u8], allow_dup: bool) -> Result<(), String> {
    let loaded = file::decode(data, core.ks.dbs.len(), unix_ms()).map_err(|e| e.to_string())?;
    if !loaded.functions.is_empty() {
        let payload =
            crate::scripting::function_dump::dump(loaded.functions.iter().map(Vec::as_slice));
        core.scripting
            .restore_functions(&payload)
            .map_err(|e| format!("Failed loading library: {e}"))?;
    }
    let n = loaded.keys.len() as u64;
    for k in loaded.keys {
        if !allow_dup && core.ks.dbs[k.db].dict.contains_key(&k.key) {
            return Err(format!(
                "RDB has duplicated key '{}' in DB {}",
                String::from_utf8_lossy(&k.key),
                k.db
            ));
        }
        core.ks.set(k.db, &k.key, k.value, false);
        if let Some(t) = k.expire_ms {
            core.ks.set_expire(k.db, &k.key, t);
        }
    }
    core.persist.last_load_loaded = n;
    core.persist.last_load_expired = loaded.expired;
    core.persist.dirty_at_save = core.dirty;
    Ok(())
}

/// How `DEBUG RELOAD` failed.
pub enum ReloadError {
    Save,
    Load,
}

/// `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: saves (unless NOSAVE), empties the dataset
/// (unless NOFLUSH), and loads the file back (MERGE: keys in the file replace those
/// present instead of failing the load).
pub fn debug_reload(
    core: &mut Core,
    save_first: bool,
    flush: bool,
    merge: bool,
) -> Result<(), ReloadError> {
    wait_bgsave(core);
    if save_first && save(core).is_err() {
        return Err(ReloadError::Save);
    }
    if flush {
        for d in core.ks.dbs.iter_mut() {
            d.clear();
        }
    }
    let name = core.config.get("dbfilename").to_string();
    let result = std::fs::read(&name)
        .map_err(|e| format!("Failed loading the RDB file {name}: {e}"))
        .and_then(|data| load_bytes(core, &data, merge));
    match result {
        Ok(()) => {
            core.log.notice("DB reloaded by DEBUG RELOAD");
            Ok(())
        }
        Err(e) => {
            core.log.warning(&e);
            Err(ReloadError::Load)
        }
    }
}

/// The `# Persistence` section's RDB lines.
pub fn info_rdb(core: &Core) -> String {
    let p = &core.persist;
    let current = p
        .bgsave
        .as_ref()
        .map_or(-1, |b| b.started.elapsed().as_secs() as i64);
    format!(
        "rdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\nrdb_last_bgsave_status:{}\r\nrdb_last_bgsave_time_sec:{}\r\nrdb_current_bgsave_time_sec:{}\r\nrdb_saves:{}\r\nrdb_last_cow_size:0\r\nrdb_last_load_keys_expired:{}\r\nrdb_last_load_keys_loaded:{}\r\n",
        core.dirty.saturating_sub(p.dirty_at_save),
        p.bgsave.is_some() as u8,
        core.lastsave,
        if p.last_bgsave_ok { "ok" } else { "err" },
        p.last_bgsave_secs,
        current,
        p.saves,
        p.last_load_expired,
        p.last_load_loaded,
    )
}
