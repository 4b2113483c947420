package compat

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"
)

// requireShared returns package.loaded[name] when a module of that name is
// already loaded, and otherwise builds it with build and records it there,
// so that require('util').typeof == require('util.typeof') as with
// lua-util.
func requireShared(L *lua.LState, name string, build func(*lua.LState) *lua.LTable) lua.LValue {
	loaded, _ := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	if loaded != nil {
		if v := loaded.RawGetString(name); v != lua.LNil && v != lua.LFalse {
			return v
		}
	}
	mod := build(L)
	if loaded != nil {
		loaded.RawSetString(name, mod)
	}
	return mod
}

// loadUtil is the package.preload loader of "util" (lua-util 1.2): inspect
// plus the submodules typeof, string and table.
func loadUtil(L *lua.LState) int {
	mod := L.NewTable()
	mod.RawSetString("inspect", L.NewFunction(luaInspect))
	mod.RawSetString("typeof", requireShared(L, "util.typeof", newTypeofModule))
	mod.RawSetString("string", requireShared(L, "util.string", newUtilStringModule))
	mod.RawSetString("table", requireShared(L, "util.table", newUtilTableModule))
	utilExtra(L, "util", mod)
	L.Push(mod)
	return 1
}

func loadUtilString(L *lua.LState) int {
	L.Push(newUtilStringModule(L))
	return 1
}

func loadUtilTable(L *lua.LState) int {
	L.Push(newUtilTableModule(L))
	return 1
}

// ---- util.string -------------------------------------------------------

func newUtilStringModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("split", L.NewFunction(utilSplit))
	mod.RawSetString("trim", L.NewFunction(utilTrim))
	mod.RawSetString("charAt", L.NewFunction(utilCharAt))
	mod.RawSetString("charCodeAt", L.NewFunction(utilCharCodeAt))
	utilExtra(L, "string", mod)
	return mod
}

// splitString cuts s at every match of the Lua pattern delim and returns
// the non-empty pieces between matches.
func splitString(L *lua.LState, s, delim string) []string {
	var out []string
	cur := 0
	for cur <= len(s) {
		ms, err := pm.Find(delim, []byte(s), cur, 1)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		if len(ms) == 0 {
			break
		}
		head, tail := ms[0].Capture(0), ms[0].Capture(1)
		if tail <= head {
			// lua-util loops forever on an empty match; refuse instead.
			L.RaiseError("split: delimiter %q matches an empty string", delim)
		}
		if head != cur {
			out = append(out, s[cur:head])
		}
		cur = tail
	}
	if cur < len(s) {
		out = append(out, s[cur:])
	}
	return out
}

// utilSplit is util.string.split(str, delim): delim is a Lua pattern, and
// empty pieces are dropped.
func utilSplit(L *lua.LState) int {
	s := L.CheckString(1)
	delim := L.CheckString(2)
	arr := L.NewTable()
	for _, p := range splitString(L, s, delim) {
		arr.Append(lua.LString(p))
	}
	L.Push(arr)
	return 1
}

// utilTrim is util.string.trim(str): leading and trailing white space
// (space, \t, \n, \v, \f, \r) removed.
func utilTrim(L *lua.LState) int {
	s := L.CheckString(1)
	L.Push(lua.LString(strings.Trim(s, " \t\n\v\f\r")))
	return 1
}

// strRange converts Lua's 1-based (possibly negative) i..j into a Go
// slice range of s, as string.sub does.
func strRange(n, i, j int) (int, int) {
	if i < 0 {
		i = n + i + 1
	}
	if j < 0 {
		j = n + j + 1
	}
	if i < 1 {
		i = 1
	}
	if j > n {
		j = n
	}
	if i > j {
		return 0, 0
	}
	return i - 1, j
}

// utilCharAt is util.string.charAt(str, idx) == str:sub(idx, idx).
func utilCharAt(L *lua.LState) int {
	s := L.CheckString(1)
	i := L.CheckInt(2)
	a, b := strRange(len(s), i, i)
	L.Push(lua.LString(s[a:b]))
	return 1
}

// utilCharCodeAt is util.string.charCodeAt(str [, i [, j]]) ==
// string.byte(str, i, j).
func utilCharCodeAt(L *lua.LState) int {
	s := L.CheckString(1)
	i := L.OptInt(2, 1)
	j := L.OptInt(3, i)
	a, b := strRange(len(s), i, j)
	for k := a; k < b; k++ {
		L.Push(lua.LNumber(s[k]))
	}
	return b - a
}

// ---- util.table --------------------------------------------------------

func newUtilTableModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"copy":   utilCopy,
		"clone":  utilClone,
		"freeze": utilFreeze,
		"keys":   utilKeys,
		"merge":  utilMerge,
		"join":   utilJoin,
	} {
		mod.RawSetString(name, L.NewFunction(fn))
	}
	utilExtra(L, "table", mod, requireShared(L, "util.string", newUtilStringModule), requireShared(L, "util.typeof", newTypeofModule))
	return mod
}

// copyTable is a shallow raw copy of t and the number of its entries.
func copyTable(L *lua.LState, t *lua.LTable) (*lua.LTable, int) {
	c := L.NewTable()
	n := 0
	t.ForEach(func(k, v lua.LValue) {
		n++
		c.RawSet(k, v)
	})
	return c, n
}

// utilCopy is util.table.copy(tbl): a shallow copy and its entry count.
func utilCopy(L *lua.LState) int {
	c, n := copyTable(L, L.CheckTable(1))
	L.Push(c)
	L.Push(lua.LNumber(n))
	return 2
}

// maxCloneDepth stops clone on tables that contain themselves, where the
// original recurses until the C stack overflows.
const maxCloneDepth = 200

func cloneTable(L *lua.LState, t *lua.LTable, lv float64, depth int) *lua.LTable {
	if lv == 0 {
		return t
	}
	if depth > maxCloneDepth {
		L.RaiseError("clone: tables nested too deeply (circular reference?)")
	}
	c := L.NewTable()
	t.ForEach(func(k, v lua.LValue) {
		if sub, ok := v.(*lua.LTable); ok {
			v = cloneTable(L, sub, lv-1, depth+1)
		}
		c.RawSet(k, v)
	})
	return c
}

// utilClone is util.table.clone(tbl [, lv]): a copy whose nested tables
// are copied down to lv levels (all levels when lv is not a finite
// number).
func utilClone(L *lua.LState) int {
	t := L.CheckTable(1)
	lv := -1.0
	if isFinite(L.Get(2)) {
		lv = float64(L.Get(2).(lua.LNumber))
	}
	L.Push(cloneTable(L, t, lv, 0))
	return 1
}

// utilFreeze is util.table.freeze(tbl): an empty proxy that reads through
// to tbl and refuses every assignment.
func utilFreeze(L *lua.LState) int {
	t := L.CheckTable(1)
	proxy := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("could not add/modify property to freezed table")
		return 0
	}))
	L.SetMetatable(proxy, mt)
	L.Push(proxy)
	return 1
}

// utilKeys is util.table.keys(tbl): the string keys of tbl (other keys are
// skipped) and their number.
func utilKeys(L *lua.LState) int {
	t := L.CheckTable(1)
	res := L.NewTable()
	n := 0
	t.ForEach(func(k, _ lua.LValue) {
		if _, ok := k.(lua.LString); ok {
			n++
			res.RawSetInt(n, k)
		}
	})
	L.Push(res)
	L.Push(lua.LNumber(n))
	return 2
}

// utilMerge is util.table.merge(tbl, ...): a copy of tbl to which each
// following argument (up to the first nil) is added: a table's numeric-keyed
// values are appended and its other entries set, any other value appended.
// Appending starts after the entry count of tbl, as in lua-util.
func utilMerge(L *lua.LState) int {
	res, n := copyTable(L, L.CheckTable(1))
	for i := 2; i <= L.GetTop(); i++ {
		arg := L.Get(i)
		if arg == lua.LNil {
			break
		}
		t, ok := arg.(*lua.LTable)
		if !ok {
			n++
			res.RawSetInt(n, arg)
			continue
		}
		t.ForEach(func(k, v lua.LValue) {
			if _, num := k.(lua.LNumber); num {
				n++
				res.RawSetInt(n, v)
			} else {
				res.RawSet(k, v)
			}
		})
	}
	L.Push(res)
	return 1
}

// utilJoin is util.table.join(tbl [, sep]): the values under numeric keys,
// as text (tostring for non-strings), joined with sep; and their number.
func utilJoin(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	var parts []string
	t.ForEach(func(k, v lua.LValue) {
		if _, ok := k.(lua.LNumber); !ok {
			return
		}
		if s, ok := v.(lua.LString); ok {
			parts = append(parts, string(s))
		} else {
			parts = append(parts, luaToString(L, v))
		}
	})
	L.Push(lua.LString(strings.Join(parts, sep)))
	L.Push(lua.LNumber(len(parts)))
	return 2
}
