-- Membership and cluster operations are refused; version works.
local cli = assert(require('etcd.luasocket').new())
for _, m in ipairs({ 'removeAdminMachines', 'setAdminConfig', 'adminMachines', 'adminConfig',
  'statsLeader', 'statsSelf', 'statsStore' }) do
  local arg = m == 'setAdminConfig' and { activeSize = 1 } or (m == 'removeAdminMachines' and MEMBER or nil)
  local ent, err = cli[m](cli, arg)
  assert(ent == nil and err:find('not allowed in a key jail', 1, true), m .. ': ' .. tostring(err))
end
assert(cli:version().status == 200)
