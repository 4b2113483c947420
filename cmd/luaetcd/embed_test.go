package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
)

var (
	moduleOnce  sync.Once
	moduleError string
)

// requireEtcdModule fails the test early, with a clear message, when
// require('etcd.luasocket') does not give a working client, rather than
// letting each script fail in its own way.
func requireEtcdModule(t *testing.T) {
	t.Helper()
	moduleOnce.Do(func() {
		r := runBinary(t, []string{"-e",
			"local E = require('etcd.luasocket') local c = assert(E.new()) assert(type(c.set) == 'function')"}, nil, "")
		if r.code != 0 {
			moduleError = r.stderr
		}
	})
	if moduleError != "" {
		t.Fatalf("etcd module not usable: %s", firstLine(moduleError))
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func TestEmbedRunsScriptQuietly(t *testing.T) {
	tmp := t.TempDir()
	r := runBinary(t, []string{"--embed", "-e", "print('ran', ...)"}, []string{"TMPDIR=" + tmp}, "")
	cliCase{stdout: "ran\n"}.check(t, r)
	assertEmptyDir(t, tmp)
}

func TestEmbedVerbose(t *testing.T) {
	tmp := t.TempDir()
	r := runBinary(t, []string{"--embed", "--verbose", "-e", "print('ran')"}, []string{"TMPDIR=" + tmp}, "")
	cliCase{stdout: "ran\n", stderrHas: []string{"luaetcd: embedded etcd at http://127.0.0.1:", "removed at exit",
		"luaetcd: etcd API v2 (GET http://127.0.0.1:", "the v2 API is served)"}}.check(t, r)
	// Where etcd listens, and which API the clients use.
	if n := strings.Count(r.stderr, "\n"); n != 2 {
		t.Errorf("stderr has %d lines, want 2: %q", n, r.stderr)
	}
	assertEmptyDir(t, tmp)
}

func TestEmbedOSExitCleansUp(t *testing.T) {
	tmp := t.TempDir()
	r := runBinary(t, []string{"--embed", "-e", "print('x') os.exit(3)"}, []string{"TMPDIR=" + tmp}, "")
	cliCase{stdout: "x\n", code: 3}.check(t, r)
	assertEmptyDir(t, tmp)
}

func TestEmbedErrorCleansUp(t *testing.T) {
	tmp := t.TempDir()
	r := runBinary(t, []string{"--embed", "-e", "error('boom')"}, []string{"TMPDIR=" + tmp}, "")
	cliCase{stderrHas: []string{"luaetcd: (command line):1: boom"}, code: 1}.check(t, r)
	assertEmptyDir(t, tmp)
}

func TestEmbedDataDirKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	r := runBinary(t, []string{"--embed", "--data-dir", dir, "-e", "print('ran')"}, nil, "")
	cliCase{stdout: "ran\n"}.check(t, r)
	if _, err := os.Stat(filepath.Join(dir, "member")); err != nil {
		t.Errorf("data dir not kept: %v", err)
	}
}

func TestEmbedSetThroughModule(t *testing.T) {
	requireEtcdModule(t)
	tmp := t.TempDir()
	r := runBinary(t, []string{"--embed", "-e",
		"local c=require('etcd.luasocket').new(); local r=c:set('/x', 1); print(r.status)"},
		[]string{"TMPDIR=" + tmp}, "")
	cliCase{stdout: "201\n"}.check(t, r)
	assertEmptyDir(t, tmp)
}

// TestConnectionDefaults checks that flags and environment reach
// Etcd.new() without host, against an etcd the test starts itself.
func TestConnectionDefaults(t *testing.T) {
	requireEtcdModule(t)
	srv, err := embedetcd.Start(embedetcd.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url := srv.ClientURL
	hostport := strings.TrimPrefix(url, "http://")
	const set = "local c = require('etcd.luasocket').new() local r = c:set('/k', ...) print(r.status)"
	const get = "local c = require('etcd.luasocket').new() local r = c:get(...) print(r.status, r.body.node.value)"
	steps := []struct {
		name string
		args []string
		env  []string
		out  string
	}{
		{"flag", []string{"--endpoints", url, "-", "v1"}, nil, "201\n"},
		{"flag list", []string{"--endpoints=" + url + ",http://127.0.0.1:1", "-", "v2"}, nil, "200\n"},
		{"env", []string{"-", "v3"}, []string{"LUAETCD_ENDPOINTS=" + url}, "200\n"},
		{"etcdctl env", []string{"-", "v4"}, []string{"ETCDCTL_ENDPOINTS=" + hostport}, "200\n"},
		{"flag wins", []string{"--endpoints", url, "-", "v5"}, []string{"LUAETCD_ENDPOINTS=http://127.0.0.1:1"}, "200\n"},
		{"prefix", []string{"--endpoints", url, "--prefix", "/pre", "-", "v6"}, nil, "201\n"},
	}
	for _, s := range steps {
		r := runBinary(t, s.args, s.env, set)
		if r.stdout != s.out || r.code != 0 {
			t.Errorf("%s: got %q %q status %d, want %q", s.name, r.stdout, r.stderr, r.code, s.out)
		}
	}
	r := runBinary(t, []string{"--endpoints", url, "-", "/pre/k"}, nil, get)
	cliCase{stdout: "200\tv6\n"}.check(t, r)
	r = runBinary(t, []string{"-", "/k"}, []string{"LUAETCD_ENDPOINTS=" + url, "LUAETCD_PREFIX=/"}, get)
	cliCase{stdout: "200\tv5\n"}.check(t, r)
	// A timeout of 1 s turns an endless wait into lua-etcd's 408.
	r = runBinary(t, []string{"--endpoints", url, "--timeout", "1", "-e",
		"local c = require('etcd.luasocket').new() print(c:wait('/never').status)"}, nil, "")
	cliCase{stdout: "408\n"}.check(t, r)
}
