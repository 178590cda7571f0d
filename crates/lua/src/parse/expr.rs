//! Expressions, table constructors and function bodies.
//!
//! Every function returns the node together with its height (the number of nodes on
//! its longest downward path), which the parser keeps under `MAX_TREE_DEPTH`.

use super::{FuncState, PResult, Parser};
use crate::ast::{BinOp, Expr, FuncBody, Line, TableItem, UnOp};
use crate::lex::Token;

/// Priority of unary operators: above every binary operator except `^`.
const UNARY_PRIORITY: u8 = 8;

/// A binary operator with its left and right priorities (5.1's table). Right
/// associative operators (`..`, `^`) bind less tightly on their right.
fn binary_op(t: &Token<'_>) -> Option<(BinOp, u8, u8)> {
    Some(match t {
        Token::Plus => (BinOp::Add, 6, 6),
        Token::Minus => (BinOp::Sub, 6, 6),
        Token::Star => (BinOp::Mul, 7, 7),
        Token::Slash => (BinOp::Div, 7, 7),
        Token::Percent => (BinOp::Mod, 7, 7),
        Token::Caret => (BinOp::Pow, 10, 9),
        Token::Concat => (BinOp::Concat, 5, 4),
        Token::Eq => (BinOp::Eq, 3, 3),
        Token::Ne => (BinOp::Ne, 3, 3),
        Token::Lt => (BinOp::Lt, 3, 3),
        Token::Le => (BinOp::Le, 3, 3),
        Token::Gt => (BinOp::Gt, 3, 3),
        Token::Ge => (BinOp::Ge, 3, 3),
        Token::And => (BinOp::And, 2, 2),
        Token::Or => (BinOp::Or, 1, 1),
        _ => return None,
    })
}

fn unary_op(t: &Token<'_>) -> Option<UnOp> {
    match t {
        Token::Not => Some(UnOp::Not),
        Token::Minus => Some(UnOp::Neg),
        Token::Hash => Some(UnOp::Len),
        _ => None,
    }
}

impl<'a> Parser<'a> {
    /// `expr -> subexpr`
    pub(super) fn expr(&mut self) -> PResult<(Expr, u32)> {
        self.subexpr(0)
    }

    /// `explist1 -> expr {',' expr}`; the height is that of the tallest expression.
    pub(super) fn expr_list(&mut self) -> PResult<(Vec<Expr>, u32)> {
        let (first, mut height) = self.expr()?;
        let mut list = vec![first];
        while self.test_next(&Token::Comma)? {
            let (e, h) = self.expr()?;
            height = height.max(h);
            list.push(e);
        }
        Ok((list, height))
    }

    /// `subexpr -> (simpleexp | unop subexpr) {binop subexpr}`, where each `binop` has a
    /// left priority above `limit`.
    fn subexpr(&mut self, limit: u8) -> PResult<(Expr, u32)> {
        self.enter_level()?;
        let (mut e, mut height) = if let Some(op) = unary_op(&self.cur.token) {
            self.advance()?;
            let (operand, h) = self.subexpr(UNARY_PRIORITY)?;
            let e = Expr::Unary {
                op,
                operand: Box::new(operand),
                line: self.last_line,
            };
            (e, self.height(h + 1)?)
        } else {
            self.simple_exp()?
        };
        while let Some((op, left, right)) = binary_op(&self.cur.token) {
            if left <= limit {
                break;
            }
            self.advance()?;
            let (rhs, h) = self.subexpr(right)?;
            height = self.height(height.max(h) + 1)?;
            e = Expr::Binary {
                op,
                lhs: Box::new(e),
                rhs: Box::new(rhs),
                line: self.last_line,
            };
        }
        self.leave_level();
        Ok((e, height))
    }

    /// `simpleexp -> NUMBER | STRING | NIL | TRUE | FALSE | '...' | constructor
    ///               | FUNCTION body | primaryexp`
    fn simple_exp(&mut self) -> PResult<(Expr, u32)> {
        let e = match self.cur.token {
            Token::Number(n) => Expr::Number(n),
            Token::Str(_) => return Ok((Expr::Str(self.take_string()?), 1)),
            Token::Nil => Expr::Nil,
            Token::True => Expr::True,
            Token::False => Expr::False,
            Token::Dots => {
                if !self.fs.is_vararg {
                    return Err(self.syntax_error(b"cannot use '...' outside a vararg function"));
                }
                self.fs.uses_dots = true;
                Expr::Vararg { line: self.line() }
            }
            Token::LBrace => return self.constructor(),
            Token::Function => {
                self.advance()?;
                // 5.1 records the line after `function` (its `(`) as the line defined.
                let line = self.line();
                let (body, h) = self.body(false, line)?;
                return Ok((Expr::Function(Box::new(body)), self.height(h + 1)?));
            }
            _ => return self.primary_exp(),
        };
        self.advance()?;
        Ok((e, 1))
    }

    /// `prefixexp -> NAME | '(' expr ')'`
    fn prefix_exp(&mut self) -> PResult<(Expr, u32)> {
        match self.cur.token {
            Token::Name(n) => {
                let line = self.line();
                self.advance()?;
                self.resolve_name(n)?;
                Ok((
                    Expr::Name {
                        name: n.to_vec(),
                        line,
                    },
                    1,
                ))
            }
            Token::LParen => {
                let line = self.line();
                self.advance()?;
                let (e, h) = self.expr()?;
                self.check_match(&Token::RParen, &Token::LParen, line)?;
                Ok((Expr::Paren(Box::new(e)), self.height(h + 1)?))
            }
            _ => Err(self.syntax_error(b"unexpected symbol")),
        }
    }

    /// `primaryexp -> prefixexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }`
    pub(super) fn primary_exp(&mut self) -> PResult<(Expr, u32)> {
        let (mut e, mut height) = self.prefix_exp()?;
        loop {
            match self.cur.token {
                Token::Dot => {
                    self.advance()?;
                    let name = self.check_name()?;
                    let key = Box::new(Expr::Str(name));
                    height = self.height(height + 1)?;
                    e = Expr::Index {
                        obj: Box::new(e),
                        key,
                        line: self.last_line,
                    };
                }
                Token::LBracket => {
                    let (key, h) = self.index()?;
                    height = self.height(height.max(h) + 1)?;
                    e = Expr::Index {
                        obj: Box::new(e),
                        key: Box::new(key),
                        line: self.last_line,
                    };
                }
                Token::Colon => {
                    self.advance()?;
                    let name = self.check_name()?;
                    let (args, line, h) = self.func_args()?;
                    height = self.height(height.max(h) + 1)?;
                    e = Expr::Method {
                        obj: Box::new(e),
                        name,
                        args,
                        line,
                    };
                }
                Token::LParen | Token::Str(_) | Token::LBrace => {
                    let (args, line, h) = self.func_args()?;
                    height = self.height(height.max(h) + 1)?;
                    e = Expr::Call {
                        func: Box::new(e),
                        args,
                        line,
                    };
                }
                _ => return Ok((e, height)),
            }
        }
    }

    /// Consumes the current token, a string, and returns its contents.
    fn take_string(&mut self) -> PResult<Vec<u8>> {
        match self.advance()?.token {
            Token::Str(s) => Ok(s.into_owned()),
            _ => Ok(Vec::new()),
        }
    }

    /// `index -> '[' expr ']'`
    fn index(&mut self) -> PResult<(Expr, u32)> {
        self.advance()?;
        let key = self.expr()?;
        self.check_next(&Token::RBracket)?;
        Ok(key)
    }

    /// `funcargs -> '(' [explist1] ')' | constructor | STRING`
    ///
    /// Returns the arguments, the call's line (that of the token opening the
    /// arguments) and the tallest argument's height.
    fn func_args(&mut self) -> PResult<(Vec<Expr>, Line, u32)> {
        let line = self.line();
        match self.cur.token {
            Token::LParen => {
                if line != self.last_line {
                    return Err(
                        self.syntax_error(b"ambiguous syntax (function call x new statement)")
                    );
                }
                self.advance()?;
                let (args, h) = if self.check(&Token::RParen) {
                    (Vec::new(), 0)
                } else {
                    self.expr_list()?
                };
                self.check_match(&Token::RParen, &Token::LParen, line)?;
                Ok((args, line, h))
            }
            Token::LBrace => {
                let (table, h) = self.constructor()?;
                Ok((vec![table], line, h))
            }
            Token::Str(_) => Ok((vec![Expr::Str(self.take_string()?)], line, 1)),
            _ => Err(self.syntax_error(b"function arguments expected")),
        }
    }

    /// `constructor -> '{' [field {fieldsep field} [fieldsep]] '}'`
    /// `field -> listfield | recfield`, `fieldsep -> ',' | ';'`
    fn constructor(&mut self) -> PResult<(Expr, u32)> {
        let line = self.line();
        self.check_next(&Token::LBrace)?;
        let mut array = Vec::new();
        let mut hash = Vec::new();
        let mut items = Vec::new();
        let mut height = 0;
        loop {
            if self.check(&Token::RBrace) {
                break;
            }
            let is_rec = match self.cur.token {
                Token::Name(_) => matches!(self.peek()?, Token::Assign),
                Token::LBracket => true,
                _ => false,
            };
            if is_rec {
                let (k, v, h) = self.rec_field()?;
                height = height.max(h);
                items.push(TableItem::Keyed(hash.len()));
                hash.push((k, v));
            } else {
                // listfield -> expr
                let (v, h) = self.expr()?;
                height = height.max(h);
                items.push(TableItem::Positional(array.len()));
                array.push(v);
            }
            if !(self.test_next(&Token::Comma)? || self.test_next(&Token::Semi)?) {
                break;
            }
        }
        self.check_match(&Token::RBrace, &Token::LBrace, line)?;
        let height = self.height(height + 1)?;
        Ok((
            Expr::Table {
                array,
                hash,
                items,
                line,
            },
            height,
        ))
    }

    /// `recfield -> (NAME | '[' exp ']') '=' exp`
    fn rec_field(&mut self) -> PResult<(Expr, Expr, u32)> {
        let (key, hk) = if let Token::Name(_) = self.cur.token {
            (Expr::Str(self.check_name()?), 1)
        } else {
            self.index()?
        };
        self.check_next(&Token::Assign)?;
        let (value, hv) = self.expr()?;
        Ok((key, value, hk.max(hv)))
    }

    /// `body -> '(' parlist ')' chunk END`
    /// `parlist -> [param {',' param}]`, `param -> NAME | '...'` (`...` last)
    ///
    /// `line` is the line 5.1 records as the function's first; a method (`needself`)
    /// gets `self` as its first parameter.
    pub(super) fn body(&mut self, needself: bool, line: Line) -> PResult<(FuncBody, u32)> {
        let outer = std::mem::replace(&mut self.fs, FuncState::new(false, line));
        self.open_function(line);
        let mut params = Vec::new();
        if needself {
            self.new_local(0)?;
            params.push(b"self".to_vec());
            self.activate_locals(&params);
        }
        let first_param = params.len();
        self.check_next(&Token::LParen)?;
        // Parameters declared by this list (5.1 also counts its implicit `arg`).
        let mut declared = 0;
        if !self.check(&Token::RParen) {
            loop {
                match self.cur.token {
                    Token::Name(_) => {
                        params.push(self.check_name()?);
                        self.new_local(declared)?;
                        declared += 1;
                    }
                    Token::Dots => {
                        self.advance()?;
                        self.fs.is_vararg = true;
                        // 5.1's compatibility local `arg` (LUA_COMPAT_VARARG).
                        self.new_local(declared)?;
                        declared += 1;
                    }
                    _ => return Err(self.syntax_error(b"<name> or '...' expected")),
                }
                if self.fs.is_vararg || !self.test_next(&Token::Comma)? {
                    break;
                }
            }
        }
        let mut names = params[first_param..].to_vec();
        if self.fs.is_vararg {
            names.push(b"arg".to_vec());
        }
        debug_assert_eq!(names.len() as u32, declared);
        self.activate_locals(&names);
        self.check_next(&Token::RParen)?;
        let (body, h) = self.chunk()?;
        let end_line = self.line();
        self.check_match(&Token::End, &Token::Function, line)?;
        self.close_function();
        let fs = std::mem::replace(&mut self.fs, outer);
        let func = FuncBody {
            params,
            is_vararg: fs.is_vararg,
            uses_dots: fs.uses_dots,
            body,
            line,
            end_line,
        };
        Ok((func, self.height(h + 1)?))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_err, parse_ok};
    use crate::ast::{BinOp, Expr, LastStat, Stat, TableItem, UnOp};

    /// The expression of `return <src>`.
    fn ret(src: &str) -> Expr {
        let b = parse_ok(&format!("return {src}"));
        match b.last {
            Some(LastStat::Return { mut exprs, .. }) => exprs.remove(0),
            other => panic!("{other:?}"),
        }
    }

    /// A compact rendering of an expression tree: `(op lhs rhs)`.
    fn sexp(e: &Expr) -> String {
        match e {
            Expr::Name { name, .. } => String::from_utf8_lossy(name).into_owned(),
            Expr::Number(n) => n.to_string(),
            Expr::Binary { op, lhs, rhs, .. } => format!("({op:?} {} {})", sexp(lhs), sexp(rhs)),
            Expr::Unary { op, operand, .. } => format!("({op:?} {})", sexp(operand)),
            Expr::Paren(e) => format!("[{}]", sexp(e)),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(sexp(&ret("a + b * c")), "(Add a (Mul b c))");
        assert_eq!(sexp(&ret("a - b - c")), "(Sub (Sub a b) c)");
        assert_eq!(sexp(&ret("a .. b .. c")), "(Concat a (Concat b c))");
        assert_eq!(sexp(&ret("a ^ b ^ c")), "(Pow a (Pow b c))");
        assert_eq!(sexp(&ret("-2 ^ 2")), "(Neg (Pow 2 2))");
        assert_eq!(sexp(&ret("not a == b")), "(Eq (Not a) b)");
        assert_eq!(sexp(&ret("a or b and c")), "(Or a (And b c))");
        assert_eq!(sexp(&ret("a < b .. c")), "(Lt a (Concat b c))");
        assert_eq!(sexp(&ret("#a + 1")), "(Add (Len a) 1)");
        assert_eq!(sexp(&ret("-a ^ -b")), "(Neg (Pow a (Neg b)))");
        assert_eq!(sexp(&ret("(a + b) * c")), "(Mul [(Add a b)] c)");
        assert_eq!(sexp(&ret("a + b .. c")), "(Concat (Add a b) c)");
        assert_eq!(sexp(&ret("a % b / c")), "(Div (Mod a b) c)");
    }

    #[test]
    fn no_constant_folding() {
        assert_eq!(sexp(&ret("1 + 2")), "(Add 1 2)");
        assert!(matches!(ret("-1"), Expr::Unary { op: UnOp::Neg, .. }));
    }

    #[test]
    fn suffixes() {
        match ret("a.b[c]:m(1)") {
            Expr::Method {
                obj, name, args, ..
            } => {
                assert_eq!(name, b"m");
                assert_eq!(args, vec![Expr::Number(1.0)]);
                match *obj {
                    Expr::Index { obj, key, .. } => {
                        assert!(matches!(*key, Expr::Name { .. }));
                        assert!(
                            matches!(*obj, Expr::Index { ref key, .. } if **key == Expr::Str(b"b".to_vec()))
                        );
                    }
                    o => panic!("{o:?}"),
                }
            }
            e => panic!("{e:?}"),
        }
        assert!(
            matches!(ret("f'x'"), Expr::Call { args, .. } if args == vec![Expr::Str(b"x".to_vec())])
        );
        assert!(
            matches!(ret("f{}"), Expr::Call { args, .. } if matches!(args[0], Expr::Table { .. }))
        );
        assert!(matches!(ret("f[[x]]"), Expr::Call { .. }));
    }

    #[test]
    fn table_items_in_order() {
        match ret("{1, x = 2, [3] = 4; 5, y}") {
            Expr::Table {
                array, hash, items, ..
            } => {
                assert_eq!(array.len(), 3);
                assert_eq!(hash.len(), 2);
                assert_eq!(hash[0].0, Expr::Str(b"x".to_vec()));
                assert_eq!(hash[1].0, Expr::Number(3.0));
                assert_eq!(
                    items,
                    vec![
                        TableItem::Positional(0),
                        TableItem::Keyed(0),
                        TableItem::Keyed(1),
                        TableItem::Positional(1),
                        TableItem::Positional(2),
                    ]
                );
            }
            e => panic!("{e:?}"),
        }
        assert!(matches!(ret("{}"), Expr::Table { array, .. } if array.is_empty()));
        assert!(matches!(ret("{x == 1}"), Expr::Table { array, .. } if array.len() == 1));
    }

    #[test]
    fn functions_and_varargs() {
        match ret("function(a, ...) return ... end") {
            Expr::Function(f) => {
                assert_eq!(f.params, vec![b"a".to_vec()]);
                assert!(f.is_vararg && f.uses_dots);
            }
            e => panic!("{e:?}"),
        }
        match ret("function(...) return function() end end") {
            Expr::Function(f) => assert!(f.is_vararg && !f.uses_dots),
            e => panic!("{e:?}"),
        }
        assert!(matches!(ret("..."), Expr::Vararg { line: 1 }));
        assert_eq!(
            parse_err("function f() return ... end"),
            "t:1: cannot use '...' outside a vararg function near '...'"
        );
    }

    #[test]
    fn call_statements() {
        let b = parse_ok("f() a.b:c 'x' g{}");
        assert_eq!(b.stats.len(), 3);
        assert!(b.stats.iter().all(|s| matches!(s, Stat::Call { .. })));
        assert_eq!(
            parse_err("f\n(g)"),
            "t:2: ambiguous syntax (function call x new statement) near '('"
        );
    }

    #[test]
    fn binary_op_kinds() {
        let ops = [
            ("+", BinOp::Add),
            ("-", BinOp::Sub),
            ("*", BinOp::Mul),
            ("/", BinOp::Div),
            ("%", BinOp::Mod),
            ("^", BinOp::Pow),
            ("..", BinOp::Concat),
            ("==", BinOp::Eq),
            ("~=", BinOp::Ne),
            ("<", BinOp::Lt),
            ("<=", BinOp::Le),
            (">", BinOp::Gt),
            (">=", BinOp::Ge),
            ("and", BinOp::And),
            ("or", BinOp::Or),
        ];
        for (text, op) in ops {
            assert!(matches!(ret(&format!("a {text} b")), Expr::Binary { op: o, .. } if o == op));
        }
    }
}
