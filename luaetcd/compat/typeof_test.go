package compat

import (
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestTypeofMatrix runs testdata/compat/typeof_matrix.lua and compares the
// answers of every checker for every edge value with typeof_matrix.txt,
// which is what lua-util's typeof module prints on PUC Lua 5.1.
func TestTypeofMatrix(t *testing.T) {
	L := newState(t)
	if err := L.DoFile(filepath.Join(testdataDir, "typeof_matrix.lua")); err != nil {
		t.Fatal(err)
	}
	got := L.Get(-1).String()
	want := readTestdata(t, "typeof_matrix.txt")
	if got != want {
		t.Errorf("typeof matrix differs:\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestTypeofAliasesAndConstants(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local typeof = require('util.typeof')
		return typeof.Function(print), typeof.Nil(nil), typeof.Function({}),
			typeof.T_NIL, typeof.T_FUNCTION, typeof.T_UINT32, typeof.T_NON,
			typeof[typeof.T_UINT](3), require('util').typeof.int(-3)`)
	want := []lua.LValue{lua.LTrue, lua.LTrue, lua.LFalse, lua.LString("nil"), lua.LString("function"),
		lua.LString("uint32"), lua.LString("non"), lua.LTrue, lua.LTrue}
	for i, w := range want {
		if res[i] != w {
			t.Errorf("result %d: got %v, want %v", i+1, res[i], w)
		}
	}
}

func TestTypeofLikeLuaEtcd(t *testing.T) {
	// The checks etcd.lua makes on its options and arguments.
	L := newState(t)
	res := eval(t, L, `
		local typeof = require('util.typeof')
		return typeof.uint(4001), typeof.uint(-1), typeof.uint(1.5), typeof.uint('4001'),
			typeof.int(-1), typeof.int(0/0), typeof.table({}), typeof.boolean(false),
			typeof.string(''), typeof['uint'](2^40)`)
	want := []bool{true, false, false, false, true, false, true, true, true, true}
	for i, w := range want {
		if res[i] != lua.LBool(w) {
			t.Errorf("result %d: got %v, want %v", i+1, res[i], w)
		}
	}
}
