package lua51

import (
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// File errors as Lua 5.1 reports them: "name: No such file or directory"
// and the errno, where gopher-lua gives Go's text ("open name: no such
// file or directory") and errno 1.

// openIOErrors wraps io.open and io.lines.
func openIOErrors(L *lua.LState) {
	io, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	if lines, ok := io.RawGetString("lines").(*lua.LFunction); ok {
		io.RawSetString("lines", L.NewFunction(ioLines(lines)))
	}
	if open, ok := io.RawGetString("open").(*lua.LFunction); ok {
		io.RawSetString("open", L.NewFunction(ioOpen(open)))
	}
}

// ioOpen rewrites the error of a failed io.open.
func ioOpen(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		top := L.GetTop()
		name := L.CheckString(1)
		L.Push(orig)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, lua.MultRet)
		n := L.GetTop() - top
		if n >= 2 && L.Get(top+1) == lua.LNil {
			if msg, errno, ok := cErrorText(name, L.Get(top+2).String()); ok {
				L.SetTop(top)
				L.Push(lua.LNil)
				L.Push(lua.LString(msg))
				L.Push(lua.LNumber(errno))
				return 3
			}
		}
		return n
	}
}

// cErrorText turns Go's "op name: text" into C's "name: Text" and the
// errno whose Go text it is.
func cErrorText(name, goText string) (string, int, bool) {
	i := strings.LastIndex(goText, ": ")
	if i < 0 {
		return "", 0, false
	}
	text := goText[i+2:]
	for e := syscall.Errno(1); e < 256; e++ {
		if e.Error() == text {
			return newCError(name, e).Error(), int(e), true
		}
	}
	return "", 0, false
}

// ioLines wraps io.lines so that a file that cannot be opened raises Lua
// 5.1's error (gopher-lua returns nothing, and the for loop then fails
// with "attempt to call a non-function object").
func ioLines(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
			name := L.CheckString(1)
			f, err := openForRead(name)
			if err != nil {
				L.RaiseError("bad argument #1 to 'lines' (%s)", err.Error())
			}
			f.Close()
		}
		top := L.GetTop()
		L.Push(orig)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, lua.MultRet)
		return L.GetTop() - top
	}
}
