-- config.lua: export an etcd subtree to a JSON file, and import it back.
--
--   luaetcd --endpoints URL scripts/config.lua export PREFIX FILE
--   luaetcd --endpoints URL scripts/config.lua import PREFIX FILE
--
-- FILE holds the subtree below PREFIX as nested JSON objects: a directory
-- is an object (an empty directory is {}), a key is a string holding the
-- value exactly as stored in etcd (no JSON decoding: what lua-etcd's set
-- wrote as "\"hello\"" is exported as the string "\"hello\""). Object keys
-- are sorted and the layout is fixed, so exporting the same data twice
-- gives byte-identical files that diff well in version control.
--
--   {
--     "db": {
--       "host": "\"db1\"",
--       "port": "5432"
--     },
--     "empty": {}
--   }
--
-- import writes with the raw serializer (values are sent as they are), so
-- export -> import -> export round-trips exactly. It is idempotent: it
-- reads what is there first, creates missing directories, sets only keys
-- whose value differs, and never deletes anything (keys that exist in etcd
-- but not in FILE are kept). A key in FILE that is a directory in etcd, or
-- the reverse, is a conflict: import stops before writing anything.
--
-- Not exported: TTLs, and hidden keys (names starting with "_"), which
-- etcd v2 leaves out of listings.

local cjson = require('cjson')
local Etcd = require('etcd.luasocket')

local function usage()
  io.stderr:write('usage: config.lua export|import PREFIX FILE\n')
  os.exit(2)
end

local command, prefix, file = ...
if (command ~= 'export' and command ~= 'import') or not prefix or not file then
  usage()
end
prefix = require('path').normalize(prefix)

-- The raw serializer sends and returns values as plain strings.
local cli = assert(Etcd.new({ serializer = 'raw' }))

-- must returns the entity when its status is one of statuses, or stops the
-- script on a transport failure or any other status. The call goes last in
-- the argument list so that both of its results (res, err) arrive.
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

-- name is the last segment of an etcd key.
local function name(key)
  return key:match('[^/]+$')
end

-- read returns the subtree below prefix as nested tables (directory =
-- table, key = string), or nil when prefix does not exist.
local function read()
  local res = must('readdir ' .. prefix, { 200, 404 }, cli:readdir(prefix, true))
  if res.status == 404 then
    if res.body.node and res.body.node.dir == false then
      error(prefix .. ' is a key, not a directory')
    end
    return nil
  end
  local function tree(node)
    local t = {}
    for _, n in ipairs(node.nodes or {}) do
      t[name(n.key)] = n.dir and tree(n) or n.value
    end
    return t
  end
  return tree(res.body.node)
end

-- sortedKeys returns the keys of t in byte order.
local function sortedKeys(t)
  local keys = {}
  for k in pairs(t) do
    keys[#keys + 1] = k
  end
  table.sort(keys)
  return keys
end

-- encode writes t as JSON with sorted keys and two-space indentation
-- (cjson.encode escapes the strings; it does not sort).
local function encode(t, indent)
  indent = indent or ''
  local keys = sortedKeys(t)
  if #keys == 0 then
    return '{}'
  end
  local inner = indent .. '  '
  local parts = {}
  for _, k in ipairs(keys) do
    local v = t[k]
    parts[#parts + 1] = inner .. cjson.encode(k) .. ': ' ..
      (type(v) == 'table' and encode(v, inner) or cjson.encode(v))
  end
  return '{\n' .. table.concat(parts, ',\n') .. '\n' .. indent .. '}'
end

local function export()
  local tree = read()
  if not tree then
    error(prefix .. ' does not exist')
  end
  local f = assert(io.open(file, 'w'))
  f:write(encode(tree), '\n')
  f:close()
  local dirs, keys = 0, 0
  local function count(t)
    for _, v in pairs(t) do
      if type(v) == 'table' then
        dirs = dirs + 1
        count(v)
      else
        keys = keys + 1
      end
    end
  end
  count(tree)
  print(string.format('exported %s: %d directories, %d keys', prefix, dirs, keys))
end

local function import()
  local f = assert(io.open(file, 'r'))
  local text = f:read('*a')
  f:close()
  local want = cjson.decode(text)
  if type(want) ~= 'table' then
    error(file .. ': not a JSON object')
  end
  local have = read()

  -- Plan first, write afterwards: a conflict anywhere stops the import
  -- before it changed anything.
  local plan = {}
  local unchanged = 0
  local function diff(wantT, haveT, key)
    for _, k in ipairs(sortedKeys(wantT)) do
      if type(k) ~= 'string' then
        error(file .. ': ' .. key .. ' is an array, want an object')
      end
      local w, h, child = wantT[k], haveT and haveT[k], key .. '/' .. k
      if type(w) == 'table' then
        if type(h) == 'string' then
          error('conflict: ' .. child .. ' is a key in etcd, a directory in ' .. file)
        end
        if h == nil then
          plan[#plan + 1] = { op = 'mkdir', key = child }
        end
        diff(w, h, child)
      elseif type(w) == 'string' then
        if type(h) == 'table' then
          error('conflict: ' .. child .. ' is a directory in etcd, a key in ' .. file)
        end
        if h == w then
          unchanged = unchanged + 1
        else
          plan[#plan + 1] = { op = 'set', key = child, value = w }
        end
      else
        error(file .. ': ' .. child .. ' must be a string or an object')
      end
    end
  end
  if have == nil then
    plan[1] = { op = 'mkdir', key = prefix }
  end
  diff(want, have, prefix == '/' and '' or prefix)

  for _, p in ipairs(plan) do
    if p.op == 'mkdir' then
      -- mkdirnx, not mkdir: mkdir would silently turn a key that appeared
      -- since we looked into a directory.
      must('mkdir ' .. p.key, { 201 }, cli:mkdirnx(p.key))
      print('mkdir ' .. p.key)
    else
      must('set ' .. p.key, { 200, 201 }, cli:set(p.key, p.value))
      print('set   ' .. p.key)
    end
  end
  print(string.format('imported %s: %d written, %d unchanged', prefix, #plan, unchanged))
end

if command == 'export' then
  export()
else
  import()
end
