package lua51

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestDumpRoundTrip(t *testing.T) {
	check(t, `
local k = 3
local function f(a) return a * 2, k end
local g = loadstring(string.dump(f))
print(g(21))
debug.setupvalue(g, 1, 'k')
print(g(1))
print(pcall(string.dump, print))
`, `
42	nil
2	k
false	unable to dump given function
`)
}

// A dump is good in every state of the process, and nowhere else.
func TestDumpAcrossStates(t *testing.T) {
	L1, _ := newState(t)
	defer L1.Close()
	if err := L1.DoString("return string.dump(function(x) return x + 1 end)"); err != nil {
		t.Fatal(err)
	}
	dump := L1.Get(-1).String()
	L2, _ := newState(t)
	defer L2.Close()
	L2.SetGlobal("d", lua.LString(dump))
	if err := L2.DoString("return loadstring(d)(1)"); err != nil || L2.Get(-1).String() != "2" {
		t.Fatalf("in another state: %v %v", err, L2.Get(-1))
	}
	forged := strings.Replace(dump, dumpToken(), strings.Repeat("0", 16), 1)
	L2.SetGlobal("d", lua.LString(forged))
	if err := L2.DoString("return loadstring(d)"); err != nil {
		t.Fatal(err)
	}
	if msg := L2.Get(-1).String(); !strings.Contains(msg, "same luaetcd process") || !strings.HasPrefix(msg, "binary string:") {
		t.Errorf("foreign dump: %q", msg)
	}
}
