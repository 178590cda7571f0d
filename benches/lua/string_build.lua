local parts = {}
for i = 1, 200000 do parts[#parts + 1] = "item" .. i end
local s = table.concat(parts, ",")
local t = ""
for i = 1, 20000 do t = t .. "x" end
print(#s, #t)
