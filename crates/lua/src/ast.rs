//! The abstract syntax tree produced by the parser and consumed by the compiler.
//!
//! The tree keeps exactly what code generation needs: every node that can emit an
//! instruction carries the source line that instruction should report, strings are raw
//! bytes (Lua strings are not UTF-8), and numbers are already converted. Names of locals
//! are resolved by the compiler, not the parser: the tree only says `Name`.

/// A source line number (1-based).
pub type Line = u32;

/// A whole chunk or function body: `block -> {stat [';']} [laststat [';']]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stats: Vec<Stat>,
    /// `return` / `break` if present (always the last statement).
    pub last: Option<LastStat>,
    /// Line of the token that ends the block (`end`, `until`, `else`, `<eof>` ...).
    pub end_line: Line,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LastStat {
    /// `return [explist]`
    Return { exprs: Vec<Expr>, line: Line },
    /// `break`
    Break { line: Line },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stat {
    /// `varlist '=' explist`
    Assign {
        targets: Vec<Expr>,
        exprs: Vec<Expr>,
        line: Line,
    },
    /// A function call used as a statement (`Expr::Call` or `Expr::Method`).
    Call { call: Expr, line: Line },
    /// `do block end`
    Do { body: Block },
    /// `while exp do block end`
    While { cond: Expr, body: Block, line: Line },
    /// `repeat block until exp` (the condition sees the block's locals)
    Repeat { body: Block, cond: Expr, line: Line },
    /// `if exp then block {elseif exp then block} [else block] end`
    If {
        conds: Vec<(Expr, Block)>,
        else_block: Option<Block>,
        line: Line,
    },
    /// `for Name '=' exp ',' exp [',' exp] do block end`
    NumFor {
        var: Vec<u8>,
        start: Expr,
        limit: Expr,
        step: Option<Expr>,
        body: Block,
        line: Line,
    },
    /// `for namelist in explist do block end`
    GenFor {
        vars: Vec<Vec<u8>>,
        exprs: Vec<Expr>,
        body: Block,
        line: Line,
    },
    /// `function funcname body`; `path` is `a.b.c`, `method` the name after `:`.
    Function {
        path: Vec<Vec<u8>>,
        method: Option<Vec<u8>>,
        func: Box<FuncBody>,
        line: Line,
    },
    /// `local function Name body`
    LocalFunction {
        name: Vec<u8>,
        func: Box<FuncBody>,
        line: Line,
    },
    /// `local namelist ['=' explist]`
    Local {
        names: Vec<Vec<u8>>,
        exprs: Vec<Expr>,
        line: Line,
    },
}

/// `funcbody -> '(' [parlist] ')' block end`
#[derive(Debug, Clone, PartialEq)]
pub struct FuncBody {
    /// Parameter names; a method body has `self` inserted first by the parser.
    pub params: Vec<Vec<u8>>,
    pub is_vararg: bool,
    /// The body uses `...` directly (so 5.1's compat `arg` table is not built).
    pub uses_dots: bool,
    pub body: Block,
    /// Line of the `function` keyword.
    pub line: Line,
    /// Line of the closing `end`.
    pub end_line: Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Len,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Nil,
    True,
    False,
    Number(f64),
    Str(Vec<u8>),
    /// `...`
    Vararg {
        line: Line,
    },
    Function(Box<FuncBody>),
    /// A variable name; local, upvalue or global is decided by the compiler.
    Name {
        name: Vec<u8>,
        line: Line,
    },
    /// `prefix[key]`, and `prefix.name` as `key = Str(name)`.
    Index {
        obj: Box<Expr>,
        key: Box<Expr>,
        line: Line,
    },
    /// `f(args)`, `f{...}`, `f"str"`; `line` is the line of the `(` (or argument).
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        line: Line,
    },
    /// `obj:name(args)`
    Method {
        obj: Box<Expr>,
        name: Vec<u8>,
        args: Vec<Expr>,
        line: Line,
    },
    /// `( exp )`: truncates multiple results to one.
    Paren(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        line: Line,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
        line: Line,
    },
    Table {
        array: Vec<Expr>,
        hash: Vec<(Expr, Expr)>,
        items: Vec<TableItem>,
        line: Line,
    },
}

/// One field of a table constructor, in source order. `Positional(i)` refers to
/// `array[i]`, `Keyed(i)` to `hash[i]`; the compiler needs the interleaving to evaluate
/// fields in order and to flush positional items in batches as 5.1 does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableItem {
    Positional(usize),
    Keyed(usize),
}

impl Expr {
    /// Calls and `...` can produce multiple values.
    pub fn is_multi(&self) -> bool {
        matches!(
            self,
            Expr::Call { .. } | Expr::Method { .. } | Expr::Vararg { .. }
        )
    }
}
