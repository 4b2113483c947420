-- register.lua: one of several Lua states calling get, set and
-- compare-and-swap (setx with prevIndex) on one key while the Go test
-- kills and restarts the cluster's leader, logging every call into the
-- Go-side history that the test checks for linearizability.
--
-- Globals set by the Go test: OPTS (Etcd.new's options), KEY, ID (this
-- state's number), and the Go functions
--   running()  true until the test says stop
--   now()      nanoseconds since the test started
--   record(op, value, expected, call, ret, outcome, got)
--              op 'get', 'set' or 'cas'; outcome 'ok', 'failed' (a swap
--              that did not happen) or 'unknown' (no answer: it may or may
--              not have happened); got the value a get read ('' for none).
--
-- A swap names the modifiedIndex of the value this state last saw (read,
-- or written by itself); it is logged as a swap from that value. Every
-- value is written once (c<ID>-<seq>), so "the key is still at that
-- index" is "the key still holds that value".
local cli = assert(require('etcd.luasocket').new(OPTS))
math.randomseed(ID + 1)

-- unknown: a call without an answer (nil, err), a timeout (408) or a
-- server error; for a write, it may or may not have taken effect.
local function unknown(res)
  return res == nil or res.status == 408 or res.status >= 500
end

local last, lastIndex = '', nil
local seq = 0
while running() do
  seq = seq + 1
  local value = 'c' .. ID .. '-' .. seq
  local r = math.random(10)
  local call = now()
  if r <= 3 then
    local res = cli:get(KEY)
    local ret = now()
    if unknown(res) then
      -- a failed read changes nothing: not logged
    elseif res.status == 200 then
      last, lastIndex = res.body.node.value, res.body.node.modifiedIndex
      record('get', '', '', call, ret, 'ok', last)
    elseif res.status == 404 then
      last, lastIndex = '', nil
      record('get', '', '', call, ret, 'ok', '')
    else
      error('get answered ' .. res.status)
    end
  elseif r <= 6 or lastIndex == nil then
    local res = cli:set(KEY, value)
    local ret = now()
    if unknown(res) then
      record('set', value, '', call, ret, 'unknown', '')
      lastIndex = nil
    elseif res.status == 200 or res.status == 201 then
      record('set', value, '', call, ret, 'ok', '')
      last, lastIndex = value, res.body.node.modifiedIndex
    else
      error('set answered ' .. res.status)
    end
  else
    local res = cli:setx(KEY, value, nil, lastIndex)
    local ret = now()
    if unknown(res) then
      record('cas', value, last, call, ret, 'unknown', '')
      lastIndex = nil
    elseif res.status == 200 then
      record('cas', value, last, call, ret, 'ok', '')
      last, lastIndex = value, res.body.node.modifiedIndex
    elseif (res.status == 412 and res.body.errorCode == 101) or res.status == 404 then
      record('cas', value, last, call, ret, 'failed', '')
    else
      error('setx answered ' .. res.status)
    end
  end
end
