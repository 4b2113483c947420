package luaetcd

import (
	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
)

// newBackend builds the etcd v2 HTTP backend for a client's settings
// (or returns the one backend a test gave).
func (cfg *config) newBackend(s *settings) (backend.Backend, error) {
	if cfg.backend != nil {
		return cfg.backend, nil
	}
	tc := cfg.tlsConfig
	if !s.tls.empty() {
		var err error
		if tc, err = s.tls.load(); err != nil {
			return nil, err
		}
	}
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
	})
}

// CloseIdleConnections closes the idle keep-alive connections that clients
// share. A host may call it at shutdown, before stopping an etcd it runs
// itself: such a server otherwise waits for idle connections on which no
// request was ever sent until they time out.
func CloseIdleConnections() { v2http.CloseIdleConnections() }
