-- Regenerates lua-tests/syntax/errors.in, the cases of crates/lua/tests/parse_errors.rs.
--
--   lua5.1 lua-tests/syntax/gen_errors.lua > lua-tests/syntax/errors.in
--
-- Each case is compiled with loadstring(source, chunkname) from this main chunk, so
-- 5.1's nesting counter starts at 2 (the Rust test parses with
-- parse_at_level(.., 2)).
-- A case's chunk name defaults to its source, as with loadstring(source).

local cases = {
  -- lexer: strings
  {"x = 'abc"}, {"x = \"abc"}, {"x = 'abc\ny'"}, {"x = 'abc\r\ny'"}, {"x = '\\"},
  {"x = \"abc\\\""}, {"x = \"\\300\""}, {"x = \"a\\300\""}, {"x = \"a\\\n\\256\""},
  {"x = \"a\\0b\\999\""}, {"x = 'a\\\nb' y"}, {"x = 1 'a\\tb'"}, {"x = 1 \"q\\65\""},
  {"x = 1 \"a\\0b\""}, {"x = 1 \"a\0b\""}, {"\n\nx = 'abc\\\n\\\ndef"},
  -- lexer: long brackets
  {"x = [[abc"}, {"x = [==[abc]=]"}, {"--[[abc"}, {"--[==[abc\n\n]]"}, {"x = [[ [[ ]]"},
  {"x = [[\n\n[[ ]]"}, {"--[[ [[ ]]"}, {"x = [=="}, {"x = [="}, {"x = [=[ ]="},
  {"x = 1 [[abc]]"}, {"x = 1 [==[\nabc]==]"}, {"x = 1 [[\r\na\rb]]"},
  -- lexer: numbers and odd characters
  {"x = 3x"}, {"x = 3..4"}, {"x = 0x"}, {"x = 0xg"}, {"x = 1e"}, {"x = 1e+"},
  {"x = .5.5"}, {"x = 0x1.8"}, {"x = 1e5e"}, {"x = 0x1p"}, {"x = 1_000"},
  {"x = 0x1p+4"}, {"x = a.1"}, {"x = \1"}, {"x = \127"}, {"x = \200"}, {"x = @"},
  {"x = ~ 1"}, {"x = !1"}, {"x = $"}, {"x = `"}, {"\0"}, {"local \0"}, {"x = 1 +\0"},
  {"x = '\0"}, {"x = [[\0"}, {"x = 3\0"}, {"x = 3\0+5 y"}, {"x = 3\0\0 5 y"}, {"x = 3e\0"},
  {"x = 'a' .\0 'b' y"}, {"x = 'a' ..\0 'b'"}, {"x = 'a' .\0. 'b'"}, {"x = .\0"},
  -- parser: unexpected symbols
  {"x = = 1"}, {"x = "}, {"\n\n\nx = "}, {"x = 1 ..."}, {"x = f("}, {"("}, {"x = #"},
  {"x = {1,2,,}"}, {"f() = 1"}, {"x = a:b"}, {"x = a:b.c"}, {"a.b:c = 1"},
  {"local x <const> = 1"}, {"x = 'a':upper()"}, {"x = }"}, {"return return"},
  {"repeat\n\nuntil"}, {"if x then else elseif y then end"}, {"x = 1 + + 2"},
  {"x = (1"}, {"x = (1\n\n"}, {"x = {1\n\n"}, {"x = f(1\n\n"}, {"x = {[1]}"},
  {"x = {[1] 2}"}, {"x = {a = }"}, {"x = a[1"}, {"local t = {} t.x.y"},
  -- parser: expected tokens
  {"local 1"}, {"local function 1"}, {"x y"}, {"goto x"}, {"for i=1 do end"},
  {"for a,b = 1 do end"}, {"for i do end"}, {"for 1 = 1, 2 do end"},
  {"function a:b.c() end"}, {"function a.1() end"}, {"function f( end"},
  {"x = function(a,) end"}, {"x = function(...,a) end"}, {"x = function(1) end"},
  {"if x end"}, {"if x then"}, {"while x end"}, {"while x do\n\n"},
  {"function f() "}, {"function f()\n\n"}, {"x = function\n(\n)\n\n"},
  {"local function f\n(\n)\n\n"}, {"do\n\n"}, {"for i = 1, 2 do\n"},
  {"for k in pairs(t) do\n"}, {"repeat\n"}, {"if x then\nelse\n"},
  {"if x then\nelseif y then\n"}, {"return 1 x = 2"}, {"return 1;;"}, {"break"},
  {"function f() break end"}, {"while true do local function g() break end end"},
  {"x = a.b:c"}, {"a:b"}, {"x"}, {"(x)"}, {"(x) = 1"}, {"x, f() = 1"}, {"x, (y) = 1"},
  {"x.y"}, {"x[1]"}, {"x, y"}, {"f().x"}, {"x = 1, 2 3"},
  -- parser: varargs and calls
  {"function f() return ... end"}, {"function f(a) local x = {...} end"},
  {"f()\n(g)()"}, {"local x = f\n(1)"}, {"a:m\n(1)"}, {"x = 1 f\n()"},
  -- chunk names
  {"x = = 1", "=stdin"}, {"x = = 1", "@test.lua"}, {"x = = 1", ""},
  {"x = = 1", "=" .. ("b"):rep(90)}, {"x = = 1", "@" .. ("c"):rep(90)},
  {"x = = 1", ("a"):rep(70)}, {"x = = 1", "line one\nline two"},
  {"x = = 1 --" .. ("a"):rep(60)},
  -- line counting
  {"x = 1\n\n\n y"}, {"x = [[\n\nabc\n\n]] y"}, {"x = 1\r\n\r\n y"}, {"x = 1\n\r\n\r y"},
  {"x = 1\r\r y"}, {"--[[\n\n]] x y"}, {"-- c\n-- d\nx y"},
}

-- Limits: nesting levels, locals, assignment targets.
local function add(src, name) cases[#cases + 1] = {src, name} end
add(("("):rep(100000), "=deep")
add("x = " .. ("{"):rep(197) .. ("}"):rep(197), "=t197")
add("x = " .. ("{"):rep(198) .. ("}"):rep(198), "=t198")
add(("do "):rep(198) .. ("end "):rep(198), "=do198")
add("x = 1" .. (" .. 1"):rep(196), "=cat196")
add("x = 1" .. (" .. 1"):rep(197), "=cat197")
add("x = " .. ("-"):rep(300):gsub("%-", "- ") .. "1", "=neg")
add("x = " .. ("not "):rep(300) .. "1", "=not")
add("x = f" .. ("("):rep(300), "=call")
add("x = " .. ("function() return "):rep(120) .. "1" .. (" end"):rep(120), "=fn")
do
  local t = {} for i = 1, 198 do t[i] = "a" .. i end
  add(table.concat(t, ",") .. " = 1", "=assign198")
  t[199] = "a199"
  add(table.concat(t, ",") .. " = 1", "=assign199")
  add("function f()\n" .. table.concat(t, ",") .. " = 1 end", "=assign_in_f")
end
do
  local t = {} for i = 1, 200 do t[i] = "local a" .. i end
  add(table.concat(t, "\n"), "=locals200")
  add(table.concat(t, "\n") .. "\nlocal b", "=locals201")
  add("local function f()\n" .. table.concat(t, "\n") .. "\nlocal b end", "=locals_in_f")
  add(table.concat(t, "\n", 1, 197) .. "\nfor i = 1, 2 do end", "=locals_for")
  add(table.concat(t, "\n", 1, 196) .. "\nfor i = 1, 2 do end", "=locals_for_ok")
  add(table.concat(t, "\n", 1, 196) .. "\nfor k, v in x do end", "=locals_forin")
  add(table.concat(t, "\n", 1, 198) .. "\nlocal function f(...) end", "=locals_vararg")
  add(table.concat(t, "\n", 1, 199) .. "\nfunction f(a, b) end", "=locals_params_ok")
  add("local a, b = 1\n" .. table.concat(t, "\n", 1, 198) .. "\ndo local x, y end", "=locals_multi")
  add("do " .. table.concat(t, " ") .. " end " .. table.concat(t, " ", 1, 100), "=locals_scoped")
  add("local function f(a, b, ...)\n" .. table.concat(t, "\n", 1, 197) .. "\nend", "=locals_arg")
end

-- A Rust byte-string literal.
local function lit(s)
  local out = {}
  for i = 1, #s do
    local c = s:sub(i, i)
    local b = c:byte()
    if c == "\\" then out[#out + 1] = "\\\\"
    elseif c == '"' then out[#out + 1] = '\\"'
    elseif c == "\n" then out[#out + 1] = "\\n"
    elseif b >= 32 and b < 127 then out[#out + 1] = c
    else out[#out + 1] = string.format("\\x%02x", b) end
  end
  return 'b"' .. table.concat(out) .. '"'
end

-- Output: a Rust array of (source, chunk name, Some(message) or None if it compiles).
-- Sources over 20000 bytes are left out (crates/lua/tests/parse_errors.rs builds those itself).
io.write("// Generated by lua-tests/syntax/gen_errors.lua with lua5.1 (5.1.5). Do not edit.\n[\n")
for _, c in ipairs(cases) do
  local src, name = c[1], c[2] or c[1]
  if #src <= 20000 then
    local f, err = loadstring(src, name)
    io.write("(&", lit(src), "[..], &", lit(name), "[..], ",
      f and "None" or ("Some(&" .. lit(err) .. "[..])"), "),\n")
  end
end
io.write("]\n")
