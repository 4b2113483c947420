-- Exercises util.string and util.table; returns one line per call. Run by
-- util_test.go; the expected text is util_cases.txt.
local ustr = require('util.string')
local utbl = require('util.table')
local out = {}
local function show(v)
    if type(v) ~= 'table' then
        return type(v) == 'string' and string.format('%q', v) or tostring(v)
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
        if type(a) == type(b) and type(a) ~= 'boolean' then return a < b end
        return type(a) < type(b)
    end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = '[' .. show(k) .. ']=' .. show(v[k]) end
    return '{' .. table.concat(parts, ',') .. '}'
end
local function add(label, ...)
    local parts = {}
    for i = 1, select('#', ...) do parts[i] = show((select(i, ...))) end
    out[#out + 1] = label .. ': ' .. table.concat(parts, ' ')
end

add('split comma', ustr.split('a,b,,c,', ','))
add('split leading', ustr.split(',,a', ','))
add('split none', ustr.split('abc', ','))
add('split empty', ustr.split('', ','))
add('split pattern', ustr.split('a1b22c333', '%d+'))
add('split dot class', ustr.split('a.b.c', '[.]'))
add('split multi', ustr.split('key=val=x', '='))
add('split spaces', ustr.split('  one  two ', '%s+'))
add('trim', ustr.trim('  a b  '), ustr.trim('\t\n x \r\f\v'), ustr.trim('   '), ustr.trim(''), ustr.trim('x'))
add('charAt', ustr.charAt('hello', 1), ustr.charAt('hello', -1), ustr.charAt('hello', 9), ustr.charAt('hello', 0))
add('charCodeAt', ustr.charCodeAt('AB', 1), ustr.charCodeAt('ABC', 1, 3))
add('charCodeAt default', ustr.charCodeAt('A'))

add('copy', utbl.copy({ 1, 2, a = 'x' }))
local nested = { a = { b = { c = 1 } }, 1 }
local c0 = utbl.clone(nested, 0)
local c1 = utbl.clone(nested, 1)
local call = utbl.clone(nested)
add('clone 0 same', c0 == nested)
add('clone 1', c1 ~= nested, c1.a == nested.a, show(c1))
add('clone all', call.a ~= nested.a, call.a.b ~= nested.a.b, show(call))
add('clone 1.5', utbl.clone(nested, 1.5).a.b ~= nested.a.b)
add('clone inf', utbl.clone(nested, 1 / 0).a.b ~= nested.a.b)
local src = { x = 1 }
local frozen = utbl.freeze(src)
add('freeze read', frozen.x, rawget(frozen, 'x'))
add('freeze write', (pcall(function() frozen.y = 2 end)))
add('keys', utbl.keys({ only = 1 }))
add('keys skip numbers', utbl.keys({ 1, 2, [true] = 1 }))
add('merge', utbl.merge({ 1, 2 }, { 3, k = 'v' }, 'x', nil, 'ignored'))
add('merge hash count', utbl.merge({ a = 1 }, { 'first' }))
add('join', utbl.join({ 1, 'b', true, 2.5 }, '-'))
add('join default sep', utbl.join({ 'a', 'b' }))
add('join skip keys', utbl.join({ 'a', k = 'v' }, ','))
return table.concat(out, '\n') .. '\n'
