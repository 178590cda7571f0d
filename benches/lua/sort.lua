local t = {}
local x = 42
for i = 1, 200000 do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x end
table.sort(t)
local u = {}
for i = 1, 100000 do u[i] = t[i * 2] end
table.sort(u, function(a, b) return a > b end)
print(t[1] <= t[2], u[1] >= u[2])
