//! The compiler: AST → register bytecode (`Proto`).
//!
//! One `FuncState` per function being compiled. Expressions are compiled through
//! expression descriptors (`ExpDesc`, in `expr.rs`) that delay code generation until the
//! destination is known, so `local x = a + 1` becomes a single `ADD` into x's register,
//! and `and`/`or`/comparisons become jump lists patched once their targets are known.
//! Statements are in `stat.rs`. Registers are allocated stack-like: locals occupy the
//! lowest registers of a function in declaration order, temporaries sit above them.
//!
//! Limits follow Lua 5.1 (200 locals, 60 upvalues, 250 registers) with its messages.

mod expr;
mod stat;

use crate::ast::{Block, FuncBody};
use crate::func::{LocVar, Proto, UpvalDesc, VARARG_HASARG, VARARG_ISVARARG, VARARG_NEEDSARG};
use crate::opcode::{Instr, Op, MAXARG_BX, MAXARG_SBX};
use crate::string::StrRef;
use crate::value::Value;
use crate::vm::Lua;
use std::collections::HashMap;
use std::rc::Rc;

pub(crate) use expr::ExpDesc;

/// Maximum local variables per function (LUAI_MAXVARS).
pub const MAX_VARS: usize = 200;
/// Maximum upvalues per function (LUAI_MAXUPVALUES).
pub const MAX_UPVALUES: usize = 60;
/// Maximum registers per function (MAXSTACK in lcode.h).
pub const MAX_REGS: usize = 250;
/// Empty jump list.
pub(crate) const NO_JUMP: i32 = -1;
/// "No register" for jump patching.
pub(crate) const NO_REG: usize = 255;

/// A compile error, already formatted as lua5.1 prints it.
#[derive(Debug)]
pub struct CompileError(pub Vec<u8>);

type CResult<T> = Result<T, CompileError>;

#[derive(Hash, PartialEq, Eq, Clone, Copy)]
enum ConstKey {
    Nil,
    Bool(bool),
    Num(u64),
    Str(usize),
}

struct BlockCnt {
    /// Jumps out of the loop (`break`).
    breaklist: i32,
    /// Active locals outside the block.
    nactvar: usize,
    /// Some local of this block is captured as an upvalue.
    upval: bool,
    breakable: bool,
}

pub(crate) struct FuncState {
    pub(crate) f: Proto,
    consts: HashMap<ConstKey, u32>,
    /// Indices into `f.locvars` of the active locals, by register.
    actvar: Vec<usize>,
    /// Declared but not yet active locals (indices into `f.locvars`).
    pending: Vec<usize>,
    pub(crate) freereg: usize,
    blocks: Vec<BlockCnt>,
    /// Upvalue names with their descriptors (to find existing ones).
    upval_keys: Vec<(StrRef, UpvalDesc)>,
    /// Last instruction that is a jump target.
    last_target: i32,
    /// Jumps pending to the next instruction.
    jpc: i32,
    /// Line used for emitted instructions.
    pub(crate) line: u32,
}

/// The whole compilation: the stack of functions being compiled.
pub(crate) struct Compiler<'l> {
    pub(crate) l: &'l mut Lua,
    pub(crate) fs: Vec<FuncState>,
    chunkname: Vec<u8>,
}

/// Compiles a parsed chunk into the main function's prototype.
pub fn compile_chunk(
    l: &mut Lua,
    block: &Block,
    chunkname: &[u8],
) -> Result<Rc<Proto>, CompileError> {
    let source = l
        .new_str(chunkname)
        .map_err(|_| CompileError(b"not enough memory".to_vec()))?;
    let mut c = Compiler {
        l,
        fs: Vec::new(),
        chunkname: chunkname.to_vec(),
    };
    c.open_function(source, 0);
    c.fs_mut().f.is_vararg = VARARG_ISVARARG;
    c.block(block)?;
    let end_line = block.end_line;
    let mut main = c.close_function(end_line)?;
    main.last_line_defined = 0; // 5.1 reports 0 for main chunks
    Ok(Rc::new(main))
}

impl<'l> Compiler<'l> {
    pub(crate) fn fs_mut(&mut self) -> &mut FuncState {
        self.fs.last_mut().unwrap()
    }
    pub(crate) fn fs(&self) -> &FuncState {
        self.fs.last().unwrap()
    }

    /// `chunk:line: msg` as a compile error.
    pub(crate) fn error(&self, line: u32, msg: &str) -> CompileError {
        let mut s = crate::chunkid::chunkid(&self.chunkname);
        s.extend_from_slice(format!(":{}: {}", line, msg).as_bytes());
        CompileError(s)
    }

    fn open_function(&mut self, source: StrRef, line: u32) {
        let f = Proto {
            code: Vec::new(),
            lines: Vec::new(),
            constants: Vec::new(),
            protos: Vec::new(),
            upvals: Vec::new(),
            upval_names: Vec::new(),
            locvars: Vec::new(),
            num_params: 0,
            is_vararg: 0,
            max_stack: 2,
            source,
            line_defined: line,
            last_line_defined: 0,
        };
        self.fs.push(FuncState {
            f,
            consts: HashMap::new(),
            actvar: Vec::new(),
            pending: Vec::new(),
            freereg: 0,
            blocks: Vec::new(),
            upval_keys: Vec::new(),
            last_target: -1,
            jpc: NO_JUMP,
            line,
        });
    }

    fn close_function(&mut self, end_line: u32) -> CResult<Proto> {
        self.fs_mut().line = end_line;
        self.ret(0, 0);
        let nact = self.fs().actvar.len();
        self.remove_vars(0, nact);
        let mut fs = self.fs.pop().unwrap();
        fs.f.last_line_defined = end_line;
        Ok(fs.f)
    }

    /// Compiles a nested function body into a prototype of the enclosing function and
    /// returns the CLOSURE expression.
    pub(crate) fn function_body(&mut self, body: &FuncBody, is_method: bool) -> CResult<ExpDesc> {
        let _ = is_method;
        let source = self.fs().f.source;
        self.open_function(source, body.line);
        let nparams = body.params.len();
        for p in &body.params {
            self.new_localvar(p, body.line)?;
        }
        if body.is_vararg {
            // 5.1 compat: vararg functions get a local `arg` holding the extra arguments
            // unless the body uses `...` itself.
            self.new_localvar(b"arg", body.line)?;
            let mut flags = VARARG_HASARG | VARARG_ISVARARG;
            if !body.uses_dots {
                flags |= VARARG_NEEDSARG;
            }
            self.fs_mut().f.is_vararg = flags;
        }
        let nlocals = nparams + body.is_vararg as usize;
        self.adjust_localvars(nlocals);
        let fs = self.fs_mut();
        fs.f.num_params = nparams as u8;
        let n = fs.actvar.len();
        self.reserve_regs(n)?;
        self.block(&body.body)?;
        let f = self.close_function(body.end_line)?;
        let fs = self.fs_mut();
        let idx = fs.f.protos.len();
        if idx as u32 > MAXARG_BX {
            return Err(self.error(body.line, "function or expression too complex"));
        }
        fs.f.protos.push(Rc::new(f));
        fs.line = body.line;
        let pc = self.code_abx(Op::Closure, 0, idx as u32);
        Ok(ExpDesc::reloc(pc))
    }

    // ---- code emission -------------------------------------------------------------------

    pub(crate) fn pc(&self) -> usize {
        self.fs().f.code.len()
    }

    fn code(&mut self, i: Instr) -> usize {
        let jpc = std::mem::replace(&mut self.fs_mut().jpc, NO_JUMP);
        let here = self.pc();
        self.patch_list_aux(jpc, here, NO_REG, here);
        let fs = self.fs_mut();
        let line = fs.line;
        fs.f.code.push(i);
        fs.f.lines.push(line);
        fs.f.code.len() - 1
    }

    pub(crate) fn code_abc(&mut self, op: Op, a: usize, b: usize, c: usize) -> usize {
        self.code(Instr::abc(op, a as u32, b as u32, c as u32))
    }

    pub(crate) fn code_abx(&mut self, op: Op, a: usize, bx: u32) -> usize {
        self.code(Instr::abx(op, a as u32, bx))
    }

    pub(crate) fn code_asbx(&mut self, op: Op, a: usize, sbx: i32) -> usize {
        self.code(Instr::asbx(op, a as u32, sbx))
    }

    /// Sets the line of the last emitted instruction.
    pub(crate) fn fix_line(&mut self, line: u32) {
        let fs = self.fs_mut();
        if let Some(l) = fs.f.lines.last_mut() {
            *l = line;
        }
    }

    pub(crate) fn instr_mut(&mut self, pc: usize) -> &mut Instr {
        &mut self.fs_mut().f.code[pc]
    }

    // ---- registers -----------------------------------------------------------------------

    pub(crate) fn check_stack(&mut self, n: usize) -> CResult<()> {
        let newstack = self.fs().freereg + n;
        if newstack > self.fs().f.max_stack as usize {
            if newstack >= MAX_REGS {
                let line = self.fs().line;
                return Err(self.error(line, "function or expression too complex"));
            }
            self.fs_mut().f.max_stack = newstack as u8;
        }
        Ok(())
    }

    pub(crate) fn reserve_regs(&mut self, n: usize) -> CResult<()> {
        self.check_stack(n)?;
        self.fs_mut().freereg += n;
        Ok(())
    }

    pub(crate) fn free_reg(&mut self, reg: usize) {
        if !crate::opcode::is_k(reg) && reg >= self.fs().actvar.len() {
            self.fs_mut().freereg -= 1;
            debug_assert_eq!(reg, self.fs().freereg);
        }
    }

    // ---- constants -----------------------------------------------------------------------

    fn add_k(&mut self, key: ConstKey, v: Value) -> CResult<u32> {
        if let Some(&i) = self.fs().consts.get(&key) {
            return Ok(i);
        }
        let fs = self.fs_mut();
        let i = fs.f.constants.len() as u32;
        if i > MAXARG_BX {
            let line = fs.line;
            return Err(self.error(line, "constant table overflow"));
        }
        fs.f.constants.push(v);
        fs.consts.insert(key, i);
        Ok(i)
    }

    pub(crate) fn string_k(&mut self, s: &[u8]) -> CResult<u32> {
        let s = self.intern(s)?;
        self.add_k(ConstKey::Str(s.addr()), Value::Str(s))
    }

    pub(crate) fn number_k(&mut self, n: f64) -> CResult<u32> {
        // -0 shares the slot of 0, as 5.1's constant table (keyed by value) does.
        let key = if n == 0.0 {
            0f64.to_bits()
        } else {
            n.to_bits()
        };
        self.add_k(ConstKey::Num(key), Value::Num(n))
    }

    pub(crate) fn bool_k(&mut self, b: bool) -> CResult<u32> {
        self.add_k(ConstKey::Bool(b), Value::Bool(b))
    }

    pub(crate) fn nil_k(&mut self) -> CResult<u32> {
        self.add_k(ConstKey::Nil, Value::Nil)
    }

    pub(crate) fn intern(&mut self, s: &[u8]) -> CResult<StrRef> {
        self.l
            .new_str(s)
            .map_err(|_| CompileError(b"not enough memory".to_vec()))
    }

    // ---- variables -----------------------------------------------------------------------

    pub(crate) fn new_localvar(&mut self, name: &[u8], line: u32) -> CResult<()> {
        let n = self.fs().actvar.len() + self.pending_locals();
        if n + 1 > MAX_VARS {
            let fs = self.fs();
            let what = if fs.f.line_defined == 0 {
                "main function".to_string()
            } else {
                format!("function at line {}", fs.f.line_defined)
            };
            return Err(self.error(
                line,
                &format!("{} has more than {} local variables", what, MAX_VARS),
            ));
        }
        let name = self.intern(name)?;
        let fs = self.fs_mut();
        fs.f.locvars.push(LocVar {
            name,
            start_pc: 0,
            end_pc: 0,
        });
        fs.pending.push(fs.f.locvars.len() - 1);
        Ok(())
    }

    fn pending_locals(&self) -> usize {
        self.fs().pending.len()
    }

    /// Activates the `n` oldest declared-but-inactive locals.
    pub(crate) fn adjust_localvars(&mut self, n: usize) {
        let pc = self.pc() as u32;
        let fs = self.fs_mut();
        let newly: Vec<usize> = fs.pending.drain(..n).collect();
        for idx in newly {
            fs.f.locvars[idx].start_pc = pc;
            fs.actvar.push(idx);
        }
    }

    /// Deactivates locals down to `to_level` active ones.
    pub(crate) fn remove_vars(&mut self, to_level: usize, _cur: usize) {
        let pc = self.pc() as u32;
        let fs = self.fs_mut();
        while fs.actvar.len() > to_level {
            let idx = fs.actvar.pop().unwrap();
            fs.f.locvars[idx].end_pc = pc;
        }
    }

    pub(crate) fn nactvar(&self) -> usize {
        self.fs().actvar.len()
    }

    /// Resolves a name to a local, upvalue or global.
    pub(crate) fn single_var(&mut self, name: &[u8], line: u32) -> CResult<ExpDesc> {
        let level = self.fs.len() - 1;
        match self.resolve(level, name, true, line)? {
            Some(e) => Ok(e),
            None => {
                let k = self.string_k(name)?;
                Ok(ExpDesc::global(k))
            }
        }
    }

    fn find_local(&self, level: usize, name: &[u8]) -> Option<usize> {
        let fs = &self.fs[level];
        for (reg, &idx) in fs.actvar.iter().enumerate().rev() {
            if fs.f.locvars[idx].name.as_bytes() == name {
                return Some(reg);
            }
        }
        None
    }

    /// Marks the block holding local register `reg` as having a captured variable.
    fn mark_upval(&mut self, level: usize, reg: usize) {
        for bl in self.fs[level].blocks.iter_mut().rev() {
            if bl.nactvar <= reg {
                bl.upval = true;
                return;
            }
        }
    }

    fn resolve(
        &mut self,
        level: usize,
        name: &[u8],
        base: bool,
        line: u32,
    ) -> CResult<Option<ExpDesc>> {
        if let Some(reg) = self.find_local(level, name) {
            if !base {
                self.mark_upval(level, reg);
            }
            return Ok(Some(ExpDesc::local(reg)));
        }
        if level == 0 {
            return Ok(None);
        }
        let Some(outer) = self.resolve(level - 1, name, false, line)? else {
            return Ok(None);
        };
        let desc = match outer.kind {
            expr::Kind::Local(reg) => UpvalDesc {
                in_stack: true,
                index: reg as u8,
            },
            expr::Kind::Upval(idx) => UpvalDesc {
                in_stack: false,
                index: idx as u8,
            },
            _ => unreachable!(),
        };
        let idx = self.index_upvalue(level, name, desc, line)?;
        Ok(Some(ExpDesc::upval(idx)))
    }

    fn index_upvalue(
        &mut self,
        level: usize,
        name: &[u8],
        desc: UpvalDesc,
        line: u32,
    ) -> CResult<usize> {
        let fs = &self.fs[level];
        for (i, (n, d)) in fs.upval_keys.iter().enumerate() {
            if n.as_bytes() == name && *d == desc {
                return Ok(i);
            }
        }
        if fs.upval_keys.len() + 1 > MAX_UPVALUES {
            let what = if fs.f.line_defined == 0 {
                "main function".to_string()
            } else {
                format!("function at line {}", fs.f.line_defined)
            };
            return Err(self.error(
                line,
                &format!("{} has more than {} upvalues", what, MAX_UPVALUES),
            ));
        }
        let s = self.intern(name)?;
        let fs = &mut self.fs[level];
        fs.upval_keys.push((s, desc));
        fs.f.upvals.push(desc);
        fs.f.upval_names.push(s);
        Ok(fs.upval_keys.len() - 1)
    }

    // ---- blocks --------------------------------------------------------------------------

    pub(crate) fn enter_block(&mut self, breakable: bool) {
        let nactvar = self.nactvar();
        self.fs_mut().blocks.push(BlockCnt {
            breaklist: NO_JUMP,
            nactvar,
            upval: false,
            breakable,
        });
    }

    pub(crate) fn leave_block(&mut self) {
        let bl = self.fs_mut().blocks.pop().unwrap();
        let cur = self.nactvar();
        self.remove_vars(bl.nactvar, cur);
        if bl.upval {
            self.code_abc(Op::Close, bl.nactvar, 0, 0);
        }
        self.fs_mut().freereg = bl.nactvar;
        self.patch_to_here(bl.breaklist);
    }

    pub(crate) fn block_has_upval(&self) -> bool {
        self.fs().blocks.last().map(|b| b.upval).unwrap_or(false)
    }

    /// `break`: close captured locals of the blocks left, jump to the loop's exit.
    pub(crate) fn break_stat(&mut self, line: u32) -> CResult<()> {
        let mut upval = false;
        let mut found = None;
        for (i, bl) in self.fs().blocks.iter().enumerate().rev() {
            if bl.breakable {
                found = Some(i);
                break;
            }
            upval |= bl.upval;
        }
        let Some(i) = found else {
            return Err(self.error(line, "no loop to break"));
        };
        let nact = self.fs().blocks[i].nactvar;
        if upval {
            self.code_abc(Op::Close, nact, 0, 0);
        }
        let j = self.jump();
        let mut list = self.fs().blocks[i].breaklist;
        self.concat_jumps(&mut list, j);
        self.fs_mut().blocks[i].breaklist = list;
        Ok(())
    }

    // ---- jumps ---------------------------------------------------------------------------

    pub(crate) fn jump(&mut self) -> i32 {
        let jpc = std::mem::replace(&mut self.fs_mut().jpc, NO_JUMP);
        let mut j = self.code_asbx(Op::Jmp, 0, NO_JUMP) as i32;
        self.concat_jumps(&mut j, jpc);
        j
    }

    pub(crate) fn ret(&mut self, first: usize, nret: usize) {
        self.code_abc(Op::Return, first, nret + 1, 0);
    }

    /// Marks the current pc as a jump target and returns it.
    pub(crate) fn get_label(&mut self) -> usize {
        let pc = self.pc();
        self.fs_mut().last_target = pc as i32;
        pc
    }

    fn get_jump(&self, pc: usize) -> i32 {
        let off = self.fs().f.code[pc].sbx();
        if off == NO_JUMP {
            NO_JUMP
        } else {
            pc as i32 + 1 + off
        }
    }

    fn fix_jump(&mut self, pc: usize, dest: usize) {
        let off = dest as i32 - (pc as i32 + 1);
        debug_assert!(off.abs() <= MAXARG_SBX);
        self.instr_mut(pc).set_sbx(off);
    }

    /// The instruction controlling the jump at `pc` (a test before it, or the jump).
    fn jump_control(&self, pc: usize) -> usize {
        if pc >= 1 && is_test_op(self.fs().f.code[pc - 1].op()) {
            pc - 1
        } else {
            pc
        }
    }

    /// Does some jump in `list` need a value (is not a TESTSET that produces one)?
    pub(crate) fn need_value(&self, mut list: i32) -> bool {
        while list != NO_JUMP {
            let i = self.fs().f.code[self.jump_control(list as usize)];
            if i.op() != Op::TestSet {
                return true;
            }
            list = self.get_jump(list as usize);
        }
        false
    }

    fn patch_test_reg(&mut self, node: usize, reg: usize) -> bool {
        let ctl = self.jump_control(node);
        let i = self.fs().f.code[ctl];
        if i.op() != Op::TestSet {
            return false;
        }
        if reg != NO_REG && reg != i.b() {
            self.instr_mut(ctl).set_a(reg as u32);
        } else {
            *self.instr_mut(ctl) = Instr::abc(Op::Test, i.b() as u32, 0, i.c() as u32);
        }
        true
    }

    pub(crate) fn remove_values(&mut self, mut list: i32) {
        while list != NO_JUMP {
            self.patch_test_reg(list as usize, NO_REG);
            list = self.get_jump(list as usize);
        }
    }

    fn patch_list_aux(&mut self, mut list: i32, vtarget: usize, reg: usize, dtarget: usize) {
        while list != NO_JUMP {
            let next = self.get_jump(list as usize);
            if self.patch_test_reg(list as usize, reg) {
                self.fix_jump(list as usize, vtarget);
            } else {
                self.fix_jump(list as usize, dtarget);
            }
            list = next;
        }
    }

    pub(crate) fn patch_list(&mut self, list: i32, target: usize) {
        if target == self.pc() {
            self.patch_to_here(list);
        } else {
            self.patch_list_aux(list, target, NO_REG, target);
        }
    }

    pub(crate) fn patch_to_here(&mut self, list: i32) {
        self.get_label();
        let mut jpc = self.fs().jpc;
        self.concat_jumps(&mut jpc, list);
        self.fs_mut().jpc = jpc;
    }

    pub(crate) fn concat_jumps(&mut self, l1: &mut i32, l2: i32) {
        if l2 == NO_JUMP {
            return;
        }
        if *l1 == NO_JUMP {
            *l1 = l2;
            return;
        }
        let mut list = *l1 as usize;
        loop {
            let next = self.get_jump(list);
            if next == NO_JUMP {
                break;
            }
            list = next as usize;
        }
        self.fix_jump(list, l2 as usize);
    }

    /// Emits `LOADNIL from..from+n-1`, merged with a preceding LOADNIL or skipped at the
    /// start of a function (registers are already nil), as 5.1 does.
    pub(crate) fn load_nil(&mut self, from: usize, n: usize) {
        let pc = self.pc();
        if pc as i32 > self.fs().last_target {
            if pc == 0 {
                if from >= self.nactvar() {
                    return;
                }
            } else {
                let prev = self.fs().f.code[pc - 1];
                if prev.op() == Op::LoadNil {
                    let pfrom = prev.a();
                    let pto = prev.b();
                    if pfrom <= from && from <= pto + 1 {
                        if from + n - 1 > pto {
                            self.instr_mut(pc - 1).set_b((from + n - 1) as u32);
                        }
                        return;
                    }
                }
            }
        }
        self.code_abc(Op::LoadNil, from, from + n - 1, 0);
    }
}

fn is_test_op(op: Op) -> bool {
    matches!(op, Op::Eq | Op::Lt | Op::Le | Op::Test | Op::TestSet)
}

impl FuncState {
    #[allow(dead_code)]
    fn nactvar(&self) -> usize {
        self.actvar.len()
    }
}
