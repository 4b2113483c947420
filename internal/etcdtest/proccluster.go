package etcdtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ProcOptions tunes the etcd processes StartProc and StartProcCluster run.
// The zero value is fine.
type ProcOptions struct {
	// Args are extra flags appended to every member's command line
	// (TLS, auth, feature gates).
	Args []string
	// TickMs is the raft heartbeat interval, 50 ms when 0; ElectionMs the
	// election timeout, 500 ms when 0: shorter than etcd's defaults (100,
	// 1000) so that a test sees a new leader quickly.
	TickMs, ElectionMs int
	// StartTimeout bounds the wait for every member to be ready, 30 s
	// when 0.
	StartTimeout time.Duration
}

// ProcCluster is a real n-member etcd cluster of separate processes on
// loopback ports, made by StartProcCluster. Its members can be killed,
// stopped, restarted on the same data directory and ports, frozen and
// thawed.
type ProcCluster struct {
	Members []*ProcMember

	dir string
}

// StartProc starts the etcd binary bin as a single member on free loopback
// ports with a temporary data directory, waits until it serves requests,
// and kills it and removes its data when t ends.
func StartProc(t testing.TB, bin string, o ProcOptions) *ProcMember {
	t.Helper()
	return StartProcCluster(t, bin, 1, o).Members[0]
}

// StartProcCluster starts n members of the etcd binary bin, each on its
// own loopback ports and data directory and listing all n in its initial
// cluster, and waits until every one serves requests. When t ends, all
// are killed and their data removed; when t has failed, the end of each
// member's log goes to the test log first.
func StartProcCluster(t testing.TB, bin string, n int, o ProcOptions) *ProcCluster {
	t.Helper()
	c, err := NewProcCluster(bin, n, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range c.Members {
				t.Logf("etcd member %s (%s), end of its log:\n%s", m.Name, m.ClientURL, m.LogTail(4096))
			}
		}
		c.Close()
	})
	return c
}

// StartEtcd37 is StartProc with the etcd 3.7.3 binary (see Etcd37Binary:
// the test skips, or fails under CI, without it).
func StartEtcd37(t testing.TB) *ProcMember {
	t.Helper()
	return StartProc(t, Etcd37Binary(t), ProcOptions{})
}

// StartEtcd37Cluster is StartProcCluster with the etcd 3.7.3 binary.
func StartEtcd37Cluster(t testing.TB, n int) *ProcCluster {
	t.Helper()
	return StartProcCluster(t, Etcd37Binary(t), n, ProcOptions{})
}

// NewProcCluster is StartProcCluster for callers without a testing.TB;
// they must call Close. Should another program take one of the chosen
// ports before etcd binds it, the whole cluster starts over on new ports
// (up to three times).
func NewProcCluster(bin string, n int, o ProcOptions) (*ProcCluster, error) {
	if n < 1 {
		return nil, fmt.Errorf("etcd cluster: n must be at least 1, not %d", n)
	}
	if o.TickMs == 0 {
		o.TickMs = 50
	}
	if o.ElectionMs == 0 {
		o.ElectionMs = 500
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 30 * time.Second
	}
	var err error
	for range 3 {
		var c *ProcCluster
		c, err = startMembers(bin, n, o)
		if err == nil {
			return c, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, err
}

// startMembers makes one attempt at starting the cluster.
func startMembers(bin string, n int, o ProcOptions) (*ProcCluster, error) {
	dir, err := os.MkdirTemp("", "luaetcd-proccluster-")
	if err != nil {
		return nil, fmt.Errorf("etcd cluster: %w", err)
	}
	c := &ProcCluster{dir: dir}
	var initial []string
	for i := range n {
		cport, err := pickPort()
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("etcd cluster: %w", err)
		}
		pport, err := pickPort()
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("etcd cluster: %w", err)
		}
		m := &ProcMember{
			Name:      fmt.Sprintf("m%d", i),
			ClientURL: fmt.Sprintf("http://127.0.0.1:%d", cport),
			PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", pport),
			bin:       bin,
		}
		m.Dir = filepath.Join(dir, m.Name+".data")
		m.LogFile = filepath.Join(dir, m.Name+".log")
		c.Members = append(c.Members, m)
		initial = append(initial, m.Name+"="+m.PeerURL)
	}
	// A token of its own, so that members of two clusters can never take
	// each other for peers.
	token := filepath.Base(dir)
	noFsync := supportsFlag(bin, "--unsafe-no-fsync")
	for _, m := range c.Members {
		m.args = []string{
			"--name", m.Name,
			"--data-dir", m.Dir,
			"--listen-client-urls", m.ClientURL,
			"--advertise-client-urls", m.ClientURL,
			"--listen-peer-urls", m.PeerURL,
			"--initial-advertise-peer-urls", m.PeerURL,
			"--initial-cluster", strings.Join(initial, ","),
			"--initial-cluster-state", "new", // ignored once the data directory holds a WAL
			"--initial-cluster-token", token,
			"--heartbeat-interval", strconv.Itoa(o.TickMs),
			"--election-timeout", strconv.Itoa(o.ElectionMs),
		}
		if noFsync {
			// Test data is thrown away; a slow shared disk must not
			// make every write wait.
			m.args = append(m.args, "--unsafe-no-fsync")
		}
		m.args = append(m.args, o.Args...)
	}
	// No member is ready before a quorum runs: start all, then wait.
	for _, m := range c.Members {
		m.mu.Lock()
		err := m.start()
		m.mu.Unlock()
		if err != nil {
			c.Close()
			return nil, err
		}
	}
	for _, m := range c.Members {
		if err := m.WaitReady(o.StartTimeout); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// flagSupport caches supportsFlag's answer per binary and flag.
var flagSupport sync.Map // [2]string{bin, flag} -> bool

// supportsFlag reports whether bin --help lists flag, so that older etcds
// (3.4 lacks --unsafe-no-fsync) run without it.
func supportsFlag(bin, flag string) bool {
	key := [2]string{bin, flag}
	if v, ok := flagSupport.Load(key); ok {
		return v.(bool)
	}
	// etcd prints its help on stderr and exits 0 or 2 by version.
	out, _ := exec.Command(bin, "--help").CombinedOutput()
	ok := strings.Contains(string(out), flag+" ") || strings.Contains(string(out), flag+"\n") || strings.Contains(string(out), flag+"=")
	flagSupport.Store(key, ok)
	return ok
}

// ClientURLs lists every member's client URL.
func (c *ProcCluster) ClientURLs() []string {
	urls := make([]string, len(c.Members))
	for i, m := range c.Members {
		urls[i] = m.ClientURL
	}
	return urls
}

// Leader returns the index of the leader as the running, unfrozen members
// see it, or -1 while they do not all name the same running, unfrozen
// member (an election is on, or the leader they name was just killed or
// frozen). It asks each of them, up to a second each.
func (c *ProcCluster) Leader() int {
	var named uint64
	for _, m := range c.Members {
		if !m.Running() || m.Frozen() {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		st, err := m.Status(ctx)
		cancel()
		if err != nil {
			continue
		}
		if st.Leader == 0 || (named != 0 && st.Leader != named) {
			return -1
		}
		named = st.Leader
	}
	for i, m := range c.Members {
		if named != 0 && m.ID() == named && m.Running() && !m.Frozen() {
			return i
		}
	}
	return -1
}

// WaitLeader waits up to timeout until Leader finds one and returns its
// index.
func (c *ProcCluster) WaitLeader(timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		if i := c.Leader(); i >= 0 {
			return i, nil
		}
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("etcd cluster: no leader after %v", timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Close kills every member at once (a clean stop would only hand the
// leadership around among members about to stop too), drops the clients
// and removes all data and logs. It may be called more than once.
func (c *ProcCluster) Close() {
	var wg sync.WaitGroup
	for _, m := range c.Members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Kill()
			m.closeClient()
		}()
	}
	wg.Wait()
	os.RemoveAll(c.dir)
}
