-- The string metatable: method calls on string values, its __index, field access on strings,
-- and errors for missing methods; string arithmetic coercion is unaffected.
local s = "Hello"
print(s:upper(), s:lower(), s:len(), s:rep(2), s:sub(2, 3), s:byte(1), s:reverse())
print(("%d-%s"):format(7, "x"), ("a,b"):find(",", 1, true), ("k=v"):match("(%w)=(%w)"))
print(("abc"):gsub("b", "B"))
local mt = getmetatable("")
print(type(mt), mt.__index == string, rawequal(getmetatable("a"), getmetatable("b")))
print(s.len == string.len, s.nosuch, ("x")[1])
print(pcall(function() return s:nosuch() end))
print(pcall(function() local t = "x" t.field = 1 end))
print("10" + 5, "3" * "4", 10 .. 20)
string.shout = function(str) return str:upper() .. "!" end
print(("hey"):shout())
local words = ""
for w in ("one two three"):gmatch("%a+") do words = words .. w .. "." end
print(words)
local n = 0
for k, v in pairs(string) do n = n + 1 end
print(n)
