-- Variable names in error messages follow 5.1's symbolic execution: an operand
-- produced by `a or b` / `a and b` is not named (TEST counts as setting it).
local function msg(src)
  local f = assert(loadstring(src))
  local ok, m = pcall(f)
  return m
end
print(msg("aaa={}; x=(aaa or aaa)+(aaa and aaa)"))
print(msg("aaa={}; (aaa or aaa)()"))
print(msg("aaa={}; x=3/aaa"))
print(msg("a={13}; local bbbb=1; a[bbbb](3)"))
print(msg("local t = {} for i = 1, 2 do end local y = t.x.y"))
print(msg("local a, b = 1 local c = {} ; c = a and c.x.y"))

-- An error inside an xpcall handler runs the handler again; endless failures end
-- in "error in error handling".
print(xpcall(error, error))
print(xpcall(function() local x = nil + 1 end, function(m) return m .. nil end))
local calls = 0
print(xpcall(function() error("first") end,
  function(m) calls = calls + 1; if calls < 3 then error("again" .. calls, 0) end; return m end))
print(calls)
local function f(x)
  if x == 0 then error('a\n')
  else
    local aux = function() return f(x - 1) end
    local a, b = xpcall(aux, aux)
    return a, b
  end
end
print(f(3))

-- A stack overflow leaves room for the handler to build a traceback.
C = 0
function y() C = C + 1; y() end
local l1
local function g()
  l1 = debug.getinfo(1, "l").currentline; y()
end
local _, stackmsg = xpcall(g, debug.traceback)
local n = 0
for line in string.gmatch(stackmsg, "[^\n]*") do n = n + 1 end
print(string.match(stackmsg, "^[^\n]*"), n)
print(string.find(stackmsg, ":" .. l1 .. ":", 1, true) ~= nil)
-- and afterwards the normal limit applies again
C = 0
print(pcall(y))
print(C > 100)

-- The upvalue limit is found while parsing, before a later syntax error.
local s = "function foo ()\n  local "
for j = 1, 70 do s = s .. "a" .. j .. ", " end
s = s .. "b\n"
for j = 1, 70 do s = s .. "function foo" .. j .. " ()\n a" .. j .. "=3\n" end
print(loadstring(s))
s = "local a1"
for j = 2, 61 do s = s .. ", a" .. j end
s = s .. "\nreturn function() return a1"
for j = 2, 61 do s = s .. " + a" .. j end
print(loadstring(s .. " end"))
print(type(loadstring("local a local function f() local function g() return a, a, a end end")))
