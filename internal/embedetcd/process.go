package embedetcd

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Process is an etcd server running as a separate program, such as
// Debian's etcd-server 3.4 (/usr/bin/etcd), so the tests can check the
// client against a release other than the embedded 3.5.
type Process struct {
	Cmd       *exec.Cmd
	ClientURL string
	PeerURL   string
	dir       string
}

// StartProcess runs the etcd binary bin as a single member with the v2 API
// on free loopback ports and a temporary data directory, and waits until
// it answers. Its output goes to the test's stderr only when it fails to
// start.
func StartProcess(bin string) (*Process, error) {
	dir, err := os.MkdirTemp("", "luaetcd-etcdproc-")
	if err != nil {
		return nil, err
	}
	cport, err := FreePort()
	if err != nil {
		return nil, err
	}
	pport, err := FreePort()
	if err != nil {
		return nil, err
	}
	p := &Process{
		ClientURL: fmt.Sprintf("http://127.0.0.1:%d", cport),
		PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", pport),
		dir:       dir,
	}
	log, err := os.Create(dir + ".log")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer log.Close()
	p.Cmd = exec.Command(bin,
		"--name", "default",
		"--data-dir", dir+"/data",
		"--listen-client-urls", p.ClientURL,
		"--advertise-client-urls", p.ClientURL,
		"--listen-peer-urls", p.PeerURL,
		"--initial-advertise-peer-urls", p.PeerURL,
		"--initial-cluster", "default="+p.PeerURL,
		"--enable-v2=true",
	)
	p.Cmd.Stdout, p.Cmd.Stderr = log, log
	dieWithParent(p.Cmd)
	if err := p.Cmd.Start(); err != nil {
		os.RemoveAll(dir)
		os.Remove(dir + ".log")
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(p.ClientURL + "/v2/keys/")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.Close()
			out, _ := os.ReadFile(dir + ".log")
			return nil, fmt.Errorf("%s did not serve the v2 API within 30s: %v\n%s", bin, err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Close stops the process (SIGTERM, so etcd shuts down cleanly; on
// Windows, which has no such signal, it is killed at once) and removes its
// data.
func (p *Process) Close() {
	if p.Cmd.Process != nil {
		if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
			p.Cmd.Process.Kill()
		}
		done := make(chan struct{})
		go func() { p.Cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.Cmd.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(p.dir)
	os.Remove(p.dir + ".log")
}
