-- Every metamethod of 5.1.
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({v = a.v + b.v}, V) end
V.__sub = function(a, b) return "sub" end
V.__mul = function(a, b) return "mul" end
V.__div = function(a, b) return "div" end
V.__mod = function(a, b) return "mod" end
V.__pow = function(a, b) return "pow" end
V.__unm = function(a) return "unm" end
V.__concat = function(a, b) return "concat" end
V.__eq = function(a, b) return a.v == b.v end
V.__lt = function(a, b) return a.v < b.v end
V.__le = function(a, b) return a.v <= b.v end
V.__call = function(self, x, y) return "call", x, y end
V.__tostring = function(self) return "V(" .. self.v .. ")" end
local function new(v) return setmetatable({v = v}, V) end
local a, b = new(1), new(2)
print((a + b).v, a - b, a * 2, 2 / a, a % b, a ^ 2, -a, a .. "x", "x" .. a, 1 .. a)
print(a == b, a == new(1), a ~= new(1), a < b, a <= b, a > b, a >= b)
print(a(10, 20))
print(tostring(a))
local log = {}
local p = setmetatable({}, {__index = function(t, k) log[#log + 1] = k; return k .. "?" end,
  __newindex = function(t, k, v) rawset(t, k, v * 2) end})
print(p.foo, p.bar)
p.x = 21
print(p.x, rawget(p, "x"), #log)
local chain = setmetatable({}, {__index = setmetatable({a = 1}, {__index = {b = 2}})})
print(chain.a, chain.b, chain.c)
local ro = setmetatable({}, {__newindex = {}})
ro.z = 5
print(rawget(ro, "z"), getmetatable(ro).__newindex.z)
local onlylt = setmetatable({}, {__lt = function() return true end})
local onlylt2 = setmetatable({}, getmetatable(onlylt))
print(onlylt <= onlylt2)
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot), pcall(setmetatable, prot, {}))
print(getmetatable("abc") ~= nil or "no string metatable")
local u = newproxy(true)
getmetatable(u).__len = function() return 42 end
getmetatable(u).__index = function(_, k) return k end
print(#u, u.key)
local e1 = setmetatable({}, {__eq = function() return true end})
local e2 = setmetatable({}, {__eq = function() return true end})
print(e1 == e2, e1 == e1)
