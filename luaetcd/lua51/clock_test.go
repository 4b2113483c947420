package lua51

import (
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// os.clock counts CPU time, not wall time: sleeping hardly advances it, a
// busy loop does.
func TestClockIsCPUTime(t *testing.T) {
	if _, ok := processCPU(); !ok {
		t.Skip("no CPU clock on this system")
	}
	L := NewState()
	defer L.Close()
	L.SetGlobal("sleep", L.NewFunction(func(L *lua.LState) int {
		time.Sleep(500 * time.Millisecond)
		return 0
	}))
	src := `
local t0 = os.clock()
local x = 0
for i = 1, 3e6 do x = x + i end
local busy = os.clock() - t0
t0 = os.clock()
sleep()
local slept = os.clock() - t0
assert(busy > 0, 'busy ' .. busy)
assert(slept < 0.25, 'slept ' .. slept)`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
}
