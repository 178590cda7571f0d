local t = {}
for i = 1, 3000000 do t[i] = i end
local s = 0
for r = 1, 10 do for i = 1, #t do s = s + t[i] end end
print(s)
