local n = 0
for i = 1, 200000 do
  local s = string.format("%d:%s:%5.2f", i, "abc", i / 3)
  n = n + #s
  local a, b = string.find(s, "abc", 1, true)
  n = n + a
  s = string.gsub(s, "%d", "x")
  for w in string.gmatch(s, "%a+") do n = n + #w end
  n = n + #string.upper(s) + #string.sub(s, 2, 5)
end
print(n)
