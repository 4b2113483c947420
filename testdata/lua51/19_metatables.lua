local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return "V(" .. a.x .. ")" end
V.__concat = function(a, b) return tostring(a) .. "|" .. tostring(b) end
V.__call = function(self, y) return self.x * y end
V.__unm = function(a) return setmetatable({x = -a.x}, V) end
V.__len = function(a) return 99 end
function V.new(x) return setmetatable({x = x}, V) end
function V:double() return V.new(self.x * 2) end
local a, b = V.new(1), V.new(2)
print(tostring(a + b), a == b, a == V.new(1), a < b, b <= a, a > b)
print(tostring(-a), a(10), a .. b, a .. "s", "s" .. a)
print(tostring(a:double()), rawequal(a, V.new(1)))
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) log[#log + 1] = "get " .. k; return k .. "!" end,
  __newindex = function(t, k, v) log[#log + 1] = "set " .. k; rawset(t, k, v) end,
})
print(proxy.foo)
proxy.bar = 1
proxy.bar = 2
print(proxy.bar, table.concat(log, ","))
local defaults = setmetatable({}, {__index = {color = "red"}})
print(defaults.color, rawget(defaults, "color"))
print(getmetatable("abc").__index == string, getmetatable({}) == nil)
local locked = setmetatable({}, {__metatable = "locked"})
print(getmetatable(locked), pcall(setmetatable, locked, {}))
