--- encode_basic
return cjson.encode({1, 2, {a = 1}}), cjson.encode(nil), cjson.encode(cjson.null), cjson.encode(true), cjson.encode(false), cjson.encode({}), cjson.encode('x')
--- encode_numbers
return cjson.encode({0.1, 1e15, 123456789012345, -0.0, 1e-7, 2^53, 3.14159265358979, 1e100, -1.5e-300, 100, 1/3})
--- encode_escapes
return cjson.encode('a/b"c\\d\b\t\n\f\r\0\1\31\127\128\255 ~')
--- encode_all_control
local t = {}
for i = 0, 32 do t[#t + 1] = string.char(i) end
return cjson.encode(table.concat(t))
--- encode_sparse
local a = {pcall(cjson.encode, {[1] = 1, [2] = 2, [4] = 4})}
local b = {pcall(cjson.encode, {[1] = 1, [20] = 2})}
local c = {pcall(cjson.encode, {[1] = 1, [11] = 2})}
local d = {pcall(cjson.encode, {[1] = 1, [10] = 2})}
local e = {pcall(cjson.encode, {[3] = 3})}
return a[2], b[2], c[2], d[2], e[2]
--- encode_sparse_convert
local r1 = {cjson.encode_sparse_array(true)}
local a = cjson.encode({[1] = 1, [20] = 2})
local r2 = {cjson.encode_sparse_array(false, 0)}
local b = cjson.encode({[1] = 1, [20] = 2})
local r3 = {cjson.encode_sparse_array(nil, 1, 0)}
local c = {pcall(cjson.encode, {[1] = 1, [3] = 3})}
local r4 = {cjson.encode_sparse_array('on', 3, 2)}
local d = cjson.encode({[1] = 1, [7] = 3})
return dump(r1), a, dump(r2), b, dump(r3), c[2], dump(r4), d, dump({cjson.encode_sparse_array()})
--- encode_keys
return cjson.encode({[1.5] = 1}), cjson.encode({[0] = 1}), cjson.encode({[-1] = 1}), cjson.encode({1, 2, nil, 4, x = 1}), cjson.encode({[1e20] = 1})
--- encode_key_errors
local a = {pcall(cjson.encode, {[true] = 1})}
local b = {pcall(cjson.encode, {[{}] = 1})}
local c = {pcall(cjson.encode, {[1/0] = 1})}
local d = {pcall(cjson.encode, {[tostring] = 1})}
return a[2], b[2], c[2], d[2]
--- encode_big_index
local a = {pcall(cjson.encode, {[2^31] = 1})}
local b = {pcall(cjson.encode, {1, [2^31] = 2})}
local c = {pcall(cjson.encode, {[2^31 - 1] = 1})}
return a[2], b[2], c[2]
--- encode_object_order
local t = {x = nil, y = 5}
t.x = 'b'
return cjson.encode(t), cjson.encode({a = 1, b = 2, c = 3, d = 4, e = 5}), cjson.encode({hello = 'world', [10] = 'ten', foo = {bar = {1, 2}}})
--- encode_type_errors
local a = {pcall(cjson.encode, function() end)}
local b = {pcall(cjson.encode, coroutine.create(function() end))}
local c = {pcall(cjson.encode, {1, 2, tostring})}
local d = {pcall(cjson.encode, {a = {b = tostring}})}
return a[2], b[2], c[2], d[2]
--- encode_direct_error
return cjson.encode(function() end)
--- encode_argcount
local a = {pcall(cjson.encode)}
local b = {pcall(cjson.encode, 1, 2)}
return a[2], b[2]
--- encode_invalid_numbers
local a = {pcall(cjson.encode, {1/0, 0/0, -1/0})}
local r1 = cjson.encode_invalid_numbers(true)
local b = cjson.encode({1/0, -1/0, 0/0, -(0/0)})
local r2 = cjson.encode_invalid_numbers('null')
local c = cjson.encode({1/0, 0/0, -1/0})
local r3 = cjson.encode_invalid_numbers('off')
local d = {pcall(cjson.encode, 1/0)}
local r4 = cjson.encode_invalid_numbers('on')
local e = cjson.encode({[1/0] = 1})
local r5 = {pcall(cjson.encode_invalid_numbers, 'maybe')}
return a[2], r1, b, r2, c, r3, d[2], r4, e, dump(r5), cjson.encode_invalid_numbers()
--- encode_precision
local r = cjson.encode_number_precision(3)
local a = cjson.encode({0.1, 1e15, 123456, 3.14159, 1/3})
cjson.encode_number_precision(1)
local b = cjson.encode({0.1, 15, 123456, 3.14159})
cjson.encode_number_precision(14)
local e1 = {pcall(cjson.encode_number_precision, 0)}
local e2 = {pcall(cjson.encode_number_precision, 15)}
local e3 = {pcall(cjson.encode_number_precision, 'x')}
return r, a, b, e1[2], e2[2], e3[2], cjson.encode_number_precision()
--- encode_depth
local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end
local a = {pcall(cjson.encode, t)}
local t2 = {} c = t2 for i = 1, 999 do c[1] = {} c = c[1] end
local b = #cjson.encode(t2)
local t3 = {} c = t3 for i = 1, 999 do c.a = {} c = c.a end
local d = #cjson.encode(t3)
return a[2], b, d
--- encode_depth_setting
local r = cjson.encode_max_depth(3)
local a = {pcall(cjson.encode, {{{1}}})}
local b = {pcall(cjson.encode, {{{{1}}}})}
local c = {pcall(cjson.encode, {{{{}}}})}
local e1 = {pcall(cjson.encode_max_depth, 0)}
local e2 = {pcall(cjson.encode_max_depth, 1, 2)}
return r, a[2], b[2], c[2], e1[2], e2[2], cjson.encode_max_depth()
--- encode_cstack_limits
cjson.encode_max_depth(100000)
local t = {} local c = t for i = 1, 5000 do c[1] = {} c = c[1] end
local a = {pcall(cjson.encode, t)}
local t2 = {} c = t2 for i = 1, 5000 do c.a = {} c = c.a end
local b = {pcall(cjson.encode, t2)}
local t3 = {} c = t3 for i = 1, 8000 do c[1] = {} c = c[1] end
local d = {pcall(cjson.encode, t3)}
local t4 = {} c = t4 for i = 1, 7997 do c[1] = {} c = c[1] end
local e = {pcall(cjson.encode, t4)}
return a[1], #tostring(a[2]), b[2], d[2], e[1], #tostring(e[2])
--- encode_cycle
local t = {} t[1] = t
local a = {pcall(cjson.encode, t)}
local u = {} u.self = u
local b = {pcall(cjson.encode, u)}
return a[2], b[2]
--- encode_nested_mixed
return cjson.encode({{}, {{}}, {a = {}}, 'x', {true, false}, {n = cjson.null}})
--- encode_keep_buffer
local a = cjson.encode_keep_buffer()
local b = cjson.encode_keep_buffer(false)
local c = cjson.encode_keep_buffer('on')
local d = {pcall(cjson.encode_keep_buffer, 'yes')}
local e = {pcall(cjson.encode_keep_buffer, 1)}
return a, b, c, d[2], e[2], cjson.encode({1})
--- decode_basic
local t = cjson.decode('[1,"a",true,false,null,{"k":[]},1.5e3,-0,0x10,1E2]')
return dump(t)
--- decode_object
local t = cjson.decode('{"a":1,"b":[1,2,{"c":null}],"d":{"e":"f"}, "a":2}')
return dump(t), t.a, t.b[3].c == cjson.null
--- decode_whitespace
return dump(cjson.decode(' \t\r\n[ 1 , 2 ]\n ')), dump(cjson.decode('{ "x" : { } }'))
--- decode_scalars
return cjson.decode('1'), cjson.decode('"s"'), cjson.decode('true'), cjson.decode('-12.5e-1'), cjson.decode(' 3 '), cjson.decode(42)
--- decode_strings
return cjson.decode('"\\u00e9\\u20ac\\ud83d\\ude00\\u0041\\/\\b\\f\\n\\r\\t\\"\\\\"'), cjson.decode('"\\u0000"'), cjson.decode('"a\1b"'), cjson.decode('"\\uFFFF\\u07ff\\u0800"')
--- decode_string_errors
local r = {}
for _, s in ipairs({'"abc', '"\\x"', '"\\u12"', '"\\ud83d"', '"\\ude00"', '"\\ud83dx"', '"\\ud83d\\u0041"', '"\\u', '"a\\', '"\\uzzzz"'}) do
  local ok, e = pcall(cjson.decode, s)
  r[#r + 1] = e
end
return unpack(r)
--- decode_numbers
local r = {}
for _, s in ipairs({'Infinity', '-Infinity', 'NaN', '-nan', '+1', '0x1p4', '007', '1.', '-inf', 'nan(123)', 'infinity', '12345678901234567890', '1e400', '-1e400', '4.9e-324', '0x', '-0x1F', '1e', '1e+', '2E-3'}) do
  local ok, v = pcall(cjson.decode, s)
  r[#r + 1] = ok and tostring(v) or v
end
return unpack(r)
--- decode_number_errors
local r = {}
for _, s in ipairs({'.5', '-', '+', '+x', '-x', 'Inf', 'Ix', 'N', 'nul', 'tru', 'fals', 'x', '1x', '[1]x', '01.5', '-.5'}) do
  local ok, v = pcall(cjson.decode, s)
  r[#r + 1] = ok and tostring(v) or v
end
return unpack(r)
--- decode_strict_numbers
cjson.decode_invalid_numbers(false)
local r = {}
for _, s in ipairs({'0x10', 'NaN', '007', '+1', '-Infinity', 'inf', '1.5', '-0', '0', '-.5', '0.5', '-01'}) do
  local ok, v = pcall(cjson.decode, s)
  r[#r + 1] = ok and tostring(v) or v
end
r[#r + 1] = tostring(cjson.decode_invalid_numbers())
r[#r + 1] = tostring(cjson.decode_invalid_numbers('on'))
r[#r + 1] = select(2, pcall(cjson.decode_invalid_numbers, 'null'))
return unpack(r)
--- decode_syntax_errors
local r = {}
for _, s in ipairs({'x', '{{', '[1,]', '[1 2]', '{"a" 1}', '{"a":1 2}', '', ' ', '[', '{', '{"a":', '{"a"', '[1,', ']', '}', ':', ',', '{1:2}', '{"a":1,}', '[]]', 'true false', '"a":1'}) do
  local ok, e = pcall(cjson.decode, s)
  r[#r + 1] = e
end
return unpack(r)
--- decode_direct_error
return cjson.decode('[1,]')
--- decode_nul
local a = {pcall(cjson.decode, '1\0')}
local b = {pcall(cjson.decode, '\0001')}
local c = {pcall(cjson.decode, '12\0x')}
local d = {pcall(cjson.decode, '[1]\0garbage')}
local e = {pcall(cjson.decode, '"ab\0c"')}
return a[2], b[2], c[2], d[2], e[2]
--- decode_argcount
local a = {pcall(cjson.decode)}
local b = {pcall(cjson.decode, '1', '2')}
local c = {pcall(cjson.decode, {})}
return a[2], b[2], c[2]
--- decode_depth
local a = {pcall(cjson.decode, string.rep('[', 1001) .. string.rep(']', 1001))}
local b = {pcall(cjson.decode, string.rep('{"a":', 1001) .. string.rep('}', 1001))}
local ok = pcall(cjson.decode, string.rep('[', 1000) .. string.rep(']', 1000))
cjson.decode_max_depth(1)
local c = {pcall(cjson.decode, '[[1]]')}
local d = {pcall(cjson.decode, '[1]')}
local e = {pcall(cjson.decode, '{"a":{}}')}
return a[2], b[2], ok, c[2], dump(d[2]), e[2], cjson.decode_max_depth()
--- decode_cstack_limits
cjson.decode_max_depth(100000)
local a = {pcall(cjson.decode, string.rep('[', 10000) .. string.rep(']', 10000))}
local b = {pcall(cjson.decode, string.rep('{"a":', 10000) .. string.rep('}', 10000))}
local c = pcall(cjson.decode, string.rep('[', 7998) .. string.rep(']', 7998))
local d = pcall(cjson.decode, string.rep('{"a":', 3999) .. string.rep('}', 3999))
local e = {pcall(cjson.decode, string.rep('[{"a":', 3000) .. string.rep('}]', 3000))}
return a[2], b[2], c, d, e[2]
--- roundtrip
local t = {1, 2.5, 'three', {four = 4, five = {5}}, true, false, cjson.null}
local s = cjson.encode(t)
local u = cjson.decode(s)
return s, cjson.encode(u), dump(u)
--- new_instance
local c2 = cjson.new()
c2.encode_max_depth(2)
c2.encode_sparse_array(true)
local a = {pcall(c2.encode, {{{1}}})}
local b = {pcall(cjson.encode, {{{1}}})}
local c = c2.encode({[1] = 1, [50] = 2})
return a[2], b[2], c, cjson.encode_max_depth(), c2.encode_max_depth(), c2.null == cjson.null, c2._NAME, c2._VERSION, type(c2.new)
--- null_value
return type(cjson.null), cjson.null == cjson.decode('null'), cjson.encode({cjson.null, cjson.null}), dump(cjson.decode('[null]'))
--- integer_option_truncation
local a = cjson.encode_max_depth(2^32 + 5)
local b = {pcall(cjson.encode_max_depth, 2^31)}
local c = cjson.encode_max_depth(7.9)
return a, b[2], c
--- sparse_array_errors
local a = {pcall(cjson.encode_sparse_array, true, -1)}
local b = {cjson.encode_sparse_array()}
local c = {pcall(cjson.encode_sparse_array, 1, 2, 3, 4)}
local d = {pcall(cjson.encode_sparse_array, 'maybe')}
local e = {pcall(cjson.encode_sparse_array, nil, 'x')}
return a[2], dump(b), c[2], d[2], e[2]
--- fields
local names = {}
for k, v in pairs(cjson) do names[#names + 1] = k .. ':' .. type(v) end
table.sort(names)
return table.concat(names, ' ')
--- large_array
local t = {}
for i = 1, 3000 do t[i] = i * 1.5 end
local s = cjson.encode(t)
local u = cjson.decode(s)
return #s, #u, u[3000], string.sub(s, 1, 40)
--- decode_order
return cjson.encode(cjson.decode('{"z":1,"y":2,"x":3,"w":4,"v":5,"u":6,"t":7,"s":8,"r":9}'))
--- encode_mixed_tables
return cjson.encode({1, 2, 3, n = 1}), cjson.encode({[1] = 'a', ['1'] = 'b'}), cjson.encode({[-0.0] = 1}), cjson.encode({[2] = 'x'}), cjson.encode({{}, {[1] = {}}})
--- null_tostring
return tostring(cjson.null), type(cjson.null)
--- decode_duplicate_and_escaped_keys
return dump(cjson.decode('{"a\\u0062":1,"ab":2,"\\/":3}'))
