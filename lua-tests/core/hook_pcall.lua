-- A pcall that catches an error inside a hook does not re-enable hooks for the rest
-- of the hook (5.1 keeps hooks off while one runs).
local depth, maxdepth, events = 0, 0, 0
debug.sethook(function(e, l)
  depth = depth + 1
  if depth > maxdepth then maxdepth = depth end
  events = events + 1
  pcall(error, "x")
  local t = {}
  for i = 1, 3 do t[i] = i end
  depth = depth - 1
end, "l")
local s = 0
for i = 1, 10 do s = s + i end
debug.sethook()
print(s, maxdepth, events > 0)

-- an error raised by a hook leaves hooks off while the error handler runs, and on
-- again once the error is caught
local armed, calls = true, 0
local ok, msg = xpcall(function()
  debug.sethook(function(e)
    calls = calls + 1
    if armed then armed = false; error("hook failed", 0) end
  end, "c")
  local function f() return 1 end
  f()
end, function(m) return m .. " / handled with " .. calls .. " hook calls" end)
print(ok, msg)
local before = calls
local function g() end
g()
debug.sethook()
print(calls - before)
print(xpcall(function() return pcall(error) end, debug.traceback))
