package compat

import (
	"github.com/luaetcd/go-luaetcd/internal/keypath"
	lua "github.com/yuin/gopher-lua"
)

// luaNormalize is lua-path's normalize(...): the non-nil arguments, turned
// into strings with tostring, are joined with "/" and cleaned into an
// absolute path (repeated slashes collapse, "." segments go, ".." drops
// the segment before it and stops at the root, no trailing slash).
//
//	normalize()                       --> "/"
//	normalize(nil, '/', 'a', nil, 'b') --> "/a/b"
//	normalize('a/../../b/')           --> "/b"
func luaNormalize(L *lua.LState) int {
	var parts []string
	for i := 1; i <= L.GetTop(); i++ {
		v := L.Get(i)
		if v == lua.LNil {
			continue
		}
		if s, ok := v.(lua.LString); ok {
			parts = append(parts, string(s))
		} else {
			parts = append(parts, luaToString(L, v))
		}
	}
	if len(parts) == 0 {
		L.Push(lua.LString("/"))
		return 1
	}
	L.Push(lua.LString(keypath.Normalize(parts...)))
	return 1
}

// loadPath is the package.preload loader of "path". Only normalize is
// provided: lua-path's file-system functions are left out (see doc.go).
func loadPath(L *lua.LState) int {
	mod := L.NewTable()
	mod.RawSetString("normalize", L.NewFunction(luaNormalize))
	L.Push(mod)
	return 1
}
