-- Writes and reads without pause through one client given every member of
-- a three-member cluster, while luaetcd/cluster_test.go kills, stops and
-- restarts members under it. It never checks anything itself: every
-- call's outcome goes to the host through record(), which the test
-- compares with the cluster's data at the end.
--
-- Globals from the test:
--   PREFIX                              key prefix of this run
--   TIMEOUT                             per-call timeout, seconds
--   running()                           false once the test wants it to stop
--   record(op, n, status, err, value)   one call's outcome: status is nil
--                                       when the call gave nil, err; value
--                                       is get's decoded node.value
local Etcd = require('etcd.luasocket')
local cli = assert(Etcd.new({ timeout = TIMEOUT, prefix = PREFIX }))

local function report(op, n, res, err)
    if res == nil then
        record(op, n, nil, err, nil)
        return
    end
    local value
    if type(res.body) == 'table' and type(res.body.node) == 'table' then
        value = res.body.node.value
    end
    record(op, n, res.status, nil, value)
end

local n = 0
while running() do
    n = n + 1
    local key = '/c/' .. n
    report('set', n, cli:set(key, n))
    report('get', n, cli:get(key))
end
return n
