-- corpus: host modules
-- socket.url (luasocket 3.0): parse, build, absolute, escape, unescape,
-- parse_path, build_path, on the URLs scripts build for etcd and others.
local url = require('socket.url')

local function show(t)
    if type(t) ~= 'table' then return tostring(t) end
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
        local v = t[k]
        if v == nil then v = t[tonumber(k)] end
        parts[#parts + 1] = k .. '=' .. tostring(v)
    end
    return '{' .. table.concat(parts, ' ') .. '}'
end

print(url._VERSION)
for _, u in ipairs({
    'http://127.0.0.1:2379/v2/keys/a?recursive=true',
    'https://user:pa%3Ass@etcd.example.com:2379/v2/keys/x;p=1?q=2#frag',
    'http://[::1]:4001/v2/keys',
    'http://[fe80::1]/x',
    'http://host',
    'http://host:/x',
    'http://@host/x',
    'http://us:er@host/x',
    '//host/path',
    '/just/a/path?x=1',
    'relative/path#f',
    'mailto:someone@example.com',
    'ftp://ftp.example.com/pub/file.txt',
    'http://host/a;b;c?d?e#f#g',
    'HTTP+x-y.z://h/',
    '1http://h/',
    ':nohost',
    '?query-only',
    '#fragment-only',
    'http://a@b@c/',
    'http://host:80:90/',
}) do
    print(u, show(url.parse(u)))
end
print(url.parse(''))
print(url.parse(nil))
print(show(url.parse('/p', { scheme = 'http', host = 'default', path = '/' })))

-- build, and parse/build round trips
print(url.build({ scheme = 'http', host = 'h', port = 2379, path = '/v2/keys/a', query = 'x=1' }))
print(url.build({ scheme = 'http', host = '::1', port = '4001', path = '/' }))
print(url.build({ host = 'h', user = 'u', password = 'p', path = '/x', fragment = 'f', params = 'p' }))
print(url.build({ host = 'h', userinfo = 'ui', path = '/x' }))
print(url.build({ authority = 'auth:1', path = '/x' }))
print(url.build({ path = 'rel' }))
print(url.build({}))
for _, u in ipairs({ 'http://u:p@h:1/a;b?c#d', 'https://h/', '/a/b', 'x:y' }) do
    print(url.build(url.parse(u)) == u)
end

-- absolute: RFC 3986's examples and others
local base = 'http://a/b/c/d;p?q'
for _, rel in ipairs({
    'g:h', 'g', './g', 'g/', '/g', '//g', '?y', 'g?y', '#s', 'g#s', 'g?y#s', ';x', 'g;x',
    'g;x?y#s', '', '.', './', '..', '../', '../g', '../..', '../../', '../../g',
    '../../../g', '../../../../g', '/./g', '/../g', 'g.', '.g', 'g..', '..g',
    './../g', './g/.', 'g/./h', 'g/../h', 'g;x=1/./y', 'g;x=1/../y',
}) do
    print(rel, url.absolute(base, rel))
end
print(url.absolute('http://h/a//b/c', '../d'))
print(url.absolute('http://h', 'x'))
print(url.absolute(url.parse('http://h/x/y'), 'z'))
print(url.absolute('http://h/x', 'http://other/y'))
print(url.absolute('', 'a/../b'))
print(url.absolute('http://h/a/b', ''))

-- escape and unescape
print(url.escape('/v2/keys/a b&c=d'), url.escape(''), url.escape('é~_-.'))
print(url.unescape('a%20b%2Fc%zz%4'), url.unescape('%41%62'), url.unescape(''))
print(url.escape(12.5))

-- paths
print(show(url.parse_path('/a/b%20c/')))
print(show(url.parse_path('rel//x')))
print(show(url.parse_path('')))
print(show(url.parse_path(nil)))
print(url.build_path({ 'a b', 'c/d', "e!~*'()" , is_absolute = 1, is_directory = 1 }))
print(url.build_path({ 'a b', 'c/d', is_directory = 1 }, true))
print(url.build_path({ is_absolute = 1, is_directory = 1 }))
print(url.build_path(url.parse_path('/x/%2F/y/')))
print(url.build_path({ 1, 2.5 }))
