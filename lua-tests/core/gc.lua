-- The collector frees garbage, keeps reachable data, clears weak tables, runs __gc.
collectgarbage()
local before = collectgarbage("count")
for i = 1, 200000 do local t = {i, {i}} end
collectgarbage()
local after = collectgarbage("count")
print(after < before + 100)
local weak = setmetatable({}, {__mode = "k"})
local keep = {}
weak[keep] = 1
weak[{}] = 2
collectgarbage()
local n = 0
for k in pairs(weak) do n = n + 1 end
print(n, weak[keep])
local wv = setmetatable({}, {__mode = "v"})
wv[1] = {}
wv[2] = keep
wv[3] = "strings stay"
collectgarbage()
print(wv[1], wv[2] == keep, wv[3])
local finalized = 0
do
  local p = newproxy(true)
  getmetatable(p).__gc = function() finalized = finalized + 1 end
end
collectgarbage()
collectgarbage()
print(finalized)
local cyc = {}
cyc.self = cyc
cyc = nil
collectgarbage()
print(collectgarbage("count") < before + 100)
print(collectgarbage("setpause", 150), collectgarbage("setpause", 200))
print(type(gcinfo()))
print(pcall(collectgarbage, "bogus"))
