package lua51

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// debug.getinfo as in Lua 5.1.
//
// gopher-lua's getinfo reports the chunk name as source (no "@" or "="),
// has no short_src, says "G" for Go functions where Lua 5.1 says "C",
// gives no namewhat, and fills every field whatever was asked. This one
// reads the same frames and fills the fields that Lua 5.1 fills, for the
// options asked ("flnSu" by default; "L" too): source and short_src per
// source.go, what ("Lua", "C" or "main"), linedefined and lastlinedefined
// (-1 for Go functions, 0 for a main chunk), currentline (-1 when there is
// none), nups, func, activelines, and name/namewhat for a function called
// from Lua ("global", "local", "method", "field", "upvalue"). Levels count
// as in gopher-lua: inside a protected call they reach only the frames of
// that call (see package doc).

func openDebugInfo(L *lua.LState) {
	if dbg, ok := L.GetGlobal("debug").(*lua.LTable); ok {
		dbg.RawSetString("getinfo", L.NewFunction(debugGetInfo))
	}
	openIOErrors(L)
}

func debugGetInfo(L *lua.LState) int {
	T, arg := L, 1
	if th, ok := L.Get(1).(*lua.LState); ok {
		T, arg = th, 2
	}
	what := L.OptString(arg+1, "flnSu")
	for _, c := range what {
		if !strings.ContainsRune("SlunLf>", c) {
			L.ArgError(arg+1, "invalid option")
		}
	}
	var dbg *lua.Debug
	var fn *lua.LFunction
	level := -1
	switch v := L.Get(arg).(type) {
	case *lua.LFunction:
		fn = v
	case lua.LNumber:
		level = int(v)
		d, ok := T.GetStack(level)
		if !ok || level < 0 {
			L.Push(lua.LNil)
			return 1
		}
		f, err := T.GetInfo("f", d, lua.LNil)
		if err != nil {
			L.Push(lua.LNil)
			return 1
		}
		fn, _ = f.(*lua.LFunction)
		dbg = d
	default:
		L.ArgError(arg, "function or level expected")
	}
	if fn == nil {
		L.Push(lua.LNil)
		return 1
	}
	t := L.NewTable()
	for _, c := range what {
		switch c {
		case 'S':
			if fn.IsG {
				t.RawSetString("source", lua.LString("=[C]"))
				t.RawSetString("short_src", lua.LString("[C]"))
				t.RawSetString("linedefined", lua.LNumber(-1))
				t.RawSetString("lastlinedefined", lua.LNumber(-1))
				t.RawSetString("what", lua.LString("C"))
				continue
			}
			p := fn.Proto
			src := SourceOf(p)
			t.RawSetString("source", lua.LString(src))
			t.RawSetString("short_src", lua.LString(ChunkID(src)))
			if p.LineDefined == 0 {
				t.RawSetString("linedefined", lua.LNumber(0))
				t.RawSetString("lastlinedefined", lua.LNumber(0))
				t.RawSetString("what", lua.LString("main"))
			} else {
				t.RawSetString("linedefined", lua.LNumber(p.LineDefined))
				t.RawSetString("lastlinedefined", lua.LNumber(p.LastLineDefined))
				t.RawSetString("what", lua.LString("Lua"))
			}
		case 'l':
			line := -1
			if dbg != nil && !fn.IsG {
				if _, err := T.GetInfo("l", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
					line = dbg.CurrentLine
				}
			}
			t.RawSetString("currentline", lua.LNumber(line))
		case 'u':
			t.RawSetString("nups", lua.LNumber(len(fn.Upvalues)))
		case 'n':
			name, namewhat := "", ""
			if dbg != nil {
				name, namewhat = frameName(T, dbg, level)
			}
			if name != "" {
				t.RawSetString("name", lua.LString(name))
			}
			t.RawSetString("namewhat", lua.LString(namewhat))
		case 'L':
			if fn.IsG {
				continue
			}
			lines := L.NewTable()
			for _, l := range fn.Proto.DbgSourcePositions {
				lines.RawSetInt(l, lua.LTrue)
			}
			t.RawSetString("activelines", lines)
		case 'f':
			t.RawSetString("func", fn)
		}
	}
	L.Push(t)
	return 1
}

// frameName is the name and kind of name of the function running at
// level, as Lua 5.1's getfuncname finds them: only for a function called
// by a Lua function, from the instruction that put it in the call's
// register.
func frameName(T *lua.LState, dbg *lua.Debug, level int) (string, string) {
	caller, ok := T.GetStack(level + 1)
	if !ok {
		return "", ""
	}
	cv, err := T.GetInfo("fl", caller, lua.LNil)
	cf, _ := cv.(*lua.LFunction)
	if err != nil || cf == nil || cf.IsG {
		return "", ""
	}
	if _, err := T.GetInfo("n", dbg, lua.LNil); err != nil {
		return "", ""
	}
	name := dbg.Name
	if name == "" || name == "?" || name[0] == '<' || name == "(anonymous)" || name == "main chunk" {
		return "", ""
	}
	p := cf.Proto
	for _, call := range p.DbgCalls {
		if call.Name != name || call.Pc >= len(p.DbgSourcePositions) || p.DbgSourcePositions[call.Pc] != caller.CurrentLine {
			continue
		}
		if kind := loadKind(p, call.Pc); kind != "" {
			return name, kind
		}
	}
	return "", ""
}

// gopher-lua's instruction layout (opcode.go).
func opCode(i uint32) int { return int(i >> 26) }
func opA(i uint32) int    { return int(i>>18) & 0xff }
func opB(i uint32) int    { return int(i & 0x1ff) }

// loadKind tells how the function called at pc got into its register:
// the last instruction before pc that wrote that register.
func loadKind(p *lua.FunctionProto, pc int) string {
	reg := opA(p.Code[pc])
	for i := pc - 1; i >= 0; i-- {
		ins := p.Code[i]
		op := opCode(ins)
		if op == lua.OP_JMP || op == lua.OP_CALL || op == lua.OP_TFORLOOP {
			break
		}
		if opA(ins) != reg {
			continue
		}
		switch op {
		case lua.OP_GETGLOBAL:
			return "global"
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			return "field"
		case lua.OP_SELF:
			return "method"
		case lua.OP_GETUPVAL:
			return "upvalue"
		case lua.OP_MOVE:
			if isLocal(p, opB(ins), i) {
				return "local"
			}
			return ""
		default:
			return ""
		}
	}
	if isLocal(p, reg, pc) {
		return "local"
	}
	return ""
}

// isLocal reports whether register reg holds a named local at pc.
func isLocal(p *lua.FunctionProto, reg, pc int) bool {
	n := 0
	for _, l := range p.DbgLocals {
		if l.StartPc <= pc && pc < l.EndPc {
			if n == reg {
				return l.Name != "" && l.Name[0] != '('
			}
			n++
		}
	}
	return false
}
