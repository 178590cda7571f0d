//! Ctrl-C (SIGINT): interrupts the running chunk, as lua5.1 does.
//!
//! While a chunk runs, the first SIGINT raises the interpreter's interrupt flag; the VM
//! notices it at its next budget check and fails with `interrupted!`, which is reported
//! like any error (the REPL then shows its prompt again). A second SIGINT during the same
//! chunk, or one that arrives while no chunk runs, has the default effect and ends the
//! process, as in lua5.1 (its handler resets SIGINT to the default after the first one).
//! Between the REPL's chunks a single SIGINT is ignored (lua5.1 would end). At the REPL
//! prompt the terminal is in raw mode and Ctrl-C arrives as a key, which
//! the line editor turns into "clear the line".
//!
//! The handlers only store to atomics (async-signal-safe), using `signal-hook`'s safe
//! registration functions.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::SIGINT;

/// The SIGINT state shared with the signal handlers.
pub struct Interrupt {
    /// Raised by SIGINT; the VM checks and clears it.
    flag: Arc<AtomicBool>,
    /// When set, SIGINT takes its default action (ends the process).
    kill_next: Arc<AtomicBool>,
}

impl Interrupt {
    /// Installs the handlers. Until [`Interrupt::arm`], SIGINT ends the process.
    pub fn install() -> Interrupt {
        let flag = Arc::new(AtomicBool::new(false));
        let kill_next = Arc::new(AtomicBool::new(true));
        // Order matters: the default action is checked before this signal re-arms it.
        let ok = signal_hook::flag::register_conditional_default(SIGINT, Arc::clone(&kill_next))
            .is_ok()
            && signal_hook::flag::register(SIGINT, Arc::clone(&flag)).is_ok()
            && signal_hook::flag::register(SIGINT, Arc::clone(&kill_next)).is_ok();
        if !ok {
            // Without handlers SIGINT keeps its default action; nothing else to do.
            kill_next.store(true, Ordering::SeqCst);
        }
        Interrupt { flag, kill_next }
    }

    /// The flag to hand to the interpreter (`Lua::set_interrupt_flag`).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.flag)
    }

    /// A chunk starts: the next SIGINT interrupts it.
    pub fn arm(&self) {
        self.flag.store(false, Ordering::SeqCst);
        self.kill_next.store(false, Ordering::SeqCst);
    }

    /// The chunk is over: a request that came too late to interrupt anything is
    /// forgotten, and SIGINT ends the process again, except between the REPL's chunks
    /// (`keep_alive`), where one stray Ctrl-C (say, just after Enter) is ignored.
    pub fn disarm(&self, keep_alive: bool) {
        self.kill_next.store(!keep_alive, Ordering::SeqCst);
        self.flag.store(false, Ordering::SeqCst);
    }
}
