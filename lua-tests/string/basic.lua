-- string.len, sub, byte, char, lower, upper, reverse, rep: results and argument errors.
-- Prints its arguments on one line, strings quoted with %q (nil and numbers as tostring).
local function p(...)
  local function fmt(n, v, ...)
    if n == 0 then return "" end
    local s = type(v) == "string" and string.format("%q", v) or tostring(v)
    if n == 1 then return s end
    return s .. " " .. fmt(n - 1, ...)
  end
  print(fmt(select('#', ...), ...))
end

-- len
p(string.len(""), string.len("abc"), string.len("a\0b"), string.len(123), string.len(1.5))
p(("hello"):len(), #"hello")
p(pcall(string.len))
p(pcall(string.len, nil))
p(pcall(string.len, {}))
p(pcall(string.len, true))

-- sub
local s = "hello world"
for _, args in ipairs({ {1}, {2}, {-1}, {-5}, {0}, {100}, {-100}, {1, 5}, {3, -3}, {5, 3},
    {0, 0}, {1, 0}, {-3, -1}, {-100, 2}, {2, 100}, {6, 6}, {1, -1}, {12, 12}, {11, 11},
    {2.7, 4.9}, {"2", "3"}, {-0.5}, {1e10, 1e11}, {-1e10, 1e10} }) do
  p(s:sub(args[1], args[2]))
end
p(string.sub("", 1), string.sub("", 0, 0), string.sub("", -1, 1))
p(string.sub(12345, 2, 3))
p(pcall(string.sub))
p(pcall(string.sub, "x"))
p(pcall(string.sub, "x", "a"))
p(pcall(string.sub, "x", 1, {}))
p(pcall(string.sub, {}, 1))
p(pcall(("x").sub))

-- byte
p(string.byte("A"), string.byte("ABC", 2), string.byte("ABC", -1))
p(string.byte("ABCDEF", 2, 4))
p(string.byte("ABCDEF", -3, -1))
p(string.byte("ABCDEF", 0, 2))
p(string.byte("ABCDEF", 5, 100))
p(string.byte("ABCDEF", 4, 2))
p(string.byte(""))
p(select('#', string.byte("")))
p(select('#', string.byte("abc", 10)))
p(string.byte("\0\255\128"), string.byte("\0\255\128", 2), string.byte("\0\255\128", 3))
p(string.byte(65), string.byte(1234, 2, 3))
p(pcall(string.byte))
p(pcall(string.byte, "a", "x"))
p(pcall(string.byte, "a", 1, "x"))
p(select('#', string.byte(string.rep("x", 7997), 1, -1)))
p(pcall(string.byte, string.rep("x", 7998), 1, -1))
p(pcall(string.byte, string.rep("x", 9000), 1, -1))
p(select('#', string.byte(string.rep("x", 7999), 3, -1)))
p(pcall(function() return string.byte(string.rep("x", 7999), 2, -1) end))

-- char
p(string.char(), string.char(65), string.char(72, 105, 33), string.char(0, 255))
p(string.char("65", 66.9), string.char(2^32 + 65))
p(pcall(string.char, 256))
p(pcall(string.char, -1))
p(pcall(string.char, 65, 300))
p(pcall(string.char, "x"))
p(pcall(string.char, 65, nil))
p(pcall(string.char, 65, {}))

-- lower / upper
p(string.lower("Hello WORLD 123 \200\0Z"), string.upper("Hello world 123 \200\0z"))
p(string.lower(""), string.upper(""), string.lower(12), string.upper("abc"):lower())
p(pcall(string.lower))
p(pcall(string.upper, {}))

-- reverse
p(string.reverse(""), string.reverse("a"), string.reverse("abc\0d"), string.reverse(123))
p(pcall(string.reverse))

-- rep
p(string.rep("ab", 3), string.rep("x", 0), string.rep("x", -5), string.rep("", 100))
p(string.rep("abc", 1), string.rep(5, 3), string.rep("a", 2.9), string.rep("\0", 2))
p(#string.rep("abcdefgh", 10000), string.rep("ab", 1000):sub(-5))
p(pcall(string.rep))
p(pcall(string.rep, "x"))
p(pcall(string.rep, "x", "y"))
p(pcall(string.rep, {}, 2))

-- method calls through the string metatable
p(("abc"):upper(), ("%d"):format(5), ("x"):rep(3), ("hello"):sub(2, 3), ("A"):byte())
p(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""))
p(pcall(string.rep, "x", 2, 3))
p(pcall(function() return ("x"):rep() end))
p(pcall(function() return ("x"):sub({}) end))
p(pcall(function() return string.sub() end))
p(pcall(function() local t = {f = string.char} return t.f(1, 2, 999) end))
p(pcall(function() local up = string.len; return (function() return up() end)() end))
