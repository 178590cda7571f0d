//! Coroutines: each owns a Lua stack and a list of call frames.
//!
//! The running thread's stack lives in `Lua` itself (fast access from the VM); when a
//! coroutine is resumed, the two are swapped, so a `Thread` object holds the stack of a
//! thread that is *not* running. Moving a `Vec` does not move its buffer, so open
//! upvalues (raw pointers into stacks) stay valid across swaps.

use crate::func::UpValRef;
use crate::table::TableRef;
use crate::value::Value;
use crate::vm::Frame;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoStatus {
    /// Created or yielded: can be resumed.
    Suspended,
    Running,
    /// Resumed another coroutine.
    Normal,
    Dead,
}

/// Saved execution state of a thread that is not running.
#[derive(Default)]
pub struct ThreadState {
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) top: usize,
    pub(crate) open_upvals: Vec<UpValRef>,
    /// The line hook's last instruction per frame (`HookState::last_pc`).
    pub(crate) hook_last_pc: Vec<usize>,
}

pub struct Thread {
    pub(crate) state: ThreadState,
    pub(crate) status: CoStatus,
    /// The coroutine has started running its body (a later resume continues a yield).
    pub(crate) started: bool,
    /// Where the pending `yield` call's results go: (stack index, wanted results).
    pub(crate) yield_dest: Option<(usize, i32)>,
    /// Global environment of the thread (`getfenv(0)`).
    pub(crate) env: Option<TableRef>,
    /// The state's main thread (its bottom frame is not a coroutine body).
    pub(crate) is_main: bool,
}

impl Thread {
    pub(crate) fn new(env: Option<TableRef>, is_main: bool) -> Thread {
        Thread {
            state: ThreadState::default(),
            status: if is_main {
                CoStatus::Running
            } else {
                CoStatus::Suspended
            },
            started: false,
            yield_dest: None,
            env,
            is_main,
        }
    }

    pub fn status(&self) -> CoStatus {
        self.status
    }
}
