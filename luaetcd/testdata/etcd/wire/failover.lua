-- Connections and failover as a script sees them.
local check = require('check')
local Etcd = require('etcd.luasocket')

-- keep-alive: many calls from two clients share a connection or two
local a, b = check.client(), check.client()
local before = connection_count()
for i = 1, 50 do
    check.status(a:set('/k' .. i, i), nil, 201)
    check.status(b:get('/k' .. i), nil, 200)
end
check.ok(connection_count() - before <= 2, 'connections reused: ' .. (connection_count() - before) .. ' new')

-- the membership lookup is made once, not on every call
local c = check.client()
local n0 = request_count()
local first = check.status(c:get('/k1'), nil, 200)
check.eq(first.initFailoverURIs, true, 'first call reports the lookup')
local lookup = request_count() - n0
check.ok(lookup >= 2, 'the first call also looked the members up')
n0 = request_count()
for i = 1, 20 do
    local ent = check.status(c:get('/k1'), nil, 200)
    check.eq(ent.initFailoverURIs, nil, 'no lookup after the first')
end
check.eq(request_count() - n0, 20, 'one request per call')

-- a dead first endpoint fails over to the next one (host stays first
-- when endpoints is given too)
local dead = 'http://127.0.0.1:1'
local f = check.client({ host = dead, endpoints = { HOST } })
check.status(f:set('/fo', 'x'), nil, 201, 'set through the second endpoint')
check.eq(f:get('/fo').body.node.value, 'x')
-- a create (not idempotent) is still sent when the dial was refused: it
-- surely never reached a server
f = check.client({ host = dead, endpoints = { HOST } })
check.status(f:setnx('/fo2', 'y'), nil, 201, 'setnx after a refused dial')
-- every endpoint dead: nil and lua-etcd's word for the last cause
f = Etcd.new({ endpoints = { dead, 'http://127.0.0.1:2' }, timeout = 2, prefix = PREFIX })
local ent, err = f:get('/fo')
check.eq(ent, nil)
check.eq(err, 'connection refused')
