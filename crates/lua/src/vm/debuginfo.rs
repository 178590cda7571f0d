//! Describing running code: current lines, names of variables and functions for error
//! messages (`attempt to index local 't'`, `bad argument #1 to 'sub'`), and tracebacks.
//!
//! Names are recovered from the bytecode: a register is a named local if a local
//! variable is active there; otherwise the instruction that last loaded the register
//! (found by a forward scan that skips over jumped-over code) tells whether it came from
//! a global, a field, an upvalue or a method lookup.
//!
//! Stack levels (for the debug library and tracebacks) are resolved on a `StackView`
//! of any thread, counting calls lost to tail calls as levels, as 5.1 does.

use super::{Frame, FrameKind, Lua};
use crate::func::Proto;
use crate::opcode::{is_k, Op, BITRK};
use crate::value::Value;

/// Line of the instruction before `pc` (the one running), or 0 when unknown.
pub fn current_line(p: &Proto, pc: usize) -> u32 {
    let i = pc.saturating_sub(1);
    p.lines.get(i).copied().unwrap_or(0)
}

/// Name of the `n`-th (1-based) local variable active at instruction `pc`.
pub fn local_name(p: &Proto, n: usize, pc: usize) -> Option<&[u8]> {
    let mut n = n;
    for lv in &p.locvars {
        if lv.start_pc as usize > pc {
            break;
        }
        if pc < lv.end_pc as usize {
            n -= 1;
            if n == 0 {
                return Some(lv.name.as_bytes());
            }
        }
    }
    None
}

fn const_str(p: &Proto, rk: usize) -> Option<Vec<u8>> {
    if is_k(rk) {
        if let Some(Value::Str(s)) = p.constants.get(rk - BITRK as usize) {
            return Some(s.as_bytes().to_vec());
        }
    }
    None
}

/// Index of the last instruction before `lastpc` that wrote register `reg`, following
/// 5.1's symbolic execution: an instruction "writes" its A register by its opcode mode
/// (so `TEST`, which 5.1 marks as setting A, hides the name of an `a or b` operand),
/// plus the ranges written by `LOADNIL`, calls, `TFORLOOP` and `SELF`; forward jumps
/// (`JMP`, `FORPREP`) that land at or before `lastpc` skip the code they jump over.
fn find_setter(p: &Proto, lastpc: usize, reg: usize) -> Option<usize> {
    let mut last = None;
    let mut pc = 0;
    while pc < lastpc {
        let i = p.code[pc];
        let a = i.a();
        let op = i.op();
        let sets_a = !matches!(
            op,
            Op::SetGlobal
                | Op::SetUpval
                | Op::SetTable
                | Op::Jmp
                | Op::Eq
                | Op::Lt
                | Op::Le
                | Op::Return
                | Op::TForLoop
                | Op::SetList
                | Op::Close
        );
        if sets_a && a == reg {
            last = Some(pc);
        }
        match op {
            Op::LoadNil if a <= reg && reg <= i.b() => last = Some(pc),
            Op::Call | Op::TailCall if reg >= a => last = Some(pc),
            Op::TForLoop if reg >= a + 2 => last = Some(pc),
            Op::SelfOp if reg == a + 1 => last = Some(pc),
            Op::SetList if i.c() == 0 => pc += 1,
            Op::Jmp | Op::ForPrep => {
                let dest = pc as i64 + 1 + i.sbx() as i64;
                if (pc as i64) < dest && dest <= lastpc as i64 {
                    pc = dest as usize;
                    continue;
                }
            }
            _ => {}
        }
        pc += 1;
    }
    last
}

/// What register `reg` holds at instruction `pc`: ("local"|"global"|"field"|"upvalue"|
/// "method", name).
pub fn obj_name(p: &Proto, pc: usize, reg: usize) -> Option<(&'static str, Vec<u8>)> {
    if let Some(n) = local_name(p, reg + 1, pc) {
        return Some(("local", n.to_vec()));
    }
    let setter = find_setter(p, pc, reg)?;
    let i = p.code[setter];
    match i.op() {
        Op::GetGlobal => match p.constants.get(i.bx()) {
            Some(Value::Str(s)) => Some(("global", s.as_bytes().to_vec())),
            _ => None,
        },
        Op::Move => {
            let b = i.b();
            if b < i.a() {
                obj_name(p, setter, b)
            } else {
                None
            }
        }
        // A key that is not a constant string is named `?`, as 5.1 does.
        Op::GetTable => Some((
            "field",
            const_str(p, i.c()).unwrap_or_else(|| b"?".to_vec()),
        )),
        Op::GetUpval => p
            .upval_names
            .get(i.b())
            .map(|n| ("upvalue", n.as_bytes().to_vec())),
        Op::SelfOp => const_str(p, i.c()).map(|k| ("method", k)),
        _ => None,
    }
}

/// What a stack level (as `debug.getinfo` counts them) refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    /// A call frame, by index.
    Frame(usize),
    /// A call lost to a tail call (5.1 reports these as levels of their own).
    Tail,
    /// The `yield` a suspended coroutine is stopped in (its frame is gone here).
    Yield,
}

/// The call stack of one thread as the debug functions see it.
#[derive(Clone, Copy)]
pub(crate) struct StackView<'a> {
    pub(crate) frames: &'a [Frame],
    pub(crate) stack: &'a [Value],
    /// First free slot of the thread (for temporaries of its top frame).
    pub(crate) top: usize,
    /// The thread is suspended in a `yield` called from Lua.
    pub(crate) yielded: bool,
    /// Frames below this index are not shown (a coroutine's bottom entry frame).
    pub(crate) lowest: usize,
}

impl<'a> StackView<'a> {
    /// Number of levels (frames, lost tail calls, a pending yield).
    pub(crate) fn depth(&self) -> usize {
        let mut n = self.yielded as usize;
        for f in &self.frames[self.lowest.min(self.frames.len())..] {
            n += 1 + f.tailcalls as usize;
        }
        n
    }

    /// Resolves `level` (0 = the top), as 5.1's lua_getstack.
    pub(crate) fn level(&self, mut level: usize) -> Option<Level> {
        if self.yielded {
            if level == 0 {
                return Some(Level::Yield);
            }
            level -= 1;
        }
        let mut fi = self.frames.len();
        while fi > self.lowest {
            fi -= 1;
            if level == 0 {
                return Some(Level::Frame(fi));
            }
            level -= 1;
            let tc = self.frames[fi].tailcalls as usize;
            if level < tc {
                return Some(Level::Tail);
            }
            level -= tc;
        }
        None
    }

    /// The function running at frame `fi`.
    pub(crate) fn closure(&self, fi: usize) -> Value {
        let f = &self.frames[fi];
        match f.kind {
            FrameKind::Lua(cl) => Value::LuaFn(cl),
            FrameKind::Native => self.stack[f.func],
        }
    }

    /// The name by which the function at `lv` was called (for `bad argument ... to
    /// 'name'` and tracebacks): ("global"|"local"|"method"|"field"|"upvalue"|
    /// "for iterator", name).
    pub(crate) fn func_name(&self, lv: Level) -> Option<(&'static str, Vec<u8>)> {
        let caller = match lv {
            Level::Tail => return None,
            Level::Yield => self.frames.last()?,
            Level::Frame(fi) => {
                if fi == 0 || self.frames[fi].tailcalls > 0 {
                    return None;
                }
                &self.frames[fi - 1]
            }
        };
        let FrameKind::Lua(cl) = caller.kind else {
            return None;
        };
        let p = &cl.proto;
        let pc = caller.pc.saturating_sub(1);
        let i = *p.code.get(pc)?;
        match i.op() {
            Op::Call | Op::TailCall => obj_name(p, pc, i.a()),
            Op::TForLoop => Some(("for iterator", b"for iterator".to_vec())),
            _ => None,
        }
    }

    /// Stack traceback text as lua5.1's `debug.traceback` prints it, from `level`.
    pub(crate) fn traceback(&self, msg: Option<&[u8]>, level: usize) -> Vec<u8> {
        const LEVELS1: usize = 12;
        const LEVELS2: usize = 10;
        let mut out = Vec::new();
        if let Some(m) = msg {
            out.extend_from_slice(m);
            out.push(b'\n');
        }
        out.extend_from_slice(b"stack traceback:");
        // As 5.1: levels below LEVELS1 are shown; if more than LEVELS2 levels remain
        // after that, `...` replaces all but the last LEVELS2.
        let depth = self.depth();
        let mut lv = level;
        let mut first_part = true;
        while lv < depth {
            if lv >= LEVELS1 && first_part {
                first_part = false;
                if lv + 1 + LEVELS2 < depth {
                    out.extend_from_slice(b"\n\t...");
                    lv = depth - LEVELS2;
                    continue;
                }
            }
            let Some(l) = self.level(lv) else { break };
            lv += 1;
            out.extend_from_slice(b"\n\t");
            match l {
                Level::Tail => out.extend_from_slice(b"(tail call): ?"),
                Level::Yield | Level::Frame(_) => {
                    let lua = match l {
                        Level::Frame(fi) => match self.frames[fi].kind {
                            FrameKind::Lua(cl) => Some((cl, self.frames[fi].pc)),
                            FrameKind::Native => None,
                        },
                        _ => None,
                    };
                    match lua {
                        Some((cl, pc)) => {
                            let p = &cl.proto;
                            let src = crate::chunkid::chunkid(p.source.as_bytes());
                            out.extend_from_slice(&src);
                            out.extend_from_slice(format!(":{}:", current_line(p, pc)).as_bytes());
                            if let Some((_, name)) = self.func_name(l) {
                                out.extend_from_slice(b" in function '");
                                out.extend_from_slice(&name);
                                out.push(b'\'');
                            } else if p.line_defined == 0 {
                                out.extend_from_slice(b" in main chunk");
                            } else {
                                out.extend_from_slice(b" in function <");
                                out.extend_from_slice(&src);
                                out.extend_from_slice(format!(":{}>", p.line_defined).as_bytes());
                            }
                        }
                        None => {
                            out.extend_from_slice(b"[C]:");
                            if let Some((_, name)) = self.func_name(l) {
                                out.extend_from_slice(b" in function '");
                                out.extend_from_slice(&name);
                                out.push(b'\'');
                            } else {
                                out.extend_from_slice(b" ?");
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

impl Lua {
    /// `" local 'x'"`-style description of stack slot `idx` if it is a register of the
    /// running Lua frame; used by type errors.
    pub(crate) fn var_info(&self, idx: Option<usize>) -> Option<(&'static str, Vec<u8>)> {
        let idx = idx?;
        let f = self.frames.last()?;
        if let FrameKind::Lua(cl) = f.kind {
            if idx >= f.base && idx < f.top {
                return obj_name(&cl.proto, f.pc.saturating_sub(1), idx - f.base);
            }
        }
        None
    }

    /// The running thread's stack as the debug functions see it.
    pub(crate) fn stack_view(&self) -> StackView<'_> {
        StackView {
            frames: &self.frames,
            stack: &self.stack,
            top: self.top,
            yielded: false,
            lowest: if self.cur_thread == self.main_thread {
                0
            } else {
                1
            },
        }
    }

    /// The name by which frame `fi` of the running thread was called.
    pub(crate) fn func_name(&self, fi: usize) -> Option<(&'static str, Vec<u8>)> {
        self.stack_view().func_name(Level::Frame(fi))
    }

    /// Stack traceback text of the running thread as lua5.1's `debug.traceback`
    /// prints it, starting at `level` (0 = the top frame).
    pub fn traceback(&self, msg: Option<&[u8]>, level: usize) -> Vec<u8> {
        self.stack_view().traceback(msg, level)
    }
}
