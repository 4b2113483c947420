-- The parts of lua-util 1.2.1 that call back into Lua (iteration with
-- callbacks, global library patching, loading code), written in Lua so
-- that they call, compare and raise exactly as Lua does. The chunk returns
-- one function per module, which adds these to the module built in Go.
local next, type, rawset, tonumber, tostring = next, type, rawset, tonumber, tostring
local tinsert, tremove = table.insert, table.remove

local extra = {}

-- util ----------------------------------------------------------------
function extra.util(util)

-- eval(src [, env [, ident]]): loadstring with an optional environment.
function util.eval(src, env, ident)
    local fn, err = loadstring(src, ident)
    if not err and env ~= nil then setfenv(fn, env) end
    return fn, err
end

-- evalfile(file [, env [, mode]]): loadfile with an optional environment
-- (mode is for Lua 5.2 and ignored).
function util.evalfile(file, env)
    local fn, err = loadfile(file)
    if not err and env ~= nil then setfenv(fn, env) end
    return fn, err
end

function util.getfenv(fn)
    return getfenv(fn)
end

end

-- util.string ---------------------------------------------------------
function extra.string(ustring)

local stringMethods = { 'charAt', 'charCodeAt', 'split', 'trim' }
local stringLib = {}
for k, v in pairs(getmetatable('').__index) do stringLib[k] = v end

-- extend([overwrite]): the four functions become string methods.
function ustring.extend(overwrite)
    local index = getmetatable('').__index
    for _, name in ipairs(stringMethods) do
        if overwrite == true or not index[name] then index[name] = ustring[name] end
    end
end

-- unextend(): strings index a copy of the library as it was when
-- util.string was loaded.
function ustring.unextend()
    getmetatable('').__index = stringLib
end

end

-- util.table ----------------------------------------------------------
function extra.table(utable, ustring, typeof)

function utable.seal(tbl)
    local sealed = utable.copy(tbl)
    return setmetatable(sealed, { __newindex = function()
        error('could not add property to sealed table')
    end })
end

-- get(tbl, 'a.b.1' [, delim]): follows the path; digits also try the
-- number key.
function utable.get(tbl, key, delim)
    for _, part in ipairs(ustring.split(key, '[' .. (delim or '.') .. ']')) do
        if type(tbl) ~= 'table' then return nil end
        if part:match('^%d+$') then
            tbl = tbl[part] or tbl[tonumber(part)]
        else
            tbl = tbl[part]
        end
    end
    return tbl
end

-- set(tbl, 'a.b.1', val [, delim]): creates the tables on the way (digit
-- parts become number keys) and assigns the last one.
function utable.set(tbl, key, val, delim)
    local holder, target = tbl, tbl
    key:gsub('([^' .. (delim or '.') .. ']+)', function(part)
        if part:match('^%d+$') then part = tonumber(part) end
        key, holder = part, target
        local existing = holder[part]
        if type(existing) == 'table' then
            target = existing
        else
            target = {}
            holder[part] = target
        end
    end)
    holder[key] = val
end

-- walk: the entries of tbl under dotted keys. Tables nested deeper than
-- flatLv (when flatLv > 0) are kept as values, and with toFlat not entered;
-- a table already on the path is kept as a value.
local function walk(res, tbl, toFlat, flatLv, depth, onPath, prefix)
    prefix = prefix and prefix .. '.' or ''
    local k, v = next(tbl)
    while k do
        if type(v) ~= 'table' then
            rawset(res, prefix .. k, v)
        else
            local id = tostring(v)
            if onPath[id] then
                rawset(res, prefix .. k, v)
            else
                local enter = true
                if flatLv > 0 and flatLv < depth then
                    rawset(res, prefix .. k, v)
                    enter = not toFlat
                end
                if enter then
                    onPath[id] = true
                    walk(res, v, toFlat, flatLv, depth + 1, onPath, prefix .. k)
                    onPath[id] = nil
                end
            end
        end
        k, v = next(tbl, k)
    end
    return res
end

function utable.enumerate(tbl, lv)
    return walk({}, tbl, false, typeof.finite(lv) and lv or 1, 2, {})
end

function utable.flatten(tbl, lv)
    return walk({}, tbl, true, typeof.finite(lv) and lv or 0, 2, {})
end

function utable.align(tbl)
    local list, n = {}, 0
    for k, v in pairs(tbl) do
        n = n + 1
        rawset(list, n, { key = k, val = v })
    end
    return list, n
end

-- each(tbl, keyType, fn, ...): fn(v, k, tbl, ...) for the entries whose
-- key has that type (all when keyType is nil or false) until fn returns
-- true.
function utable.each(tbl, keyType, fn, ...)
    local k, v = next(tbl)
    while k do
        if not keyType or type(k) == keyType then
            if fn(v, k, tbl, ...) == true then return end
        end
        k, v = next(tbl, k)
    end
end

function utable.eachKey(tbl, fn, ...) utable.each(tbl, 'string', fn, ...) end
function utable.eachIndex(tbl, fn, ...) utable.each(tbl, 'number', fn, ...) end

function utable.pop(tbl) return tremove(tbl) end
function utable.shift(tbl) return tremove(tbl, 1) end

function utable.push(tbl, ...)
    local args = { ... }
    for i = 1, #args do tinsert(tbl, args[i]) end
    return #tbl
end

function utable.unshift(tbl, ...)
    local args = { ... }
    for i = 1, #args do tinsert(tbl, i, args[i]) end
    return #tbl
end

function utable.reverse(tbl)
    local n = #tbl
    for i = 1, n / 2 do
        tbl[i], tbl[n - i + 1] = tbl[n - i + 1], tbl[i]
    end
end

-- slice(tbl, head [, tail]): negative positions count from the end.
function utable.slice(tbl, head, tail)
    local n = #tbl
    if head < 0 then
        head = n + head + 1
        if head < 1 then head = 1 end
    end
    if not tail then
        tail = n
    elseif tail < 0 then
        tail = n + tail + 1
    end
    local res, count = {}, 0
    for i = head, tail do
        count = count + 1
        rawset(res, count, tbl[i])
    end
    return res, count
end

-- indexOf(tbl, val [, head]): the first number key (in next order) at or
-- after head holding val.
function utable.indexOf(tbl, val, head)
    head = head or 1
    if head > 0 then
        local k, v = next(tbl)
        while k do
            if type(k) == 'number' and k >= head and v == val then return k end
            k, v = next(tbl, k)
        end
    end
    return nil
end

-- The array functions below visit the number keys in next order.
function utable.every(tbl, fn, ...)
    local k, v = next(tbl)
    while k do
        if type(k) == 'number' and fn(v, k, tbl, ...) == false then return false end
        k, v = next(tbl, k)
    end
    return true
end

function utable.some(tbl, fn, ...)
    local k, v = next(tbl)
    while k do
        if type(k) == 'number' and fn(v, k, tbl, ...) == true then return true end
        k, v = next(tbl, k)
    end
    return false
end

function utable.filter(tbl, fn, ...)
    local res, n = {}, 0
    local k, v = next(tbl)
    while k do
        if type(k) == 'number' and fn(v, k, tbl, ...) == true then
            n = n + 1
            rawset(res, n, v)
        end
        k, v = next(tbl, k)
    end
    return res, n
end

function utable.map(tbl, fn, ...)
    local res, n = {}, 0
    local k, v = next(tbl)
    while k do
        if type(k) == 'number' then
            local mapped = fn(v, k, tbl, ...)
            if mapped ~= nil then
                n = n + 1
                rawset(res, n, mapped)
            end
        end
        k, v = next(tbl, k)
    end
    return res, n
end

-- reduce(tbl, fn [, init, ...]): without init the first value starts.
function utable.reduce(tbl, fn, init, ...)
    local acc = init
    local k, v = next(tbl)
    while k do
        if type(k) == 'number' then
            if init == nil then
                acc, init = v, v
            else
                acc = fn(acc, v, k, tbl, ...)
            end
        end
        k, v = next(tbl, k)
    end
    return acc
end

local tableMethods = {}
for name, fn in pairs(utable) do tableMethods[name] = fn end
local tableLib = {}
for k, v in pairs(table) do tableLib[k] = v end

-- extend([overwrite]): every function above goes into the global table
-- library.
function utable.extend(overwrite)
    for name, fn in pairs(tableMethods) do
        if overwrite == true or not table[name] then table[name] = fn end
    end
end

-- unextend(): the global table becomes a copy of the library as it was
-- when util.table was loaded.
function utable.unextend()
    table = tableLib
end
end

return extra
