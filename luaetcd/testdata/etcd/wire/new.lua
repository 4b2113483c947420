-- Etcd.new: where the v2 requests go.
local check = require('check')
local Etcd = require('etcd.luasocket')

-- the default host is lua-etcd's, where nothing listens here.
local cli = Etcd.new({ timeout = 2 })
local ent, err = cli:get('/x')
check.eq(ent, nil, 'entity from default host')
-- lua-etcd's word, nothing more: scripts compare it
check.eq(err, 'connection refused')

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

-- a bad peer URL: the admin calls get lua-etcd's words, nothing is sent
-- for them, and the key calls go on through the host
local FORMAT = 'invalid uri format: "Parsed text violates expected format"'
cli = check.client({ peer = 'not a url' })
check.status(cli:set('/peer', 'v'), nil, 201)
check.eq(last_request().path, '/v2/keys' .. PREFIX .. '/peer')
local before = request_count()
check.err(FORMAT, cli.adminConfig, cli)
check.err(FORMAT, cli.setAdminConfig, cli, { activeSize = 3 })
check.eq(request_count(), before, 'requests for a bad peer')
cli = check.client({ peer = 'ftp://p:1' })
check.err('unsupported protocol: "ftp"', cli.adminConfig, cli)
