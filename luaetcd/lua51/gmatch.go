package lua51

import lua "github.com/yuin/gopher-lua"

// openGmatch replaces string.gmatch with one whose iterator is a plain
// function, as in Lua 5.1. gopher-lua's gmatch returns an iterator that
// needs a state value (a userdata) as its first argument, which only a
// generic for passes: `s:gmatch(p)()` then fails with "userdata expected".
// The new iterator keeps the state in its closure and ignores arguments.
func openGmatch(L *lua.LState) {
	str, ok := L.GetGlobal("string").(*lua.LTable)
	if !ok {
		return
	}
	orig, ok := str.RawGetString("gmatch").(*lua.LFunction)
	if !ok || !orig.IsG {
		return
	}
	str.RawSetString("gmatch", L.NewFunction(func(L *lua.LState) int {
		L.CheckString(1)
		L.CheckString(2)
		L.Push(orig)
		L.Push(L.Get(1))
		L.Push(L.Get(2))
		L.Call(2, 2)
		iter, state := L.Get(-2), L.Get(-1)
		L.Pop(2)
		done := false
		L.Push(L.NewFunction(func(L *lua.LState) int {
			if done {
				// gopher-lua's iterator indexes past its matches when
				// called again after the end.
				return 0
			}
			top := L.GetTop()
			L.Push(iter)
			L.Push(state)
			L.Call(1, lua.MultRet)
			n := L.GetTop() - top
			done = n == 0
			return n
		}))
		return 1
	}))
}
