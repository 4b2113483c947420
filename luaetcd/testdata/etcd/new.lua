-- Etcd.new: option checks in the contract's order, with its messages.
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

-- the default host is lua-etcd's, where nothing listens here.
local cli = Etcd.new({ timeout = 2 })
local ent, err = cli:get('/x')
check.eq(ent, nil, 'entity from default host')
check.ok(type(err) == 'string' and err:find('connection refused', 1, true), 'connection refused: ' .. tostring(err))
check.ok(err:find('get /x', 1, true), 'error names the call: ' .. err)

-- a trailing slash in host (the original crashed) is normalized.
cli = check.client({ host = HOST .. '/' })
check.status(cli:set('/slash', 'v'), nil, 201)
check.eq(last_request().path, '/v2/keys' .. PREFIX .. '/slash')

-- require('etcd') is the core class: new(httpClient, opts)
local core = require('etcd')
cli = core.new(nil, { host = HOST, prefix = PREFIX })
check.status(cli:get('/slash'), nil, 200)
check.err('opts must be table', core.new, nil, 5)

-- the prefix is normalized; '' and '/' mean none.
for _, p in ipairs({ '', '/' }) do
    cli = check.client({ prefix = p })
    cli:get('/a/b')
    check.eq(last_request().path, '/v2/keys/a/b', 'prefix ' .. p)
end
cli = check.client({ prefix = '//p/./q/../r/' })
cli:get('x')
check.eq(last_request().path, '/v2/keys/p/r/x')

-- methods called with '.' raise, they cannot return nil, err: there is no client.
check.ok(not pcall(cli.get, nil, '/x'), 'cli.get(nil) raises')
check.eq(tostring(cli), 'etcd.client')
