package v2http

import (
	"context"
	"net/http"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Suspect endpoints (the rules are at the top of failover.go).
//
// An endpoint becomes suspect when a request to it got no answer in time
// (stall.go decides). A suspect is not used first: the endpoints are
// tried in their usual order with the suspects moved to the end, so the
// next call goes straight to a healthy member, and a suspect is still
// tried when nothing else answers (a client with one endpoint keeps
// working once its member answers again). A suspect becomes an ordinary
// endpoint again when a health probe succeeds or when it answers a
// request it was tried with. Probes run in the background, started by
// calls (no goroutine outlives its probe, so a client nobody uses costs
// nothing): the first one probeFirst after the endpoint was marked, then
// with a pause doubled after each failed probe up to probeMax. Their
// results reach the request hook at the next call, on the caller's
// goroutine. When the endpoint cleared was the current one when it was
// marked, it becomes the current one again: the move was only because of
// the fault.

const (
	// probeFirst is the pause before the first probe of a newly suspect
	// endpoint; probeMax the longest pause between two probes.
	probeFirst = 250 * time.Millisecond
	probeMax   = 4 * time.Second
	// probeTimeout bounds one background probe. etcd's /health asks the
	// cluster (a read through raft, up to 1 s on etcd 3.4), so give it
	// longer than that.
	probeTimeout = 2 * time.Second
	// maxPendingProbes bounds the probe records kept for the hook
	// between two calls.
	maxPendingProbes = 16
)

// suspicion is what the client knows of one suspect endpoint.
type suspicion struct {
	reason     string
	next       time.Time     // the earliest time of the next probe
	wait       time.Duration // the pause after the next failed probe
	probing    bool          // a probe is running
	wasCurrent bool          // it was the current endpoint when marked
}

// suspects are a client's suspect endpoints, by URL (so that they survive
// a membership lookup rebuilding the list), and the probe records not yet
// given to the hook. Client.mu guards them.
type suspects struct {
	by      map[string]*suspicion
	pending []backend.Info
}

// markSuspect makes ep suspect for reason (a no-op when it is already).
func (c *Client) markSuspect(ep *endpoint, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := ep.String()
	if c.sus.by[key] != nil {
		return
	}
	if c.sus.by == nil {
		c.sus.by = map[string]*suspicion{}
	}
	c.sus.by[key] = &suspicion{
		reason:     reason,
		next:       c.now().Add(probeFirst),
		wait:       2 * probeFirst,
		wasCurrent: c.eps[c.cur].String() == key,
	}
}

// clearSuspect makes ep an ordinary endpoint again, and the current one
// when it was current when it was marked.
func (c *Client) clearSuspect(ep *endpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked(ep.String())
}

func (c *Client) clearLocked(key string) {
	s := c.sus.by[key]
	if s == nil {
		return
	}
	delete(c.sus.by, key)
	if !s.wasCurrent {
		return
	}
	for i, e := range c.eps {
		if e.String() == key {
			c.cur = i
			return
		}
	}
}

// isSuspect reports whether ep is suspect.
func (c *Client) isSuspect(ep *endpoint) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sus.by[ep.String()] != nil
}

// SuspectEndpoints returns the suspect endpoints' URLs with the reason
// each was marked for.
func (c *Client) SuspectEndpoints() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]string, len(c.sus.by))
	for k, s := range c.sus.by {
		out[k] = s.reason
	}
	return out
}

// order returns the endpoints in the order a request tries them: the
// current one, then the others in list order, with the suspects moved to
// the end (in the same order among themselves); healthy is how many come
// before the first suspect. It starts the probes that are due.
func (c *Client) order() (order []*endpoint, healthy int, cur *endpoint) {
	c.mu.Lock()
	eps, n := c.eps, len(c.eps)
	cur = eps[c.cur]
	order = make([]*endpoint, 0, n)
	var bad []*endpoint
	var due []*endpoint
	now := c.now()
	for i := range n {
		ep := eps[(c.cur+i)%n]
		s := c.sus.by[ep.String()]
		if s == nil {
			order = append(order, ep)
			continue
		}
		bad = append(bad, ep)
		if !s.probing && !now.Before(s.next) {
			s.probing = true
			due = append(due, ep)
		}
	}
	c.mu.Unlock()
	healthy = len(order)
	for _, ep := range due {
		go c.probe(ep)
	}
	return append(order, bad...), healthy, cur
}

// probe checks a suspect endpoint once, in the background, and clears it
// or schedules the next probe.
func (c *Client) probe(ep *endpoint) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	ok, infos := c.healthy(ctx, ep)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hook != nil {
		c.sus.pending = append(c.sus.pending, infos...)
		if extra := len(c.sus.pending) - maxPendingProbes; extra > 0 {
			c.sus.pending = c.sus.pending[extra:]
		}
	}
	key := ep.String()
	s := c.sus.by[key]
	if s == nil {
		return // cleared meanwhile by an answer
	}
	if ok {
		c.clearLocked(key)
		return
	}
	s.probing = false
	s.next = c.now().Add(s.wait)
	s.wait = min(2*s.wait, probeMax)
}

// healthy asks ep's /health (200 means the member serves: on etcd it has
// a leader and reads through raft work); an endpoint without /health
// (etcd before 2.2, a proxy: 404) is asked /version instead. It returns
// the probe records for the hook.
func (c *Client) healthy(ctx context.Context, ep *endpoint) (bool, []backend.Info) {
	var infos []backend.Info
	for _, path := range []string{"/health", "/version"} {
		resp, info := c.probeOnce(ctx, ep, path)
		infos = append(infos, info)
		if resp == nil || resp.Status != http.StatusNotFound {
			return resp != nil && resp.Status == http.StatusOK, infos
		}
	}
	return false, infos
}

// answers reports whether ep gives any HTTP answer to GET /version (which
// etcd serves without asking the cluster) before ctx ends: whether the
// server is alive, whatever its state.
func (c *Client) answers(ctx context.Context, ep *endpoint) (bool, backend.Info) {
	resp, info := c.probeOnce(ctx, ep, "/version")
	return resp != nil, info
}

// probeOnce sends one probe request and describes it as a hook record.
func (c *Client) probeOnce(ctx context.Context, ep *endpoint, path string) (*backend.Response, backend.Info) {
	k := plainCall(backend.Version, http.MethodGet, path)
	u := k.urlFor(ep)
	start := time.Now()
	resp, err := c.roundTrip(ctx, ep, k, u)
	info := backend.Info{Kind: k.kind, Endpoint: ep.String(), Method: k.method, URL: u.String(), Err: err, Duration: time.Since(start), Probe: true}
	if resp != nil {
		info.Status = resp.Status
	}
	if err != nil {
		resp = nil
	}
	return resp, info
}

// flushProbes gives the hook the probe records made since the last call.
func (c *Client) flushProbes() {
	if c.hook == nil {
		return
	}
	c.mu.Lock()
	infos := c.sus.pending
	c.sus.pending = nil
	c.mu.Unlock()
	for _, i := range infos {
		c.hook(i)
	}
}
