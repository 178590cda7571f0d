//! Bytecode listing in the shape of `luac -l -l`, for `rlua51 --list`.
//!
//! Differences from luac: closures take their upvalues from descriptors in the
//! prototype, so no MOVE/GETUPVAL pseudo-instructions follow CLOSURE.

use crate::func::Proto;
use crate::opcode::{format_of, is_k, Format, Op, BITRK, OP_NAMES};
use crate::value::Value;
use std::fmt::Write;

fn const_text(v: &Value) -> String {
    match v {
        Value::Str(s) => {
            let mut out = String::from("\"");
            for &c in s.as_bytes() {
                match c {
                    b'"' => out.push_str("\\\""),
                    b'\\' => out.push_str("\\\\"),
                    b'\n' => out.push_str("\\n"),
                    b'\r' => out.push_str("\\r"),
                    b'\t' => out.push_str("\\t"),
                    0x20..=0x7e => out.push(c as char),
                    _ => {
                        let _ = write!(out, "\\{:03}", c);
                    }
                }
            }
            out.push('"');
            out
        }
        Value::Num(n) => {
            let mut b = Vec::new();
            crate::number::fmt_number(*n, &mut b);
            String::from_utf8_lossy(&b).into_owned()
        }
        Value::Nil => "nil".into(),
        Value::Bool(b) => b.to_string(),
        _ => "?".into(),
    }
}

/// Lists `p` and its nested functions.
pub fn list(p: &Proto, out: &mut String) {
    let src = String::from_utf8_lossy(&crate::chunkid::chunkid(p.source.as_bytes())).into_owned();
    let kind = if p.line_defined == 0 {
        "main"
    } else {
        "function"
    };
    let _ = writeln!(
        out,
        "\n{} <{}:{},{}> ({} instructions)",
        kind,
        src,
        p.line_defined,
        p.last_line_defined,
        p.code.len()
    );
    let _ = writeln!(
        out,
        "{}{} param{}, {} slot{}, {} upvalue{}, {} local{}, {} constant{}, {} function{}",
        p.num_params,
        if p.is_vararg != 0 { "+" } else { "" },
        if p.num_params == 1 { "" } else { "s" },
        p.max_stack,
        if p.max_stack == 1 { "" } else { "s" },
        p.upvals.len(),
        if p.upvals.len() == 1 { "" } else { "s" },
        p.locvars.len(),
        if p.locvars.len() == 1 { "" } else { "s" },
        p.constants.len(),
        if p.constants.len() == 1 { "" } else { "s" },
        p.protos.len(),
        if p.protos.len() == 1 { "" } else { "s" },
    );
    for (pc, i) in p.code.iter().enumerate() {
        let op = i.op();
        let line = p.lines.get(pc).copied().unwrap_or(0);
        let mut s = format!("\t{}\t[{}]\t{:<9}\t", pc + 1, line, OP_NAMES[op as usize]);
        let rk = |x: usize| -> String {
            if is_k(x) {
                format!("{}", -1 - (x - BITRK as usize) as i64)
            } else {
                x.to_string()
            }
        };
        match format_of(op) {
            Format::ABC => {
                let _ = write!(s, "{} {} {}", i.a(), rk(i.b()), rk(i.c()));
            }
            Format::ABx => {
                let bx = i.bx();
                let shown = if op == Op::Closure {
                    bx as i64
                } else {
                    -1 - bx as i64
                };
                let _ = write!(s, "{} {}", i.a(), shown);
            }
            Format::AsBx if op == Op::Jmp => {
                let _ = write!(s, "{}", i.sbx());
            }
            Format::AsBx => {
                let _ = write!(s, "{} {}", i.a(), i.sbx());
            }
        }
        let comment = match op {
            Op::LoadK | Op::GetGlobal | Op::SetGlobal => {
                format!(
                    "\t; {}",
                    p.constants.get(i.bx()).map(const_text).unwrap_or_default()
                )
            }
            Op::Jmp | Op::ForLoop | Op::ForPrep => {
                format!("\t; to {}", pc as i64 + 2 + i.sbx() as i64)
            }
            Op::GetUpval | Op::SetUpval => format!(
                "\t; {}",
                p.upval_names
                    .get(i.b())
                    .map(|n| n.to_str_lossy().into_owned())
                    .unwrap_or_default()
            ),
            _ => {
                let mut c = String::new();
                for x in [i.b(), i.c()] {
                    if is_k(x) && matches!(format_of(op), Format::ABC) && op != Op::SetList {
                        if let Some(k) = p.constants.get(x - BITRK as usize) {
                            if c.is_empty() {
                                c.push_str("\t; ");
                            } else {
                                c.push(' ');
                            }
                            c.push_str(&const_text(k));
                        }
                    }
                }
                c
            }
        };
        s.push_str(&comment);
        let _ = writeln!(out, "{}", s);
    }
    let _ = writeln!(out, "constants ({}):", p.constants.len());
    for (k, v) in p.constants.iter().enumerate() {
        let _ = writeln!(out, "\t{}\t{}", k + 1, const_text(v));
    }
    let _ = writeln!(out, "locals ({}):", p.locvars.len());
    for (k, lv) in p.locvars.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}\t{}\t{}\t{}",
            k,
            lv.name.to_str_lossy(),
            lv.start_pc + 1,
            lv.end_pc + 1
        );
    }
    let _ = writeln!(out, "upvalues ({}):", p.upval_names.len());
    for (k, n) in p.upval_names.iter().enumerate() {
        let _ = writeln!(out, "\t{}\t{}", k, n.to_str_lossy());
    }
    for c in &p.protos {
        list(c, out);
    }
}

/// Compiles `source` and lists it.
pub fn list_source(
    l: &mut crate::vm::Lua,
    source: &[u8],
    chunkname: &[u8],
) -> Result<String, String> {
    let f = l.load(source, chunkname).map_err(|e| e.to_string())?;
    let mut out = String::new();
    if let Value::LuaFn(cl) = f {
        list(&cl.proto, &mut out);
    }
    Ok(out)
}
