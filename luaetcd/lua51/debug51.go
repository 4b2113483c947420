package lua51

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// msgNoHooks is the error of debug.sethook with a hook: gopher-lua's VM
// has no place to call a hook from (no count, line, call or return events),
// so none can be set. Clearing the hook (debug.sethook() with no function,
// as timeout wrappers do when they finish) works and does nothing.
const msgNoHooks = "debug.sethook: hooks are not supported (gopher-lua has no hook events)"

// openDebug51 adds the functions of Lua 5.1's debug library that
// gopher-lua lacks.
func openDebug51(L *lua.LState, d *lua.LTable) {
	d.RawSetString("getregistry", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.Get(lua.RegistryIndex))
		return 1
	}))
	d.RawSetString("sethook", L.NewFunction(debugSethook))
	d.RawSetString("gethook", L.NewFunction(debugGethook))
	d.RawSetString("debug", L.NewFunction(func(L *lua.LState) int {
		return debugDebug(L, os.Stdin, os.Stderr)
	}))
}

// debugSethook is debug.sethook([thread,] [hook, mask [, count]]).
func debugSethook(L *lua.LState) int {
	arg := 1
	if _, ok := L.Get(1).(*lua.LState); ok {
		arg = 2
	}
	switch L.Get(arg).(type) {
	case *lua.LNilType:
		return 0 // no hook: nothing to clear
	case *lua.LFunction:
		raise(L, msgNoHooks)
	default:
		L.CheckFunction(arg) // "function expected"
	}
	return 0
}

// debugGethook is debug.gethook([thread]): no hook is ever set, so
// Lua 5.1's answer for that case: nil, the empty mask, count 0.
func debugGethook(L *lua.LState) int {
	L.Push(lua.LNil)
	L.Push(lua.LString(""))
	L.Push(lua.LNumber(0))
	return 3
}

// debugDebug is debug.debug(): read lines from in and run each until a
// line "cont" or the end of input, reporting errors on out with Lua 5.1's
// prompt "lua_debug> ".
func debugDebug(L *lua.LState, in io.Reader, out io.Writer) int {
	r := bufio.NewReader(in)
	for {
		fmt.Fprint(out, "lua_debug> ")
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			return 0
		}
		line = strings.TrimRight(line, "\n")
		if line == "cont" {
			return 0
		}
		fn, lerr := L.LoadString(line)
		if lerr == nil {
			L.Push(fn)
			lerr = L.PCall(0, 0, nil)
		}
		if lerr != nil {
			fmt.Fprintln(out, errorMessage(lerr))
		}
		if err != nil {
			return 0
		}
	}
}

// errorMessage is the message of a Lua error without gopher-lua's
// traceback.
func errorMessage(err error) string {
	if ae, ok := err.(*lua.ApiError); ok {
		return lua.LVAsString(ae.Object)
	}
	return err.Error()
}
