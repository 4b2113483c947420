package lua51

import (
	"errors"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

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
