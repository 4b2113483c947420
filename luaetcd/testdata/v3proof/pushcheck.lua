-- pushcheck.lua: after the pushers, readdir DIR shows all N*M pushed
-- keys, each name once, name order equal to commit (createdIndex) order,
-- and each pusher's values in the order it pushed them.
-- Globals: OPTS, DIR, N, M. Leaves EQUAL: how many names equal their
-- createdIndex (20 zero-padded digits).
local cli = assert(require('etcd.luasocket').new(OPTS))
local res, err = cli:readdir(DIR)
assert(res, err)
assert(res.status == 200, 'readdir answered ' .. tostring(res.status))
local nodes = res.body.node.nodes or {}
assert(#nodes == N * M, #nodes .. ' keys after ' .. N * M .. ' pushes')
-- v2 lists children in any order: sort by name first.
table.sort(nodes, function(a, b) return a.key < b.key end)
local seen, nextOf, equal = {}, {}, 0
for i, n in ipairs(nodes) do
  assert(not seen[n.key], 'duplicate name ' .. n.key)
  seen[n.key] = true
  if i > 1 then
    assert(n.createdIndex > nodes[i - 1].createdIndex,
      'name order is not commit order at ' .. n.key)
  end
  local name = n.key:sub(-20)
  assert(#name == 20 and name:match('^%d+$'), 'in-order name ' .. n.key)
  if tonumber(name) == n.createdIndex then
    equal = equal + 1
  end
  -- readdir leaves children's values as stored (JSON text).
  local v = tonumber(n.value)
  local id, seq = math.floor(v / 1000), v % 1000
  assert(seq == (nextOf[id] or 0) + 1, 'pusher ' .. id .. ' out of order: ' .. v)
  nextOf[id] = seq
end
EQUAL = equal
