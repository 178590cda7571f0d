local t = {}
local keys = {}
for i = 1, 100000 do keys[i] = "k" .. i end
for r = 1, 20 do
  for i = 1, #keys do t[keys[i]] = i end
  local s = 0
  for i = 1, #keys do s = s + t[keys[i]] end
end
local n = 0
for k, v in pairs(t) do n = n + 1 end
print(n)
