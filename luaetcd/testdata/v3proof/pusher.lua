-- pusher.lua: one of N Lua states pushing M in-order keys into DIR.
-- Globals set by the Go test: OPTS, DIR, ID (this state's number), M.
-- The value is ID * 1000 + i for the i-th push. Each push must be created (201) under a name greater than this state's
-- previous one: a state's own pushes commit in order.
local cli = assert(require('etcd.luasocket').new(OPTS))
local last = ''
for i = 1, M do
  local res, err = cli:push(DIR, ID * 1000 + i)
  assert(res, err)
  assert(res.status == 201, 'push answered ' .. tostring(res.status))
  local key = res.body.node.key
  assert(key > last, 'push named ' .. key .. ' after ' .. last)
  last = key
end
