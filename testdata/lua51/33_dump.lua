-- string.dump: the string loads back (loadstring, load) as a function with
-- the same code and fresh nil upvalues, as class libraries use it.
package.path = './modules/?.lua'

local function add(a, b) return a + b end
local d = string.dump(add)
print(type(d), d:sub(1, 4) == '\27Lua')
local add2 = loadstring(d)
print(add2(2, 3), add2 ~= add)
print(load(function() local s = d; d = nil; return s end)(4, 5))
d = string.dump(add)

local up = 'captured'
local function getup() return up end
local copy = loadstring(string.dump(getup))
print(copy(), debug.getupvalue(copy, 1))
debug.setupvalue(copy, 1, 'set')
print(copy(), up)

-- the clone's environment is the globals; setfenv changes it
greeting = 'global'
local function greet() return greeting end
local g2 = loadstring(string.dump(greet))
print(g2())
setfenv(g2, { greeting = 'private' })
print(g2(), greet())

-- the clone keeps the original's source and lines
local i1, i2 = debug.getinfo(add, 'S'), debug.getinfo(add2, 'S')
print(i1.source == i2.source, i1.linedefined == i2.linedefined, i2.what)

-- C functions cannot be dumped; foreign bytecode does not load here
print(pcall(string.dump, print))
print('[KD6]', pcall(string.dump))
local f, err = loadstring('\27Lua\81\0\1\4\8\4\8\0')
print(f, err ~= nil)

-- a class library in the style of lua-halo
local Counter = require('counter_class')
local c = Counter.new(5)
print(c:add(1):add().n)
print(Counter.methods.describe(c))
helperGlobal = 'seen through the class env'
print(Counter.methods.helper())
print(table.concat(Counter.selfless, ','))
print(Counter.module)
