package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// onPTY is the built runner running on a pseudo-terminal of its own, as
// when an operator starts it in a terminal window: the test types on the
// terminal's master side and reads back what the terminal shows.
type onPTY struct {
	t      *testing.T
	cmd    *exec.Cmd
	ptmx   *os.File
	waited chan error

	mu     sync.Mutex
	screen []byte
}

// startOnPTY starts the binary with args on a new 80x24 pseudo-terminal
// (stdin, stdout and stderr) that is also its controlling terminal, so
// /dev/tty is that terminal. env is added to PATH, TMPDIR and TERM=xterm.
// It skips the test when the system has no pseudo-terminals.
func startOnPTY(t *testing.T, args, env []string) *onPTY {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	// A terminal without a size makes line editors fall back to plain
	// reading.
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Skipf("setting the terminal size: %v", err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the terminal: %v", err)
	}
	p := &onPTY{t: t, ptmx: ptmx, waited: make(chan error, 1)}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir(), "TERM=xterm"}, env...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = pts, pts, pts
	// A session of its own with the terminal as its controlling one.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := p.cmd.Start(); err != nil {
		pts.Close()
		t.Fatal(err)
	}
	pts.Close()
	go func() { p.waited <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			p.mu.Lock()
			p.screen = append(p.screen, buf[:n]...)
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

// output is everything the terminal showed so far.
func (p *onPTY) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.screen)
}

// find returns the end of the first s in the output after its first
// `after` bytes, or -1.
func (p *onPTY) find(s string, after int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if after > len(p.screen) {
		return -1
	}
	i := bytes.Index(p.screen[after:], []byte(s))
	if i < 0 {
		return -1
	}
	return after + i + len(s)
}

// seen reports whether the terminal showed s after the first `after`
// bytes of output.
func (p *onPTY) seen(s string, after int) bool { return p.find(s, after) >= 0 }

// waitFor waits until the terminal shows s after the first `after` bytes
// of output, and returns where that s ends, so that the next wait starts
// there.
func (p *onPTY) waitFor(s string, after int) int {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if end := p.find(s, after); end >= 0 {
			return end
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("terminal did not show %q after %q; it shows %q", s, p.output()[:after], p.output()[after:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mark is the length of the output so far, for waitFor.
func (p *onPTY) mark() int { return len(p.output()) }

// typeKeys types s on the terminal.
func (p *onPTY) typeKeys(s string) {
	p.t.Helper()
	if _, err := p.ptmx.WriteString(s); err != nil {
		p.t.Fatal(err)
	}
}

// exitCode waits for the runner to end and returns its exit status.
func (p *onPTY) exitCode() int {
	p.t.Helper()
	select {
	case err := <-p.waited:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			p.t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		p.t.Fatalf("runner did not end; terminal shows %q", p.output())
		return -1
	}
}

// assertTerminalRestored checks that the terminal is back in the mode a
// shell expects (echo, line editing by the kernel, signals) after the
// runner ended.
func (p *onPTY) assertTerminalRestored() {
	p.t.Helper()
	tio, err := unix.IoctlGetTermios(int(p.ptmx.Fd()), unix.TCGETS)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		flag uint32
	}{{"ECHO", unix.ECHO}, {"ICANON", unix.ICANON}, {"ISIG", unix.ISIG}} {
		if tio.Lflag&f.flag == 0 {
			p.t.Errorf("%s is off after the runner ended", f.name)
		}
	}
	if tio.Iflag&unix.ICRNL == 0 {
		p.t.Errorf("ICRNL is off after the runner ended")
	}
}
