//! Latency monitoring: the per-command latency histograms of `LATENCY HISTOGRAM` and the
//! latency events (`command`, `fast-command`, `expire-cycle`) of `LATENCY LATEST`,
//! `HISTORY`, `RESET`, `DOCTOR` and `GRAPH`.
//!
//! Histograms count calls in power-of-two microsecond buckets (the bucket of a call is
//! the smallest power of two at or above its duration), which is the resolution Redis
//! 7.0 reports `histogram_usec` in. Events are recorded when something takes at least
//! `latency-monitor-threshold` milliseconds (0 disables): each event keeps its last
//! [`EVENT_SAMPLES`] samples, at most one per second (a second sample in the same second
//! keeps the larger latency), and its all-time maximum, as Redis does.

/// Histogram buckets: 1 µs up to 2^(N-1) µs; longer calls land in the last one.
const HISTOGRAM_BUCKETS: usize = 40;
/// Samples kept per event (Redis's `LATENCY_TS_LEN`).
pub const EVENT_SAMPLES: usize = 160;

/// Call durations of one command in power-of-two microsecond buckets.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    buckets: Vec<u64>,
    total: u64,
}

impl Histogram {
    /// Counts one call that took `nanos` nanoseconds.
    pub fn record(&mut self, nanos: u64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; HISTOGRAM_BUCKETS];
        }
        let usec = nanos.div_ceil(1000).max(1);
        let i = (usec.next_power_of_two().trailing_zeros() as usize).min(HISTOGRAM_BUCKETS - 1);
        self.buckets[i] += 1;
        self.total += 1;
    }

    /// Calls counted.
    pub fn calls(&self) -> u64 {
        self.total
    }

    /// `(bucket upper bound in µs, cumulative calls)` for each bucket that holds calls.
    pub fn cumulative(&self) -> Vec<(u64, u64)> {
        let mut acc = 0;
        let mut out = Vec::new();
        for (i, &n) in self.buckets.iter().enumerate() {
            if n > 0 {
                acc += n;
                out.push((1u64 << i, acc));
            }
        }
        out
    }
}

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
        assert_eq!(e.samples.iter().copied().collect::<Vec<_>>(), vec![(100, 30), (101, 15)]);
        assert_eq!(e.max, 30);
        assert_eq!(m.reset_all(), 1);
    }
}
