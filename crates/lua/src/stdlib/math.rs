//! The `math` library of Lua 5.1, including the compatibility alias `math.mod`.
//!
//! The elementary functions call the platform's C math library through `f64`'s methods,
//! as Lua 5.1 does, so results agree with lua5.1 bit for bit. `frexp`, `ldexp` and
//! `modf` are written out here because Rust's standard library has no equivalent.
//!
//! `math.random`/`math.randomseed` use the generator Redis installs for scripts
//! (a 48-bit linear congruential generator like POSIX `drand48`), not C's `rand()`, so
//! sequences are the same on every platform and an embedder can reseed the generator
//! (`set_random_seed`). Its state lives in a userdata kept in the registry and shared by
//! both functions. Tests: `lua-tests/math/`.

use crate::error::LuaResult;
use crate::stdlib::table::check_int;
use crate::value::Value;
use crate::vm::Lua;
use std::cell::Cell;

/// Initial generator state, as Redis sets it at process start (`0x1234ABCD330E`).
pub const RANDOM_INITIAL_STATE: u64 = 0x1234_ABCD_330E;
/// Multiplier of the 48-bit LCG (POSIX `drand48`'s `a`).
const LCG_MUL: u64 = 0x5_DEEC_E66D;
/// Increment of the 48-bit LCG (POSIX `drand48`'s `c`).
const LCG_ADD: u64 = 0xB;
/// The state is 48 bits wide.
const LCG_MASK: u64 = (1 << 48) - 1;
/// Low 16 bits of a freshly seeded state (POSIX `srand48`).
const SEED_LOW: u64 = 0x330E;
/// Largest value `lrand48` returns plus one is 2^31; Redis divides by INT32_MAX.
const RAND_MAX: u64 = 2_147_483_647;
/// Registry key of the generator's userdata.
const RANDOM_KEY: &[u8] = b"_MATH_RANDOM_STATE";

/// The 48-bit linear congruential generator Redis uses for `math.random`.
#[derive(Debug)]
pub struct Rand48 {
    state: Cell<u64>,
}

impl Rand48 {
    pub fn new() -> Rand48 {
        Rand48 {
            state: Cell::new(RANDOM_INITIAL_STATE),
        }
    }

    /// `srand48(seed)`: the seed's 32 bits above the fixed low half-word.
    pub fn seed(&self, seed: u32) {
        self.state.set(((seed as u64) << 16) | SEED_LOW);
    }

    /// `lrand48()`: advances the state and returns its top 31 bits.
    pub fn next_u31(&self) -> u32 {
        let x = self.state.get().wrapping_mul(LCG_MUL).wrapping_add(LCG_ADD) & LCG_MASK;
        self.state.set(x);
        (x >> 17) as u32
    }

    /// A number in [0, 1), as Redis's `math.random()` computes it.
    pub fn next_f64(&self) -> f64 {
        (self.next_u31() as u64 % RAND_MAX) as f64 / RAND_MAX as f64
    }

    pub fn state(&self) -> u64 {
        self.state.get()
    }

    pub fn set_state(&self, x: u64) {
        self.state.set(x & LCG_MASK);
    }
}

impl Default for Rand48 {
    fn default() -> Self {
        Rand48::new()
    }
}

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let t = l.new_table()?;
    l.register_lib(
        t,
        &[
            ("abs", abs),
            ("acos", acos),
            ("asin", asin),
            ("atan", atan),
            ("atan2", atan2),
            ("ceil", ceil),
            ("cos", cos),
            ("cosh", cosh),
            ("deg", deg),
            ("exp", exp),
            ("floor", floor),
            ("fmod", fmod),
            ("frexp", frexp),
            ("ldexp", ldexp),
            ("log", log),
            ("log10", log10),
            ("max", max),
            ("min", min),
            ("mod", fmod),
            ("modf", modf),
            ("pow", pow),
            ("rad", rad),
            ("sin", sin),
            ("sinh", sinh),
            ("sqrt", sqrt),
            ("tan", tan),
            ("tanh", tanh),
        ],
    )?;
    // The generator: one userdata in the registry, also an upvalue of both functions.
    let gen = l.new_userdata(Box::new(Rand48::new()), None)?;
    let key = l.str_value(RANDOM_KEY)?;
    let reg = l.registry();
    l.raw_set(reg, key, gen)?;
    let random_fn = l.new_native_with("random", crate::func::NativeKind::Fn(random), vec![gen])?;
    let seed_fn = l.new_native_with(
        "randomseed",
        crate::func::NativeKind::Fn(randomseed),
        vec![gen],
    )?;
    for (name, f) in [("random", random_fn), ("randomseed", seed_fn)] {
        let k = l.str_value(name.as_bytes())?;
        l.raw_set(t, k, f)?;
    }
    for (name, v) in [("pi", std::f64::consts::PI), ("huge", f64::INFINITY)] {
        let k = l.str_value(name.as_bytes())?;
        l.raw_set(t, k, Value::Num(v))?;
    }
    l.set_global("math", Value::Table(t))
}

/// The generator behind `math.random` (None if the math library is not open).
fn generator_value(l: &mut Lua) -> Option<Value> {
    let key = l.new_str(RANDOM_KEY).ok()?;
    match l.registry().get_str(key) {
        v @ Value::UserData(_) => Some(v),
        _ => None,
    }
}

fn with_generator<R>(v: Value, f: impl FnOnce(&Rand48) -> R) -> Option<R> {
    match v {
        Value::UserData(u) => u.data.downcast_ref::<Rand48>().map(f),
        _ => None,
    }
}

/// Reseeds `math.random`'s generator, as `math.randomseed(seed)` does. Returns false
/// if the math library is not open in `l`.
pub fn set_random_seed(l: &mut Lua, seed: u32) -> bool {
    match generator_value(l) {
        Some(v) => with_generator(v, |g| g.seed(seed)).is_some(),
        None => false,
    }
}

/// The generator's 48-bit state (to carry it from one state to another, as Redis keeps
/// one generator for the whole process).
pub fn random_state(l: &mut Lua) -> Option<u64> {
    let v = generator_value(l)?;
    with_generator(v, |g| g.state())
}

/// Replaces the generator's 48-bit state. Returns false if the math library is not open.
pub fn set_random_state(l: &mut Lua, x: u64) -> bool {
    match generator_value(l) {
        Some(v) => with_generator(v, |g| g.set_state(x)).is_some(),
        None => false,
    }
}

fn random(l: &mut Lua) -> LuaResult<usize> {
    let gen = crate::stdlib::base::upvalue(l, 0);
    let r = with_generator(gen, |g| g.next_f64()).unwrap_or(0.0);
    let v = match l.nargs() {
        0 => r,
        1 => {
            let u = check_int(l, 1)?;
            if u < 1 {
                return Err(l.arg_error(1, "interval is empty"));
            }
            (r * u as f64).floor() + 1.0
        }
        2 => {
            let lo = check_int(l, 1)?;
            let up = check_int(l, 2)?;
            if lo > up {
                return Err(l.arg_error(2, "interval is empty"));
            }
            (r * (up - lo + 1) as f64).floor() + lo as f64
        }
        _ => return Err(l.error("wrong number of arguments")),
    };
    l.push(Value::Num(v))?;
    Ok(1)
}

fn randomseed(l: &mut Lua) -> LuaResult<usize> {
    let s = check_int(l, 1)?;
    let gen = crate::stdlib::base::upvalue(l, 0);
    with_generator(gen, |g| g.seed(s as i32 as u32));
    Ok(0)
}

/// Defines a one-argument function `name(x) = expr`.
macro_rules! unary {
    ($($name:ident => $f:expr;)*) => {$(
        fn $name(l: &mut Lua) -> LuaResult<usize> {
            let x = l.check_number(1)?;
            let f: fn(f64) -> f64 = $f;
            l.push(Value::Num(f(x)))?;
            Ok(1)
        }
    )*};
}

/// Radians in one degree, as Lua 5.1 computes it (`PI / 180.0`).
const RADIANS_PER_DEGREE: f64 = std::f64::consts::PI / 180.0;

unary! {
    abs => f64::abs;
    acos => f64::acos;
    asin => f64::asin;
    atan => f64::atan;
    ceil => f64::ceil;
    cos => f64::cos;
    cosh => f64::cosh;
    deg => |x| x / RADIANS_PER_DEGREE;
    exp => f64::exp;
    floor => f64::floor;
    log => f64::ln;
    log10 => f64::log10;
    rad => |x| x * RADIANS_PER_DEGREE;
    sin => f64::sin;
    sinh => f64::sinh;
    sqrt => f64::sqrt;
    tan => f64::tan;
    tanh => f64::tanh;
}

fn atan2(l: &mut Lua) -> LuaResult<usize> {
    // lua5.1 (built with gcc) evaluates the second argument check first.
    let x = l.check_number(2)?;
    let y = l.check_number(1)?;
    l.push(Value::Num(y.atan2(x)))?;
    Ok(1)
}

fn fmod(l: &mut Lua) -> LuaResult<usize> {
    let b = l.check_number(2)?;
    let a = l.check_number(1)?;
    // Rust's `%` on floats is C's fmod.
    l.push(Value::Num(a % b))?;
    Ok(1)
}

fn pow(l: &mut Lua) -> LuaResult<usize> {
    let b = l.check_number(2)?;
    let a = l.check_number(1)?;
    l.push(Value::Num(a.powf(b)))?;
    Ok(1)
}

fn modf(l: &mut Lua) -> LuaResult<usize> {
    let x = l.check_number(1)?;
    let (ip, fp) = split_modf(x);
    l.push(Value::Num(ip))?;
    l.push(Value::Num(fp))?;
    Ok(2)
}

/// C `modf`: integral and fractional parts, both with the sign of `x`.
pub fn split_modf(x: f64) -> (f64, f64) {
    if x.is_nan() {
        return (x, x);
    }
    let ip = x.trunc();
    if x.is_infinite() {
        return (ip, 0.0f64.copysign(x));
    }
    (ip, (x - ip).copysign(x))
}

fn frexp(l: &mut Lua) -> LuaResult<usize> {
    let x = l.check_number(1)?;
    let (m, e) = split_frexp(x);
    l.push(Value::Num(m))?;
    l.push(Value::Num(e as f64))?;
    Ok(2)
}

/// Bits of an f64's exponent field.
const EXP_MASK: u64 = 0x7ff;
/// The exponent bias of f64.
const EXP_BIAS: i32 = 1022;
/// 2^54, to bring subnormals into the normal range.
const TWO_54: f64 = 18_014_398_509_481_984.0;

/// C `frexp`: `x = m * 2^e` with `0.5 <= |m| < 1` (m = x and e = 0 for 0, inf, NaN).
pub fn split_frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, adjust) = if x.abs() < f64::MIN_POSITIVE {
        (x * TWO_54, -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & EXP_MASK) as i32;
    let m = f64::from_bits((bits & !(EXP_MASK << 52)) | ((EXP_BIAS as u64) << 52));
    (m, exp - EXP_BIAS + adjust)
}

fn ldexp(l: &mut Lua) -> LuaResult<usize> {
    let e = check_int(l, 2)?;
    let x = l.check_number(1)?;
    l.push(Value::Num(scale_by_pow2(x, e as i32)))?;
    Ok(1)
}

/// C `ldexp`: `x * 2^e` with a single rounding. Large scalings are done in steps that
/// stay in the normal range, so only the last multiplication can round.
pub fn scale_by_pow2(mut x: f64, mut e: i32) -> f64 {
    let p2 = |k: i32| f64::from_bits(((k + 1023) as u64) << 52);
    if e > 1023 {
        x *= p2(1023);
        e -= 1023;
        if e > 1023 {
            x *= p2(1023);
            e = (e - 1023).min(1023);
        }
    } else if e < -1022 {
        // Scale by 2^-969 (= 2^-1022 * 2^53) to stay clear of subnormals.
        x *= p2(-969);
        e += 969;
        if e < -1022 {
            x *= p2(-969);
            e = (e + 969).max(-1022);
        }
    }
    x * p2(e)
}

fn max(l: &mut Lua) -> LuaResult<usize> {
    let n = l.nargs();
    let mut best = l.check_number(1)?;
    for i in 2..=n {
        let d = l.check_number(i)?;
        if d > best {
            best = d;
        }
    }
    l.push(Value::Num(best))?;
    Ok(1)
}

fn min(l: &mut Lua) -> LuaResult<usize> {
    let n = l.nargs();
    let mut best = l.check_number(1)?;
    for i in 2..=n {
        let d = l.check_number(i)?;
        if d < best {
            best = d;
        }
    }
    l.push(Value::Num(best))?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_and_ldexp_round_trip() {
        for &x in &[
            1.0,
            -3.0,
            0.1,
            1e-310,
            5e-324,
            1.7976931348623157e308,
            123456.789,
        ] {
            let (m, e) = split_frexp(x);
            assert!((0.5..1.0).contains(&m.abs()), "{x}");
            assert_eq!(scale_by_pow2(m, e), x);
        }
        assert_eq!(scale_by_pow2(1.0, 1024), f64::INFINITY);
        assert_eq!(scale_by_pow2(1.0, -1074), 5e-324);
        assert_eq!(scale_by_pow2(3.0, -1075), 1e-323);
        assert_eq!(scale_by_pow2(1.0, -1076), 0.0);
        assert_eq!(scale_by_pow2(f64::MIN_POSITIVE, 2000), 2f64.powi(978));
        assert_eq!(scale_by_pow2(1.0, 2100), f64::INFINITY);
        assert_eq!(scale_by_pow2(1.0, i32::MIN), 0.0);
    }

    #[test]
    fn rand48_matches_drand48_definition() {
        // The first values of glibc's lrand48() after srand48(0).
        let g = Rand48::new();
        g.seed(0);
        let v: Vec<u32> = (0..3).map(|_| g.next_u31()).collect();
        assert_eq!(v, [366850414, 1610402240, 206956554]);
    }

    #[test]
    fn embedder_reseeds_the_generator() {
        let mut l = crate::vm::Lua::new_empty();
        crate::stdlib::open_libs(&mut l).unwrap();
        assert!(set_random_seed(&mut l, 42));
        let r = l.exec(b"return math.random()", b"=t").unwrap();
        // The first value after randomseed(42), as redis-server 7.0.15 gives it.
        assert!(matches!(r[0], Value::Num(x) if x == 0.7445250003340305));
        let saved = random_state(&mut l).unwrap();
        let a = l.exec(b"return math.random(1000)", b"=t").unwrap();
        assert!(set_random_state(&mut l, saved));
        let b = l.exec(b"return math.random(1000)", b"=t").unwrap();
        assert!(matches!((a[0], b[0]), (Value::Num(x), Value::Num(y)) if x == y));
        let mut bare = crate::vm::Lua::new_empty();
        assert!(!set_random_seed(&mut bare, 1));
    }
}
