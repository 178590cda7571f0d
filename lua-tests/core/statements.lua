-- Control structures, scoping, multiple assignment, varargs, tail calls.
local s = 0
for i = 1, 10 do s = s + i end
print(s)
for i = 10, 1, -3 do io_write = nil; s = s - i end
print(s)
for i = 1, 0 do print("never") end
for i = 1.5, 3.5, 0.5 do s = s + i end
print(s)
local n = 0
while n < 5 do n = n + 1 if n == 3 then break end end
print(n)
repeat local k = n; n = n + 1 until k >= 6
print(n)
if n > 100 then print("a") elseif n > 5 then print("b") else print("c") end
do local n = 1; print(n) end
print(n)
local a, b, c = (function() return 1, 2, 3 end)()
print(a, b, c)
local t = {}
t.x, t.y = 1, 2, 3
print(t.x, t.y)
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local function va(...)
  local n = select("#", ...)
  return n, ...
end
print(va())
print(va(nil, nil))
print(va(1, 2, 3))
print((va(1, 2, 3)))
local function tail(n) if n == 0 then return "done" end return tail(n - 1) end
print(tail(100000))
local function count(...) return select("#", ...) end
print(count(va(1, 2)), count(va(1, 2), 5), count({}, va(1)))
local tt = {va(1, 2), va(3, 4)}
print(#tt, tt[1], tt[2], tt[3], tt[4])
function g(...) return arg and arg.n, ... end
print(g(4, 5))
local function h(...) return arg end
print(h(1, 2) == nil)
for k, v in ipairs({10, 20, 30, nil, 50}) do print(k, v) end
goto = 1
print(goto)
