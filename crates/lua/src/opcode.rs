//! The instruction set, in one place.
//!
//! A register machine in the shape of Lua 5.1's: 32-bit instructions with an opcode and
//! operands A (8 bits), B and C (9 bits each) or Bx/sBx (18 bits). `R(x)` is register x of
//! the current frame, `K(x)` constant x, `RK(x)` a register if x < 256 else constant
//! x-256, `U(x)` upvalue x, `G[k]` the function's environment table, `pc` the next
//! instruction.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// R(A) := R(B)
    Move = 0,
    /// R(A) := K(Bx)
    LoadK,
    /// R(A) := (B != 0); if C != 0 then pc++
    LoadBool,
    /// R(A) .. R(B) := nil
    LoadNil,
    /// R(A) := U(B)
    GetUpval,
    /// R(A) := G[K(Bx)]
    GetGlobal,
    /// R(A) := R(B)[RK(C)]
    GetTable,
    /// G[K(Bx)] := R(A)
    SetGlobal,
    /// U(B) := R(A)
    SetUpval,
    /// R(A)[RK(B)] := RK(C)
    SetTable,
    /// R(A) := {} with array size fb2int(B) and hash size fb2int(C)
    NewTable,
    /// R(A+1) := R(B); R(A) := R(B)[RK(C)]
    SelfOp,
    /// R(A) := RK(B) + RK(C)
    Add,
    /// R(A) := RK(B) - RK(C)
    Sub,
    /// R(A) := RK(B) * RK(C)
    Mul,
    /// R(A) := RK(B) / RK(C)
    Div,
    /// R(A) := RK(B) % RK(C)
    Mod,
    /// R(A) := RK(B) ^ RK(C)
    Pow,
    /// R(A) := -R(B)
    Unm,
    /// R(A) := not R(B)
    Not,
    /// R(A) := length of R(B)
    Len,
    /// R(A) := R(B) .. ... .. R(C)
    Concat,
    /// pc += sBx
    Jmp,
    /// if (RK(B) == RK(C)) ~= A then pc++
    Eq,
    /// if (RK(B) < RK(C)) ~= A then pc++
    Lt,
    /// if (RK(B) <= RK(C)) ~= A then pc++
    Le,
    /// if not (R(A) <=> C) then pc++
    Test,
    /// if (R(B) <=> C) then R(A) := R(B) else pc++
    TestSet,
    /// R(A), ... ,R(A+C-2) := R(A)(R(A+1), ... ,R(A+B-1))
    Call,
    /// return R(A)(R(A+1), ... ,R(A+B-1))
    TailCall,
    /// return R(A), ... ,R(A+B-2)
    Return,
    /// R(A) += R(A+2); if R(A) <?= R(A+1) then { pc += sBx; R(A+3) := R(A) }
    ForLoop,
    /// R(A) -= R(A+2); pc += sBx
    ForPrep,
    /// R(A+3), ... ,R(A+2+C) := R(A)(R(A+1), R(A+2)); if R(A+3) ~= nil then R(A+2) := R(A+3) else pc++
    TForLoop,
    /// R(A)[(C-1)*FPF+i] := R(A+i), 1 <= i <= B (C == 0: C is the next instruction)
    SetList,
    /// close all upvalues >= R(A)
    Close,
    /// R(A) := closure(KPROTO[Bx]), upvalues from the prototype's descriptors
    Closure,
    /// R(A), R(A+1), ..., R(A+B-2) = vararg
    VarArg,
}

pub const NUM_OPS: usize = Op::VarArg as usize + 1;

/// Names as `luac -l` prints them.
pub const OP_NAMES: [&str; NUM_OPS] = [
    "MOVE",
    "LOADK",
    "LOADBOOL",
    "LOADNIL",
    "GETUPVAL",
    "GETGLOBAL",
    "GETTABLE",
    "SETGLOBAL",
    "SETUPVAL",
    "SETTABLE",
    "NEWTABLE",
    "SELF",
    "ADD",
    "SUB",
    "MUL",
    "DIV",
    "MOD",
    "POW",
    "UNM",
    "NOT",
    "LEN",
    "CONCAT",
    "JMP",
    "EQ",
    "LT",
    "LE",
    "TEST",
    "TESTSET",
    "CALL",
    "TAILCALL",
    "RETURN",
    "FORLOOP",
    "FORPREP",
    "TFORLOOP",
    "SETLIST",
    "CLOSE",
    "CLOSURE",
    "VARARG",
];

/// Operand field sizes and limits (Lua 5.1's lopcodes.h).
pub const SIZE_A: u32 = 8;
pub const SIZE_B: u32 = 9;
pub const SIZE_C: u32 = 9;
pub const SIZE_BX: u32 = SIZE_B + SIZE_C;
pub const MAXARG_A: u32 = (1 << SIZE_A) - 1;
pub const MAXARG_B: u32 = (1 << SIZE_B) - 1;
pub const MAXARG_C: u32 = (1 << SIZE_C) - 1;
pub const MAXARG_BX: u32 = (1 << SIZE_BX) - 1;
pub const MAXARG_SBX: i32 = (MAXARG_BX >> 1) as i32;
/// RK operands >= this are constants.
pub const BITRK: u32 = 1 << (SIZE_B - 1);
/// Largest constant index usable as an RK operand.
pub const MAXINDEXRK: u32 = BITRK - 1;
/// Fields per flush of SETLIST (LFIELDS_PER_FLUSH).
pub const FIELDS_PER_FLUSH: u32 = 50;

const POS_A: u32 = 6;
const POS_C: u32 = POS_A + SIZE_A;
const POS_B: u32 = POS_C + SIZE_C;

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Instr(pub u32);

impl Instr {
    #[inline(always)]
    pub fn abc(op: Op, a: u32, b: u32, c: u32) -> Instr {
        debug_assert!(a <= MAXARG_A && b <= MAXARG_B && c <= MAXARG_C);
        Instr(op as u32 | (a << POS_A) | (c << POS_C) | (b << POS_B))
    }
    #[inline(always)]
    pub fn abx(op: Op, a: u32, bx: u32) -> Instr {
        debug_assert!(a <= MAXARG_A && bx <= MAXARG_BX);
        Instr(op as u32 | (a << POS_A) | (bx << POS_C))
    }
    #[inline(always)]
    pub fn asbx(op: Op, a: u32, sbx: i32) -> Instr {
        Instr::abx(op, a, (sbx + MAXARG_SBX) as u32)
    }
    #[inline(always)]
    pub fn op(self) -> Op {
        let raw = (self.0 & 0x3f) as u8;
        debug_assert!((raw as usize) < NUM_OPS);
        // SAFETY: instructions are only built by the constructors above from an `Op`, or
        // by `set_op`, so the low six bits always hold a valid discriminant of the
        // `repr(u8)` enum `Op` (< NUM_OPS). Binary chunks are validated on load.
        unsafe { std::mem::transmute::<u8, Op>(raw) }
    }
    #[inline(always)]
    pub fn a(self) -> usize {
        ((self.0 >> POS_A) & MAXARG_A) as usize
    }
    #[inline(always)]
    pub fn b(self) -> usize {
        ((self.0 >> POS_B) & MAXARG_B) as usize
    }
    #[inline(always)]
    pub fn c(self) -> usize {
        ((self.0 >> POS_C) & MAXARG_C) as usize
    }
    #[inline(always)]
    pub fn bx(self) -> usize {
        (self.0 >> POS_C) as usize
    }
    #[inline(always)]
    pub fn sbx(self) -> i32 {
        (self.0 >> POS_C) as i32 - MAXARG_SBX
    }
    pub fn set_a(&mut self, a: u32) {
        self.0 = (self.0 & !(MAXARG_A << POS_A)) | (a << POS_A);
    }
    pub fn set_b(&mut self, b: u32) {
        self.0 = (self.0 & !(MAXARG_B << POS_B)) | (b << POS_B);
    }
    pub fn set_c(&mut self, c: u32) {
        self.0 = (self.0 & !(MAXARG_C << POS_C)) | (c << POS_C);
    }
    pub fn set_sbx(&mut self, sbx: i32) {
        let bx = (sbx + MAXARG_SBX) as u32;
        self.0 = (self.0 & ((1 << POS_C) - 1)) | (bx << POS_C);
    }
    /// Validates a raw word read from a binary chunk.
    pub fn from_raw(w: u32) -> Option<Instr> {
        if ((w & 0x3f) as usize) < NUM_OPS {
            Some(Instr(w))
        } else {
            None
        }
    }
}

/// Is the RK operand a constant?
#[inline(always)]
pub fn is_k(x: usize) -> bool {
    x & BITRK as usize != 0
}

/// Operand formats, for the listing printer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    ABC,
    ABx,
    AsBx,
}

pub fn format_of(op: Op) -> Format {
    match op {
        Op::LoadK | Op::GetGlobal | Op::SetGlobal | Op::Closure => Format::ABx,
        Op::Jmp | Op::ForLoop | Op::ForPrep => Format::AsBx,
        _ => Format::ABC,
    }
}

impl fmt::Debug for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.op();
        match format_of(op) {
            Format::ABC => write!(
                f,
                "{} {} {} {}",
                OP_NAMES[op as usize],
                self.a(),
                self.b(),
                self.c()
            ),
            Format::ABx => write!(f, "{} {} {}", OP_NAMES[op as usize], self.a(), self.bx()),
            Format::AsBx => write!(f, "{} {} {}", OP_NAMES[op as usize], self.a(), self.sbx()),
        }
    }
}

/// 5.1's "floating point byte" used by NEWTABLE: eeeeexxx = (1xxx) * 2^(eeeee-1).
pub fn int2fb(mut x: u32) -> u32 {
    let mut e = 0;
    while x >= 16 {
        x = (x + 1) >> 1;
        e += 1;
    }
    if x < 8 {
        x
    } else {
        ((e + 1) << 3) | (x - 8)
    }
}

pub fn fb2int(x: u32) -> usize {
    let e = (x >> 3) & 31;
    if e == 0 {
        x as usize
    } else {
        (((x & 7) + 8) as usize) << (e - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let i = Instr::abc(Op::Add, 3, 257, 12);
        assert_eq!(i.op(), Op::Add);
        assert_eq!((i.a(), i.b(), i.c()), (3, 257, 12));
        let j = Instr::asbx(Op::Jmp, 0, -5);
        assert_eq!(j.sbx(), -5);
        let k = Instr::abx(Op::LoadK, 7, 100_000);
        assert_eq!((k.a(), k.bx()), (7, 100_000));
    }

    #[test]
    fn floating_byte() {
        for x in [0u32, 1, 7, 8, 15, 16, 17, 100, 1000] {
            assert!(fb2int(int2fb(x)) >= x as usize);
        }
        assert_eq!(fb2int(int2fb(3)), 3);
        assert_eq!(fb2int(int2fb(17)), 18);
    }
}
