-- Watches see only the jail: the history from index 1 holds the
-- outside keys written before the scripts ran, but a recursive watch of
-- "/" answers with the first change inside, shown relative to the jail.
local cli = assert(require('etcd.luasocket').new())
assert(cli:set('/watched', 'w').status < 300)
local ent = assert(cli:waitdir('/', 1, 5))
assert(ent.status == 200, ent.status)
local key = ent.body.node.key
assert(key:sub(1, 1) == '/' and not key:find('/tenant/a', 1, true), key)
assert(ent.body.node.value ~= "b's secret" and ent.body.node.value ~= 'outside' and ent.body.node.value ~= 'sibling')
-- A watch of a key above the jail is a watch of a key inside it.
ent = assert(cli:wait('/../watched', 1, 5))
assert(ent.status == 200 and ent.body.node.key == '/watched' and ent.body.node.value == 'w')
