package lua51

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// string.dump
//
// gopher-lua has no bytecode format, so string.dump cannot return Lua 5.1
// bytecode. It returns a reference instead: dumpSignature (the ESC "Lua"
// that starts every Lua 5.1 binary chunk, then "G" where 5.1 has its version
// byte 0x51), a token that is random per process, and the number of the
// prototype in a table of this process. loadstring and load recognise it
// and build a new function from the same prototype, with the same code,
// constants and source, the globals as environment and fresh upvalues that
// hold nil, which is what loading a Lua 5.1 dump gives. Such a string is
// good only in the process that made it (any state of it); anything else
// that starts with ESC "Lua" (real Lua bytecode, a dump of another process)
// fails to load with a message saying so.
//
// Dumped prototypes are kept for the life of the process (a dump can be
// loaded at any later time); dumping the same function again reuses its
// entry, so the table grows only with the number of distinct functions
// dumped.

const dumpSignature = "\x1bLua"

var dumps = struct {
	sync.Mutex
	token  string
	ids    map[*lua.FunctionProto]int
	protos []*lua.FunctionProto
}{ids: map[*lua.FunctionProto]int{}}

func dumpToken() string {
	if dumps.token == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("lua51: no randomness for string.dump tokens: " + err.Error())
		}
		dumps.token = hex.EncodeToString(b[:])
	}
	return dumps.token
}

// openDump installs string.dump.
func openDump(L *lua.LState) {
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		str.RawSetString("dump", L.NewFunction(strDump))
	}
	openLoad(L)
}

func strDump(L *lua.LState) int {
	fn := L.CheckFunction(1)
	if fn.IsG || fn.Proto == nil {
		L.RaiseError("unable to dump given function")
	}
	dumps.Lock()
	id, ok := dumps.ids[fn.Proto]
	if !ok {
		id = len(dumps.protos)
		dumps.protos = append(dumps.protos, fn.Proto)
		dumps.ids[fn.Proto] = id
	}
	s := dumpSignature + "G" + dumpToken() + ":" + strconv.Itoa(id)
	dumps.Unlock()
	L.Push(lua.LString(s))
	return 1
}

// undump builds a function from a string.dump result of this process.
func undump(L *lua.LState, code, source string) (*lua.LFunction, error) {
	name := ChunkID(source)
	if strings.HasPrefix(source, dumpSignature[:1]) {
		name = "binary string" // as Lua 5.1's luaU_undump names it
	}
	rest, ok := strings.CutPrefix(code, dumpSignature+"G")
	var proto *lua.FunctionProto
	if ok {
		token, num, _ := strings.Cut(rest, ":")
		id, err := strconv.Atoi(num)
		dumps.Lock()
		if err == nil && token == dumpToken() && id >= 0 && id < len(dumps.protos) {
			proto = dumps.protos[id]
		}
		dumps.Unlock()
	}
	if proto == nil {
		return nil, fmt.Errorf("%s: cannot load this precompiled chunk: only string.dump results of the same luaetcd process can be loaded (gopher-lua runs no Lua 5.1 bytecode)", name)
	}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = L.G.Global
	for i := range fn.Upvalues {
		fn.Upvalues[i] = newNilUpvalue(L)
	}
	return fn, nil
}

// newNilUpvalue returns a closed upvalue holding nil. gopher-lua does not
// export a constructor, so it takes the one a Lua closure captured: the
// maker below returns a function whose upvalue was closed when the maker
// returned.
func newNilUpvalue(L *lua.LState) *lua.Upvalue {
	maker, ok := L.G.Registry.RawGetString(upvalueMakerKey).(*lua.LFunction)
	if !ok {
		var err error
		maker, err = L.Load(strings.NewReader("local u; return function() return u end"), "=upvalue")
		if err != nil {
			panic("lua51: cannot compile the upvalue maker: " + err.Error())
		}
		L.G.Registry.RawSetString(upvalueMakerKey, maker)
	}
	L.Push(maker)
	L.Call(0, 1)
	inner := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	return inner.Upvalues[0]
}

const upvalueMakerKey = "luaetcd.lua51.upvalue"
