--- pack_numbers
return hex(cmsgpack.pack(0.1, -1099511627776, 1.5, 127, 128, 255, 256, 65535, 65536, 2^32 - 1, 2^32, -32, -33, -128, -129, -32768, -32769, 2^31, -2^31, -2^31 - 1, 2^63, 2^64, -2^63, 1/0, -1/0))
--- pack_more_numbers
return hex(cmsgpack.pack(0, -0.0, -1, 1e300, 1e-300, 3.25, -3.25, 2^53 + 1, 2^62, -2^62, 16777217, 0.5, 1e39))
--- pack_nan
local n = 0/0
return hex(cmsgpack.pack(n)), hex(cmsgpack.pack(-n))
--- pack_scalars
return hex(cmsgpack.pack(nil, true, false, tostring, '', string.rep('a', 31)))
--- pack_strings
return hex(cmsgpack.pack(string.rep('a', 32))), hex(string.sub(cmsgpack.pack(string.rep('b', 255)), 1, 3)), hex(string.sub(cmsgpack.pack(string.rep('b', 256)), 1, 4)), hex(string.sub(cmsgpack.pack(string.rep('b', 65535)), 1, 4)), hex(string.sub(cmsgpack.pack(string.rep('b', 65536)), 1, 6))
--- pack_tables
return hex(cmsgpack.pack({})), hex(cmsgpack.pack({1, 2, nil, 4})), hex(cmsgpack.pack({[1] = 1, [3] = 3})), hex(cmsgpack.pack({a = 1})), hex(cmsgpack.pack({1, 2, 3})), hex(cmsgpack.pack({[1.5] = 1})), hex(cmsgpack.pack({[0] = 1})), hex(cmsgpack.pack({[-1] = 1}))
--- pack_map_order
local a = {x = nil, y = 5}
a.x = {1, 2}
return hex(cmsgpack.pack(a)), hex(cmsgpack.pack({a = 1, b = 2, c = 3, d = 4, e = 5, f = 6}))
--- pack_big_containers
local t = {}
for i = 1, 16 do t[i] = i end
local u = {}
for i = 1, 70000 do u[i] = 0 end
local m = {}
for i = 1, 16 do m['k' .. i] = i end
return hex(string.sub(cmsgpack.pack(t), 1, 5)), hex(string.sub(cmsgpack.pack(u), 1, 7)), #cmsgpack.pack(u), hex(string.sub(cmsgpack.pack(m), 1, 3)), #cmsgpack.pack(m)
--- pack_nesting
local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end
local r = {} r[1] = r
local m = {} m.m = m
return hex(cmsgpack.pack(t)), hex(cmsgpack.pack(r)), hex(cmsgpack.pack(m))
--- pack_errors
local a = {pcall(cmsgpack.pack)}
local b = {pcall(cmsgpack.pack, unpack({}, 1, 4001))}
local c = {pcall(cmsgpack.pack, unpack({}, 1, 4000))}
return a[2], b[2], hex(string.sub(tostring(c[2]), 1, 4)), #tostring(c[2])
--- pack_direct_error
return cmsgpack.pack()
--- unpack_roundtrip
local t = {1, -1, 0.1, 'str', true, false, {a = 'b'}, {1, 2, {3}}, 2^40, -2^40}
local s = cmsgpack.pack(unpack(t))
return dump({cmsgpack.unpack(s)})
--- unpack_types
local s = unhex('c0c3c2cc80cd0100ce00010000cf0000000100000000d0ffd1ff7fd2ffff7fffd3ffffffff7fffffffca3fc00000cb3fb999999999999a')
return cmsgpack.unpack(s)
--- unpack_fix
return cmsgpack.unpack(unhex('007fe0ffa3616263a0')), dump(cmsgpack.unpack(unhex('93010203'))), dump(cmsgpack.unpack(unhex('82a16101a16202'))), dump(cmsgpack.unpack(unhex('90'))), dump(cmsgpack.unpack(unhex('80')))
--- unpack_long_forms
return cmsgpack.unpack(unhex('d903616263')), cmsgpack.unpack(unhex('da0002787a')), cmsgpack.unpack(unhex('db0000000171')), dump(cmsgpack.unpack(unhex('dc0002c3c2'))), dump(cmsgpack.unpack(unhex('dd00000001c0'))), dump(cmsgpack.unpack(unhex('de0001a17801'))), dump(cmsgpack.unpack(unhex('df00000001a17902')))
--- unpack_uint64
return cmsgpack.unpack(unhex('cfffffffffffffffff')), cmsgpack.unpack(unhex('d38000000000000000')), cmsgpack.unpack(unhex('cf8000000000000001'))
--- unpack_float_specials
return tostring(cmsgpack.unpack(unhex('ca7f800000'))), tostring(cmsgpack.unpack(unhex('cbfff0000000000000'))), tostring(cmsgpack.unpack(unhex('ca00000001')))
--- unpack_nil_in_array
return dump(cmsgpack.unpack(unhex('93c001c0')))
--- unpack_errors
local r = {}
for _, h in ipairs({'c1', 'c4', 'c7', 'd4', 'd8', 'cc', 'cd00', 'a3616', '92c0', 'dc00', 'd9', 'da0001', 'db000000', '81a161', '81', 'de0001c0', 'ce0000', 'cb0000'}) do
  local ok, e = pcall(cmsgpack.unpack, unhex(h))
  r[#r + 1] = h .. '=' .. tostring(e)
end
return unpack(r)
--- unpack_direct_error
return cmsgpack.unpack(unhex('c1'))
--- unpack_map_nil_key
local a = {pcall(cmsgpack.unpack, unhex('81c001'))}
local b = {pcall(cmsgpack.unpack, unhex('81cbfff800000000000001'))}
local c = {pcall(cmsgpack.unpack, unhex('81c0c0'))}
return a[2], b[2], c[2]
--- unpack_empty
return select('#', cmsgpack.unpack('')), cmsgpack.unpack_one(''), cmsgpack.unpack_limit('', 3)
--- unpack_many_values
local s = cmsgpack.pack(1, 2, 3, 'x', {1})
return select('#', cmsgpack.unpack(s)), dump({cmsgpack.unpack(s)})
--- unpack_one
local s = cmsgpack.pack(1, 'two', {3})
local o1, v1 = cmsgpack.unpack_one(s)
local o2, v2 = cmsgpack.unpack_one(s, o1)
local o3, v3 = cmsgpack.unpack_one(s, o2)
return o1, v1, o2, v2, o3, dump(v3)
--- unpack_limit
local s = cmsgpack.pack(1, 2, 3, 4, 5)
return dump({cmsgpack.unpack_limit(s, 2)}), dump({cmsgpack.unpack_limit(s, 2, 2)}), dump({cmsgpack.unpack_limit(s, 10, 3)}), dump({cmsgpack.unpack_limit(s, 0)}), dump({cmsgpack.unpack_limit(s, 0, 1)}), dump({cmsgpack.unpack_limit(s, 1, 5)})
--- unpack_offset_errors
local s = cmsgpack.pack(1, 2)
local a = {pcall(cmsgpack.unpack_one, s, -1)}
local b = {pcall(cmsgpack.unpack_limit, s, -1)}
local c = {pcall(cmsgpack.unpack_one, s, 3)}
local d = {pcall(cmsgpack.unpack_limit, s)}
local e = {pcall(cmsgpack.unpack_one, s, 'x')}
local f = {pcall(cmsgpack.unpack)}
local g = {pcall(cmsgpack.unpack, {})}
return a[2], b[2], c[2], d[2], e[2], f[2], g[2]
--- unpack_truncation
local s = cmsgpack.pack({1, 2, 3})
local a = {pcall(cmsgpack.unpack_one, s, 1)}
local b = {pcall(cmsgpack.unpack, string.sub(s, 1, 3))}
return dump(a), b[2]
--- unpack_deep_arrays
local r = {}
for _, n in ipairs({3998, 3999, 4000}) do
  local ok, e = pcall(cmsgpack.unpack, string.rep('\145', n) .. '\192')
  r[#r + 1] = tostring(ok) .. ' ' .. (ok and '' or e)
end
return unpack(r)
--- unpack_deep_maps
local r = {}
for _, n in ipairs({3998, 3999, 4000}) do
  local ok, e = pcall(cmsgpack.unpack, string.rep('\129\1', n) .. '\192')
  r[#r + 1] = tostring(ok) .. ' ' .. (ok and '' or e)
end
return unpack(r)
--- unpack_too_many
local a = {pcall(function() return select('#', cmsgpack.unpack(string.rep('\192', 7999))) end)}
local b = {pcall(cmsgpack.unpack, string.rep('\192', 8000))}
local c = {pcall(function() return select('#', cmsgpack.unpack_limit(string.rep('\1', 9000), 7998)) end)}
local d = {pcall(cmsgpack.unpack_limit, string.rep('\1', 9000), 8000)}
return a[2], b[2], c[2], d[2]
--- nested_roundtrip
local t = {a = {b = {c = {d = {1, 2, {e = 'f'}}}}}, list = {{}, {1}, {{2}}}}
local u = cmsgpack.unpack(cmsgpack.pack(t))
return hex(cmsgpack.pack(t)) == hex(cmsgpack.pack(u)), dump(u.a.b.c.d), dump(u.list)
--- fields
local names = {}
for k, v in pairs(cmsgpack) do names[#names + 1] = k .. ':' .. (type(v) == 'string' and v or type(v)) end
table.sort(names)
return table.concat(names, ' ')
--- pack_float_edges
return hex(cmsgpack.pack(2^-149, 2^-150, 3.4028234663852886e38, 3.4028235677973366e38, -2^-126, 1e-45))
--- mixed_table_is_map
return hex(cmsgpack.pack({1, 2, x = 3})), hex(cmsgpack.pack({[1] = 'a', [2] = 'b', [2.5] = 'c'}))
