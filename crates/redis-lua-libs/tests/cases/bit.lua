--- tobit
return bit.tobit(1), bit.tobit(-1), bit.tobit(2^32 + 5), bit.tobit(2^31), bit.tobit(-2^31 - 1), bit.tobit(0xffffffff)
--- tobit_rounding
return bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5), bit.tobit(-2.5), bit.tobit(0.49999), bit.tobit(1e20), bit.tobit(-0)
--- tobit_huge
return bit.tobit(2^53), bit.tobit(2^53 + 2), bit.tobit(2^60 + 12345), bit.tobit(1/0), bit.tobit(-1/0), bit.tobit(0/0)
--- tobit_strings
return bit.tobit('12'), bit.tobit('0x10'), bit.tobit(' 7 '), bit.tobit('1e3')
--- tobit_errors
local a = {pcall(bit.tobit)}
local b = {pcall(bit.tobit, 'abc')}
local c = {pcall(bit.tobit, {})}
local d = {pcall(bit.tobit, nil)}
local e = {pcall(bit.tobit, true)}
return a[2], b[2], c[2], d[2], e[2]
--- tobit_direct_error
return bit.tobit('x')
--- bnot
return bit.bnot(0), bit.bnot(-1), bit.bnot(0x12345678), bit.bnot(2^32)
--- band_bor_bxor
return bit.band(0xff, 0x0f), bit.bor(1, 2, 4, 8, 16, 32, 64, 128), bit.bxor(5, 3, 1), bit.band(-1), bit.bor(7), bit.bxor(0xf0f0f0f0, 0xffffffff)
--- band_many
return bit.band(-1, -2, -4, -8, 0x7fffffff), bit.bor(0x80000000, 1), bit.bxor(1, 1, 1, 1, 1)
--- band_errors_order
local a = {pcall(bit.band, 1, 'x', {})}
local b = {pcall(bit.bor)}
local c = {pcall(bit.bxor, 1, 2, nil)}
local d = {pcall(bit.band, 'y', 2)}
return a[2], b[2], c[2], d[2]
--- shifts
return bit.lshift(1, 0), bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(0xff, 28), bit.lshift(1, -1)
--- rshift
return bit.rshift(-256, 4), bit.rshift(0x80000000, 31), bit.rshift(1, 32), bit.rshift(-1, 0), bit.rshift(-1, 1)
--- arshift
return bit.arshift(-256, 4), bit.arshift(0x80000000, 31), bit.arshift(256, 4), bit.arshift(-1, 31), bit.arshift(-1, 63)
--- rotates
return bit.rol(0x12345678, 4), bit.ror(0x12345678, 4), bit.rol(0x80000000, 1), bit.ror(1, 1), bit.rol(5, 32), bit.ror(5, 36)
--- bswap
return bit.bswap(0x12345678), bit.bswap(0x000000ff), bit.bswap(-1), bit.bswap(0)
--- tohex
return bit.tohex(422342), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -2), bit.tohex(255, 12), bit.tohex(1, 0), bit.tohex(0x12345678, 4), bit.tohex(-1, -3)
--- tohex_int_min
return bit.tohex(65535, -2147483648), bit.tohex(65535, 2^31), bit.tohex(1, -8), bit.tohex(1, -9)
--- tohex_errors
local a = {pcall(bit.tohex, 1, nil)}
local b = {pcall(bit.tohex)}
local c = {pcall(bit.tohex, 1, 'z')}
return a[2], b[2], c[2]
--- shift_errors
local a = {pcall(bit.lshift, 1)}
local b = {pcall(bit.rol, nil, 1)}
local c = {pcall(bit.arshift, 1, {})}
return a[2], b[2], c[2]
--- shift_count_rounding
return bit.lshift(1, 1.5), bit.lshift(1, 2.5), bit.rshift(256, '4'), bit.lshift('1', '3')
--- fields
local names = {}
for k, v in pairs(bit) do names[#names + 1] = k .. ':' .. type(v) end
table.sort(names)
return table.concat(names, ' ')
