package compat

import (
	_ "embed"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

//go:embed utilextra.lua
var utilExtraSource string

// utilExtraProto is utilextra.lua compiled once per process; every state
// makes its own function from it.
var utilExtraProto = sync.OnceValue(func() *lua.FunctionProto {
	chunk, err := parse.Parse(strings.NewReader(utilExtraSource), "util.lua")
	if err != nil {
		panic("compat: utilextra.lua does not parse: " + err.Error())
	}
	proto, err := lua.Compile(chunk, "util.lua")
	if err != nil {
		panic("compat: utilextra.lua does not compile: " + err.Error())
	}
	return proto
})

// utilExtra runs the function of utilextra.lua that completes module
// which ("util", "string" or "table") with args.
func utilExtra(L *lua.LState, which string, args ...lua.LValue) {
	fn := L.NewFunctionFromProto(utilExtraProto())
	fn.Env = L.G.Global
	L.Push(fn)
	L.Call(0, 1)
	extra := L.Get(-1)
	L.Pop(1)
	L.Push(L.GetField(extra, which))
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), 0)
}
