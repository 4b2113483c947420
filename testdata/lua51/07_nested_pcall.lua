-- nested pcalls
local n = 0
local function inc() n = n + 1 end
print(pcall(function()
  local m = 0
  local function incm() m = m + 1 end
  print(pcall(function() inc(); error("inner") end))
  incm(); inc()
  print(pcall(error))
  incm()
  print("m", m)
  error("outer", 0)
end))
inc()
print("n", n)
local function depth(k)
  if k == 0 then error("bottom", 0) end
  local ok, e = pcall(depth, k - 1)
  return "d" .. k .. ":" .. tostring(e)
end
print(depth(4))
