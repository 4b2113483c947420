package compat

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// luaToString is Lua's tostring: __tostring is honoured, numbers are
// formatted as Lua 5.1 formats them, and everything else is gopher-lua's
// "type: address" text.
func luaToString(L *lua.LState, v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		return lua51.FormatNumber(float64(n))
	}
	if L.GetMetaField(v, "__tostring") != lua.LNil {
		return L.ToStringMeta(v).String()
	}
	return v.String()
}

// plainName is the key form lua-util prints bare (name = ...).
var plainName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// inspector renders values the way lua-util 1.2's util.inspect does.
type inspector struct {
	L          *lua.LState
	nestIndent string
	// visiting holds tostring(t) of the tables on the current path; a
	// table whose text is there is printed as a circular reference.
	visiting map[string]bool
}

// value writes the text of v at the given indentation. A table is written
// as "{ " then one line per entry in next() order and a closing brace on
// its own line; an empty table is "{ }".
func (in *inspector) value(b *strings.Builder, v lua.LValue, indent string) {
	tbl, ok := v.(*lua.LTable)
	if !ok {
		// Only the outermost value can be a non-table here; strings are
		// written without quotes.
		if s, ok := v.(lua.LString); ok {
			b.WriteString(string(s))
		} else {
			b.WriteString(luaToString(in.L, v))
		}
		return
	}
	ref := luaToString(in.L, tbl)
	if in.visiting[ref] {
		b.WriteString(`"<Circular ` + ref + `>"`)
		return
	}
	in.visiting[ref] = true
	b.WriteString("{ ")
	// Like lua-util's `while k do`, a false key ends the walk (and a
	// table whose first key is false prints as empty).
	k, val := tbl.Next(lua.LNil)
	empty := !lua.LVAsBool(k)
	sep := ""
	for lua.LVAsBool(k) {
		b.WriteString(sep + "\n" + indent + in.nestIndent)
		switch key := k.(type) {
		case lua.LString:
			if plainName.MatchString(string(key)) {
				b.WriteString(string(key) + " = ")
			} else {
				b.WriteString(`["` + string(key) + `"] = `)
			}
		case lua.LNumber:
			// numeric keys are not written at all
		default:
			// lua-util writes other keys quoted in brackets, and
			// without " = " before the value.
			b.WriteString(`["` + luaToString(in.L, k) + `"]`)
		}
		switch x := val.(type) {
		case *lua.LTable:
			in.value(b, x, indent+in.nestIndent)
		case lua.LString:
			b.WriteString(`"` + string(x) + `"`)
		case lua.LNumber:
			b.WriteString(lua51.FormatNumber(float64(x)))
		default:
			b.WriteString(`"` + luaToString(in.L, x) + `"`)
		}
		k, val = tbl.Next(k)
		sep = ","
	}
	delete(in.visiting, ref)
	if !empty {
		b.WriteString("\n" + indent)
	}
	b.WriteString("}")
}

// maxIndent bounds the indentation width so that a huge or infinite
// level cannot exhaust memory (the original would loop forever).
const maxIndent = 1 << 16

// indentWidth turns inspect's second argument into a number of spaces: nil
// (or false) means 4; a number n (or a numeric string) gives as many
// spaces as the loop `for i = 0, n - 1` runs.
func indentWidth(L *lua.LState) int {
	arg := L.Get(2)
	if !lua.LVAsBool(arg) {
		return 4
	}
	var n float64
	switch x := arg.(type) {
	case lua.LNumber:
		n = float64(x)
	case lua.LString:
		// Lua converts numeric strings (decimal or hex) for arithmetic.
		text := strings.TrimSpace(string(x))
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			i, ierr := strconv.ParseInt(text, 0, 64)
			if ierr != nil || !strings.HasPrefix(strings.TrimLeft(strings.ToLower(text), "+-"), "0x") {
				L.ArgError(2, "number expected, got string")
			}
			f = float64(i)
		}
		n = f
	default:
		L.ArgError(2, "number expected, got "+arg.Type().String())
	}
	if !(n >= 1) {
		return 0
	}
	if n > maxIndent {
		L.ArgError(2, "indent level too large")
	}
	return int(math.Floor(n))
}

// Inspect returns lua-util's text for v with an indentation of width
// spaces per level.
func Inspect(L *lua.LState, v lua.LValue, width int) string {
	in := &inspector{L: L, nestIndent: strings.Repeat(" ", width), visiting: map[string]bool{}}
	var b strings.Builder
	in.value(&b, v, "")
	return b.String()
}

// luaInspect is util.inspect(value [, indent_lv]).
func luaInspect(L *lua.LState) int {
	width := indentWidth(L)
	L.Push(lua.LString(Inspect(L, L.Get(1), width)))
	return 1
}
