package compat

import (
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	"math"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestInspectCases runs testdata/compat/inspect_cases.lua and compares each
// text with testdata/compat/inspect/<name>.txt byte for byte. The expected
// texts are what lua-util 1.2.1's inspect prints on PUC Lua 5.1 for the
// same cases (all of them use tables whose traversal order is the same in
// Lua 5.1 and gopher-lua).
func TestInspectCases(t *testing.T) {
	L := newState(t)
	if err := L.DoFile(filepath.Join(testdataDir, "inspect_cases.lua")); err != nil {
		t.Fatal(err)
	}
	cases := L.Get(-1).(*lua.LTable)
	seen := map[string]bool{}
	cases.ForEach(func(_, c lua.LValue) {
		name := c.(*lua.LTable).RawGetInt(1).String()
		got := c.(*lua.LTable).RawGetInt(2).String()
		seen[name] = true
		want := readTestdata(t, filepath.Join("inspect", name+".txt"))
		if got != want {
			t.Errorf("%s:\n got: %q\nwant: %q", name, got, want)
		}
	})
	files, _ := filepath.Glob(filepath.Join(testdataDir, "inspect", "*.txt"))
	for _, f := range files {
		name := filepath.Base(f)
		name = name[:len(name)-len(".txt")]
		if !seen[name] && !goOrderCases[name] {
			t.Errorf("testdata %s has no case", f)
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d cases ran", len(seen))
	}
}

// goOrderCases are cases with several hash keys: the original walks tables
// with next(), so on gopher-lua the keys come in gopher-lua's order (array
// part, then keys in insertion order). Their expected texts were checked by
// running lua-util's inspect source itself on gopher-lua.
var goOrderCases = map[string]bool{}

func init() {
	for name := range goOrderSources {
		goOrderCases[name] = true
	}
}

var goOrderSources = map[string]string{
	"order_mixed":           `return inspect({ 'first', 'second', name = 'n', [2.5] = 'f', nested = { z = 1, a = 2, 'arr' }, ['x-y'] = true })`,
	"order_false_key_stops": `local t = { 1, a = 1 }; t[false] = 2; t.b = 3; return inspect(t)`,
	"order_etcd_entity":     `return inspect({ status = 200, header = { ['X-Etcd-Index'] = '7' }, body = { action = 'get', node = { key = '/a', value = 'v', modifiedIndex = 7, createdIndex = 7 } } })`,
}

func TestInspectGopherOrder(t *testing.T) {
	for name, src := range goOrderSources {
		L := newState(t)
		res := eval(t, L, "local inspect = require('util').inspect; "+src)
		want := readTestdata(t, filepath.Join("inspect", name+".txt"))
		if got := res[0].String(); got != want {
			t.Errorf("%s:\n got: %q\nwant: %q", name, got, want)
		}
	}
}

func TestInspectNumbers(t *testing.T) {
	for _, c := range []struct {
		n    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "-0"}, {1, "1"}, {-1, "-1"}, {0.1, "0.1"},
		{1e14, "1e+14"}, {99999999999999, "99999999999999"}, {1e15, "1e+15"},
		{1.0 / 3, "0.33333333333333"}, {1e-4, "0.0001"}, {1e-5, "1e-05"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
		{math.NaN(), "nan"}, {math.Copysign(math.NaN(), -1), "-nan"},
		{4294967295, "4294967295"}, {123456789012345678, "1.2345678901235e+17"},
	} {
		if got := lua51.FormatNumber(c.n); got != c.want {
			t.Errorf("lua51.FormatNumber(%v) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestInspectUserdata(t *testing.T) {
	L := newState(t)
	ud := L.NewUserData()
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<conn>"))
		return 1
	}))
	L.SetMetatable(ud, mt)
	L.SetGlobal("ud", ud)
	res := eval(t, L, "local inspect = require('util').inspect; return inspect({ ud }), inspect(ud)")
	if res[0].String() != "{ \n    [1] = \"<conn>\"\n}" || res[1].String() != "<conn>" {
		t.Errorf("got %q and %q", res[0], res[1])
	}
	plain := L.NewUserData()
	L.SetGlobal("plain", plain)
	res = eval(t, L, "return require('util').inspect({ plain }), tostring(plain)")
	if want := "{ \n    [1] = \"" + res[1].String() + "\"\n}"; res[0].String() != want {
		t.Errorf("got %q, want %q", res[0], want)
	}
}

// TestInspectOptionErrors: options lua-util 1.2.1 cannot use raise (as
// its string.format and indexing do) rather than being ignored.
func TestInspectOptionErrors(t *testing.T) {
	L := newState(t)
	for _, c := range []struct{ code, want string }{
		{"return require('util').inspect({}, 2)", "attempt to index local 'opt' (a number value)"},
		{"return require('util').inspect({}, { depth = 'wide' })", "invalid option '%w' to 'format'"},
		{"return require('util').inspect({}, { depth = 1/0 })", "bad argument #2 to 'format' (number expected, got string)"},
		{"return require('util').inspect({}, { depth = 100 })", "width or precision too long"},
		{"return require('util').inspect({}, { depth = {} })", "attempt to concatenate a table value"},
		{"return require('util').inspect(1, {})", "attempt to call field 'callback' (a nil value)"},
		{"return require('util').inspect({ {} }, { callback = function(v, t, w) if w == 'value' then return {}, true end end })", "invalid value (at index 3) in table for 'concat'"},
		{"return require('util').inspect({ 1 }, { callback = function(v, t, w) if w == 'index' then return 'nokey' end end })", "invalid key to 'next'"},
	} {
		if msg := evalErr(t, L, c.code); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", c.code, msg, c.want)
		}
	}
	// a string opt indexes the string library: the defaults apply
	if res := eval(t, L, "return require('util').inspect({ 1 }, 'x')"); res[0].String() != "{ \n    [1] = 1\n}" {
		t.Errorf("string opt: %q", res[0])
	}
}
