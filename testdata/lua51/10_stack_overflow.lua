-- deep recursion and stack overflow caught by pcall
local function rec(n) return 1 + rec(n + 1) end
local ok, e = pcall(rec, 1)
print(ok, (string.find(e, "stack overflow", 1, true)) ~= nil)
local function deep(n) if n == 0 then error("bottom") end; return 1 + deep(n - 1) end
print(pcall(deep, 100))
local function sum(n) if n == 0 then return 0 end return n + sum(n - 1) end
print(pcall(sum, 150))
local function pr(n) local ok, e = pcall(pr, n + 1) if not ok then return n .. ":" .. tostring(e) end return e end
print(pr(1))
print(pcall(function() return "still fine" end))
