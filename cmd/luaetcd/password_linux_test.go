package main

import (
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// TestRunnerPasswordPromptOnTTY runs the binary on a pseudo-terminal: it
// asks for the password there and the typed password is not echoed.
func TestRunnerPasswordPromptOnTTY(t *testing.T) {
	requireEtcdModule(t)
	srv := etcdtest.StartAuth(t)
	p := startOnPTY(t, []string{"--endpoints", srv.ClientURL, "--user", "reader",
		"-e", "local e = require('etcd.luasocket').new():get('/ro/k') print('status', e.status, e.body.node.value)"}, nil)
	p.waitFor("Password for reader: ", 0)
	p.typeKeys(etcdtest.ReaderPassword + "\n")
	if code := p.exitCode(); code != 0 {
		t.Errorf("runner: exit status %d", code)
	}
	p.waitFor("status", 0)
	screen := p.output()
	if !strings.Contains(screen, "status\t200\thello") {
		t.Errorf("screen %q lacks the script's output", screen)
	}
	if strings.Contains(screen, etcdtest.ReaderPassword) {
		t.Errorf("the password was echoed: %q", screen)
	}
}

// Ctrl-C at the password prompt stops the runner with 130 and gives the
// terminal back with echo on.
func TestRunnerPasswordPromptCtrlC(t *testing.T) {
	p := startOnPTY(t, []string{"--endpoints", "http://127.0.0.1:1", "--user", "reader", "-e", "print('ran')"}, nil)
	p.waitFor("Password for reader: ", 0)
	p.typeKeys("half" + keyCtrlC)
	if code := p.exitCode(); code != exitInterrupted {
		t.Errorf("exit status %d after Ctrl-C at the password prompt, want %d; terminal: %q", code, exitInterrupted, p.output())
	}
	p.waitFor("interrupted", 0)
	if strings.Contains(p.output(), "ran") || strings.Contains(p.output(), "half") {
		t.Errorf("terminal: %q", p.output())
	}
	p.assertTerminalRestored()
}
