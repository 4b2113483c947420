-- counter.lua: one of N Lua states incrementing the counter KEY M times
-- with read and compare-and-swap on the index read (setx with prevIndex),
-- retrying when another state won the race (412, errorCode 101).
-- Globals set by the Go test: OPTS (Etcd.new's options), KEY, M.
-- Leaves RETRIES: how many swaps lost a race.
local cli = assert(require('etcd.luasocket').new(OPTS))
local done, retries = 0, 0
while done < M do
  local res, err = cli:get(KEY)
  assert(res, err)
  assert(res.status == 200, 'get answered ' .. tostring(res.status))
  local node = res.body.node
  res, err = cli:setx(KEY, tonumber(node.value) + 1, nil, node.modifiedIndex)
  assert(res, err)
  if res.status == 200 then
    done = done + 1
  elseif res.status == 412 and res.body.errorCode == 101 then
    retries = retries + 1
  else
    error('setx answered ' .. tostring(res.status))
  end
end
RETRIES = retries
