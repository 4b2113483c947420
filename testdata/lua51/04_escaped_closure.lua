-- closures escaping from a function that fails keep their values
local saved = {}
for i = 1, 3 do
  pcall(function()
    local v = "v" .. i
    saved[i] = function() return v end
    error("boom")
  end)
end
local function clobber(a, b, c, d, e) return a, b, c, d, e end
clobber(1, 2, 3, 4, 5)
print(saved[1](), saved[2](), saved[3]())
local h
xpcall(function()
  local w = "w"
  h = function() w = w .. "!"; return w end
  error("x")
end, function(m) return m end)
clobber("a", "b", "c")
print(h(), h())
