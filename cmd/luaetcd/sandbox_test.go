package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// escapeCorpus is the library's corpus of escape attempts.
const escapeCorpus = "../../luaetcd/testdata/sandbox/escape/"

// The escape corpus run by the runner under --sandbox --jail /tenant/a:
// every script exits 0 (its attempts failed or stayed inside), the busy
// loop is stopped by --budget, and the keys outside the jail are as they
// were, read over plain HTTP.
func TestRunnerEscapeCorpus(t *testing.T) {
	srv, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for k, v := range map[string]string{"/tenant/b/secret": "b's secret", "/outside": "outside", "/tenant/ab/x": "sibling"} {
		etcdtest.Put(t, srv.ClientURL, k, v)
	}
	before := etcdtest.Outside(etcdtest.Keys(t, srv.ClientURL), "/tenant/a")
	scripts, _ := filepath.Glob(escapeCorpus + "*.lua")
	if len(scripts) < 10 {
		t.Fatalf("only %d corpus scripts", len(scripts))
	}
	env := map[string]string{"LUAETCD_PASSWORD": "s3cret-host-pw"}
	globals := "HOST_URL='" + srv.ClientURL + "' HOST_PASSWORD='s3cret-host-pw' MEMBER='default'"
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".lua")
		t.Run(name, func(t *testing.T) {
			args := []string{"--sandbox", "--jail", "/tenant/a", "--endpoints", srv.ClientURL, "--peer", srv.PeerURL,
				"--user", "root", "--budget", "20", "-e", globals, script}
			want := cliCase{}
			if name == "busy" {
				args[10] = "0.3"
				want = cliCase{stderr: "luaetcd: stopped: the script used up its budget of 300ms\n", code: exitError}
			}
			want.check(t, runInProcess(context.Background(), args, env, "", false))
		})
	}
	if got := etcdtest.Outside(etcdtest.Keys(t, srv.ClientURL), "/tenant/a"); !reflect.DeepEqual(got, before) {
		t.Errorf("keys outside the jail changed:\nbefore %v\n after %v", before, got)
	}
}

// The new flags are checked like the others.
func TestSandboxFlags(t *testing.T) {
	for _, c := range []cliCase{
		{args: []string{"--jail", "/"}, stderrHas: []string{"bad argument to '--jail' (want a prefix below the root"}, code: exitUsage},
		{args: []string{"--budget", "0"}, stderrHas: []string{"bad argument to '--budget'"}, code: exitUsage},
		{args: []string{"--sandbox", "-e", "print(pcall(io.open, '/etc/passwd'))"}, stderrHas: []string{"io.open is not available in the sandbox"}, code: exitError},
		{args: []string{"--sandbox", "-e", "os.exit(3)"}, code: 3},
		{args: []string{"--budget", "0.2", "-e", "while true do end"}, stderr: "luaetcd: stopped: the script used up its budget of 200ms\n", code: exitError},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			c.check(t, runInProcess(context.Background(), c.args, nil, "", false))
		})
	}
}

// One call that runs on past --budget (a backtracking pattern match never
// reaches the next instruction): the runner exits with status 1 a second
// after the budget, with a message, without waiting for the call.
func TestBudgetHardStop(t *testing.T) {
	exited := make(chan int, 1)
	var stderr lockedBuffer // the watchdog and the run both write
	start := time.Now()
	ran := make(chan int)
	go func() {
		ran <- run(config{
			Args:   []string{"luaetcd", "--budget", "0.2", "-e", "local s = ('a'):rep(90) s:find(('.-'):rep(4) .. 'b')"},
			Stderr: &stderr,
			Exit:   func(code int) { exited <- code },
		})
	}()
	select {
	case code := <-exited:
		took := time.Since(start)
		if code != exitError || took < 1200*time.Millisecond || took > 3*time.Second {
			t.Errorf("exit %d after %v, want %d after about 1.2s", code, took, exitError)
		}
	case code := <-ran:
		t.Fatalf("the match ended first (status %d, %v): make the pattern slower", code, time.Since(start))
	}
	<-ran // the match itself runs on in this test process until it ends
	if !strings.Contains(stderr.String(), "luaetcd: stopped: the script used up its budget of 200ms and did not stop within 1s") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// lockedBuffer is a strings.Builder safe for writers on several
// goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
