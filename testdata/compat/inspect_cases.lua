-- Cases for util.inspect. Returns a list of { name, text }; inspect_test.go
-- compares each text byte for byte with inspect/<name>.txt. Addresses
-- (tostring of functions, threads and tables) are replaced by labels so
-- the texts do not depend on the run.
local inspect = require('util').inspect

local function mask(text, obj, label)
    local s = tostring(obj)
    local out, from = {}, 1
    while true do
        local i, j = string.find(text, s, from, true)
        if not i then break end
        out[#out + 1] = string.sub(text, from, i - 1) .. label
        from = j + 1
    end
    out[#out + 1] = string.sub(text, from)
    return table.concat(out)
end

local cases = {}
local function case(name, text) cases[#cases + 1] = { name, text } end

-- scalars at the top level: strings are not quoted
case('scalar_string', inspect('hello "world"'))
case('scalar_number', inspect(1.5) .. ' ' .. inspect(100) .. ' ' .. inspect(1e15) .. ' ' .. inspect(1 / 3))
case('scalar_special', inspect(1 / 0) .. ' ' .. inspect(-1 / 0) .. ' ' .. inspect(2 ^ 53) .. ' ' .. inspect(-123456.789))
case('scalar_nil_bool', inspect(nil) .. ' ' .. inspect(true) .. ' ' .. inspect(false))
case('empty_table', inspect({}))

-- arrays: no keys are written for numeric keys
case('array_mixed', inspect({ true, false, 'hello', '', 0, 1, -1, 0.1, 1e15, 1 / 3, 2 ^ 53, 1 / 0, -1 / 0, 1e-5, 123456789012345 }))
case('array_nested', inspect({ { 1, { 2, {} } }, {}, 'x', { { { 'deep' } } } }))
case('string_raw', inspect({ 'he said "hi"\n\tnext \\ line' }))

-- single-key tables (same order everywhere)
case('key_name', inspect({ name = 'x' }))
case('key_underscore', inspect({ _private_1 = { 1 } }))
case('key_space', inspect({ ['a b'] = 'y' }))
case('key_digit_first', inspect({ ['1a'] = 1 }))
case('key_empty', inspect({ [''] = 1 }))
case('key_quote', inspect({ ['say "x"'] = 1 }))
case('key_true', inspect({ [true] = false }))
case('key_false', inspect({ [false] = true }))
case('key_float', inspect({ [100.5] = 100.5 }))
do
    local k = {}
    case('key_table', mask(inspect({ [k] = 1 }), k, '<tbl>'))
    local f = function() end
    case('key_function', mask(inspect({ [f] = f }), f, '<fn>'))
end

-- functions and threads as values are written quoted
do
    local f = function() end
    local co = coroutine.create(function() end)
    case('value_function_thread', mask(mask(inspect({ f, co }), f, '<fn>'), co, '<co>'))
    case('scalar_function', mask(inspect(f), f, '<fn>'))
end

-- options: depth (spaces per level), padding (spaces before every line
-- but the first), callback (may replace or skip keys, replace or give raw
-- values, and answers circular references), udata (passed to callback)
case('depth_2', inspect({ { 1 }, 'a' }, { depth = 2 }))
case('depth_0', inspect({ { 1 }, 'a' }, { depth = 0 }))
case('depth_2_5', inspect({ { 1 }, 'a' }, { depth = 2.5 }))
case('depth_string_3', inspect({ { 1 }, 'a' }, { depth = '3' }))
case('depth_negative', inspect({ { 1 }, 'a' }, { depth = -3 }))
case('depth_false', inspect({ { 1 } }, { depth = false }))
case('opt_false', inspect({ { 1 } }, false))
case('opt_empty', inspect({ { 1 } }, {}))
case('padding_2', inspect({ { 1 }, 'a' }, { padding = 2 }))
case('padding_depth', inspect({ { x = { 1 } } }, { padding = 1, depth = 3 }))
case('callback_upper', inspect({ 'a', { 'b' } }, { callback = function(v, t, what)
    if what == 'value' and t == 'string' then return v:upper() end
end }))
case('callback_skip_keys', inspect({ 'keep', 'drop', 'keep' }, { callback = function(v, t, what)
    if what == 'index' then return nil, v == 2 end
end }))
case('callback_raw', inspect({ 1, 'x' }, { callback = function(v, t, what, key, udata)
    if what == 'value' then return '<' .. udata .. ':' .. tostring(key) .. '=' .. tostring(v) .. '>', true end
end, udata = 'u' }))
case('callback_key_rename', inspect({ 'a' }, { callback = function(v, t, what)
    if what == 'index' and v == 1 then return 1 end
end }))
case('callback_args', (function()
    local seen = {}
    inspect({ 'v' }, { udata = 'ud', callback = function(...)
        local n = select('#', ...)
        local args = { ... }
        for i = 1, n do if type(args[i]) == 'table' then args[i] = 'tbl' end args[i] = tostring(args[i]) end
        seen[#seen + 1] = n .. ':' .. table.concat(args, ',')
    end })
    return table.concat(seen, ' ')
end)())
case('scalar_callback', inspect(42, { callback = function(v, t, what, key) return t .. ' ' .. what .. ' ' .. tostring(key) end }))
case('scalar_callback_nil', inspect(42, { callback = function() end }))
case('number_keys', inspect({ [1] = 'a', [3] = 'c' }) .. inspect({ [1.5] = 1 }) .. inspect({ [-2] = 1 }) .. inspect({ [1e20] = 1 }))
case('reserved_key', inspect({ ['end'] = 1 }) .. inspect({ ['goto'] = 2 }) .. inspect({ ['nil'] = 3 }))
case('string_escapes', inspect({ 'a\rb\0c"d\\e\nf' }))

-- cycles and shared tables
do
    local t = {}
    t[1] = t
    case('circular_self', mask(inspect(t), t, '<t>'))
    local a, b = {}, {}
    a[1] = b
    b[1] = a
    case('circular_pair', mask(mask(inspect(a), a, '<a>'), b, '<b>'))
    case('circular_callback_string', inspect(t, { callback = function(v, _, what)
        if what == 'circular' then return '<cycle>' end
    end }))
    case('circular_callback_nil', inspect(t, { callback = function(v, _, what)
        if what == 'circular' then return nil end
        return v
    end }))
    local s = { 1 }
    case('shared_not_circular', inspect({ s, { s }, s }))
end

-- tables with __tostring: the text is used as the table's identity
do
    local mt = { __tostring = function() return 'OBJ' end }
    local inner = setmetatable({ 1 }, mt)
    local outer = setmetatable({ inner, { 2 } }, mt)
    case('tostring_meta', inspect(outer))
    case('tostring_meta_top', inspect(setmetatable({ 'x' }, mt)))
    -- other metamethods are ignored (raw traversal)
    local proxy = setmetatable({ 'own' }, { __index = { 'inherited', 'extra' } })
    case('index_meta_ignored', inspect(proxy))
end

return cases
