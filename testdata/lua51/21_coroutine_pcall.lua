-- pcall inside coroutines, yield inside pcall
local co = coroutine.create(function()
  for i = 1, 3 do
    local ok, e = pcall(function() if i == 2 then error("two", 0) end return i end)
    coroutine.yield(ok, e)
  end
  print(pcall(function() return coroutine.yield("in pcall") end))
  print(pcall(coroutine.yield, 1))
  return "end"
end)
for i = 1, 5 do print(coroutine.resume(co)) end
print(pcall(function()
  local c = coroutine.create(function(a, b) local x = coroutine.yield(a + b); error("co err " .. x, 0) end)
  print(coroutine.resume(c, 1, 2))
  print(coroutine.resume(c, "x"))
  print(coroutine.status(c))
  return "ok"
end))
local outer = coroutine.create(function()
  pcall(function()
    local w = coroutine.wrap(function(x) local y = coroutine.yield(x + 1); return y * 2 end)
    print("inner", w(1), w(5))
  end)
  coroutine.yield("outer yield")
  return "outer done"
end)
print(coroutine.resume(outer))
print(coroutine.resume(outer))
