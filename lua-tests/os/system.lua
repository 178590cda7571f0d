-- os.execute, os.getenv, os.remove, os.rename, os.tmpname, os.setlocale.
-- (os.exit ends the process, so it is not run here.)
local function show(...)
  local t = {}
  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " | "))
end

-- execute: the raw status of system()
show(os.execute())
show(os.execute("true"), os.execute("exit 3"), os.execute("exit 255"), os.execute("kill -9 $$"))
show(os.execute("no_such_command_xyz 2>/dev/null"))
show(pcall(os.execute, {}))

-- getenv
show(os.getenv("RLUA51_TEST_SURELY_UNSET_VARIABLE"))
show(type(os.getenv("PATH")))
show(pcall(os.getenv))
show(pcall(os.getenv, {}))

-- tmpname, rename, remove
local name = os.tmpname()
show(type(name), #name > 0)
local f = io.open(name)
show(io.type(f))
f:close()
local other = name .. ".renamed"
show(os.rename(name, other))
show(io.open(name) == nil, io.type(io.open(other)))
show(os.remove(other))
show(io.open(other) == nil)
local n1, n2 = os.tmpname(), os.tmpname()
show(n1 ~= n2)
os.remove(n1)
os.remove(n2)

-- failures: nil, "<name>: <strerror>", errno
show(os.remove("no_such_dir/x"))
show(os.remove("no_such_file_here"))
show(os.rename("no_such_dir/x", "y"))
show(os.rename("no_such_file_here", "no_such_dir/y"))
show(os.remove("."))
show(pcall(os.remove))
show(pcall(os.rename, "a"))
show(pcall(os.rename, nil, "b"))
-- an empty directory is removed like a file
os.execute("mkdir rlua51_test_dir")
show(os.remove("rlua51_test_dir"))

-- setlocale: only the C locale exists
show(os.setlocale(), os.setlocale("C"), os.setlocale("POSIX"), os.setlocale(nil, "numeric"))
show(os.setlocale("xx_YY"), os.setlocale("xx_YY", "time"), os.setlocale())
for _, c in ipairs{"all", "collate", "ctype", "monetary", "numeric", "time"} do
  io.write(tostring(os.setlocale("C", c)), " ", tostring(os.setlocale(nil, c)), "; ")
end
print()
show(type(os.setlocale("")))
show(os.setlocale("C"))
show(pcall(os.setlocale, "C", "bad"))
show(pcall(os.setlocale, {}))
