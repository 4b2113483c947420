-- corpus: host modules
-- socket (luasocket 3.0's pure parts), ltn12, and socket.http's answers
-- that need no server.
local socket = require('socket')
print(socket._VERSION, socket.BLOCKSIZE)
local t0 = socket.gettime()
print(type(t0), t0 > 1e9, t0 % 1 ~= 0 or t0 % 1 == 0)
socket.sleep(0.05)
local slept = socket.gettime() - t0
print(slept >= 0.04, slept < 2)
print(socket.sleep(0), socket.sleep(-1))
print(select('#', socket.sleep(0.001)))
print('[KD6]', pcall(socket.sleep))
print(socket.skip(1, 'a', 'b', 'c'))
print(socket.skip(2, 'a', 'b', 'c'))
print(select('#', socket.skip(5, 'a')))
print(socket.skip(0, 'a', 'b'))

-- try / newtry / protect
local f = socket.protect(function(x)
    local v = socket.try(x, 'try failed')
    return v, 'after'
end)
print(f(1))
print(f(nil))
print(f(false))
local cleaned = false
local g = socket.protect(function()
    local try = socket.newtry(function() cleaned = true end)
    try(nil, 'with finalizer')
end)
print(g(), cleaned)
print(pcall(socket.protect(function() error('plain error', 0) end)))
print(socket.try(1, 2, 3))

-- raw sockets are not provided here
print('[KD19]', pcall(socket.tcp))

-- ltn12
local ltn12 = require('ltn12')
print(ltn12._VERSION, ltn12.BLOCKSIZE)
local out = {}
print(ltn12.pump.all(ltn12.source.string('hello world'), (ltn12.sink.table(out))))
print(table.concat(out))
local big = string.rep('x', 5000)
out = {}
ltn12.pump.all(ltn12.source.string(big), (ltn12.sink.table(out)))
print(#out, #out[1], #out[3], table.concat(out) == big)
print(ltn12.pump.all(ltn12.source.empty(), ltn12.sink.null()))
print(ltn12.pump.all(ltn12.source.error('src failed'), ltn12.sink.null()))
print(ltn12.pump.all(ltn12.source.string('x'), ltn12.sink.error('sink failed')))
local upper = function(chunk) return chunk and chunk:upper() end
out = {}
ltn12.pump.all(ltn12.source.chain(ltn12.source.string('abc'), upper), (ltn12.sink.table(out)))
print(table.concat(out))
out = {}
ltn12.pump.all(ltn12.source.string('def'), ltn12.sink.chain(upper, (ltn12.sink.table(out))))
print(table.concat(out))
out = {}
ltn12.pump.all(ltn12.source.cat(ltn12.source.string('a'), ltn12.source.string('b')), (ltn12.sink.table(out)))
print(table.concat(out))
local src = ltn12.source.rewind(ltn12.source.string('z'))
src('pushed')
print(src(), src(), src())
print(ltn12.source.file(nil, 'no file')())
print(ltn12.sink.file(nil)())
local sink, t = ltn12.sink.table()
sink('q') sink(nil)
print(type(t), t[1])

-- socket.http without a server
local http = require('socket.http')
print(http.TIMEOUT, http.USERAGENT)
print(http.request('http://127.0.0.1:1/'))
print(http.request({ url = 'http://127.0.0.1:1/', sink = ltn12.sink.null() }))
print(http.request('http:///nohost'))
print(http.request({ url = 'http://h/', path = false, host = '' }))
