print(#{}, #{1, 2, 3}, #{n = 1}, #"hello")
local t = {}
for i = 1, 10 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
t[#t + 1] = "x"
print(#t, t[#t])
local s = {1, 2, 3}
s[5] = 5
print("[KD9]", #s)
print(#{nil}, #{1, nil}, select('#', nil, nil))
