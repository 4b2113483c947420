package luaetcd

import (
	"context"
	"fmt"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/jail"
	"github.com/luaetcd/go-luaetcd/internal/keypath"
	lua "github.com/yuin/gopher-lua"
)

const (
	defaultPeer    = "http://127.0.0.1:7001"
	defaultTimeout = 60 * time.Second
)

// client is what a script holds after Etcd.new: the per-client settings of
// the Lua layer plus the backend that talks to etcd.
type client struct {
	be      backend.Backend
	prefix  string        // normalized key prefix; "" for none
	ttl     int64         // default ttl; -1 for none
	timeout time.Duration // per request; 0 for none
	raw     bool          // serializer = 'raw': values are plain strings
}

// settings is what Etcd.new's opts table resolves to, before the backend is
// built from it.
type settings struct {
	host, peer     string
	endpoints      []string
	user, password string
	prefix         string
	ttl            int64
	timeout        time.Duration
	raw            bool
	tls            tlsFiles
	maxBody        int64
	api            string // "v2", "v3" or "auto"
}

// newClient checks opts as lua-etcd does, in the contract's order, and
// returns the client or the lua-etcd error text.
func (cfg *config) newClient(L *lua.LState, optsv lua.LValue) (*client, error) {
	s := settings{
		host:    backend.DefaultHost,
		peer:    defaultPeer,
		ttl:     -1,
		timeout: defaultTimeout,
	}
	if len(cfg.endpoints) > 0 {
		s.host, s.endpoints = cfg.endpoints[0], cfg.endpoints[1:]
	}
	if cfg.peer != "" {
		s.peer = cfg.peer
	}
	if cfg.hasTimeout {
		s.timeout = cfg.timeout
	}
	s.prefix = cfg.prefix
	s.user, s.password = cfg.user, cfg.password
	s.maxBody = cfg.maxBody
	s.api = cfg.api

	var opts *lua.LTable
	switch v := optsv.(type) {
	case *lua.LNilType:
		opts = L.NewTable()
	case *lua.LTable:
		opts = v
	default:
		return nil, errArg("opts must be table")
	}

	if v := opts.RawGetString("timeout"); v != lua.LNil {
		if !isUint(v) {
			return nil, errArg("opts.timeout must be unsigned integer")
		}
		s.timeout = seconds(v.(lua.LNumber))
	}
	if v := opts.RawGetString("host"); v != lua.LNil {
		str, ok := v.(lua.LString)
		if !ok {
			return nil, errArg("opts.host must be string")
		}
		// An explicit host replaces the host's default endpoints entirely.
		s.host, s.endpoints = string(str), nil
	}
	if v := opts.RawGetString("peer"); v != lua.LNil {
		str, ok := v.(lua.LString)
		if !ok {
			return nil, errArg("opts.peer must be string")
		}
		s.peer = string(str)
	}
	if v := opts.RawGetString("prefix"); v != lua.LNil {
		str, ok := v.(lua.LString)
		if !ok {
			return nil, errArg("opts.prefix must be string")
		}
		s.prefix = string(str)
	}
	if v := opts.RawGetString("ttl"); v != lua.LNil {
		if !isInt(v) {
			return nil, errArg("opts.ttl must be int")
		}
		s.ttl = int64(v.(lua.LNumber))
	}
	if err := s.readExtensions(opts); err != nil {
		return nil, err
	}
	if err := cfg.checkJailedOptions(opts); err != nil {
		return nil, err
	}
	if cfg.restricted() && s.maxBody > cfg.hostMaxBody() {
		return nil, errArg(fmt.Sprintf("opts.max_body_size may not exceed the host's limit (%d)", cfg.hostMaxBody()))
	}

	c := &client{ttl: s.ttl, timeout: s.timeout, raw: s.raw}
	if p := keypath.Normalize(s.prefix); p != "/" {
		c.prefix = p
	}
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	be, err := cfg.newBackend(ctx, &s)
	if err != nil {
		return nil, err
	}
	if cfg.jail != "" {
		// Below the Lua layer and around whatever backend was built.
		be = jail.Wrap(be, cfg.jail)
	}
	c.be = be
	return c, nil
}

// readExtensions reads the options lua-etcd did not have: serializer,
// endpoints, max_body_size, user, password, the TLS files and api.
func (s *settings) readExtensions(opts *lua.LTable) error {
	if v := opts.RawGetString("api"); v != lua.LNil {
		switch v {
		case lua.LString(APIv2), lua.LString(APIv3), lua.LString(APIAuto):
			s.api = string(v.(lua.LString))
		default:
			return errArg("opts.api must be 'v2', 'v3' or 'auto'")
		}
	}
	if v := opts.RawGetString("serializer"); v != lua.LNil {
		switch v {
		case lua.LString("json"):
			s.raw = false
		case lua.LString("raw"):
			s.raw = true
		default:
			return errArg("opts.serializer must be 'json' or 'raw'")
		}
	}
	if v := opts.RawGetString("endpoints"); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok || t.Len() == 0 {
			return errArg("opts.endpoints must be a list of strings")
		}
		urls := make([]string, 0, t.Len())
		for i := 1; i <= t.Len(); i++ {
			str, ok := t.RawGetInt(i).(lua.LString)
			if !ok {
				return errArg("opts.endpoints must be a list of strings")
			}
			urls = append(urls, string(str))
		}
		// host, when given too, stays first.
		if opts.RawGetString("host") != lua.LNil {
			s.endpoints = urls
		} else {
			s.host, s.endpoints = urls[0], urls[1:]
		}
	}
	if v := opts.RawGetString("max_body_size"); v != lua.LNil {
		if !isUint(v) || v == lua.LNumber(0) {
			return errArg("opts.max_body_size must be a positive integer")
		}
		s.maxBody = int64(v.(lua.LNumber))
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"user", &s.user},
		{"password", &s.password},
		{"cacert", &s.tls.caFile},
		{"cert", &s.tls.certFile},
		{"key", &s.tls.keyFile},
	} {
		if v := opts.RawGetString(f.name); v != lua.LNil {
			str, ok := v.(lua.LString)
			if !ok {
				return errArg(fmt.Sprintf("opts.%s must be string", f.name))
			}
			*f.dst = string(str)
		}
	}
	return nil
}
