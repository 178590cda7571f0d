//! Properties the golden files cannot show: round trips over generated values, arbitrary
//! input never panicking, long calls interrupted through the instruction budget, and the
//! heap limit honoured by large outputs.

mod common;

use lua51::vm::HookEvent;
use lua51::{Lua, LuaError, Value};
use proptest::prelude::*;
use std::rc::Rc;

/// `lib.name` as a function value.
fn func(l: &mut Lua, lib: &str, name: &str) -> Value {
    let t = l.get_global(lib).unwrap().as_table().unwrap();
    let k = l.str_value(name.as_bytes()).unwrap();
    l.raw_get(t, &k)
}

fn string_arg(l: &mut Lua, b: &[u8]) -> Value {
    l.str_value(b).unwrap()
}

fn bytes_of(v: &Value) -> Vec<u8> {
    match v {
        Value::Str(s) => s.as_bytes().to_vec(),
        other => panic!("not a string: {:?}", other),
    }
}

fn eval(l: &mut Lua, src: &str) -> Result<Vec<Value>, String> {
    l.exec(src.as_bytes(), b"=test").map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn cjson_string_round_trip(s in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut l = common::new_state();
        let enc = func(&mut l, "cjson", "encode");
        let dec = func(&mut l, "cjson", "decode");
        let a = string_arg(&mut l, &s);
        let json = l.call1(enc, &[a]).unwrap();
        let back = l.call1(dec, &[json]);
        // Text with a NUL in its first two bytes is refused as UTF-16; otherwise exact.
        let j = bytes_of(&json);
        if j.len() >= 2 && (j[0] == 0 || j[1] == 0) {
            prop_assert!(back.is_err());
        } else {
            prop_assert_eq!(bytes_of(&back.unwrap()), s);
        }
    }

    #[test]
    fn cmsgpack_number_round_trip(n in any::<f64>()) {
        let mut l = common::new_state();
        let pack = func(&mut l, "cmsgpack", "pack");
        let unpack = func(&mut l, "cmsgpack", "unpack");
        let packed = l.call1(pack, &[Value::Num(n)]).unwrap();
        let back = l.call1(unpack, &[packed]).unwrap();
        match back {
            Value::Num(m) => prop_assert!(m == n || (m.is_nan() && n.is_nan()), "{} -> {}", n, m),
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn cmsgpack_int_round_trip(n in -(1i64 << 53)..(1i64 << 53)) {
        let mut l = common::new_state();
        let pack = func(&mut l, "cmsgpack", "pack");
        let unpack = func(&mut l, "cmsgpack", "unpack");
        let packed = l.call1(pack, &[Value::Num(n as f64)]).unwrap();
        let back = l.call1(unpack, &[packed]).unwrap();
        prop_assert!(matches!(back, Value::Num(m) if m == n as f64));
    }

    #[test]
    fn struct_int_round_trip(n in any::<i32>(), fmt in prop::sample::select(vec!["<i", ">i", "<l", ">l", "!i", "i4", ">i7"])) {
        let mut l = common::new_state();
        let pack = func(&mut l, "struct", "pack");
        let unpack = func(&mut l, "struct", "unpack");
        let f = string_arg(&mut l, fmt.as_bytes());
        let packed = l.call1(pack, &[f, Value::Num(n as f64)]).unwrap();
        let back = l.call(unpack, &[f, packed]).unwrap();
        prop_assert!(matches!(back[0], Value::Num(m) if m == n as f64));
    }

    #[test]
    fn bit_tobit_is_mod_2_32(n in any::<i64>()) {
        let mut l = common::new_state();
        let tobit = func(&mut l, "bit", "tobit");
        let n = n >> 12; // exactly representable
        let r = l.call1(tobit, &[Value::Num(n as f64)]).unwrap();
        prop_assert!(matches!(r, Value::Num(m) if m == n as i32 as f64));
    }

    #[test]
    fn decoders_never_panic(s in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut l = common::new_state();
        let a = string_arg(&mut l, &s);
        for (lib, name) in [("cjson", "decode"), ("cmsgpack", "unpack"), ("cmsgpack", "unpack_one"), ("struct", "size")] {
            let f = func(&mut l, lib, name);
            let _ = l.call(f, &[a]);
        }
        let unpack = func(&mut l, "struct", "unpack");
        let data = string_arg(&mut l, b"\x01\x02\x03\x04\x05\x06\x07\x08abc\0def");
        let _ = l.call(unpack, &[a, data]);
        let pack = func(&mut l, "struct", "pack");
        let _ = l.call(pack, &[a, Value::Num(1.0), data, Value::Num(2.0)]);
    }

    #[test]
    fn json_text_round_trip(s in "[\\[\\]{}:,\"a-c0-9 .eE+-]{0,40}") {
        // Whatever decodes re-encodes, and the re-encoding decodes to the same encoding.
        let mut l = common::new_state();
        let enc = func(&mut l, "cjson", "encode");
        let dec = func(&mut l, "cjson", "decode");
        let a = string_arg(&mut l, s.as_bytes());
        if let Ok(v) = l.call1(dec, &[a]) {
            if let Ok(j1) = l.call1(enc, &[v]) {
                let v2 = l.call1(dec, &[j1]).unwrap();
                let j2 = l.call1(enc, &[v2]).unwrap();
                prop_assert_eq!(bytes_of(&j1), bytes_of(&j2));
            }
        }
    }
}

type Hook = dyn Fn(&mut Lua, HookEvent) -> lua51::LuaResult<()>;

/// A hook that stops the script after `n` budget periods.
fn install_stop_hook(l: &mut Lua, period: i64, n: usize) -> Rc<std::cell::Cell<usize>> {
    let count = Rc::new(std::cell::Cell::new(0));
    let c = count.clone();
    let hook: Rc<Hook> = Rc::new(move |l, _| {
        c.set(c.get() + 1);
        if c.get() >= n {
            let msg = l.str_value(b"stopped").unwrap();
            return Err(LuaError::Uncatchable(msg));
        }
        Ok(())
    });
    l.set_hook(Some(hook), period, false, false, false);
    count
}

#[test]
fn long_natives_are_interruptible() {
    let setup = "big = {} for i = 1, 200000 do big[i] = i end \
                 bigjson = '[' .. string.rep('1,', 200000) .. '1]' \
                 bigmp = string.rep('\\1', 200000)";
    for call in [
        "return #cjson.encode(big)",
        "return #cjson.decode(bigjson)",
        "return #cmsgpack.pack(big)",
        "return select('#', cmsgpack.unpack_limit(bigmp, 7000))",
        "return struct.size(string.rep('b', 200000))",
    ] {
        let mut l = common::new_state();
        eval(&mut l, setup).unwrap();
        // The call itself is a handful of instructions: stopping it needs the native to
        // charge the budget as it works.
        let count = install_stop_hook(&mut l, 1_000, 3);
        let r = eval(&mut l, call);
        assert_eq!(r.err().as_deref(), Some("stopped"), "{}", call);
        assert!(count.get() >= 3);
    }
}

#[test]
fn exponential_output_hits_the_memory_limit() {
    let mut l = common::new_state();
    l.set_memory_limit(64 << 20);
    let r = eval(
        &mut l,
        "local t = {'xxxxxxxx'} for i = 1, 40 do t = {t, t} end return cjson.encode(t)",
    );
    assert_eq!(r.err().as_deref(), Some("not enough memory"));
    let r = eval(
        &mut l,
        "local t = {'xxxxxxxx'} for i = 1, 14 do t = {t, t} end return #cmsgpack.pack(t)",
    );
    // 14 levels is within cmsgpack's nesting cap: 2^14 copies fit easily.
    assert!(r.is_ok(), "{:?}", r);
    let r = eval(&mut l, "local s = string.rep('x', 1000) return #struct.pack(string.rep('c0', 7000), unpack((function() local t = {} for i = 1, 7000 do t[i] = s end return t end)()))");
    assert!(r.is_ok(), "{:?}", r);
    // The state stays usable.
    assert_eq!(eval(&mut l, "return cjson.encode({1})").unwrap().len(), 1);
}

#[test]
fn null_is_a_null_light_userdata() {
    let mut l = common::new_state();
    let v = eval(
        &mut l,
        "return cjson.null, cjson.decode('null'), cjson.new().null",
    )
    .unwrap();
    for x in v {
        assert!(matches!(x, Value::LightUserData(0)));
    }
}

#[test]
fn instances_keep_their_own_settings_across_calls() {
    let mut l = common::new_state();
    eval(&mut l, "cjson.encode_number_precision(3)").unwrap();
    let v = eval(&mut l, "return cjson.encode(1/3), cjson.new().encode(1/3)").unwrap();
    assert_eq!(bytes_of(&v[0]), b"0.333");
    assert_eq!(bytes_of(&v[1]), b"0.33333333333333");
}
