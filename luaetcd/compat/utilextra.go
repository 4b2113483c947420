package compat

import (
	_ "embed"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Parts of the compat modules are written in Lua (embedded files, compiled
// once per process). Each file returns a table of functions, one per
// module, that complete the module built in Go.

//go:embed utilextra.lua
var utilExtraSource string

//go:embed socketextra.lua
var socketExtraSource string

//go:embed ltn12.lua
var ltn12Source string

var (
	utilExtraProto   = compileOnce("util.lua", &utilExtraSource)
	socketExtraProto = compileOnce("socket.lua", &socketExtraSource)
	ltn12Proto       = compileOnce("ltn12.lua", &ltn12Source)
)

func compileOnce(name string, src *string) func() *lua.FunctionProto {
	return sync.OnceValue(func() *lua.FunctionProto {
		chunk, err := parse.Parse(strings.NewReader(*src), name)
		if err != nil {
			panic("compat: " + name + " does not parse: " + err.Error())
		}
		proto, err := lua.Compile(chunk, name)
		if err != nil {
			panic("compat: " + name + " does not compile: " + err.Error())
		}
		return proto
	})
}

// runChunk runs an embedded chunk with the globals as environment and
// returns its result.
func runChunk(L *lua.LState, proto *lua.FunctionProto, args ...lua.LValue) lua.LValue {
	fn := L.NewFunctionFromProto(proto)
	fn.Env = L.G.Global
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), 1)
	v := L.Get(-1)
	L.Pop(1)
	return v
}

// runExtra calls the function which of the table an embedded chunk
// returns, with args.
func runExtra(L *lua.LState, proto *lua.FunctionProto, which string, args ...lua.LValue) {
	extra := runChunk(L, proto)
	L.Push(L.GetField(extra, which))
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), 0)
}

// utilExtra completes util ("util"), util.string ("string") or util.table
// ("table") with the functions of utilextra.lua.
func utilExtra(L *lua.LState, which string, args ...lua.LValue) {
	runExtra(L, utilExtraProto(), which, args...)
}

// socketExtra completes the socket module with socketextra.lua.
func socketExtra(L *lua.LState, mod *lua.LTable) {
	runExtra(L, socketExtraProto(), "socket", mod)
}
