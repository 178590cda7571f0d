-- next/pairs order must be identical to lua5.1's for string, number and boolean keys.
local function keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = tostring(k) end
  return table_concat and table_concat(out, " ") or (function() local s = "" for i = 1, #out do s = s .. out[i] .. " " end return s end)()
end
local t = {}
for i = 1, 20 do t["k" .. i] = i end
print(keys(t))
print(keys({a = 1, b = 2, c = 3, d = 4, e = 5}))
print(keys({10, 20, 30, x = 1, y = 2, [100] = 3, [-1] = 4, [1.5] = 5, [true] = 6, [false] = 7}))
local u = {}
u[10] = 1; u[20] = 2; u[30] = 3; u[5] = 4; u[1] = 5; u[2] = 6
print(keys(u))
local w = {}
for i = 1, 10 do w[i * 3] = i end
w[3] = nil; w[9] = nil
print(keys(w))
local names = {"id", "name", "email", "age", "created_at", "updated_at", "status", "score", "tags", "meta"}
local rec = {}
for _, n in ipairs(names) do rec[n] = true end
print(keys(rec))
local big = {}
for i = 1, 100 do big[i] = i end
for i = 1, 100, 2 do big[i] = nil end
local c = 0
for k in pairs(big) do c = c + 1 end
print(c, #big == 100 or #big == 0 or "border")
local del = {a = 1, b = 2, c = 3}
for k in pairs(del) do del[k] = nil end
print(next(del))
