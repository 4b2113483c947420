package compat

import (
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestUtilCases runs testdata/compat/util_cases.lua (util.string and
// util.table) and compares with util_cases.txt, which lua-util's own
// functions print on PUC Lua 5.1 for the same calls.
func TestUtilCases(t *testing.T) {
	L := newState(t)
	if err := L.DoFile(filepath.Join(testdataDir, "util_cases.lua")); err != nil {
		t.Fatal(err)
	}
	got := L.Get(-1).String()
	want := readTestdata(t, "util_cases.txt")
	if got != want {
		t.Errorf("util cases differ:\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUtilModule(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local util = require('util')
		return type(util.inspect), type(util.typeof.uint), type(util.string.split),
			type(util.table.keys), util.inspect({ 1 })`)
	want := []string{"function", "function", "function", "function", "{ \n    [1] = 1\n}"}
	for i, w := range want {
		if res[i].String() != w {
			t.Errorf("result %d: got %q, want %q", i+1, res[i], w)
		}
	}
}

func TestUtilErrors(t *testing.T) {
	L := newState(t)
	for _, c := range []struct{ code, want string }{
		{"require('util.string').split('abc', '')", "empty string"},
		{"require('util.string').split('abc', {})", "string expected, got table"},
		{"require('util.string').trim(nil)", "string expected, got nil"},
		{"require('util.table').copy('x')", "table expected, got string"},
		{"require('util.table').freeze({}).x = 1", "could not add/modify property to freezed table"},
		{"local t = {}; t[1] = t; require('util.table').clone(t)", "nested too deeply"},
	} {
		if got := evalErr(t, L, c.code); !strings.Contains(strings.ToLower(got), strings.ToLower(c.want)) {
			t.Errorf("%s: got %q, want it to contain %q", c.code, got, c.want)
		}
	}
	// a circular table cloned to a finite depth is fine
	if res := eval(t, L, "local t = {}; t[1] = t; local c = require('util.table').clone(t, 2); return c[1][1] == t"); res[0] != lua.LTrue {
		t.Error("clone(t, 2) of a circular table")
	}
}

// TestUtilMoreCases runs testdata/compat/util_more_cases.lua (the rest of
// lua-util 1.2.1: get/set, enumerate/flatten, the array functions,
// extend/unextend, eval) and compares with util_more_cases.txt, which
// lua-util 1.2.1 itself prints on PUC Lua 5.1.
func TestUtilMoreCases(t *testing.T) {
	L := newState(t)
	if err := L.DoFile(filepath.Join(testdataDir, "util_more_cases.lua")); err != nil {
		t.Fatal(err)
	}
	got := L.Get(-1).String()
	want := readTestdata(t, "util_more_cases.txt")
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("line %d:\n got: %s\nwant: %s", i+1, g, w)
		}
	}
}
