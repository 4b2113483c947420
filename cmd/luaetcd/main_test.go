package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// exeSuffix ends the name of a program built by the tests.
var exeSuffix = map[bool]string{true: ".exe"}[runtime.GOOS == "windows"]

// binary is the luaetcd built once for the tests that run it as a
// process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "luaetcd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "luaetcd"+exeSuffix)
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building luaetcd: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// td is the tests' Lua files, relative to this package's directory.
const td = "../../testdata/cmd/"

// result is what one run of the binary gave.
type result struct {
	stdout, stderr string
	code           int
}

// runBinary runs the built luaetcd with args, only the given environment
// (plus PATH) and stdin.
func runBinary(t *testing.T, args, env []string, stdin string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running luaetcd %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{stdout.String(), stderr.String(), code}
}

// cliCase is one run of the command line and what it must give.
type cliCase struct {
	name  string
	args  []string
	env   []string
	stdin string

	stdout string // exact
	// stderr is the exact standard error when stderrHas is empty;
	// otherwise stderrHas lists substrings it must contain.
	stderr    string
	stderrHas []string
	code      int
}

func (c cliCase) check(t *testing.T, r result) {
	t.Helper()
	if r.code != c.code {
		t.Errorf("exit status %d, want %d\nstdout: %q\nstderr: %q", r.code, c.code, r.stdout, r.stderr)
	}
	if r.stdout != c.stdout {
		t.Errorf("stdout:\n%q\nwant:\n%q", r.stdout, c.stdout)
	}
	if len(c.stderrHas) == 0 {
		if r.stderr != c.stderr {
			t.Errorf("stderr:\n%q\nwant:\n%q", r.stderr, c.stderr)
		}
		return
	}
	for _, s := range c.stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr:\n%s\nwant it to contain %q", r.stderr, s)
		}
	}
}
