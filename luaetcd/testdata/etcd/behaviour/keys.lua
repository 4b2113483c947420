-- set / get / delete: values, keys and the entity as a script sees them.
local check = require('check')
local cjson = require('cjson')
local cli = check.client()

local ent = check.status(cli:set('/a', 'hi'), nil, 201, 'set')
-- a write's entity keeps the raw JSON text
check.eq(ent.body.action, 'set')
check.eq(ent.body.node.value, '"hi"')
check.eq(ent.body.node.key, PREFIX .. '/a')
check.eq(type(ent.body.node.modifiedIndex), 'number')
-- header names are lower case
check.eq(ent.header['content-type'], 'application/json')
check.ok(tonumber(ent.header['x-etcd-index']) > 0, 'x-etcd-index')
for k in pairs(ent.header) do check.eq(k, k:lower(), 'header name') end
-- a second set of the key answers 200 and shows the node it replaced
ent = check.status(cli:set('/a', 'hi'), nil, 200, 'set again')
check.eq(ent.body.prevNode.value, '"hi"')

-- get decodes node.value
ent = check.status(cli:get('/a'), nil, 200, 'get')
check.eq(ent.body.action, 'get')
check.eq(ent.body.node.value, 'hi')
check.eq(check.status(cli:get('/a', true), nil, 200, 'consistent get').body.node.value, 'hi')
check.eq(check.status(cli:get('/a', false), nil, 200).body.node.value, 'hi')

-- values round-trip through JSON with cjson's rules
local values = {
    { 1, '1' }, { -2.5, '-2.5' }, { 1/3, '0.33333333333333' }, { 1e15, '1e+15' },
    { true, 'true' }, { false, 'false' }, { 'a/b', '"a\\/b"' }, { {}, '{}' },
    { { 1, 2, 3 }, '[1,2,3]' }, { { 1, 2, a = 3 }, '{"1":1,"2":2,"a":3}' },
    { 'a+b&c=d;e#f%g', '"a+b&c=d;e#f%g"' }, { 'üñí €', '"üñí €"' },
}
for i, c in ipairs(values) do
    local key = '/v' .. i
    ent = check.status(cli:set(key, c[1]), nil, 201, 'set ' .. c[2])
    check.eq(ent.body.node.value, c[2], 'stored text')
    ent = check.status(cli:get(key), nil, 200)
    check.eq(cjson.encode(ent.body.node.value), cjson.encode(c[1]), 'decoded value ' .. c[2])
end
-- values survive the trip: 1e+15 is not 1e 15, a+b is not a b
check.eq(cli:get('/v4').body.node.value, 1e15)
check.eq(cli:get('/v11').body.node.value, 'a+b&c=d;e#f%g')
-- nested tables
ent = check.status(cli:set('/nested', { list = { 1, 'two', { three = 3 } }, ok = true }), nil, 201)
ent = cli:get('/nested')
check.eq(ent.body.node.value.list[2], 'two')
check.eq(ent.body.node.value.list[3].three, 3)
check.eq(ent.body.node.value.ok, true)
-- a nil value stores ""
ent = check.status(cli:set('/nilv', nil), nil, 201)
check.eq(ent.body.node.value, '')
-- "" is not JSON, so get fails with the decoder's message
local v, err = cli:get('/nilv')
check.eq(v, nil)
check.eq(err, 'Expected value but found T_END at character 1')

-- keys: normalized like a path, prefix prepended after
ent = check.status(cli:set('//n/./x/../y/', 1), nil, 201)
check.eq(ent.body.node.key, PREFIX .. '/n/y')
check.status(cli:get('n/y'), nil, 200, 'relative key')
check.eq(check.status(cli:get('/../../n/y'), nil, 200, '.. stops at the prefix').body.node.key, PREFIX .. '/n/y')

-- keys with characters the original broke on round-trip exactly
local odd = { 'a b', 'ü/ñ', 'q?x', 'h#x', 'p%41', 'a&b=c;d+e', '%', '100%', 'tab\tx', 'é€😀' }
for _, k in ipairs(odd) do
    local key = '/odd/' .. k
    ent = check.status(cli:set(key, k), nil, 201, 'set ' .. k)
    check.eq(ent.body.node.key, PREFIX .. key, 'key ' .. k)
    ent = check.status(cli:get(key), nil, 200, 'get ' .. k)
    check.eq(ent.body.node.key, PREFIX .. key)
    check.eq(ent.body.node.value, k)
end
local list = check.status(cli:readdir('/odd'), nil, 200)
check.eq(#list.body.node.nodes, #odd, 'listing')

-- ttl: nil -> client default (none), negative -> none
ent = check.status(cli:set('/t', 1, 100), nil, 201)
check.eq(ent.body.node.ttl, 100)
check.ok(type(ent.body.node.expiration) == 'string', 'expiration')
ent = check.status(cli:set('/t', 1, -5), nil, 200)
check.eq(ent.body.node.ttl, nil)
local cli2 = check.client({ ttl = 30 })
cli2:set('/t', 1)
ent = cli2:get('/t')
check.eq(ent.body.node.ttl ~= nil, true, 'default ttl applied')
cli2:set('/t', 1, -1)
ent = cli2:get('/t')
check.eq(ent.body.node.ttl, nil, 'negative ttl clears the TTL')

-- not found: etcd's error body
ent = check.status(cli:get('/missing'), nil, 404)
check.eq(ent.body.errorCode, 100)
check.eq(ent.body.message, 'Key not found')
check.eq(ent.body.cause, PREFIX .. '/missing')
check.eq(type(ent.body.index), 'number')
-- a key below a file: not a directory
ent = check.status(cli:get('/a/b'), nil, 400, 'below a file')
check.eq(ent.body.errorCode, 104)

-- get('') reads the prefix directory; get on a directory keeps raw values
ent = check.status(cli:get(''), nil, 200)
check.eq(ent.body.node.dir, true)
check.eq(ent.body.node.key, PREFIX)

-- delete
ent = check.status(cli:delete('/a'), nil, 200)
check.eq(ent.body.action, 'delete')
check.eq(ent.body.node.key, PREFIX .. '/a')
check.eq(ent.body.node.value, nil)
check.eq(ent.body.prevNode.value, '"hi"', 'prevNode keeps the raw text')
check.status(cli:get('/a'), nil, 404)
check.status(cli:delete('/a'), nil, 404, 'delete again')
-- delete('') on the root gets etcd's 400 / errorCode 107
local root = check.client({ prefix = '' })
ent = check.status(root:delete(''), nil, 400)
check.eq(ent.body.errorCode, 107)
