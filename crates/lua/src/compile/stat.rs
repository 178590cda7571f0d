//! Statements: blocks, assignments, control structures, loops, function definitions,
//! `return` (with proper tail calls) and `break`.

use super::expr::Kind;
use super::{CResult, Compiler, ExpDesc, NO_JUMP};
use crate::ast::{Block, Expr, FuncBody, LastStat, Stat};
use crate::opcode::Op;

impl<'l> Compiler<'l> {
    /// `block -> {stat [';']} [laststat [';']]`
    pub(crate) fn block(&mut self, b: &Block) -> CResult<()> {
        for s in &b.stats {
            self.stat(s)?;
            // Temporaries never outlive a statement.
            let n = self.nactvar();
            self.fs_mut().freereg = n;
        }
        if let Some(last) = &b.last {
            match last {
                LastStat::Return { exprs, line } => self.return_stat(exprs, *line)?,
                LastStat::Break { line } => {
                    self.fs_mut().line = *line;
                    self.break_stat(*line)?
                }
            }
            let n = self.nactvar();
            self.fs_mut().freereg = n;
        }
        Ok(())
    }

    /// A block in its own scope.
    fn scoped_block(&mut self, b: &Block, breakable: bool) -> CResult<()> {
        self.enter_block(breakable);
        self.block(b)?;
        self.leave_block();
        Ok(())
    }

    fn stat(&mut self, s: &Stat) -> CResult<()> {
        match s {
            Stat::Assign {
                targets,
                exprs,
                line,
            } => self.assign(targets, exprs, *line),
            Stat::Call { call, line } => {
                self.fs_mut().line = *line;
                let e = self.expr(call)?;
                match e.kind {
                    Kind::Call(pc) => self.instr_mut(pc).set_c(1),
                    _ => unreachable!("call statement"),
                }
                Ok(())
            }
            Stat::Do { body } => self.scoped_block(body, false),
            Stat::While { cond, body, line } => self.while_stat(cond, body, *line),
            Stat::Repeat { body, cond, line } => self.repeat_stat(body, cond, *line),
            Stat::If {
                conds,
                else_block,
                line,
            } => self.if_stat(conds, else_block.as_ref(), *line),
            Stat::NumFor {
                var,
                start,
                limit,
                step,
                body,
                line,
            } => self.num_for(var, start, limit, step.as_ref(), body, *line),
            Stat::GenFor {
                vars,
                exprs,
                body,
                line,
            } => self.gen_for(vars, exprs, body, *line),
            Stat::Function {
                path,
                method,
                func,
                line,
            } => self.function_stat(path, method.as_deref(), func, *line),
            Stat::LocalFunction { name, func, line } => {
                self.fs_mut().line = *line;
                self.new_localvar(name, *line)?;
                let reg = self.fs().freereg;
                self.reserve_regs(1)?;
                self.adjust_localvars(1);
                let mut b = self.function_body(func, false)?;
                self.exp2reg_pub(&mut b, reg)?;
                // The local's debug info starts after the closure is built.
                let pc = self.pc() as u32;
                let fs = self.fs_mut();
                let idx = *fs_actvar_last(fs);
                fs.f.locvars[idx].start_pc = pc;
                Ok(())
            }
            Stat::Local { names, exprs, line } => {
                self.fs_mut().line = *line;
                for n in names {
                    self.new_localvar(n, *line)?;
                }
                let nvars = names.len();
                let (nexps, mut e) = if exprs.is_empty() {
                    (0, ExpDesc::new(Kind::Void))
                } else {
                    (exprs.len(), self.explist(exprs)?)
                };
                self.fs_mut().line = *line;
                self.adjust_assign(nvars, nexps, &mut e)?;
                self.adjust_localvars(nvars);
                Ok(())
            }
        }
    }

    pub(crate) fn exp2reg_pub(&mut self, e: &mut ExpDesc, reg: usize) -> CResult<()> {
        // Store into a fixed register (the local being defined).
        let var = ExpDesc::local(reg);
        self.store_var(&var, e)
    }

    /// Adjusts `nexps` values (the last one is `e`, undischarged) to `nvars` registers.
    fn adjust_assign(&mut self, nvars: usize, nexps: usize, e: &mut ExpDesc) -> CResult<()> {
        let extra = nvars as i64 - nexps as i64;
        if e.is_multi() {
            let mut ex = extra + 1;
            if ex < 0 {
                ex = 0;
            }
            self.set_returns(e, ex as i32)?;
            if ex > 1 {
                self.reserve_regs(ex as usize - 1)?;
            }
        } else {
            if e.kind != Kind::Void {
                self.exp2nextreg(e)?;
            }
            if extra > 0 {
                let reg = self.fs().freereg;
                self.reserve_regs(extra as usize)?;
                self.load_nil(reg, extra as usize);
            }
        }
        Ok(())
    }

    /// `varlist '=' explist`
    fn assign(&mut self, targets: &[Expr], exprs: &[Expr], line: u32) -> CResult<()> {
        self.fs_mut().line = line;
        // Evaluate the targets' table and key parts left to right.
        let mut vars: Vec<ExpDesc> = Vec::with_capacity(targets.len());
        for t in targets {
            let v = self.expr(t)?;
            if let Kind::Local(_) = v.kind {
                self.check_conflict(&mut vars, &v)?;
            }
            vars.push(v);
        }
        self.fs_mut().line = line;
        let nvars = vars.len();
        let mut e = self.explist(exprs)?;
        self.fs_mut().line = line;
        let nexps = exprs.len();
        if nexps != nvars {
            self.adjust_assign(nvars, nexps, &mut e)?;
            if nexps > nvars {
                // Drop the extra values.
                let fr = self.fs().freereg - (nexps - nvars);
                self.fs_mut().freereg = fr;
            }
        } else {
            self.set_oneret(&mut e);
            let last = vars.pop().unwrap();
            self.store_var(&last, &mut e)?;
        }
        // Remaining targets take the values from the registers, right to left.
        while let Some(v) = vars.pop() {
            let reg = self.fs().freereg - 1;
            let mut src = ExpDesc::new(Kind::NonReloc(reg));
            self.store_var(&v, &mut src)?;
        }
        Ok(())
    }

    /// A local assigned in a multiple assignment that an earlier target uses as table or
    /// key is copied first, so the earlier target sees the old value.
    fn check_conflict(&mut self, vars: &mut [ExpDesc], v: &ExpDesc) -> CResult<()> {
        let Kind::Local(local) = v.kind else {
            return Ok(());
        };
        let extra = self.fs().freereg;
        let mut conflict = false;
        for lh in vars.iter_mut() {
            if let Kind::Indexed(t, k) = lh.kind {
                let mut nt = t;
                let mut nk = k;
                if t == local {
                    conflict = true;
                    nt = extra;
                }
                if k == local {
                    conflict = true;
                    nk = extra;
                }
                lh.kind = Kind::Indexed(nt, nk);
            }
        }
        if conflict {
            self.code_abc(Op::Move, extra, local, 0);
            self.reserve_regs(1)?;
        }
        Ok(())
    }

    /// `whilestat -> WHILE cond DO block END`
    fn while_stat(&mut self, cond: &Expr, body: &Block, line: u32) -> CResult<()> {
        self.fs_mut().line = line;
        let init = self.get_label();
        let exit = self.cond(cond)?;
        self.enter_block(true);
        self.scoped_block(body, false)?;
        let j = self.jump();
        self.patch_list(j, init);
        self.leave_block();
        self.patch_to_here(exit);
        Ok(())
    }

    /// Compiles a condition; returns the jump list taken when it is false.
    fn cond(&mut self, e: &Expr) -> CResult<i32> {
        let mut v = self.expr(e)?;
        if v.kind == Kind::Nil {
            v.kind = Kind::False;
        }
        self.go_if_true(&mut v)?;
        Ok(v.f)
    }

    /// `repeatstat -> REPEAT block UNTIL cond`
    fn repeat_stat(&mut self, body: &Block, cond: &Expr, line: u32) -> CResult<()> {
        self.fs_mut().line = line;
        let init = self.get_label();
        self.enter_block(true); // loop block
        self.enter_block(false); // scope block (the condition sees its locals)
        for s in &body.stats {
            self.stat(s)?;
            let n = self.nactvar();
            self.fs_mut().freereg = n;
        }
        if let Some(last) = &body.last {
            match last {
                LastStat::Return { exprs, line } => self.return_stat(exprs, *line)?,
                LastStat::Break { line } => self.break_stat(*line)?,
            }
            let n = self.nactvar();
            self.fs_mut().freereg = n;
        }
        let exit = self.cond(cond)?;
        if !self.block_has_upval() {
            self.leave_block();
            self.patch_list(exit, init);
        } else {
            // Captured locals must be closed on every iteration: exit through a break.
            self.break_stat(line)?;
            self.patch_to_here(exit);
            self.leave_block();
            let j = self.jump();
            self.patch_list(j, init);
        }
        self.leave_block();
        Ok(())
    }

    /// `ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END`
    fn if_stat(
        &mut self,
        conds: &[(Expr, Block)],
        else_block: Option<&Block>,
        line: u32,
    ) -> CResult<()> {
        self.fs_mut().line = line;
        let mut escape = NO_JUMP;
        let mut flist = NO_JUMP;
        for (idx, (c, b)) in conds.iter().enumerate() {
            if idx > 0 {
                let j = self.jump();
                self.concat_jumps(&mut escape, j);
                self.patch_to_here(flist);
            }
            flist = self.cond(c)?;
            self.scoped_block(b, false)?;
        }
        if let Some(eb) = else_block {
            let j = self.jump();
            self.concat_jumps(&mut escape, j);
            self.patch_to_here(flist);
            self.scoped_block(eb, false)?;
        } else {
            self.concat_jumps(&mut escape, flist);
        }
        self.patch_to_here(escape);
        Ok(())
    }

    /// Shared by both `for` forms: the loop body with its control variables.
    fn for_body(
        &mut self,
        base: usize,
        line: u32,
        nvars: usize,
        is_num: bool,
        body: &Block,
    ) -> CResult<()> {
        self.adjust_localvars(3); // control variables (their registers are reserved)
        let prep = if is_num {
            self.code_asbx(Op::ForPrep, base, NO_JUMP) as i32
        } else {
            self.jump()
        };
        self.enter_block(false);
        self.adjust_localvars(nvars);
        self.reserve_regs(nvars)?;
        self.block(body)?;
        self.leave_block();
        self.patch_to_here(prep);
        self.fs_mut().line = line;
        let endfor = if is_num {
            self.code_asbx(Op::ForLoop, base, NO_JUMP) as i32
        } else {
            self.code_abc(Op::TForLoop, base, 0, nvars) as i32
        };
        self.fix_line(line);
        let target = if is_num { endfor } else { self.jump() };
        self.patch_list(target, prep as usize + 1);
        Ok(())
    }

    /// `fornum -> NAME = exp1,exp1[,exp1] forbody`
    fn num_for(
        &mut self,
        var: &[u8],
        start: &Expr,
        limit: &Expr,
        step: Option<&Expr>,
        body: &Block,
        line: u32,
    ) -> CResult<()> {
        self.fs_mut().line = line;
        self.enter_block(true);
        let base = self.fs().freereg;
        self.new_localvar(b"(for index)", line)?;
        self.new_localvar(b"(for limit)", line)?;
        self.new_localvar(b"(for step)", line)?;
        self.new_localvar(var, line)?;
        self.exp1(start)?;
        self.exp1(limit)?;
        match step {
            Some(s) => self.exp1(s)?,
            None => {
                let k = self.number_k(1.0)?;
                let r = self.fs().freereg;
                self.fs_mut().line = line;
                self.code_abx(Op::LoadK, r, k);
                self.reserve_regs(1)?;
            }
        }
        self.for_body(base, line, 1, true, body)?;
        self.leave_block();
        Ok(())
    }

    /// `forlist -> NAME {,NAME} IN explist1 forbody`
    fn gen_for(
        &mut self,
        vars: &[Vec<u8>],
        exprs: &[Expr],
        body: &Block,
        line: u32,
    ) -> CResult<()> {
        self.fs_mut().line = line;
        self.enter_block(true);
        let base = self.fs().freereg;
        self.new_localvar(b"(for generator)", line)?;
        self.new_localvar(b"(for state)", line)?;
        self.new_localvar(b"(for control)", line)?;
        for v in vars {
            self.new_localvar(v, line)?;
        }
        let mut e = self.explist(exprs)?;
        self.fs_mut().line = line;
        self.adjust_assign(3, exprs.len(), &mut e)?;
        self.check_stack(3)?;
        self.for_body(base, line, vars.len(), false, body)?;
        self.leave_block();
        Ok(())
    }

    /// `funcstat -> FUNCTION funcname body`
    fn function_stat(
        &mut self,
        path: &[Vec<u8>],
        method: Option<&[u8]>,
        func: &FuncBody,
        line: u32,
    ) -> CResult<()> {
        self.fs_mut().line = line;
        let mut v = self.single_var(&path[0], line)?;
        let mut keys: Vec<&[u8]> = path[1..].iter().map(|p| p.as_slice()).collect();
        if let Some(m) = method {
            keys.push(m);
        }
        for k in keys {
            self.exp2anyreg(&mut v)?;
            let mut key = ExpDesc::new(Kind::K(self.string_k(k)?));
            self.indexed(&mut v, &mut key)?;
        }
        let mut b = self.function_body(func, method.is_some())?;
        self.store_var(&v, &mut b)?;
        self.fix_line(line);
        Ok(())
    }

    /// `retstat -> RETURN explist`
    fn return_stat(&mut self, exprs: &[Expr], line: u32) -> CResult<()> {
        self.fs_mut().line = line;
        let first;
        let nret: i32;
        if exprs.is_empty() {
            first = 0;
            nret = 0;
        } else {
            let mut e = self.explist(exprs)?;
            self.fs_mut().line = line;
            if e.is_multi() {
                self.set_returns(&mut e, -1)?;
                if let (Kind::Call(pc), 1) = (e.kind, exprs.len()) {
                    let i = self.instr_mut(pc);
                    *i = crate::opcode::Instr::abc(
                        Op::TailCall,
                        i.a() as u32,
                        i.b() as u32,
                        i.c() as u32,
                    );
                }
                first = self.nactvar();
                nret = -1;
            } else if exprs.len() == 1 {
                first = self.exp2anyreg(&mut e)?;
                nret = 1;
            } else {
                self.exp2nextreg(&mut e)?;
                first = self.nactvar();
                nret = exprs.len() as i32;
            }
        }
        self.code_abc(Op::Return, first, (nret + 1) as usize, 0);
        Ok(())
    }
}

fn fs_actvar_last(fs: &mut super::FuncState) -> &usize {
    fs.actvar.last().unwrap()
}
