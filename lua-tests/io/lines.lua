-- io.lines and file:lines: iteration, closing at the end, errors.
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end
local name = os.tmpname()
local f = io.open(name, "w")
f:write("one\n\ntwo\r\nthree  \nlast without newline")
f:close()

for l in io.lines(name) do io.write("[", l, "]") end
print()
local f = io.open(name)
for l in f:lines() do io.write("<", l, ">") end
print()
show(io.type(f), f:read(), f:read("*a"))
f:close()

-- io.lines closes its file at the end; file:lines does not
local it = io.lines(name)
local n = 0
for l in it do n = n + 1 end
show(n, pcall(it))
local f = io.open(name)
local it = f:lines()
show(it())
f:close()
show(pcall(it))
local f = io.open(name)
local it = f:lines()
for i = 1, 10 do it() end
show(it(), io.type(f))
f:close()

-- an empty file
local g = io.open(name, "w")
g:close()
local count = 0
for l in io.lines(name) do count = count + 1 end
show(count)

-- errors
show(pcall(io.lines, "no_such_dir/zz"))
show(pcall(function() for l in io.lines("no_such_file_here") do end end))
show(pcall(io.lines, 42))
show(pcall(io.lines, {}))
show(pcall(f.lines, 42))
show(pcall(f.lines))
show(pcall(function() return f:lines() end))
-- a directory opens, but reading it fails
show(pcall(function() for l in io.lines(".") do end end))
os.remove(name)
