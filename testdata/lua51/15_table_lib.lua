local t = {1, 2, 3}
table.insert(t, 4)
table.insert(t, 1, 0)
print(table.concat(t, ","))
print(table.remove(t), table.remove(t, 1), table.concat(t, ","))
print(table.concat({}, ","), table.concat({1, 2, 3}), table.concat({"a", "b", "c"}, ", ", 2, 3))
local s = {5, 2, 8, 1, 9, 3}
table.sort(s)
print(table.concat(s, " "))
table.sort(s, function(a, b) return a > b end)
print(table.concat(s, " "))
local words = {"banana", "Apple", "cherry", "apple"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print(table.concat(words, " "))
local recs = {{n = "b", v = 2}, {n = "a", v = 3}, {n = "c", v = 1}}
table.sort(recs, function(x, y) return x.v < y.v end)
for _, r in ipairs(recs) do io.write(r.n) end
print()
print(table.maxn({1, 2, nil, 4}), table.maxn({}))
print("[KD14]", select('#', table.remove({})))
print(pcall(table.sort, {3, 1, 2}, function(a, b) error("cmp", 0) end))
