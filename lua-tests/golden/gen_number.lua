-- Generates number_random.txt: random numeral-like strings and what lua5.1's tonumber makes of
-- them (with base 10, i.e. luaO_str2d, and with random bases 2..36, i.e. strtoul).
-- Regenerate from this folder with:  lua5.1 gen_number.lua > number_random.txt
-- Line format: <base> TAB <input> TAB <result as %.17g, or nil>, where bytes outside printable
-- ASCII and the backslash are written as \ddd (three decimal digits).
math.randomseed(19931993)
local function esc(s)
  return (s:gsub("[%c\128-\255\\]", function(c) return string.format("\\%03d", c:byte()) end))
end
local pieces = { "0", "1", "2", "5", "9", "7", "3", "00", "12345678901234567890", ".", ".", "e", "E",
  "e-", "e+", "-", "+", "x", "0x", "0X", "a", "f", "F", "p", "p-", " ", "\t", "\n", "inf", "nan",
  "infinity", "(", ")", "z", "Z", "g", "\0", "_", "999999999999999999999", "e308", "e-320", "1e400" }
local function randstr()
  local s = ""
  for _ = 1, math.random(1, 6) do s = s .. pieces[math.random(#pieces)] end
  return s
end
local function wellformed()
  local s = tostring(math.random(0, 99999))
  if math.random(2) == 1 then s = s .. "." .. math.random(0, 999999999) end
  if math.random(2) == 1 then s = s .. "e" .. math.random(-330, 310) end
  if math.random(3) == 1 then s = "-" .. s end
  if math.random(3) == 1 then s = " " .. s .. "  " end
  return s
end
local function hexlike()
  local digits = "0123456789abcdefABCDEF"
  local s = "0x"
  for _ = 1, math.random(1, 20) do
    local k = math.random(#digits)
    s = s .. digits:sub(k, k)
  end
  if math.random(3) == 1 then s = s .. "." .. digits:sub(1, math.random(1, 18)) end
  if math.random(3) == 1 then s = s .. "p" .. math.random(-1100, 1100) end
  return s
end
local function result(v) return v and string.format("%.17g", v) or "nil" end
for _ = 1, 1200 do
  local r = math.random(3)
  local s = r == 1 and randstr() or r == 2 and wellformed() or hexlike()
  io.write("10\t", esc(s), "\t", result(tonumber(s)), "\n")
end
local alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
for _ = 1, 600 do
  local base = math.random(2, 36)
  local s = ({ "", " ", "-", "+", "0x", "\t-" })[math.random(6)]
  for _ = 1, math.random(0, 25) do
    local k = math.random(#alnum)
    s = s .. alnum:sub(k, k)
  end
  if math.random(5) == 1 then s = s .. ({ " ", ".", "\n", "x", "\0" })[math.random(5)] end
  io.write(base, "\t", esc(s), "\t", result(tonumber(s, base)), "\n")
end
