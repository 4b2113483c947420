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

-- The client is a table, as lua-etcd's: no fields of its own, methods from
-- its metatable, and room for the script's fields and per-client overrides.
check.eq(type(cli), 'table')
check.eq(next(cli), nil, 'next(cli)')
for k in pairs(cli) do error('pairs(cli) yields ' .. tostring(k)) end
check.eq(rawget(cli, 'get'), nil, 'rawget(cli, "get")')
check.eq(type(cli.get), 'function')
check.eq(getmetatable(cli), 'etcd.client')
check.ok(not pcall(setmetatable, cli, {}), 'setmetatable(cli) raises')
cli.name = 'mine'
check.eq(cli.name, 'mine')
check.eq(check.status(cli:set('/own', 'v'), nil, 201).body.node.key, PREFIX .. '/p/r/own')
local other = check.client()
cli.get = function(self, key) return { status = 299, key = key, me = self.name } end
local stub = cli:get('/k')
check.eq(stub.status, 299); check.eq(stub.key, '/k'); check.eq(stub.me, 'mine')
check.eq(check.status(other:get('/core'), nil, 200).body.node.value, 'v')
check.eq(other.name, nil, 'fields stay per client')
-- a wrapper around a method (logging, retries) calls the shared one
local calls = 0
local inner = other.get
other.get = function(self, ...) calls = calls + 1; return inner(self, ...) end
check.eq(check.status(other:get('/core'), nil, 200).body.node.value, 'v')
check.eq(calls, 1)
-- a table that is not a client, even with the client's methods, is refused
for _, self in ipairs({ {}, setmetatable({}, { __index = other }), 'x', 1 }) do
    local ok, err = pcall(inner, self, '/core')
    check.ok(not ok and tostring(err):find('get: call it as cli:get(...) on a client made by new()', 1, true), tostring(err))
end
if debug and debug.getmetatable then
    local mt = debug.getmetatable(other)
    if type(mt) == 'table' then
        local fake = debug.setmetatable({}, mt)
        check.ok(not pcall(fake.get, fake, '/core'), 'a table given the client metatable is no client')
    else
        check.eq(mt, 'etcd.client', 'debug.getmetatable(cli)')
    end
end
-- nothing of the Go side shows: no credentials in what a script can print
local secret = check.client({ user = 'u', password = 's3cret-pw' })
check.eq(next(secret), nil)
local shown = require('util').inspect(secret) .. tostring(secret)
check.ok(not shown:find('s3cret', 1, true), shown)

-- new accepts any host or peer string, as lua-etcd did; the first call
-- that uses it answers nil, err with lua-etcd's words, and sends nothing.
-- (The in-memory fake has no URLs to check.)
if API == 'fake' then return end
local FORMAT = 'invalid uri format: "Parsed text violates expected format"'
for host, want in pairs({
    ['ftp://h:1'] = 'unsupported protocol: "ftp"',
    ['127.0.0.1:4001'] = FORMAT,
    ['not a url'] = FORMAT,
}) do
    local c, err = Etcd.new(check.opts({ host = host }))
    check.eq(type(c), 'table', 'client for host ' .. host .. ' (' .. tostring(err) .. ')')
    local ent, gerr = check.nosend(c.get, c, '/x')
    check.eq(ent, nil, 'entity from ' .. host)
    check.eq(gerr, want, 'get via ' .. host)
    check.err(want, c.set, c, '/x', 1)
end
-- Etcd.new{...}:get(k), unchecked, as most scripts write it
check.err('unsupported protocol: "ftp"', function() return Etcd.new(check.opts({ host = 'ftp://h:1' })):get('/x') end)
-- a bad peer affects only the calls that use the peer
local badpeer = check.client({ peer = 'not a url' })
check.status(badpeer:set('/bp', 'v'), nil, 201)
check.eq(check.status(badpeer:get('/bp'), nil, 200).body.node.value, 'v')
