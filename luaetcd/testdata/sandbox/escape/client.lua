-- The client's hidden state stays hidden: its metatable is protected,
-- rawget/next find nothing, and changing whatever is reachable from it
-- does not move it out of the jail or show the host's password.
local Etcd = require('etcd.luasocket')
local cli = assert(Etcd.new())
local mt = getmetatable(cli)
assert(type(mt) ~= 'table' or mt.__metatable == nil, 'the client metatable leaked')
assert(not pcall(setmetatable, cli, {}))
if type(cli) == 'table' then
  for k, v in next, cli do
    assert(type(v) == 'function', 'client field ' .. tostring(k) .. ' is a ' .. type(v))
  end
else
  assert(not pcall(rawget, cli, 'prefix'))
  assert(not pcall(next, cli))
end
-- Every value reachable from the client, through fields and tables that
-- are not protected.
local seen = {}
local function walk(v)
  if seen[v] or (type(v) ~= 'table' and type(v) ~= 'userdata' and type(v) ~= 'string') then return end
  seen[v] = true
  if type(v) == 'string' then
    assert(not v:find(HOST_PASSWORD, 1, true), 'the host password is reachable')
    return
  end
  local m = getmetatable(v)
  if type(m) == 'table' then walk(m) end
  if type(v) == 'table' then
    for k, x in next, v do
      walk(k)
      walk(x)
      -- Try to re-aim the client.
      if type(x) == 'string' then pcall(rawset, v, k, '/') end
    end
  end
end
walk(cli)
walk(tostring(cli))
for _, name in ipairs({ 'prefix', 'host', 'peer', '_prefix', 'be' }) do
  pcall(function() cli[name] = '/' end)
end
-- Still inside the jail.
assert(cli:set('/client-was-here', 1).status == 201)
local ent = assert(cli:readdir('/', true))
assert(ent.status == 200, ent.status)
for _, n in ipairs(ent.body.node.nodes or {}) do
  assert(not n.key:find('secret', 1, true), n.key)
end
