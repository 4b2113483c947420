package compat

import (
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

// reserved are the words lua-util 1.2.1 never prints as bare keys (Lua's
// keywords, goto included).
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields("nil true false local function and or not if elseif else for in while until repeat break goto return then do end") {
		reserved[w] = true
	}
}

// The third argument lua-util passes to the callback.
const (
	forIndex    = "index"
	forValue    = "value"
	forCircular = "circular"
)

// inspector renders tables the way lua-util 1.2.1's util.inspect does.
type inspector struct {
	L          *lua.LState
	nestIndent string
	callback   lua.LValue // nil: the default, which returns the value
	udata      lua.LValue
	// visiting holds tostring(t) of the tables on the current path; a
	// table whose text is there is a circular reference.
	visiting map[string]bool
}

// call runs the callback as lua-util does, returning its two results (the
// default callback returns its first argument and nothing else).
func (in *inspector) call(args ...lua.LValue) (lua.LValue, lua.LValue) {
	if in.callback == nil {
		return args[0], lua.LNil
	}
	L := in.L
	L.Push(in.callback)
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), 2)
	r1, r2 := L.Get(-2), L.Get(-1)
	L.Pop(2)
	return r1, r2
}

// piece is one element of lua-util's result list, concatenated at the
// end: a string or a number (as %.14g); anything else is the error
// table.concat raises.
func (in *inspector) piece(b *strings.Builder, n *int, v lua.LValue) {
	*n++
	switch x := v.(type) {
	case lua.LString:
		b.WriteString(string(x))
	case lua.LNumber:
		b.WriteString(lua51.FormatNumber(float64(x)))
	case *lua.LNilType:
		*n-- // table.insert(t, nil) adds nothing
	default:
		in.L.RaiseError("invalid value (at index %d) in table for 'concat'", *n)
	}
}

// table returns the text of t at the given indentation (or what the
// circular callback returned for a table already on the path).
func (in *inspector) table(t *lua.LTable, indent string) lua.LValue {
	L := in.L
	ref := luaToString(L, t)
	if in.visiting[ref] {
		v, _ := in.call(t, lua.LString("table"), lua.LString(forCircular), t, in.udata)
		if v.Type() == lua.LTTable {
			return lua.LString(`"<Circular ` + ref + `>"`)
		}
		return v
	}
	var b strings.Builder
	n := 0
	k, v := t.Next(lua.LNil)
	in.visiting[ref] = true
	b.WriteString("{ ")
	n++
	sep := ""
	for lua.LVAsBool(k) {
		nk, skip := in.call(k, lua.LString(k.Type().String()), lua.LString(forIndex), lua.LNil, in.udata)
		if lua.LVAsBool(nk) {
			k = nk
		}
		if !lua.LVAsBool(skip) {
			head := sep + "\n" + indent + in.nestIndent
			switch key := k.(type) {
			case lua.LNumber:
				in.piece(&b, &n, lua.LString(head+"["+lua51.FormatNumber(float64(key))+"] = "))
			case lua.LString:
				if !reserved[string(key)] && plainName.MatchString(string(key)) {
					in.piece(&b, &n, lua.LString(head+string(key)+" = "))
				} else {
					in.piece(&b, &n, lua.LString(head+`["`+string(key)+`"] = `))
				}
			default:
				in.piece(&b, &n, lua.LString(head+`["`+luaToString(L, k)+`"] = `))
			}
			nv, raw := in.call(v, lua.LString(v.Type().String()), lua.LString(forValue), k, in.udata)
			if lua.LVAsBool(nv) {
				v = nv
			}
			switch {
			case lua.LVAsBool(raw):
				in.piece(&b, &n, v)
			case v.Type() == lua.LTTable:
				in.piece(&b, &n, in.table(v.(*lua.LTable), indent+in.nestIndent))
			case v.Type() == lua.LTString:
				in.piece(&b, &n, lua.LString(quote(string(v.(lua.LString)))))
			case v.Type() == lua.LTNumber || v.Type() == lua.LTBool:
				in.piece(&b, &n, lua.LString(luaToString(L, v)))
			default:
				in.piece(&b, &n, lua.LString(quote(luaToString(L, v))))
			}
		}
		k, v = nextKey(L, t, k)
		sep = ","
	}
	delete(in.visiting, ref)
	if sep != "" {
		b.WriteString("\n" + indent)
	}
	b.WriteString("}")
	return lua.LString(b.String())
}

// nextKey is next(t, k). A callback may replace a key, and lua-util goes
// on from the new one: a key that is not in t raises Lua 5.1's error
// (gopher-lua's Next would quietly stop or start over).
func nextKey(L *lua.LState, t *lua.LTable, k lua.LValue) (lua.LValue, lua.LValue) {
	if t.RawGet(k) == lua.LNil {
		L.RaiseError("invalid key to 'next'")
	}
	return t.Next(k)
}

// quote is Lua 5.1's %q: the string in double quotes with ", \ and
// newline escaped by a backslash (the newline kept), \r as \r and NUL as
// \000.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// spaces is lua-util's ('%' .. w .. 's'):format(”): w (a number as %.14g
// or a string) must read as a C format "%[flags][width][.precision]s";
// the result is width spaces.
func spaces(L *lua.LState, w lua.LValue) string {
	var spec string
	switch x := w.(type) {
	case lua.LNumber:
		spec = lua51.FormatNumber(float64(x))
	case lua.LString:
		spec = string(x)
	default:
		L.RaiseError("attempt to concatenate a %s value", w.Type().String())
	}
	i := 0
	for i < len(spec) && strings.IndexByte("-+ #0", spec[i]) >= 0 {
		i++
	}
	if i > 5 {
		L.RaiseError("invalid format (repeated flags)")
	}
	start := i
	for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
		i++
	}
	width, _ := strconv.Atoi(spec[start:i])
	if i-start > 2 {
		L.RaiseError("invalid format (width or precision too long)")
	}
	if i < len(spec) && spec[i] == '.' {
		i++
		p := i
		for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
			i++
		}
		if i-p > 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
	}
	rest := ""
	if i < len(spec) {
		// The directive ends inside the text; what follows it, and
		// the final "s", are copied as they are.
		switch c := spec[i]; {
		case c == 's':
			rest = spec[i+1:] + "s"
		case strings.IndexByte("cdiouxXeEfgGq", c) >= 0:
			L.RaiseError("bad argument #2 to 'format' (number expected, got string)")
		default:
			L.RaiseError("invalid option '%%%c' to 'format'", c)
		}
	}
	return strings.Repeat(" ", width) + rest
}

// Inspect returns util.inspect(v) with lua-util 1.2.1's defaults (4
// spaces per level, no padding, no callback).
func Inspect(L *lua.LState, v lua.LValue) string {
	if t, ok := v.(*lua.LTable); ok {
		in := &inspector{L: L, nestIndent: "    ", udata: lua.LNil, visiting: map[string]bool{}}
		return in.table(t, "").String()
	}
	return luaToString(L, v)
}

// luaInspect is util.inspect(value [, opts]) as in lua-util 1.2.1. opts
// may set depth (spaces per level, default 4), padding (spaces before
// every line but the first, default 0), callback and udata; see doc.go.
func luaInspect(L *lua.LState) int {
	v, opt := L.Get(1), L.Get(2)
	var optT *lua.LTable
	if lua.LVAsBool(opt) {
		t, ok := opt.(*lua.LTable)
		if !ok && L.GetMetaField(opt, "__index") == lua.LNil {
			L.RaiseError("attempt to index local 'opt' (a %s value)", opt.Type().String())
		}
		optT = t
	}
	field := func(name string) lua.LValue {
		if !lua.LVAsBool(opt) {
			return lua.LNil
		}
		if optT != nil {
			return L.GetField(optT, name)
		}
		return L.GetField(opt, name)
	}
	t, isTable := v.(*lua.LTable)
	if !isTable {
		if lua.LVAsBool(opt) {
			cb := field("callback")
			if cb.Type() != lua.LTFunction && L.GetMetaField(cb, "__call") == lua.LNil {
				L.RaiseError("attempt to call field 'callback' (a %s value)", cb.Type().String())
			}
			L.Push(cb)
			L.Push(v)
			L.Push(lua.LString(v.Type().String()))
			L.Push(lua.LString(forValue))
			L.Push(lua.LFalse)
			L.Call(4, 1)
			if r := L.Get(-1); lua.LVAsBool(r) {
				return 1
			}
			L.Pop(1)
		}
		L.Push(lua.LString(luaToString(L, v)))
		return 1
	}
	depth, padding := field("depth"), field("padding")
	if !lua.LVAsBool(depth) {
		depth = lua.LNumber(4)
	}
	if !lua.LVAsBool(padding) {
		padding = lua.LNumber(0)
	}
	in := &inspector{L: L, udata: lua.LNil, visiting: map[string]bool{}}
	in.nestIndent = spaces(L, depth)
	pad := spaces(L, padding)
	if cb := field("callback"); lua.LVAsBool(cb) {
		in.callback = cb
	}
	if u := field("udata"); lua.LVAsBool(u) {
		in.udata = u
	}
	L.Push(in.table(t, pad))
	return 1
}
