-- Etcd.new: where the v2 requests go.
local check = require('check')
local Etcd = require('etcd.luasocket')

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
