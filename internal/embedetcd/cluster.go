package embedetcd

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// ClusterConfig says how to start a cluster. The zero value is fine.
type ClusterConfig struct {
	// LogLevel for etcd's own logger ("error" when empty).
	LogLevel string
	// NoFsync skips fsync of the write-ahead log (see Config.NoFsync).
	NoFsync bool
	// TickMs is the raft heartbeat interval, 50 ms when 0; ElectionMs the
	// election timeout, 500 ms when 0. Shorter than etcd's defaults (100,
	// 1000) so that a test sees a new leader quickly.
	TickMs, ElectionMs uint
}

// Cluster is a real N-member etcd cluster (embedded etcd 3.5, v2 API on)
// running inside this process on loopback. Its members can be stopped and
// restarted on the same data directory and ports.
type Cluster struct {
	Members []*Member

	cfg ClusterConfig
	dir string
	mu  sync.Mutex
}

// Member is one member of a Cluster.
type Member struct {
	Name      string
	ClientURL string // e.g. http://127.0.0.1:41234
	PeerURL   string
	Dir       string // data directory, kept across restarts

	// Etcd is the running server; nil while the member is stopped.
	Etcd *embed.Etcd

	initialCluster string
}

// StartCluster starts n members on free loopback ports, each listing all n
// in its initial cluster, and waits until every one serves requests.
func StartCluster(n int, c ClusterConfig) (*Cluster, error) {
	if n < 1 {
		return nil, errors.New("embedded etcd cluster: n must be at least 1")
	}
	if c.TickMs == 0 {
		c.TickMs = 50
	}
	if c.ElectionMs == 0 {
		c.ElectionMs = 500
	}
	dir, err := os.MkdirTemp("", "luaetcd-cluster-")
	if err != nil {
		return nil, fmt.Errorf("embedded etcd cluster: %w", err)
	}
	cl := &Cluster{cfg: c, dir: dir}
	var initial []string
	for i := 0; i < n; i++ {
		cport, err := FreePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("embedded etcd cluster: %w", err)
		}
		pport, err := FreePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("embedded etcd cluster: %w", err)
		}
		m := &Member{
			Name:      fmt.Sprintf("m%d", i),
			ClientURL: fmt.Sprintf("http://127.0.0.1:%d", cport),
			PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", pport),
		}
		m.Dir = filepath.Join(dir, m.Name)
		cl.Members = append(cl.Members, m)
		initial = append(initial, m.Name+"="+m.PeerURL)
	}
	for _, m := range cl.Members {
		m.initialCluster = strings.Join(initial, ",")
		// Not ready before a quorum runs: start all, then wait.
		if m.Etcd, err = cl.startEtcd(m); err != nil {
			cl.Close()
			return nil, err
		}
	}
	for _, m := range cl.Members {
		if err := waitReady(m.Etcd); err != nil {
			cl.Close()
			return nil, err
		}
	}
	return cl, nil
}

// startEtcd starts m's server on its data directory and ports.
func (cl *Cluster) startEtcd(m *Member) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = m.Name
	cfg.Dir = m.Dir
	cfg.EnableV2 = true
	cfg.LogLevel = "error"
	if cl.cfg.LogLevel != "" {
		cfg.LogLevel = cl.cfg.LogLevel
	}
	cu, _ := url.Parse(m.ClientURL)
	pu, _ := url.Parse(m.PeerURL)
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = m.initialCluster
	cfg.ClusterState = embed.ClusterStateFlagNew // ignored once the data directory holds a WAL
	cfg.InitialClusterToken = "luaetcd-test-cluster"
	cfg.TickMs = cl.cfg.TickMs
	cfg.ElectionMs = cl.cfg.ElectionMs
	cfg.UnsafeNoFsync = cl.cfg.NoFsync
	// Let a restarted member rejoin at once.
	cfg.StrictReconfigCheck = false
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd cluster: member %s: %w", m.Name, err)
	}
	return e, nil
}

func waitReady(e *embed.Etcd) error {
	select {
	case <-e.Server.ReadyNotify():
		return nil
	case err := <-e.Err():
		return fmt.Errorf("embedded etcd cluster: %w", err)
	case <-time.After(30 * time.Second):
		return errors.New("embedded etcd cluster: not ready after 30s")
	}
}

// ClientURLs returns every member's client URL, in member order.
func (cl *Cluster) ClientURLs() []string {
	out := make([]string, len(cl.Members))
	for i, m := range cl.Members {
		out[i] = m.ClientURL
	}
	return out
}

// StopMember stops member i the way an operator does: etcd hands its
// leadership over first when it is the leader, then closes. Its data
// directory and ports are kept for RestartMember.
func (cl *Cluster) StopMember(i int) {
	cl.mu.Lock()
	e := cl.Members[i].Etcd
	cl.Members[i].Etcd = nil
	cl.mu.Unlock()
	if e != nil {
		e.Close()
	}
}

// KillMember stops member i as a crash does: raft stops at once, with no
// leadership transfer, so when it was the leader the others must elect a
// new one after the election timeout. Its client and peer listeners are
// then closed. Data directory and ports are kept for RestartMember.
func (cl *Cluster) KillMember(i int) {
	cl.mu.Lock()
	e := cl.Members[i].Etcd
	cl.Members[i].Etcd = nil
	cl.mu.Unlock()
	if e == nil {
		return
	}
	e.Server.HardStop()
	e.Close()
}

// RestartMember starts a stopped member i again on its data directory
// and ports, and waits until it serves requests (it needs a quorum).
func (cl *Cluster) RestartMember(i int) error {
	m := cl.Members[i]
	cl.mu.Lock()
	running := m.Etcd != nil
	cl.mu.Unlock()
	if running {
		return fmt.Errorf("embedded etcd cluster: member %s is running", m.Name)
	}
	e, err := cl.startEtcd(m)
	if err != nil {
		return err
	}
	if err := waitReady(e); err != nil {
		e.Close()
		return err
	}
	cl.mu.Lock()
	m.Etcd = e
	cl.mu.Unlock()
	return nil
}

// Leader returns the index of the running member that is the leader, as
// the members themselves see it, or -1 when none is (an election is on).
func (cl *Cluster) Leader() int {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for i, m := range cl.Members {
		if m.Etcd == nil {
			continue
		}
		s := m.Etcd.Server
		if s.Leader() == s.ID() {
			return i
		}
	}
	return -1
}

// WaitLeader waits up to timeout for a leader and returns its index.
func (cl *Cluster) WaitLeader(timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		if i := cl.Leader(); i >= 0 {
			return i, nil
		}
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("embedded etcd cluster: no leader after %v", timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Close stops every running member (at once, as KillMember: a graceful
// stop would hand leadership to members that are stopping too) and
// removes all data directories.
func (cl *Cluster) Close() {
	var wg sync.WaitGroup
	for i := range cl.Members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl.KillMember(i)
		}()
	}
	wg.Wait()
	os.RemoveAll(cl.dir)
}
