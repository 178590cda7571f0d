-- Prints the case tables of crates/lua/tests/number_cases.rs from lua5.1's tostring and
-- tonumber. Regenerate from this folder with:  lua5.1 gen_number_cases.lua
local R = dofile("rust_cases.lua")
local zero = 0
local nums = { 0/0, -(0/0), 1/0, -1/0, -zero, 0, 1e15, 1e14, 2^53, 0.1, 1/3, 123456789012345678, 99999999999999,
  -99999999999999, 100000000000000, 1e100, 1e-100, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308,
  -1.5, 3.14159265358979, 1e-5, 0.0001, 123456.789, 2^63, -2^63, 2^31, 12345678901234.5, 0.1 + 0.2, 100,
  -7, 1e21, 255 / 256, 1 / 7 * 1e10, 314.15926535897932 }
print("// fmt_number")
for _, v in ipairs(nums) do
  print(string.format("    num(%s, %s);", R.num(v), R.lit(tostring(v))))
end
local strs = { "inf", "nan", "1e", "0x10", "  10  ", "0x", "1e500", "- 1", ".5", "5.", "-0x10", " 0x1p4",
  "0x1.8", "1e-400", "infinity", "-inf", "0X1F", "\t\n5\v\f\r", "5 x", "", " ", "0x 10", "0x-10",
  "0xffffffffffffffffff", "+5", "+0x10", "1E+2", "1e+", ".", "-.5", "0x1g", "  0x10  ", "00012", "1_0",
  "1.5e3", "NAN", "-nan", "0x8000000000000000", "0x.8", "0x1P-1", "nan(123)", "nan()", "nan(a_b)", "nan(-)",
  "infinit", "-0x", "0x1e", "1e5x", "0x1.", "0x.", "inFINity", "0x1p+", "+-1", "0x1p-1074", "0x1p-1075",
  "0x1.00000000000008p0", "0x1.000000000000080000001p0", "0x1.00000000000018p0", "0e0", "\0", "1\0", "1\0x",
  "0x1P", "infx", "1..2", "1e1.5", "+.e1", "+inf", "-infinity ", "nanq", "0x1.fffffffffffff8p1023",
  "0x1.fffffffffffff7ffp1023", "0x1p1024", "2.4703282292062327e-324", "2.4703282292062328e-324",
  "4.9406564584124654e-324", "0.1", "1e23", "8.98846567431158e307", "9007199254740993", "-0", "0x0p0",
  "0x00000000000000000000000001", "1" .. ("0"):rep(400), "0." .. ("0"):rep(400) .. "1", "0x1p-1022",
  "0x0.fffffffffffffp-1022", "0x0.0000000000001p-1022", "0x1.0000000000001p-1074", "0x3p-1076",
  "0x1.8p-1074", "1e-320", "  -  5", "5\n", "0xFFFFFFFFFFFFFFFF", "0x10000000000000001", "1e+308", "1.8e308" }
print("// str2number")
for _, s in ipairs(strs) do
  local v = tonumber(s)
  print(string.format("    parse(%s, %s);", R.lit(s), v and ("Some(" .. R.num(v) .. ")") or "None"))
end
local based = { { "-1", 2 }, { "  ff  ", 16 }, { "0xff", 16 }, { "0x", 16 }, { "-0xff", 16 }, { "zz", 36 },
  { "ZZ", 36 }, { "102", 2 }, { ("1"):rep(68), 2 }, { "-" .. ("1"):rep(68), 2 }, { "+7", 8 }, { " -7", 8 },
  { "1\0", 16 }, { "1.5", 16 }, { "7fffffffffffffff", 16 }, { "ffffffffffffffff", 16 },
  { "10000000000000000", 16 }, { "- 1", 16 }, { "1e", 16 }, { "0x10", 17 }, { "0x10", 36 }, { "1 1", 2 },
  { "\t1\n", 3 }, { "", 8 }, { " ", 8 }, { "-", 8 }, { "0xg", 16 }, { "0x1g", 16 }, { "1fffffffffffff", 16 },
  { "20000000000001", 16 }, { "z", 35 }, { "Y", 35 }, { "0X1f", 16 }, { "--1", 10 + 1 }, { "08", 8 },
  { "777", 7 }, { "666", 7 }, { "12345", 6 } }
print("// str2number_base")
for _, c in ipairs(based) do
  local v = tonumber(c[1], c[2])
  print(string.format("    based(%s, %d, %s);", R.lit(c[1]), c[2], v and ("Some(" .. R.num(v) .. ")") or "None"))
end
