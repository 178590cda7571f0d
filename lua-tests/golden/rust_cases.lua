-- Helpers shared by the gen_*_cases.lua scripts: they run calls through lua5.1 and print each
-- call with its outcome as a line of Rust source, pasted into crates/lua/tests/*.rs.
local M = {}

-- A Rust byte-string literal for s.
function M.lit(s)
  return 'b"' .. s:gsub('[%c\128-\255"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\x%02x", c:byte())
  end) .. '"'
end

-- A Rust f64 literal that denotes exactly v.
function M.num(v)
  if v ~= v then
    return (string.format("%.14g", v):sub(1, 1) == "-") and "-f64::NAN" or "f64::NAN"
  elseif v == 1/0 then return "f64::INFINITY"
  elseif v == -1/0 then return "f64::NEG_INFINITY"
  elseif v == 0 and 1/v < 0 then return "-0.0"
  end
  local s = string.format("%.17g", v)
  if not s:find("[%.e]") then s = s .. ".0" end
  return s
end

-- The message of a failed pcall, without a "chunk:line:" prefix.
function M.msg(e)
  return (tostring(e):gsub("^[^:]*:%d+: ", ""))
end

return M
