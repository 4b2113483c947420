-- error objects come back unchanged
local t = {}
local ok, e = pcall(error, t)
print(ok, e == t)
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(pcall(error, 1.5))
print(pcall(error, false))
print(pcall(error, true))
print(pcall(error, "plain"))
print(pcall(error, "plain", 0))
print(pcall(function() error("msg") end))
print(pcall(function() error("msg", 0) end))
print(pcall(function() error("msg", 2) end))
local function thrower() error("from thrower", 2) end
print(pcall(function()
  thrower()
end))
local ok2, e2 = pcall(function() error({code = 7}) end)
print(ok2, type(e2), e2.code)
local mt = {__tostring = function(s) return "E(" .. s.n .. ")" end}
local ok3, e3 = pcall(error, setmetatable({n = 3}, mt))
print(ok3, tostring(e3))
