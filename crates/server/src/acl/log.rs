//! The ACL log: denied commands, keys, channels and failed authentications, newest first,
//! with similar events (same reason, context, object and user within
//! [`GROUP_WINDOW_MS`]) folded into one entry with a count.

use std::collections::VecDeque;

/// Entries within this many milliseconds of each other are grouped (Redis: 60 s).
pub const GROUP_WINDOW_MS: i64 = 60_000;
/// Default `acllog-max-len` (Redis: 128).
pub const DEFAULT_MAX_LEN: usize = 128;

/// One ACL LOG entry.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub count: u64,
    /// `command`, `key`, `channel` or `auth`.
    pub reason: &'static str,
    /// `toplevel`, `multi` or `lua`.
    pub context: &'static str,
    pub object: Vec<u8>,
    pub username: Vec<u8>,
    /// Unix time in milliseconds of the latest event.
    pub ctime_ms: i64,
    /// `CLIENT INFO` line of the client at the latest event.
    pub client_info: String,
}

/// The log, newest first.
#[derive(Debug, Default)]
pub struct AclLog {
    pub entries: VecDeque<LogEntry>,
}

impl AclLog {
    /// Records `e`, folding it into a similar recent entry, and trims to `max_len`.
    pub fn add(&mut self, e: LogEntry, max_len: usize) {
        let similar = self.entries.iter().position(|o| {
            o.reason == e.reason
                && o.context == e.context
                && o.object == e.object
                && o.username == e.username
                && e.ctime_ms - o.ctime_ms < GROUP_WINDOW_MS
        });
        let e = match similar.and_then(|i| self.entries.remove(i)) {
            Some(mut o) => {
                o.count += 1;
                o.ctime_ms = e.ctime_ms;
                o.client_info = e.client_info;
                o
            }
            None => e,
        };
        self.entries.push_front(e);
        self.entries.truncate(max_len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(object: &str, ms: i64) -> LogEntry {
        LogEntry {
            count: 1,
            reason: "command",
            context: "toplevel",
            object: object.as_bytes().to_vec(),
            username: b"u".to_vec(),
            ctime_ms: ms,
            client_info: format!("at {ms}"),
        }
    }

    #[test]
    fn similar_entries_are_grouped_and_moved_to_the_front() {
        let mut log = AclLog::default();
        log.add(entry("get", 0), 10);
        log.add(entry("set", 1), 10);
        log.add(entry("get", 2), 10);
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.entries[0].object, b"get");
        assert_eq!(log.entries[0].count, 2);
        assert_eq!(log.entries[0].client_info, "at 2");
        // Past the grouping window a new entry starts.
        log.add(entry("get", 2 + GROUP_WINDOW_MS), 10);
        assert_eq!(log.entries.len(), 3);
        log.add(entry("x", 0), 2);
        assert_eq!(log.entries.len(), 2);
    }
}
