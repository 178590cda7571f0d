-- os.date in UTC ("!"): every strftime conversion of the C locale, "*t", odd formats.
-- Local-time results depend on the machine's zone and are checked in time.lua by
-- round trips only.
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end

local all = "%a %A %b %B %c|%d %H %I %j %m %M %p %S %U %w %W %x %X %y %Y %Z %%"
local ext = "%e|%D|%F|%T|%R|%h|%C|%g|%G|%u|%V|%z|%k|%l|%P|%r|%n|%t"
local times = {0, 1, 59, 43200, 86399, 1e9, 951782400, 2^31 - 1, 2^31, -1, -86400 * 365,
               1700000000.9, -0.5, 4102444800, 253402300799, -62135596800, -1e10, 1e11}
for _, t in ipairs(times) do
  print(os.date("!" .. all, t))
  print(os.date("!" .. ext, t))
end

-- week numbers around each new year from 2019 to 2029 (2019-01-01 is 1546300800)
for day = 0, 3652 do
  local t = 1546300800 + day * 86400 + 43200
  local d = os.date("!*t", t)
  if d.yday <= 8 or d.yday >= 357 then
    io.write(os.date("!%Y-%m-%d %a %U %W %V %G %g %j %u %w;", t))
  end
end
print()

-- "*t"
local function fields(t)
  if t == nil then return "nil" end
  local out = {}
  for _, k in ipairs{"year", "month", "day", "hour", "min", "sec", "wday", "yday", "isdst"} do
    out[#out + 1] = k .. "=" .. tostring(t[k])
  end
  return table.concat(out, " ")
end
print(fields(os.date("!*t", 1e9)))
print(fields(os.date("!*t", 0)))
print(fields(os.date("!*t", -1)))
print(fields(os.date("!*t", 951782400 + 86400)))
print(os.date("!*tanything", 86400 * 365))
print(type(os.date("*t")), type(os.date("*t").isdst), type(os.date()), type(os.date("%c")))

-- unrepresentable times give nil
show(os.date("!*t", 1e100), os.date("!%Y", 2^62), os.date("!%Y", -2^62), pcall(os.date, "*t", 2^63))

-- formats: no conversion, lone %, unknown conversions, flags and widths
show(os.date("", 0), os.date("abc", 0), os.date("!%", 0), os.date("!100%", 0), os.date("!%%%", 0))
show(os.date("!%-|%_|%0|%^|%#|%5|%+|%L|%N|%f|%i|%J|%K|%q|%v|%E|%O|%Ec|%Oy|%Q", 1e9))
show(os.date("!%1|%2|%3|%9", 1e9))
show(os.date("!\0%Y\0", 0) == "\0" .. "1970\0")
show(os.date("!%H:%M", 1.9), os.date("!%S", -0.5), os.date("!%Y", "86400000"))

-- arguments
show(pcall(os.date, 3))
show(pcall(os.date, "%Y", "x"))
show(pcall(os.date, {}))
show(pcall(os.date, "!%Y", {}))
