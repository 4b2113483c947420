-- watch.lua: watch a key (or a whole directory) and react to every change,
-- without missing one and without falling over when etcd forgot history.
--
--   luaetcd --endpoints URL scripts/watch.lua KEY [options]
--
--   --max N       stop after N changes (default: never)
--   --stop VALUE  stop when the key is set to VALUE (default: stop)
--   --timeout S   long-poll for at most S seconds, then poll again
--                 (default 30; etcd or a proxy may drop idle requests)
--   --lag N       for testing: make N writes to KEY.lag before the first
--                 wait, as if this watcher had been away for a while
--
-- How it works (the etcd v2 watch protocol):
--
--   * Read the key (readdir for a directory) and remember X-Etcd-Index, the
--     etcd index that read saw. The next wait starts at that + 1, so a change
--     made between the read and the wait is still seen.
--   * wait(KEY, index, timeout) returns the first change at or after index.
--     After each change, the next index is its modifiedIndex + 1: changes
--     made while we were busy reacting come back at once, in order.
--   * 408: the long poll timed out with no change. Wait again from the
--     same index.
--   * errorCode 401 (HTTP status 400, "The event in requested index is
--     outdated and cleared"): the index is older than etcd's event history
--     (v2: the last 1000 changes of the whole store; etcd 3.6 and later,
--     through the v3 backend: what the last compaction removed). Changes
--     may have been missed, so re-read the key, react to its current
--     value, and wait from that read's X-Etcd-Index + 1.
--
-- The output shows actions, keys and values, never indexes or times.

local cjson = require('cjson')
local Etcd = require('etcd.luasocket')

local key
local max, stop, timeout, lag = nil, 'stop', 30, 0
do
  local args = { ... }
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == '--max' then
      max = tonumber(args[i + 1]); i = i + 2
    elseif a == '--stop' then
      stop = args[i + 1]; i = i + 2
    elseif a == '--timeout' then
      timeout = tonumber(args[i + 1]); i = i + 2
    elseif a == '--lag' then
      lag = tonumber(args[i + 1]); i = i + 2
    elseif not key and a:sub(1, 2) ~= '--' then
      key = a; i = i + 1
    else
      io.stderr:write('watch.lua: bad argument ' .. a .. '\n')
      os.exit(2)
    end
  end
  if not key or not timeout or not lag then
    io.stderr:write('usage: watch.lua KEY [--max N] [--stop VALUE] [--timeout S] [--lag N]\n')
    os.exit(2)
  end
end
key = require('path').normalize(key)

-- A long poll must outlive its own timeout: no client-wide timeout.
local cli = assert(Etcd.new({ timeout = 0 }))

local function must(res, err)
  if res == nil then
    error(err, 2)
  end
  return res
end

-- show renders a decoded value for printing.
local function show(v)
  if v == nil then
    return '(no value)'
  end
  return cjson.encode(v)
end

-- read prints the current state of the key or directory and returns the
-- index to wait from and whether it is a directory.
local function read()
  local res = must(cli:get(key))
  local isDir = false
  if res.status == 200 then
    local node = res.body.node
    if node.dir then
      isDir = true
      local n = #(node.nodes or {})
      print(string.format('current: %s is a directory with %d entries', key, n))
    else
      print(string.format('current: %s = %s', key, show(node.value)))
    end
  elseif res.status == 404 then
    print(string.format('current: %s does not exist', key))
  else
    error('get ' .. key .. ': status ' .. res.status)
  end
  -- Every answer, 404 included, carries the etcd index it was made at.
  return tonumber(res.header['x-etcd-index']) + 1, isDir
end

print(string.format('watching %s%s, stop value %s', key,
  max and (', at most ' .. max .. ' changes') or '', show(stop)))
local index, isDir = read()

if lag > 0 then
  -- Push our index out of a v2 store's event history (1000 events); on
  -- v3 it leaves only once the cluster compacts past it.
  local other = key .. '.lag'
  for i = 1, lag do
    local res = must(cli:set(other, i))
    assert(res.status == 200 or res.status == 201, res.status)
  end
  must(cli:delete(other))
  print(string.format('lag: made %d writes to %s before the first wait', lag, other))
end

local changes, timeouts = 0, 0
print('waiting for changes')
while true do
  local res
  if isDir then
    res = must(cli:waitdir(key, index, timeout))
  else
    res = must(cli:wait(key, index, timeout))
  end
  if res.status == 408 then
    -- No change within the timeout: poll again from the same index.
    timeouts = timeouts + 1
  elseif type(res.body) == 'table' and res.body.errorCode == 401 then
    -- etcd sends errorCode 401 with HTTP status 400: test the errorCode.
    print('event index cleared (errorCode 401): re-reading ' .. key)
    index, isDir = read()
    print('waiting for changes')
  elseif res.status == 200 then
    local node = res.body.node
    changes = changes + 1
    -- React to the change. Here: print it.
    print(string.format('change %d: %s %s %s', changes, res.body.action, node.key,
      node.dir and '(directory)' or show(node.value)))
    index = node.modifiedIndex + 1
    if node.value == stop then
      print('stop value seen')
      break
    end
    if max and changes >= max then
      break
    end
  else
    error('wait ' .. key .. ': status ' .. res.status)
  end
end
print(string.format('stopped after %d changes; timed out and waited again: %s',
  changes, timeouts > 0 and 'yes' or 'no'))
