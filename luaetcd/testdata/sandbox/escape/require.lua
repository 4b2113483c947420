-- require: the trimmed os, and nothing that is not preloaded.
local os2 = require('os')
assert(os2 == os and not pcall(os2.execute, 'id'))
for _, m in ipairs({ 'io', 'socket.http', 'channel', 'ffi', 'posix', 'lfs' }) do
  local ok, err = pcall(require, m)
  assert(not ok and err:find("module '" .. m .. "' is not available in the sandbox", 1, true), m .. ': ' .. tostring(err))
end
assert(package.loaded.io == nil and package.preload['socket.http'] == nil)
-- A file module, whatever package.path says, is never read.
package.path = '/etc/?;/etc/?.lua;./?.lua'
assert(not pcall(require, 'passwd'))
assert(not pcall(package.loadlib, 'libc.so.6', 'system'))
-- debug is only traceback.
assert(type(debug.traceback('x')) == 'string')
assert(not pcall(function() return debug.getinfo(1) end))
assert(not pcall(function() return debug.getregistry() end))
assert(not pcall(require('debug').getupvalue, print, 1))
