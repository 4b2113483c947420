-- goto-less control flow
for i = 1, 3 do io.write(i, " ") end print()
for i = 10, 1, -3 do io.write(i, " ") end print()
for i = 1, 0 do io.write("never") end print("empty loop")
for i = 1, 2, 0.5 do io.write(i, " ") end print()
local i = 0
while true do i = i + 1; if i > 5 then break end end
print(i)
repeat local r = i; i = i - 1 until r <= 3
print(i)
for _, v in ipairs({1, 2, nil, 4}) do io.write(v, " ") end print()
local keys = {}
for k in pairs({a = 1, b = 2, c = 3}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys))
-- continue emulation
for j = 1, 5 do
  repeat
    if j % 2 == 0 then break end
    io.write(j, " ")
  until true
end
print()
local x = nil
print(x and x.y or "default", false or nil, nil and 1, 0 and "zero is true")
local n = 5
local fact = 1
while n > 0 do fact, n = fact * n, n - 1 end
print(fact)
