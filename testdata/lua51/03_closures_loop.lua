-- loops creating closures, each iteration has its own local
local fs = {}
for i = 1, 5 do
  local sq = i * i
  fs[#fs + 1] = function() sq = sq + 1; return sq end
  if i % 2 == 0 then pcall(error, "even") end
end
for i = 1, 5 do io.write(fs[i](), " ") end
print()
local gs = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j
  gs[j] = function() return k, j end
  pcall(function() local z = k; error(z) end)
end
for i = 1, 3 do print(gs[i]()) end
