-- Atomic writes: the v2 requests of setnx, setx and guarded deletes.
local check = require('check')
local cli = check.client()

local ent = check.status(cli:setnx('/lock', 'me', 10), nil, 201, 'setnx')
local r = last_request()
check.eq(r.method, 'PUT')
check.eq(r.query, 'prevExist=false')
check.eq(r.body, 'value=%22me%22&ttl=10')

check.status(cli:setx('/nokey', 1), nil, 404, 'setx missing')
check.eq(last_request().query, 'prevExist=true')
ent = check.status(cli:setx('/lock', 'me2'), nil, 200, 'setx')
local idx = ent.body.node.modifiedIndex

-- setx with modifiedIndex: compare and swap
check.status(cli:setx('/lock', 'stale', nil, idx - 1), nil, 412, 'cas fail')
check.eq(last_request().query, 'prevExist=true&prevIndex=' .. (idx - 1))
check.status(cli:setx('/lock', 'fresh', 5, idx), nil, 200, 'cas ok')
check.eq(last_request().body, 'value=%22fresh%22&ttl=5')

-- delete with prevValue (JSON of the value) and prevIndex
idx = cli:get('/lock').body.node.modifiedIndex
check.status(cli:delete('/lock', 'other'), nil, 412, 'cad value fail')
check.eq(last_request().query, 'prevValue=%22other%22')
check.status(cli:delete('/lock', nil, idx + 100), nil, 412, 'cad index fail')
check.eq(last_request().query, 'prevIndex=' .. (idx + 100))
check.status(cli:delete('/lock', 'fresh', idx), nil, 200, 'cad ok')
check.eq(last_request().query, 'prevValue=%22fresh%22&prevIndex=' .. idx)

-- a value holding form-special characters is escaped in the query
check.status(cli:set('/amp', 'a&b+c'), nil, 201)
check.status(cli:delete('/amp', 'a&b+c'), nil, 200, 'prevValue escaped')
check.eq(last_request().query, 'prevValue=%22a%26b%2Bc%22')
