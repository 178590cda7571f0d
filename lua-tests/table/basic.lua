-- table.concat, insert, remove, maxn, getn, setn, foreach, foreachi (raw access, # border)
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end

-- concat
show(table.concat({}))
show(table.concat({1, 2, 3}))
show(table.concat({1, 2.5, "a", -0.1}, ", "))
show(table.concat({"a", "b", "c"}, "-", 2))
show(table.concat({"a", "b", "c"}, "-", 2, 3))
show(table.concat({"a", "b", "c"}, "-", 3, 2))
show(table.concat({"a", "b", "c"}, 0, 1, 3))
show(table.concat({1e100, 2^53, 1/3}, " "))
show(pcall(table.concat, {1, {}, 3}))
show(pcall(table.concat, {1, 2, 3}, ", ", 2, 5))
show(pcall(table.concat, {true}))
show(pcall(table.concat, {}, {}))
show(pcall(table.concat, nil))
show(pcall(table.concat, {}, "", "x"))
show(pcall(function() return table.concat({1, print}) end))
show(table.concat(setmetatable({}, {__index = function(t, k) return k end}), ",", 1, 0))
show(pcall(table.concat, setmetatable({}, {__index = function(t, k) return k end}), ",", 1, 2))

-- insert
local t = {}
table.insert(t, "a")
table.insert(t, "b")
table.insert(t, 1, "c")
table.insert(t, 2, "d")
show(#t, table.concat(t, ","))
table.insert(t, 10, "x")
show(#t, table.maxn(t), t[10])
table.insert(t, "3", "s")
show(table.concat(t, ",", 1, 5), t[10])
show(pcall(table.insert, {1, 2, 3}))
show(pcall(table.insert, {1, 2, 3}, 1, 2, 3))
show(pcall(table.insert, {}, "x", 3))
show(pcall(table.insert, nil, 1))
show(pcall(table.insert))
show(pcall(function() table.insert({}) end))
local t = {1, 2, 3}
table.insert(t, 0, "zero")
show(t[0], #t)
table.insert(t, -1, "neg")
show(t[-1], #t)
table.insert(t, 2.7, "trunc")
show(t[-1], t[0], t[1], t[2], t[3], t[4], t[5], t[6])

-- remove
local t = {1, 2, 3, 4}
show(table.remove(t), #t)
show(table.remove(t, 1), #t, table.concat(t, ","))
show(table.remove(t, 7), table.remove(t, 0), #t)
show(select('#', table.remove({})))
show(select('#', table.remove({}, 1)))
show(table.remove({"only"}))
show(pcall(table.remove, {1, 2}, "x"))
show(pcall(table.remove, "x"))
local t = {n = 1, [1] = "a", [2] = "b", [3] = nil, [4] = "d"}
show(table.remove(t, 2), t[1], t[2], t[3])

-- maxn
show(table.maxn({}))
show(table.maxn({1, 2, 3}))
show(table.maxn({[1.5] = 1, [-3] = 2, x = 3}))
show(table.maxn({[100] = 1, [2^60] = true, [-1e300] = 0}))
show(pcall(table.maxn, 5))

-- getn / setn
show(table.getn({}), table.getn({1, 2, nil, 4}), table.getn({n = 10}))
show(pcall(table.getn, nil))
show(pcall(table.setn, {1, 2, 3}, 1))
show(pcall(function() return table.setn({}) end))
show(pcall(table.setn, 1))

-- foreachi / foreach
show(table.foreachi({10, 20, 30}, function(i, v) io.write(i, "=", v, " ") end))
print()
show(table.foreachi({1, 2, 3}, function(i, v) if v == 2 then return i * 10, "second" end end))
show(table.foreach({a = 1}, function(k, v) return k .. v end))
local keys = {}
table.foreach({x = 1, y = 2, z = 3}, function(k, v) keys[#keys + 1] = k .. "=" .. v end)
table.sort(keys)
show(table.concat(keys, " "))
show(table.foreach({}, error))
show(pcall(table.foreachi, {1, 2}, 3))
show(pcall(table.foreach, nil, print))
show(pcall(table.foreachi, {1}, function() error("inside") end))
local ok, e = pcall(table.foreach, {1}, function() error({}) end)
show(ok, type(e))

-- read-only style: library functions do raw access
local log = {}
local proxy = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end})
table.insert(proxy, "a")
show(#log, proxy[1])
