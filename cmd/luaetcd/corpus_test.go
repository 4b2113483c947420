package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Lua 5.1 corpus (testdata/lua51, checked in detail in-process by
// package lua51) also runs through the built runner, as operators run
// scripts, side by side with Debian's lua5.1: every line must match except
// the lines a script tags "[KDn]", the known differences listed in
// testdata/lua51/KNOWN_DIFFERENCES.md.
func TestCorpusAgainstLua51(t *testing.T) {
	ref, err := exec.LookPath("lua5.1")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("lua5.1 is missing; .ci/run installs it")
		}
		t.Skip("lua5.1 not installed (apt-get install lua5.1)")
	}
	dir := "../../testdata/lua51"
	files, err := filepath.Glob(filepath.Join(dir, "*.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	tag := regexp.MustCompile(`^\[KD\d+\]`)
	// Scripts marked as using the host's modules (socket, ltn12) compare
	// with Debian's lua-socket.
	luaSocket := exec.Command(ref, "-e", "require('socket.http'); require('socket.url'); require('ltn12')").Run() == nil
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			if src, err := os.ReadFile(f); err == nil && strings.HasPrefix(string(src), "-- corpus: host modules") && !luaSocket {
				if os.Getenv("CI") != "" {
					t.Fatal("lua-socket is missing; .ci/run installs it")
				}
				t.Skip("lua-socket for lua5.1 not installed (apt-get install lua-socket)")
			}
			want := output(t, dir, ref, name)
			got := output(t, dir, binary, name)
			w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
			if len(w) != len(g) {
				t.Fatalf("lua5.1 printed %d lines, luaetcd %d\nlua5.1:\n%s\nluaetcd:\n%s", len(w), len(g), want, got)
			}
			for i := range w {
				if w[i] != g[i] && !(tag.MatchString(w[i]) && tag.MatchString(g[i])) {
					t.Errorf("line %d:\nlua5.1:  %q\nluaetcd: %q", i+1, w[i], g[i])
				}
			}
		})
	}
}

// output runs a corpus script with an interpreter, in the corpus folder,
// and returns what it printed; the scripts catch their own errors.
func output(t *testing.T, dir, interp, name string) string {
	t.Helper()
	cmd := exec.Command(interp, name)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", interp, name, err, out)
	}
	return string(out)
}
