-- gopher-lua issue #448: closures keep sharing locals after pcall catches
local N = 0
local function inc() N = N + 1 end
pcall(function() error'x' end)
inc()
print(N)
local M = 0
local function incm() M = M + 1 end
xpcall(function() error'y' end, function(m) return m end)
incm()
print(M)
