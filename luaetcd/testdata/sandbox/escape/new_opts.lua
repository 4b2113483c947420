-- Etcd.new cannot choose another cluster, identity or prefix outside.
local Etcd = require('etcd.luasocket')
for _, opts in ipairs({
  { host = 'http://127.0.0.1:1' }, { peer = 'http://127.0.0.1:1' },
  { endpoints = { 'http://127.0.0.1:1' } }, { user = 'root', password = 'x' },
  { cacert = '/etc/ssl/certs/ca-certificates.crt' }, { cert = 'c.pem' }, { key = 'k.pem' },
  { max_body_size = 2 ^ 40 },
}) do
  local k = next(opts)
  local cli, err = Etcd.new(opts)
  assert(cli == nil and err:find('opts.' .. k, 1, true), k .. ': ' .. tostring(err))
end
-- The host's own host is accepted (lua-etcd scripts name it).
assert(Etcd.new({ host = HOST_URL }))
-- require('etcd').new(http, opts) is the same.
assert(require('etcd').new(nil, { host = 'http://127.0.0.1:1' }) == nil)
-- prefix applies inside the jail.
for _, prefix in ipairs({ '/', '/..', '../../', '/%2e%2e/%2e%2e', '//', '/tenant/b' }) do
  local cli = assert(Etcd.new({ prefix = prefix }))
  local ent = assert(cli:set('/via-prefix', prefix))
  assert(ent.status == 201 or ent.status == 200, ent.status)
  assert(ent.body.node.key:sub(1, 1) == '/' and not ent.body.node.key:find('/tenant/a', 1, true), ent.body.node.key)
end
