local function f() print(debug.traceback("msg")) print(debug.traceback("lvl2", 2)) end
local function g() f() end
g()
local t = debug.getinfo(1)
for _, k in ipairs{"source","short_src","linedefined","lastlinedefined","what","currentline","nups","name","namewhat"} do print(k, t[k]) end
local t2 = debug.getinfo(print)
for _, k in ipairs{"source","short_src","linedefined","lastlinedefined","what","currentline","nups","name","namewhat"} do print(k, t2[k]) end
local function h(a, b) local c = 3; print(debug.getlocal(1, 1), debug.getlocal(1, 2), debug.getlocal(1, 3)) end
h(1, 2)
print(pcall(debug.getlocal, 50, 1))
print(debug.getinfo(50))
print(type(require), type(module), package.path)
print(pcall(require, "nonexistent_mod"))
print(debug.traceback(123), debug.traceback({}) ~= nil)
local x = 5
local function u() return x end
print(debug.getupvalue(u, 1), debug.setupvalue(u, 1, 9), x)
print(debug.sethook(), debug.gethook())
