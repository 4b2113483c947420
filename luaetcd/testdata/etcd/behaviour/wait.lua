-- wait / waitdir: long polls with and without index, the 408 path, and
-- changes that delete or expire the key.
local check = require('check')
local cli = check.client()

-- without index: the next change, made by another writer
raw_put_later(PREFIX .. '/w', '{"n":1}', 200)
local ent = check.status(cli:wait('/w'), nil, 200, 'wait')
check.eq(ent.body.action, 'set')
check.eq(ent.body.node.value.n, 1, 'wait decodes the value')

-- with index: an event already in the past comes back at once
local idx = check.status(cli:set('/w', 'second'), nil, 200).body.node.modifiedIndex
cli:set('/w', 'third')
ent = check.status(cli:wait('/w', idx), nil, 200, 'wait index')
check.eq(ent.body.node.value, 'second')
check.eq(ent.body.node.modifiedIndex, idx)

-- timeout: {status = 408} and nothing else
local t0 = os.time()
ent = check.status(cli:wait('/w', nil, 1), nil, 408, 'wait timeout')
check.eq(ent.header, nil)
check.eq(ent.body, nil)
check.ok(os.time() - t0 < 5, 'timeout honoured')
-- the client timeout applies when wait gives none
local quick = check.client({ timeout = 1 })
check.status(quick:wait('/w'), nil, 408, 'client timeout')
-- timeout 0 means none: the change still arrives
raw_put_later(PREFIX .. '/w', '"late"', 1500)
ent = check.status(quick:wait('/w', nil, 0), nil, 200, 'no timeout')
check.eq(ent.body.node.value, 'late')

-- a delete or an expiry is an event with no value
idx = check.status(cli:set('/gone', 'x', 1), nil, 201).body.node.modifiedIndex
ent = check.status(cli:wait('/gone', idx + 1, 10), nil, 200, 'wait expire')
check.eq(ent.body.action, 'expire')
check.eq(ent.body.node.value, nil)
check.eq(ent.body.prevNode.value, '"x"', 'prevNode stays raw')
idx = check.status(cli:set('/gone', 'y'), nil, 201).body.node.modifiedIndex
cli:delete('/gone')
ent = check.status(cli:wait('/gone', idx + 1), nil, 200, 'wait delete')
check.eq(ent.body.action, 'delete')
check.eq(ent.body.node.value, nil)

-- waitdir: changes below a directory, values decoded for keys
cli:mkdir('/wd')
raw_put_later(PREFIX .. '/wd/sub/x', '[5]', 200)
ent = check.status(cli:waitdir('/wd'), nil, 200, 'waitdir')
check.eq(ent.body.node.key, PREFIX .. '/wd/sub/x')
check.eq(ent.body.node.value[1], 5)
idx = ent.body.node.modifiedIndex
ent = check.status(cli:waitdir('/wd', idx), nil, 200, 'waitdir index')
check.status(cli:waitdir('/wd', idx + 1, 1), nil, 408, 'waitdir timeout')
-- a directory event keeps the node as is
check.status(cli:mkdir('/wd3'), nil, 201)
idx = cli:get('/wd3').body.node.modifiedIndex
ent = check.status(cli:waitdir('/wd3', idx), nil, 200, 'waitdir on a dir event')
check.eq(ent.body.node.dir, true)

-- a value another tool wrote that is not JSON: wait fails like get
raw_put_later(PREFIX .. '/plain', 'not json', 200)
local v, err = cli:wait('/plain')
check.eq(v, nil)
check.eq(err, 'Expected value but found invalid token at character 1')

-- the event index was cleared (etcd keeps the last 1000 events): etcd's
-- entity, status 400 with errorCode 401, returned as is. The v3 API keeps
-- every event until the history is compacted (docs/v3-backend.md): the
-- old event itself is the answer (its 401 is tested in internal/v3backend).
for i = 1, 1005 do cli:set('/churn', i) end
if API == 'v3' then
  ent = check.status(cli:wait('/churn', 1), nil, 200, 'first event kept')
  check.eq(ent.body.node.value, 1)
else
  ent = check.status(cli:wait('/churn', 1), nil, 400, 'event index cleared')
  check.eq(ent.body.errorCode, 401)
  check.ok(tonumber(ent.header['x-etcd-index']) > 1000, 'x-etcd-index to resume from')
end
