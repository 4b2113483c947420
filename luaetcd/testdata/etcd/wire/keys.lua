-- set / get / delete: the v2 requests.
local check = require('check')
local cli = check.client()

-- set: PUT keys/KEY, form value=<json>&ttl=
check.status(cli:set('/a', 'hi'), nil, 201, 'set')
local r = last_request()
check.eq(r.method, 'PUT')
check.eq(r.path, '/v2/keys' .. PREFIX .. '/a')
check.eq(r.query, '')
check.eq(r.content_type, 'application/x-www-form-urlencoded')
check.eq(r.body, 'value=%22hi%22&ttl=')

check.status(cli:get('/a'), nil, 200, 'get')
r = last_request()
check.eq(r.method, 'GET')
check.eq(r.query, '')
-- consistent reads send consistent=true and quorum=true; false sends nothing
cli:get('/a', true)
check.eq(last_request().query, 'consistent=true&quorum=true')
cli:get('/a', false)
check.eq(last_request().query, '')

-- a nil value sends no value: etcd stores ""
check.status(cli:set('/nilv', nil), nil, 201)
check.eq(last_request().body, 'ttl=')

-- keys: normalized like a path, prefix prepended after
check.status(cli:set('//n/./x/../y/', 1), nil, 201)
check.eq(last_request().path, '/v2/keys' .. PREFIX .. '/n/y')
check.status(cli:get('/../../n/y'), nil, 200, '.. stops at the prefix')
check.eq(last_request().path, '/v2/keys' .. PREFIX .. '/n/y')
-- keys with characters the original broke on are escaped per segment
check.status(cli:set('/odd/a b/ü?#%', 1), nil, 201)
check.eq(last_request().rawpath, '/v2/keys' .. PREFIX .. '/odd/a%20b/%C3%BC%3F%23%25')

-- ttl in the form: nil -> client default (none), negative -> empty, 0 -> 0
cli:set('/t', 1, 100)
check.eq(last_request().body, 'value=1&ttl=100')
cli:set('/t', 1, -5)
check.eq(last_request().body, 'value=1&ttl=')
cli:set('/t', 1, 0)
check.eq(last_request().body, 'value=1&ttl=0')
local cli2 = check.client({ ttl = 30 })
cli2:set('/t', 1)
check.eq(last_request().body, 'value=1&ttl=30')

-- delete
check.status(cli:delete('/a'), nil, 200)
r = last_request()
check.eq(r.method, 'DELETE')
check.eq(r.query, '')
-- delete('') on the root
local root = check.client({ prefix = '' })
check.status(root:delete(''), nil, 400)
check.eq(last_request().path, '/v2/keys/')
