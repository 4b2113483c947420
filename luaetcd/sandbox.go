package luaetcd

import (
	"strings"

	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// WithSandbox makes NewState (and a Pool's states) fit for scripts the
// host did not write. The state then has only libraries that cannot reach
// the machine outside the state:
//
//   - base without dofile and loadfile; load and loadstring compile source
//     text only: a chunk that starts with ESC (Lua bytecode, or the
//     function references package lua51's string.dump makes) is refused;
//   - string without string.dump, table, math, coroutine;
//   - os.time, os.clock, os.date and os.difftime only (no execute, exit,
//     getenv, remove, rename, tmpname, setlocale);
//   - debug.traceback only, so xpcall(f, debug.traceback) keeps working;
//     no io at all;
//   - require loads only modules in package.preload, never files: etcd,
//     etcd.luasocket, util and its submodules, cjson, cjson.safe, path,
//     and luasocket's parts that do no network I/O: socket (gettime,
//     sleep, try/protect; luaetcd has no raw sockets), socket.url, ltn12.
//     socket.http is left out.
//
// A removed function is replaced by one that raises "os.execute is not
// available in the sandbox"; io.anything and require('io') fail the same
// way.
//
// allow names what the host gives back: a library ("io", "os", "debug":
// the whole standard library), one function ("os.getenv", "dofile",
// "loadfile", "string.dump", "debug.getinfo"), or a module for require
// ("socket.http"). A host can also set any global of its own after
// NewState. Note that network access (socket.http) lets a script reach
// etcd directly, around a key jail.
//
// Only NewState (and so Pool) builds the sandbox; Preload into a state the
// host made keeps that state's libraries, and then only the limits on
// Etcd.new's options apply.
func WithSandbox(allow ...string) Option {
	return func(c *config) {
		c.sandbox = true
		c.allow = append(c.allow, allow...)
	}
}

// sandboxGlobals are the base functions a sandboxed state keeps.
var sandboxGlobals = setOf("assert", "collectgarbage", "error", "getfenv", "getmetatable", "ipairs",
	"load", "loadstring", "module", "newproxy", "next", "pairs", "pcall", "print", "rawequal",
	"rawget", "rawset", "require", "select", "setfenv", "setmetatable", "tonumber", "tostring",
	"type", "unpack", "xpcall", "_G", "_VERSION", "_GOPHER_LUA_VERSION",
	"string", "table", "math", "coroutine", "os", "package", "io", "debug")

// sandboxLibs says, for each standard library a sandbox trims, which of
// its fields stay; the others are replaced by a function that raises.
// Libraries not listed (string, table, math, coroutine) stay whole but
// for sandboxRemoved.
var sandboxLibs = map[string]map[string]bool{
	"os":      setOf("time", "clock", "date", "difftime"),
	"io":      setOf(),
	"debug":   setOf("traceback"),
	"package": setOf("loaded", "preload", "loaders", "path", "cpath", "config", "seeall"),
}

// sandboxRemoved are fields of the kept libraries that go.
var sandboxRemoved = map[string][]string{
	"string": {"dump"},
}

// sandboxModules are the modules require may load in a sandbox (and the
// prefixes of modules, ending in ".").
var sandboxModules = setOf("etcd", "etcd.luasocket", "util", "util.", "cjson", "cjson.safe", "path",
	"socket", "socket.url", "ltn12")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// newSandboxState returns a state with only the libraries a sandbox
// starts from, and io and debug only if allowed.
func newSandboxState(allow map[string]bool) *lua.LState {
	opts := lua51.Options()
	opts.SkipOpenLibs = true
	L := lua.NewState(opts)
	libs := []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.CoroutineLibName, lua.OpenCoroutine},
		{lua.OsLibName, lua.OpenOs}, {lua.DebugLibName, lua.OpenDebug},
	}
	if allow["io"] {
		// Otherwise io is not even opened: no file handle exists that a
		// script could reach.
		libs = append(libs, struct {
			name string
			open lua.LGFunction
		}{lua.IoLibName, lua.OpenIo})
	}
	for _, lib := range libs {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	return L
}

// applySandbox trims L, built by newSandboxState and with every module
// of NewState preloaded, to what WithSandbox promises.
func applySandbox(L *lua.LState, allow map[string]bool) {
	g := L.G.Global
	// Base: whatever is not known to be safe goes.
	var drop []string
	g.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && !sandboxGlobals[string(s)] && !allow[string(s)] {
			drop = append(drop, string(s))
		}
	})
	for _, name := range drop {
		g.RawSetString(name, removedFunc(L, name))
	}
	if ls, ok := g.RawGetString("loadstring").(*lua.LFunction); ok {
		g.RawSetString("load", L.NewFunction(sourceOnly(ls, true)))
		g.RawSetString("loadstring", L.NewFunction(sourceOnly(ls, false)))
	}

	for lib, keep := range sandboxLibs {
		if allow[lib] {
			continue
		}
		t, ok := g.RawGetString(lib).(*lua.LTable)
		if !ok {
			t = L.NewTable()
			g.RawSetString(lib, t)
		}
		trimLib(L, lib, t, keep, allow)
	}
	for lib, names := range sandboxRemoved {
		t := g.RawGetString(lib).(*lua.LTable)
		for _, name := range names {
			if !allow[lib+"."+name] {
				t.RawSetString(name, removedFunc(L, lib+"."+name))
			}
		}
	}
	sandboxRequire(L, allow)
}

// trimLib replaces the fields of the library t not in keep (nor allowed)
// by raising functions, and makes any other field read raise too, so that
// io.open and io.foo both name the sandbox.
func trimLib(L *lua.LState, lib string, t *lua.LTable, keep, allow map[string]bool) {
	var drop []string
	t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && !keep[string(s)] && !allow[lib+"."+string(s)] {
			drop = append(drop, string(s))
		}
	})
	for _, name := range drop {
		t.RawSetString(name, removedFunc(L, lib+"."+name))
	}
	if lib == "package" {
		return // scripts set package.path and friends; reads of unknown fields stay nil
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s.%s is not available in the sandbox", lib, lua.LVAsString(L.Get(2)))
		return 0
	}))
	mt.RawSetString("__metatable", lua.LString("sandbox"))
	t.Metatable = mt
}

// removedFunc stands in for a function the sandbox removed.
func removedFunc(L *lua.LState, name string) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s is not available in the sandbox", name)
		return 0
	})
}

// sourceOnly returns load (when isLoad) or loadstring, compiling with
// the state's loadstring, so that a binary chunk (one that starts with
// ESC, as string.dump's output does) is refused before it is compiled. A
// dump of package lua51 names a function prototype of the process: loading
// one would give a script a copy of any function whose dump it obtained.
func sourceOnly(loadstring *lua.LFunction, isLoad bool) lua.LGFunction {
	return func(L *lua.LState) int {
		var chunk string
		if isLoad {
			fn := L.CheckFunction(1)
			// Read the pieces here, as Lua 5.1's load does, so the
			// whole text can be checked.
			var b strings.Builder
			for {
				L.Push(fn)
				L.Call(0, 1)
				piece := L.Get(-1)
				L.Pop(1)
				if piece == lua.LNil {
					break
				}
				if !lua.LVCanConvToString(piece) {
					L.Push(lua.LNil)
					L.Push(lua.LString("reader function must return a string"))
					return 2
				}
				s := lua.LVAsString(piece)
				if s == "" {
					break
				}
				b.WriteString(s)
			}
			chunk = b.String()
		} else {
			chunk = L.CheckString(1)
		}
		if strings.HasPrefix(chunk, "\x1b") {
			L.Push(lua.LNil)
			L.Push(lua.LString("binary chunks are not loaded in the sandbox"))
			return 2
		}
		top := L.GetTop()
		L.Push(loadstring)
		L.Push(lua.LString(chunk))
		nargs := 1
		if name, ok := L.Get(2).(lua.LString); ok {
			L.Push(name)
			nargs++
		} else if isLoad {
			L.Push(lua.LString("?")) // the chunk name gopher-lua's load gives
			nargs++
		}
		L.Call(nargs, lua.MultRet)
		return L.GetTop() - top
	}
}

// sandboxRequire makes require look only in package.preload: entries the
// sandbox does not permit are removed from it, and the loaders that read
// files go. A script may still add its own modules to package.preload.
func sandboxRequire(L *lua.LState, allow map[string]bool) {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok {
		return
	}
	preload, ok := pkg.RawGetString("preload").(*lua.LTable)
	if !ok {
		return
	}
	var drop []string
	preload.ForEach(func(k, _ lua.LValue) {
		if name := lua.LVAsString(k); !moduleAllowed(name, allow) {
			drop = append(drop, name)
		}
	})
	for _, name := range drop {
		preload.RawSetString(name, lua.LNil)
	}
	loader := L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		if f := preload.RawGetString(name); f != lua.LNil {
			L.Push(f)
			return 1
		}
		L.RaiseError("module '%s' is not available in the sandbox", name)
		return 0
	})
	loaders := L.CreateTable(1, 0)
	loaders.RawSetInt(1, loader)
	pkg.RawSetString("loaders", loaders)
	// require reads the loaders from the registry, not from package.
	L.SetField(L.Get(lua.RegistryIndex), "_LOADERS", loaders)
	// Libraries the sandbox trimmed stay what package.loaded shows; io
	// (never opened) is not there, so require('io') fails like any
	// unknown module.
}

// moduleAllowed reports whether require may load name in a sandbox.
func moduleAllowed(name string, allow map[string]bool) bool {
	if sandboxModules[name] || allow[name] {
		return true
	}
	for p := range sandboxModules {
		if strings.HasSuffix(p, ".") && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
