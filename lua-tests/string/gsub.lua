-- string.gsub with string (%0-%9, %%), table and function replacements, the count argument,
-- anchors, empty matches, and errors; string.gmatch / string.gfind iteration.
local function p(...)
  local function fmt(n, v, ...)
    if n == 0 then return "" end
    local s = type(v) == "string" and string.format("%q", v) or tostring(v)
    if n == 1 then return s end
    return s .. " " .. fmt(n - 1, ...)
  end
  print(fmt(select('#', ...), ...))
end

p(string.gsub("hello world", "o", "0"))
p(string.gsub("hello world", "o", "0", 1))
p(string.gsub("hello world", "o", "0", 0))
p(string.gsub("hello world", "o", "0", -1))
p(string.gsub("hello world", "o", "0", 1.9))
p(string.gsub("hello world", "o", "0", "1"))
p(string.gsub("hello world", "o", "0", 2^32 + 1))
p(string.gsub("hello world", "(o)", "[%1]"))
p(string.gsub("hello world", "(%w+)", "<%1>"))
p(string.gsub("hello world", "%w+", "<%0>"))
p(string.gsub("hello world", "(%w+) (%w+)", "%2 %1"))
p(string.gsub("hello", "", "-"))
p(string.gsub("hello", "x*", "-"))
p(string.gsub("abc", "%w*", "-"))
p(string.gsub("abc", "%w-", "-"))
p(string.gsub("", "", "x"))
p(string.gsub("", "x", "y"))
p(string.gsub("abc", "^", ">"))
p(string.gsub("abc", "$", "<"))
p(string.gsub("aaa", "^a", "b"))
p(string.gsub("aaa", "^a*", "b"))
p(string.gsub("aaa", "a", "%%"))
p(string.gsub("aaa", "a", "%"))
p(string.gsub("aaa", "a", "%x"))
p(string.gsub("abc", "b", "%1"))
p(string.gsub("abc", "(b)", "%0%1%0"))
p(string.gsub("abc", "()b()", "%1-%2"))
p(string.gsub("abc", "b", 12))
p(string.gsub("abc", "b", 1.5))
p(string.gsub(123, 2, 9))
p(string.gsub("a.b.c", "%.", "/"))
p(string.gsub("a.b.c", ".", "/"))
p(string.gsub("x\0y\0z", "\0", "_"))
p(string.gsub("x\0y\0z", "%z", "_"))
p(string.gsub("one two  three", "%s+", " "))
p(string.gsub("  trim me  ", "^%s*(.-)%s*$", "%1"))
p(string.gsub("f(a(b)c)d(e)", "%b()", "[]"))
p(string.gsub("THE (quick) fox", "%f[%a]%a+", "W"))
p(string.gsub("hello world", "l+", function(m) return "<" .. m .. ">" end))

-- table replacement
local t = { hello = "HI", world = 42, moon = false }
p(string.gsub("hello world moon sun", "%w+", t))
p(string.gsub("hello world", "(%w)(%w+)", t))
p(string.gsub("hello world", "(h)ello", t))
local mt = setmetatable({}, { __index = function(_, k) return k:upper() end })
p(string.gsub("abc def", "%w+", mt))

-- function replacement
p(string.gsub("hello world", "%w+", function(w) return w:upper() end))
p(string.gsub("hello world", "%w+", function(w) end))
p(string.gsub("hello world", "%w+", function(w) return false end))
p(string.gsub("hello world", "%w+", function(w) return nil, "ignored" end))
p(string.gsub("hello world", "%w+", function(w) return #w end))
p(string.gsub("k1=v1, k2=v2", "(%w+)=(%w+)", function(k, v) return v .. "=" .. k end))
p(string.gsub("abc", "()", function(pos) return "[" .. pos .. "]" end))
p(string.gsub("abc", "", function() return "." end))
local calls = 0
p(string.gsub("aaaa", "a", function() calls = calls + 1 return "b" end, 2), calls)
p(pcall(string.gsub, "abc", ".", { a = 1, b = true }))
p(string.gsub("abc", ".", { a = 1, b = "B" }))
p(pcall(string.gsub, "abc", ".", { a = {} }))
p(pcall(string.gsub, "abc", ".", function() return {} end))
p(pcall(string.gsub, "abc", ".", function() return print end))
p(pcall(function() return string.gsub("abc", "b", function() return true end) end))
p(pcall(string.gsub, "abc", ".", function() error("inside") end))
p(type(select(2, pcall(string.gsub, "abc", ".", function() error({}) end))))

-- errors
p(pcall(string.gsub))
p(pcall(string.gsub, "a"))
p(pcall(string.gsub, "a", "a"))
p(pcall(string.gsub, "a", "a", true))
p(pcall(string.gsub, "a", "a", nil))
p(pcall(string.gsub, "a", "a", "b", "x"))
p(pcall(string.gsub, "abc", "(b)", "%2"))
p(pcall(string.gsub, "abc", "b", "%2"))
p(pcall(string.gsub, "abc", "(b", "x"))
p(pcall(function() return string.gsub("abc", "[", "x") end))
p(pcall(function() return ("abc"):gsub("b", "%9") end))
p(pcall(function() return ("abc"):gsub("b") end))
p(pcall(string.gsub, "alo", "(%a)", "%2"))
p(pcall(string.gsub, "alo", "(%a", "%1"))
p(pcall(string.gsub, "alo", "(", function() end))

-- gmatch
local function collect(s, pat)
  local out = {}
  local n = 0
  for a, b in string.gmatch(s, pat) do
    n = n + 1
    out[n] = tostring(a) .. (b and ("," .. tostring(b)) or "")
  end
  local r = ""
  for i = 1, n do r = r .. (i > 1 and " " or "") .. out[i] end
  return n .. ": " .. r
end
p(collect("hello world from lua", "%a+"))
p(collect("k1=v1, k2=v2", "(%w+)=(%w+)"))
p(collect("abc", ""))
p(collect("abc", "()"))
p(collect("abc", "x*"))
p(collect("a,b,,c", "([^,]*)"))
p(collect("^a^b", "^%a"))
p(collect("aaa", "a-"))
p(collect("", ".*"))
p(collect("one two", "()(%a+)"))
p(collect(12345, "%d%d"))
local it = string.gmatch("a1b2c3", "%a(%d)")
p(it(), it(), it(), it(), it())
local it2 = string.gfind("x y", "%a")
p(it2(), it2(), it2())
p(string.gfind == string.gmatch, type(string.gfind))
p(pcall(string.gmatch))
p(pcall(string.gmatch, "a"))
p(pcall(string.gmatch, "a", {}))
local bad = string.gmatch("abc", "(")
p(pcall(bad))
p(pcall(function() for w in ("abc"):gmatch("%") do end end))
p(pcall(function() for w in ("abc"):gmatch("(a") do end end))
