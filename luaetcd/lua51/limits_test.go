package lua51

import (
	"errors"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Limits that lua5.1 cannot be compared with in the corpus (it would
// allocate gigabytes, or they are about Go hosts).

func TestStringLengthOverflow(t *testing.T) {
	L := NewState()
	defer L.Close()
	for _, src := range []string{
		"return string.rep(string.rep('x', 1024), 2^21 + 1)", // 2 GiB + 1 KiB
		"return string.rep('x', 2^31)",
		"return ('ab'):rep(2^30)",
	} {
		err := L.DoString(src)
		if err == nil || !strings.Contains(err.Error(), "<string>:1: string length overflow") {
			t.Errorf("%s: %v, want string length overflow", src, err)
		}
	}
	if err := L.DoString("assert(#string.rep('ab', 2^20) == 2^21)"); err != nil {
		t.Error(err)
	}
}

// A host that runs a runaway script with PCall gets Lua 5.1's message
// through FixError, and the state is usable afterwards.
func TestFixErrorStackOverflow(t *testing.T) {
	L := NewState()
	defer L.Close()
	err := L.DoString("local function f() return 1 + f() end\nreturn f()")
	var ae *lua.ApiError
	if !errors.As(FixError(err), &ae) {
		t.Fatalf("FixError(%v) is no *lua.ApiError", err)
	}
	if got := lua.LVAsString(ae.Object); got != "<string>:1: stack overflow" {
		t.Errorf("message %q, want %q", got, "<string>:1: stack overflow")
	}
	if n := strings.Count(ae.StackTrace, "\n"); n > 25 {
		t.Errorf("traceback of %d lines, want at most 25 (first 12 and last 10 levels)", n)
	}
	if err := L.DoString("local function d(n) if n == 0 then return 0 end return 1 + d(n-1) end assert(d(19000) == 19000)"); err != nil {
		t.Errorf("after the overflow: %v", err)
	}
	other := errors.New("not a Lua error")
	if FixError(other) != other || FixError(nil) != nil {
		t.Error("FixError changed an error that is no stack overflow")
	}
}

// Every coroutine and pcall thread has the same limits as the main state.
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
