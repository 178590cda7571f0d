//! `string.format` cases with the results lua5.1 produced.
//!
//! The table below is generated, not written by hand: run `lua5.1 gen_format_cases.lua` in
//! `lua-tests/golden/` and paste its output. Errors are shown as from `pcall(string.format,
//! ...)`, where 5.1 names the function `'?'`.

// Numbers are written with %.17g, which denotes the exact double but has more digits than
// clippy likes.
#![allow(clippy::excessive_precision, clippy::approx_constant)]

use std::borrow::Cow;

use lua51::number::{fmt_number, str2number};
use lua51::stdlib::format::{format, FormatArgs, FormatError};

#[derive(Debug, Clone)]
enum Arg {
    N(f64),
    S(&'static [u8]),
}
use Arg::{N, S};

/// Arguments with the coercions of `luaL_checknumber` / `luaL_checklstring`.
struct Args<'a>(&'a [Arg]);

impl FormatArgs for Args<'_> {
    type Error = String;
    fn arg_count(&self) -> usize {
        self.0.len()
    }
    fn number(&mut self, argno: usize) -> Result<f64, String> {
        match &self.0[argno - 2] {
            N(x) => Ok(*x),
            S(s) => str2number(s).ok_or_else(|| {
                format!("bad argument #{argno} to '?' (number expected, got string)")
            }),
        }
    }
    fn string(&mut self, argno: usize) -> Result<Cow<'_, [u8]>, String> {
        match &self.0[argno - 2] {
            N(x) => {
                let mut v = Vec::new();
                fmt_number(*x, &mut v);
                Ok(Cow::Owned(v))
            }
            S(s) => Ok(Cow::Borrowed(s)),
        }
    }
}

fn run(fmt: &[u8], args: &[Arg]) -> Result<Vec<u8>, Vec<u8>> {
    let mut out = Vec::new();
    match format(fmt, &mut Args(args), &mut out) {
        Ok(()) => Ok(out),
        Err(FormatError::Arg(m)) => Err(m.into_bytes()),
        Err(FormatError::NoValue { argno }) => {
            Err(format!("bad argument #{argno} to '?' (no value)").into_bytes())
        }
        Err(e) => Err(e.message().unwrap()),
    }
}

fn case(fmt: &[u8], args: &[Arg], expected: Result<&[u8], &[u8]>) {
    let got = run(fmt, args);
    let got_ref = got.as_ref().map(|v| v.as_slice()).map_err(|v| v.as_slice());
    assert_eq!(
        got_ref
            .map(String::from_utf8_lossy)
            .map_err(String::from_utf8_lossy),
        expected
            .map(String::from_utf8_lossy)
            .map_err(String::from_utf8_lossy),
        "format {:?} {:?}",
        String::from_utf8_lossy(fmt),
        args
    );
    assert_eq!(
        got_ref,
        expected,
        "bytes differ for {:?}",
        String::from_utf8_lossy(fmt)
    );
}

#[test]
fn recorded_cases() {
    case(b"%d", &[N(3.7000000000000002)], Ok(b"3"));
    case(b"%d", &[N(-0.5)], Ok(b"0"));
    case(
        b"%d",
        &[N(9.2233720368547758e+18)],
        Ok(b"-9223372036854775808"),
    );
    case(
        b"%d",
        &[N(-9.2233720368547758e+18)],
        Ok(b"-9223372036854775808"),
    );
    case(
        b"%d",
        &[N(-9.2233720368548762e+18)],
        Ok(b"-9223372036854775808"),
    );
    case(b"%d", &[N(-f64::NAN)], Ok(b"-9223372036854775808"));
    case(b"%d", &[N(f64::INFINITY)], Ok(b"-9223372036854775808"));
    case(b"%d", &[N(f64::NEG_INFINITY)], Ok(b"-9223372036854775808"));
    case(b"%d", &[N(1e+30)], Ok(b"-9223372036854775808"));
    case(b"%d", &[N(-7.9000000000000004)], Ok(b"-7"));
    case(b"%x", &[N(-1.0)], Ok(b"ffffffffffffffff"));
    case(b"%x", &[N(9.2233720368547758e+18)], Ok(b"8000000000000000"));
    case(b"%x", &[N(1.8446744073709552e+19)], Ok(b"0"));
    case(b"%x", &[N(-f64::NAN)], Ok(b"8000000000000000"));
    case(b"%x", &[N(1e+30)], Ok(b"0"));
    case(
        b"%x",
        &[N(-9.2233720368547758e+18)],
        Ok(b"8000000000000000"),
    );
    case(b"%x", &[N(-1e+30)], Ok(b"8000000000000000"));
    case(b"%x", &[N(-0.5)], Ok(b"0"));
    case(b"%x", &[N(9.2233720368547779e+18)], Ok(b"8000000000000800"));
    case(b"%x", &[N(f64::INFINITY)], Ok(b"0"));
    case(b"%x", &[N(f64::NEG_INFINITY)], Ok(b"8000000000000000"));
    case(b"%u", &[N(-3.5)], Ok(b"18446744073709551613"));
    case(b"%o", &[N(-1.0)], Ok(b"1777777777777777777777"));
    case(b"%x", &[N(1.844674407370956e+19)], Ok(b"0"));
    case(b"%X", &[N(3054.0)], Ok(b"BEE"));
    case(b"%c", &[N(65.0)], Ok(b"A"));
    case(b"%c", &[N(321.0)], Ok(b"A"));
    case(b"%c", &[N(1099511627776.0)], Ok(b""));
    case(b"%c", &[N(1099511627841.0)], Ok(b""));
    case(b"%c", &[N(2147483713.0)], Ok(b""));
    case(b"%c", &[N(0.0)], Ok(b""));
    case(b"%5c", &[N(0.0)], Ok(b"    "));
    case(b"%-5c", &[N(0.0)], Ok(b""));
    case(b"a%cb", &[N(0.0)], Ok(b"ab"));
    case(b"%c", &[N(-191.0)], Ok(b"A"));
    case(b"%c", &[N(-f64::NAN)], Ok(b""));
    case(b"%05c", &[N(65.0)], Ok(b"    A"));
    case(b"%-3c|", &[N(65.0)], Ok(b"A  |"));
    case(b"%c%c%c", &[N(76.0), N(117.0), N(97.0)], Ok(b"Lua"));
    case(b"%c", &[N(200.0)], Ok(b"\xc8"));
    case(b"%5.2s", &[S(b"abc")], Ok(b"   ab"));
    case(b"%s", &[S(b"a\x00b")], Ok(b"a"));
    case(b"%5s", &[S(b"a\x00b")], Ok(b"    a"));
    case(b"%.1s", &[S(b"a\x00b")], Ok(b"a"));
    case(b"%s", &[S(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x00z")], Ok(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x00z"));
    case(b"%s", &[S(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x00z")], Ok(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x00z"));
    case(b"%5s", &[S(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x00z")], Ok(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x00z"));
    case(b"%.99s", &[S(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")], Ok(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    case(b"%.0s", &[S(b"abc")], Ok(b""));
    case(
        b"%.200s",
        &[S(b"ab")],
        Err(b"invalid format (width or precision too long)"),
    );
    case(b"%05s", &[S(b"ab")], Ok(b"   ab"));
    case(b"%-5s|", &[S(b"ab")], Ok(b"ab   |"));
    case(b"%s", &[N(12.5)], Ok(b"12.5"));
    case(b"%s", &[N(1e+100)], Ok(b"1e+100"));
    case(b"%10s", &[N(0.0)], Ok(b"         0"));
    case(b"%s %s", &[S(b"a"), S(b"b")], Ok(b"a b"));
    case(
        b"%q",
        &[S(b"a\x00b\x0a\x0d\"\\")],
        Ok(b"\"a\\000b\\\x0a\\r\\\"\\\\\""),
    );
    case(b"%10q", &[S(b"x")], Ok(b"\"x\""));
    case(
        b"%q",
        &[S(b"\x01\x02\xff\x09\x1a")],
        Ok(b"\"\x01\x02\xff\x09\x1a\""),
    );
    case(
        b"%q",
        &[N(0.33333333333333331)],
        Ok(b"\"0.33333333333333\""),
    );
    case(b"%.3f", &[N(2.5)], Ok(b"2.500"));
    case(b"%e", &[N(0.0)], Ok(b"0.000000e+00"));
    case(b"%g", &[N(1e+20)], Ok(b"1e+20"));
    case(b"%#x", &[N(0.0)], Ok(b"0"));
    case(b"%#x", &[N(255.0)], Ok(b"0xff"));
    case(b"%#o", &[N(0.0)], Ok(b"0"));
    case(b"%#o", &[N(8.0)], Ok(b"010"));
    case(b"%+.3g", &[N(-0.0)], Ok(b"-0"));
    case(b"%a", &[N(1.0)], Err(b"invalid option '%a' to 'format'"));
    case(b"%y", &[], Err(b"bad argument #2 to '?' (no value)"));
    case(b"%y", &[N(1.0)], Err(b"invalid option '%y' to 'format'"));
    case(b"%5y", &[N(1.0)], Err(b"invalid option '%y' to 'format'"));
    case(b"%", &[], Err(b"bad argument #2 to '?' (no value)"));
    case(b"%", &[N(1.0)], Err(b"invalid option '%' to 'format'"));
    case(b"abc%", &[], Err(b"bad argument #2 to '?' (no value)"));
    case(
        b"%5.123d",
        &[N(1.0)],
        Err(b"invalid format (width or precision too long)"),
    );
    case(
        b"%123d",
        &[N(1.0)],
        Err(b"invalid format (width or precision too long)"),
    );
    case(b"%-+ #0d", &[N(1.0)], Ok(b"+1"));
    case(
        b"%-+ #0-d",
        &[N(1.0)],
        Err(b"invalid format (repeated flags)"),
    );
    case(
        b"%------d",
        &[N(1.0)],
        Err(b"invalid format (repeated flags)"),
    );
    case(b"%-----d", &[N(1.0)], Ok(b"1"));
    case(b"%.", &[N(1.0)], Err(b"invalid option '%' to 'format'"));
    case(b"%.d", &[N(1.0)], Ok(b"1"));
    case(b"%5.d", &[N(0.0)], Ok(b"     "));
    case(b"%.0d", &[N(0.0)], Ok(b""));
    case(b"%+.0d", &[N(0.0)], Ok(b"+"));
    case(b"% d", &[N(5.0)], Ok(b" 5"));
    case(b"%+ d", &[N(5.0)], Ok(b"+5"));
    case(b"%05d", &[N(-5.0)], Ok(b"-0005"));
    case(b"%-05d|", &[N(-5.0)], Ok(b"-5   |"));
    case(b"%05.3d", &[N(-5.0)], Ok(b" -005"));
    case(b"%#5x", &[N(255.0)], Ok(b" 0xff"));
    case(b"%#05x", &[N(255.0)], Ok(b"0x0ff"));
    case(b"%#.5x", &[N(255.0)], Ok(b"0x000ff"));
    case(b"%#X", &[N(255.0)], Ok(b"0XFF"));
    case(b"%+x", &[N(255.0)], Ok(b"ff"));
    case(b"% u", &[N(5.0)], Ok(b"5"));
    case(b"%#.0o", &[N(0.0)], Ok(b"0"));
    case(b"%#.3o", &[N(8.0)], Ok(b"010"));
    case(b"%99d", &[N(7.0)], Ok(b"                                                                                                  7"));
    case(
        b"%.20f",
        &[N(0.10000000000000001)],
        Ok(b"0.10000000000000000555"),
    );
    case(b"%.0f", &[N(0.5)], Ok(b"0"));
    case(b"%.0f", &[N(1.5)], Ok(b"2"));
    case(b"%.0f", &[N(2.5)], Ok(b"2"));
    case(b"%.0f", &[N(-0.5)], Ok(b"-0"));
    case(b"%f", &[N(f64::INFINITY)], Ok(b"inf"));
    case(b"%f", &[N(f64::NEG_INFINITY)], Ok(b"-inf"));
    case(b"%f", &[N(-f64::NAN)], Ok(b"-nan"));
    case(b"%f", &[N(f64::NAN)], Ok(b"nan"));
    case(b"%05f", &[N(f64::INFINITY)], Ok(b"  inf"));
    case(b"%-6f|", &[N(f64::INFINITY)], Ok(b"inf   |"));
    case(b"%+f", &[N(f64::INFINITY)], Ok(b"+inf"));
    case(b"% f", &[N(-f64::NAN)], Ok(b"-nan"));
    case(b"% f", &[N(f64::NAN)], Ok(b" nan"));
    case(b"%+e", &[N(f64::NAN)], Ok(b"+nan"));
    case(b"%E", &[N(f64::INFINITY)], Ok(b"INF"));
    case(b"%G", &[N(-f64::NAN)], Ok(b"-NAN"));
    case(b"%#g", &[N(1.0)], Ok(b"1.00000"));
    case(b"%#.0f", &[N(1.0)], Ok(b"1."));
    case(b"%#.0e", &[N(1.0)], Ok(b"1.e+00"));
    case(b"%g", &[N(100000.0)], Ok(b"100000"));
    case(b"%g", &[N(1000000.0)], Ok(b"1e+06"));
    case(b"%g", &[N(0.0001)], Ok(b"0.0001"));
    case(b"%g", &[N(1.0000000000000001e-05)], Ok(b"1e-05"));
    case(b"%g", &[N(0.0001234567)], Ok(b"0.000123457"));
    case(b"%.0g", &[N(123.0)], Ok(b"1e+02"));
    case(b"%#.0g", &[N(123.0)], Ok(b"1.e+02"));
    case(b"%.1g", &[N(0.94999999999999996)], Ok(b"0.9"));
    case(b"%g", &[N(0.0)], Ok(b"0"));
    case(b"%#g", &[N(0.0)], Ok(b"0.00000"));
    case(b"%g", &[N(-0.0)], Ok(b"-0"));
    case(b"%010.3f", &[N(-3.1415899999999999)], Ok(b"-00003.142"));
    case(b"%-10.3e|", &[N(31415.900000000001)], Ok(b"3.142e+04 |"));
    case(b"%+.2e", &[N(9.9949999999999992)], Ok(b"+9.99e+00"));
    case(b"%.3g", &[N(9.9951000000000008)], Ok(b"10"));
    case(b"%G", &[N(1e-10)], Ok(b"1E-10"));
    case(b"%.99f", &[N(1e+308)], Ok(b"100000000000000001097906362944045541740492309677311846336810682903157585404911491537163328978494688899061249669721172515611590283743140088328307009198146046031271664502933027185697489699588559043338384466165001178426897626212945177628091195786707458122783970171784415105291802893207873272974885715430223118336.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"));
    case(b"%99.99f", &[N(-1e-300)], Ok(b"-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"));
    case(b"%.99e", &[N(0.33333333333333331)], Ok(b"3.333333333333333148296162562473909929394721984863281250000000000000000000000000000000000000000000000e-01"));
    case(
        b"%.99g",
        &[N(0.10000000000000001)],
        Ok(b"0.1000000000000000055511151231257827021181583404541015625"),
    );
    case(b"%#.99g", &[N(1.0)], Ok(b"1.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"));
    case(b"%e", &[N(4.9406564584124654e-324)], Ok(b"4.940656e-324"));
    case(
        b"%.17g",
        &[N(4.9406564584124654e-324)],
        Ok(b"4.9406564584124654e-324"),
    );
    case(b"%g", &[N(9007199254740992.0)], Ok(b"9.0072e+15"));
    case(
        b"%.14g",
        &[N(9.2233720368547758e+18)],
        Ok(b"9.2233720368548e+18"),
    );
    case(b"%.14g", &[N(1000000000000000.0)], Ok(b"1e+15"));
    case(b"%.14g", &[N(100000000000000.0)], Ok(b"1e+14"));
    case(b"%.14g", &[N(99999999999999.0)], Ok(b"99999999999999"));
    case(b"%.14g", &[N(0.10000000000000001)], Ok(b"0.1"));
    case(b"%.14g", &[N(0.33333333333333331)], Ok(b"0.33333333333333"));
    case(
        b"%.14g",
        &[N(1.2345678901234568e+17)],
        Ok(b"1.2345678901235e+17"),
    );
    case(b"%.14g", &[N(-0.0)], Ok(b"-0"));
    case(b"%.14g", &[N(1.0000000000000001e-05)], Ok(b"1e-05"));
    case(b"%.14g", &[N(123456.5)], Ok(b"123456.5"));
    case(b"%i", &[N(42.0)], Ok(b"42"));
    case(b"%5%", &[], Err(b"bad argument #2 to '?' (no value)"));
    case(b"%5%", &[N(1.0)], Err(b"invalid option '%%' to 'format'"));
    case(b"%d", &[], Err(b"bad argument #2 to '?' (no value)"));
    case(b"%d", &[S(b"12")], Ok(b"12"));
    case(b"%d", &[S(b" 0x10 ")], Ok(b"16"));
    case(
        b"%d",
        &[S(b"x")],
        Err(b"bad argument #2 to '?' (number expected, got string)"),
    );
    case(b"%s", &[], Err(b"bad argument #2 to '?' (no value)"));
    case(
        b"%d %s",
        &[N(1.0)],
        Err(b"bad argument #3 to '?' (no value)"),
    );
    case(b"%e", &[N(f64::INFINITY)], Ok(b"inf"));
    case(b"%.3e", &[N(1.0004999999999999)], Ok(b"1.000e+00"));
    case(b"%.2f", &[N(1.0049999999999999)], Ok(b"1.00"));
    case(b"%.1f", &[N(0.25)], Ok(b"0.2"));
    case(b"%.1f", &[N(0.34999999999999998)], Ok(b"0.3"));
    case(b"%.3g", &[N(2.5000000000000001e-05)], Ok(b"2.5e-05"));
    case(b"%g", &[N(123456789.0)], Ok(b"1.23457e+08"));
    case(b"%G", &[N(1.4999999999999999e-07)], Ok(b"1.5E-07"));
    case(b"%08.3e", &[N(-1.5)], Ok(b"-1.500e+00"));
    case(b"%+08d", &[N(42.0)], Ok(b"+0000042"));
    case(b"%-+8d|", &[N(42.0)], Ok(b"+42     |"));
    case(b"% 08.2f", &[N(3.1415899999999999)], Ok(b" 0003.14"));
    case(b"%#8.3o", &[N(8.0)], Ok(b"     010"));
    case(b"%#08x", &[N(0.0)], Ok(b"00000000"));
    case(b"%.0e", &[N(2.5)], Ok(b"2e+00"));
    case(b"%.0e", &[N(3.5)], Ok(b"4e+00"));
    case(b"%5.1s|", &[S(b"xyz")], Ok(b"    x|"));
    case(b"%-5.1s|", &[S(b"xyz")], Ok(b"x    |"));
    case(b"%%%d%%", &[N(5.0)], Ok(b"%5%"));
    case(b"a\x00b%d", &[N(1.0)], Ok(b"a\x00b1"));
    case(b"%\x00", &[N(1.0)], Err(b"invalid option '%' to 'format'"));
    case(b"%s", &[S(b"")], Ok(b""));
    case(b"%3s", &[S(b"")], Ok(b"   "));
    case(
        b"%.3x",
        &[N(9.2233720368547758e+18)],
        Ok(b"8000000000000000"),
    );
    case(
        b"%20.15f",
        &[N(9.5367431640625e-07)],
        Ok(b"   0.000000953674316"),
    );
    case(
        b"%.60f",
        &[N(8.6736173798840355e-19)],
        Ok(b"0.000000000000000000867361737988403547205962240695953369140625"),
    );
    case(b"%f", &[N(1.7976931348623157e+308)], Ok(b"179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000"));
    case(b"%g", &[N(2.2250738585072014e-308)], Ok(b"2.22507e-308"));
    case(b"%e", &[N(4.9406564584124654e-324)], Ok(b"4.940656e-324"));
}
