-- collectgarbage("step") completes a cycle only after work proportional to its size
-- argument, as 5.1's incremental collector does.
local function dosteps(siz)
  collectgarbage()
  collectgarbage "stop"
  local a = {}
  for i = 1, 100 do a[i] = {{}}; local b = {} end
  local x = gcinfo()
  local i = 0
  repeat i = i + 1 until collectgarbage("step", siz)
  assert(gcinfo() < x)
  collectgarbage "restart"
  return i
end
print(dosteps(0) > 10, dosteps(6) < dosteps(2), dosteps(10000))
print(collectgarbage("step", 1000000))

-- a dead local's register above a call is not a root
local a = setmetatable({}, {__mode = 'vk'})
local x = {}
a[1] = x
for i = 1, 5 do local t = {}; a[t] = t end
collectgarbage()
local n = 0
for k, v in pairs(a) do n = n + 1 end
print(n)

-- finalizers run newest first; a userdata being finalized leaves weak tables as a
-- value at once, as a key only when it really dies
collectgarbage("stop")
local u = newproxy(true)
local s = 0
local w = {[u] = 0}; setmetatable(w, {__mode = 'vk'})
for i = 1, 5 do w[newproxy(u)] = i end
local w1 = {}; for k, v in pairs(w) do w1[k] = v end
for k, v in pairs(w1) do w[v] = k end
getmetatable(u).a = w1
do
  local u = u
  getmetatable(u).__gc = function(o)
    print("gc", w[o], w[5 - s], getmetatable(o).a[o])
    s = s + 1
  end
end
w1, u = nil
collectgarbage()
print(s)
collectgarbage()
print(next(w))
collectgarbage("restart")

-- an error in a finalizer comes out of collectgarbage
u = newproxy(true)
getmetatable(u).__gc = function() error("in gc", 0) end
u = nil
print(pcall(collectgarbage))
print(pcall(collectgarbage))

-- a full collection ends a "stop" (5.1 recomputes its threshold)
collectgarbage("stop")
collectgarbage()
local wx = setmetatable({[1] = {}}, {__mode = 'kv'})
local A = 0
while wx[1] do local s = A .. A .. A .. A; A = A + 1 end
print("collected")
collectgarbage("stop")
local wy = setmetatable({[1] = {}}, {__mode = 'kv'})
for i = 1, 100000 do local s = i .. i end
print(wy[1] ~= nil)
collectgarbage("restart")
