-- The pure-Lua part of a common ops script: turn a readdir answer of many
-- keys into one listing string. Run as
--   luaetcd listing.lua [keys]      or      lua5.1 listing.lua [keys]
-- It builds the answer as the etcd module returns it (the entity's body,
-- decoded) without a server, then times only the listing, and prints
-- "<keys> keys, <bytes> bytes, <ms> ms". listing_test.go runs it under
-- both interpreters; BENCHMARKS.md has the figures.
local n = tonumber(arg and arg[1]) or 100000

local nodes = {}
for i = 1, n do
  nodes[i] = {
    key = '/services/web/node' .. i,
    value = '10.0.' .. (i % 256) .. '.' .. (i % 200) .. ':8080',
    modifiedIndex = i, createdIndex = i,
  }
end
local res = {status = 200, body = {action = 'get', node = {key = '/services/web', dir = true, nodes = nodes}}}

local t0 = os.clock()
local lines = {}
for _, node in ipairs(res.body.node.nodes) do
  local name = string.match(node.key, '([^/]+)$')
  lines[#lines + 1] = string.format('%-12s %s', name, node.value)
end
table.sort(lines)
local listing = table.concat(lines, '\n')
local elapsed = os.clock() - t0

print(string.format('%d keys, %d bytes, %.1f ms', n, #listing, elapsed * 1000))
