package lua51

import lua "github.com/yuin/gopher-lua"

// wrapResumeOverflow makes coroutine.resume report a stack overflow inside
// the coroutine as Lua 5.1 does ("stack overflow") instead of gopher-lua's
// "lua callstack overflow". The position of the call that overflowed is
// lost: gopher-lua frees the coroutine's frames before resume returns.
// (coroutine.wrap raises the error in the resumer, where pcall and
// FixError translate it.)
func wrapResumeOverflow(L *lua.LState, co *lua.LTable) {
	resume, ok := co.RawGetString("resume").(*lua.LFunction)
	if !ok || !resume.IsG {
		return
	}
	inner := resume.GFunction
	co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int {
		n := inner(L)
		// The results are the n values on top of the stack.
		if n >= 2 && L.Get(-n) == lua.LFalse {
			if s, ok := L.Get(-n + 1).(lua.LString); ok && string(s) == glCallStackOverflow {
				L.Replace(L.GetTop()-n+2, lua.LString(msgStackOverflow))
			}
		}
		return n
	}))
}
