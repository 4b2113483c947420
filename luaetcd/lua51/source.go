package lua51

import (
	"runtime"
	"strings"
	"sync"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// Chunk names and sources.
//
// Lua 5.1 keeps two texts per chunk: the source ("@file.lua", "=stdin", or
// the code itself for loadstring) that debug.getinfo reports, and the short
// form derived from it (luaO_chunkid: "file.lua", "stdin", `[string
// "code..."]`) that error messages and tracebacks start with. gopher-lua
// keeps one, FunctionProto.SourceName, and writes it into error messages as
// it is. So our chunks are compiled with the short form as their name (the
// errors then read as in Lua 5.1), and the source is derived back from it:
//   - a name in sources (chunks that loadstring and load compiled) maps to
//     the source they were given;
//   - "(command line)", "stdin" and "LUA_INIT", the names the runner gives
//     to -e, standard input and LUA_INIT as lua.c does, get "=" in front;
//   - any other name is a file name (dofile, loadfile, require, the
//     runner's script, LState.DoFile and Load by hosts) and gets "@".

// luaIDSize is LUA_IDSIZE, the size of a short source including its NUL.
const luaIDSize = 60

// ChunkID returns the short form of a chunk source as Lua 5.1's
// luaO_chunkid writes it: "=name" gives name (at most 59 bytes), "@file"
// gives file (its last 52 bytes after "..." when longer), and code gives
// [string "first line"] ("..." when cut at a newline or after 44 bytes).
func ChunkID(source string) string {
	switch {
	case strings.HasPrefix(source, "="):
		s := source[1:]
		if len(s) > luaIDSize-1 {
			s = s[:luaIDSize-1]
		}
		return s
	case strings.HasPrefix(source, "@"):
		s := source[1:]
		max := luaIDSize - len(" '...' ") - 1
		if len(s) > max {
			return "..." + s[len(s)-max:]
		}
		return s
	}
	n := strings.IndexAny(source, "\n\r")
	if n < 0 {
		n = len(source)
	}
	max := luaIDSize - len(` [string "..."] `) - 1
	if n > max {
		n = max
	}
	if n < len(source) {
		return `[string "` + source[:n] + `..."]`
	}
	return `[string "` + source + `"]`
}

// sources maps the prototypes that loadstring/load compiled (each nested
// function too) to the source they were given. Keys are weak, so entries
// go with their functions.
var sources sync.Map // weak.Pointer[lua.FunctionProto] -> string

// registerSource records source for fn's prototype and all those nested
// in it.
func registerSource(fn *lua.LFunction, source string) {
	if fn == nil || fn.Proto == nil {
		return
	}
	var walk func(p *lua.FunctionProto)
	walk = func(p *lua.FunctionProto) {
		key := weak.Make(p)
		if _, loaded := sources.LoadOrStore(key, source); !loaded {
			runtime.AddCleanup(p, func(k weak.Pointer[lua.FunctionProto]) { sources.Delete(k) }, key)
		}
		for _, c := range p.FunctionPrototypes {
			walk(c)
		}
	}
	walk(fn.Proto)
}

// SourceOf returns the Lua 5.1 source of a function prototype (see above).
func SourceOf(p *lua.FunctionProto) string {
	if v, ok := sources.Load(weak.Make(p)); ok {
		return v.(string)
	}
	return sourceOfName(p.SourceName)
}

// sourceOfName is the source of a chunk named name that is not in sources.
func sourceOfName(name string) string {
	switch name {
	case "(command line)", "stdin", "LUA_INIT":
		return "=" + name
	}
	return "@" + name
}
