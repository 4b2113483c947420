// Package lua51 makes gopher-lua behave like PUC Lua 5.1 where real
// scripts notice the difference. (Being written: see issue 3.)
package lua51

import lua "github.com/yuin/gopher-lua"

// Open replaces the base library functions that differ from Lua 5.1
// (pcall, xpcall) in L's globals. Call it after L's standard libraries are
// open.
func Open(L *lua.LState) {}
