-- Values written by other tools (not JSON), and serializer = 'raw'.
local check = require('check')
local json = check.client()
local raw = check.client({ serializer = 'raw' })

raw_put(PREFIX .. '/plain', 'hello world')
raw_put(PREFIX .. '/num', '42')

-- json (the default): a value that is not JSON makes get fail
local v, err = json:get('/plain')
check.eq(v, nil)
check.eq(err, 'Expected value but found invalid token at character 1')
-- 42 is valid JSON
check.eq(json:get('/num').body.node.value, 42)
-- readdir never decodes, so it always works
local ent = check.status(json:readdir(''), nil, 200)
check.eq(#ent.body.node.nodes, 2)

-- raw: strings in and out as they are
check.eq(raw:get('/plain').body.node.value, 'hello world')
check.eq(raw:get('/num').body.node.value, '42')
check.status(raw:set('/r', 'a "quoted" & +raw/ text'), nil, 201)
check.eq(raw:get('/r').body.node.value, 'a "quoted" & +raw/ text')
check.status(raw:set('/n', 1.5), nil, 201)
check.eq(raw:get('/n').body.node.value, '1.5')
-- raw compare-and-delete compares the plain text
check.status(raw:delete('/r', 'a "quoted" & +raw/ text'), nil, 200)
-- tables cannot be raw
local v2, err2 = raw:set('/t', {})
check.eq(v2, nil)
check.eq(err2, 'encoding error: "raw serializer takes strings and numbers, not table"')
-- waits too
raw_put_later(PREFIX .. '/plain', 'changed', 200)
check.eq(raw:wait('/plain').body.node.value, 'changed')

-- a response over the size limit fails cleanly
local small = check.client({ max_body_size = 300 })
check.status(json:set('/big', string.rep('x', 1000)), nil, 201)
local v3, err3 = small:get('/big')
check.eq(v3, nil)
check.ok(err3:find('limit', 1, true) ~= nil, err3)
check.status(small:get('/num'), nil, 200, 'small answers still fit')
local bad, berr = require('etcd.luasocket').new({ max_body_size = -1 })
check.eq(berr, 'opts.max_body_size must be a positive integer')
