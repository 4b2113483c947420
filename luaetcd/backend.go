package luaetcd

import (
	"context"
	"crypto/tls"
	"net/url"
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
	var usable []string
	for _, e := range s.allEndpoints() {
		if usableURL(e) {
			usable = append(usable, e)
		}
	}
	// With no URL that can be used, the v2 backend answers every call
	// with lua-etcd's words for it, without sending anything.
	if api == APIv3 && len(usable) > 0 {
		eps, user, password := splitUserinfo(usable)
		if s.user != "" {
			user, password = s.user, s.password
		}
		return v3backend.New(v3backend.Config{
			Endpoints:   eps,
			TLS:         tc,
			Username:    user,
			Password:    password,
			Hook:        cfg.backendHook(),
			MaxBodySize: s.maxBody,
			// WithStallTimeout, or the default rule (silent members).
			StallTimeout: cfg.stall,
		})
	}
	return cfg.newV2Backend(s, tc)
}

// usableURL reports whether raw is an http or https base URL the v3
// backend can dial (the v2 backend's rules; it answers the others with
// lua-etcd's errors).
func usableURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Opaque == "" && u.Host != "" &&
		u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

// splitUserinfo takes user:password@ out of the endpoints (the v2
// backend sends it as basic auth; v3 needs it as the client's user) and
// returns the first credentials found.
func splitUserinfo(eps []string) (out []string, user, password string) {
	for _, e := range eps {
		u, err := url.Parse(e)
		if err != nil || u.User == nil {
			out = append(out, e)
			continue
		}
		if user == "" {
			user = u.User.Username()
			password, _ = u.User.Password()
		}
		u.User = nil
		out = append(out, u.String())
	}
	return out, user, password
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
