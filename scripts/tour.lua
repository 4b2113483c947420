-- tour.lua: call every method of the lua-etcd client once and show what it
-- answers. Useful as a smoke test of a cluster and as a cheat sheet.
--
--   luaetcd --embed scripts/tour.lua                 # throw-away etcd
--   luaetcd --endpoints http://10.0.0.1:2379 scripts/tour.lua [BASE]
--
-- Everything is written below BASE (default /luaetcd-tour), which is removed
-- before and after the tour. Only stable fields are printed (status, action,
-- keys, values, error codes), never indexes, times or member ids, so the
-- output is the same on every run against a fresh single-member etcd.
--
-- Against a real cluster the tour is harmless: it only touches BASE, writes
-- the admin config back unchanged (etcd 0.4) or gets a 404 (etcd >= 2), and
-- asks to remove a member that does not exist.

local util = require('util')
local Etcd = require('etcd.luasocket')

local base = (...) or '/luaetcd-tour'

-- No host: the runner's --endpoints / --embed decides where etcd is.
local cli = assert(Etcd.new())

-- call runs cli:method(...) and stops the script on a transport failure
-- (the client returns nil, err then). HTTP errors (404, 412, ...) are
-- answers, not failures: they come back as an entity with a status.
local function call(method, ...)
  local res, err = cli[method](cli, ...)
  if res == nil then
    error(method .. ' failed: ' .. tostring(err), 2)
  end
  return res
end

-- pick keeps the fields worth looking at, in a fixed order, so that
-- util.inspect prints them the same way every time.
local function pick(res)
  local out = { status = res.status }
  local body = res.body
  if type(body) == 'string' then
    out.body = body:gsub('%s+$', '')
  elseif type(body) == 'table' then
    out.action = body.action
    if body.node then
      out.key = body.node.key
      out.dir = body.node.dir
      out.value = body.node.value
      out.ttl = body.node.ttl
    end
    if body.prevNode then
      out.prevValue = body.prevNode.value
    end
    out.errorCode = body.errorCode
    out.message = body.message
  end
  return out
end

-- line prints "method(args) -> status action".
local function line(label, res)
  local body = type(res.body) == 'table' and res.body or {}
  local what = body.action or (body.errorCode and ('error ' .. body.errorCode))
  print(string.format('%-40s -> %s', label, res.status) .. (what and (' ' .. what) or ''))
end

-- show prints the line and the picked fields.
local function show(label, res)
  line(label, res)
  print(util.inspect(pick(res)))
end

-- Start from a clean slate (a 404 just means there was nothing to remove).
call('rmdir', base, true)
local k = base .. '/greeting'

-- Server -----------------------------------------------------------------
local res = call('version')
line('version()', res)
print('etcdserver ' .. tostring(res.body.etcdserver):match('^%d+%.%d+') .. '.x')

-- Keys -------------------------------------------------------------------
res = call('set', k, 'hello')
show('set(greeting, "hello")', res)
-- writes keep the stored JSON text: the value is "\"hello\"".
local setIndex = res.body.node.modifiedIndex

show('get(greeting)', call('get', k))                 -- decoded: hello
show('setnx(greeting, "again")', call('setnx', k, 'again'))   -- 412 / 105
show('setnx(config, {...})', call('setnx', base .. '/config', { replicas = 3 }))

-- setx only updates an existing key; with an index it is compare-and-swap.
res = call('get', k)
show('setx(greeting, "hi", nil, index)',
  call('setx', k, 'hi', nil, res.body.node.modifiedIndex))
show('setx(missing, "x")', call('setx', base .. '/missing', 'x'))  -- 404 / 100

-- wait with an index that is already in the history returns at once with
-- the change made at (or after) that index: here our first set.
show('wait(greeting, setIndex)', call('wait', k, setIndex))

-- Directories ------------------------------------------------------------
res = call('mkdir', base .. '/dir')
show('mkdir(dir)', res)
local mkdirIndex = res.body.node.modifiedIndex
show('mkdirnx(dir)', call('mkdirnx', base .. '/dir'))  -- 412 / 105

-- push creates an in-order key named after the etcd index: mask it.
res = call('push', base .. '/queue', 'job-1')
local pushed = pick(res)
pushed.key = pushed.key:gsub('/%d+$', '/<index>')
line('push(queue, "job-1")', res)
print(util.inspect(pushed))

show('waitdir(base, mkdirIndex)', call('waitdir', base, mkdirIndex))

-- readdir never decodes values, and etcd lists in no particular order:
-- sort by key before printing.
res = call('readdir', base, true)
line('readdir(base, true)', res)
local listing = {}
local function walk(node)
  for _, n in ipairs(node.nodes or {}) do
    local key = n.key:sub(#base + 2):gsub('^queue/%d+$', 'queue/<index>')
    listing[#listing + 1] = n.dir and (key .. '/') or (key .. ' = ' .. n.value)
    walk(n)
  end
end
walk(res.body.node)
table.sort(listing)
print(util.inspect(listing))
show('readdir(greeting)', call('readdir', k))  -- a key, not a dir: 404

-- TTLs -------------------------------------------------------------------
show('setTTL(greeting, 60)', call('setTTL', k, 60))
show('setTTL(greeting)', call('setTTL', k))   -- nil ttl: TTL removed

-- Deletes ----------------------------------------------------------------
show('delete(greeting, "wrong")', call('delete', k, 'wrong'))  -- 412 / 101
show('delete(greeting, "hi")', call('delete', k, 'hi'))
show('rmdir(dir)', call('rmdir', base .. '/dir'))

-- Stats ------------------------------------------------------------------
local leader = call('statsLeader')
local self = call('statsSelf')
line('statsLeader()', leader)
line('statsSelf()', self)
print(util.inspect({
  state = self.body.state,
  leaderIsSelf = leader.body.leader == self.body.id,
}))
res = call('statsStore')
line('statsStore()', res)
print('setsSuccess counted: ' .. tostring(type(res.body.setsSuccess) == 'number'))

-- Admin (etcd 0.4 peer API) -----------------------------------------------
res = call('adminConfig')
show('adminConfig()', res)
-- Write the current config back unchanged; etcd >= 2 has no such endpoint
-- and answers 404 whatever we send, so send 0.4's defaults there.
local cfg = { activeSize = 9, removeDelay = 1800, syncInterval = 5 }
if res.status == 200 and type(res.body) == 'table' then
  cfg = res.body
end
show('setAdminConfig(cfg)', call('setAdminConfig', cfg))

-- adminMachines answers in the 0.4 shape (from /v2/members on modern etcd);
-- the URLs carry random ports, so only names and states are shown.
res = call('adminMachines')
line('adminMachines()', res)
local machines = {}
for _, m in ipairs(res.body) do
  machines[#machines + 1] = { name = m.name, state = m.state }
end
print(util.inspect(machines))

-- Never remove a real member in a tour: ask for one that does not exist.
show('removeAdminMachines("no-such-member")',
  call('removeAdminMachines', 'no-such-member'))

print(string.format('%-40s -> %s', 'initFailoverURIs()', tostring(cli:initFailoverURIs())))

-- Clean up ---------------------------------------------------------------
line('rmdir(base, true)', call('rmdir', base, true))
