package main

import (
	"context"
	"strings"
	"testing"
)

// The runner's state has Lua 5.1's limits (lua51.Options): large joins
// work, and a runaway recursion ends as in lua5.1, with a traceback cut
// to its first and last levels.
func TestRunnerLimits(t *testing.T) {
	r := runInProcess(context.Background(), []string{"-e",
		"local a = {} for i = 1, 100000 do a[i] = 'x' end print(#table.concat(a, ','))"}, nil, "", false)
	if r.code != 0 || r.stdout != "199999\n" {
		t.Fatalf("table.concat of 100000 strings: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	r = runInProcess(context.Background(), []string{"-e", "local function f() f() end f()"}, nil, "", false)
	if r.code != exitError {
		t.Fatalf("runaway recursion: code %d, want %d", r.code, exitError)
	}
	if !strings.HasPrefix(r.stderr, "luaetcd: (command line):1: stack overflow\nstack traceback:\n") {
		t.Errorf("runaway recursion: stderr starts %q", firstLines(r.stderr, 3))
	}
	if n := strings.Count(r.stderr, "\n"); n > 30 {
		t.Errorf("runaway recursion: a traceback of %d lines, want it cut as lua5.1 does", n)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
