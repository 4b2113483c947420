-- config_seed.lua: the data the config.lua test exports. Values written by
-- lua-etcd's default JSON serializer and by the raw one, nested and empty
-- directories, and keys that need escaping.
local Etcd = require('etcd.luasocket')
local json = assert(Etcd.new())
local raw = assert(Etcd.new({ serializer = 'raw' }))

local function ok(res, err)
  assert(res, err)
  assert(res.status == 201 or res.status == 200, res.status)
end

ok(json:set('/app/name', 'billing'))
ok(json:set('/app/replicas', 3))
ok(json:set('/app/db/primary', { host = 'db1.example.org', port = 5432 }))
ok(json:set('/app/db/options', { 'ssl', 'pool=10' }))
ok(raw:set('/app/db/password', 'p&ss=w+rd; #1 "quoted" \\ back/slash'))
ok(raw:set('/app/motd', 'line one\nline two\ttabbed'))
ok(raw:set('/app/unicode/grüße', 'héllo wörld ✓'))
ok(raw:set('/app/spaces in name', ''))
ok(raw:mkdir('/app/empty'))
ok(raw:mkdir('/app/nested/deeper/deepest'))
ok(raw:set('/other/untouched', 'not exported'))
