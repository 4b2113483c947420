-- op.lua METHOD KEY [VALUE]: one call on a client with the runner's
-- defaults; prints the status (and, for get, the value; etcd's errorCode
-- on a failure), or
-- "error" and the error text.
local method, key, value = ...
local cli = assert(require('etcd.luasocket').new())
local ent, err
if method == 'set' then
	ent, err = cli:set(key, value)
else
	ent, err = cli[method](cli, key)
end
if not ent then
	print('error', err)
	return
end
local body = type(ent.body) == 'table' and ent.body or {}
if method == 'get' and body.node then
	print(ent.status, body.node.value)
elseif body.errorCode then
	print(ent.status, body.errorCode)
else
	print(ent.status)
end
