-- A concatenation past 4 GiB fails with 5.1's (32-bit) message instead of building it.
-- (A 64-bit lua5.1 builds the 4 GiB string, so this file checks itself: no .expected.)
local longs = string.rep("\0", 2^25)
local f = assert(loadstring("return function(a) return a" .. string.rep("..a", 128) .. " end"))()
local ok, err = pcall(f, longs)
assert(not ok and string.find(err, "^%[string .-%]:1: string length overflow$"), err)
-- Below the limit a long concatenation works.
local g = assert(loadstring("return function(a) return a" .. string.rep("..a", 3) .. " end"))()
assert(#g(longs) == 4 * 2^25)
