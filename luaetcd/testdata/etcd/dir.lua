-- Directories: mkdir, mkdirnx, readdir, rmdir.
local check = require('check')
local cli = check.client()

local ent = check.status(cli:mkdir('/d'), nil, 201, 'mkdir')
local r = last_request()
check.eq(r.method, 'PUT')
check.eq(r.body, 'dir=true&ttl=')
check.eq(ent.body.node.dir, true)
check.status(cli:mkdirnx('/d'), nil, 412, 'mkdirnx exists')
check.eq(last_request().query, 'prevExist=false')
check.status(cli:mkdirnx('/d2', 30), nil, 201, 'mkdirnx')
check.eq(last_request().body, 'dir=true&ttl=30')

cli:set('/d/a', 1)
cli:set('/d/b', 'two')
cli:set('/d/sub/c', { 3 })

-- readdir never decodes
ent = check.status(cli:readdir('/d'), nil, 200, 'readdir')
check.eq(last_request().query, '')
check.eq(ent.body.node.dir, true)
check.eq(#ent.body.node.nodes, 3)
local seen = {}
for _, n in ipairs(ent.body.node.nodes) do seen[n.key] = n end
check.eq(seen[PREFIX .. '/d/a'].value, '1')
check.eq(seen[PREFIX .. '/d/b'].value, '"two"')
check.eq(seen[PREFIX .. '/d/sub'].dir, true)
check.eq(seen[PREFIX .. '/d/sub'].nodes, nil, 'not recursive')

ent = check.status(cli:readdir('/d', true), nil, 200, 'readdir recursive')
check.eq(last_request().query, 'recursive=true')
for _, n in ipairs(ent.body.node.nodes) do seen[n.key] = n end
check.eq(seen[PREFIX .. '/d/sub'].nodes[1].value, '[3]')
cli:readdir('/d', false, true)
check.eq(last_request().query, 'consistent=true&quorum=true')
cli:readdir('/d', true, true)
check.eq(last_request().query, 'recursive=true&consistent=true&quorum=true')

-- readdir of a key: 404 and node.dir = false
ent = check.status(cli:readdir('/d/a'), nil, 404, 'readdir on a key')
check.eq(ent.body.node.dir, false)
check.eq(ent.body.node.value, '1')
check.status(cli:readdir('/nodir'), nil, 404, 'readdir missing')

-- get on a directory keeps it raw
ent = check.status(cli:get('/d'), nil, 200)
check.eq(ent.body.node.dir, true)

-- rmdir
ent = check.status(cli:rmdir('/d'), nil, 403, 'rmdir not empty')
check.eq(last_request().method, 'DELETE')
check.eq(last_request().query, 'dir=true')
check.eq(ent.body.errorCode, 108)
check.status(cli:rmdir('/d', false), nil, 403)
check.status(cli:rmdir('/d', true), nil, 200, 'rmdir recursive')
check.eq(last_request().query, 'dir=true&recursive=true')
check.status(cli:readdir('/d'), nil, 404)
check.status(cli:rmdir('/d2'), nil, 200, 'rmdir empty')
