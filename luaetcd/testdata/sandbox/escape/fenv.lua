-- setfenv/getfenv tricks reach only the sandbox's own globals.
assert(getfenv(0) == _G and getfenv(1) == _G and getfenv(print) == _G)
assert(getfenv(0).io == io and not pcall(function() return getfenv(0).io.open end))
-- A fresh environment gives nothing new.
local f = loadstring('return io, os.execute, dofile')
setfenv(f, setmetatable({}, { __index = getfenv(0) }))
local io2, exec, dofile2 = f()
assert(not pcall(exec, 'id') and not pcall(dofile2, '/etc/passwd'))
-- Coroutines share the same globals.
local co = coroutine.create(function() return getfenv(0), getfenv(1) end)
local _, g0, g1 = coroutine.resume(co)
assert(g0 == _G and g1 == _G)
-- _G._G is _G; nothing hides behind it.
assert(_G._G == _G and rawget(_G, '_G') == _G)
-- The metatables a script can see do not lead anywhere else.
assert(getmetatable('').__index == string)
assert(getmetatable(io) == 'sandbox' and getmetatable(debug) == 'sandbox')
