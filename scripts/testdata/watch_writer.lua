-- watch_writer.lua: the changes the watch.lua test reacts to. Runs while
-- watch.lua waits on /cfg/feature.
local cli = assert(require('etcd.luasocket').new())
local function ok(res, err)
  assert(res, err)
  assert(res.status == 200 or res.status == 201, res.status)
end
ok(cli:set('/cfg/feature', 'on'))
ok(cli:set('/cfg/other', 'not watched'))
ok(cli:set('/cfg/feature', { level = 2 }))
ok(cli:delete('/cfg/feature'))
ok(cli:set('/cfg/feature', 'stop'))
ok(cli:set('/cfg/feature', 'after stop: not seen'))
