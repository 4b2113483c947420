-- setTTL: a GET, then a guarded PUT re-sending the raw value.
local check = require('check')
local cli = check.client()

local ent = check.status(cli:set('/k', { a = 'b&c' }), nil, 201)
local idx = ent.body.node.modifiedIndex
check.status(cli:setTTL('/k', 100), nil, 200, 'setTTL')
local r = last_request()
check.eq(r.method, 'PUT')
check.eq(r.query, 'prevExist=true&prevIndex=' .. idx .. '&prevValue=%7B%22a%22%3A%22b%26c%22%7D')
check.eq(r.body, 'ttl=100&value=%7B%22a%22%3A%22b%26c%22%7D')
check.status(cli:setTTL('/k'), nil, 200)
check.eq(last_request().body:sub(1, 4), 'ttl=', 'ttl first')

-- setTTL on a directory sends lua-etcd's request
check.status(cli:mkdir('/dir'), nil, 201)
cli:setTTL('/dir', 50)
r = last_request()
check.eq(r.query, 'prevExist=true')
check.eq(r.body, 'ttl=50&dir=true')

-- a missing key: only the GET
check.status(cli:setTTL('/missing', 5), nil, 404)
check.eq(last_request().method, 'GET')
