//! Statements and blocks.

use super::{PResult, Parser, LUAI_MAXCCALLS};
use crate::ast::{Block, Expr, LastStat, Line, Stat};
use crate::lex::Token;

/// Tokens that end a block: `else elseif end until <eof>`.
fn block_follow(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::Else | Token::Elseif | Token::End | Token::Until | Token::Eof
    )
}

impl<'a> Parser<'a> {
    /// `chunk -> { stat [';'] } [laststat [';']]`
    pub(super) fn chunk(&mut self) -> PResult<(Block, u32)> {
        self.enter_level()?;
        let mut stats = Vec::new();
        let mut last = None;
        let mut height = 0;
        while !block_follow(&self.cur.token) {
            match self.cur.token {
                Token::Return => {
                    let (r, h) = self.return_stat()?;
                    height = height.max(h);
                    last = Some(r);
                    self.test_next(&Token::Semi)?;
                    break;
                }
                Token::Break => {
                    last = Some(self.break_stat()?);
                    height = height.max(1);
                    self.test_next(&Token::Semi)?;
                    break;
                }
                _ => {
                    let (st, h) = self.statement()?;
                    height = height.max(h);
                    stats.push(st);
                    self.test_next(&Token::Semi)?;
                }
            }
        }
        self.leave_level();
        let height = self.height(height + 1)?;
        Ok((
            Block {
                stats,
                last,
                end_line: self.last_line,
            },
            height,
        ))
    }

    /// `block -> chunk` (in a scope of its own)
    pub(super) fn block(&mut self) -> PResult<(Block, u32)> {
        let locals = self.fs.active_locals;
        let b = self.chunk()?;
        self.restore_locals(locals);
        Ok(b)
    }

    /// A block that `break` may leave.
    fn loop_block(&mut self) -> PResult<(Block, u32)> {
        self.fs.loops += 1;
        let b = self.block()?;
        self.fs.loops -= 1;
        Ok(b)
    }

    /// `stat -> ifstat | whilestat | DO block END | forstat | repeatstat | funcstat
    ///         | localstat | LOCAL FUNCTION localfunc | exprstat`
    fn statement(&mut self) -> PResult<(Stat, u32)> {
        let line = self.line();
        let (stat, h) = match self.cur.token {
            Token::If => self.if_stat(line)?,
            Token::While => self.while_stat(line)?,
            Token::Do => {
                self.advance()?;
                let (body, h) = self.block()?;
                self.check_match(&Token::End, &Token::Do, line)?;
                (Stat::Do { body }, h)
            }
            Token::For => self.for_stat(line)?,
            Token::Repeat => self.repeat_stat(line)?,
            Token::Function => self.func_stat(line)?,
            Token::Local => {
                self.advance()?;
                if self.test_next(&Token::Function)? {
                    self.local_func(line)?
                } else {
                    self.local_stat()?
                }
            }
            _ => self.expr_stat()?,
        };
        // `h` is the tallest child; the statement adds one node.
        Ok((stat, self.height(h + 1)?))
    }

    /// `ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END`
    fn if_stat(&mut self, line: Line) -> PResult<(Stat, u32)> {
        let (first, mut height) = self.test_then_block()?;
        let mut conds = vec![first];
        while self.check(&Token::Elseif) {
            let (c, h) = self.test_then_block()?;
            height = height.max(h);
            conds.push(c);
        }
        let else_block = if self.test_next(&Token::Else)? {
            let (b, h) = self.block()?;
            height = height.max(h);
            Some(b)
        } else {
            None
        };
        self.check_match(&Token::End, &Token::If, line)?;
        Ok((
            Stat::If {
                conds,
                else_block,
                line,
            },
            height,
        ))
    }

    /// `test_then_block -> [IF | ELSEIF] cond THEN block`
    fn test_then_block(&mut self) -> PResult<((Expr, Block), u32)> {
        self.advance()?;
        let (cond, hc) = self.expr()?;
        self.check_next(&Token::Then)?;
        let (block, hb) = self.block()?;
        Ok(((cond, block), hc.max(hb)))
    }

    /// `whilestat -> WHILE cond DO block END`
    fn while_stat(&mut self, line: Line) -> PResult<(Stat, u32)> {
        self.advance()?;
        let (cond, hc) = self.expr()?;
        self.check_next(&Token::Do)?;
        let (body, hb) = self.loop_block()?;
        self.check_match(&Token::End, &Token::While, line)?;
        Ok((Stat::While { cond, body, line }, hc.max(hb)))
    }

    /// `repeatstat -> REPEAT block UNTIL cond` (the condition sees the block's locals)
    fn repeat_stat(&mut self, line: Line) -> PResult<(Stat, u32)> {
        self.advance()?;
        let locals = self.fs.active_locals;
        self.fs.loops += 1;
        let (body, hb) = self.chunk()?;
        self.fs.loops -= 1;
        self.check_match(&Token::Until, &Token::Repeat, line)?;
        let (cond, hc) = self.expr()?;
        self.restore_locals(locals);
        Ok((Stat::Repeat { body, cond, line }, hb.max(hc)))
    }

    /// `forstat -> FOR (fornum | forlist) END`
    fn for_stat(&mut self, line: Line) -> PResult<(Stat, u32)> {
        self.advance()?;
        let var = self.check_name()?;
        let stat = match self.cur.token {
            Token::Assign => self.for_num(var)?,
            Token::Comma | Token::In => self.for_list(var)?,
            _ => return Err(self.syntax_error(b"'=' or 'in' expected")),
        };
        self.check_match(&Token::End, &Token::For, line)?;
        Ok(stat)
    }

    /// `fornum -> NAME '=' exp1 ',' exp1 [',' exp1] DO block`
    fn for_num(&mut self, var: Vec<u8>) -> PResult<(Stat, u32)> {
        // The loop keeps three hidden locals (index, limit, step) besides the variable.
        for n in 0..4 {
            self.new_local(n)?;
        }
        self.check_next(&Token::Assign)?;
        let (start, h1) = self.expr()?;
        self.check_next(&Token::Comma)?;
        let (limit, h2) = self.expr()?;
        let mut height = h1.max(h2);
        let step = if self.test_next(&Token::Comma)? {
            let (e, h) = self.expr()?;
            height = height.max(h);
            Some(e)
        } else {
            None
        };
        let locals = self.fs.active_locals;
        self.activate_hidden(3);
        self.check_next(&Token::Do)?;
        let line = self.last_line;
        self.activate_locals(std::slice::from_ref(&var));
        let (body, hb) = self.loop_block()?;
        self.restore_locals(locals);
        Ok((
            Stat::NumFor {
                var,
                start,
                limit,
                step,
                body,
                line,
            },
            height.max(hb),
        ))
    }

    /// `forlist -> NAME {',' NAME} IN explist1 DO block`
    fn for_list(&mut self, first: Vec<u8>) -> PResult<(Stat, u32)> {
        // Three hidden locals (generator, state, control) come before the variables.
        for n in 0..4 {
            self.new_local(n)?;
        }
        let mut vars = vec![first];
        while self.test_next(&Token::Comma)? {
            vars.push(self.check_name()?);
            self.new_local(vars.len() as u32 + 2)?;
        }
        self.check_next(&Token::In)?;
        let line = self.line();
        let (exprs, he) = self.expr_list()?;
        let locals = self.fs.active_locals;
        self.activate_hidden(3);
        self.check_next(&Token::Do)?;
        self.activate_locals(&vars);
        let (body, hb) = self.loop_block()?;
        self.restore_locals(locals);
        Ok((
            Stat::GenFor {
                vars,
                exprs,
                body,
                line,
            },
            he.max(hb),
        ))
    }

    /// `funcstat -> FUNCTION funcname body`
    /// `funcname -> NAME {'.' NAME} [':' NAME]`
    fn func_stat(&mut self, line: Line) -> PResult<(Stat, u32)> {
        self.advance()?;
        let mut path = vec![self.check_name()?];
        self.resolve_name(&path[0])?;
        while self.check(&Token::Dot) {
            self.advance()?;
            path.push(self.check_name()?);
        }
        let method = if self.check(&Token::Colon) {
            self.advance()?;
            Some(self.check_name()?)
        } else {
            None
        };
        let (func, h) = self.body(method.is_some(), line)?;
        Ok((
            Stat::Function {
                path,
                method,
                func: Box::new(func),
                line,
            },
            h,
        ))
    }

    /// `localfunc -> NAME body`
    fn local_func(&mut self, line: Line) -> PResult<(Stat, u32)> {
        let name = self.check_name()?;
        self.new_local(0)?;
        self.activate_locals(std::slice::from_ref(&name));
        // 5.1 takes the function's first line after the name (usually its `(`).
        let defined = self.line();
        let (func, h) = self.body(false, defined)?;
        Ok((
            Stat::LocalFunction {
                name,
                func: Box::new(func),
                line,
            },
            h,
        ))
    }

    /// `localstat -> LOCAL NAME {',' NAME} ['=' explist1]`
    fn local_stat(&mut self) -> PResult<(Stat, u32)> {
        let mut names = Vec::new();
        loop {
            names.push(self.check_name()?);
            self.new_local(names.len() as u32 - 1)?;
            if !self.test_next(&Token::Comma)? {
                break;
            }
        }
        let (exprs, h) = if self.test_next(&Token::Assign)? {
            self.expr_list()?
        } else {
            (Vec::new(), 0)
        };
        self.activate_locals(&names);
        Ok((
            Stat::Local {
                names,
                exprs,
                line: self.last_line,
            },
            h,
        ))
    }

    /// `exprstat -> func | assignment`
    /// `assignment -> {',' primaryexp} '=' explist1`
    fn expr_stat(&mut self) -> PResult<(Stat, u32)> {
        let (first, mut height) = self.primary_exp()?;
        if let Expr::Call { line, .. } | Expr::Method { line, .. } = first {
            return Ok((Stat::Call { call: first, line }, height));
        }
        let mut targets = vec![first];
        loop {
            let target_ok = matches!(targets.last(), Some(Expr::Name { .. } | Expr::Index { .. }));
            if !target_ok {
                return Err(self.syntax_error(b"syntax error"));
            }
            if !self.test_next(&Token::Comma)? {
                break;
            }
            let (target, h) = self.primary_exp()?;
            height = height.max(h);
            // 5.1 parses the targets recursively and bounds them by the levels left.
            let limit = LUAI_MAXCCALLS.saturating_sub(self.levels);
            if targets.len() as u32 > limit {
                return Err(self.limit_error(limit, "variables in assignment"));
            }
            targets.push(target);
        }
        self.check_next(&Token::Assign)?;
        let (exprs, h) = self.expr_list()?;
        Ok((
            Stat::Assign {
                targets,
                exprs,
                line: self.last_line,
            },
            height.max(h),
        ))
    }

    /// `retstat -> RETURN [explist1]`
    fn return_stat(&mut self) -> PResult<(LastStat, u32)> {
        self.advance()?;
        let (exprs, h) = if block_follow(&self.cur.token) || self.check(&Token::Semi) {
            (Vec::new(), 0)
        } else {
            self.expr_list()?
        };
        Ok((
            LastStat::Return {
                exprs,
                line: self.last_line,
            },
            self.height(h + 1)?,
        ))
    }

    /// `breakstat -> BREAK` (inside a loop of the same function)
    fn break_stat(&mut self) -> PResult<LastStat> {
        let line = self.line();
        self.advance()?;
        if self.fs.loops == 0 {
            return Err(self.syntax_error(b"no loop to break"));
        }
        Ok(LastStat::Break { line })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_err, parse_ok};
    use crate::ast::{Expr, LastStat, Stat};

    #[test]
    fn do_while_repeat() {
        let b = parse_ok("do x = 1 end while a do break end repeat local y until y");
        assert!(matches!(b.stats[0], Stat::Do { .. }));
        assert!(
            matches!(&b.stats[1], Stat::While { body, .. } if matches!(body.last, Some(LastStat::Break { line: 1 })))
        );
        assert!(matches!(
            &b.stats[2],
            Stat::Repeat {
                cond: Expr::Name { .. },
                ..
            }
        ));
    }

    #[test]
    fn if_chain() {
        let b = parse_ok("if a then elseif b then x() else end");
        match &b.stats[0] {
            Stat::If {
                conds,
                else_block,
                line: 1,
            } => {
                assert_eq!(conds.len(), 2);
                assert!(else_block.is_some());
            }
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn for_loops() {
        let b = parse_ok("for i = 1, 2 do end for k, v in pairs(t) do end");
        assert!(matches!(&b.stats[0], Stat::NumFor { var, step: None, .. } if var == b"i"));
        assert!(
            matches!(&b.stats[1], Stat::GenFor { vars, exprs, .. } if vars.len() == 2 && exprs.len() == 1)
        );
        assert_eq!(
            parse_err("for i do end"),
            "t:1: '=' or 'in' expected near 'do'"
        );
    }

    #[test]
    fn function_statements() {
        let b = parse_ok("function a.b.c:m(x) end local function f() end");
        match &b.stats[0] {
            Stat::Function {
                path, method, func, ..
            } => {
                assert_eq!(path, &vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
                assert_eq!(method.as_deref(), Some(&b"m"[..]));
                assert_eq!(func.params, vec![b"self".to_vec(), b"x".to_vec()]);
            }
            s => panic!("{s:?}"),
        }
        assert!(matches!(&b.stats[1], Stat::LocalFunction { name, .. } if name == b"f"));
    }

    #[test]
    fn assignment_targets() {
        let b = parse_ok("a, b.c, d[1] = 1, 2");
        assert!(
            matches!(&b.stats[0], Stat::Assign { targets, exprs, .. } if targets.len() == 3 && exprs.len() == 2)
        );
        assert_eq!(parse_err("(a) = 1"), "t:1: syntax error near '='");
        assert_eq!(parse_err("a, f() = 1"), "t:1: syntax error near '='");
        assert_eq!(parse_err("x"), "t:1: '=' expected near '<eof>'");
        assert_eq!(parse_err("(x)"), "t:1: syntax error near '<eof>'");
    }

    #[test]
    fn return_and_break_end_blocks() {
        let b = parse_ok("return 1, 2;");
        assert!(matches!(&b.last, Some(LastStat::Return { exprs, .. }) if exprs.len() == 2));
        assert_eq!(
            parse_err("return return"),
            "t:1: unexpected symbol near 'return'"
        );
        assert_eq!(parse_err("return; x = 1"), "t:1: '<eof>' expected near 'x'");
        assert_eq!(parse_err("break"), "t:1: no loop to break near '<eof>'");
        assert_eq!(
            parse_err("while 1 do local function f() break end end"),
            "t:1: no loop to break near 'end'"
        );
    }
}
