-- Directories: mkdir, mkdirnx, readdir, rmdir.
local check = require('check')
local cli = check.client()

local ent = check.status(cli:mkdir('/d'), nil, 201, 'mkdir')
check.eq(ent.body.node.dir, true)
check.eq(ent.body.node.value, nil)
ent = check.status(cli:mkdirnx('/d'), nil, 412, 'mkdirnx exists')
check.eq(ent.body.errorCode, 105)
ent = check.status(cli:mkdirnx('/d2', 30), nil, 201, 'mkdirnx')
check.eq(ent.body.node.ttl, 30)
-- mkdir of an existing directory: not a file
ent = check.status(cli:mkdir('/d'), nil, 403, 'mkdir exists')
check.eq(ent.body.errorCode, 102)

cli:set('/d/a', 1)
cli:set('/d/b', 'two')
cli:set('/d/sub/c', { 3 })

-- readdir never decodes
ent = check.status(cli:readdir('/d'), nil, 200, 'readdir')
check.eq(ent.body.node.dir, true)
check.eq(#ent.body.node.nodes, 3)
local seen = {}
for _, n in ipairs(ent.body.node.nodes) do seen[n.key] = n end
check.eq(seen[PREFIX .. '/d/a'].value, '1')
check.eq(seen[PREFIX .. '/d/b'].value, '"two"')
check.eq(seen[PREFIX .. '/d/sub'].dir, true)
check.eq(seen[PREFIX .. '/d/sub'].nodes, nil, 'not recursive')

ent = check.status(cli:readdir('/d', true), nil, 200, 'readdir recursive')
for _, n in ipairs(ent.body.node.nodes) do seen[n.key] = n end
check.eq(seen[PREFIX .. '/d/sub'].nodes[1].value, '[3]')
check.eq(#check.status(cli:readdir('/d', false, true), nil, 200).body.node.nodes, 3, 'consistent readdir')
check.eq(#check.status(cli:readdir('/d', true, true), nil, 200).body.node.nodes, 3)

-- readdir of a key: 404 and node.dir = false
ent = check.status(cli:readdir('/d/a'), nil, 404, 'readdir on a key')
check.eq(ent.body.node.dir, false)
check.eq(ent.body.node.value, '1')
check.status(cli:readdir('/nodir'), nil, 404, 'readdir missing')

-- get on a directory keeps it raw
ent = check.status(cli:get('/d'), nil, 200)
check.eq(ent.body.node.dir, true)

-- a file where a directory is asked for, and the other way round
ent = check.status(cli:set('/d', 'x'), nil, 403, 'set on a directory')
check.eq(ent.body.errorCode, 102)
ent = check.status(cli:delete('/d'), nil, 403, 'delete of a directory')
check.eq(ent.body.errorCode, 102)
ent = check.status(cli:set('/d/a/x', 1), nil, 400, 'set below a file')
check.eq(ent.body.errorCode, 104)

-- rmdir
ent = check.status(cli:rmdir('/d'), nil, 403, 'rmdir not empty')
check.eq(ent.body.errorCode, 108)
check.status(cli:rmdir('/d', false), nil, 403)
ent = check.status(cli:rmdir('/d', true), nil, 200, 'rmdir recursive')
check.eq(ent.body.action, 'delete')
check.eq(ent.body.node.dir, true)
check.eq(ent.body.prevNode.dir, true)
check.status(cli:readdir('/d'), nil, 404)
check.status(cli:rmdir('/d2'), nil, 200, 'rmdir empty')
-- rmdir of a file removes it, as etcd does
cli:set('/f', 1)
check.status(cli:rmdir('/f'), nil, 200, 'rmdir of a file')
check.status(cli:get('/f'), nil, 404)
