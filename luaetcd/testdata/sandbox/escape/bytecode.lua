-- loadstring(string.dump(f)): no dump, and no binary chunk loads.
local ok, err = pcall(string.dump, function() return 1 end)
assert(not ok and err:find('string.dump is not available in the sandbox', 1, true), err)
ok = pcall(function() return ('x'):dump() end)
assert(not ok)
assert(getmetatable('').__index.dump ~= nil and not pcall(getmetatable('').__index.dump, print))
local f, e = loadstring('\27Lua\81\0\1\4\8\4\8\0')
assert(f == nil and e:find('binary chunks', 1, true), e)
local sent
f, e = load(function() if sent then return nil end sent = true return '\27LuaQ' end)
assert(f == nil and e:find('binary chunks', 1, true), e)
-- Source text still loads.
assert(loadstring('return 6 * 7')() == 42)
