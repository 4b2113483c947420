package compat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// testdataDir is the repository's testdata/compat folder.
var testdataDir = filepath.Join("..", "..", "testdata", "compat")

// newState returns a Lua state with the standard libraries and Preload.
func newState(t *testing.T) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	Preload(L)
	return L
}

// eval runs code (a chunk ending in a return) and returns its results.
func eval(t *testing.T, L *lua.LState, code string) []lua.LValue {
	t.Helper()
	top := L.GetTop()
	if err := L.DoString(code); err != nil {
		t.Fatalf("running %q: %v", code, err)
	}
	n := L.GetTop() - top
	out := make([]lua.LValue, n)
	for i := 0; i < n; i++ {
		out[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return out
}

// evalErr runs code that must fail and returns the error text.
func evalErr(t *testing.T, L *lua.LState, code string) string {
	t.Helper()
	err := L.DoString(code)
	if err == nil {
		t.Fatalf("running %q: expected an error", code)
	}
	if apiErr, ok := err.(*lua.ApiError); ok {
		return apiErr.Object.String()
	}
	return err.Error()
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPreloadRegistersModules(t *testing.T) {
	L := newState(t)
	for _, name := range []string{"util", "util.typeof", "util.string", "util.table", "cjson", "cjson.safe", "path"} {
		res := eval(t, L, "return type(require('"+name+"'))")
		if res[0].String() != "table" {
			t.Errorf("require(%q) gave %s", name, res[0])
		}
	}
}

func TestUtilSharesSubmodules(t *testing.T) {
	L := newState(t)
	for _, order := range []string{
		"local u = require('util'); return u.typeof == require('util.typeof') and u.string == require('util.string') and u.table == require('util.table')",
	} {
		if res := eval(t, L, order); res[0] != lua.LTrue {
			t.Errorf("%s: got %v", order, res[0])
		}
	}
	L2 := newState(t)
	if res := eval(t, L2, "local ty = require('util.typeof'); return require('util').typeof == ty"); res[0] != lua.LTrue {
		t.Errorf("util.typeof loaded first is not shared with util")
	}
}

func TestLuaErrorsNotGoPanics(t *testing.T) {
	L := newState(t)
	for _, code := range []string{
		"require('util').inspect({}, 2)",
		"require('util.string').split(nil, ',')",
		"require('util.table').keys(1)",
		"require('cjson').decode({})",
		"require('cjson').encode()",
		"require('cjson').encode(1, 2)",
		"require('cjson').encode(print)",
		"require('cjson').encode_number_precision(15)",
		"require('cjson').encode_keep_buffer('maybe')",
		"require('cjson').encode_max_depth(1, 2)",
	} {
		msg := evalErr(t, L, code)
		if strings.Contains(msg, "goroutine") || msg == "" {
			t.Errorf("%s: unexpected error %q", code, msg)
		}
	}
}
