//! Binary chunks: `string.dump` output and loading it back.
//!
//! The format is rlua51's own (PUC's bytecode is different), introduced by the same
//! `ESC "Lua"` signature so loaders recognise it. Loading validates every instruction
//! against the function's register count, constants, nested functions and code length:
//! the VM reads registers and constants without bounds checks, so a forged chunk must be
//! rejected here (`bad binary format`), never run.

use crate::func::{LocVar, Proto, UpvalDesc};
use crate::opcode::{is_k, Instr, Op, BITRK};
use crate::string::StrRef;
use crate::value::Value;
use crate::vm::Lua;
use std::rc::Rc;

/// Signature, version (0x51) and this format's marker.
const HEADER: &[u8] = b"\x1bLua\x51\xd1";
/// Registers a function may use (MAXSTACK).
const MAX_REGS: usize = 250;
/// Nesting of functions accepted in a binary chunk (bounds the loader's recursion).
const MAX_NESTING: u32 = 200;

/// Serialises a function prototype (with debug information).
pub fn dump(p: &Proto) -> Vec<u8> {
    let mut out = HEADER.to_vec();
    dump_proto(p, &mut out);
    out
}

fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s);
}

fn dump_proto(p: &Proto, out: &mut Vec<u8>) {
    put_str(out, p.source.as_bytes());
    put_u32(out, p.line_defined);
    put_u32(out, p.last_line_defined);
    out.extend_from_slice(&[p.num_params, p.is_vararg, p.max_stack]);
    put_u32(out, p.code.len() as u32);
    for i in &p.code {
        put_u32(out, i.0);
    }
    put_u32(out, p.constants.len() as u32);
    for k in &p.constants {
        match k {
            Value::Nil => out.push(0),
            Value::Bool(b) => out.extend_from_slice(&[1, *b as u8]),
            Value::Num(n) => {
                out.push(3);
                out.extend_from_slice(&n.to_bits().to_le_bytes());
            }
            Value::Str(s) => {
                out.push(4);
                put_str(out, s.as_bytes());
            }
            _ => out.push(0),
        }
    }
    put_u32(out, p.protos.len() as u32);
    for c in &p.protos {
        dump_proto(c, out);
    }
    put_u32(out, p.upvals.len() as u32);
    for u in &p.upvals {
        out.extend_from_slice(&[u.in_stack as u8, u.index]);
    }
    put_u32(out, p.lines.len() as u32);
    for l in &p.lines {
        put_u32(out, *l);
    }
    put_u32(out, p.locvars.len() as u32);
    for lv in &p.locvars {
        put_str(out, lv.name.as_bytes());
        put_u32(out, lv.start_pc);
        put_u32(out, lv.end_pc);
    }
    put_u32(out, p.upval_names.len() as u32);
    for n in &p.upval_names {
        put_str(out, n.as_bytes());
    }
}

struct Reader<'a, 'l> {
    data: &'a [u8],
    pos: usize,
    l: &'l mut Lua,
}

type R<T> = Result<T, String>;

impl Reader<'_, '_> {
    fn bytes(&mut self, n: usize) -> R<&[u8]> {
        if self.data.len() - self.pos < n {
            return Err("unexpected end".into());
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> R<u8> {
        Ok(self.bytes(1)?[0])
    }
    fn u32(&mut self) -> R<u32> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// A count of items that each take at least `min` bytes (guards huge allocations).
    fn count(&mut self, min: usize) -> R<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min) > self.data.len() - self.pos {
            return Err("bad count".into());
        }
        Ok(n)
    }
    fn string(&mut self) -> R<StrRef> {
        let n = self.count(1)?;
        let s = self.bytes(n)?.to_vec();
        self.l
            .new_str(&s)
            .map_err(|_| "not enough memory".to_string())
    }

    fn proto(&mut self, depth: u32, parent: Option<(usize, usize)>) -> R<Proto> {
        if depth > MAX_NESTING {
            return Err("too deep".into());
        }
        let source = self.string()?;
        let line_defined = self.u32()?;
        let last_line_defined = self.u32()?;
        let num_params = self.u8()?;
        let is_vararg = self.u8()?;
        let max_stack = self.u8()?;
        let ncode = self.count(4)?;
        let mut code = Vec::with_capacity(ncode);
        for _ in 0..ncode {
            let w = self.u32()?;
            code.push(Instr(w));
        }
        let nk = self.count(1)?;
        let mut constants = Vec::with_capacity(nk);
        for _ in 0..nk {
            let v = match self.u8()? {
                0 => Value::Nil,
                1 => Value::Bool(self.u8()? != 0),
                3 => {
                    let b = self.bytes(8)?;
                    Value::Num(f64::from_bits(u64::from_le_bytes(b.try_into().unwrap())))
                }
                4 => Value::Str(self.string()?),
                _ => return Err("bad constant".into()),
            };
            constants.push(v);
        }
        let np = self.count(1)?;
        let mut protos = Vec::with_capacity(np);
        // Children are checked against this function's registers and upvalues, which are
        // known only after reading them; read the rest first.
        let mut children_raw = Vec::with_capacity(np);
        for _ in 0..np {
            // Placeholder: parse with the parent's limits filled in below.
            children_raw.push(self.proto(depth + 1, Some((max_stack as usize, usize::MAX)))?);
        }
        let nu = self.count(2)?;
        let mut upvals = Vec::with_capacity(nu);
        for _ in 0..nu {
            let in_stack = self.u8()? != 0;
            let index = self.u8()?;
            upvals.push(UpvalDesc { in_stack, index });
        }
        let nl = self.count(4)?;
        let mut lines = Vec::with_capacity(nl);
        for _ in 0..nl {
            lines.push(self.u32()?);
        }
        let nv = self.count(12)?;
        let mut locvars = Vec::with_capacity(nv);
        for _ in 0..nv {
            let name = self.string()?;
            let start_pc = self.u32()?;
            let end_pc = self.u32()?;
            locvars.push(LocVar {
                name,
                start_pc,
                end_pc,
            });
        }
        let nn = self.count(4)?;
        let mut upval_names = Vec::with_capacity(nn);
        for _ in 0..nn {
            upval_names.push(self.string()?);
        }
        // Upvalue descriptors must fit the enclosing function.
        match parent {
            // A dumped function with upvalues loads with fresh (nil) ones, as in 5.1.
            None => {}
            Some((pstack, _)) => {
                for u in &upvals {
                    if u.in_stack && u.index as usize >= pstack {
                        return Err("bad upvalue".into());
                    }
                }
            }
        }
        for c in &children_raw {
            for u in &c.upvals {
                if !u.in_stack && u.index as usize >= upvals.len() {
                    return Err("bad upvalue".into());
                }
            }
        }
        protos.extend(children_raw.into_iter().map(Rc::new));
        let p = Proto {
            code,
            lines,
            constants,
            protos,
            upvals,
            upval_names,
            locvars,
            num_params,
            is_vararg,
            max_stack,
            source,
            line_defined,
            last_line_defined,
        };
        check_code(&p)?;
        Ok(p)
    }
}

/// Verifies the invariants the VM relies on (see `vm/execute.rs`).
fn check_code(p: &Proto) -> R<()> {
    let n = p.code.len();
    let ms = p.max_stack as usize;
    let nk = p.constants.len();
    let bad = || Err::<(), String>("bad code".into());
    if ms > MAX_REGS
        || (p.num_params as usize) + ((p.is_vararg & 1) as usize) > ms
        || n == 0
        || p.lines.len() != n
    {
        return bad();
    }
    if p.upval_names.len() > p.upvals.len() {
        return bad();
    }
    let reg = |r: usize| r < ms;
    let rk = |x: usize| {
        if is_k(x) {
            (x - BITRK as usize) < nk
        } else {
            x < ms
        }
    };
    let mut pc = 0;
    let mut last_op = Op::Return;
    while pc < n {
        let Some(i) = Instr::from_raw(p.code[pc].0) else {
            return bad();
        };
        let op = i.op();
        last_op = op;
        let (a, b, c) = (i.a(), i.b(), i.c());
        let jump_ok = |from: usize, off: i32| {
            let t = from as i64 + 1 + off as i64;
            t >= 0 && (t as usize) < n
        };
        let next_is_jmp =
            pc + 1 < n && Instr::from_raw(p.code[pc + 1].0).is_some_and(|j| j.op() == Op::Jmp);
        let ok = match op {
            Op::Move | Op::Unm | Op::Not | Op::Len => reg(a) && reg(b),
            Op::LoadK => reg(a) && i.bx() < nk,
            Op::GetGlobal | Op::SetGlobal => reg(a) && i.bx() < nk,
            Op::LoadBool => reg(a) && (c == 0 || pc + 2 <= n),
            Op::LoadNil => reg(a) && reg(b) && a <= b,
            Op::GetUpval | Op::SetUpval => reg(a) && b < p.upvals.len(),
            Op::GetTable => reg(a) && reg(b) && rk(c),
            Op::SetTable => reg(a) && rk(b) && rk(c),
            Op::NewTable => reg(a),
            Op::SelfOp => reg(a + 1) && reg(b) && rk(c),
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow => reg(a) && rk(b) && rk(c),
            Op::Concat => reg(a) && b < c && reg(c),
            Op::Jmp => jump_ok(pc, i.sbx()),
            Op::Eq | Op::Lt | Op::Le => rk(b) && rk(c) && next_is_jmp,
            Op::Test => reg(a) && next_is_jmp,
            Op::TestSet => reg(a) && reg(b) && next_is_jmp,
            Op::Call | Op::TailCall => {
                reg(a) && (b == 0 || reg(a + b - 1)) && (c < 2 || reg(a + c - 2))
            }
            Op::Return => b == 1 || (reg(a) && (b == 0 || reg(a + b - 2))),
            Op::ForLoop | Op::ForPrep => reg(a + 3) && jump_ok(pc, i.sbx()),
            Op::TForLoop => reg(a + 3 + c.max(1) - 1) && c >= 1 && next_is_jmp,
            Op::SetList => reg(a) && (b == 0 || reg(a + b)) && (c != 0 || pc + 1 < n),
            Op::Close => reg(a),
            Op::Closure => reg(a) && i.bx() < p.protos.len(),
            Op::VarArg => reg(a) && (b < 2 || reg(a + b - 2)),
        };
        if !ok {
            return bad();
        }
        if op == Op::SetList && c == 0 {
            pc += 1; // the batch number word
        }
        pc += 1;
    }
    if last_op != Op::Return {
        return bad();
    }
    Ok(())
}

/// Reads a binary chunk produced by `dump`.
pub fn undump(l: &mut Lua, data: &[u8], chunkname: &[u8]) -> Result<Rc<Proto>, String> {
    // Named as 5.1's loader names chunks in its messages.
    let name = match chunkname.first() {
        Some(b'@') | Some(b'=') => String::from_utf8_lossy(&chunkname[1..]).into_owned(),
        Some(0x1b) => "binary string".to_string(),
        _ => String::from_utf8_lossy(chunkname).into_owned(),
    };
    if !data.starts_with(HEADER) {
        return Err(format!("{}: bad header in precompiled chunk", name));
    }
    let mut r = Reader {
        data,
        pos: HEADER.len(),
        l,
    };
    match r.proto(0, None) {
        Ok(p) if r.pos == data.len() => Ok(Rc::new(p)),
        Ok(_) => Err(format!("{}: trailing data in precompiled chunk", name)),
        Err(e) => Err(format!("{}: {} in precompiled chunk", name, e)),
    }
}
