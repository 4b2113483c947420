-- Atomic writes: setnx, setx with and without index, delete guarded by
-- value and index.
local check = require('check')
local cli = check.client()

-- setnx: create only
local ent = check.status(cli:setnx('/lock', 'me', 10), nil, 201, 'setnx')
check.eq(ent.body.action, 'create')
check.eq(ent.body.node.ttl, 10)
ent = check.status(cli:setnx('/lock', 'you'), nil, 412, 'setnx exists')
check.eq(ent.body.errorCode, 105)
check.eq(ent.body.cause, PREFIX .. '/lock')
check.eq(cli:get('/lock').body.node.value, 'me', 'not overwritten')

-- setx: update only
ent = check.status(cli:setx('/nokey', 1), nil, 404, 'setx missing')
check.eq(ent.body.errorCode, 100)
ent = check.status(cli:setx('/lock', 'me2'), nil, 200, 'setx')
check.eq(ent.body.action, 'update')
check.eq(ent.body.prevNode.value, '"me"')
check.eq(ent.body.node.ttl, nil, 'setx without ttl clears it')
local idx = ent.body.node.modifiedIndex

-- setx with modifiedIndex: compare and swap
ent = check.status(cli:setx('/lock', 'stale', nil, idx - 1), nil, 412, 'cas fail')
check.eq(ent.body.errorCode, 101)
check.eq(ent.body.message, 'Compare failed')
check.eq(cli:get('/lock').body.node.value, 'me2')
ent = check.status(cli:setx('/lock', 'fresh', 5, idx), nil, 200, 'cas ok')
check.eq(ent.body.action, 'compareAndSwap')
check.eq(ent.body.node.ttl, 5)
check.eq(cli:get('/lock').body.node.value, 'fresh')
-- setx with an index of a key that is gone
check.status(cli:setx('/nokey', 1, nil, 5), nil, 404, 'cas missing')
-- an index no etcd can have (2^64): etcd's own answer, 400 / 203
ent = check.status(cli:setx('/lock', 'x', nil, 2^64), nil, 400, 'index beyond uint64')
check.eq(ent.body.errorCode, 203)

-- delete with prevValue (JSON of the value) and prevIndex
idx = cli:get('/lock').body.node.modifiedIndex
ent = check.status(cli:delete('/lock', 'other'), nil, 412, 'cad value fail')
check.eq(ent.body.errorCode, 101)
ent = check.status(cli:delete('/lock', nil, idx + 100), nil, 412, 'cad index fail')
check.eq(ent.body.errorCode, 101)
ent = check.status(cli:delete('/lock', 'fresh', idx), nil, 200, 'cad ok')
check.eq(ent.body.action, 'compareAndDelete')
check.eq(ent.body.prevNode.value, '"fresh"')
check.status(cli:get('/lock'), nil, 404)
check.status(cli:delete('/lock', 'fresh'), nil, 404, 'cad missing')

-- table values compare by their JSON text
check.status(cli:set('/tbl', { 1, 2 }), nil, 201)
check.status(cli:delete('/tbl', { 1, 2 }), nil, 200, 'delete by table value')

-- a value holding form-special characters compares exactly
check.status(cli:set('/amp', 'a&b+c'), nil, 201)
check.status(cli:delete('/amp', 'a&b+c'), nil, 200, 'prevValue escaped')
