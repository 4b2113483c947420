// Package embedetcd starts real etcd servers (go.etcd.io/etcd/server/v3,
// v3.5, with the v2 API enabled) inside the current process, on free
// loopback ports. The tests use it as their etcd, and the runner's --embed
// flag uses it so a script can be tried without installing anything.
//
// Only tests and cmd/ import this package: the library itself never links
// etcd's server.
package embedetcd

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// Config says how to start a member. The zero value starts a single
// member in a new temporary directory that Close removes.
type Config struct {
	// Name of the member; "default" when empty.
	Name string
	// Dir keeps the data; when empty a temporary directory is made and
	// removed again by Close.
	Dir string
	// LogLevel for etcd's own logger ("error" when empty).
	LogLevel string
	// NoFsync skips fsync of etcd's write-ahead log. Tests set it: on a
	// slow disk every write would otherwise wait for the disk, and their
	// data is thrown away anyway.
	NoFsync bool
	// Configure, when set, may change the server configuration just
	// before it starts (TLS, auth, cluster membership).
	Configure func(*embed.Config)
}

// Server is one running etcd member.
type Server struct {
	Etcd *embed.Etcd
	// ClientURL is the member's client URL, e.g. http://127.0.0.1:41234.
	ClientURL string
	// PeerURL is the member's peer URL.
	PeerURL string

	tempDir string
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts one member and waits until it serves requests.
func Start(c Config) (*Server, error) {
	cfg := embed.NewConfig()
	if c.Name != "" {
		cfg.Name = c.Name
	}
	cfg.EnableV2 = true
	cfg.LogLevel = "error"
	if c.LogLevel != "" {
		cfg.LogLevel = c.LogLevel
	}
	s := &Server{}
	cfg.Dir = c.Dir
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "luaetcd-embed-")
		if err != nil {
			return nil, fmt.Errorf("embedded etcd: %w", err)
		}
		cfg.Dir, s.tempDir = d, d
	}
	cport, err := FreePort()
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: %w", err)
	}
	pport, err := FreePort()
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: %w", err)
	}
	cu, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", cport))
	pu, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", pport))
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.UnsafeNoFsync = c.NoFsync
	if c.Configure != nil {
		c.Configure(cfg)
	}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		s.removeTemp()
		return nil, fmt.Errorf("embedded etcd: %w", err)
	}
	s.Etcd = e
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		s.removeTemp()
		return nil, fmt.Errorf("embedded etcd: %w", err)
	case <-time.After(30 * time.Second):
		e.Server.Stop()
		e.Close()
		s.removeTemp()
		return nil, errors.New("embedded etcd: not ready after 30s")
	}
	s.ClientURL = strings.TrimSuffix(cfg.AdvertiseClientUrls[0].String(), "/")
	s.PeerURL = strings.TrimSuffix(cfg.AdvertisePeerUrls[0].String(), "/")
	return s, nil
}

// Close stops the member and removes its temporary data directory.
func (s *Server) Close() {
	if s == nil || s.Etcd == nil {
		return
	}
	s.Etcd.Close()
	s.removeTemp()
}

func (s *Server) removeTemp() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
}
