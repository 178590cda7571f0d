-- Upvalues: sharing, closing per iteration, nested functions.
local function counter()
  local c = 0
  return function() c = c + 1; return c end, function() return c end
end
local inc, get = counter()
inc(); inc()
print(get())
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
local gs = {}
local j = 1
while j <= 3 do local k = j; gs[j] = function() k = k + 10; return k end; j = j + 1 end
print(gs[1](), gs[1](), gs[2]())
local function outer()
  local x = 1
  local function mid()
    local function inner() x = x + 1; return x end
    return inner
  end
  return mid(), function() return x end
end
local f1, f2 = outer()
f1(); f1()
print(f2())
local r = {}
local m = 0
repeat local z = m; r[#r + 1] = function() return z end; m = m + 1 until z >= 2
print(r[1](), r[2](), r[3]())
local co = coroutine.wrap(function()
  local v = 0
  local function bump() v = v + 1 end
  for _ = 1, 3 do bump(); coroutine.yield(v) end
end)
print(co(), co(), co())
