-- Generates format_random.txt: random string.format specifications applied to random numbers,
-- with the results lua5.1 (PUC-Rio 5.1.5, glibc) produced.
-- Regenerate from this folder with:  lua5.1 gen_format.lua > format_random.txt
-- Line format: <spec> TAB <value as %.17g> TAB <result>, where bytes outside printable ASCII
-- and the backslash are written as \ddd (three decimal digits).
math.randomseed(20240601)
local function esc(s)
  return (s:gsub("[%c\128-\255\\]", function(c) return string.format("\\%03d", c:byte()) end))
end
local zero = 0
local specials = { 0, -zero, 1/0, -1/0, 0/0, -(0/0), 0.5, 1.5, 2.5, -2.5, 0.1, 1/3, 2^53, 2^63,
  -2^63, 2^64, 1e15, 1e14, 123456789012345678, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
  9.995, 0.000123456, 1e-5, 99999.95, 255, -1, 65, 321, 2^31, -2^31 }
local function randnum()
  local r = math.random(6)
  if r == 1 then return specials[math.random(#specials)] end
  if r == 2 then return math.random(-100000, 100000) end
  if r == 3 then return math.random(-1000, 1000) + 0.5 * math.random(0, 1) end
  if r == 4 then return (math.random() - 0.5) * 10 ^ math.random(-30, 30) end
  if r == 5 then return (math.random() - 0.5) * 10 ^ math.random(-320, 308) end
  return math.random(0, 2^30) * 2 ^ math.random(-60, 60)
end
local convs = { "d", "i", "o", "u", "x", "X", "e", "E", "f", "g", "G", "c", "g", "e", "f" }
local flagchars = { "-", "+", " ", "#", "0" }
local function randspec()
  local s = "%"
  for _ = 1, math.random(0, 3) do s = s .. flagchars[math.random(5)] end
  if math.random(2) == 1 then s = s .. math.random(1, 40) end
  if math.random(2) == 1 then
    s = s .. "."
    if math.random(4) > 1 then s = s .. math.random(0, 25) end
  end
  return s .. convs[math.random(#convs)]
end
for _ = 1, 1500 do
  local spec, v = randspec(), randnum()
  local ok, res = pcall(string.format, spec, v)
  assert(ok, res)
  io.write(spec, "\t", string.format("%.17g", v), "\t", esc(res), "\n")
end
-- %.14g in particular (Lua's number to string conversion)
for _ = 1, 500 do
  local v = randnum()
  io.write("%.14g", "\t", string.format("%.17g", v), "\t", esc(string.format("%.14g", v)), "\n")
end
