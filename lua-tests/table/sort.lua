-- table.sort: results, order of comparator calls, stability of equal elements,
-- 'invalid order function' errors, metamethods, argument errors.
local seed = 12345
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

-- the exact sequence of comparisons
local log = {}
local t = {5, 1, 4, 2, 3, 9, 8, 7, 6, 0, 5, 5, 3}
table.sort(t, function(a, b) log[#log + 1] = a .. "<" .. b; return a < b end)
print(table.concat(log, " "))
print(table.concat(t, " "))

-- many shapes, sizes and comparators (some inconsistent)
local function trial(k)
  local n = rnd(40)
  local t = {}
  for i = 1, n do t[i] = rnd(k % 7 + 2) end
  local calls = 0
  local mode = k % 5
  local ok, err = pcall(table.sort, t, function(a, b)
    calls = calls + 1
    if mode == 0 then return a < b
    elseif mode == 1 then return a <= b
    elseif mode == 2 then return rnd(2) == 0
    elseif mode == 3 then return a > b
    else return true end
  end)
  print(k, n, ok, err, calls, table.concat(t, ","))
end
for k = 1, 120 do trial(k) end

-- equal keys: which record ends where
local recs = {}
for i = 1, 30 do recs[i] = {key = rnd(4), id = i} end
table.sort(recs, function(a, b) return a.key < b.key end)
local out = {}
for i, r in ipairs(recs) do out[i] = r.key .. ":" .. r.id end
print(table.concat(out, " "))

-- default comparison: numbers, strings
local t = {}
for i = 1, 200 do t[i] = tostring(rnd(1000)) end
table.sort(t)
print(table.concat(t, " "))
local t = {3.5, -1, 1e10, -1/0, 1/0, 0, 2}
table.sort(t)
print(table.concat(t, " "))
local t = {"b", "a", "B", "", "ab", "a\1b", "a\1a"}
table.sort(t)
for i, s in ipairs(t) do t[i] = "[" .. s .. "]" end
print(table.concat(t, " "))

-- sorted large array, reverse order
local t = {}
for i = 1, 2000 do t[i] = rnd(100000) end
table.sort(t, function(a, b) return a > b end)
local ok = true
for i = 2, #t do if t[i - 1] < t[i] then ok = false end end
print("descending", ok, #t)

-- __lt metamethod
local mt = {__lt = function(a, b) return a.v < b.v end}
local t = {}
for i = 1, 10 do t[i] = setmetatable({v = (i * 7) % 11}, mt) end
table.sort(t)
local out = {}
for i, x in ipairs(t) do out[i] = x.v end
print(table.concat(out, " "))

-- small cases
local t = {}
table.sort(t)
local t = {1}
table.sort(t)
print(t[1])
local t = {2, 1}
table.sort(t)
print(t[1], t[2])
local t = {3, 1, 2}
table.sort(t)
print(t[1], t[2], t[3])

-- errors
print(pcall(table.sort, {3, 2, 1, 5, 4, 7, 6, 9, 8, 10, 11, 12}, function(a, b) return true end))
print(pcall(function() table.sort({3, 2, 1, 5, 4, 7, 6, 9, 8, 10, 11, 12}, function(a, b) return true end) end))
print(pcall(table.sort, {1, "x"}))
print(pcall(table.sort, {{}, {}}))
print(pcall(table.sort, {1, 2, 3}, 3))
print(pcall(table.sort, nil))
print(pcall(table.sort, {3, 2, 1}, function(a, b) error("cmp failed") end))
print(pcall(table.sort, {1, nil, 3}))
local t = {5, 4, 3, 2, 1}
table.sort(t, nil)
print(table.concat(t, " "))
