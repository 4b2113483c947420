-- wait / waitdir: the v2 long-poll requests.
local check = require('check')
local cli = check.client()

raw_put_later(PREFIX .. '/w', '1', 200)
check.status(cli:wait('/w'), nil, 200, 'wait')
local r = last_request()
check.eq(r.method, 'GET')
check.eq(r.query, 'wait=true')

local idx = check.status(cli:set('/w', 'second'), nil, 200).body.node.modifiedIndex
check.status(cli:wait('/w', idx), nil, 200, 'wait index')
check.eq(last_request().query, 'wait=true&waitIndex=' .. idx)

cli:mkdir('/wd')
raw_put_later(PREFIX .. '/wd/sub/x', '[5]', 200)
local ent = check.status(cli:waitdir('/wd'), nil, 200, 'waitdir')
check.eq(last_request().query, 'wait=true&recursive=true')
idx = ent.body.node.modifiedIndex
check.status(cli:waitdir('/wd', idx), nil, 200, 'waitdir index')
check.eq(last_request().query, 'wait=true&recursive=true&waitIndex=' .. idx)
