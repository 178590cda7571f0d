-- Generates pattern_random.txt: random patterns run by lua5.1's string.find, string.gsub and
-- string.gmatch on random subjects, with the results or error messages.
-- Regenerate from this folder with:  lua5.1 gen_pattern.lua > pattern_random.txt
-- Line format: <pattern> TAB <subject> TAB <find result> TAB <gsub result> TAB <gmatch result>
-- find result: "nil", "start end cap1 cap2 ..." (captures as text or numbers) or "!message";
-- gsub result: the string from gsub(subject, pattern, "<%0>") then " n=count", or "!message";
-- gmatch result: the first captures of up to 8 matches joined with "|", or "!message".
-- Captures are written as "[text]" and positions as numbers. Bytes outside printable ASCII
-- and the backslash are written as \ddd (three decimal digits).
math.randomseed(777)
local function esc(s)
  return (s:gsub("[%c\128-\255\\]", function(c) return string.format("\\%03d", c:byte()) end))
end
local items = { "a", "b", "a", "b", ".", "%a", "%d", "%s", "%w", "%A", "[ab]", "[^a]", "[a-c]",
  "[%d]", "(", ")", "()", "*", "+", "-", "?", "^", "$", "%1", "%2", "%b()", "%f[%w]", "%f[%s]",
  "%", "[", "]", "x", "%z", "%.", " ", "1" }
local function randpat()
  local p = ""
  for _ = 1, math.random(0, 7) do p = p .. items[math.random(#items)] end
  return p
end
local subjchars = { "a", "b", "a", "b", "1", " ", "(", ")", "x", "c", "\0", "." }
local function randsubj()
  local s = ""
  for _ = 1, math.random(0, 10) do s = s .. subjchars[math.random(#subjchars)] end
  return s
end
local function show(v)
  if type(v) == "string" then return "[" .. v .. "]" end
  return tostring(v)
end
local function capture_list(...)
  local t = {}
  for i = 1, select("#", ...) do t[#t + 1] = show((select(i, ...))) end
  return table.concat(t, " ")
end
local simple = { "a", "b", ".", "%a", "%s", "[ab]", "[^a]", "(%a+)", "()", "%b()", "%f[%w]",
  "a*", "b-", "x?", ".-", "(a*)", "%1", "^", "$", "[%a ]+", "%d?", "(.)" }
local function simplepat()
  local p = ""
  for _ = 1, math.random(1, 5) do p = p .. simple[math.random(#simple)] end
  return p
end
local function longsubj()
  local s = ""
  for _ = 1, math.random(0, 30) do s = s .. subjchars[math.random(#subjchars)] end
  return s
end
for i = 1, 5000 do
  local p, s
  if i <= 3000 then p, s = randpat(), randsubj() else p, s = simplepat(), longsubj() end
  local f = { pcall(string.find, s, p) }
  local fr
  if not f[1] then fr = "!" .. f[2]
  elseif f[2] == nil then fr = "nil"
  else fr = capture_list(unpack(f, 2, table.maxn(f))) end
  local ok, g, n = pcall(string.gsub, s, p, "<%0>")
  local gr = ok and (g .. " n=" .. n) or ("!" .. g)
  local gm = {}
  local ok2, err = pcall(function()
    for a in string.gmatch(s, p) do
      gm[#gm + 1] = show(a)
      if #gm >= 8 then break end
    end
  end)
  local mr = ok2 and table.concat(gm, "|") or ("!" .. err:gsub("^.-:%d+: ", ""))
  io.write(esc(p), "\t", esc(s), "\t", esc(fr), "\t", esc(gr), "\t", esc(mr), "\n")
end
