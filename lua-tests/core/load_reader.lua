-- load() with a reader stops calling it at the first syntax error, after the same
-- number of calls as 5.1 (which reads one character past the current token).
local function reader(s)
  local i = 0
  return function()
    i = i + 1
    return string.sub(s, i, i)
  end, function() return i end
end
for _, src in ipairs{"*a = 123", "x = = 1 + 2 + 3", "local function f() return 1 end f(", "x = 1 y = 2 )",
                     "return 'abc", "x = 10 + \n23; return x", "for i = 1, 2 do end end end"} do
  local r, count = reader(src)
  local f, err = load(r, "=src")
  print(string.format("%q", src), f and "function" or err, count())
end
-- pieces of several characters
local pieces = {"x = 1; ", "y = ", "* 2; z = 3", " + 4", " w = 5"}
local n = 0
print(load(function() n = n + 1; return pieces[n] end, "=pieces"))
print(n)

-- a dumped function with upvalues loads with fresh nil upvalues
local a, b = 20, 30
local x = loadstring(string.dump(function(x)
  if x == "set" then a = 10 + b; b = b + 1 else return a end
end))
print(x())
print(debug.setupvalue(x, 1, "hi"), x())
print(debug.setupvalue(x, 2, 13), debug.setupvalue(x, 3, 10))
x("set"); print(x())
x("set"); print(x())
print(a, b)
