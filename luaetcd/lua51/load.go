package lua51

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// openLoad replaces loadstring and load with versions that name chunks as
// Lua 5.1 does: loadstring(s) takes s itself as the chunk's source and
// load(f) takes "=(load)", so error messages read [string "..."]:1: and
// debug.getinfo reports the source (see source.go). Both also load what
// string.dump returned (see dump.go).
func openLoad(L *lua.LState) {
	L.SetGlobal("loadstring", L.NewFunction(baseLoadString))
	L.SetGlobal("load", L.NewFunction(baseLoad))
}

func baseLoadString(L *lua.LState) int {
	code := L.CheckString(1)
	return loadChunk(L, code, L.OptString(2, code))
}

func baseLoad(L *lua.LState) int {
	reader := L.CheckFunction(1)
	source := L.OptString(2, "=(load)")
	var b strings.Builder
	for {
		L.Push(reader)
		L.Call(0, 1)
		v := L.Get(-1)
		L.Pop(1)
		if v == lua.LNil {
			break
		}
		s, ok := v.(lua.LString)
		if !ok {
			if n, isNum := v.(lua.LNumber); isNum {
				s, ok = lua.LString(FormatNumber(float64(n))), true
			}
		}
		if !ok {
			// Lua 5.1 raises this inside lua_load, which returns it.
			L.Push(lua.LNil)
			L.Push(lua.LString("reader function must return a string"))
			return 2
		}
		if s == "" {
			break
		}
		b.WriteString(string(s))
	}
	return loadChunk(L, b.String(), source)
}

// loadChunk compiles code (or loads a dump) with the given Lua 5.1 source
// and pushes the function, or nil and the message.
func loadChunk(L *lua.LState, code, source string) int {
	var fn *lua.LFunction
	var err error
	if strings.HasPrefix(code, dumpSignature) {
		fn, err = undump(L, code, source)
	} else {
		name := ChunkID(source)
		fn, err = L.Load(strings.NewReader(code), name)
		if err == nil && sourceOfName(name) != source {
			registerSource(fn, source)
		}
		if err != nil {
			err = SyntaxError(err, name, code)
		}
	}
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

// SyntaxError rewords a gopher-lua syntax error from compiling src as
// chunk name the way Lua 5.1 writes them, "name:line: message near
// 'token'" (the message is gopher-lua's: "syntax error", where Lua 5.1
// often says what it expected). Other errors are returned as they are.
func SyntaxError(err error, name, src string) error {
	var ae *lua.ApiError
	var pe *parse.Error
	if !errors.As(err, &ae) || !errors.As(ae.Cause, &pe) {
		return err
	}
	line, tok := pe.Pos.Line, pe.Token
	if line == parse.EOF {
		line, tok = strings.Count(src, "\n")+1, "<eof>"
	}
	msg := fmt.Sprintf("%s:%d: %s near '%s'", name, line, pe.Message, tok)
	return &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(msg), Cause: pe}
}
