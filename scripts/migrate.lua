-- migrate.lua: copy a v2 subtree into an etcd that serves only the v3 API
-- (etcd 3.6 and later), in the layout luaetcd's v3 backend reads, so that
-- scripts moved to the new cluster find their data.
--
--   luaetcd scripts/migrate.lua FROM_URL TO_URL [PREFIX]
--
-- FROM_URL is a client URL of the old etcd, read through its v2 API;
-- TO_URL one of the new etcd, written through its v3 API; PREFIX (default
-- "/") is the subtree to copy. Values are copied as they are stored (the
-- raw serializer: no JSON decoding), directories (empty ones too) become
-- directories, and a key or directory with a TTL gets its remaining TTL.
--
-- It can be run again at any time, and resumes where a broken run
-- stopped: it reads what the target holds first, writes only keys whose
-- value differs or that are missing, makes only missing directories, and
-- never deletes anything. A key that is a directory on one side and a file
-- on the other is reported and skipped. Progress goes to stderr every 100
-- keys and at the end.
--
-- Not copied: hidden keys (a path segment starting with "_"), which the
-- v2 API leaves out of every listing, so they cannot be found; copy those
-- you know by name with get and set.

local Etcd = require('etcd.luasocket')

local from_url, to_url, prefix = ...
if not from_url or not to_url then
  io.stderr:write('usage: migrate.lua FROM_URL TO_URL [PREFIX]\n')
  os.exit(2)
end
prefix = require('path').normalize(prefix or '/')

local src = assert(Etcd.new({ host = from_url, api = 'v2', serializer = 'raw' }))
local dst = assert(Etcd.new({ host = to_url, api = 'v3', serializer = 'raw' }))

-- must returns the entity when its status is one of statuses, or stops the
-- script on a transport failure or any other status.
local function must(what, statuses, res, err)
  if res == nil then
    error(what .. ': ' .. tostring(err), 2)
  end
  for _, ok in ipairs(statuses) do
    if res.status == ok then
      return res
    end
  end
  local msg = type(res.body) == 'table' and res.body.message or res.body
  error(string.format('%s: status %s: %s', what, tostring(res.status), tostring(msg)), 2)
end

local count = { keys = 0, copied = 0, same = 0, dirs = 0, conflicts = 0 }

local function progress(final)
  if final or count.keys % 100 == 0 then
    io.stderr:write(string.format('migrate: %d keys (%d copied, %d unchanged), %d directories made, %d conflicts\n',
      count.keys, count.copied, count.same, count.dirs, count.conflicts))
  end
end

local function conflict(key, what)
  count.conflicts = count.conflicts + 1
  io.stderr:write('migrate: ' .. key .. ': ' .. what .. ' (skipped)\n')
end

-- copy copies one v2 node (and its children) to the target.
local function copy(node)
  local ttl = node.ttl
  if node.dir then
    if node.key then
      local res = must('get ' .. node.key, { 200, 404 }, dst:get(node.key))
      if res.status == 404 then
        must('mkdir ' .. node.key, { 201, 412 }, dst:mkdirnx(node.key, ttl))
        count.dirs = count.dirs + 1
      elseif not res.body.node.dir then
        return conflict(node.key, 'a directory in the source, a key in the target')
      end
    end
    for _, child in ipairs(node.nodes or {}) do
      copy(child)
    end
    return
  end
  count.keys = count.keys + 1
  local res = must('get ' .. node.key, { 200, 404 }, dst:get(node.key))
  if res.status == 200 and res.body.node.dir then
    conflict(node.key, 'a key in the source, a directory in the target')
  elseif res.status == 200 and res.body.node.value == node.value then
    count.same = count.same + 1
  else
    must('set ' .. node.key, { 200, 201 }, dst:set(node.key, node.value, ttl))
    count.copied = count.copied + 1
  end
  progress()
end

local res = must('read ' .. prefix, { 200 }, src:readdir(prefix, true))
copy(res.body.node)
progress(true)
