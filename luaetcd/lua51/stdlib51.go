package lua51

import (
	"runtime"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// MaxStringLength bounds the strings table.concat and string.rep build.
// Lua 5.1's string library takes lengths and positions as C ints, so a
// longer string cannot be used by it anyway; a script building one is a
// runaway and gets "string length overflow" (the text of Lua 5.1's own
// length check) instead of taking the memory.
const MaxStringLength = 1<<31 - 1

const (
	msgTooManyResults = "too many results to unpack"
	msgStringOverflow = "string length overflow"
)

// hiddenGlobals are names gopher-lua puts in the globals that Lua 5.1 does
// not have. A script written for Lua 5.1 must not see them (and a name
// check like `if channel then` must not change its course). Go hosts that
// want gopher-lua's channel library open it themselves (lua.OpenChannel).
var hiddenGlobals = []string{"_printregs", "_GOPHER_LUA_VERSION", "channel"}

// hiddenFields are names in library tables that Lua 5.1 does not have.
var hiddenFields = map[string][]string{
	"os":     {"setenv"},
	"string": {"__index"},
}

// openStdlib51 completes the standard library to Lua 5.1's, name by name,
// and removes the names Lua 5.1 does not have.
func openStdlib51(L *lua.LState) {
	for _, name := range hiddenGlobals {
		L.SetGlobal(name, lua.LNil)
		if loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable); ok {
			loaded.RawSetString(name, lua.LNil)
		}
	}
	if loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable); ok {
		// Lua 5.1 registers the package library as a loaded module too.
		if pkg := L.GetGlobal("package"); pkg != lua.LNil && loaded.RawGetString("package") == lua.LNil {
			loaded.RawSetString("package", pkg)
		}
	}
	for lib, names := range hiddenFields {
		if t, ok := L.GetGlobal(lib).(*lua.LTable); ok {
			for _, name := range names {
				t.RawSetString(name, lua.LNil)
			}
		}
	}
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		// gopher-lua makes the string table its own metatable (hence
		// string.__index); Lua 5.1 has a metatable of its own whose
		// __index is the string table.
		mt := L.NewTable()
		mt.RawSetString("__index", str)
		L.SetMetatable(lua.LString(""), mt)
		str.RawSetString("rep", L.NewFunction(strRep))
	}

	L.SetGlobal("unpack", L.NewFunction(baseUnpack))
	L.SetGlobal("gcinfo", L.NewFunction(baseGcinfo))
	L.SetGlobal("collectgarbage", L.NewFunction(baseCollectGarbage))

	if t, ok := L.GetGlobal("table").(*lua.LTable); ok {
		t.RawSetString("concat", L.NewFunction(tableConcat))
		t.RawSetString("foreach", L.NewFunction(tableForeach))
		t.RawSetString("foreachi", L.NewFunction(tableForeachi))
		t.RawSetString("setn", L.NewFunction(tableSetn))
		t.RawSetString("maxn", L.NewFunction(tableMaxn))
	}
	if d, ok := L.GetGlobal("debug").(*lua.LTable); ok {
		openDebug51(L, d)
	}
	openClock(L)
	if co, ok := L.GetGlobal("coroutine").(*lua.LTable); ok {
		wrapResumeOverflow(L, co)
	}
}

// raise raises msg as Lua 5.1's luaL_error does: prefixed with the
// position of the calling function if that is a Lua function, with none if
// it is a Go function (pcall(unpack, t) for example).
func raise(L *lua.LState, msg string) {
	if dbg, ok := L.GetStack(1); ok {
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.What != "G" && dbg.CurrentLine > 0 {
			msg = L.Where(1) + " " + msg
		}
	}
	L.Error(lua.LString(msg), 0)
}

// baseUnpack is unpack(t [, i [, j]]) with Lua 5.1's limit: more than
// MaxUnpack results is an error, where gopher-lua pushes them all onto the
// registry (and, without growth, overflows it).
func baseUnpack(L *lua.LState) int {
	t := L.CheckTable(1)
	i := L.OptInt(2, 1)
	var j int
	if L.Get(3) == lua.LNil {
		j = t.Len()
	} else {
		j = L.CheckInt(3)
	}
	if i > j {
		return 0
	}
	n := int64(j) - int64(i) + 1
	if n > MaxUnpack {
		raise(L, msgTooManyResults)
	}
	for k := i; k <= j; k++ {
		L.Push(t.RawGetInt(k))
	}
	return int(n)
}

// tableConcat is table.concat(t [, sep [, i [, j]]]) as in Lua 5.1: numbers
// are converted with "%.14g", and the parts are joined in Go rather than
// pushed onto the registry (gopher-lua's way, which overflows it for a few
// thousand elements).
func tableConcat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := L.OptInt(3, 1)
	var j int
	if L.Get(4) == lua.LNil {
		j = t.Len()
	} else {
		j = L.CheckInt(4)
	}
	var b strings.Builder
	for k := i; k <= j; k++ {
		var s string
		switch v := t.RawGetInt(k).(type) {
		case lua.LString:
			s = string(v)
		case lua.LNumber:
			s = FormatNumber(float64(v))
		default:
			raise(L, "invalid value ("+v.Type().String()+") at index "+strconv.Itoa(k)+" in table for 'concat'")
		}
		if b.Len()+len(s)+len(sep) > MaxStringLength {
			raise(L, msgStringOverflow)
		}
		b.WriteString(s)
		if k != j {
			b.WriteString(sep)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// strRep is string.rep(s, n) with a bound on the result (MaxStringLength).
func strRep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if int64(len(s))*int64(n) > MaxStringLength {
		raise(L, msgStringOverflow)
	}
	L.Push(lua.LString(strings.Repeat(s, n)))
	return 1
}

// tableForeach is table.foreach(t, f) of Lua 5.1 (deprecated there, still
// common): f(k, v) for every pair until f returns a value other than nil,
// which is returned.
func tableForeach(L *lua.LState) int {
	t := L.CheckTable(1)
	f := L.CheckFunction(2)
	k, v := t.Next(lua.LNil)
	for k != lua.LNil {
		L.Push(f)
		L.Push(k)
		L.Push(v)
		L.Call(2, 1)
		if r := L.Get(-1); r != lua.LNil {
			return 1
		}
		L.Pop(1)
		k, v = t.Next(k)
	}
	return 0
}

// tableForeachi is table.foreachi(t, f) of Lua 5.1: f(i, t[i]) for i = 1,
// #t until f returns a value other than nil, which is returned.
func tableForeachi(L *lua.LState) int {
	t := L.CheckTable(1)
	f := L.CheckFunction(2)
	n := t.Len()
	for i := 1; i <= n; i++ {
		L.Push(f)
		L.Push(lua.LNumber(i))
		L.Push(t.RawGetInt(i))
		L.Call(2, 1)
		if r := L.Get(-1); r != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

// tableMaxn is table.maxn(t) of Lua 5.1: the largest positive numerical
// key, integer or not, or 0 (gopher-lua's looks at the array part only).
func tableMaxn(L *lua.LState) int {
	t := L.CheckTable(1)
	max := 0.0
	t.ForEach(func(k, _ lua.LValue) {
		if n, ok := k.(lua.LNumber); ok && float64(n) > max {
			max = float64(n)
		}
	})
	L.Push(lua.LNumber(max))
	return 1
}

// tableSetn is table.setn: Lua 5.1 as built by Debian (without
// LUA_COMPAT_GETN) only raises this error.
func tableSetn(L *lua.LState) int {
	L.CheckTable(1)
	raise(L, "'setn' is obsolete")
	return 0
}

// heapKiB is the memory in use, in KiB, as collectgarbage("count")
// reports it: the Go heap of the whole process (states share it; Go has no
// per-state accounting).
func heapKiB() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / 1024
}

// baseGcinfo is gcinfo() of Lua 5.1: the KiB in use, an integer.
func baseGcinfo(L *lua.LState) int {
	L.Push(lua.LNumber(int64(heapKiB())))
	return 1
}

// baseCollectGarbage is collectgarbage([opt [, arg]]) with Lua 5.1's
// options and results. Go's collector cannot be stopped per state or
// stepped: "stop" and "restart" do nothing, "step" runs a full collection
// (and so reports a finished cycle), "setpause" and "setstepmul" remember
// the value to return it next time.
func baseCollectGarbage(L *lua.LState) int {
	opt := L.OptString(1, "collect")
	arg := L.OptInt(2, 0)
	switch opt {
	case "collect":
		runtime.GC()
		L.Push(lua.LNumber(0))
	case "count":
		L.Push(lua.LNumber(heapKiB()))
	case "step":
		runtime.GC()
		L.Push(lua.LTrue)
	case "stop", "restart":
		L.Push(lua.LNumber(0))
	case "setpause", "setstepmul":
		key := "lua51.gc." + opt
		reg := L.Get(lua.RegistryIndex).(*lua.LTable)
		prev := lua.LNumber(200)
		if n, ok := reg.RawGetString(key).(lua.LNumber); ok {
			prev = n
		}
		reg.RawSetString(key, lua.LNumber(arg))
		L.Push(prev)
	default:
		L.ArgError(1, "invalid option '"+opt+"'")
	}
	return 1
}
