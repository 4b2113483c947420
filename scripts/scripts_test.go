// The tests run every example script with the luaetcd runner, each run
// against its own freshly started embedded etcd (--embed), and compare what
// the script prints with testdata/<name>.out byte for byte. The expected
// files were written from what a correct client must print and reviewed by
// hand; note that util.inspect ends every "{ " with a space, so editors that
// strip trailing blanks must leave testdata/ alone. Run with -update to
// rewrite them after an intended change, and read the diff.
package scripts_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
)

var update = flag.Bool("update", false, "rewrite testdata/*.out with what the scripts print")

// binary is the luaetcd runner, built once in TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "luaetcd-scripts-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "luaetcd")
	out, err := exec.Command("go", "build", "-o", binary, "github.com/luaetcd/go-luaetcd/cmd/luaetcd").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building luaetcd: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runTimeout bounds one run of the runner (etcd start-up included).
const runTimeout = 2 * time.Minute

// command returns the runner with args, in the scripts directory, with a
// clean environment so that no LUAETCD_* / ETCDCTL_* / LUA_* variable of
// the developer's shell changes what the scripts do.
func command(ctx context.Context, t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs the runner with args and returns its standard output; the run
// must exit with status 0 and write nothing on standard error.
func run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := command(ctx, t, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || stderr.Len() != 0 {
		t.Fatalf("luaetcd %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// golden compares got with testdata/name byte for byte (or rewrites the
// file with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line of want and got, and both texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("first difference at line %d:\nwant %q\ngot  %q\n--- got:\n%s", i+1, wl, gl, got)
		}
	}
	return "(same lines, different bytes)"
}

// TestTour runs every client method once against a fresh etcd.
func TestTour(t *testing.T) {
	t.Parallel()
	golden(t, "tour.out", run(t, "--embed", "tour.lua"))
}

// TestConfig exports a seeded subtree, imports it into another prefix
// (twice: the second import must write nothing), exports that again, then
// wipes the original, imports it back and exports it once more: all three
// exported files must be identical, and equal to testdata/config_app.json.
// The steps are separate runs sharing one --data-dir, so each run restarts
// the embedded etcd on the data the previous run left.
func TestConfig(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "etcd")
	configRoundTrip(t, "--embed", "--data-dir", data)
}

// configRoundTrip runs TestConfig's steps with target, the runner flags
// that reach the etcd.
func configRoundTrip(t *testing.T, target ...string) {
	t.Helper()
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	var transcript strings.Builder
	step := func(args ...string) {
		t.Helper()
		transcript.WriteString("$ " + strings.Join(args, " ") + "\n")
		all := append(append([]string(nil), target...), args...)
		transcript.WriteString(run(t, all...))
	}
	step("testdata/config_seed.lua")
	step("config.lua", "export", "/app", file("app.json"))
	step("config.lua", "import", "/copy", file("app.json"))
	step("config.lua", "import", "/copy", file("app.json"))
	step("config.lua", "export", "/copy", file("copy.json"))
	step("-e", "assert(require('etcd.luasocket').new():rmdir('/app', true).status == 200)")
	step("config.lua", "import", "/app", file("app.json"))
	step("config.lua", "export", "/app", file("again.json"))
	// Rename the temporary directory out of the transcript.
	golden(t, "config.out", strings.ReplaceAll(transcript.String(), dir, "$TMP"))

	app, err := os.ReadFile(file("app.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "config_app.json", string(app))
	for _, name := range []string{"copy.json", "again.json"} {
		got, err := os.ReadFile(file(name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, app) {
			t.Errorf("%s differs from the first export:\n%s", name, lineDiff(string(app), string(got)))
		}
	}
}

// TestLock runs the two-contender lock demo: alice holds the lock past its
// TTL by refreshing it, bob fails while she holds it and gets it after her
// release, then alice gets it after bob's lock expired.
func TestLock(t *testing.T) {
	t.Parallel()
	golden(t, "lock.out", run(t, "--embed", "lock.lua"))
}

// TestQueue runs the producer / two workers demo: every job is processed
// exactly once, stale listings give "already taken" (404) and "changed
// since listed" (412).
func TestQueue(t *testing.T) {
	t.Parallel()
	golden(t, "queue.out", run(t, "--embed", "queue.lua"))
}

// TestWatch runs watch.lua and a writer as two runner processes against one
// etcd. The watcher is single-threaded Lua, so the changes it reacts to
// must come from another process while it blocks in wait; --embed would
// give each process its own etcd, so this test starts one etcd itself (the
// same embedded etcd 3.5 the runner uses) and passes its URL to both with
// --endpoints. The order is made deterministic by the watcher's output:
//
//  1. set /cfg/feature = "off" (a -e run);
//  2. start watch.lua with --lag 1100: it reads the key, then makes 1100
//     writes to another key, so its first wait asks for an index that has
//     left etcd's 1000-event history: etcd answers errorCode 401 (with
//     HTTP status 400), and the script must re-read the key and wait from
//     X-Etcd-Index + 1;
//  3. once it prints "waiting for changes" after that recovery, sleep
//     three times its --timeout 1, so its wait times out (408) and is
//     retried at least once;
//  4. run the writer, whose changes the watcher prints until the "stop"
//     value (the writer's last write, after "stop", must not be seen).
func TestWatch(t *testing.T) {
	t.Parallel()
	srv, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	watchRoundTrip(t, nil, "--endpoints", srv.ClientURL, "--peer", srv.PeerURL)
}

// watchRoundTrip runs TestWatch's steps with ep, the runner flags that
// reach the etcd. lagging, when not nil, is called once /cfg/feature is
// set and before watch.lua starts; it must make the watcher's first wait
// index leave the etcd's history (etcd 3.5's v2 store does that by itself
// after 1000 events).
func watchRoundTrip(t *testing.T, lagging func(), ep ...string) {
	t.Helper()
	run(t, append(ep, "-e", "assert(require('etcd.luasocket').new():set('/cfg/feature', 'off').status == 201)")...)
	if lagging != nil {
		lagging()
	}

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	watcher := command(ctx, t, append(ep, "watch.lua", "/cfg/feature", "--timeout", "1", "--lag", "1100")...)
	var stderr bytes.Buffer
	watcher.Stderr = &stderr
	pipe, err := watcher.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watcher.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	lines := bufio.NewScanner(pipe)
	recovered, wrote := false, false
	for lines.Scan() {
		line := lines.Text()
		out.WriteString(line + "\n")
		switch {
		case strings.HasPrefix(line, "event index cleared"):
			recovered = true
		case line == "waiting for changes" && recovered && !wrote:
			wrote = true
			time.Sleep(3 * time.Second)
			run(t, append(ep, "testdata/watch_writer.lua")...)
		}
	}
	err = watcher.Wait()
	if err != nil || stderr.Len() != 0 {
		t.Fatalf("watch.lua: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), stderr.String())
	}
	if !wrote {
		t.Errorf("watch.lua never recovered from a cleared event index")
	}
	golden(t, "watch.out", out.String())
}

// TestDebianEtcd34 runs the scripts, unchanged, against Debian's
// etcd-server 3.4 (a separate process on free ports) with the runner's
// --endpoints and --peer, as an operator would against an existing
// cluster. The output must be the same as on the embedded 3.5 but for the
// server's version line. .ci/run installs the package; without it the test
// is skipped, except under CI.
func TestDebianEtcd34(t *testing.T) {
	const bin = "/usr/bin/etcd"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (Debian's etcd-server) is missing; .ci/run installs it", bin)
		}
		t.Skipf("%s not installed (apt-get install etcd-server)", bin)
	}
	p, err := embedetcd.StartProcess(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, name := range []string{"tour", "lock", "queue"} {
		got := run(t, "--endpoints", p.ClientURL, "--peer", p.PeerURL, name+".lua")
		want, err := os.ReadFile(filepath.Join("testdata", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Replace(string(want), "etcdserver 3.5.x", "etcdserver 3.4.x", 1)
		if got != w {
			t.Errorf("%s on etcd 3.4:\n%s", name, lineDiff(w, got))
		}
	}
}
