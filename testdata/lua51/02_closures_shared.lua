-- several closures sharing one upvalue across failing pcalls
local function make()
  local c = 0
  local function up() c = c + 1; return c end
  local function down() c = c - 1; return c end
  local function get() return c end
  return up, down, get
end
local up, down, get = make()
up(); up()
print(pcall(function() up(); error("fail") end))
down()
print(get())
local x = 1
local f1 = function() x = x * 2 end
local f2 = function() return x end
for i = 1, 3 do pcall(error, i) f1() end
print(x, f2())
