package lua51

import (
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// require and package.loaders as in Lua 5.1.
//
// gopher-lua's require words its errors differently ("module x not
// found:" without quotes, its own file errors), so code that recognises a
// missing module by Lua 5.1's text ("module 'x' not found") fails. These
// follow ll_require and the four loaders of Lua 5.1's loadlib.c: preload,
// package.path, package.cpath and the cpath root, each adding its "\n\tno
// field"/"\n\tno file" lines to the message. A C library found on
// package.cpath cannot be loaded (gopher-lua runs Lua only): that is an
// error naming the file, as when Lua 5.1 fails to load one.

// PathDefault and CPathDefault are Lua 5.1's LUA_PATH_DEFAULT and
// LUA_CPATH_DEFAULT (gopher-lua's default path lacks the two
// /usr/local/lib/lua/5.1 entries, and it leaves cpath empty).
const (
	PathDefault  = "./?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua;/usr/local/lib/lua/5.1/?.lua;/usr/local/lib/lua/5.1/?/init.lua"
	CPathDefault = "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so"
)

// ExpandPath is a LUA_PATH or LUA_CPATH value as Lua 5.1 reads it: ";;"
// stands for the default.
func ExpandPath(v, def string) string {
	v = strings.ReplaceAll(v, ";;", ";\x00;")
	return strings.ReplaceAll(v, "\x00", def)
}

func openRequire(L *lua.LState) {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok {
		return
	}
	// The places Lua 5.1 searches, so that require's messages list them:
	// gopher-lua sets cpath to "" and its own default path.
	if s, ok := pkg.RawGetString("cpath").(lua.LString); !ok || s == "" {
		pkg.RawSetString("cpath", lua.LString(envPath("LUA_CPATH", CPathDefault)))
	}
	if s, ok := pkg.RawGetString("path").(lua.LString); ok && string(s) == lua.LuaPathDefault {
		pkg.RawSetString("path", lua.LString(PathDefault))
	} else if ok {
		// LUA_PATH's ";;" was expanded with gopher-lua's default.
		pkg.RawSetString("path", lua.LString(strings.ReplaceAll(string(s), lua.LuaPathDefault, PathDefault)))
	}
	sentinel := L.NewUserData()
	loaders := L.CreateTable(4, 0)
	for _, f := range []func(*lua.LState, *lua.LTable) int{loaderPreload, loaderLua, loaderC, loaderCroot} {
		f := f
		loaders.Append(L.NewFunction(func(L *lua.LState) int { return f(L, pkg) }))
	}
	pkg.RawSetString("loaders", loaders)
	L.G.Registry.RawSetString("_LOADERS", loaders)
	L.SetGlobal("require", L.NewFunction(func(L *lua.LState) int { return require(L, pkg, sentinel) }))
}

// envPath is the value of the environment variable, with ";;" replaced by
// the default as in Lua 5.1, or the default.
func envPath(name, def string) string {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	return ExpandPath(v, def)
}

func require(L *lua.LState, pkg *lua.LTable, sentinel *lua.LUserData) int {
	name := L.CheckString(1)
	L.SetTop(1)
	loaded, ok := L.G.Registry.RawGetString("_LOADED").(*lua.LTable)
	if !ok {
		L.RaiseError("'package.loaded' must be a table")
	}
	if v := loaded.RawGetString(name); lua.LVAsBool(v) {
		if v == sentinel {
			L.RaiseError("loop or previous error loading module '%s'", name)
		}
		L.Push(v)
		return 1
	}
	loaders, ok := pkg.RawGetString("loaders").(*lua.LTable)
	if !ok {
		L.RaiseError("'package.loaders' must be a table")
	}
	var msg strings.Builder
	var loader lua.LValue
	for i := 1; ; i++ {
		f := loaders.RawGetInt(i)
		if f == lua.LNil {
			L.RaiseError("module '%s' not found:%s", name, msg.String())
		}
		L.Push(f)
		L.Push(lua.LString(name))
		L.Call(1, 1)
		v := L.Get(-1)
		L.Pop(1)
		if v.Type() == lua.LTFunction {
			loader = v
			break
		}
		if s, ok := v.(lua.LString); ok {
			msg.WriteString(string(s))
		} else if n, ok := v.(lua.LNumber); ok {
			msg.WriteString(FormatNumber(float64(n)))
		}
	}
	loaded.RawSetString(name, sentinel)
	L.Push(loader)
	L.Push(lua.LString(name))
	L.Call(1, 1)
	if v := L.Get(-1); v != lua.LNil {
		loaded.RawSetString(name, v)
	}
	L.Pop(1)
	v := loaded.RawGetString(name)
	if v == sentinel {
		v = lua.LTrue
		loaded.RawSetString(name, v)
	}
	L.Push(v)
	return 1
}

func loaderPreload(L *lua.LState, pkg *lua.LTable) int {
	name := L.CheckString(1)
	preload, ok := pkg.RawGetString("preload").(*lua.LTable)
	if !ok {
		L.RaiseError("'package.preload' must be a table")
	}
	if v := L.GetField(preload, name); v != lua.LNil {
		L.Push(v)
		return 1
	}
	L.Push(lua.LString("\n\tno field package.preload['" + name + "']"))
	return 1
}

// findFile looks name up in package[field] as Lua 5.1's findfile does: it
// returns the first readable file, or "" and the "\n\tno file" lines.
func findFile(L *lua.LState, pkg *lua.LTable, name, field string) (string, string) {
	path, ok := pkg.RawGetString(field).(lua.LString)
	if !ok {
		L.RaiseError("'package.%s' must be a string", field)
	}
	name = strings.ReplaceAll(name, ".", string(os.PathSeparator))
	var msg strings.Builder
	for _, tmpl := range strings.Split(string(path), ";") {
		if tmpl == "" {
			continue
		}
		file := strings.ReplaceAll(tmpl, "?", name)
		if f, err := os.Open(file); err == nil {
			f.Close()
			return file, ""
		}
		msg.WriteString("\n\tno file '" + file + "'")
	}
	return "", msg.String()
}

// loadError raises Lua 5.1's error for a module file that failed to load.
func loadError(L *lua.LState, name, file, why string) {
	L.Error(lua.LString("error loading module '"+name+"' from file '"+file+"':\n\t"+why), 0)
}

func loaderLua(L *lua.LState, pkg *lua.LTable) int {
	name := L.CheckString(1)
	file, msg := findFile(L, pkg, name, "path")
	if file == "" {
		L.Push(lua.LString(msg))
		return 1
	}
	src, err := os.ReadFile(file)
	if err != nil {
		loadError(L, name, file, "cannot read "+file)
	}
	code := string(src)
	if strings.HasPrefix(code, "#") {
		// A first line starting with '#' is skipped, as luaL_loadfile does
		// (the newline stays, so line numbers hold).
		if i := strings.IndexByte(code, '\n'); i >= 0 {
			code = code[i:]
		} else {
			code = ""
		}
	}
	fn, err := L.Load(strings.NewReader(code), file)
	if err != nil {
		loadError(L, name, file, SyntaxError(err, file, code).Error())
	}
	L.Push(fn)
	return 1
}

const noCModules = "C libraries cannot be loaded: gopher-lua runs Lua code only"

func loaderC(L *lua.LState, pkg *lua.LTable) int {
	name := L.CheckString(1)
	file, msg := findFile(L, pkg, name, "cpath")
	if file == "" {
		L.Push(lua.LString(msg))
		return 1
	}
	loadError(L, name, file, noCModules)
	return 0
}

func loaderCroot(L *lua.LState, pkg *lua.LTable) int {
	name := L.CheckString(1)
	root, _, ok := strings.Cut(name, ".")
	if !ok {
		return 0
	}
	file, msg := findFile(L, pkg, root, "cpath")
	if file == "" {
		L.Push(lua.LString(msg))
		return 1
	}
	loadError(L, name, file, noCModules)
	return 0
}
