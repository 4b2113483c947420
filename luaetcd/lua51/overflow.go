package lua51

import (
	"errors"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

const (
	msgStackOverflow = "stack overflow"
	// gopher-lua's texts for the same condition: a Go panic when the
	// growing call stack is full (its check before the push does not see
	// it), and a Lua error when the registry cannot grow.
	glCallStackOverflow = "lua callstack overflow"
	glRegistryOverflow  = "registry overflow"
)

// firstPosition finds the innermost Lua position of a gopher-lua stack
// traceback ("\tfile:12: in function 'f'").
var firstPosition = regexp.MustCompile(`(?m)^\t([^\t\n]*:\d+):`)

// FixError turns gopher-lua's errors for an exhausted stack into Lua 5.1's
// "stack overflow" (with the position of the call that overflowed when it
// is known), so that a host's PCall reports what lua5.1 reports. Other
// errors are returned as they are.
func FixError(err error) error {
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		return err
	}
	if obj, ok := overflowObject(ae); ok {
		return &lua.ApiError{Type: lua.ApiErrorRun, Object: obj, StackTrace: shortTraceback(ae.StackTrace), Cause: ae.Cause}
	}
	return err
}

// overflowObject returns Lua 5.1's error object for ae if ae is one of
// gopher-lua's stack overflows.
func overflowObject(ae *lua.ApiError) (lua.LValue, bool) {
	s, ok := ae.Object.(lua.LString)
	if !ok {
		return nil, false
	}
	msg := string(s)
	switch {
	case msg == glCallStackOverflow:
		if m := firstPosition.FindStringSubmatch(ae.StackTrace); m != nil {
			return lua.LString(m[1] + ": " + msgStackOverflow), true
		}
		return lua.LString(msgStackOverflow), true
	case strings.HasSuffix(msg, glRegistryOverflow):
		return lua.LString(strings.TrimSuffix(msg, glRegistryOverflow) + msgStackOverflow), true
	}
	return nil, false
}

// shortTraceback keeps the first 12 and the last 10 levels of a long
// traceback, as lua5.1's debug.traceback does (LEVELS1, LEVELS2), so that
// a stack overflow does not print twenty thousand lines.
func shortTraceback(tb string) string {
	lines := strings.Split(tb, "\n")
	const head, tail = 12, 10
	if len(lines) <= 1+head+tail+1 {
		return tb
	}
	out := append([]string{}, lines[:1+head]...)
	out = append(out, "\t...")
	out = append(out, lines[len(lines)-tail:]...)
	return strings.Join(out, "\n")
}

// overflowHandler calls xpcall's handler h for a stack overflow, which
// gopher-lua could not call (the call stack was full, so calling the
// handler overflowed as well). Lua 5.1 calls it with "stack overflow".
func overflowHandler(L *lua.LState, h lua.LValue, err error) (lua.LValue, bool) {
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		return nil, false
	}
	obj, ok := overflowObject(ae)
	if !ok || !callable(L, h) {
		return nil, false
	}
	if d, ok := L.GetGlobal("debug").(*lua.LTable); ok && h == d.RawGetString("traceback") && ae.StackTrace != "" {
		// The usual handler: give it the stack as it was at the
		// overflow, which gopher-lua recorded, not the one left now.
		return lua.LString(lua.LVAsString(obj) + "\n" + shortTraceback(ae.StackTrace)), true
	}
	L.Push(h)
	L.Push(obj)
	if L.PCall(1, 1, nil) != nil {
		return nil, false
	}
	res := L.Get(-1)
	L.Pop(1)
	return res, true
}
