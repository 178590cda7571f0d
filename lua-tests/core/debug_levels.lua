-- Levels lost to tail calls, coroutine stacks and per-thread hooks, as 5.1 reports them.
local function show(t)
  if t == nil then return "nil" end
  return string.format("%s %s %s %s %s", tostring(t.what), tostring(t.short_src),
    tostring(t.currentline), tostring(t.name), tostring(t.func ~= nil))
end

local function f(x)
  if x then
    for lv = 1, 5 do print(lv, show(debug.getinfo(lv, "Slnf"))) end
    print(pcall(getfenv, 3))
    print(debug.traceback("tb"))
  end
end
function g(x) return f(x) end
function g1(x) g(x) end
local function h(x) local f = g1; return f(x) end
h(true)

-- hooks: each lost tail call gives a "tail return"
local ev = {}
debug.sethook(function(e) table.insert(ev, e) end, "cr")
h(false)
debug.sethook()
print(table.concat(ev, " "))

-- many tail calls are many levels
local lim = 1000
local function foo(x)
  if x == 0 then
    print(debug.getinfo(lim + 2, "S").what, debug.getinfo(lim + 3, "S").what, debug.getinfo(lim + 4, "S"))
    local n = 0
    for i = 2, lim + 1 do if debug.getinfo(i, "S").what == "tail" then n = n + 1 end end
    print(n)
    local tb = debug.traceback()
    local lines = 0
    for _ in string.gmatch(tb, "\n") do lines = lines + 1 end
    print(lines, string.find(tb, "\n\t...\n", 1, true) ~= nil)
  else return foo(x - 1) end
end
foo(lim)

-- coroutine stacks
local function tb(co)
  return (string.gsub(debug.traceback(co), "0x%x+", "ADDR"))
end
local function r(n)
  if n > 0 then return r(n - 1) else coroutine.yield() end
end
local co = coroutine.create(r)
coroutine.resume(co, 3)
print(tb(co))
print(show(debug.getinfo(co, 0, "Slnf")))
print(show(debug.getinfo(co, 1, "Slnf")))
print(debug.getinfo(co, 5))

co = coroutine.create(function(x)
  local a = 1
  coroutine.yield(debug.getinfo(1, "l").currentline)
  return a
end)
local lines = {}
debug.sethook(co, function(e, l) table.insert(lines, e .. (l or "")) end, "lcr")
print(coroutine.resume(co, 10))
print(debug.getlocal(co, 1, 1))
print(debug.getlocal(co, 1, 2))
print(debug.setlocal(co, 1, 2, "hi"))
print(debug.gethook(co) ~= nil, debug.gethook())
print(coroutine.resume(co))
print(table.concat(lines, " "))
print(tb(co))

-- a coroutine that died with an error keeps its stack
local function e(i) if i == 0 then error(i) else coroutine.yield(); e(i - 1) end end
co = coroutine.create(function(x) e(x) end)
coroutine.resume(co, 2)
coroutine.resume(co)
print(coroutine.resume(co))
print(tb(co))
print(pcall(debug.getfenv))
