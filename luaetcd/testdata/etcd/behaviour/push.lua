-- In-order keys with push.
local check = require('check')
local cli = check.client()

local keys = {}
for i = 1, 5 do
    local ent = check.status(cli:push('/queue', { job = i }), nil, 201, 'push')
    check.eq(ent.body.action, 'create')
    check.eq(ent.body.node.value, '{"job":' .. i .. '}')
    keys[i] = ent.body.node.key
    check.eq(keys[i]:sub(1, #PREFIX + 7), PREFIX .. '/queue/', 'below the directory')
end
for i = 2, 5 do check.ok(keys[i] > keys[i - 1], 'in order') end

local ent = check.status(cli:readdir('/queue'), nil, 200)
check.eq(#ent.body.node.nodes, 5)
-- etcd lists in-order keys sorted when asked; here check all are present
local seen = {}
for _, n in ipairs(ent.body.node.nodes) do seen[n.key] = n.value end
for i = 1, 5 do check.eq(seen[keys[i]], '{"job":' .. i .. '}') end

-- push with a ttl
ent = check.status(cli:push('/queue', 'x', 60), nil, 201)
check.eq(ent.body.node.ttl, 60)
-- push below a file: not a directory
cli:set('/file', 1)
ent = check.status(cli:push('/file', 'x'), nil, 400, 'push below a file')
check.eq(ent.body.errorCode, 104)
