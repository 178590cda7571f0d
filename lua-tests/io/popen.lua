-- io.popen and io.tmpfile.
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end

local p = io.popen("echo hi; echo there")
show(io.type(p))
show(p:read("*a"))
show(p:read("*a"), p:read())
show(p:close())
show(io.type(p))
local p = io.popen("printf 'a\\nb\\nc'", "r")
for l in p:lines() do io.write("[", l, "]") end
print()
p:close()
local p = io.popen("exit 3")
show(p:read("*a"), p:close())
local p = io.popen("printf '12 34'")
show(p:read("*n", "*n", "*n"))
p:close()

-- writing to a command
local name = os.tmpname()
local p = io.popen("cat > " .. name, "w")
show(p:write("piped ", 42, "\n"))
show(p:read())
show(p:close())
show(io.open(name):read("*a"))
os.remove(name)


-- bad modes
show(select('#', io.popen("true", "x")), (select(3, io.popen("true", "x"))))
show(pcall(io.popen))
show(pcall(io.popen, "true", {}))

-- tmpfile
local t = io.tmpfile()
show(io.type(t))
show(t:write("abc", 1))
show(t:seek("set"))
show(t:read("*a"))
show(t:seek("cur"), t:seek("end"))
show(t:close())
