package etcdtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// ProcMember is one etcd server running as a separate process, started by
// StartProc or as part of a ProcCluster. It keeps its name, ports and data
// directory across Stop/Kill and Restart.
type ProcMember struct {
	Name      string
	ClientURL string // e.g. http://127.0.0.1:23456
	PeerURL   string
	Dir       string // data directory
	LogFile   string // etcd's output, appended to across restarts

	bin  string
	args []string

	mu     sync.Mutex
	cmd    *exec.Cmd     // nil while stopped
	done   chan struct{} // closed once cmd has exited
	frozen bool
	id     uint64
	cli    *clientv3.Client
}

// healthClient probes /health without keeping connections to members that
// may be killed the next moment.
var healthClient = &http.Client{
	Timeout:   time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

// start runs the process; the caller holds m.mu and has checked that it is
// not running.
func (m *ProcMember) start() error {
	log, err := os.OpenFile(m.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("etcd member %s: %w", m.Name, err)
	}
	// The child has its own copy of the descriptor once started.
	defer log.Close()
	cmd := exec.Command(m.bin, m.args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("etcd member %s: start %s: %w", m.Name, m.bin, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	m.cmd, m.done, m.frozen = cmd, done, false
	return nil
}

// WaitReady waits up to timeout until the member answers /health with
// 200, which etcd does once the cluster has a leader and serves reads, and
// learns its member ID. It fails at once when the process exits.
func (m *ProcMember) WaitReady(timeout time.Duration) error {
	m.mu.Lock()
	done := m.done
	running := m.cmd != nil
	m.mu.Unlock()
	if !running {
		return fmt.Errorf("etcd member %s is not running", m.Name)
	}
	deadline := time.Now().Add(timeout)
	var last error
	for {
		select {
		case <-done:
			return fmt.Errorf("etcd member %s exited while starting:\n%s", m.Name, m.LogTail(4096))
		default:
		}
		if last = m.probe(); last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("etcd member %s not ready after %v: %w\n%s", m.Name, timeout, last, m.LogTail(4096))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// probe checks /health once and, when healthy, asks for the member's ID.
func (m *ProcMember) probe() error {
	res, err := healthClient.Get(m.ClientURL + "/health")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/health: %s %s", res.Status, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	st, err := m.Status(ctx)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.id = st.Header.MemberId
	m.mu.Unlock()
	return nil
}

// client returns a gRPC client for this member alone, made on first use
// and kept: it reconnects by itself after a restart on the same port.
func (m *ProcMember) client() (*clientv3.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cli != nil {
		return m.cli, nil
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{m.ClientURL}, Logger: zap.NewNop()})
	if err != nil {
		return nil, fmt.Errorf("etcd member %s: %w", m.Name, err)
	}
	m.cli = cli
	return cli, nil
}

// Status asks the member for its maintenance status (its ID, the leader
// it knows, its raft term and index).
func (m *ProcMember) Status(ctx context.Context) (*clientv3.StatusResponse, error) {
	cli, err := m.client()
	if err != nil {
		return nil, err
	}
	st, err := cli.Status(ctx, m.ClientURL)
	if err != nil {
		return nil, fmt.Errorf("etcd member %s: status: %w", m.Name, err)
	}
	return st, nil
}

// ID is the member's raft ID, known once it has been ready.
func (m *ProcMember) ID() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.id
}

// Running reports whether the process runs (frozen or not).
func (m *ProcMember) Running() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cmd != nil
}

// Frozen reports whether the process is suspended by Freeze.
func (m *ProcMember) Frozen() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.frozen
}

// Kill ends the process at once (SIGKILL), like a crash or a power cut,
// and waits until it has gone. Nothing happens when it is not running.
func (m *ProcMember) Kill() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return
	}
	m.cmd.Process.Kill()
	<-m.done
	m.cmd, m.frozen = nil, false
}

// Stop asks the process to shut down cleanly (SIGTERM; a frozen one is
// thawed first so it can) and kills it when it has not gone after 10 s.
func (m *ProcMember) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return
	}
	if m.frozen {
		thaw(m.cmd.Process)
	}
	m.cmd.Process.Signal(stopSignal)
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-m.done
	}
	m.cmd, m.frozen = nil, false
}

// Restart starts a stopped or killed member again on its data directory
// and ports and waits up to 30 s until it is ready (which needs a quorum
// of the cluster running).
func (m *ProcMember) Restart() error {
	if err := m.RestartAsync(); err != nil {
		return err
	}
	return m.WaitReady(30 * time.Second)
}

// RestartAsync starts a stopped or killed member again without waiting,
// for restarting several members that form a quorum only together; then
// call WaitReady on each.
func (m *ProcMember) RestartAsync() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		return fmt.Errorf("etcd member %s is running", m.Name)
	}
	return m.start()
}

// Freeze suspends the process (SIGSTOP; not on Windows): it keeps its
// ports open but answers nothing and sends no heartbeats, so the others
// elect a new leader if it led. Thaw resumes it.
func (m *ProcMember) Freeze() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return fmt.Errorf("etcd member %s is not running", m.Name)
	}
	if err := freeze(m.cmd.Process); err != nil {
		return fmt.Errorf("etcd member %s: %w", m.Name, err)
	}
	m.frozen = true
	return nil
}

// Thaw resumes a member suspended by Freeze.
func (m *ProcMember) Thaw() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return fmt.Errorf("etcd member %s is not running", m.Name)
	}
	if err := thaw(m.cmd.Process); err != nil {
		return fmt.Errorf("etcd member %s: %w", m.Name, err)
	}
	m.frozen = false
	return nil
}

// LogTail returns up to the last n bytes etcd wrote, for error messages.
func (m *ProcMember) LogTail(n int64) string {
	f, err := os.Open(m.LogFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		f.Seek(fi.Size()-n, io.SeekStart)
	}
	data, _ := io.ReadAll(f)
	return string(data)
}

// closeClient drops the member's gRPC client.
func (m *ProcMember) closeClient() {
	m.mu.Lock()
	cli := m.cli
	m.cli = nil
	m.mu.Unlock()
	if cli != nil {
		cli.Close()
	}
}
