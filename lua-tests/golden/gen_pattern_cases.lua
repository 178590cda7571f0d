-- Prints the case table of crates/lua/tests/pattern_cases.rs from lua5.1's string.find,
-- string.match, string.gmatch and string.gsub. Regenerate from this folder with:
--   lua5.1 gen_pattern_cases.lua
-- Results are written as in gen_pattern.lua: "nil", "start end [capture] position ..." or
-- "!message"; gmatch lists every capture of each match as "a,b|c,d"; gsub gives
-- "result n=count".
local R = dofile("rust_cases.lua")
local function show(v)
  if type(v) == "string" then return "[" .. v .. "]" end
  return tostring(v)
end
local function list(...)
  local t = {}
  for i = 1, select("#", ...) do t[#t + 1] = show((select(i, ...))) end
  return table.concat(t, " ")
end
local function outcome(ok, ...)
  if not ok then return "!" .. R.msg((...)) end
  if (...) == nil then return "nil" end
  return list(...)
end
local function emit(kind, args, res)
  print(string.format("    %s(%s, %s);", kind, table.concat(args, ", "), R.lit(res)))
end
local finds = {
  { "hello world", "o w" }, { "hello world", "o", 6 }, { "hello", "l+" }, { "hello", "" }, { "", "" },
  { "abc", "", 10 }, { "abc", "", 4 }, { "abc", "", -10 }, { "abc", "c", -1 }, { "abc", "a", -10 },
  { "a+b", "+", 1, true }, { "a+b", "a+", 1, true }, { "a.b", ".", 1, true }, { "xa\0.", "a\0." },
  { "xa\0b", ".\0b" }, { "a\0b", "%z" }, { "a\0b", "[%z]" }, { "a\0b", "[^%Z]" }, { "THE (quick) fox", "%((%a+)%)" },
  { "f(a(b)c)d", "%b()" }, { "f(a(b)c", "%b()" }, { "abc", "%f[%a]" }, { "THE (quick) fox", "%f[%a]%a+%f[%A]", 5 },
  { "a$b", "$b" }, { "a$b", "a$" }, { "ab^", "b^" }, { "aaa", "a-$" }, { "aaab", "a-b" }, { "  x", "^%s*x$" },
  { "abc", "(a" }, { "abc", "(x" }, { "abc", "a)" }, { "abc", "%1" }, { "abc", "(a)%2" }, { "abc", "(a%1)" },
  { "abc", "(a)%0" }, { "abab", "(ab)%1" }, { "aa", "()a%1" }, { "abc", ("()"):rep(32) }, { "abc", ("()"):rep(33) },
  { "a", "%b" }, { "a", "%ba" }, { "a", "%" }, { "a", "[a" }, { "a", "[a%" }, { "a", "%f" }, { "a", "%fa" },
  { "a", "[]" }, { "]", "[]]" }, { "a", "[^]" }, { "^", "[^^]" }, { "-", "[a-]" }, { "b", "[%a-z]" },
  { "%", "[%%]" }, { "a]", "[%]]" }, { "z", "[a-]" }, { "-", "[-a]" }, { "c", "[a-c-e]" }, { "d", "[a-c-e]" },
  { "-", "[a-c-e]" }, { "key = value", "(%w+)%s*=%s*(%w+)" }, { "  trim  ", "^%s*(.-)%s*$" },
  { "2024-06-01", "(%d+)-(%d+)-(%d+)" }, { "hello", "(h)(e)(l)(l)(o)" }, { "hello", "()ll()" },
  { "aaa", "a*" }, { "aaa", "a-" }, { "aaa", "a?a?a?a?" }, { "aaa", "^a+$" }, { "", "a*" }, { "", "a+" },
  { "x=1, y=2", "%a=%d" }, { "[[x]]", "%[%[(.-)%]%]" }, { "a.b.c", "%." }, { "a.b.c", "[.]" },
  { "ABC abc 123 !?", "%u+" }, { "ABC abc 123 !?", "%l+" }, { "ABC abc 123 !?", "%p+" }, { "ABC\1abc", "%c" },
  { "ABCxyz", "%x+" }, { "tab\there", "%s" }, { "\255\128", "[\128-\255]+" }, { "é", "%a" }, { "ab", "[%w_]+" },
  { "aXb", "%W" }, { "ab12", "%D+" }, { "ab ", "%S+$" }, { "x", "%X" }, { "a.", "%P" }, { "a", "%U" }, { "A", "%L" },
  { "\n", "%C" }, { "a", "%A" }, { "hello", "l", 1, true }, { "hello", "xyz", 1, true }, { "hello", "", 3, true },
  { "hello", "", 10, true }, { "a(b", "(", 1, true }, { "f(x)", "%b)(" }, { "((a)", "%b()" }, { "x", "%bxx" },
  { "THE (quick) fox", "%f[%l]" }, { "x", "%f[%z]" }, { "x", "%f[^%z]" }, { "aaab", "(a*(.))b" },
  { "abc", "((a)(b))" }, { "abc", "(()" }, { "ab", "(a)(b)%2%1" }, { "abba", "(a)(b)%2%1" },
}
for _, c in ipairs(finds) do
  local args = { R.lit(c[1]), R.lit(c[2]), tostring(c[3] or 1), tostring(c[4] or false) }
  emit("find", args, outcome(pcall(string.find, c[1], c[2], c[3] or 1, c[4])))
  if not c[4] then
    emit("mat", { args[1], args[2], args[3] }, outcome(pcall(string.match, c[1], c[2], c[3] or 1)))
  end
end
local gmatches = {
  { "^a^a", "^a" }, { "abc", "%a*" }, { "abc", "" }, { "abc", "()" }, { "a b  c", "%a*" }, { "hello world", "(%w+)" },
  { "k1=v1, k2=v2", "(%w+)=(%w+)" }, { "abc", "(a" }, { "abc", ".-" }, { "one two", "%a+()" }, { "", "" },
  { "aaa", "a-" }, { "aaa", "a?" }, { "x(y)z(w)", "%b()" }, { "THE (quick) fox", "%f[%a]%a+" },
}
for _, c in ipairs(gmatches) do
  local ok, res = pcall(function()
    local t = {}
    for a, b, c3 in string.gmatch(c[1], c[2]) do
      local parts = { show(a) }
      if b ~= nil then parts[2] = show(b) end
      if c3 ~= nil then parts[3] = show(c3) end
      t[#t + 1] = table.concat(parts, ",")
    end
    return table.concat(t, "|")
  end)
  emit("gm", { R.lit(c[1]), R.lit(c[2]) }, ok and res or ("!" .. R.msg(res)))
end
local gsubs = {
  { "abc", "(a", "x" }, { "abc", "b", "%" }, { "abc", "b", "%x%%" }, { "abc", "b", "%1" }, { "abc", "b", "%2" },
  { "abc", "(b)", "%2" }, { "abc", "()b", "%1" }, { "abc", "", "-" }, { "abc", "^", "-" }, { "abc", "$", "-" },
  { "abc", "%w*", "-" }, { "abc", "b*", "-" }, { "abc", ".", "-", 2 }, { "abc", ".", "-", -1 }, { "abc", ".", "-", 0 },
  { "abc", "^.", "-" }, { "hello", "", "%0" }, { "hello world", "(%w+)", "<%1>" }, { "hello world", "%w+", "%0 %0" },
  { "hello world", "(%w+) (%w+)", "%2 %1" }, { "abc", "%w", "%%%0" }, { "abc", "a", "\0" }, { "a\0b", "%z", "0" },
  { "a\0b", "\0", "x" }, { "abc", "(a)(b)(c)", "%3%2%1%0" }, { "x = 1", "%s*=%s*", "=" }, { "aaa", "a-", "x" },
  { "aaa", "a?", "x" }, { "one two three", "(%a+)", "%1", 2 }, { "abc", "((a)", "x" }, { "  pad  ", "^%s+", "" },
  { "abc", "b", "%9" }, { "abc", "(b)", "%1%1%1" }, { "a.b", "%.", "%%" }, { "hello", "l", "L", 1 },
  { "hello", "l+", "" }, { "", "", "x" }, { "", "x*", "y" }, { "abc", "%f[%w]", "^" }, { "f(a)(b)", "%b()", "[]" },
  { "abc", "()", "%1" },
}
for _, c in ipairs(gsubs) do
  local ok, r, n = pcall(string.gsub, c[1], c[2], c[3], c[4])
  local res = ok and (r .. " n=" .. n) or ("!" .. R.msg(r))
  emit("gsub", { R.lit(c[1]), R.lit(c[2]), R.lit(c[3]), (tostring(c[4] or "None"):gsub("^(%-?%d+)$", "Some(%1)")) }, res)
end
