-- math.random / math.randomseed use the generator Redis installs for scripts: a 48-bit
-- linear congruential generator as POSIX drand48 (X = 0x5DEECE66D * X + 0xB mod 2^48,
-- lrand48 = X >> 17, seed s -> X = s << 16 | 0x330E, initial X = 0x1234ABCD330E),
-- math.random() = (lrand48() % 2147483647) / 2147483647.
-- lua5.1 uses C's rand() instead, so this file has no .expected output: it checks itself.
-- The literals below were computed from that definition by an independent script
-- (Python), and the seed-42 and seed -1 values agree with redis-server 7.0.15
-- (EVAL "math.randomseed(42); return tostring(math.random())" -> 0.74452500033403).

local function check(name, got, want)
  for i = 1, #want do
    if got[i] ~= want[i] then
      error(name .. ": value " .. i .. " is " .. tostring(got[i]) .. ", expected " .. tostring(want[i]))
    end
  end
end
local function take(n, f)
  local t = {}
  for i = 1, n do t[i] = f() end
  return t
end

-- The state a fresh Lua state starts with.
check("initial", take(3, function() return math.random() end),
  {0.3964647736383904, 0.8404853697123403, 0.3533360973714553})

math.randomseed(42)
check("seed42", take(3, function() return math.random() end),
  {0.7445250003340305, 0.34270147855519384, 0.11108528222473585})
math.randomseed(42)
check("seed42_u10", take(8, function() return math.random(10) end), {8, 4, 2, 5, 1, 9, 5, 5})
math.randomseed(42)
check("seed42_5_7", take(8, function() return math.random(5, 7) end), {7, 6, 5, 6, 5, 7, 6, 6})
math.randomseed(-1)
check("seed-1", take(2, function() return math.random() end), {0.3000257272739083, 0.04531151617193199})
-- The seed is truncated to a C int: 2^31 wraps to -2^31.
math.randomseed(2^31)
check("seed2^31", take(2, function() return math.random() end), {0.6708280363449958, 0.24990198027803656})
math.randomseed(-2^31)
check("seed-2^31", take(2, function() return math.random() end), {0.6708280363449958, 0.24990198027803656})
math.randomseed(7.9)
check("seed7_m3_3", take(10, function() return math.random(-3, 3) end), {-2, 1, -2, -3, 0, -1, -2, 2, -3, -3})

-- Reseeding repeats the sequence.
math.randomseed(123)
local a = take(50, function() return math.random(1000) end)
math.randomseed(123)
local b = take(50, function() return math.random(1000) end)
check("repeat", b, a)
