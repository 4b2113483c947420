-- lock.lua: a lock (or leader election) on one etcd key, and a demo of two
-- contenders, alice and bob, competing for it.
--
--   luaetcd --embed scripts/lock.lua [NAME [TTL]]
--   luaetcd --endpoints URL scripts/lock.lua [NAME [TTL]]
--
-- The lock is the key /locks/NAME (default NAME: demo) holding the owner's
-- name, with a TTL (default 3 s) so that a crashed owner cannot hold it
-- forever:
--
--   acquire  setnx(key, owner, ttl)         only one contender can create it
--   keep     setx(key, owner, ttl, index)   refresh the TTL, only while the
--                                           key still is the one we created
--   release  delete(key, owner, index)      compare-and-delete: never removes
--                                           somebody else's lock
--   wait     wait(key, index + 1)           until the holder releases it or
--                                           its TTL runs out (action expire)
--
-- Why setx with an index and not setTTL for keep-alive: setTTL re-reads the
-- key and extends whatever it finds, so an owner whose lock expired and was
-- taken over would extend the new owner's lock. setx with our modifiedIndex
-- fails (412) as soon as the key is not ours any more.
--
-- The output contains no indexes or times: it is the same on every run.

local Etcd = require('etcd.luasocket')

local name, ttl = ...
name = name or 'demo'
ttl = tonumber(ttl) or 3
-- Refresh well before the TTL runs out.
local interval = math.max(1, math.floor(ttl / 3))

-- Lock ------------------------------------------------------------------

local Lock = {}
Lock.__index = Lock

-- Lock.new(cli, key, owner, ttl): nothing is sent yet.
function Lock.new(cli, key, owner, ttl)
  return setmetatable({ cli = cli, key = key, owner = owner, ttl = ttl }, Lock)
end

local function must(res, err)
  if res == nil then
    error(err, 2)
  end
  return res
end

-- acquire returns true, or false and the current holder.
function Lock:acquire()
  local res = must(self.cli:setnx(self.key, self.owner, self.ttl))
  if res.status == 201 then
    self.index = res.body.node.modifiedIndex
    return true
  end
  if res.status ~= 412 then
    error('acquire: status ' .. res.status)
  end
  -- 412 / errorCode 105: the key exists. Who has it? (It may be gone
  -- again already; then the holder is nobody.)
  local cur = must(self.cli:get(self.key))
  return false, cur.status == 200 and cur.body.node.value or 'nobody'
end

-- refresh extends the TTL; false when the lock is not ours any more.
function Lock:refresh()
  local res = must(self.cli:setx(self.key, self.owner, self.ttl, self.index))
  if res.status == 200 then
    self.index = res.body.node.modifiedIndex
    return true
  end
  return false
end

-- hold keeps the lock for rounds * interval seconds. Between refreshes it
-- waits on the key itself: a timeout (408) means nobody touched it and it
-- is time to refresh; an event means the lock was deleted or expired under
-- us.
function Lock:hold(rounds, interval)
  for _ = 1, rounds do
    local res = must(self.cli:wait(self.key, self.index + 1, interval))
    if res.status ~= 408 then
      return false, res.body.action
    end
    if not self:refresh() then
      return false, 'refresh failed'
    end
  end
  return true
end

-- release deletes the key only if it still holds our name at our index.
function Lock:release()
  local res = must(self.cli:delete(self.key, self.owner, self.index))
  self.index = nil
  return res.status == 200
end

-- waitFree blocks until the key is deleted or expires, then returns the
-- action that freed it. Starts from the holder's index when known.
function Lock:waitFree()
  local cur = must(self.cli:get(self.key))
  if cur.status == 404 then
    return 'already free'
  end
  local index = cur.body.node.modifiedIndex + 1
  while true do
    local res = must(self.cli:wait(self.key, index))
    if res.status == 408 then
      -- the client's own request timeout: wait again from the same index
    elseif res.status ~= 200 then
      error('wait: status ' .. res.status)
    else
      local action = res.body.action
      if action == 'delete' or action == 'compareAndDelete' or action == 'expire' then
        return action
      end
      index = res.body.node.modifiedIndex + 1
    end
  end
end

-- Demo ------------------------------------------------------------------

local key = '/locks/' .. name
local alice = Lock.new(assert(Etcd.new()), key, 'alice', ttl)
local bob = Lock.new(assert(Etcd.new()), key, 'bob', ttl)

local function try(lock)
  local ok, holder = lock:acquire()
  if ok then
    print(lock.owner .. ': acquired ' .. key)
  else
    print(lock.owner .. ': busy, held by ' .. holder)
  end
  return ok
end

-- Start clean: a lock left by an earlier, interrupted run is removed.
must(alice.cli:delete(key))
print(string.format('lock %s, ttl %ds, refreshed every %ds', key, ttl, interval))

assert(try(alice))
assert(not try(bob))

-- alice holds it for longer than its TTL: the refreshes keep it alive.
local rounds = ttl + 1
local held, why = alice:hold(rounds, interval)
print(string.format('alice: held it for %d refreshes: %s', rounds, held and 'ok' or why))
assert(held)
assert(not try(bob))

-- bob cannot release alice's lock: the compare on the value fails.
local res = must(bob.cli:delete(key, 'bob'))
print('bob: delete with prevValue bob -> ' .. res.status .. ' ' .. res.body.message)

print('alice: release -> ' .. tostring(alice:release()))
assert(try(bob))

-- bob stops refreshing (as if he crashed). alice waits for the TTL to run
-- out, then takes over.
print('bob: stops refreshing')
print('alice: waiting, lock freed by ' .. alice:waitFree())
assert(try(alice))
-- bob's old index is stale: his late refresh and release both fail.
print('bob: late refresh -> ' .. tostring(bob:refresh()))
print('bob: late release -> ' .. tostring(bob:release()))
print('alice: release -> ' .. tostring(alice:release()))
