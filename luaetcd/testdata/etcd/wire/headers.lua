-- The entity's header holds every header etcd sent, Transfer-Encoding
-- included (net/http keeps it apart from the others): a watch's answer and
-- a large listing come chunked, a small answer with its length.
local check = require('check')
local cli = check.client()

local ent = check.status(cli:set('/h', 'v'), nil, 201)
check.eq(ent.header['transfer-encoding'], nil, 'small answer')
check.eq(tonumber(ent.header['content-length']) > 0, true, 'content-length')

raw_put_later(PREFIX .. '/h', '1', 200)
ent = check.status(cli:wait('/h'), nil, 200, 'wait')
check.eq(ent.header['transfer-encoding'], 'chunked', 'wait')
check.eq(ent.header['content-length'], nil)
check.eq(ent.header['x-etcd-index'] ~= nil, true)

raw_put_later(PREFIX .. '/hd/x', '2', 200)
ent = check.status(cli:waitdir('/hd'), nil, 200, 'waitdir')
check.eq(ent.header['transfer-encoding'], 'chunked', 'waitdir')

-- a listing larger than the server's output buffer
for i = 1, 100 do
    check.status(cli:set(string.format('/big/k%03d', i), string.rep('x', 100)), nil, 201)
end
ent = check.status(cli:readdir('/big'), nil, 200, 'readdir')
check.eq(#ent.body.node.nodes, 100)
check.eq(ent.header['transfer-encoding'], 'chunked', 'large readdir')
