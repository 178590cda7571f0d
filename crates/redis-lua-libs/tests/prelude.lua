local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
local function unhex(h) return (string.gsub(h, '%x%x', function(x) return string.char(tonumber(x, 16)) end)) end
local function q(s) return (string.gsub(s, '[^ -~]', function(c) return string.format('\\%03d', string.byte(c)) end)) end
local dump
dump = function(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == 'string' then return '"' .. q(v) .. '"'
  elseif t == 'number' then return string.format('%.17g', v)
  elseif t == 'table' then
    if depth > 30 then return '{...}' end
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = '[' .. dump(k, depth + 1) .. ']=' .. dump(x, depth + 1) end
    return '{' .. table.concat(parts, ',') .. '}'
  elseif v == cjson.null then return 'null'
  elseif t == 'nil' or t == 'boolean' then return tostring(v)
  else return t end
end
local function pack(...) return select('#', ...), {...} end
local __case = function()
