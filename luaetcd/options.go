package luaetcd

import (
	"crypto/tls"
	"net/http"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Option changes the defaults that Preload gives to the clients a script
// builds with Etcd.new. What a script passes to Etcd.new explicitly always
// wins over an Option.
type Option func(*config)

// config is what the options set; Preload freezes one per state.
type config struct {
	endpoints  []string
	peer       string
	prefix     string
	timeout    time.Duration
	hasTimeout bool
	httpClient *http.Client
	tlsConfig  *tls.Config
	hook       RequestHook
	user       string
	password   string
	maxBody    int64
	stall      time.Duration // WithStallTimeout: 0 the default rule, < 0 never
	api        string        // WithAPI; "" is auto
	sandbox    bool          // WithSandbox: NewState builds a sandboxed state
	allow      []string      // what WithSandbox gives back
	jail       string        // WithKeyJail: the root of the key jail; "" for none
	// backend, when set, serves every client instead of one v2 HTTP
	// backend per client (tests: the fake backend).
	backend backend.Backend
}

// RequestInfo describes one request a client sent to etcd, for logging
// and metrics. One call can send several (failover, a membership lookup,
// setTTL's read then write). It never holds credentials.
type RequestInfo struct {
	Op       string // the operation: "get", "set", "create", "watch", "setTTL", "machines", ...
	Key      string // its key with the prefix applied, or the member name; "" for others
	Endpoint string // the endpoint asked, scheme://host:port
	Method   string // HTTP method
	URL      string // full URL, without user info
	Status   int    // etcd's v2 status; 0 when there was no answer
	// Err is why there was no answer, if so: the whole Go error, where the
	// script got only lua-etcd's short word ("connection refused"). Test
	// it with errors.Is / errors.As (syscall.ECONNREFUSED, *net.DNSError,
	// x509 errors, the backend's sentinels).
	Err      error
	Duration time.Duration // from sending to the end of the answer
	// Suspect, when not "", says that this request made Endpoint suspect,
	// and why ("no answer headers within 2s"): later requests try the
	// other endpoints first until a health probe of it succeeds.
	Suspect string
	// Probe marks a health probe of a suspect endpoint (Op "version", URL
	// .../health or .../version); Status or Err says how it went.
	Probe bool
}

// RequestHook is called after every request a client sends, on the
// goroutine that runs the script.
type RequestHook func(RequestInfo)

// backendHook adapts the host's hook to the backend's.
func (cfg *config) backendHook() backend.Hook {
	h := cfg.hook
	if h == nil {
		return nil
	}
	return func(i backend.Info) {
		h(RequestInfo{
			Op: i.Kind.String(), Key: i.Key, Endpoint: i.Endpoint, Method: i.Method, URL: i.URL,
			Status: i.Status, Err: i.Err, Duration: i.Duration, Suspect: i.Suspect, Probe: i.Probe,
		})
	}
}

// WithEndpoints sets the client URLs used when a script gives no host: the
// first is the host, the others start the failover list. Without it the
// default is lua-etcd's http://127.0.0.1:4001.
func WithEndpoints(urls ...string) Option {
	return func(c *config) { c.endpoints = append([]string(nil), urls...) }
}

// WithPeer sets the peer URL used when a script gives no peer (lua-etcd's
// default is http://127.0.0.1:7001). Only the admin methods use it.
func WithPeer(url string) Option { return func(c *config) { c.peer = url } }

// WithPrefix sets the key prefix used when a script gives no prefix.
func WithPrefix(prefix string) Option { return func(c *config) { c.prefix = prefix } }

// WithTimeout sets the request timeout used when a script gives none
// (lua-etcd's default is 60 s); 0 means no timeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout, c.hasTimeout = d, true }
}

// WithHTTPClient makes every client use hc for its requests instead of the
// shared keep-alive client. Its Timeout should be 0: timeouts are applied per
// request.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

// WithTLSConfig sets the TLS configuration for https:// endpoints (CA,
// client certificate). It is ignored when WithHTTPClient is given.
func WithTLSConfig(tc *tls.Config) Option { return func(c *config) { c.tlsConfig = tc } }

// WithRequestHook calls h after each HTTP request, for logging or metrics.
func WithRequestHook(h RequestHook) Option { return func(c *config) { c.hook = h } }

// WithBasicAuth sends etcd v2 basic-auth credentials on every request made
// by clients that do not set their own user.
func WithBasicAuth(user, password string) Option {
	return func(c *config) { c.user, c.password = user, password }
}

// WithStallTimeout sets how long a request waits for etcd to begin its
// answer before the member counts as silent (frozen, partitioned, hung):
// a read then goes on to the next endpoint within the call's timeout; a
// write, which is never sent twice, answers 408 once a quick probe of the
// member is not answered either; and later calls use the other members
// first until the silent one answers a health probe. Without this option
// the bound is a third of the call's timeout, at most 2 s; d = 0 turns
// the rule off (a silent member then costs each call its whole timeout,
// once, before it is avoided).
func WithStallTimeout(d time.Duration) Option {
	return func(c *config) {
		c.stall = d
		if d <= 0 {
			c.stall = -1
		}
	}
}

// WithMaxBodySize caps the size of a response body (default 64 MiB); a
// larger answer makes the call return nil, err instead of exhausting
// memory. Scripts can lower or raise it per client with opts.max_body_size.
func WithMaxBodySize(n int64) Option { return func(c *config) { c.maxBody = n } }

// The etcd APIs a client can use (WithAPI, Etcd.new's api option).
const (
	// APIv2 is etcd's v2 HTTP API (etcd 2.x to 3.5 with v2 enabled).
	APIv2 = "v2"
	// APIv3 is etcd's v3 API, serving the same v2 semantics (every etcd
	// 3.x; the only one 3.6 and later offer). docs/v3-backend.md lists
	// what differs.
	APIv3 = "v3"
	// APIAuto uses v2 where the cluster serves the v2 keys API and v3
	// otherwise, asking once per endpoint set and process (the default).
	APIAuto = "auto"
)

// WithAPI sets the API clients use when a script does not name one with
// Etcd.new{api = ...}: APIv2, APIv3 or APIAuto (the default). Any other
// value makes Etcd.new fail.
func WithAPI(api string) Option { return func(c *config) { c.api = api } }
