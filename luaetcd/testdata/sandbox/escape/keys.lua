-- Keys that try to climb out land inside the jail, or fail.
local cli = assert(require('etcd.luasocket').new())
local function set(key)
  local ent, err = cli:set(key, 'escape')
  if ent and ent.status < 300 then
    local k = ent.body.node.key
    assert(k:sub(1, 1) == '/' and not k:find('/tenant/a', 1, true), k)
  end
  return ent, err
end
for _, key in ipairs({
  '/../../outside', '../outside', '/a/../../../../outside', '%2e%2e/%2e%2e/outside', '/%2e%2e/outside',
  '..%2f..%2foutside', '//outside//', '/./outside/.', '/tenant/b/secret', '/../b/secret', '\\..\\outside',
}) do
  local ent, err = set(key)
  assert(ent and (ent.status == 201 or ent.status == 200), key .. ': ' .. tostring(err or ent.status))
end
-- The literal %2e%2e is a key name inside the jail.
local ent = assert(cli:get('/%2e%2e/outside'))
assert(ent.status == 200 and ent.body.node.key == '/%2e%2e/outside', ent.status)
-- A NUL byte is refused.
local ent, err = cli:set('/nul\0x', 'v')
assert(ent == nil and err:find('NUL', 1, true), tostring(err))
-- A very long key: refused by the server or stored inside.
local long = string.rep('../', 1000) .. string.rep('k', 300000)
ent, err = cli:set(long, 'v')
assert(ent == nil or ent.status >= 400 or ent.body.node.key == '/' .. string.rep('k', 300000))
-- Reads of outside keys see nothing.
for _, key in ipairs({ '/../b/secret', '/../../outside', '/../ab/x' }) do
  ent = assert(cli:get(key))
  assert(ent.status == 404 or ent.body.node.value == 'escape', key)
  if ent.status == 404 then
    assert(ent.body.cause:sub(1, 1) == '/' and not ent.body.cause:find('tenant', 1, true), ent.body.cause)
  end
end
