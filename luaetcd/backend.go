package luaetcd

import (
	"context"
	"crypto/tls"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/apiprobe"
	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
	"github.com/luaetcd/go-luaetcd/internal/v3backend"
)

// probeTimeout bounds the auto API probe of one endpoint set.
const probeTimeout = 10 * time.Second

// newBackend builds the backend for a client's settings (or returns the
// one backend a test gave): the v2 HTTP backend or the v3 one, as the api
// setting says; "auto" (the default) probes the endpoints once per set
// and process, and uses v2 when no endpoint answers (its errors then say
// why, as before there was a choice).
func (cfg *config) newBackend(ctx context.Context, s *settings) (backend.Backend, error) {
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
	api, _, err := cfg.chooseAPI(ctx, s, tc)
	if err != nil {
		return nil, err
	}
	if api == APIv3 {
		return v3backend.New(v3backend.Config{
			Endpoints:   s.allEndpoints(),
			TLS:         tc,
			Username:    s.user,
			Password:    s.password,
			Hook:        cfg.backendHook(),
			MaxBodySize: s.maxBody,
		})
	}
	return cfg.newV2Backend(s, tc)
}

// allEndpoints is the host followed by the failover endpoints.
func (s *settings) allEndpoints() []string {
	return append([]string{s.host}, s.endpoints...)
}

// chooseAPI resolves the api setting to APIv2 or APIv3, with the reason.
func (cfg *config) chooseAPI(ctx context.Context, s *settings, tc *tls.Config) (api, reason string, err error) {
	switch s.api {
	case APIv2, APIv3:
		return s.api, "api = '" + s.api + "'", nil
	case "", APIAuto:
	default:
		return "", "", errArg("api must be 'v2', 'v3' or 'auto', not '" + s.api + "'")
	}
	// The probe shares the v2 backend's connections.
	hc := cfg.httpClient
	if hc == nil {
		hc = v2http.SharedClient(tc)
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	c, err := apiprobe.Choose(pctx, hc, s.allEndpoints())
	if err != nil {
		if ctx.Err() != nil {
			return "", "", ctx.Err()
		}
		return APIv2, "no endpoint answered the probe (" + strings.TrimPrefix(err.Error(), "api probe: ") + "): v2", nil
	}
	return c.API, c.Reason, nil
}

// ChooseAPI tells which API clients with these options and no api option
// of their own use, and why (the runner's --verbose). It probes like
// Etcd.new does, and shares its remembered answers.
func ChooseAPI(ctx context.Context, opts ...Option) (api, reason string, err error) {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	s := settings{host: backend.DefaultHost, api: cfg.api}
	if len(cfg.endpoints) > 0 {
		s.host, s.endpoints = cfg.endpoints[0], cfg.endpoints[1:]
	}
	return cfg.chooseAPI(ctx, &s, cfg.tlsConfig)
}
