package luaetcd

import (
	"github.com/luaetcd/go-luaetcd/luaetcd/backend"
	"github.com/luaetcd/go-luaetcd/luaetcd/v2client"
)

// newBackend builds the etcd v2 HTTP backend for a client's settings.
func (cfg *config) newBackend(s *settings) (backend.Backend, error) {
	tc := cfg.tlsConfig
	if !s.tls.empty() {
		var err error
		if tc, err = s.tls.load(); err != nil {
			return nil, err
		}
	}
	var hook func(v2client.Info)
	if h := cfg.hook; h != nil {
		hook = func(i v2client.Info) {
			h(RequestInfo{Method: i.Method, URL: i.URL, Status: i.Status, Err: i.Err, Duration: i.Duration})
		}
	}
	return v2client.New(v2client.Config{
		Host:        s.host,
		Endpoints:   s.endpoints,
		Peer:        s.peer,
		HTTPClient:  cfg.httpClient,
		TLS:         tc,
		User:        s.user,
		Password:    s.password,
		Hook:        hook,
		MaxBodySize: s.maxBody,
	})
}
