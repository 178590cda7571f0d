//! Tree shapes: syntactic sugar, operator precedence, and the line numbers attached to
//! nodes. The expected lines are those lua5.1 reports: runtime errors of
//! `pcall(loadstring(src, "=c"))`, `debug.getinfo(f).linedefined/lastlinedefined`, and
//! the line column of `luac5.1 -l` (noted beside each case).

use lua51::ast::{BinOp, Block, Expr, FuncBody, LastStat, Stat, TableItem, UnOp};
use lua51::parse::parse;

fn p(src: &str) -> Block {
    parse(src.as_bytes(), b"=t").unwrap_or_else(|e| panic!("{src:?}: {e}"))
}

/// The value of `local x = <...>` in the last statement.
fn local_value(b: &Block) -> &Expr {
    match b.stats.last() {
        Some(Stat::Local { exprs, .. }) => &exprs[0],
        s => panic!("{s:?}"),
    }
}

fn expr_line(e: &Expr) -> u32 {
    match e {
        Expr::Binary { line, .. }
        | Expr::Unary { line, .. }
        | Expr::Index { line, .. }
        | Expr::Call { line, .. }
        | Expr::Method { line, .. }
        | Expr::Name { line, .. }
        | Expr::Vararg { line }
        | Expr::Table { line, .. } => *line,
        e => panic!("no line: {e:?}"),
    }
}

fn name(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

// ----- sugar -----

#[test]
fn field_access_is_index_with_string_key() {
    let b = p("local x = a.b");
    match local_value(&b) {
        Expr::Index { obj, key, .. } => {
            assert!(matches!(&**obj, Expr::Name { name: n, .. } if n == b"a"));
            assert_eq!(**key, Expr::Str(name("b")));
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn method_definition_gets_self() {
    let b = p("function a.b.c:m(x, ...) return ... end");
    match &b.stats[0] {
        Stat::Function {
            path,
            method,
            func,
            line: 1,
        } => {
            assert_eq!(path, &vec![name("a"), name("b"), name("c")]);
            assert_eq!(method, &Some(name("m")));
            assert_eq!(func.params, vec![name("self"), name("x")]);
            assert!(func.is_vararg);
            assert!(func.uses_dots);
        }
        s => panic!("{s:?}"),
    }
    let b = p("function f(...) end");
    match &b.stats[0] {
        Stat::Function {
            path,
            method: None,
            func,
            ..
        } => {
            assert_eq!(path, &vec![name("f")]);
            assert!(func.is_vararg && !func.uses_dots);
            assert!(func.params.is_empty());
        }
        s => panic!("{s:?}"),
    }
}

#[test]
fn call_statements_hold_calls() {
    let b = p("f(1, 2) o:m 'x' g { 1 } a.b.c:d()");
    let calls: Vec<&Expr> = b
        .stats
        .iter()
        .map(|s| match s {
            Stat::Call { call, .. } => call,
            s => panic!("{s:?}"),
        })
        .collect();
    assert!(matches!(calls[0], Expr::Call { args, .. } if args.len() == 2));
    assert!(
        matches!(calls[1], Expr::Method { name: n, args, .. } if n == b"m" && args == &vec![Expr::Str(name("x"))])
    );
    assert!(matches!(calls[2], Expr::Call { args, .. } if matches!(args[0], Expr::Table { .. })));
    assert!(matches!(calls[3], Expr::Method { obj, .. } if matches!(**obj, Expr::Index { .. })));
}

#[test]
fn string_and_table_call_chains() {
    // f"a""b"{c} is ((f"a")"b"){c}
    let b = p("local x = f'a''b'{c}");
    match local_value(&b) {
        Expr::Call { func, args, .. } => {
            assert!(matches!(args[0], Expr::Table { .. }));
            assert!(
                matches!(&**func, Expr::Call { func, .. } if matches!(**func, Expr::Call { .. }))
            );
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn table_constructor_keeps_source_order() {
    let b = p("local x = {f(), a = 1, [k] = 2, ...; 'z'}");
    match local_value(&b) {
        Expr::Table {
            array,
            hash,
            items,
            line: 1,
        } => {
            assert!(matches!(array[0], Expr::Call { .. }));
            assert!(matches!(array[1], Expr::Vararg { .. }));
            assert_eq!(array[2], Expr::Str(name("z")));
            assert_eq!(hash[0], (Expr::Str(name("a")), Expr::Number(1.0)));
            assert!(matches!(hash[1].0, Expr::Name { .. }));
            assert_eq!(
                items,
                &vec![
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
}

#[test]
fn multiple_assignment_and_locals() {
    let b = p("a, b.c, d[1] = 1, 2, 3\nlocal x, y\nlocal function f() end");
    assert!(
        matches!(&b.stats[0], Stat::Assign { targets, exprs, .. } if targets.len() == 3 && exprs.len() == 3)
    );
    assert!(
        matches!(&b.stats[1], Stat::Local { names, exprs, .. } if names.len() == 2 && exprs.is_empty())
    );
    assert!(matches!(&b.stats[2], Stat::LocalFunction { name: n, .. } if n == b"f"));
}

#[test]
fn parentheses_are_kept() {
    let b = p("return (f()), (...), (a)");
    match &b.last {
        Some(LastStat::Return { exprs, .. }) => {
            assert!(exprs.iter().all(|e| matches!(e, Expr::Paren(_))));
            assert!(!exprs[0].is_multi());
        }
        l => panic!("{l:?}"),
    }
}

#[test]
fn numbers_and_strings_are_converted() {
    let b = p("return 0x10, 1e2, .5, 'a\\65\\n', [[\nx]]");
    match &b.last {
        Some(LastStat::Return { exprs, .. }) => assert_eq!(
            exprs,
            &vec![
                Expr::Number(16.0),
                Expr::Number(100.0),
                Expr::Number(0.5),
                Expr::Str(b"aA\n".to_vec()),
                Expr::Str(b"x".to_vec()),
            ]
        ),
        l => panic!("{l:?}"),
    }
}

// ----- precedence -----

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
fn precedence_matches_lua51() {
    let cases = [
        ("1 + 2 * 3 ^ 4", "(Add 1 (Mul 2 (Pow 3 4)))"),
        ("-2 ^ 2", "(Neg (Pow 2 2))"),
        ("2 ^ -2", "(Pow 2 (Neg 2))"),
        ("2 ^ 3 ^ 2", "(Pow 2 (Pow 3 2))"),
        ("a .. b .. c", "(Concat a (Concat b c))"),
        ("a + b .. c + d", "(Concat (Add a b) (Add c d))"),
        ("a .. b == c", "(Eq (Concat a b) c)"),
        ("not a and b or c", "(Or (And (Not a) b) c)"),
        ("a or b or c", "(Or (Or a b) c)"),
        ("a < b == c", "(Eq (Lt a b) c)"),
        ("- - a", "(Neg (Neg a))"),
        ("#a ^ 2", "(Len (Pow a 2))"),
        ("a / b * c % d", "(Mod (Mul (Div a b) c) d)"),
        ("a - b + c", "(Add (Sub a b) c)"),
        ("not not a == b", "(Eq (Not (Not a)) b)"),
        ("a and b == c", "(And a (Eq b c))"),
        ("(a + b) ^ c", "(Pow [(Add a b)] c)"),
    ];
    for (src, want) in cases {
        let b = p(&format!("local x = {src}"));
        assert_eq!(sexp(local_value(&b)), want, "{src}");
    }
    assert!(matches!(
        local_value(&p("local x = 1 < 2")),
        Expr::Binary { op: BinOp::Lt, .. }
    ));
    assert!(matches!(
        local_value(&p("local x = #t")),
        Expr::Unary { op: UnOp::Len, .. }
    ));
}

// ----- lines -----

#[test]
fn binary_and_unary_lines_are_the_last_operand_line() {
    // lua5.1: "local a\nlocal x = a\n+\n1" -> c:4: attempt to perform arithmetic ...
    assert_eq!(expr_line(local_value(&p("local a\nlocal x = a\n+\n1"))), 4);
    // "local a\nlocal x = a +\n1" -> c:3
    assert_eq!(expr_line(local_value(&p("local a\nlocal x = a +\n1"))), 3);
    // "local a\nlocal x = a\n..\n'x'" -> c:4: attempt to concatenate
    assert_eq!(
        expr_line(local_value(&p("local a\nlocal x = a\n..\n'x'"))),
        4
    );
    // "local a\nlocal x = a\n<\n1" -> c:4: attempt to compare
    assert_eq!(expr_line(local_value(&p("local a\nlocal x = a\n<\n1"))), 4);
    // "local a\nlocal x = -\na" -> c:3; "#\na" -> c:3
    assert_eq!(expr_line(local_value(&p("local a\nlocal x = -\na"))), 3);
    assert_eq!(expr_line(local_value(&p("local a\nlocal x = #\na"))), 3);
}

#[test]
fn index_lines_are_the_key_or_bracket_line() {
    // "local a\nlocal x = a\n.\nb" -> c:4: attempt to index local 'a'
    assert_eq!(expr_line(local_value(&p("local a\nlocal x = a\n.\nb"))), 4);
    // "local a\nlocal x = a\n[\n1\n]" -> c:5
    assert_eq!(
        expr_line(local_value(&p("local a\nlocal x = a\n[\n1\n]"))),
        5
    );
}

#[test]
fn call_lines_are_the_argument_opener_line() {
    // "local a\nlocal x = a\n[[\nx]]" -> c:4: attempt to call local 'a'
    assert_eq!(
        expr_line(local_value(&p("local a\nlocal x = a\n[[\nx]]"))),
        4
    );
    assert_eq!(expr_line(local_value(&p("local x = f(\n1\n)"))), 1);
    assert_eq!(expr_line(local_value(&p("local x = f\n{\n}"))), 2);
    assert_eq!(expr_line(local_value(&p("local x = o:m(\n)"))), 1);
    let b = p("\n\nf(\n1)");
    assert!(matches!(b.stats[0], Stat::Call { line: 3, .. }));
}

#[test]
fn for_lines() {
    // "local a\nfor i = 1, a\ndo end" -> c:3: 'for' limit must be a number
    let b = p("local a\nfor i = 1, a\ndo end");
    assert!(matches!(b.stats[1], Stat::NumFor { line: 3, .. }));
    // "for k in\n1\ndo end" -> c:2: attempt to call a number value
    let b = p("for k in\n1\ndo end");
    assert!(matches!(b.stats[0], Stat::GenFor { line: 2, .. }));
}

fn func_lines(f: &FuncBody) -> (u32, u32) {
    (f.line, f.end_line)
}

#[test]
fn function_lines_match_linedefined() {
    // debug.getinfo(f).linedefined, lastlinedefined in lua5.1:
    // "local function f\n(\n)\nend" -> 2 4
    match &p("local function f\n(\n)\nend").stats[0] {
        Stat::LocalFunction { func, .. } => assert_eq!(func_lines(func), (2, 4)),
        s => panic!("{s:?}"),
    }
    // "local f = function\n(\n)\nend" -> 2 4
    match local_value(&p("local f = function\n(\n)\nend")) {
        Expr::Function(func) => assert_eq!(func_lines(func), (2, 4)),
        e => panic!("{e:?}"),
    }
    // "function f\n(\n)\nend" -> 1 4
    match &p("function f\n(\n)\nend").stats[0] {
        Stat::Function { func, line: 1, .. } => assert_eq!(func_lines(func), (1, 4)),
        s => panic!("{s:?}"),
    }
}

#[test]
fn block_end_lines_are_the_last_token_of_the_block() {
    // luac5.1 -l of this chunk: the loop's back jump is on line 3, the then-block's
    // jump over the else part on line 7, the final RETURN on line 10.
    let b = p(
        "local x = 1\nwhile x do\n  x = nil\n\nend\nif x then\n  x = 2\nelse\n  x = 3\nend\n\n\n",
    );
    assert_eq!(b.end_line, 10);
    match &b.stats[1] {
        Stat::While { body, line: 2, .. } => assert_eq!(body.end_line, 3),
        s => panic!("{s:?}"),
    }
    match &b.stats[2] {
        Stat::If {
            conds,
            else_block: Some(e),
            line: 6,
        } => {
            assert_eq!(conds[0].1.end_line, 7);
            assert_eq!(e.end_line, 9);
        }
        s => panic!("{s:?}"),
    }
    // An empty body ends on the line of its opening keyword.
    match &p("while x\ndo\n\nend").stats[0] {
        Stat::While { body, .. } => assert_eq!(body.end_line, 2),
        s => panic!("{s:?}"),
    }
}

#[test]
fn statement_lines() {
    let b = p("a,\nb =\n1,\n2\nlocal c =\n3\nreturn\n4\n;");
    assert!(matches!(b.stats[0], Stat::Assign { line: 4, .. }));
    assert!(matches!(b.stats[1], Stat::Local { line: 6, .. }));
    assert!(matches!(b.last, Some(LastStat::Return { line: 8, .. })));
    let b = p("while x do\n\nbreak end");
    match &b.stats[0] {
        Stat::While { body, .. } => assert!(matches!(body.last, Some(LastStat::Break { line: 3 }))),
        s => panic!("{s:?}"),
    }
}

#[test]
fn lines_count_every_newline_style() {
    let b = p("\r\n\n\r\r\nlocal x = y");
    assert_eq!(expr_line(local_value(&b)), 4);
}
