package lua51

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRequireMessages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.lua"), []byte("error('boom', 0)"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "syntax.lua"), []byte("x x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "clib.so"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	out := run(t, `
package.path = './?.lua'
package.cpath = './?.so'
print(select(2, pcall(require, 'a.b')))
print(select(2, pcall(require, 'bad')))
print(select(2, pcall(require, 'bad')))
print(select(2, pcall(require, 'clib')))
print((select(2, pcall(require, 'syntax'))):match("^error loading module 'syntax' from file './syntax.lua':") ~= nil)
`)
	want := `module 'a.b' not found:
	no field package.preload['a.b']
	no file './a/b.lua'
	no file './a/b.so'
	no file './a.so'
boom
loop or previous error loading module 'bad'
error loading module 'clib' from file './clib.so':
	` + noCModules + `
true
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestEnvPath(t *testing.T) {
	t.Setenv("LUA_CPATH", "/x/?.so;;")
	if got := envPath("LUA_CPATH", "D"); got != "/x/?.so;D;" {
		t.Errorf("got %q", got)
	}
	os.Unsetenv("LUA_CPATH")
	if got := envPath("LUA_CPATH", "D"); !strings.EqualFold(got, "D") {
		t.Errorf("got %q", got)
	}
}

func TestDefaultPaths(t *testing.T) {
	if _, ok := os.LookupEnv("LUA_PATH"); ok {
		t.Skip("LUA_PATH is set")
	}
	if _, ok := os.LookupEnv("LUA_CPATH"); ok {
		t.Skip("LUA_CPATH is set")
	}
	out := run(t, "print(package.path) print(package.cpath)")
	if want := PathDefault + "\n" + CPathDefault + "\n"; out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if got := ExpandPath("/a/?.lua;;", "D"); got != "/a/?.lua;D;" {
		t.Errorf("ExpandPath: %q", got)
	}
}
