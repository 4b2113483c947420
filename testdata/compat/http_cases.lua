-- socket.http against the test's HTTP server (its URL in LUAETCD_TEST_HTTP):
-- run by sockethttp_test.go under lua5.1 with Debian's lua-socket and under
-- our state; the outputs must be the same line by line.
local http = require('socket.http')
local ltn12 = require('ltn12')
local base = assert(os.getenv('LUAETCD_TEST_HTTP'))

local function show(...)
    local n = select('#', ...)
    local parts = {}
    for i = 1, n do
        local v = select(i, ...)
        if type(v) == 'table' then
            local keys = {}
            for k in pairs(v) do
                if k == 'x-multi' or k == 'x-single' or k == 'content-length' or k == 'location' or k == 'content-type' then
                    keys[#keys + 1] = k
                end
            end
            table.sort(keys)
            local kv = {}
            for _, k in ipairs(keys) do kv[#kv + 1] = k .. '=' .. v[k] end
            v = '{' .. table.concat(kv, ' ') .. '}'
        end
        parts[i] = tostring(v)
    end
    print(table.concat(parts, ' | '))
end

show(http.request(base .. '/echo'))
show(http.request(base .. '/echo?x=1&y=2'))
show(http.request(base .. '/echo', 'a=1&b=two'))
show(http.request(base .. '/multi'))
show(http.request(base .. '/status/404'))
show(http.request(base .. '/status/204'))
show(http.request(base .. '/status/408'))
show(http.request(base .. '/redirect/3'))
show(http.request(base .. '/redirect/7'))
show(http.request(base .. '/relative-redirect'))
local body = http.request(base .. '/big')
print(#body, body:sub(1, 10), body:sub(-10))

-- the generic form
local out = {}
show(http.request({ url = base .. '/echo', sink = ltn12.sink.table(out) }))
print(table.concat(out))
out = {}
show(http.request({
    url = base .. '/echo', method = 'PUT', sink = ltn12.sink.table(out),
    source = ltn12.source.string('put body'),
    headers = { ['Content-Length'] = 8, ['X-Custom'] = 'yes', ['content-type'] = 'text/plain' },
}))
print(table.concat(out))
out = {}
show(http.request({
    url = base .. '/echo', method = 'POST', sink = ltn12.sink.table(out),
    source = ltn12.source.string('chunked body'),
}))
print(table.concat(out))
out = {}
show(http.request({ url = base .. '/echo', method = 'HEAD', sink = ltn12.sink.table(out) }))
print(#out)
out = {}
show(http.request({ url = base .. '/redirect/1', redirect = false, sink = ltn12.sink.table(out) }))
show(http.request({ url = base .. '/redirect/4', maxredirects = 2, sink = ltn12.sink.null() }))
out = {}
show(http.request({ url = base .. '/redirect/1', method = 'POST', sink = ltn12.sink.table(out) }))
out = {}
local u = base:gsub('^http://', 'http://user:p%%40ss@')
show(http.request({ url = u .. '/echo', sink = ltn12.sink.table(out) }))
print(table.concat(out))
show(http.request({ url = base .. '/big', sink = function(chunk)
    if chunk then return nil, 'sink refused' end
    return 1
end }))
local sizes = {}
http.request({ url = base .. '/big', sink = function(chunk)
    if chunk then sizes[#sizes + 1] = #chunk end
    return 1
end })
local total = 0
for _, s in ipairs(sizes) do total = total + s end
print(total)
