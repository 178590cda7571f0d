//! Key access tracking and eviction under `maxmemory`, with Redis's observable rules.
//!
//! Every key carries Redis's 24-bit access field (kept as node metadata of the keyspace
//! dictionary). Under an LRU (or non-LFU) policy it holds the LRU clock of the last
//! access: Unix seconds modulo 2^24, so `OBJECT IDLETIME` has one-second resolution and
//! wraps after 194 days like Redis's. Under an LFU policy it holds the last decrement time
//! in minutes (16 bits) and an 8-bit logarithmic access counter: a new key starts at
//! [`LFU_INIT_VAL`]; an access first decays the counter by one per `lfu-decay-time`
//! minutes elapsed, then increments it with probability `1 / ((counter - 5) *
//! lfu-log-factor + 1)`. Lookups made by commands touch the field; `OBJECT`, `TYPE`,
//! `TTL`, `EXISTS`, `SCAN`/`KEYS`/`RANDOMKEY` do not. Switching policy does not convert
//! the field, so data is meaningless for a while, as Redis documents.
//!
//! Eviction ([`perform_evictions`]) runs before each command when `maxmemory` is set and
//! used memory is over it: it frees keys until memory is back under the limit, choosing
//! them like Redis (approximated LRU/LFU/TTL with `maxmemory-samples` random samples per
//! database feeding a pool of the best [`EVPOOL_SIZE`] candidates; random policies pick
//! random keys, databases in turn). Evicted keys count in `INFO stats` `evicted_keys`,
//! fire `evicted` keyspace events and touch WATCHed keys. Tests: the unit tests below and
//! `redis-tests/object_access.txt`, `redis-tests/eviction.txt`.

use crate::sds::Sds;
use crate::server::Core;

/// Largest LRU clock value (Redis's `LRU_CLOCK_MAX`, 24 bits).
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;
/// Resolution of the LRU clock in milliseconds (Redis's `LRU_CLOCK_RESOLUTION`).
pub const LRU_CLOCK_RESOLUTION_MS: i64 = 1000;
/// Initial LFU counter of a new key (Redis's `LFU_INIT_VAL`), so new keys are not
/// evicted before they had a chance to be accessed.
pub const LFU_INIT_VAL: u32 = 5;
/// Candidates kept between eviction rounds (Redis's `EVPOOL_SIZE`).
pub const EVPOOL_SIZE: usize = 16;
/// Keys evicted between two checks of the time budget (Redis checks every 16).
const EVICT_TIME_CHECK_EVERY: u32 = 16;

/// `maxmemory-policy`, in the order of Redis's config enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    NoEviction,
}

impl Policy {
    /// Parses a (validated) config value.
    pub fn from_name(s: &str) -> Policy {
        match s {
            "volatile-lru" => Policy::VolatileLru,
            "volatile-lfu" => Policy::VolatileLfu,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            "allkeys-lru" => Policy::AllkeysLru,
            "allkeys-lfu" => Policy::AllkeysLfu,
            "allkeys-random" => Policy::AllkeysRandom,
            _ => Policy::NoEviction,
        }
    }

    pub fn is_lfu(self) -> bool {
        matches!(self, Policy::VolatileLfu | Policy::AllkeysLfu)
    }

    fn volatile(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru
                | Policy::VolatileLfu
                | Policy::VolatileRandom
                | Policy::VolatileTtl
        )
    }

    fn random(self) -> bool {
        matches!(self, Policy::VolatileRandom | Policy::AllkeysRandom)
    }
}

/// One candidate of the eviction pool: higher `score` is evicted first.
#[derive(Debug)]
struct Candidate {
    score: u64,
    db: usize,
    key: Sds,
}

/// Access-tracking parameters plus eviction state, owned by the keyspace.
#[derive(Debug)]
pub struct Access {
    pub policy: Policy,
    pub lfu_log_factor: u32,
    /// Minutes per decrement of the LFU counter (0: never decays).
    pub lfu_decay_time: u32,
    pub samples: usize,
    /// `maxmemory-eviction-tenacity` (0..=100).
    pub tenacity: u32,
    pub evicted_keys: u64,
    /// Set when an eviction round ran out of time with memory still over the limit: the
    /// event loop keeps evicting between polls (Redis's eviction timer).
    pub eviction_running: bool,
    rng: u64,
    pool: Vec<Candidate>,
    /// Next database for the random policies.
    next_db: usize,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            policy: Policy::NoEviction,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            samples: 5,
            tenacity: 10,
            evicted_keys: 0,
            eviction_running: false,
            rng: 0x2545_f491_4f6c_dd1d,
            pool: Vec::new(),
            next_db: 0,
        }
    }
}

impl Access {
    /// Takes the policy and its parameters from the configuration.
    pub fn configure(&mut self, cfg: &crate::config::Config) {
        let int = |n: &str| cfg.get(n).parse::<i64>().unwrap_or(0);
        self.policy = Policy::from_name(cfg.get("maxmemory-policy"));
        self.samples = int("maxmemory-samples").max(1) as usize;
        self.tenacity = int("maxmemory-eviction-tenacity") as u32;
        self.lfu_log_factor = int("lfu-log-factor") as u32;
        self.lfu_decay_time = int("lfu-decay-time") as u32;
    }
}

/// LRU clock of a Unix time in milliseconds.
#[inline]
pub fn lru_clock(now_ms: i64) -> u32 {
    ((now_ms / LRU_CLOCK_RESOLUTION_MS) as u64 & LRU_CLOCK_MAX as u64) as u32
}

/// Minutes clock of the LFU field (16 bits).
#[inline]
fn lfu_minutes(now_ms: i64) -> u32 {
    ((now_ms / 60_000) as u64 & 0xffff) as u32
}

/// Milliseconds since the access recorded in an LRU field (the clock wraps).
pub fn idle_ms(meta: u32, now_ms: i64) -> u64 {
    let now = lru_clock(now_ms);
    let ticks = if now >= meta {
        now - meta
    } else {
        now + (LRU_CLOCK_MAX - meta)
    };
    ticks as u64 * LRU_CLOCK_RESOLUTION_MS as u64
}

impl Access {
    /// The field a key created now gets.
    #[inline]
    pub fn fresh(&self, now_ms: i64) -> u32 {
        if self.policy.is_lfu() {
            (lfu_minutes(now_ms) << 8) | LFU_INIT_VAL
        } else {
            lru_clock(now_ms)
        }
    }

    fn next_rand(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    /// The field of a key restored with `IDLETIME s` or `FREQ f` (RESTORE), as Redis
    /// sets it: FREQ only under an LFU policy, IDLETIME only under the others.
    pub fn restored(&self, now_ms: i64, idle_s: Option<i64>, freq: Option<u32>) -> Option<u32> {
        if self.policy.is_lfu() {
            freq.map(|f| (lfu_minutes(now_ms) << 8) | f.min(255))
        } else {
            let idle = idle_s?;
            let ticks = (idle.saturating_mul(1000) / LRU_CLOCK_RESOLUTION_MS as i64)
                .rem_euclid(LRU_CLOCK_MAX as i64) as u32;
            let now = lru_clock(now_ms);
            Some(if ticks <= now {
                now - ticks
            } else {
                LRU_CLOCK_MAX - (ticks - now)
            })
        }
    }

    /// Records an access in a key's field.
    #[inline]
    pub fn touch(&mut self, meta: &mut u32, now_ms: i64) {
        if self.policy.is_lfu() {
            let c = self.lfu_decayed(*meta, now_ms);
            let c = self.lfu_incr(c);
            *meta = (lfu_minutes(now_ms) << 8) | c;
        } else {
            *meta = lru_clock(now_ms);
        }
    }

    /// The LFU counter after decay (what `OBJECT FREQ` shows), without storing it.
    pub fn lfu_decayed(&self, meta: u32, now_ms: i64) -> u32 {
        let last = meta >> 8;
        let counter = meta & 0xff;
        if self.lfu_decay_time == 0 {
            return counter;
        }
        let now = lfu_minutes(now_ms);
        let elapsed = if now >= last {
            now - last
        } else {
            0xffff - last + now
        };
        let periods = elapsed / self.lfu_decay_time;
        counter.saturating_sub(periods)
    }

    /// Logarithmic increment: the higher the counter, the less likely it grows.
    fn lfu_incr(&mut self, counter: u32) -> u32 {
        if counter >= 255 {
            return 255;
        }
        let r = (self.next_rand() >> 11) as f64 / (1u64 << 53) as f64;
        let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
        let p = 1.0 / (base * self.lfu_log_factor as f64 + 1.0);
        if r < p {
            counter + 1
        } else {
            counter
        }
    }

    /// Eviction score of a key: higher is a better candidate.
    fn score(&self, meta: u32, expire_ms: Option<i64>, now_ms: i64) -> u64 {
        match self.policy {
            Policy::VolatileTtl => u64::MAX - expire_ms.unwrap_or(i64::MAX).max(0) as u64,
            p if p.is_lfu() => 255 - self.lfu_decayed(meta, now_ms) as u64,
            _ => idle_ms(meta, now_ms),
        }
    }

    /// Adds a sampled key to the pool, which keeps the best [`EVPOOL_SIZE`] by score.
    fn pool_insert(&mut self, c: Candidate) {
        if self
            .pool
            .iter()
            .any(|p| p.db == c.db && p.key.as_bytes() == c.key.as_bytes())
        {
            return;
        }
        let pos = self.pool.partition_point(|p| p.score <= c.score);
        if self.pool.len() >= EVPOOL_SIZE {
            if pos == 0 {
                return;
            }
            self.pool.remove(0);
            self.pool.insert(pos - 1, c);
        } else {
            self.pool.insert(pos, c);
        }
    }
}

/// Picks the next key to evict, or `None` when the policy finds nothing.
fn select_victim(core: &mut Core, now_ms: i64) -> Option<(usize, Sds)> {
    let ks = &mut core.ks;
    let policy = ks.access.policy;
    let ndb = ks.dbs.len();
    if policy.random() {
        for _ in 0..ndb {
            let db = ks.access.next_db % ndb;
            ks.access.next_db = ks.access.next_db.wrapping_add(1);
            let acc = &mut ks.access;
            let d = &ks.dbs[db];
            let key = if policy.volatile() {
                d.expires.random(|| acc.next_rand()).map(|(k, _)| k.clone())
            } else {
                d.dict.random(|| acc.next_rand()).map(|(k, _)| k.clone())
            };
            if let Some(k) = key {
                return Some((db, k));
            }
        }
        return None;
    }
    // Sampled policies: refill the pool from every database, then take the best live one.
    // Bounded: each pass either finds a victim or removes a stale pool entry, and a pass
    // that samples nothing ends the search.
    for _ in 0..(EVPOOL_SIZE * 4) {
        let mut sampled_any = false;
        for db in 0..ndb {
            let samples = ks.access.samples;
            for _ in 0..samples {
                let acc = &mut ks.access;
                let d = &ks.dbs[db];
                let picked = if policy.volatile() {
                    d.expires.random(|| acc.next_rand()).map(|(k, &t)| {
                        let meta = d.dict.get_meta(k.as_bytes()).unwrap_or(0);
                        (k.clone(), meta, Some(t))
                    })
                } else {
                    d.dict.random_meta(|| acc.next_rand()).map(|(k, _, meta)| {
                        let t = d.expires.get(k.as_bytes()).copied();
                        (k.clone(), meta, t)
                    })
                };
                let Some((key, meta, t)) = picked else {
                    break;
                };
                sampled_any = true;
                let score = ks.access.score(meta, t, now_ms);
                ks.access.pool_insert(Candidate { score, db, key });
            }
        }
        if !sampled_any {
            ks.access.pool.clear();
            return None;
        }
        while let Some(c) = ks.access.pool.pop() {
            let d = &ks.dbs[c.db];
            let live = if policy.volatile() {
                d.expires.contains_key(c.key.as_bytes())
            } else {
                d.dict.contains_key(c.key.as_bytes())
            };
            if live {
                return Some((c.db, c.key));
            }
        }
    }
    None
}

/// Frees keys while used memory is over `maxmemory`. Returns false when memory is still
/// over the limit (nothing evictable, `noeviction`, or the time budget ran out).
pub fn perform_evictions(core: &mut Core) -> bool {
    let max = core.config.maxmemory;
    core.ks.access.eviction_running = false;
    if max == 0 || crate::alloc::used_memory() as u64 <= max {
        return true;
    }
    if core.ks.access.policy == Policy::NoEviction {
        return false;
    }
    // Like expiry, eviction waits for the end of a CLIENT PAUSE, and meanwhile commands
    // are not refused for memory (Redis answers "evict OK" while paused).
    if core.ks.expiry_paused {
        return true;
    }
    let now_ms = crate::server::unix_ms();
    let start = std::time::Instant::now();
    // Redis's tenacity: 10 gives 500 us per call, growing 15% per step above 10.
    let t = core.ks.access.tenacity;
    let budget_us = if t <= 10 {
        50 * t as u64
    } else if t >= 100 {
        u64::MAX
    } else {
        (500.0 * 1.15f64.powi(t as i32 - 10)) as u64
    };
    let mut evicted: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut n = 0u32;
    let ok = loop {
        if crate::alloc::used_memory() as u64 <= max {
            break true;
        }
        let Some((db, key)) = select_victim(core, now_ms) else {
            break false;
        };
        core.ks.delete(db, key.as_bytes());
        core.ks.access.evicted_keys += 1;
        core.watches.touch(db, key.as_bytes(), false);
        evicted.push((db, key.as_bytes().to_vec()));
        n += 1;
        // Out of time: like Redis, let the command run; the next one evicts more.
        if n % EVICT_TIME_CHECK_EVERY == 0 && start.elapsed().as_micros() as u64 >= budget_us {
            core.ks.access.eviction_running = true;
            break true;
        }
    };
    core.dirty += evicted.len() as u64;
    crate::notify::evicted(core, &evicted);
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_clock_and_idle_time() {
        let t = 1_700_000_000_000i64;
        let m = lru_clock(t);
        assert_eq!(idle_ms(m, t + 999), 0);
        assert_eq!(idle_ms(m, t + 10_000), 10_000);
        // Wrap-around of the 24-bit clock.
        assert_eq!(idle_ms(LRU_CLOCK_MAX - 1, 0), 1000);
    }

    #[test]
    fn lfu_counter_grows_logarithmically_and_decays() {
        let mut a = Access {
            policy: Policy::AllkeysLfu,
            ..Access::default()
        };
        let t = 1_700_000_000_000i64;
        let mut m = a.fresh(t);
        assert_eq!(m & 0xff, LFU_INIT_VAL);
        for _ in 0..100 {
            a.touch(&mut m, t);
        }
        let c = a.lfu_decayed(m, t);
        // From 5, 100 hits with log factor 10 reach roughly 10..=15.
        assert!((8..=18).contains(&c), "{c}");
        // One decrement per elapsed minute (lfu-decay-time 1).
        assert_eq!(a.lfu_decayed(m, t + 3 * 60_000), c - 3);
        assert_eq!(a.lfu_decayed(m, t + 1000 * 60_000), 0);
        a.lfu_decay_time = 0;
        assert_eq!(a.lfu_decayed(m, t + 1000 * 60_000), c);
        let mut hot = 254;
        a.lfu_log_factor = 0;
        hot = a.lfu_incr(hot);
        assert_eq!(hot, 255);
        assert_eq!(a.lfu_incr(hot), 255);
    }

    #[test]
    fn pool_keeps_the_best_candidates() {
        let mut a = Access::default();
        for i in 0..40u64 {
            a.pool_insert(Candidate {
                score: (i * 7) % 40,
                db: 0,
                key: Sds::new(format!("k{i}").as_bytes()),
            });
        }
        assert_eq!(a.pool.len(), EVPOOL_SIZE);
        assert_eq!(a.pool.last().map(|c| c.score), Some(39));
        assert_eq!(a.pool.first().map(|c| c.score), Some(24));
    }
}
