-- The standard library, name by name: every global, every field of the
-- library tables, the string metatable and package.loaded, with its type.
-- Any name added or missing (compared with lua5.1's output) fails.
-- `arg` is left out: the lua5.1 and luaetcd commands set it, a Go host
-- does not.
local out = {}
local function add(name, v) out[#out + 1] = name .. ' ' .. type(v) end
for k, v in pairs(_G) do
  if type(k) == 'string' and k ~= 'arg' then
    add(k, v)
    if type(v) == 'table' and k ~= '_G' then
      for k2, v2 in pairs(v) do
        if type(k2) == 'string' and not (k == 'package' and k2 == 'loaded') then add(k .. '.' .. k2, v2) end
      end
    end
  end
end
for k, v in pairs(getmetatable('')) do add('(string metatable).' .. k, v) end
print('string metatable __index is string', getmetatable('').__index == string)
for k, v in pairs(package.loaded) do
  -- modules our hosts preload for lua-etcd scripts are in package.preload
  -- only, and load on require: what is loaded at start must be 5.1's.
  add('package.loaded.' .. k, v)
end
table.sort(out)
for _, line in ipairs(out) do print(line) end
print(#out .. ' names')
