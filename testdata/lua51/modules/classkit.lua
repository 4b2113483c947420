-- A small class library in the style of lua-halo: methods are cloned
-- with string.dump + loadstring into an environment of their own, their
-- upvalues copied over, and the method's source lines are read back
-- (debug.getinfo(f).source, linedefined, lastlinedefined) to find out
-- whether it was declared with ':' (an implicit self).
local classkit = {}

local function readLines(info)
    local out, n = {}, 0
    for line in io.lines(info.source:sub(2)) do
        n = n + 1
        if n > info.lastlinedefined then break end
        if n >= info.linedefined then out[#out + 1] = line end
    end
    return table.concat(out, '\n')
end

local function hasSelf(fn)
    local info = debug.getinfo(fn, 'S')
    return readLines(info):find('^%s*function%s[^:%s]+%s*:%s*[^%s]+%s*[(]') ~= nil
end

local function clone(fn, env)
    local copy = assert(loadstring(string.dump(fn)))
    local i = 1
    while true do
        local name, value = debug.getupvalue(fn, i)
        if not name then break end
        debug.setupvalue(copy, i, value)
        i = i + 1
    end
    setfenv(copy, env)
    return copy
end

-- the module that declared the class: the frame just above 'require'
local function declaringModule()
    local i, prev = 1, nil
    while true do
        local info = debug.getinfo(i, 'nS')
        if not info then return nil end
        if info.what == 'C' and info.name == 'require' then return prev and prev.source end
        prev = info
        i = i + 1
    end
end

function classkit.class(decl)
    local env = setmetatable({}, { __index = _G })
    local methods, selfless = {}, {}
    for name, fn in pairs(decl) do
        if type(fn) == 'function' then
            methods[name] = clone(fn, env)
            if not hasSelf(fn) then selfless[#selfless + 1] = name end
        end
    end
    table.sort(selfless)
    local cls = { methods = methods, selfless = selfless, module = declaringModule() }
    function cls.new(...)
        local obj = setmetatable({}, { __index = methods })
        if methods.init then obj:init(...) end
        return obj
    end
    return cls
end

return classkit
