-- The Lua side of every luaetcd-bench workload. The same file runs in two
-- ways:
--
--   in the bench process, one Lua state per goroutine: the host sets the
--   global BENCH = { work=, id=, more=, ready=, done=, index= } and BENCH.more()
--   both paces the loop (it returns false at the row's deadline) and times
--   each operation;
--
--   through the runner, as a user would start it:
--     luaetcd --endpoints URL workload.lua <work> <ops> [id]
--   where more() just counts <ops> operations.
local Etcd = require('etcd.luasocket')

local work, more, id
if BENCH then
  work, more, id = BENCH.work, BENCH.more, BENCH.id
else
  local n
  work, n, id = arg[1], tonumber(arg[2]), arg[3] or '0'
  local i = 0
  more = function()
    i = i + 1
    return i <= n
  end
end

local cli = assert(Etcd.new())
local key = '/bench/' .. work .. '/' .. id
local val = 'hello'

-- check(a, b, r, err) returns r when its status is a or b, else raises.
local function check(a, b, r, err)
  if not r then error(work .. ': ' .. tostring(err), 2) end
  local s = r.status
  if s ~= a and s ~= b then error(work .. ': status ' .. tostring(s), 2) end
  return r
end

-- Warm up: the first call of a client also looks up the cluster members.
check(200, 404, cli:get('/bench'))

if work == 'set' then
  while more() do
    check(200, 201, cli:set(key, val))
  end
elseif work == 'get' then
  check(200, 201, cli:set(key, val))
  while more() do
    check(200, 200, cli:get(key))
  end
elseif work == 'cas' then
  local idx = check(200, 201, cli:set(key, val)).body.node.modifiedIndex
  while more() do
    idx = check(200, 200, cli:setx(key, val, nil, idx)).body.node.modifiedIndex
  end
elseif work == 'readdir' then
  while more() do
    check(200, 200, cli:readdir('/bench/dir'))
  end
elseif work == 'push' then
  while more() do
    check(201, 201, cli:push(key, val))
  end
elseif work == 'wait' then
  -- The host's writer sets key once ready() says this script is about to
  -- wait; done() stops its clock when the wait returns.
  local idx = BENCH.index
  while more() do
    BENCH.ready()
    local r = check(200, 200, cli:wait(key, idx))
    BENCH.done()
    idx = r.body.node.modifiedIndex + 1
  end
else
  error('unknown workload ' .. tostring(work))
end
