--- pack_hh
local s = struct.pack('HH', 1, 2)
return hex(s), struct.unpack('HH', s)
--- size_hh
return struct.size('HH'), struct.size('i'), struct.size('bhlLTfdx'), struct.size('!bhlLTfdx'), struct.size('!4bd'), struct.size('c10'), struct.size('i7')
--- pack_integers_le
return hex(struct.pack('<bBhHiIlLT', -1, 255, -2, 65534, -3, 4294967293, -4, 5, 6))
--- pack_integers_be
return hex(struct.pack('>bBhHiIlLT', -1, 255, -2, 65534, -3, 4294967293, -4, 5, 6))
--- pack_sized_ints
return hex(struct.pack('>i1i2i3i5i8', 1, 2, 3, 5, 8)), hex(struct.pack('<I3', 0x123456)), hex(struct.pack('>i16', -2)), hex(struct.pack('<i16', -2)), hex(struct.pack('<I9', 2^64 - 1))
--- pack_out_of_range
return hex(struct.pack('>L', 2^64)), hex(struct.pack('>L', 1/0)), hex(struct.pack('>L', 0/0)), hex(struct.pack('>l', -1/0)), hex(struct.pack('>l', -2^64)), hex(struct.pack('>b', 300)), hex(struct.pack('>B', -1)), hex(struct.pack('>L', 2^63 + 2^11))
--- pack_fractions
return hex(struct.pack('>i', 1.9)), hex(struct.pack('>i', -1.9)), hex(struct.pack('>I', 2^32 + 7))
--- pack_floats
return hex(struct.pack('<f', 1.5)), hex(struct.pack('>f', 1.5)), hex(struct.pack('<d', 0.1)), hex(struct.pack('>d', -2.5)), hex(struct.pack('>f', 0.1)), hex(struct.pack('>f', 1e300))
--- unpack_floats
return struct.unpack('<f', struct.pack('<f', 0.1)), struct.unpack('>d', struct.pack('>d', 0.1)), struct.unpack('>f', unhex('7f800000'))
--- pack_strings
return hex(struct.pack('c3', 'abcdef')), hex(struct.pack('c0', 'abcdef')), hex(struct.pack('s', 'ab')), hex(struct.pack('c', 'xyz')), hex(struct.pack('c0s', '', 'x')), hex(struct.pack('c2', 12))
--- pack_pad_and_space
return hex(struct.pack('b x b', 1, 2)), hex(struct.pack('xxx'))
--- alignment
return hex(struct.pack('!bi', 1, 2)), hex(struct.pack('!2bi', 1, 2)), hex(struct.pack('!bd', 1, 2)), hex(struct.pack('!4bdb', 1, 2, 3)), hex(struct.pack('!bc3i', 1, 'abc', 2)), hex(struct.pack('!1bi', 1, 2)), hex(struct.pack('!16bl', 1, 2))
--- unpack_alignment
return struct.unpack('!bi', struct.pack('!bi', 7, -9))
--- unpack_integers
local s = struct.pack('<bBhHiIlL', -1, 255, -2, 65534, -3, 4294967293, -4, 5)
return struct.unpack('<bBhHiIlL', s)
--- unpack_big
local s = struct.pack('>bBhHiIlL', -1, 255, -2, 65534, -3, 4294967293, -4, 5)
return struct.unpack('>bBhHiIlL', s)
--- unpack_wide
return struct.unpack('>i16', unhex('0000000000000000fffffffffffffffe')), struct.unpack('<i16', unhex('feffffffffffffff0000000000000000')), struct.unpack('>I12', unhex('ffffffff0000000000000001')), struct.unpack('>i3', unhex('800000')), struct.unpack('<I8', unhex('ffffffffffffffff'))
--- unpack_strings
return struct.unpack('c2c1', 'abc'), struct.unpack('s', 'ab\0cd'), struct.unpack('ss', 'a\0b\0')
--- unpack_c0
return struct.unpack('bc0', '\2ab'), struct.unpack('Bc0B', '\3xyz\9')
--- unpack_c0_from_string_size
return struct.unpack('c1c0', '3abc')
--- unpack_c0_errors
local a = {pcall(struct.unpack, 'c0', 'a')}
local b = {pcall(struct.unpack, 'c1c0', 'xa')}
local c = {pcall(struct.unpack, 'bc0', '\9ab')}
local d = {pcall(struct.unpack, 'bc0', '\255ab')}
return a[2], b[2], c[2], d[2]
--- unpack_offsets
return struct.unpack('b', 'abc', 2), struct.unpack('bb', 'abc', 2), struct.unpack('b', 'a', 1)
--- unpack_offset_errors
local a = {pcall(struct.unpack, 'b', 'a', 0)}
local b = {pcall(struct.unpack, 'b', 'a', -1)}
local c = {pcall(struct.unpack, 'b', 'a', 3)}
local d = {pcall(struct.unpack, 'b', 'a', 2)}
local e = {pcall(struct.unpack, '', 'a', 2)}
local f = {pcall(struct.unpack, '', 'a', 3)}
return a[2], b[2], c[2], d[2], e[2], f[2]
--- unpack_short
local a = {pcall(struct.unpack, 'i', 'ab')}
local b = {pcall(struct.unpack, 's', 'ab')}
local c = {pcall(struct.unpack, 'c5', 'ab')}
local d = {pcall(struct.unpack, 'bx', 'a')}
return a[2], b[2], c[2], d[2]
--- format_errors
local a = {pcall(struct.pack, 'z')}
local b = {pcall(struct.pack, 'i33', 1)}
local c = {pcall(struct.pack, 'i99999999999', 1)}
local d = {pcall(struct.pack, '!3i', 1)}
local e = {pcall(struct.pack, '!0bi', 1, 2)}
local f = {pcall(struct.unpack, 'y', 'abc')}
local g = {pcall(struct.size, 'i40')}
return a[2], b[2], c[2], d[2], e[2], f[2], g[2]
--- size_errors
local a = {pcall(struct.size, 's')}
local b = {pcall(struct.size, 'c0')}
local c = {pcall(struct.size, 'z')}
local d = {pcall(struct.size, '#')}
local e = {pcall(struct.size, '!5')}
return a[2], b[2], c[2], d[2], e[2]
--- pack_arg_errors
local a = {pcall(struct.pack, 'c5', 'ab')}
local b = {pcall(struct.pack, 'i')}
local c = {pcall(struct.pack, 'i', 'x')}
local d = {pcall(struct.pack)}
local e = {pcall(struct.pack, 's', {})}
local f = {pcall(struct.pack, 'bc5', 1, 'ab')}
return a[2], b[2], c[2], d[2], e[2], f[2]
--- direct_errors
return struct.pack('i', 'x')
--- fmt_nul_ends
return hex(struct.pack('b\0b', 1, 2)), struct.size('i\0i')
--- endian_switch
return hex(struct.pack('>h<h>h', 1, 2, 3))
--- numeric_strings
return hex(struct.pack('i', '42')), struct.unpack('i', struct.pack('i', ' 0x10 '))
--- many_results
local fmt = string.rep('b', 7990)
local ok, e = pcall(struct.unpack, fmt, string.rep('a', 7990))
local ok2, e2 = pcall(function() return select('#', struct.unpack(string.rep('b', 7996), string.rep('a', 7996))) end)
local ok3, e3 = pcall(function() return select('#', struct.unpack(string.rep('b', 7997), string.rep('a', 7997))) end)
return ok, e, ok2, e2, ok3, e3
--- fields
local names = {}
for k, v in pairs(struct) do names[#names + 1] = k .. ':' .. type(v) end
table.sort(names)
return table.concat(names, ' ')
--- size_t_and_specials
return hex(struct.pack('<T', 2^40)), hex(struct.pack('>f', 0/0)), hex(struct.pack('>d', 1/0)), struct.unpack('>T', unhex('0000010000000000'))
--- many_args_pack
local t = {}
for i = 1, 300 do t[i] = i end
local s = struct.pack(string.rep('B', 300), unpack(t))
return #s, hex(string.sub(s, 1, 4)), hex(string.sub(s, 297, 300))
