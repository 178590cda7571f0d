-- os.time, os.clock, os.difftime. Results that depend on the clock or the local zone
-- are checked by properties and round trips.
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end

local now = os.time()
show(type(now), now == math.floor(now), now > 1.6e9)
local d = os.date("*t", now)
show(os.time(d) == now)
show(os.time(os.date("*t")) - now <= 2)

-- table fields: defaults, normalisation (like mktime), strings, truncation
local function stamp(t)
  local v = os.time(t)
  if v == nil then return "nil" end
  local r = os.date("*t", v)
  return (r.year .. "-" .. r.month .. "-" .. r.day .. " " .. r.hour .. ":" .. r.min .. ":" .. r.sec)
end
show(stamp{year = 2000, month = 1, day = 1})
show(stamp{year = 2000, month = 1, day = 1, hour = 0})
show(stamp{year = 2000, month = 14, day = -3, hour = 25, min = 61, sec = -1})
show(stamp{year = 2001, month = 2, day = 29, hour = 10})
show(stamp{year = 2004, month = 2, day = 29, hour = 10})
show(stamp{year = 1999, month = 0, day = 0, hour = 0, min = 0, sec = 0})
show(stamp{year = 2010, month = -25, day = 400, hour = -100, min = 1000, sec = 100000})
show(stamp{year = "2000", month = "3", day = 1.7, hour = "5.9"})
show(stamp{year = 2000, month = 6, day = 15, hour = 12, isdst = false} ~= nil)
local a = os.time{year = 2000, month = 1, day = 1, hour = 0}
local b = os.time{year = 2000, month = 1, day = 2, hour = 0}
local c = os.time{year = 2000, month = 1, day = 1, hour = 0, min = 0, sec = 3600 * 24}
show(b - a, c - b)
show(os.time{year = 2000, month = 1, day = 1, hour = 12} - os.time{year = 2000, month = 1, day = 1})
-- a table read through __index
local proxy = setmetatable({}, {__index = {year = 2000, month = 1, day = 2, hour = 0}})
show(os.time(proxy) == b)

-- errors
show(pcall(os.time, {}))
show(pcall(os.time, {year = 2000}))
show(pcall(os.time, {year = 2000, month = 1}))
show(pcall(os.time, {year = 2000, month = "x", day = 1}))
show(pcall(os.time, {year = 2000, month = 1, day = {}}))
show(pcall(os.time, 5))
show(pcall(os.time, "x"))
show(pcall(function() return os.time({day = 1, month = 1}) end))
show(os.time(nil) - now <= 2)

-- difftime
show(os.difftime(10, 3), os.difftime(10), os.difftime(3, 10), os.difftime(10.9, 0.5))
show(os.difftime(b, a))
show(pcall(os.difftime))
show(pcall(os.difftime, "x"))
show(pcall(os.difftime, 1, "x"))

-- clock
local c0 = os.clock()
show(type(c0), c0 >= 0)
local x = 0
for i = 1, 300000 do x = x + i end
show(os.clock() >= c0)
