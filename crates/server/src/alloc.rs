//! A counting global allocator: the system allocator plus a running total of the bytes
//! currently allocated, so `INFO memory`'s `used_memory` and `maxmemory` checks know how
//! much the server holds. It counts requested sizes (the allocator's own per-block
//! overhead is not included; `used_memory_rss` shows the process's real footprint).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

static USED: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The allocator installed by the binary.
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` with the caller's layout unchanged; the
// counters are side bookkeeping that never affects the returned memory.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            USED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            USED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        USED.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            USED.fetch_sub(layout.size(), Ordering::Relaxed);
            USED.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

/// Bytes currently allocated through the global allocator.
pub fn used_memory() -> usize {
    USED.load(Ordering::Relaxed)
}

/// Highest `used_memory` seen by [`update_peak`].
pub fn peak_memory() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Records the current usage as the peak if it is higher (called from cron and INFO).
pub fn update_peak() {
    let u = used_memory();
    PEAK.fetch_max(u, Ordering::Relaxed);
}

/// Resident set size of the process in bytes, read from `/proc/self/statm` (0 if unknown).
pub fn rss_bytes() -> usize {
    let Ok(s) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: usize = s
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}
