local function count(...) return select('#', ...) end
print(count(), count(nil), count(1, nil, nil))
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
local function pack(...) return {n = select('#', ...), ...} end
local p = pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
print(unpack({1, 2, 3}))
print(unpack({1, 2, 3}, 2))
print(unpack({1, 2, 3}, 2, 3))
print(unpack({}))
local function f(...) local a, b = ... return a, b end
print(f(1, 2, 3))
local function g(...) return ... end
print((g(1, 2, 3)))
local t = {g(1, 2), g(3, 4)}
print(#t, t[1], t[2], t[3])
local function va(...) local arg = {...} return #arg end
print(va(1, 2, 3, 4))
