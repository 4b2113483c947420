-- Argument errors: returned as nil, err (never raised), nothing sent, in
-- the contract's order (key, then index, then ttl).
local check = require('check')
local cli = check.client()

local function E(want, method, ...)
    local f = cli[method]
    check.nosend(function(...)
        local v, err = f(cli, ...)
        if v ~= nil or err ~= want then
            error(method .. ': want nil, ' .. want .. '; got ' .. tostring(v) .. ', ' .. tostring(err), 3)
        end
    end, ...)
end

-- key must be string, for every key method
for _, m in ipairs({ 'get', 'set', 'setnx', 'setx', 'delete', 'wait', 'readdir',
                     'mkdir', 'mkdirnx', 'rmdir', 'waitdir', 'push', 'setTTL' }) do
    E('key must be string', m)
    E('key must be string', m, 1)
    E('key must be string', m, {})
    E('key must be string', m, nil, 'v')
end

-- ttl must be integer
for _, m in ipairs({ 'set', 'setnx', 'setx', 'push' }) do
    E('ttl must be integer', m, '/k', 'v', 1.5)
    E('ttl must be integer', m, '/k', 'v', '10')
    E('ttl must be integer', m, '/k', 'v', 1/0)
    E('ttl must be integer', m, '/k', 'v', 0/0)
    E('ttl must be integer', m, '/k', 'v', true)
end
for _, m in ipairs({ 'mkdir', 'mkdirnx', 'setTTL' }) do
    E('ttl must be integer', m, '/k', 0.5)
    E('ttl must be integer', m, '/k', 'x')
end

-- modifiedIndex must be unsigned integer (setx, delete)
E('modifiedIndex must be unsigned integer', 'setx', '/k', 'v', nil, -1)
E('modifiedIndex must be unsigned integer', 'setx', '/k', 'v', nil, 1.5)
E('modifiedIndex must be unsigned integer', 'setx', '/k', 'v', nil, '3')
E('modifiedIndex must be unsigned integer', 'delete', '/k', 'v', -3)
E('modifiedIndex must be unsigned integer', 'delete', '/k', nil, 'x')
-- order: key, then index, then ttl
E('key must be string', 'setx', 1, 'v', 'x', -1)
E('modifiedIndex must be unsigned integer', 'setx', '/k', 'v', 'bad ttl', -1)
E('ttl must be integer', 'setx', '/k', 'v', 'bad ttl', 3)

-- wait / waitdir: timeout is checked before the index, which is named waitIndex
for _, m in ipairs({ 'wait', 'waitdir' }) do
    E('timeout must be unsigned integer', m, '/k', nil, -1)
    E('timeout must be unsigned integer', m, '/k', nil, 0.5)
    E('timeout must be unsigned integer', m, '/k', -1, 'x')
    E('waitIndex must be unsigned integer', m, '/k', -1)
    E('waitIndex must be unsigned integer', m, '/k', 'x', 1)
    E('waitIndex must be unsigned integer', m, '/k', 2.5, 1)
end

-- booleans
E('consistent must be boolean', 'get', '/k', 1)
E('consistent must be boolean', 'get', '/k', 'true')
E('recursive must be boolean', 'readdir', '/k', 1)
E('consistent must be boolean', 'readdir', '/k', false, 'yes')
E('recursive must be boolean', 'readdir', '/k', 'x', 'yes')
E('recursive must be boolean', 'rmdir', '/k', 0)

-- names and admin config
E('name must be string', 'adminMachines', 1)
E('name must be string', 'removeAdminMachines', {})
E('cfg must be table', 'setAdminConfig')
E('cfg must be table', 'setAdminConfig', 'x')
E('opts.activeSize must be uint', 'setAdminConfig', { activeSize = -1 })
E('opts.removeDelay must be uint', 'setAdminConfig', { removeDelay = 1.5 })
E('opts.syncInterval must be uint', 'setAdminConfig', { syncInterval = '5' })
E('opts.activeSize must be uint', 'setAdminConfig', { syncInterval = 'x', activeSize = 'y' })

-- writes whose key normalizes to '/'
for _, k in ipairs({ '/', '', '//', '/./', 'a/..', '../..' }) do
    for _, m in ipairs({ 'set', 'setnx', 'setx', 'push' }) do
        E('key should not be a slash', m, k, 'v')
    end
    E('key should not be a slash', 'mkdir', k)
    E('key should not be a slash', 'mkdirnx', k)
end
-- ttl is checked before the slash
E('ttl must be integer', 'set', '/', 'v', 'x')

-- values that JSON cannot hold
E('encoding error: "Cannot serialise function: type not supported"', 'set', '/k', print)
E('encoding error: "Cannot serialise number: must not be NaN or Inf"', 'set', '/k', 0/0)
E('encoding error: "Cannot serialise number: must not be NaN or Inf"', 'setnx', '/k', 1/0)
E('encoding error: "Cannot serialise table: excessively sparse array"', 'push', '/k', { [1] = 1, [100] = 2 })
E('encoding error: "Cannot serialise function: type not supported"', 'delete', '/k', { f = print })
local cyc = {}; cyc.self = cyc
E('encoding error: "Cannot serialise, excessive nesting (1001)"', 'set', '/k', cyc)
-- a key that is neither string nor number: cjson names the key's type
E('encoding error: "Cannot serialise boolean: table key must be a number or string"', 'set', '/k', { [true] = 1 })
E('encoding error: "Cannot serialise table: table key must be a number or string"', 'setx', '/k', { a = 1, [{}] = 2 })
E('encoding error: "Cannot serialise function: table key must be a number or string"', 'push', '/k', { [print] = 1 })
E('encoding error: "Cannot serialise boolean: table key must be a number or string"', 'delete', '/k', { x = { [false] = 1 } })
E('encoding error: "Cannot serialise number: must not be NaN or Inf"', 'set', '/k', { [1/0] = 1 })
E('encoding error: "Cannot serialise thread: type not supported"', 'set', '/k', coroutine.create(function() end))
