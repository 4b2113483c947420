-- Calls path.normalize on edge cases; prints one line per case. Run by
-- path_test.go; the expected text is normalize_cases.txt.
local normalize = require('path').normalize
local cases = {
    {}, { nil }, { '' }, { '/' }, { '//' }, { '.' }, { '..' }, { '...' },
    { './' }, { '../' }, { '/..' }, { '/../..' }, { 'a' }, { '/a' }, { 'a/' },
    { '/a/' }, { 'a//b' }, { 'a/./b' }, { 'a/../b' }, { 'a/../../b' },
    { 'a/b/../../..' }, { '..//path/to/dir/file' }, { '/path/to/dir/file/../../' },
    { '/path/../to/dir/../../../file' }, { '.hidden/..x/x..' }, { 'a\\b' },
    { ' a /b ' }, { 'a', 'b' }, { 'a/', '/b/' }, { '', '' }, { '', 'a', '' },
    { '..', '//path/to/dir/file' }, { '/path/to/dir/file/', '..', '..' },
    { 'path', '../to', '/dir/file' },
    { 'path', '..', 'to', 'dir', '..', '..', '..', 'file' },
    { nil, '/', 'test', nil, 'test' }, { 'a', nil, nil, 'b' },
    { 1, 2.5, 'x' }, { true, false }, { 'v2', 'keys', '/foo/' },
}
local out = {}
for i, args in ipairs(cases) do
    local n = table.maxn(args)
    local shown = {}
    for j = 1, n do
        local v = args[j]
        shown[j] = type(v) == 'string' and string.format('%q', v) or tostring(v)
    end
    out[#out + 1] = i .. ' (' .. table.concat(shown, ', ') .. ') => ' .. normalize(unpack(args, 1, n))
end
return table.concat(out, '\n') .. '\n'
