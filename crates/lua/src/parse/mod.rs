//! The Lua 5.1 parser: tokens to the syntax tree of [`crate::ast`].
//!
//! Recursive descent over 5.1's grammar, one function per production, each headed by
//! its production as a comment. Statements live in `stat.rs`, expressions, table
//! constructors and function bodies in `expr.rs`; this file holds the token cursor, the
//! error formatting and the limits. The parser accepts and rejects exactly what
//! PUC-Rio Lua 5.1.5 does, with the same messages (`[string "x = "]:1: unexpected
//! symbol near '<eof>'`), checked against `lua5.1` in `tests/parse_errors.rs`.
//!
//! What it does not do: resolve names for the tree (local/upvalue/global is the
//! compiler's job, and so are the limits on registers and constants), fold constants,
//! or skip a leading `#` line (the loader does that). It does keep the names of locals
//! in scope, only to count each function's upvalues as 5.1 does while it parses, so that
//! `has more than 60 upvalues` is reported where 5.1 reports it (before any later
//! syntax error).
//!
//! # Line conventions
//!
//! Each node's `line` is the line 5.1 attaches to the instruction that can fail for
//! that construct, so a runtime error names the same line as the reference. 5.1 stamps
//! most instructions with the line of the last token read so far, hence:
//!
//! - `Binary`, `Unary`: line of the last token of the expression (`a +\n b` is line 2).
//! - `Index`: line of the key name or of the closing `]`.
//! - `Call`, `Method`: line of the token opening the arguments (`(`, string or `{`;
//!   for a multi-line string, its last line). `Stat::Call.line` is the same.
//! - `Name`, `Vararg`, `Table`: line of the token (`Table`: its `{`).
//! - `Assign`, `Local`, `Return`: line of the last token of the statement (before a `;`).
//! - `Break`, `While`, `Repeat`, `If`: line of the keyword.
//! - `NumFor`: line of `do` (5.1's FORPREP, which reports bad `for` values);
//!   `GenFor`: line of the first token after `in` (the iterator call).
//! - `Stat::Function` and its `FuncBody.line`: line of `function`. For `local
//!   function` and anonymous functions `FuncBody.line` is the line of the `(` after the
//!   name or keyword, which is what 5.1 records as `linedefined`. `FuncBody.end_line`
//!   is the line of `end`.
//! - `Block.end_line`: line of the last token of the block (its `;` included; the line
//!   of the opening keyword if the block is empty), i.e. the line 5.1 gives the
//!   instructions emitted when a block ends (loop back-jumps, the main chunk's final
//!   `return`).
//!
//! 5.1 also loads some operands lazily, at the line of whatever token comes next: the
//! left operand of a binary operator is loaded at the operator's line, an item of an
//! expression list at the line of the `,` after it. Those lines are not in the tree;
//! they differ from the ones above only when an expression spans lines.
//!
//! # For the compiler
//!
//! - `Expr::Paren` is kept around every parenthesised expression; it matters only for
//!   multiple results (`(f())`) and is otherwise transparent (5.1 folds `(2)+3`).
//! - A method body's `params` start with `self`. `params` never holds 5.1's implicit
//!   `arg` local: a vararg function (`is_vararg`) gets that local after its parameters,
//!   holding the `{...; n=}` table when `uses_dots` is false and nil otherwise.
//! - The 200-local limit (`LUAI_MAXVARS`), counting the hidden locals of `for` loops
//!   and `arg`, and the assignment-target limit are checked here, with 5.1's messages.
//!   Upvalue, register and constant limits are left to the compiler.
//!
//! # Depth
//!
//! Nesting is bounded like 5.1's `LUAI_MAXCCALLS`, counted the same way (one level per
//! block and per sub-expression), so deep input ends in `chunk has too many syntax
//! levels`, never a stack overflow. Chains that 5.1 parses in a loop (`a+b+c...`,
//! `a.b.c...`, `f()()...`) also deepen the tree, so the height of the whole tree is
//! kept under [`MAX_TREE_DEPTH`] too (same message): code walking the tree
//! recursively can rely on that bound.
//!
//! Tests: small ones beside the grammar functions, `tests/parse_*.rs` for messages and
//! tree shapes.

mod expr;
mod stat;

use std::fmt;

use crate::ast::{Block, Line};
use crate::chunkid::{chunkid_sized, MAXSRC};
use crate::lex::{LexError, Lexeme, Lexer, Token};

/// Maximum nesting of blocks and sub-expressions (`LUAI_MAXCCALLS` in 5.1's
/// `luaconf.h`); also bounds the number of targets of one assignment.
pub const LUAI_MAXCCALLS: u32 = 200;

/// Maximum number of active local variables per function (`LUAI_MAXVARS` in 5.1).
pub const LUAI_MAXVARS: u32 = 200;

/// Maximum number of upvalues per function (`LUAI_MAXUPVALUES` in 5.1).
pub const LUAI_MAXUPVALUES: usize = 60;

/// Name given to the hidden locals of `for` loops: never a valid identifier.
const HIDDEN_LOCAL: &[u8] = b"(for)";

/// Per-function scope used to count upvalues.
#[derive(Debug)]
struct FnScope {
    /// Index in `Parser::scope` of the function's first local.
    base: usize,
    line_defined: Line,
    /// Upvalues so far, identified by the `scope` index of the captured local.
    upvals: Vec<usize>,
}
/// Maximum height of the tree (nodes on the longest path from the root: blocks,
/// statements, expressions, function bodies). Not a 5.1 limit: 5.1 compiles
/// left-associative chains (`a+b+c...`, `a.b.c...`, `f()()...`) in a loop without
/// building a tree, so only its nesting levels are bounded. Chosen far above what
/// hand-written code reaches, so that recursive passes over the tree (compiling,
/// dropping) need a bounded stack.
pub const MAX_TREE_DEPTH: u32 = 1000;

/// A syntax error, formatted as 5.1 does: `chunk:line: message [near 'token']`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: Vec<u8>,
    /// The error is at the end of the input (the message ends in `'<eof>'`): a REPL
    /// should read another line and try again, as `lua.c` does.
    pub incomplete: bool,
    /// Bytes of the source the lexer had scanned when the error was found. 5.1 reads
    /// its input lazily, one character past the current token, so a reader-driven
    /// `load` stops calling the reader once that much input is there.
    pub read_upto: usize,
}

impl SyntaxError {
    fn new(message: Vec<u8>) -> Self {
        let incomplete = message.ends_with(b"'<eof>'");
        SyntaxError {
            message,
            incomplete,
            read_upto: 0,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message))
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole chunk. `chunkname` is the name given to `load` (`=stdin`, `@file`,
/// or the source itself), used in messages.
///
/// Nesting is counted from zero; see [`parse_at_level`] to match 5.1 exactly.
pub fn parse(source: &[u8], chunkname: &[u8]) -> Result<Block, SyntaxError> {
    parse_at_level(source, chunkname, 0)
}

/// Like [`parse`], with nesting counted from `c_calls` instead of zero. In 5.1 the
/// nesting counter is shared with the C call depth, so the limit depends on the caller:
/// `lua file.lua` parses at 1, `loadstring` called from a main chunk at 2, from inside
/// `pcall` at 3. Passing the interpreter's native call depth reproduces that.
pub fn parse_at_level(source: &[u8], chunkname: &[u8], c_calls: u32) -> Result<Block, SyntaxError> {
    let mut lex = Lexer::new(source);
    if let Err(e) = lex.next_lexeme() {
        let mut err = lex_error(chunkname, e);
        err.read_upto = lex.pos();
        return Err(err);
    }
    let mut p = Parser::new(source, chunkname, c_calls)?;
    p.main_chunk().map_err(|mut e| {
        e.read_upto = p.lex.pos();
        e
    })
}

/// Per-function state the grammar needs.
#[derive(Debug, Clone, Copy)]
struct FuncState {
    /// `...` is allowed (main chunk, or `...` in the parameter list).
    is_vararg: bool,
    /// `...` appeared in this function's own body.
    uses_dots: bool,
    /// 0 for the main chunk; used in limit messages.
    line_defined: Line,
    /// Locals in scope, for the `LUAI_MAXVARS` check.
    active_locals: u32,
    /// Enclosing loops in this function, for `break`.
    loops: u32,
}

impl FuncState {
    fn new(is_vararg: bool, line_defined: Line) -> Self {
        FuncState {
            is_vararg,
            uses_dots: false,
            line_defined,
            active_locals: 0,
            loops: 0,
        }
    }
}

type PResult<T> = Result<T, SyntaxError>;

pub(crate) struct Parser<'a> {
    lex: Lexer<'a>,
    /// The current token.
    cur: Lexeme<'a>,
    /// A token read ahead (only table constructors look ahead).
    ahead: Option<Lexeme<'a>>,
    /// The lexer's line when the last token was consumed (5.1's `lastline`).
    last_line: Line,
    chunkname: &'a [u8],
    /// Nesting levels, counted as 5.1 counts `nCcalls` while parsing.
    levels: u32,
    fs: FuncState,
    /// Names of the active locals of all enclosing functions, outermost first.
    scope: Vec<Vec<u8>>,
    /// The functions being parsed, outermost (the main chunk) first.
    fn_scopes: Vec<FnScope>,
}

impl<'a> Parser<'a> {
    fn new(source: &'a [u8], chunkname: &'a [u8], c_calls: u32) -> PResult<Self> {
        let mut lex = Lexer::new(source);
        let first = lex.next_lexeme().map_err(|e| lex_error(chunkname, e))?;
        Ok(Parser {
            lex,
            cur: first,
            ahead: None,
            last_line: 1,
            chunkname,
            levels: c_calls,
            fs: FuncState::new(true, 0),
            scope: Vec::new(),
            fn_scopes: vec![FnScope {
                base: 0,
                line_defined: 0,
                upvals: Vec::new(),
            }],
        })
    }

    // ----- token cursor -----

    /// The lexer's current line (5.1's `linenumber`): where errors are reported.
    fn line(&self) -> Line {
        self.lex.line()
    }

    /// Consumes the current token and returns it.
    fn advance(&mut self) -> PResult<Lexeme<'a>> {
        self.last_line = self.lex.line();
        let next = match self.ahead.take() {
            Some(t) => t,
            None => self
                .lex
                .next_lexeme()
                .map_err(|e| lex_error(self.chunkname, e))?,
        };
        Ok(std::mem::replace(&mut self.cur, next))
    }

    /// The token after the current one.
    fn peek(&mut self) -> PResult<&Token<'a>> {
        if self.ahead.is_none() {
            let t = self
                .lex
                .next_lexeme()
                .map_err(|e| lex_error(self.chunkname, e))?;
            self.ahead = Some(t);
        }
        Ok(&self.ahead.as_ref().expect("filled above").token)
    }

    fn check(&self, t: &Token<'_>) -> bool {
        self.cur.token.same_kind(t)
    }

    /// Consumes the current token if it is `t`.
    fn test_next(&mut self, t: &Token<'_>) -> PResult<bool> {
        if self.check(t) {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Consumes `t` or fails with `'t' expected`.
    fn check_next(&mut self, t: &Token<'_>) -> PResult<()> {
        if self.test_next(t)? {
            Ok(())
        } else {
            Err(self.error_expected(t))
        }
    }

    /// Consumes `what`, which closes `who` opened at line `where_`; the message names
    /// the opener when it is on another line.
    fn check_match(&mut self, what: &Token<'_>, who: &Token<'_>, where_: Line) -> PResult<()> {
        if self.test_next(what)? {
            return Ok(());
        }
        if where_ == self.line() {
            return Err(self.error_expected(what));
        }
        let mut msg = quoted(&what.kind_text());
        msg.extend_from_slice(b" expected (to close ");
        msg.extend_from_slice(&quoted(&who.kind_text()));
        msg.extend_from_slice(format!(" at line {where_})").as_bytes());
        Err(self.syntax_error(&msg))
    }

    /// Consumes a name and returns it.
    fn check_name(&mut self) -> PResult<Vec<u8>> {
        if let Token::Name(n) = self.cur.token {
            self.advance()?;
            Ok(n.to_vec())
        } else {
            Err(self.error_expected(&Token::Name(b"")))
        }
    }

    // ----- errors -----

    fn error_expected(&self, t: &Token<'_>) -> SyntaxError {
        let mut msg = quoted(&t.kind_text());
        msg.extend_from_slice(b" expected");
        self.syntax_error(&msg)
    }

    /// An error at the current token: `chunk:line: msg near 'token'`.
    fn syntax_error(&self, msg: &[u8]) -> SyntaxError {
        let mut m = self.error_prefix(msg);
        // 5.1 stores a zero byte as token code 0, which its error routine takes for
        // "no token": the message then has no `near` part.
        if self.cur.token == Token::Other(0) {
            return SyntaxError::new(m);
        }
        m.extend_from_slice(b" near '");
        m.extend_from_slice(&self.cur.near_text(self.lex.source()));
        m.push(b'\'');
        SyntaxError::new(m)
    }

    /// An error without a token: `chunk:line: msg`.
    fn error_prefix(&self, msg: &[u8]) -> Vec<u8> {
        let mut m = chunkid_sized(self.chunkname, MAXSRC);
        m.extend_from_slice(format!(":{}: ", self.line()).as_bytes());
        m.extend_from_slice(msg);
        m
    }

    /// `main function has more than N what` / `function at line L has more than N what`.
    fn limit_error(&self, limit: u32, what: &str) -> SyntaxError {
        let msg = if self.fs.line_defined == 0 {
            format!("main function has more than {limit} {what}")
        } else {
            format!(
                "function at line {} has more than {limit} {what}",
                self.fs.line_defined
            )
        };
        SyntaxError::new(self.error_prefix(msg.as_bytes()))
    }

    // ----- limits -----

    /// Enters a nesting level (a block or a sub-expression).
    fn enter_level(&mut self) -> PResult<()> {
        self.levels += 1;
        if self.levels > LUAI_MAXCCALLS {
            return Err(self.too_deep());
        }
        Ok(())
    }

    fn leave_level(&mut self) {
        self.levels -= 1;
    }

    /// Checks the height of a node about to be built against `MAX_TREE_DEPTH`.
    fn height(&self, h: u32) -> PResult<u32> {
        if h > MAX_TREE_DEPTH {
            return Err(self.too_deep());
        }
        Ok(h)
    }

    fn too_deep(&self) -> SyntaxError {
        SyntaxError::new(self.error_prefix(b"chunk has too many syntax levels"))
    }

    /// Declares the `n`-th (from 0) new local of a statement; they become active later.
    fn new_local(&self, n: u32) -> PResult<()> {
        if self.fs.active_locals + n + 1 > LUAI_MAXVARS {
            return Err(self.limit_error(LUAI_MAXVARS, "local variables"));
        }
        Ok(())
    }

    /// Brings declared locals into scope.
    fn activate_locals(&mut self, names: &[Vec<u8>]) {
        self.fs.active_locals += names.len() as u32;
        self.scope.extend(names.iter().cloned());
    }

    /// Brings `n` hidden locals (of a `for` loop) into scope.
    fn activate_hidden(&mut self, n: u32) {
        self.fs.active_locals += n;
        for _ in 0..n {
            self.scope.push(HIDDEN_LOCAL.to_vec());
        }
    }

    /// Ends the scope of the locals declared after `active` were.
    fn restore_locals(&mut self, active: u32) {
        self.fs.active_locals = active;
        let base = self.fn_scopes.last().map_or(0, |f| f.base);
        self.scope.truncate(base + active as usize);
    }

    /// Starts the scope of a function body.
    fn open_function(&mut self, line_defined: Line) {
        self.fn_scopes.push(FnScope {
            base: self.scope.len(),
            line_defined,
            upvals: Vec::new(),
        });
    }

    /// Ends the scope of a function body.
    fn close_function(&mut self) {
        if let Some(f) = self.fn_scopes.pop() {
            self.scope.truncate(f.base);
        }
    }

    /// Resolves a variable reference as 5.1 does while parsing: a local of an enclosing
    /// function becomes an upvalue of every function between, each limited to
    /// `LUAI_MAXUPVALUES` (checked from the outermost in, like 5.1's recursion).
    fn resolve_name(&mut self, name: &[u8]) -> PResult<()> {
        let Some(j) = self.scope.iter().rposition(|n| n.as_slice() == name) else {
            return Ok(());
        };
        let owner = self
            .fn_scopes
            .iter()
            .rposition(|f| f.base <= j)
            .unwrap_or(0);
        for level in owner + 1..self.fn_scopes.len() {
            let f = &mut self.fn_scopes[level];
            if !f.upvals.contains(&j) {
                if f.upvals.len() + 1 > LUAI_MAXUPVALUES {
                    let msg = format!(
                        "function at line {} has more than {LUAI_MAXUPVALUES} upvalues",
                        f.line_defined
                    );
                    return Err(SyntaxError::new(self.error_prefix(msg.as_bytes())));
                }
                f.upvals.push(j);
            }
        }
        Ok(())
    }

    // ----- chunk -----

    /// `main -> chunk EOF`
    fn main_chunk(&mut self) -> PResult<Block> {
        let (block, _) = self.chunk()?;
        if !self.check(&Token::Eof) {
            return Err(self.error_expected(&Token::Eof));
        }
        Ok(block)
    }
}

/// Formats a lexer error with the chunk name.
fn lex_error(chunkname: &[u8], e: LexError) -> SyntaxError {
    let mut m = chunkid_sized(chunkname, MAXSRC);
    m.extend_from_slice(format!(":{}: ", e.line).as_bytes());
    m.extend_from_slice(&e.message());
    SyntaxError::new(m)
}

/// `'text'`
fn quoted(text: &[u8]) -> Vec<u8> {
    let mut q = Vec::with_capacity(text.len() + 2);
    q.push(b'\'');
    q.extend_from_slice(text);
    q.push(b'\'');
    q
}

#[cfg(test)]
pub(crate) fn parse_ok(src: &str) -> Block {
    match parse(src.as_bytes(), src.as_bytes()) {
        Ok(b) => b,
        Err(e) => panic!("{src:?}: {e}"),
    }
}

#[cfg(test)]
pub(crate) fn parse_err(src: &str) -> String {
    match parse(src.as_bytes(), b"=t") {
        Ok(b) => panic!("{src:?} parsed: {b:?}"),
        Err(e) => e.to_string(),
    }
}
