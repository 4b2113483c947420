package compat

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// The scripts of the Lua 5.1 corpus (testdata/lua51) that start with
// hostModulesMark use these modules (socket, socket.url, ltn12, ...), which
// package lua51's corpus test does not have. They run here in-process, as
// our hosts build states (lua51.NewState, then Preload), side by side with
// Debian's lua5.1 and its lua-socket; every line must match but those both
// sides tag "[KDn]" (testdata/lua51/KNOWN_DIFFERENCES.md, checked there).

const (
	corpusDir       = "../../testdata/lua51"
	hostModulesMark = "-- corpus: host modules"
)

var kdTag = regexp.MustCompile(`^\[KD\d+\]`)

// needLuaSocket returns lua5.1's path, or skips (fails under CI) when
// lua5.1 or its lua-socket is missing.
func needLuaSocket(t *testing.T) string {
	t.Helper()
	lua51Path, err := exec.LookPath("lua5.1")
	if err == nil {
		err = exec.Command(lua51Path, "-e", "require('socket.http'); require('socket.url'); require('ltn12')").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("lua5.1 with lua-socket is needed for the comparison (apt-get install lua5.1 lua-socket): %v", err)
		}
		t.Skipf("lua5.1 with lua-socket not installed (apt-get install lua5.1 lua-socket): %v", err)
	}
	return lua51Path
}

// hostState is a state as NewState builds one, printing into out.
func hostState(t *testing.T, out *bytes.Buffer) *lua.LState {
	L := lua51.NewState() // lua51.Options, then lua51.Open
	t.Cleanup(L.Close)
	Preload(L)
	L.SetGlobal("print", L.NewFunction(lua51.NewPrint(out)))
	return L
}

func compareLines(t *testing.T, want, got string) {
	t.Helper()
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		wt, gt := kdTag.FindString(w), kdTag.FindString(g)
		if w == g || (wt != "" && wt == gt) {
			continue
		}
		t.Errorf("line %d differs\nlua5.1: %q\nours:   %q", i+1, w, g)
	}
}

func TestCorpusWithHostModules(t *testing.T) {
	ref := needLuaSocket(t)
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(src, []byte(hostModulesMark)) {
			continue
		}
		ran++
		file := filepath.Base(path)
		t.Run(strings.TrimSuffix(file, ".lua"), func(t *testing.T) {
			cmd := exec.Command(ref, file)
			cmd.Dir = corpusDir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("lua5.1 %s: %v\n%s", file, err, stderr.String())
			}
			var out bytes.Buffer
			L := hostState(t, &out)
			t.Chdir(corpusDir)
			fn, err := L.Load(bytes.NewReader(src), file)
			if err != nil {
				t.Fatal(err)
			}
			L.Push(fn)
			if err := L.PCall(0, 0, nil); err != nil {
				t.Fatalf("ours: %v\noutput:\n%s", err, out.String())
			}
			compareLines(t, string(want), out.String())
		})
	}
	if ran < 2 {
		t.Errorf("only %d corpus scripts use the host modules", ran)
	}
}
