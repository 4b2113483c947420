package lua51

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestSethookUnsupported(t *testing.T) {
	L := NewState()
	defer L.Close()
	err := L.DoString("debug.sethook(print, 'l')")
	if err == nil || !strings.Contains(err.Error(), msgNoHooks) {
		t.Errorf("sethook with a hook: %v", err)
	}
	if err := L.DoString("debug.sethook() debug.sethook(nil) debug.sethook(coroutine.create(print))"); err != nil {
		t.Errorf("clearing the hook: %v", err)
	}
	if err := L.DoString("debug.sethook(1, 'l')"); err == nil {
		t.Error("sethook(1): no error")
	}
}

func TestDebugDebug(t *testing.T) {
	L := NewState()
	defer L.Close()
	var out strings.Builder
	in := strings.NewReader("dbgx = 41 + 1\nerror('boom', 0)\nthis is not lua\ncont\ndbgx = 0\n")
	L.Push(L.NewFunction(func(L *lua.LState) int { return debugDebug(L, in, &out) }))
	if err := L.PCall(0, 0, nil); err != nil {
		t.Fatal(err)
	}
	if got := L.GetGlobal("dbgx"); got.String() != "42" {
		t.Errorf("dbgx = %v, want 42 (and the line after cont not run)", got)
	}
	s := out.String()
	if strings.Count(s, "lua_debug> ") != 4 || !strings.Contains(s, "boom\n") || !strings.Contains(s, "near 'is'") {
		t.Errorf("output %q", s)
	}
}
