-- debug.getinfo fields as Lua 5.1 gives them (test harnesses print
-- short_src:currentline; class libraries read source files back).
local function show(label, info)
    if not info then print(label, 'nil') return end
    local keys = {}
    for k in pairs(info) do if k ~= 'func' and k ~= 'activelines' then keys[#keys + 1] = k end end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = k .. '=' .. tostring(info[k]) end
    print(label, table.concat(parts, ' '))
end

show('main', debug.getinfo(1))
show('main S', debug.getinfo(1, 'S'))
show('main l', debug.getinfo(1, 'l'))
local function localfn()
    return debug.getinfo(1, 'nSl')
end
show('local', localfn())
function globalfn()
    return debug.getinfo(1, 'n')
end
show('global', globalfn())
local obj = {}
function obj:method() return debug.getinfo(1, 'n') end
function obj.field() return debug.getinfo(1, 'n') end
show('method', obj:method())
show('field', obj.field())
local up = localfn
local function viaupvalue() return up() end
show('upvalue', (viaupvalue()))
show('C', debug.getinfo(print))
show('C level', debug.getinfo(0, 'nS'))
local a, b = 1, 2
local function withups() return a + b end
show('function', debug.getinfo(withups))
show('func u', debug.getinfo(withups, 'u'))
print('same func', debug.getinfo(withups, 'f').func == withups)
print('out of range', debug.getinfo(100))

-- chunks from loadstring, load and named chunks
show('loadstring', debug.getinfo(loadstring('return 1')))
show('multiline', debug.getinfo(loadstring('local x = 1\nreturn x')))
show('long', debug.getinfo(loadstring('return "' .. string.rep('x', 60) .. '"'), 'S'))
show('named =', debug.getinfo(loadstring('return 1', '=my chunk'), 'S'))
show('named @', debug.getinfo(loadstring('return 1', '@some/file.lua'), 'S'))
show('load', debug.getinfo(load(function() return nil end), 'S'))
local nested = loadstring('return function()\n  return 1\nend')()
show('nested', debug.getinfo(nested, 'S'))
print(select(2, pcall(loadstring('error("x")'))))
print(select(2, pcall(loadstring('error("x")', '=named'))))
print(select(2, pcall(loadstring('\n\nerror("y")', '@file.lua'))))

-- a harness reporting where a check failed
local function check(cond)
    if not cond then
        local info = debug.getinfo(2, 'Sl')
        print('failed at ' .. info.short_src .. ':' .. info.currentline)
    end
end
check(1 == 2)

-- the source of this file can be read back through getinfo
local src = debug.getinfo(1, 'S').source
print(src:sub(1, 1), src:sub(2))
local n = 0
for line in io.lines(src:sub(2)) do n = n + 1 end
print(n > 60)

-- io.lines on a missing file raises
print(pcall(function() return io.lines('/nonexistent/file') end))
print(pcall(function() for l in io.lines('/nonexistent/file') do end end))
print(pcall(debug.getinfo, 1, 'X'))
-- io.open errors as C's strerror words them, with the errno
print(io.open('/', 'w'))
print(io.open('/nonexistent/file', 'r'))
