end
local n, r = pack(pcall(__case))
local out = {}
for i = 2, n do out[#out + 1] = dump(r[i]) end
return (r[1] and 'ok ' or 'err ') .. table.concat(out, ' ')
