//! Latency monitoring: the per-command latency histograms of `LATENCY HISTOGRAM` and the
//! latency events (`command`, `fast-command`, `expire-cycle`) of `LATENCY LATEST`,
//! `HISTORY`, `RESET`, `DOCTOR` and `GRAPH`.
//!
//! Histograms count calls in log-linear nanosecond buckets (two significant digits);
//! `LATENCY HISTOGRAM` shows them merged into power-of-two microsecond buckets as Redis
//! 7.0 does, and INFO `latencystats` shows the configured percentiles. Events are recorded when something takes at least
//! `latency-monitor-threshold` milliseconds (0 disables): each event keeps its last
//! [`EVENT_SAMPLES`] samples, at most one per second (a second sample in the same second
//! keeps the larger latency), and its all-time maximum, as Redis does.

/// Values below this many nanoseconds get a bucket each; above, each power of two is
/// split into this many / 2 buckets (two significant decimal digits, like Redis's
/// HDR histograms).
const LINEAR_LIMIT: u64 = 128;
/// Half of [`LINEAR_LIMIT`]: sub-buckets per power of two.
const SUB_BUCKETS: u64 = LINEAR_LIMIT / 2;
/// Nanoseconds in the first `LATENCY HISTOGRAM` bucket (reported as 1 µs); each next
/// bucket doubles.
const FIRST_BUCKET_NS: u64 = 1024;

/// Call durations of one command (nanoseconds, log-linear buckets).
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    buckets: std::collections::BTreeMap<u32, u64>,
    total: u64,
}

/// The bucket of `v` nanoseconds.
fn bucket_of(v: u64) -> u32 {
    if v < LINEAR_LIMIT {
        return v as u32;
    }
    let shift = 63 - v.leading_zeros() as u64 - 6;
    (shift * SUB_BUCKETS + (v >> shift)) as u32
}

/// The highest value (nanoseconds) that falls in bucket `b`.
fn bucket_high(b: u32) -> u64 {
    let b = b as u64;
    if b < LINEAR_LIMIT {
        return b;
    }
    let shift = b / SUB_BUCKETS - 1;
    let sub = b % SUB_BUCKETS + SUB_BUCKETS;
    ((sub + 1) << shift) - 1
}

impl Histogram {
    /// Counts one call that took `nanos` nanoseconds.
    pub fn record(&mut self, nanos: u64) {
        *self.buckets.entry(bucket_of(nanos)).or_insert(0) += 1;
        self.total += 1;
    }

    /// Calls counted.
    pub fn calls(&self) -> u64 {
        self.total
    }

    /// `(bucket upper bound in µs, cumulative calls)` for each power-of-two bucket
    /// (1 µs = 1024 ns, 2 µs, 4 µs, ...) that holds calls, as `LATENCY HISTOGRAM` shows.
    pub fn cumulative(&self) -> Vec<(u64, u64)> {
        let mut acc = 0;
        let mut out: Vec<(u64, u64)> = Vec::new();
        for (&b, &n) in &self.buckets {
            acc += n;
            let high = bucket_high(b);
            let mut k = 0u32;
            while k < 63 && FIRST_BUCKET_NS << k < high {
                k += 1;
            }
            let usec = 1u64 << k;
            match out.last_mut() {
                Some(last) if last.0 == usec => last.1 = acc,
                _ => out.push((usec, acc)),
            }
        }
        out
    }

    /// The latency (µs) at or below which `pct` percent of the calls fall.
    pub fn percentile_usec(&self, pct: f64) -> f64 {
        let want = ((pct / 100.0) * self.total as f64).round().max(1.0) as u64;
        let mut acc = 0;
        for (&b, &n) in &self.buckets {
            acc += n;
            if acc >= want {
                return bucket_high(b) as f64 / 1000.0;
            }
        }
        self.buckets
            .keys()
            .next_back()
            .map_or(0.0, |&b| bucket_high(b) as f64 / 1000.0)
    }
}

/// Samples kept per event (Redis's `LATENCY_TS_LEN`).
pub const EVENT_SAMPLES: usize = 160;

/// One latency event class.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// `(unix seconds, milliseconds)`, oldest first.
    pub samples: std::collections::VecDeque<(i64, u64)>,
    /// All-time maximum in milliseconds.
    pub max: u64,
}

/// The latency events seen so far, in the order they first occurred.
#[derive(Debug, Default)]
pub struct Monitor {
    pub events: Vec<(String, Event)>,
}

impl Monitor {
    /// Records `ms` for `event` at `now_s` when it reaches `threshold_ms` (0: off).
    pub fn add_sample_if_needed(&mut self, event: &str, ms: u64, threshold_ms: u64, now_s: i64) {
        if threshold_ms == 0 || ms < threshold_ms {
            return;
        }
        let idx = match self.events.iter().position(|(n, _)| n == event) {
            Some(i) => i,
            None => {
                self.events.push((event.to_string(), Event::default()));
                self.events.len() - 1
            }
        };
        let ev = &mut self.events[idx].1;
        ev.max = ev.max.max(ms);
        if let Some(last) = ev.samples.back_mut() {
            if last.0 == now_s {
                last.1 = last.1.max(ms);
                return;
            }
        }
        if ev.samples.len() == EVENT_SAMPLES {
            ev.samples.pop_front();
        }
        ev.samples.push_back((now_s, ms));
    }

    pub fn get(&self, event: &[u8]) -> Option<&Event> {
        self.events
            .iter()
            .find(|(n, _)| n.as_bytes() == event)
            .map(|(_, e)| e)
    }

    /// Forgets `event`; whether it existed.
    pub fn reset(&mut self, event: &[u8]) -> bool {
        let before = self.events.len();
        self.events.retain(|(n, _)| n.as_bytes() != event);
        self.events.len() != before
    }

    /// Forgets every event; how many there were.
    pub fn reset_all(&mut self) -> usize {
        std::mem::take(&mut self.events).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets() {
        let mut h = Histogram::default();
        for ns in [500, 3_000, 5_000, 8_000, 1_000_000] {
            h.record(ns);
        }
        assert_eq!(h.calls(), 5);
        assert_eq!(h.cumulative(), vec![(1, 1), (4, 2), (8, 4), (1024, 5)]);
        assert_eq!(h.percentile_usec(50.0), 5.055);
        assert_eq!(h.percentile_usec(100.0), 1_007.615);
    }

    #[test]
    fn one_sample_per_second() {
        let mut m = Monitor::default();
        m.add_sample_if_needed("command", 5, 10, 100);
        assert!(m.events.is_empty());
        m.add_sample_if_needed("command", 20, 10, 100);
        m.add_sample_if_needed("command", 30, 10, 100);
        m.add_sample_if_needed("command", 15, 10, 101);
        let e = m.get(b"command").unwrap();
        assert_eq!(
            e.samples.iter().copied().collect::<Vec<_>>(),
            vec![(100, 30), (101, 15)]
        );
        assert_eq!(e.max, 30);
        assert_eq!(m.reset_all(), 1);
    }
}
