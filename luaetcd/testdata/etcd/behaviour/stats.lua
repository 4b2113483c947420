-- version, stats, and the admin API (0.4) on a modern etcd.
local check = require('check')
local cli = check.client({ peer = PEER })

local ent = check.status(cli:version(), nil, 200, 'version')
check.eq(type(ent.body.etcdserver), 'string')
check.ok(ent.body.etcdserver:match('^3%.'), 'etcd 3.x')

ent = check.status(cli:statsSelf(), nil, 200, 'statsSelf')
check.eq(ent.body.state, 'StateLeader')
if API == 'v3' then
  -- the v3 API has no store statistics (docs/v3-backend.md)
  check.status(cli:statsStore(), nil, 404, 'statsStore')
else
  ent = check.status(cli:statsStore(), nil, 200, 'statsStore')
  check.eq(type(ent.body.setsSuccess), 'number')
end
ent = check.status(cli:statsLeader(), nil, 200, 'statsLeader')
check.eq(type(ent.body.leader), 'string')

-- adminConfig has no successor: the server's own answer, as is
ent = cli:adminConfig()
check.eq(ent.status, 404)
check.eq(type(ent.body), 'string', 'non-JSON body stays a string')
ent = cli:setAdminConfig({ activeSize = 3, removeDelay = 1800, syncInterval = 5, other = 'x' })
check.eq(ent.status, 404)

-- adminMachines falls back to /v2/members and answers in the 0.4 shape
ent = check.status(cli:adminMachines(), nil, 200, 'adminMachines')
check.eq(#ent.body, 1)
local m = ent.body[1]
check.eq(m.state, 'leader')
check.eq(m.clientURL, DIRECT)
check.eq(m.peerURL, PEER)
check.eq(type(m.name), 'string')
ent = check.status(cli:adminMachines(m.name), nil, 200, 'adminMachines(name)')
check.eq(ent.body.name, m.name)
check.status(cli:adminMachines('no-such-member'), nil, 404)

-- initFailoverURIs works on etcd 3.x
local ok, err = cli:initFailoverURIs()
check.eq(ok, true, 'initFailoverURIs: ' .. tostring(err))
-- and a client whose peer and host are dead says false, err
local dead = require('etcd.luasocket').new({ host = 'http://127.0.0.1:1', peer = 'http://127.0.0.1:1', timeout = 2 })
ok, err = dead:initFailoverURIs()
check.eq(ok, false)
check.eq(err, 'connection refused')
