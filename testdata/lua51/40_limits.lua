-- Limits: work on large data that Lua 5.1 handles must work here too
-- (gopher-lua's default registry overflowed on a few thousand values),
-- and runaway scripts must end with Lua 5.1's error messages.

-- table.concat of a million strings, and of numbers (as %.14g)
local a = {}
for i = 1, 1000000 do a[i] = 'x' end
print('concat 1e6', #table.concat(a, ','))
a = nil
local keys = {}
for i = 1, 100000 do keys[i] = '/services/web/node' .. i end
local listing = table.concat(keys, '\n')
print('concat keys', #listing, string.sub(listing, -20))
print('concat numbers', table.concat({1, 2.5, 1e15, 0.1, -0}, ' '))
print('concat range', table.concat({'a', 'b', 'c', 'd'}, '-', 2, 3), table.concat({}, 'x'), table.concat({'a'}, ',', 3))
print('concat bad', pcall(function() return table.concat({'a', {}}) end))

-- unpack up to Lua 5.1's limit, and one more
local t = {}
for i = 1, 10000 do t[i] = i end
print('unpack 7997', select('#', unpack(t, 1, 7997)), select(7997, unpack(t, 1, 7997)))
print('unpack 7998', pcall(function() return unpack(t, 1, 7998) end))
print('unpack all', pcall(function() return unpack(t) end))
print('unpack empty', select('#', unpack({})), select('#', unpack(t, 5, 4)))
print('unpack nils', select('#', unpack({}, 1, 3)))

-- many values through varargs and select
local function count(...) return select('#', ...) end
print('varargs 7000', count(unpack(t, 1, 7000)))
local function pass(...) return ... end
print('pass 5000', select('#', pass(unpack(t, 1, 5000))))

-- string.rep and string.format on large inputs
print('rep', #string.rep('ab', 5000000), string.rep('x', 0), string.rep('x', -1), string.rep('', 1e9))
local fmt = string.rep('%d,', 500)
print('format 500', #string.format(fmt, unpack(t, 1, 500)))
local big = string.rep('y', 3000000)
print('format big', #string.format('%s|%s', big, big))
print('upper big', #string.upper(big), #(big .. big))

-- recursion: deep but finite recursion works (Lua 5.1 allows about 16000
-- levels of a non-tail call like this one, 20000 of calls in statements)
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print('depth 15000', depth(15000))
local function sum(n, acc) if n == 0 then return acc end return sum(n - 1, acc + n) end
print('tail calls 1e6', sum(1000000, 0))
local meta = setmetatable({}, {__index = function(t, k) if k == 0 then return 0 end return t[k - 1] + 1 end})
print('metamethod depth 150', meta[150])

-- runaway recursion ends with "stack overflow", at the line of the call
local n = 0
local function runaway() n = n + 1; runaway() end
print('runaway', pcall(runaway))
print('runaway depth >= 16000', n >= 16000)
local function runaway2() return 1 + runaway2() end
print('runaway2', pcall(runaway2))
print('after overflow', pcall(function() return depth(100) end))
