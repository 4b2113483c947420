-- push: the v2 request of an in-order key.
local check = require('check')
local cli = check.client()

for i = 1, 3 do
    check.status(cli:push('/queue', { job = i }), nil, 201, 'push')
    local r = last_request()
    check.eq(r.method, 'POST')
    check.eq(r.path, '/v2/keys' .. PREFIX .. '/queue')
    check.eq(r.body, 'value=%7B%22job%22%3A' .. i .. '%7D&ttl=')
end
cli:push('/queue', 'x', 60)
check.eq(last_request().body, 'value=%22x%22&ttl=60')
