-- require and its errors in Lua 5.1's words: plugin loaders recognise a
-- missing optional module by "module 'name' not found".
package.path = './modules/?.lua;./modules/?/init.lua;/nonexistent/lua/?.lua'
package.cpath = './modules/?.so;/nonexistent/lib/?.so'

local ok, err = pcall(require, 'no.such.mod')
print(ok)
print(err)
print(err:find("module 'no.such.mod' not found", 1, true) ~= nil)
print(select(2, pcall(function() require('nomod') end)))

-- a plugin loader in the usual style
local function optional(name)
    local ok, mod = pcall(require, name)
    if ok then return mod end
    if mod:find("module '" .. name .. "' not found", 1, true) then return nil end
    error(mod, 0)
end
print(optional('absent.plugin'), type(optional('counted')))

-- loaded once, then from package.loaded
print(require('counted').count, require('counted').count, load_count)
print(package.loaded.counted == require('counted'))

-- a module returning nothing gives true; it gets its name as argument
print(require('plain'), loaded_plain_with, package.loaded.plain)
print(require('pkg').name)

-- a loop, and a module that raised: both "loop or previous error"
print(select(2, pcall(require, 'loop_a')))
print(select(2, pcall(require, 'raises')))
print(select(2, pcall(require, 'raises')))

-- preload and custom loaders
package.preload['virtual'] = function(name) return { from = 'preload', name = name } end
print(require('virtual').from, require('virtual').name)
print(#package.loaders)
table.insert(package.loaders, 2, function(name)
    if name == 'custom' then return function() return 'custom module' end end
    return '\n\tno custom ' .. name
end)
print(require('custom'))
print(select(2, pcall(require, 'missing')))
table.remove(package.loaders, 2)
print("[KD6]", select(2, pcall(require)))
print(type(package.loaded), type(package.preload), type(package.cpath))
