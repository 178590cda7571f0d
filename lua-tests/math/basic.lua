-- Every math function on ordinary and special values, and argument errors.
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end
local inf, nan = 1/0, 0/0
local samples = {0, -0.0, 0.5, -0.5, 1, -1, 2.5, -2.5, 3.7, 1e-310, 1e300, inf, -inf}

for _, name in ipairs{"abs", "ceil", "floor", "sqrt", "exp", "log", "log10", "sin", "cos", "tan",
                      "asin", "acos", "atan", "sinh", "cosh", "tanh", "deg", "rad"} do
  local f = math[name]
  local out = {}
  for i, x in ipairs(samples) do out[i] = tostring(f(x)) end
  print(name, table.concat(out, " "))
end
show(math.abs(nan) ~= math.abs(nan), math.floor(nan) ~= math.floor(nan))

-- two-argument functions
show(math.atan2(1, -1), math.atan2(-0.0, -1), math.atan2(0, 0), math.atan2(inf, inf), math.atan2(1, 0))
show(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(5.5, 2), math.fmod(1, inf), math.fmod(-0.0, 1))
show(math.mod(7, 3), math.mod(-7.5, 2))
show(math.pow(2, 0.5), math.pow(-8, 1/3), math.pow(0, 0), math.pow(2, 1024), math.pow(-2, 3), math.pow(inf, 0))
show(math.ldexp(1, 1024), math.ldexp(1, -1074), math.ldexp(3, -1075), math.ldexp(1, -1076), math.ldexp(0.75, 4))
show(math.ldexp(1.5, 2^31 + 3), math.ldexp(5, 3.9), math.ldexp(-inf, 3), math.ldexp(1e-320, 1100))

-- multiple results
show(math.modf(3.7))
show(math.modf(-3.7))
show(math.modf(5))
show(math.modf(-0.0))
show(math.modf(inf))
show(math.modf(-inf))
show(math.frexp(0))
show(math.frexp(1))
show(math.frexp(-3))
show(math.frexp(1e-310))
show(math.frexp(5e-324))
show(math.frexp(1e300))
show(math.frexp(inf))
show(math.frexp(-inf))
for i = 1, 20 do
  local x = (i - 10) * 12345.678 ^ (i % 5 - 2)
  local m, e = math.frexp(x)
  assert(math.ldexp(m, e) == x)
end

-- max / min
show(math.max(1), math.max(3, 1, 2), math.max(-1, -inf), math.max(2, "10"))
show(math.min(1), math.min(3, 1, 2), math.min(-1, -inf), math.min(2, "10"))
show(math.max(nan, 1), math.max(1, nan), math.min(nan, 1), math.min(1, nan))

-- constants
show(math.pi, math.huge, -math.huge, math.pi == 3.141592653589793)

-- string arguments are converted, others rejected
show(math.floor("3.7"), math.sqrt("16"), math.abs(" -2 "))
show(pcall(math.floor, "x"))
show(pcall(math.floor))
show(pcall(math.abs, nil))
show(pcall(math.max))
show(pcall(math.min, 1, "x"))
show(pcall(math.atan2, 1))
show(pcall(math.fmod, 1))
show(pcall(math.pow, {}, 1))
show(pcall(math.ldexp, 1))
show(pcall(math.ldexp, 1, "e"))
show(pcall(math.frexp))
show(pcall(math.modf, true))
show(pcall(function() return math.sin() end))
show(pcall(function() local m = math; return m.mod() end))

-- random: argument checking (values depend on the generator; see random.lua)
show(pcall(math.random, 0))
show(pcall(math.random, -5))
show(pcall(math.random, 3, 1))
show(pcall(math.random, 1, 2, 3))
show(pcall(function() return math.random(1, 2, 3) end))
show(pcall(math.random, "x"))
show(pcall(math.random, 1, "x"))
show(pcall(math.randomseed))
show(pcall(math.randomseed, "x"))
show(math.random(1.9), math.random(3.99, 3.5), math.random(1, 1))
local r = math.random()
show(type(r), r >= 0 and r < 1)
for i = 1, 1000 do
  local a = math.random(7)
  assert(a >= 1 and a <= 7 and a == math.floor(a))
  local b = math.random(-3, 3)
  assert(b >= -3 and b <= 3 and b == math.floor(b))
end
show(select('#', math.randomseed(5)))
