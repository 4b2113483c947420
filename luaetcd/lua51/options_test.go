package lua51

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestOptions(t *testing.T) {
	o := Options()
	if o.CallStackSize != MaxCalls || !o.MinimizeStackMemory || o.RegistryMaxSize != RegistryMaxSize || o.RegistrySize != RegistrySize || o.RegistryGrowStep != RegistryGrowStep {
		t.Errorf("Options() = %+v", o)
	}
	// The example of the issue: gopher-lua's defaults fail it.
	plain := lua.NewState()
	defer plain.Close()
	src := "local a={} for i=1,3000 do a[i]='x' end return #table.concat(a,',')"
	if err := plain.DoString(src); err == nil {
		t.Log("gopher-lua's default state no longer overflows: the workaround may be unneeded")
	}
	L := lua.NewState(Options())
	defer L.Close()
	Open(L)
	if err := L.DoString(src); err != nil || L.Get(-1).String() != "5999" {
		t.Errorf("%v, %v", err, L.Get(-1))
	}
}

func TestLimitsInThreads(t *testing.T) {
	L := NewState()
	defer L.Close()
	src := `
local function d(n) if n == 0 then return 0 end return 1 + d(n-1) end
local co = coroutine.wrap(function() return d(15000) end)
assert(co() == 15000)
assert(select(2, pcall(d, 15000)) == 15000)
local a = {} for i = 1, 5000 do a[i] = i end
assert(select('#', pcall(unpack, a)) == 5001)
local ok, e = pcall(function() local function f() f() end f() end)
assert(not ok and e:find('stack overflow$'), e)`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
}
