// Package v2http implements backend.Backend over etcd's v2 HTTP API.
//
// It turns each backend.Op into exactly the request lua-etcd 0.12 sent
// (request.go; setTTL's read-then-write in settl.go), builds the URLs
// (each key segment escaped, so every UTF-8 key round-trips), applies
// per-operation timeouts, follows redirects as lua-etcd did (redirect.go:
// a GET with the location in its header, a write re-sent and the client
// moved to the new server), fails over between client URLs (on dial
// errors and 5xx answers, with bounded retries and backoff; failover.go
// has the rules; whether a request may be resent follows from its kind),
// re-sends watches whose stream ended without an event (longpoll.go), and
// answers the etcd 0.4 admin API (adminMachines) from /v2/members on
// modern clusters (members.go). Failures wrap the sentinels of package
// backend and their typed causes (errors.go); a URL that cannot be used
// is a backend.URLError of the requests that would use it. It knows
// nothing of Lua and never imports etcd's server.
package v2http

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// DefaultMaxBodySize is the response body limit used when
// Config.MaxBodySize is 0.
const DefaultMaxBodySize = 64 << 20

// lookupRetryInterval is how long a client waits after a failed membership
// lookup before the next Do may try again.
const lookupRetryInterval = 30 * time.Second

// Config says where a Client sends its requests and how.
type Config struct {
	// Host is the first client URL, e.g. "http://127.0.0.1:2379"; requests
	// go there until it fails. A trailing slash is ignored; user:pass@ in
	// the URL is used as basic auth for this URL. Empty means backend.DefaultHost.
	Host string
	// Endpoints are further client URLs, tried in order when the current
	// one cannot be reached or answers 500/502/503/504 (see failover.go
	// for when a request is sent again). A membership lookup replaces Host
	// and Endpoints with the cluster's leader and followers.
	Endpoints []string
	// Peer is the peer URL, where the etcd 0.4 admin API
	// (/v2/admin/config, /v2/admin/machines) lives. Empty means the admin
	// API is not tried: AdminConfig fails and AdminMachines goes straight
	// to /v2/members.
	Peer string
	// HTTPClient, when set, sends every request (its Timeout should be 0;
	// Op.Timeout is applied per operation). When nil, one process-wide
	// keep-alive client is shared by every Client with the same TLS
	// config, so many Lua states reuse the same connections.
	HTTPClient *http.Client
	// TLS is the TLS configuration for https:// URLs; used only when
	// HTTPClient is nil. Clients given the same *tls.Config share one
	// connection pool, so build it once, not per client.
	TLS *tls.Config
	// User and Password are sent as basic auth to every URL that carries no
	// user:pass@ of its own. They never appear in errors or in Info.
	User, Password string
	// Hook, when set, is called after each HTTP request with what it did.
	// It runs on the goroutine that called Do.
	Hook backend.Hook
	// MaxBodySize caps a response body; a larger body makes Do fail with
	// an error. 0 means DefaultMaxBodySize.
	MaxBodySize int64
	// StallTimeout is how long a request waits for the answer's headers
	// before the endpoint counts as silent (stall.go): 0 means a third of
	// the call's timeout, at most backend.DefaultStallTimeout; < 0 never.
	StallTimeout time.Duration
}

// endpoint is one base URL (no user info, no trailing slash) with the
// credentials to use on it. A URL that cannot be used is kept too, with
// bad set: lua-etcd accepted any host string and reported the problem on
// the first request that needed it, so that is where it is reported.
type endpoint struct {
	u          *url.URL
	user, pass string
	auth       bool
	bad        *backend.URLError // why the URL cannot be used; u is nil
}

func (e *endpoint) String() string {
	if e.bad != nil {
		return e.bad.URL
	}
	return e.u.String()
}

// Client is a backend.Backend for etcd's v2 HTTP API. It is safe for
// concurrent use.
type Client struct {
	hc      *http.Client
	hook    backend.Hook
	maxBody int64
	user    string
	pass    string
	peer    *endpoint     // nil when no peer URL
	stall   time.Duration // Config.StallTimeout

	// now is the clock used for the membership retry interval.
	now func() time.Time

	mu        sync.Mutex
	eps       []*endpoint // current endpoint list; eps[cur] is tried first
	cur       int
	lookupOK  bool      // a membership lookup succeeded
	lookupAt  time.Time // when the last lookup started
	lookedUp  bool      // a lookup was started at least once
	lookingUp bool      // a lookup is running
	// failedOver: a request succeeded on another endpoint than the
	// current one since the last lookup (see lookupDue).
	failedOver bool
	// sus are the suspect endpoints (suspect.go).
	sus suspects

	// sleep pauses between retries (failover.go); nil means a timer.
	// Tests inject it to observe the backoff without waiting.
	sleep func(ctx context.Context, d time.Duration) error
}

var _ backend.Backend = (*Client)(nil)

// New returns a Client for cfg. Nothing is sent, and no URL is refused
// here: as in lua-etcd, a host, endpoint or peer URL that cannot be used
// makes the requests that would go there fail with a *backend.URLError
// (lua-etcd's text: `unsupported protocol: "ftp"`, `invalid uri format:
// "Parsed text violates expected format"`). A request moves on from such
// an endpoint to the next one, as from one that cannot be reached. The
// error result is kept for settings New may refuse in the future.
func New(cfg Config) (*Client, error) {
	c := &Client{
		hc:      cfg.HTTPClient,
		hook:    cfg.Hook,
		maxBody: cfg.MaxBodySize,
		user:    cfg.User,
		pass:    cfg.Password,
		stall:   cfg.StallTimeout,
		now:     time.Now,
	}
	if c.hc == nil {
		c.hc = sharedClient(cfg.TLS)
	} else {
		c.hc = withoutRedirects(c.hc)
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodySize
	}
	host := cfg.Host
	if host == "" {
		host = backend.DefaultHost
	}
	ep := c.parseEndpoint("host", host)
	// Credentials given only in the host URL are the cluster's: the other
	// endpoints, the peer and the members a lookup finds get them too, or
	// a failover would reach a member without them and get 401.
	if ep.auth && c.user == "" && c.pass == "" {
		c.user, c.pass = ep.user, ep.pass
	}
	c.eps = append(c.eps, ep)
	for _, s := range cfg.Endpoints {
		if ep := c.parseEndpoint("endpoint", s); !containsEndpoint(c.eps, ep) {
			c.eps = append(c.eps, ep)
		}
	}
	if cfg.Peer != "" {
		c.peer = c.parseEndpoint("peer", cfg.Peer)
	}
	return c, nil
}

func containsEndpoint(eps []*endpoint, ep *endpoint) bool {
	for _, e := range eps {
		if e.String() == ep.String() {
			return true
		}
	}
	return false
}

// parseEndpoint reads one base URL; what names it in errors ("host",
// "endpoint", "peer"). A URL that cannot be used gives an endpoint whose
// bad error its requests return, worded as lua-etcd's URI check: a
// scheme other than http and https is an unsupported protocol, and text
// that is no absolute URL (no scheme, as "127.0.0.1:4001", or no host)
// violates the expected format.
func (c *Client) parseEndpoint(what, raw string) *endpoint {
	bad := func(detail, word string) *endpoint {
		return &endpoint{bad: &backend.URLError{What: what, URL: redactRaw(raw), Detail: detail, Word: word}}
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Not the url.Error itself: its text holds the password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return bad(err.Error(), formatViolated)
	}
	switch {
	case u.Scheme == "" || u.Opaque != "":
		return bad("not an absolute url", formatViolated)
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("scheme must be http or https", fmt.Sprintf("unsupported protocol: %q", u.Scheme))
	case u.Host == "":
		return bad("missing host", formatViolated)
	case u.RawQuery != "" || u.ForceQuery:
		return bad("must not have a query", `invalid uri format: "must not have a query"`)
	case u.Fragment != "":
		return bad("must not have a fragment", `invalid uri format: "must not have a fragment"`)
	}
	ep := &endpoint{user: c.user, pass: c.pass, auth: c.user != "" || c.pass != ""}
	if u.User != nil {
		ep.user = u.User.Username()
		ep.pass, _ = u.User.Password()
		ep.auth = true
		u.User = nil
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if ep2, err := url.Parse(u.String()); err == nil {
		u = ep2
	}
	ep.u = u
	return ep
}

// formatViolated is lua-etcd's text for a host or peer that is not an
// absolute URL.
const formatViolated = `invalid uri format: "Parsed text violates expected format"`

// redactRaw hides the user info of a URL that did not parse.
func redactRaw(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return raw[:i+3] + "xxxxx" + rest[at:]
	}
	return raw
}

// send makes the request k to ep, reads the whole answer and follows a
// redirect as lua-etcd did (redirect.go).
func (c *Client) send(ctx context.Context, ep *endpoint, k *call) (*backend.Response, error) {
	return c.sendWatched(ctx, ep, k, nil)
}

// sendWatched is send with its first request watched for silence
// (stall.go) when w is not nil.
func (c *Client) sendWatched(ctx context.Context, ep *endpoint, k *call, w *watch) (*backend.Response, error) {
	resp, err := c.roundTripWatched(ctx, ep, k, w)
	if err != nil {
		return resp, err
	}
	return c.follow(ctx, ep, k, resp)
}

// roundTripHooked makes one HTTP request and reports it to the hook.
func (c *Client) roundTripHooked(ctx context.Context, ep *endpoint, k *call) (*backend.Response, error) {
	return c.roundTripWatched(ctx, ep, k, nil)
}

// roundTripWatched is roundTripHooked, watched for silence (stall.go) when
// w is not nil; the hook's record says when it made ep suspect.
func (c *Client) roundTripWatched(ctx context.Context, ep *endpoint, k *call, w *watch) (*backend.Response, error) {
	if ep.bad != nil {
		return nil, ep.bad // nothing to send
	}
	u := k.urlFor(ep)
	if c.hook == nil && w == nil {
		return c.roundTrip(ctx, ep, k, u)
	}
	start := time.Now()
	var (
		resp  *backend.Response
		err   error
		note  string
		probe *backend.Info
	)
	if w != nil {
		resp, err, note, probe = c.attempt(ctx, ep, k, u, w.stall, w.resend)
	} else {
		resp, err = c.roundTrip(ctx, ep, k, u)
	}
	if c.hook == nil {
		return resp, err
	}
	if probe != nil {
		c.hook(*probe)
	}
	info := backend.Info{Kind: k.kind, Key: k.key, Endpoint: ep.String(), Method: k.method, URL: u.String(), Err: err, Duration: time.Since(start), Suspect: note}
	if resp != nil {
		info.Status = resp.Status
	}
	c.hook(info)
	return resp, err
}

func (c *Client) roundTrip(ctx context.Context, ep *endpoint, k *call, u *url.URL) (*backend.Response, error) {
	var body io.Reader
	if k.body != nil {
		body = bytes.NewReader(k.body)
	}
	// The URL is set afterwards, already built: formatting it only for
	// NewRequest to parse it again costs allocations on every call, and
	// our escaping must stay exactly as built.
	hreq, err := http.NewRequestWithContext(ctx, k.method, "", body)
	if err != nil {
		return nil, &answerError{text: "bad request: " + cause(err), err: err}
	}
	hreq.URL = u
	if k.ctype != "" {
		hreq.Header.Set("Content-Type", k.ctype)
	}
	if ep.auth {
		hreq.SetBasicAuth(ep.user, ep.pass)
	}
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > c.maxBody {
		return &backend.Response{Status: resp.StatusCode}, tooLarge(fmt.Sprintf("response body of %d bytes exceeds the limit of %d bytes", resp.ContentLength, c.maxBody))
	}
	var data []byte
	if resp.ContentLength >= 0 {
		// etcd always says how long its answer is: read it in one buffer
		// of that size instead of growing one.
		data = make([]byte, resp.ContentLength)
		_, err = io.ReadFull(resp.Body, data)
	} else {
		data, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	}
	if err != nil {
		return &backend.Response{Status: resp.StatusCode}, streamBroken(err)
	}
	if int64(len(data)) > c.maxBody {
		return &backend.Response{Status: resp.StatusCode}, tooLarge(fmt.Sprintf("response body exceeds the limit of %d bytes", c.maxBody))
	}
	return &backend.Response{Status: resp.StatusCode, Header: wireHeader(resp), Body: data}, nil
}

// wireHeader is the header as the server sent it: net/http moves
// Transfer-Encoding out of Header (into TransferEncoding), where lua-etcd
// showed it with the others (a watch or a large listing comes chunked).
func wireHeader(resp *http.Response) http.Header {
	if len(resp.TransferEncoding) > 0 && resp.Header.Get("Transfer-Encoding") == "" {
		resp.Header["Transfer-Encoding"] = resp.TransferEncoding
	}
	return resp.Header
}

// snapshot returns the endpoint list and the index of the current one.
func (c *Client) snapshot() ([]*endpoint, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.eps, c.cur
}

// pin makes ep the current endpoint, if it is still in the list.
func (c *Client) pin(ep *endpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.eps {
		if e == ep {
			if c.cur != i {
				c.failedOver = true
			}
			c.cur = i
			return
		}
	}
}

// Endpoints returns the client URLs in the order they are tried next: the
// current endpoint first, then the retry list.
func (c *Client) Endpoints() []string {
	eps, cur := c.snapshot()
	out := make([]string, 0, len(eps))
	for i := range eps {
		out = append(out, eps[(cur+i)%len(eps)].String())
	}
	return out
}

// doPeer sends k to the peer URL (no failover).
func (c *Client) doPeer(ctx context.Context, k *call) (*backend.Response, error) {
	if c.peer == nil {
		return nil, errors.New("no peer url configured")
	}
	resp, err := c.send(ctx, c.peer, k)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("peer %w", failedAt(c.peer, err))
	}
	return resp, nil
}

// Do carries out op and returns the answer. An Op.Timeout that expires
// gives a Response with TimedOut set and Status 408, and so does a write
// given up on a server that answers nothing (stall.go); a cancelled ctx
// gives ctx's error at once. The first Do of a client that has no membership
// list yet also looks the cluster's members up (see InitFailover) and
// reports the outcome in Response.FailoverInit; a failed lookup is tried
// again by a later Do only after 30 s. After a request failed over to
// another endpoint, a later Do refreshes the membership the same way, at
// most once per 30 s (see lookupDue and failover.go).
func (c *Client) Do(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op == nil {
		return nil, errors.New("nil operation")
	}
	rctx, cancel := c.withCallTimeout(ctx, op.Timeout) // stall.go
	defer cancel()
	resp, err := c.dispatchPoll(rctx, op) // longpoll.go: re-sends a watch that ended with no event
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A write given up on a silent server answers as a timeout.
		if op.Timeout > 0 && rctx.Err() != nil || errors.Is(err, errSilent) {
			return &backend.Response{Status: http.StatusRequestTimeout, TimedOut: true}, nil
		}
		return nil, err
	}
	if op.Kind == backend.Machines || op.Kind == backend.RemoveMachine {
		return resp, nil
	}
	if due, refresh := c.lookupDue(); due {
		if c.lookup(ctx, op.Timeout, refresh) == nil {
			resp.FailoverInit = 1
		} else {
			resp.FailoverInit = -1
		}
	}
	return resp, nil
}

// dispatch sends op's request to its endpoint: key-space and server
// requests to the client URLs with failover, the admin API to the peer.
// Whether a request may be resent after an ambiguous failure follows from
// its kind (backend.Kind.Idempotent).
func (c *Client) dispatch(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	idem := op.Kind.Idempotent()
	switch op.Kind {
	case backend.SetTTL:
		return c.setTTL(ctx, op)
	case backend.Version:
		return c.doClient(ctx, newCall(op, http.MethodGet, "/version"), idem)
	case backend.StatsLeader:
		return c.doClient(ctx, newCall(op, http.MethodGet, "/v2/stats/leader"), idem)
	case backend.StatsSelf:
		return c.doClient(ctx, newCall(op, http.MethodGet, "/v2/stats/self"), idem)
	case backend.StatsStore:
		return c.doClient(ctx, newCall(op, http.MethodGet, "/v2/stats/store"), idem)
	case backend.AdminConfig:
		return c.doPeer(ctx, newCall(op, http.MethodGet, "/v2/admin/config"))
	case backend.SetAdminConfig:
		k := newCall(op, http.MethodPut, "/v2/admin/config")
		k.body, k.ctype = adminConfigBody(op.Settings), "application/json"
		return c.doPeer(ctx, k)
	case backend.Machines:
		return c.adminMachines(ctx, op, http.MethodGet)
	case backend.RemoveMachine:
		return c.adminMachines(ctx, op, http.MethodDelete)
	}
	if op.Kind.OnKeys() {
		return c.doClient(ctx, keysCall(op), idem)
	}
	return nil, fmt.Errorf("unknown operation %s", op.Kind)
}
