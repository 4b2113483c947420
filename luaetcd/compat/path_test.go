package compat

import (
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestNormalizeCases runs testdata/compat/normalize_cases.lua and compares
// with normalize_cases.txt, which lua-path's normalize prints on PUC Lua
// 5.1 for the same calls.
func TestNormalizeCases(t *testing.T) {
	L := newState(t)
	if err := L.DoFile(filepath.Join(testdataDir, "normalize_cases.lua")); err != nil {
		t.Fatal(err)
	}
	got := L.Get(-1).String()
	want := readTestdata(t, "normalize_cases.txt")
	if got != want {
		t.Errorf("normalize differs:\n got:\n%s\nwant:\n%s", got, want)
	}
}

// normalizeModel restates lua-path's algorithm step by step (join with
// "/", then walk the segments); the test checks that keypath.Normalize,
// which path.normalize uses, agrees with it.
func normalizeModel(parts []string) string {
	var segs []string
	for _, seg := range strings.Split(strings.Join(parts, "/"), "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, seg)
		}
	}
	return "/" + strings.Join(segs, "/")
}

func TestNormalizeMatchesModel(t *testing.T) {
	L := newState(t)
	normalize := eval(t, L, "return require('path').normalize")[0]
	atoms := []string{"", "/", "//", ".", "..", "...", "a", "b.c", " ", "a/", "/b", "../x", "./y/"}
	n := 0
	var walk func(parts []string, depth int)
	walk = func(parts []string, depth int) {
		if len(parts) > 0 {
			L.Push(normalize)
			for _, p := range parts {
				L.Push(lua.LString(p))
			}
			L.Call(len(parts), 1)
			got := L.Get(-1).String()
			L.Pop(1)
			if want := normalizeModel(parts); got != want {
				t.Errorf("normalize(%q) = %q, want %q", parts, got, want)
			}
			n++
		}
		if depth == 0 {
			return
		}
		for _, a := range atoms {
			walk(append(append([]string{}, parts...), a), depth-1)
		}
	}
	walk(nil, 3)
	if n < 1000 {
		t.Errorf("only %d calls checked", n)
	}
}
