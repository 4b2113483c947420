-- Prints every util.typeof checker's answer for a set of edge values, one
-- line per value: "<label> <checker>=<0|1> ...". Run by typeof_test.go; the
-- expected text is typeof_matrix.txt.
local typeof = require('util.typeof')
local checkers = {
    'nil', 'boolean', 'string', 'number', 'function', 'table', 'thread',
    'userdata', 'finite', 'unsigned', 'int', 'int8', 'int16', 'int32',
    'uint', 'uint8', 'uint16', 'uint32', 'nan', 'non',
}
local values = {
    { 'nil', nil }, { 'true', true }, { 'false', false },
    { "'hello'", 'hello' }, { "''", '' }, { "'0'", '0' }, { "'1'", '1' },
    { '0', 0 }, { '-0', -0 }, { '1', 1 }, { '-1', -1 }, { '0.1', 0.1 },
    { '-0.1', -0.1 }, { '1.5', 1.5 }, { '-1.5', -1.5 },
    { '127', 127 }, { '128', 128 }, { '-128', -128 }, { '-129', -129 },
    { '255', 255 }, { '256', 256 }, { '32767', 32767 }, { '32768', 32768 },
    { '-32768', -32768 }, { '-32769', -32769 }, { '65535', 65535 },
    { '65536', 65536 }, { '2147483647', 2147483647 },
    { '2147483648', 2147483648 }, { '-2147483648', -2147483648 },
    { '-2147483649', -2147483649 }, { '4294967295', 4294967295 },
    { '4294967296', 4294967296 }, { '2^53', 2 ^ 53 }, { '2^53+0.5', 2 ^ 52 + 0.5 },
    { '1e300', 1e300 }, { '-1e300', -1e300 }, { 'inf', 1 / 0 },
    { '-inf', -1 / 0 }, { 'nan', 0 / 0 },
    { 'function', function() end }, { 'builtin', print },
    { 'table', {} }, { 'table_with_mt', setmetatable({}, { __call = function() end }) },
    { 'thread', coroutine.create(function() end) },
}
local out = {}
for _, pair in ipairs(values) do
    local line = { pair[1] }
    for _, name in ipairs(checkers) do
        line[#line + 1] = name .. '=' .. (typeof[name](pair[2]) and '1' or '0')
    end
    out[#out + 1] = table.concat(line, ' ')
end
-- no argument at all
local line = { '(none)' }
for _, name in ipairs(checkers) do
    line[#line + 1] = name .. '=' .. (typeof[name]() and '1' or '0')
end
out[#out + 1] = table.concat(line, ' ')
return table.concat(out, '\n') .. '\n'
