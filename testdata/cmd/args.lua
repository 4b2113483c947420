-- Prints the global arg table and the chunk's "..." for the runner's tests.
local lo = 0
while arg[lo - 1] ~= nil do lo = lo - 1 end
for i = lo, #arg do print(i, arg[i]) end
print("n", select('#', ...), ...)
