-- Arithmetic, coercions, precedence, comparison, concatenation, number formatting.
print(1 + 2 * 3, (1 + 2) * 3, 2 ^ 3 ^ 2, -2 ^ 2, (-2) ^ 2)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2, 1 % 0, -1 % 0)
print(1 / 0, -1 / 0, 0 / 0 ~= 0 / 0, 2 ^ 0.5, 10 / 4)
print("10" + 5, "3" * "4", 10 .. 20, 1.5 .. "x", "0x10" + 0, " 7 " * 2)
print(1 == 1.0, "1" == 1, 1 < 2, "a" < "b", "a" < "B", "abc" < "abd", "" < "a")
print(not nil, not 0, not false, nil and 1, false or "x", 1 and 2, nil or false)
print(3.0, -0.0, 1e15, 1e16, 123456789012, 0.1, 1/3, 2^53, 2^63, -2^63, 1e-5, 123e-7)
print(100 * 1.1, 3.14159265358979, 1e100, 1e308 * 10, -(0/0) ~= -(0/0))
print(#"abc", #"", "a" .. "b" .. "c" .. 1 .. 2)
local x = 5
x = x + 1; x = x - 2; x = x * 3; x = x / 4
print(x, -x, - -x)
print(2^-1, 8 % 3.5, -2^-2, 2 * -3)
print(1 < 2 == true, "x" .. "y" == "xy")
local a, b, c = 1, 2
print(a, b, c)
local t = {1, 2, 3, nil, 5}
print(#"\0\1\2", "\65\066\x", "tab\tnew\\n")
print(0x10, 0xff, 0XA, 1e2, .5, 5., 3e0)
