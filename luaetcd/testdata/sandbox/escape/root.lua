-- readdir('/', true) is the jail's contents; rmdir('/', true) and
-- delete('/') are refused as etcd refuses them for its root.
local cli = assert(require('etcd.luasocket').new())
assert(cli:mkdir('/sub').status == 201)
assert(cli:set('/sub/x', 1).status == 201)
local ent = assert(cli:readdir('/', true))
assert(ent.status == 200, ent.status)
local n = 0
local function walk(node)
  n = n + 1
  -- Keys are relative to the jail (a script may well have made its own
  -- /tenant/...); no value of the keys outside shows.
  assert(node.key == nil or node.key:sub(1, 9) ~= '/tenant/a', node.key)
  for _, v in ipairs({ "b's secret", 'sibling', 'outside', "parent's" }) do
    assert(node.value ~= v, node.key)
  end
  for _, c in ipairs(node.nodes or {}) do walk(c) end
end
walk(ent.body.node)
assert(n >= 3, n)
for _, call in ipairs({
  function() return cli:rmdir('/', true) end, function() return cli:rmdir('/..', true) end,
  function() return cli:delete('/') end, function() return cli:rmdir('/../..', true) end,
}) do
  ent = assert(call())
  assert(ent.status >= 400 and ent.body.errorCode == 107, ent.status)
end
-- Inside the jail, subtrees can be removed.
assert(cli:rmdir('/sub', true).status == 200)
