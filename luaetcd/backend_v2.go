package luaetcd

import (
	"crypto/tls"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
)

// newV2Backend builds the etcd v2 HTTP backend for a client's settings.
func (cfg *config) newV2Backend(s *settings, tc *tls.Config) (backend.Backend, error) {
	return v2http.New(v2http.Config{
		Host:        s.host,
		Endpoints:   s.endpoints,
		Peer:        s.peer,
		HTTPClient:  cfg.httpClient,
		TLS:         tc,
		User:        s.user,
		Password:    s.password,
		Hook:        cfg.backendHook(),
		MaxBodySize: s.maxBody,
		// The Lua layer has no per-client setting: the host's
		// WithStallTimeout, or the default rule.
		StallTimeout: cfg.stall,
	})
}

// CloseIdleConnections closes the idle keep-alive connections that clients
// share. A host may call it at shutdown, before stopping an etcd it runs
// itself: such a server otherwise waits for idle connections on which no
// request was ever sent until they time out.
func CloseIdleConnections() { v2http.CloseIdleConnections() }
