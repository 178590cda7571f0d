//! Expressions: expression descriptors, discharging them into registers, jump lists for
//! conditions, operators with 5.1's constant folding, calls and table constructors.

use super::{CResult, Compiler, NO_JUMP, NO_REG};
use crate::ast::{BinOp, Expr, TableItem, UnOp};
use crate::opcode::{int2fb, Op, BITRK, FIELDS_PER_FLUSH, MAXARG_C, MAXINDEXRK};

/// Where an expression's value is (or will be).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    /// No value (empty expression list).
    Void,
    Nil,
    True,
    False,
    /// Constant `K(idx)`.
    K(u32),
    /// Numeric literal not yet in the constant table.
    Num(f64),
    /// Local variable in register.
    Local(usize),
    /// Upvalue index.
    Upval(usize),
    /// Global named by constant.
    Global(u32),
    /// `R(table)[RK(key)]`.
    Indexed(usize, usize),
    /// A comparison: the jump instruction at pc.
    Jmp(usize),
    /// Result of the instruction at pc, destination register still open.
    Reloc(usize),
    /// Value in a fixed register.
    NonReloc(usize),
    /// Function call at pc.
    Call(usize),
    /// `...` at pc.
    Vararg(usize),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpDesc {
    pub(crate) kind: Kind,
    /// Jumps taken when the expression is true.
    pub(crate) t: i32,
    /// Jumps taken when the expression is false.
    pub(crate) f: i32,
}

impl ExpDesc {
    pub(crate) fn new(kind: Kind) -> ExpDesc {
        ExpDesc {
            kind,
            t: NO_JUMP,
            f: NO_JUMP,
        }
    }
    pub(crate) fn local(reg: usize) -> ExpDesc {
        ExpDesc::new(Kind::Local(reg))
    }
    pub(crate) fn upval(i: usize) -> ExpDesc {
        ExpDesc::new(Kind::Upval(i))
    }
    pub(crate) fn global(k: u32) -> ExpDesc {
        ExpDesc::new(Kind::Global(k))
    }
    pub(crate) fn reloc(pc: usize) -> ExpDesc {
        ExpDesc::new(Kind::Reloc(pc))
    }
    fn has_jumps(&self) -> bool {
        self.t != self.f
    }
    /// A numeral usable for constant folding.
    fn numeral(&self) -> Option<f64> {
        match self.kind {
            Kind::Num(n) if self.t == NO_JUMP && self.f == NO_JUMP => Some(n),
            _ => None,
        }
    }
    pub(crate) fn is_multi(&self) -> bool {
        matches!(self.kind, Kind::Call(_) | Kind::Vararg(_))
    }
}

impl<'l> Compiler<'l> {
    // ---- discharging -----------------------------------------------------------------------

    pub(crate) fn set_returns(&mut self, e: &mut ExpDesc, nresults: i32) -> CResult<()> {
        match e.kind {
            Kind::Call(pc) => {
                self.instr_mut(pc).set_c((nresults + 1) as u32);
            }
            Kind::Vararg(pc) => {
                self.instr_mut(pc).set_b((nresults + 1) as u32);
                let r = self.fs().freereg as u32;
                self.instr_mut(pc).set_a(r);
                self.reserve_regs(1)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn set_oneret(&mut self, e: &mut ExpDesc) {
        match e.kind {
            Kind::Call(pc) => {
                e.kind = Kind::NonReloc(self.fs().f.code[pc].a());
            }
            Kind::Vararg(pc) => {
                self.instr_mut(pc).set_b(2);
                e.kind = Kind::Reloc(pc);
            }
            _ => {}
        }
    }

    pub(crate) fn discharge_vars(&mut self, e: &mut ExpDesc) {
        match e.kind {
            Kind::Local(r) => e.kind = Kind::NonReloc(r),
            Kind::Upval(i) => e.kind = Kind::Reloc(self.code_abc(Op::GetUpval, 0, i, 0)),
            Kind::Global(k) => e.kind = Kind::Reloc(self.code_abx(Op::GetGlobal, 0, k)),
            Kind::Indexed(t, key) => {
                self.free_reg(key);
                self.free_reg(t);
                e.kind = Kind::Reloc(self.code_abc(Op::GetTable, 0, t, key));
            }
            Kind::Call(_) | Kind::Vararg(_) => self.set_oneret(e),
            _ => {}
        }
    }

    fn discharge2reg(&mut self, e: &mut ExpDesc, reg: usize) -> CResult<()> {
        self.discharge_vars(e);
        match e.kind {
            Kind::Nil => self.load_nil(reg, 1),
            Kind::False | Kind::True => {
                self.code_abc(Op::LoadBool, reg, (e.kind == Kind::True) as usize, 0);
            }
            Kind::K(k) => {
                self.code_abx(Op::LoadK, reg, k);
            }
            Kind::Num(n) => {
                let k = self.number_k(n)?;
                self.code_abx(Op::LoadK, reg, k);
            }
            Kind::Reloc(pc) => self.instr_mut(pc).set_a(reg as u32),
            Kind::NonReloc(r) => {
                if r != reg {
                    self.code_abc(Op::Move, reg, r, 0);
                }
            }
            _ => return Ok(()), // Void or Jmp: nothing to do
        }
        e.kind = Kind::NonReloc(reg);
        Ok(())
    }

    fn discharge2anyreg(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if !matches!(e.kind, Kind::NonReloc(_)) {
            self.reserve_regs(1)?;
            let r = self.fs().freereg - 1;
            self.discharge2reg(e, r)?;
        }
        Ok(())
    }

    fn code_label(&mut self, a: usize, b: usize, jump: usize) -> usize {
        self.get_label();
        self.code_abc(Op::LoadBool, a, b, jump)
    }

    fn exp2reg(&mut self, e: &mut ExpDesc, reg: usize) -> CResult<()> {
        self.discharge2reg(e, reg)?;
        if let Kind::Jmp(pc) = e.kind {
            let mut t = e.t;
            self.concat_jumps(&mut t, pc as i32);
            e.t = t;
        }
        if e.has_jumps() {
            let mut p_f = NO_JUMP;
            let mut p_t = NO_JUMP;
            if self.need_value(e.t) || self.need_value(e.f) {
                let fj = if matches!(e.kind, Kind::Jmp(_)) {
                    NO_JUMP
                } else {
                    self.jump()
                };
                p_f = self.code_label(reg, 0, 1) as i32;
                p_t = self.code_label(reg, 1, 0) as i32;
                self.patch_to_here(fj);
            }
            let end = self.get_label();
            self.patch_list_aux_pub(e.f, end, reg, p_f as usize);
            self.patch_list_aux_pub(e.t, end, reg, p_t as usize);
        }
        e.t = NO_JUMP;
        e.f = NO_JUMP;
        e.kind = Kind::NonReloc(reg);
        Ok(())
    }

    pub(crate) fn exp2nextreg(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        self.free_exp(e);
        self.reserve_regs(1)?;
        let r = self.fs().freereg - 1;
        self.exp2reg(e, r)
    }

    pub(crate) fn exp2anyreg(&mut self, e: &mut ExpDesc) -> CResult<usize> {
        self.discharge_vars(e);
        if let Kind::NonReloc(r) = e.kind {
            if !e.has_jumps() {
                return Ok(r);
            }
            if r >= self.nactvar() {
                self.exp2reg(e, r)?;
                return Ok(r);
            }
        }
        self.exp2nextreg(e)?;
        match e.kind {
            Kind::NonReloc(r) => Ok(r),
            _ => unreachable!(),
        }
    }

    pub(crate) fn exp2val(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if e.has_jumps() {
            self.exp2anyreg(e)?;
        } else {
            self.discharge_vars(e);
        }
        Ok(())
    }

    /// Puts the value in a register or, when possible, a constant; returns the RK operand.
    pub(crate) fn exp2rk(&mut self, e: &mut ExpDesc) -> CResult<usize> {
        self.exp2val(e)?;
        let k = match e.kind {
            Kind::True => Some(self.bool_k(true)?),
            Kind::False => Some(self.bool_k(false)?),
            Kind::Nil => Some(self.nil_k()?),
            Kind::Num(n) => Some(self.number_k(n)?),
            Kind::K(k) => Some(k),
            _ => None,
        };
        if let Some(k) = k {
            if self.fs().f.constants.len() <= MAXINDEXRK as usize + 1 && k <= MAXINDEXRK {
                e.kind = Kind::K(k);
                return Ok(k as usize | BITRK as usize);
            }
        }
        self.exp2anyreg(e)
    }

    pub(crate) fn free_exp(&mut self, e: &ExpDesc) {
        if let Kind::NonReloc(r) = e.kind {
            self.free_reg(r);
        }
    }

    fn patch_list_aux_pub(&mut self, list: i32, vtarget: usize, reg: usize, dtarget: usize) {
        // Same as the private helper in mod.rs, spelled out for the two value loads.
        let mut list = list;
        while list != NO_JUMP {
            let next = {
                let off = self.fs().f.code[list as usize].sbx();
                if off == NO_JUMP {
                    NO_JUMP
                } else {
                    list + 1 + off
                }
            };
            let ctl = if list >= 1
                && matches!(
                    self.fs().f.code[list as usize - 1].op(),
                    Op::Eq | Op::Lt | Op::Le | Op::Test | Op::TestSet
                ) {
                list as usize - 1
            } else {
                list as usize
            };
            let i = self.fs().f.code[ctl];
            let target = if i.op() == Op::TestSet {
                if reg != NO_REG && reg != i.b() {
                    self.instr_mut(ctl).set_a(reg as u32);
                } else {
                    *self.instr_mut(ctl) =
                        crate::opcode::Instr::abc(Op::Test, i.b() as u32, 0, i.c() as u32);
                }
                vtarget
            } else {
                dtarget
            };
            let off = target as i32 - (list + 1);
            self.instr_mut(list as usize).set_sbx(off);
            list = next;
        }
    }

    // ---- stores ----------------------------------------------------------------------------

    pub(crate) fn store_var(&mut self, var: &ExpDesc, ex: &mut ExpDesc) -> CResult<()> {
        match var.kind {
            Kind::Local(r) => {
                self.free_exp(ex);
                self.exp2reg(ex, r)?;
                return Ok(());
            }
            Kind::Upval(i) => {
                let e = self.exp2anyreg(ex)?;
                self.code_abc(Op::SetUpval, e, i, 0);
            }
            Kind::Global(k) => {
                let e = self.exp2anyreg(ex)?;
                self.code_abx(Op::SetGlobal, e, k);
            }
            Kind::Indexed(t, key) => {
                let e = self.exp2rk(ex)?;
                self.code_abc(Op::SetTable, t, key, e);
            }
            _ => unreachable!("invalid assignment target"),
        }
        self.free_exp(ex);
        Ok(())
    }

    /// `e:key` → R(A) = method, R(A+1) = object.
    fn self_op(&mut self, e: &mut ExpDesc, key: &mut ExpDesc) -> CResult<()> {
        self.exp2anyreg(e)?;
        self.free_exp(e);
        let func = self.fs().freereg;
        self.reserve_regs(2)?;
        let obj = match e.kind {
            Kind::NonReloc(r) => r,
            _ => unreachable!(),
        };
        let k = self.exp2rk(key)?;
        self.code_abc(Op::SelfOp, func, obj, k);
        self.free_exp(key);
        e.kind = Kind::NonReloc(func);
        Ok(())
    }

    pub(crate) fn indexed(&mut self, t: &mut ExpDesc, k: &mut ExpDesc) -> CResult<()> {
        let tr = match t.kind {
            Kind::NonReloc(r) | Kind::Local(r) => r,
            _ => unreachable!(),
        };
        let kr = self.exp2rk(k)?;
        t.kind = Kind::Indexed(tr, kr);
        Ok(())
    }

    // ---- conditions --------------------------------------------------------------------------

    fn invert_jump(&mut self, e: &ExpDesc) {
        if let Kind::Jmp(pc) = e.kind {
            let ctl = pc - 1;
            let i = self.fs().f.code[ctl];
            let a = i.a();
            self.instr_mut(ctl).set_a((a == 0) as u32);
        }
    }

    fn jump_on_cond(&mut self, e: &mut ExpDesc, cond: bool) -> CResult<i32> {
        if let Kind::Reloc(pc) = e.kind {
            let ie = self.fs().f.code[pc];
            if ie.op() == Op::Not {
                // Remove the NOT and test its operand with the opposite condition.
                self.fs_mut().f.code.pop();
                self.fs_mut().f.lines.pop();
                self.code_abc(Op::Test, ie.b(), 0, (!cond) as usize);
                return Ok(self.jump());
            }
        }
        self.discharge2anyreg(e)?;
        self.free_exp(e);
        let r = match e.kind {
            Kind::NonReloc(r) => r,
            _ => unreachable!(),
        };
        self.code_abc(Op::TestSet, NO_REG, r, cond as usize);
        Ok(self.jump())
    }

    pub(crate) fn go_if_true(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        let pc = match e.kind {
            Kind::K(_) | Kind::Num(_) | Kind::True => NO_JUMP,
            Kind::Jmp(pc) => {
                self.invert_jump(e);
                pc as i32
            }
            _ => self.jump_on_cond(e, false)?,
        };
        let mut f = e.f;
        self.concat_jumps(&mut f, pc);
        e.f = f;
        self.patch_to_here(e.t);
        e.t = NO_JUMP;
        Ok(())
    }

    pub(crate) fn go_if_false(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        let pc = match e.kind {
            // (No shortcut for `true`: 5.1.5 fixed a bug by testing it like any value.)
            Kind::Nil | Kind::False => NO_JUMP,
            Kind::Jmp(pc) => pc as i32,
            _ => self.jump_on_cond(e, true)?,
        };
        let mut t = e.t;
        self.concat_jumps(&mut t, pc);
        e.t = t;
        self.patch_to_here(e.f);
        e.f = NO_JUMP;
        Ok(())
    }

    fn code_not(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        match e.kind {
            Kind::Nil | Kind::False => e.kind = Kind::True,
            Kind::K(_) | Kind::Num(_) | Kind::True => e.kind = Kind::False,
            Kind::Jmp(_) => self.invert_jump(e),
            Kind::Reloc(_) | Kind::NonReloc(_) => {
                self.discharge2anyreg(e)?;
                self.free_exp(e);
                let r = match e.kind {
                    Kind::NonReloc(r) => r,
                    _ => unreachable!(),
                };
                e.kind = Kind::Reloc(self.code_abc(Op::Not, 0, r, 0));
            }
            _ => unreachable!("cannot happen"),
        }
        std::mem::swap(&mut e.f, &mut e.t);
        self.remove_values(e.f);
        self.remove_values(e.t);
        Ok(())
    }

    // ---- operators ----------------------------------------------------------------------------

    fn fold(op: Op, v1: f64, v2: f64) -> Option<f64> {
        let r = match op {
            Op::Add => v1 + v2,
            Op::Sub => v1 - v2,
            Op::Mul => v1 * v2,
            Op::Div => {
                if v2 == 0.0 {
                    return None;
                }
                v1 / v2
            }
            Op::Mod => {
                if v2 == 0.0 {
                    return None;
                }
                v1 - (v1 / v2).floor() * v2
            }
            Op::Pow => v1.powf(v2),
            Op::Unm => -v1,
            _ => return None,
        };
        if r.is_nan() {
            None
        } else {
            Some(r)
        }
    }

    fn code_arith(&mut self, op: Op, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        if let (Some(v1), Some(v2)) = (e1.numeral(), e2.numeral()) {
            if let Some(r) = Self::fold(op, v1, v2) {
                e1.kind = Kind::Num(r);
                return Ok(());
            }
        }
        let o2 = if op != Op::Unm && op != Op::Len {
            self.exp2rk(e2)?
        } else {
            0
        };
        let o1 = self.exp2rk(e1)?;
        if o1 > o2 {
            self.free_exp(e1);
            self.free_exp(e2);
        } else {
            self.free_exp(e2);
            self.free_exp(e1);
        }
        let pc = self.code_abc(op, 0, o1, o2);
        self.fix_line(line);
        e1.kind = Kind::Reloc(pc);
        Ok(())
    }

    fn code_comp(
        &mut self,
        op: Op,
        cond: bool,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> CResult<()> {
        let mut o1 = self.exp2rk(e1)?;
        let mut o2 = self.exp2rk(e2)?;
        self.free_exp(e2);
        self.free_exp(e1);
        let mut cond = cond;
        if !cond && op != Op::Eq {
            // a > b  ==>  b < a;  a >= b  ==>  b <= a
            std::mem::swap(&mut o1, &mut o2);
            cond = true;
        }
        self.code_abc(op, cond as usize, o1, o2);
        self.fix_line(line);
        let j = self.jump();
        e1.kind = Kind::Jmp(j as usize);
        Ok(())
    }

    fn prefix(&mut self, op: UnOp, e: &mut ExpDesc, line: u32) -> CResult<()> {
        let mut e2 = ExpDesc::new(Kind::Num(0.0));
        match op {
            UnOp::Neg => {
                if e.numeral().is_none() {
                    self.exp2anyreg(e)?;
                }
                self.code_arith(Op::Unm, e, &mut e2, line)
            }
            UnOp::Not => self.code_not(e),
            UnOp::Len => {
                self.exp2anyreg(e)?;
                self.code_arith(Op::Len, e, &mut e2, line)
            }
        }
    }

    fn infix(&mut self, op: BinOp, v: &mut ExpDesc) -> CResult<()> {
        match op {
            BinOp::And => self.go_if_true(v),
            BinOp::Or => self.go_if_false(v),
            BinOp::Concat => self.exp2nextreg(v),
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow => {
                if v.numeral().is_none() {
                    self.exp2rk(v)?;
                }
                Ok(())
            }
            _ => {
                self.exp2rk(v)?;
                Ok(())
            }
        }
    }

    fn posfix(&mut self, op: BinOp, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        match op {
            BinOp::And => {
                self.discharge_vars(e2);
                let mut f = e2.f;
                self.concat_jumps(&mut f, e1.f);
                e2.f = f;
                *e1 = *e2;
            }
            BinOp::Or => {
                self.discharge_vars(e2);
                let mut t = e2.t;
                self.concat_jumps(&mut t, e1.t);
                e2.t = t;
                *e1 = *e2;
            }
            BinOp::Concat => {
                self.exp2val(e2)?;
                if let Kind::Reloc(pc) = e2.kind {
                    let i = self.fs().f.code[pc];
                    if i.op() == Op::Concat {
                        let r1 = match e1.kind {
                            Kind::NonReloc(r) => r,
                            _ => unreachable!(),
                        };
                        debug_assert_eq!(r1 + 1, i.b());
                        self.free_exp(e1);
                        self.instr_mut(pc).set_b(r1 as u32);
                        e1.kind = Kind::Reloc(pc);
                        return Ok(());
                    }
                }
                self.exp2nextreg(e2)?;
                self.code_arith(Op::Concat, e1, e2, line)?;
            }
            BinOp::Add => self.code_arith(Op::Add, e1, e2, line)?,
            BinOp::Sub => self.code_arith(Op::Sub, e1, e2, line)?,
            BinOp::Mul => self.code_arith(Op::Mul, e1, e2, line)?,
            BinOp::Div => self.code_arith(Op::Div, e1, e2, line)?,
            BinOp::Mod => self.code_arith(Op::Mod, e1, e2, line)?,
            BinOp::Pow => self.code_arith(Op::Pow, e1, e2, line)?,
            BinOp::Eq => self.code_comp(Op::Eq, true, e1, e2, line)?,
            BinOp::Ne => self.code_comp(Op::Eq, false, e1, e2, line)?,
            BinOp::Lt => self.code_comp(Op::Lt, true, e1, e2, line)?,
            BinOp::Le => self.code_comp(Op::Le, true, e1, e2, line)?,
            BinOp::Gt => self.code_comp(Op::Lt, false, e1, e2, line)?,
            BinOp::Ge => self.code_comp(Op::Le, false, e1, e2, line)?,
        }
        Ok(())
    }

    // ---- expressions from the AST -----------------------------------------------------------

    pub(crate) fn expr(&mut self, e: &Expr) -> CResult<ExpDesc> {
        Ok(match e {
            Expr::Nil => ExpDesc::new(Kind::Nil),
            Expr::True => ExpDesc::new(Kind::True),
            Expr::False => ExpDesc::new(Kind::False),
            Expr::Number(n) => ExpDesc::new(Kind::Num(*n)),
            Expr::Str(s) => ExpDesc::new(Kind::K(self.string_k(s)?)),
            Expr::Vararg { line } => {
                self.fs_mut().line = *line;
                let pc = self.code_abc(Op::VarArg, 0, 1, 0);
                ExpDesc::new(Kind::Vararg(pc))
            }
            Expr::Function(body) => self.function_body(body, false)?,
            Expr::Name { name, line } => {
                self.fs_mut().line = *line;
                self.single_var(name, *line)?
            }
            Expr::Index { obj, key, line } => {
                let mut t = self.expr(obj)?;
                self.fs_mut().line = *line;
                self.exp2anyreg(&mut t)?;
                let mut k = self.expr(key)?;
                self.fs_mut().line = *line;
                self.indexed(&mut t, &mut k)?;
                t
            }
            Expr::Call { func, args, line } => {
                let mut f = self.expr(func)?;
                self.exp2nextreg(&mut f)?;
                self.func_args(f, args, *line)?
            }
            Expr::Method {
                obj,
                name,
                args,
                line,
            } => {
                let mut o = self.expr(obj)?;
                self.fs_mut().line = *line;
                let mut key = ExpDesc::new(Kind::K(self.string_k(name)?));
                self.self_op(&mut o, &mut key)?;
                self.func_args(o, args, *line)?
            }
            Expr::Paren(inner) => {
                let mut v = self.expr(inner)?;
                self.discharge_vars(&mut v);
                v
            }
            Expr::Binary { op, lhs, rhs, line } => {
                let mut v1 = self.expr(lhs)?;
                self.fs_mut().line = *line;
                self.infix(*op, &mut v1)?;
                let mut v2 = self.expr(rhs)?;
                self.fs_mut().line = *line;
                self.posfix(*op, &mut v1, &mut v2, *line)?;
                v1
            }
            Expr::Unary { op, operand, line } => {
                let mut v = self.expr(operand)?;
                self.fs_mut().line = *line;
                self.prefix(*op, &mut v, *line)?;
                v
            }
            Expr::Table {
                array,
                hash,
                items,
                line,
            } => self.constructor(array, hash, items, *line)?,
        })
    }

    /// Arguments and the CALL instruction; `f` is already in its register.
    fn func_args(&mut self, f: ExpDesc, args: &[Expr], line: u32) -> CResult<ExpDesc> {
        let base = match f.kind {
            Kind::NonReloc(r) => r,
            _ => unreachable!(),
        };
        let nparams: i32 = if args.is_empty() {
            (self.fs().freereg - (base + 1)) as i32
        } else {
            let mut last = self.explist(args)?;
            if last.is_multi() {
                self.set_returns(&mut last, -1)?;
                -1
            } else {
                if last.kind != Kind::Void {
                    self.exp2nextreg(&mut last)?;
                }
                (self.fs().freereg - (base + 1)) as i32
            }
        };
        self.fs_mut().line = line;
        let pc = self.code_abc(Op::Call, base, (nparams + 1) as usize, 2);
        self.fix_line(line);
        self.fs_mut().freereg = base + 1;
        Ok(ExpDesc::new(Kind::Call(pc)))
    }

    /// Compiles `exprs`, all but the last into consecutive registers; returns the last
    /// expression still undischarged (so calls can be given a result count).
    pub(crate) fn explist(&mut self, exprs: &[Expr]) -> CResult<ExpDesc> {
        let mut e = ExpDesc::new(Kind::Void);
        for (i, x) in exprs.iter().enumerate() {
            if i > 0 {
                self.exp2nextreg(&mut e)?;
            }
            e = self.expr(x)?;
        }
        Ok(e)
    }

    /// Evaluates one expression into the next register.
    pub(crate) fn exp1(&mut self, e: &Expr) -> CResult<()> {
        let mut v = self.expr(e)?;
        self.exp2nextreg(&mut v)
    }

    fn constructor(
        &mut self,
        array: &[Expr],
        hash: &[(Expr, Expr)],
        items: &[TableItem],
        line: u32,
    ) -> CResult<ExpDesc> {
        self.fs_mut().line = line;
        let pc = self.code_abc(Op::NewTable, 0, 0, 0);
        let mut t = ExpDesc::new(Kind::Reloc(pc));
        self.exp2nextreg(&mut t)?;
        let treg = match t.kind {
            Kind::NonReloc(r) => r,
            _ => unreachable!(),
        };
        let mut na = 0usize; // positional items seen
        let mut nh = 0usize;
        let mut tostore = 0usize; // positional items pending in registers
        let mut pending: Option<ExpDesc> = None; // last positional item, not yet discharged
        for item in items {
            // Close the previous positional item (put it in a register, flush if needed).
            if let Some(mut v) = pending.take() {
                self.exp2nextreg(&mut v)?;
                if tostore == FIELDS_PER_FLUSH as usize {
                    self.set_list(treg, na, tostore)?;
                    tostore = 0;
                }
            }
            match *item {
                TableItem::Keyed(i) => {
                    nh += 1;
                    let (k, v) = &hash[i];
                    let reg = self.fs().freereg;
                    let mut ke = self.expr(k)?;
                    let rkkey = self.exp2rk(&mut ke)?;
                    let mut ve = self.expr(v)?;
                    let rkval = self.exp2rk(&mut ve)?;
                    self.fs_mut().line = line;
                    self.code_abc(Op::SetTable, treg, rkkey, rkval);
                    self.fs_mut().freereg = reg;
                }
                TableItem::Positional(i) => {
                    let v = self.expr(&array[i])?;
                    na += 1;
                    tostore += 1;
                    pending = Some(v);
                }
            }
        }
        // The last list item.
        if let Some(mut v) = pending.take() {
            if v.is_multi() {
                self.set_returns(&mut v, -1)?;
                self.set_list(treg, na, usize::MAX)?;
                na -= 1;
            } else {
                self.exp2nextreg(&mut v)?;
                self.set_list(treg, na, tostore)?;
            }
        } else if tostore > 0 {
            self.set_list(treg, na, tostore)?;
        }
        let ins = self.instr_mut(pc);
        ins.set_b(int2fb(na as u32));
        ins.set_c(int2fb(nh as u32));
        Ok(t)
    }

    /// SETLIST for `tostore` items ending at item `na` (`usize::MAX`: up to top).
    fn set_list(&mut self, base: usize, na: usize, tostore: usize) -> CResult<()> {
        if tostore == 0 {
            return Ok(());
        }
        let c = (na - 1) / FIELDS_PER_FLUSH as usize + 1;
        let b = if tostore == usize::MAX { 0 } else { tostore };
        if c <= MAXARG_C as usize {
            self.code_abc(Op::SetList, base, b, c);
        } else {
            self.code_abc(Op::SetList, base, b, 0);
            let fs = self.fs_mut();
            let line = fs.line;
            fs.f.code.push(crate::opcode::Instr(c as u32));
            fs.f.lines.push(line);
        }
        self.fs_mut().freereg = base + 1;
        Ok(())
    }
}
