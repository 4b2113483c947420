package main

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startUntilReady starts the binary and waits until its script printed
// "ready" on stdout.
func startUntilReady(t *testing.T, tmp string, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + tmp}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- true
				break
			}
		}
		for sc.Scan() {
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("script ended before it was ready; stderr: %s", stderr)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("script not ready after 60s; stderr: %s", stderr)
	}
	return cmd, stderr
}

// stopWith sends sig and checks the process exits with status 130 within
// a few seconds.
//
// Not on Windows: a process there cannot be sent SIGINT or SIGTERM, only
// a console's Ctrl-C, which reaches every process on that console.
func stopWith(t *testing.T, cmd *exec.Cmd, stderr *strings.Builder, sig os.Signal) {
	t.Helper()
	if runtime.GOOS == "windows" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Skip("signals cannot be sent to one process on Windows")
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	select {
	case err := <-done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != exitInterrupted {
			t.Errorf("exit status %d after %v, want %d; stderr: %s", code, sig, exitInterrupted, stderr)
		}
		if !strings.Contains(stderr.String(), "luaetcd: interrupted!") {
			t.Errorf("stderr %q, want the interrupted note", stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v to stop", d)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 10s after %v", sig)
	}
}

// assertEmptyDir checks that the embedded etcd left nothing in tmp.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind in TMPDIR: %s", e.Name())
	}
}

func TestSIGTERMStopsBusyLoop(t *testing.T) {
	tmp := t.TempDir()
	cmd, stderr := startUntilReady(t, tmp, "-e", "print('ready') while true do end")
	stopWith(t, cmd, stderr, syscall.SIGTERM)
}

func TestSIGINTStopsBusyLoop(t *testing.T) {
	tmp := t.TempDir()
	cmd, stderr := startUntilReady(t, tmp, "-e", "print('ready') while true do pcall(function() while true do end end) end")
	stopWith(t, cmd, stderr, syscall.SIGINT)
}

func TestSIGTERMStopsInteractive(t *testing.T) {
	// The prompt waits on stdin, which stays open.
	cmd := exec.Command(binary, "-i", "-e", "print('ready')")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	if !sc.Scan() || sc.Text() != "ready" {
		t.Fatalf("got %q", sc.Text())
	}
	go func() {
		for sc.Scan() {
		}
	}()
	time.Sleep(100 * time.Millisecond)
	stopWith(t, cmd, stderr, syscall.SIGTERM)
}

func TestSIGTERMStopsEmbedded(t *testing.T) {
	tmp := t.TempDir()
	cmd, stderr := startUntilReady(t, tmp, "--embed", "-e", "print('ready') while true do end")
	stopWith(t, cmd, stderr, syscall.SIGTERM)
	assertEmptyDir(t, tmp)
}

func TestSIGTERMStopsBlockedWait(t *testing.T) {
	requireEtcdModule(t)
	tmp := t.TempDir()
	cmd, stderr := startUntilReady(t, tmp, "--embed", "-e",
		"local c = require('etcd.luasocket').new() print('ready') io.stdout:flush() print(c:wait('/never/written'))")
	time.Sleep(200 * time.Millisecond) // let the wait reach etcd
	stopWith(t, cmd, stderr, syscall.SIGTERM)
	assertEmptyDir(t, tmp)
}
