-- Etcd.new: option checks in the contract's order, with its messages, and
-- what a client looks like to a script.
local check = require('check')
local Etcd = require('etcd.luasocket')

local function newerr(opts, want)
    local cli, err = Etcd.new(opts)
    check.eq(cli, nil, 'client for ' .. want)
    check.eq(err, want)
end

newerr(1, 'opts must be table')
newerr('x', 'opts must be table')
newerr(true, 'opts must be table')
newerr({ timeout = -1 }, 'opts.timeout must be unsigned integer')
newerr({ timeout = 1.5 }, 'opts.timeout must be unsigned integer')
newerr({ timeout = '1' }, 'opts.timeout must be unsigned integer')
newerr({ timeout = 1/0 }, 'opts.timeout must be unsigned integer')
newerr({ host = 1 }, 'opts.host must be string')
newerr({ peer = {} }, 'opts.peer must be string')
newerr({ prefix = true }, 'opts.prefix must be string')
newerr({ ttl = 1.5 }, 'opts.ttl must be int')
newerr({ ttl = 0/0 }, 'opts.ttl must be int')
newerr({ ttl = '3' }, 'opts.ttl must be int')
-- order: timeout, host, peer, prefix, ttl
newerr({ timeout = -1, host = 1, ttl = 'x' }, 'opts.timeout must be unsigned integer')
newerr({ host = 1, peer = 1, prefix = 1, ttl = 'x' }, 'opts.host must be string')
newerr({ peer = 1, prefix = 1, ttl = 'x' }, 'opts.peer must be string')
newerr({ prefix = 1, ttl = 'x' }, 'opts.prefix must be string')
newerr({ serializer = 'xml' }, "opts.serializer must be 'json' or 'raw'")

-- nil opts, unknown keys, timeout 0 and a negative ttl are fine.
check.ok(Etcd.new(), 'new()')
check.ok(Etcd.new(nil), 'new(nil)')
check.ok(Etcd.new({ unknown = 1, clientPort = 'x' }), 'unknown keys ignored')
check.ok(Etcd.new({ timeout = 0, ttl = -1 }), 'timeout 0, ttl -1')

-- the prefix is normalized; '' and '/' mean none.
for _, p in ipairs({ '', '/' }) do
    local cli = check.client({ prefix = p })
    local ent, err = cli:set(PREFIX .. '/np', p)
    check.ok(ent, tostring(err))
    check.eq(ent.body.node.key, PREFIX .. '/np', 'prefix ' .. p)
end
local cli = check.client({ prefix = '//' .. PREFIX .. '/p/./q/../r/' })
check.eq(check.status(cli:set('x', 1), nil, 201).body.node.key, PREFIX .. '/p/r/x')

-- require('etcd') is the core class: new(httpClient, opts)
local core = require('etcd')
local c2 = core.new(nil, check.opts())
check.status(c2:set('/core', 'v'), nil, 201)
check.eq(c2:get('/core').body.node.value, 'v')
check.err('opts must be table', core.new, nil, 5)

-- methods called with '.' raise, they cannot return nil, err: there is no client.
check.ok(not pcall(cli.get, nil, '/x'), 'cli.get(nil) raises')
check.eq(tostring(cli), 'etcd.client')
