// Package v3backend serves etcd's v2 keys semantics from etcd's v3 API
// (go.etcd.io/etcd/client/v3), answering in v2's terms (package v2api), so
// lua-etcd scripts run unchanged against etcd 3.6 and 3.7, which no longer
// serve the v2 API. docs/v3-backend.md describes the key layout, the index
// mapping and every remaining difference from v2.
package v3backend

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// Config says how a Backend reaches the cluster.
type Config struct {
	// Endpoints are the client URLs (http://host:port or https://...).
	Endpoints []string
	// TLS is used for https endpoints; nil means the system's roots.
	TLS *tls.Config
	// TLSID, when not "", names TLS's content (e.g. the files it was
	// loaded from), so that Backends given equal but separately loaded
	// configurations share a connection; without it they share only
	// when given the same *tls.Config.
	TLSID string
	// Username and Password authenticate as a v3 user; none when
	// Username is "".
	Username, Password string
	// Hook, when set, receives an Info after each operation.
	Hook backend.Hook
	// DialTimeout bounds the first connection (5 s when 0).
	DialTimeout time.Duration
	// StallTimeout is how long an RPC waits for a member's answer before
	// the member counts as silent (silent.go): 0 means a third of the
	// call's timeout, at most 2 s; < 0 never.
	StallTimeout time.Duration
	// MaxBodySize caps an answer's body, as the v2 backend caps a
	// response: a larger one makes Do fail with ErrBodyTooLarge. 0 means
	// DefaultMaxBodySize.
	MaxBodySize int64
}

// DefaultMaxBodySize is the body limit when Config.MaxBodySize is 0 (the
// v2 backend's default).
const DefaultMaxBodySize = 64 << 20

// shared is one clientv3.Client and the HTTP client for the /version
// endpoint, used by every Backend with the same endpoints, credentials
// and TLS configuration.
type shared struct {
	key  string
	cli  *clientv3.Client
	http *http.Client
	refs int
	// dialTimeout bounds the wait for a connection before a request.
	dialTimeout time.Duration
	// health keeps silent members out of the connection (silent.go).
	health *health
}

// clients is the process-wide cache of shared clients. An entry lives
// while a Backend uses it: New takes a reference, Close gives it back and
// the last Close closes the connection. So Lua clients made one after
// another with the same settings reuse one gRPC connection, as long as
// one of them is open.
var clients = struct {
	sync.Mutex
	m map[string]*shared
}{m: map[string]*shared{}}

// cacheKey identifies a connection's settings. The password enters only
// hashed, so the key never holds it; a TLS configuration is told apart by
// identity (tls.Config cannot be compared), so callers share connections
// by passing the same *tls.Config.
func cacheKey(c Config) string {
	h := sha256.Sum256([]byte(c.Username + "\x00" + c.Password))
	tlsKey := fmt.Sprintf("%p", c.TLS)
	if c.TLSID != "" {
		tlsKey = "id:" + c.TLSID
	}
	return strings.Join(c.Endpoints, ",") + "|" + hex.EncodeToString(h[:8]) + "|" + tlsKey
}

func acquire(c Config) (*shared, error) {
	if len(c.Endpoints) == 0 {
		return nil, errors.New("v3 backend: no endpoints")
	}
	k := cacheKey(c)
	clients.Lock()
	defer clients.Unlock()
	if s := clients.m[k]; s != nil {
		s.refs++
		return s, nil
	}
	dt := c.DialTimeout
	if dt <= 0 {
		dt = 5 * time.Second
	}
	eps := make([]string, len(c.Endpoints))
	for i, e := range c.Endpoints {
		eps[i] = strings.TrimSuffix(e, "/")
	}
	h := newHealth(eps)
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   eps,
		TLS:         c.TLS,
		Username:    c.Username,
		Password:    c.Password,
		DialTimeout: dt,
		// gRPC's shortest keep-alive interval (10 s) and a short wait
		// for the answer: a connection to a member that stopped
		// answering is closed within about 13 s even when no call of
		// ours noticed it (silent.go notices sooner).
		DialKeepAliveTime:    10 * time.Second,
		DialKeepAliveTimeout: 3 * time.Second,
		DialOptions: []grpc.DialOption{
			grpc.WithChainUnaryInterceptor(h.unary),
			grpc.WithStatsHandler(h),
		},
		// The library must not write etcd's client logs to the
		// script's stderr; failures reach the caller as errors.
		Logger: zap.NewNop(),
	})
	if err != nil {
		// The text never holds the password: clientv3 does not put it
		// in errors.
		return nil, fmt.Errorf("v3 backend: connect %s: %w", strings.Join(eps, ","), err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if c.TLS != nil {
		tr.TLSClientConfig = c.TLS.Clone()
	}
	h.http = &http.Client{Transport: tr}
	h.mu.Lock()
	h.cli = cli
	h.mu.Unlock()
	s := &shared{key: k, cli: cli, http: h.http, refs: 1, dialTimeout: dt, health: h}
	clients.m[k] = s
	return s, nil
}

func release(s *shared) {
	clients.Lock()
	s.refs--
	last := s.refs == 0
	if last {
		delete(clients.m, s.key)
	}
	clients.Unlock()
	if last {
		s.cli.Close()
		s.http.CloseIdleConnections()
	}
}

// openClients returns how many shared connections are open (for tests).
func openClients() int {
	clients.Lock()
	defer clients.Unlock()
	return len(clients.m)
}
