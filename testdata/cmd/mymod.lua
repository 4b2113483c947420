-- A module found through LUA_PATH in the runner's tests.
mymod_loaded = (mymod_loaded or 0) + 1
local M = {}
function M.hello() return "hello from mymod" end
return M
