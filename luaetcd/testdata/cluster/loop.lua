-- Writes or reads without pause through one client given every member of
-- a three-member cluster, while luaetcd/freeze_test.go freezes or
-- blackholes the member it uses. Like writer.lua it checks nothing
-- itself: every call's outcome goes to the host through record().
--
-- Globals from the test:
--   MODE                                'write': set /w/<n> = n;
--                                       'read': get /r/<1..10>
--   PREFIX                              key prefix of this run
--   TIMEOUT                             per-call timeout in seconds, or
--                                       nil for the default (60 s)
--   running()                           false once the test wants it to stop
--   record(op, n, status, err, value)   one call's outcome (see writer.lua)
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
    if MODE == 'write' then
        report('set', n, cli:set('/w/' .. n, n))
    else
        local i = n % 10 + 1
        report('get', i, cli:get('/r/' .. i))
    end
end
return n
