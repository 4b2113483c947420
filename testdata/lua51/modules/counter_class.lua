local classkit = require('classkit')
local step = 10

local Counter = {}

function Counter:init(start)
    self.n = start or 0
end

function Counter:add(k)
    self.n = self.n + (k or step)
    return self
end

function Counter.describe(obj)
    return 'counter at ' .. obj.n
end

Counter.helper = function() return helperGlobal end

-- not a tail call: Lua 5.1 would show the frame as '(tail call)'
local class = classkit.class(Counter)
return class
