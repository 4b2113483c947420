-- wait.lua KEY: prints "ready" once a first call went through, then
-- waits for a change of KEY until killed.
local key = ...
local cli = assert(require('etcd.luasocket').new())
local ent = assert(cli:get(key))
assert(ent.status == 200 or ent.status == 404, ent.status)
print('ready')
io.stdout:flush()
while true do
	cli:wait(key)
end
