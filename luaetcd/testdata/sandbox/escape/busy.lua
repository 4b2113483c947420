-- A busy loop: ended by the run's wall-clock budget.
BUSY = true
local n = 0
while true do n = n + 1 end
