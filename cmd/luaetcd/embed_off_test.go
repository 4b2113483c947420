package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A binary built with -tags noembed leaves etcd's server out (it starts
// several times faster): it runs scripts as usual and refuses --embed with
// a clear message.
func TestNoEmbedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a second binary")
	}
	slim := filepath.Join(t.TempDir(), "luaetcd-slim"+exeSuffix)
	if out, err := exec.Command("go", "build", "-tags", "noembed", "-o", slim, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags noembed: %v\n%s", err, out)
	}
	out, err := exec.Command(slim, "-e", "print(require('etcd.luasocket') ~= nil)").CombinedOutput()
	if err != nil || string(out) != "true\n" {
		t.Fatalf("slim binary: %v, %q", err, out)
	}
	cmd := exec.Command(slim, "--embed", "-e", "print(1)")
	out, err = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != exitError || !strings.Contains(string(out), "built with -tags noembed") {
		t.Fatalf("--embed on the slim binary: exit %d, %q (%v)", cmd.ProcessState.ExitCode(), out, err)
	}
}
