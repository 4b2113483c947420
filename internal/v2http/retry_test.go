package v2http

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// faultServer answers every request with a fixed 5xx. It injects a fault
// a real server cannot be made to produce on demand: etcd answers 500
// ("Raft Internal Error") only while it has no leader or is stopping, and
// a proxy 502/503/504 only when its upstream fails. The bodies are the
// ones they send.
type faultServer struct {
	*httptest.Server
	status int
	reqs   atomic.Int32
}

// etcdRaftError is etcd's answer to a write that timed out during an
// election (v2http writeKeyError, errorCode 300).
const etcdRaftError = `{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out, possibly due to previous leader failure","index":0}`

func newFaultServer(t *testing.T, status int) *faultServer {
	f := &faultServer{status: status}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		f.reqs.Add(1)
		if f.status == 500 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Etcd-Cluster-Id", "cdf818194e3a8c32")
			w.WriteHeader(500)
			io.WriteString(w, etcdRaftError+"\n")
			return
		}
		http.Error(w, http.StatusText(f.status), f.status)
	}))
	t.Cleanup(f.Close)
	return f
}

// sleeps records the pauses a client takes instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

// An idempotent request answered 5xx (etcd's 500 during an election, a
// proxy's 502/503/504) moves on to the next endpoint, which is then
// pinned; the pause before it is one backoff step.
func TestFailover5xx(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		f := newFaultServer(t, status)
		var sl sleeps
		var infos []backend.Info
		c := newClient(t, Config{Host: f.URL, Endpoints: []string{etcd.ClientURL}, Hook: func(i backend.Info) { infos = append(infos, i) }})
		c.sleep = sl.sleep
		key := "/retry/5xx"
		if resp := do(t, c, set(key, "v")); resp.Status != 200 && resp.Status != 201 {
			t.Fatalf("%d: put: %d %s", status, resp.Status, resp.Body)
		}
		if len(infos) != 2 || infos[0].Status != status || f.reqs.Load() != 1 {
			t.Errorf("%d: infos %+v", status, infos)
		}
		if len(sl.d) != 1 || sl.d[0] < backoffBase/2 || sl.d[0] > backoffBase {
			t.Errorf("%d: pauses %v", status, sl.d)
		}
		if got := c.Endpoints(); got[0] != etcd.ClientURL {
			t.Errorf("%d: not pinned: %v", status, got)
		}
		if b := decode(t, do(t, c, get(key))); *b.Node.Value != "v" || f.reqs.Load() != 1 {
			t.Errorf("%d: get after pin: %+v, fault server saw %d", status, b.Node, f.reqs.Load())
		}
	}
	// Other errors are answers, not failures: a 501 or a 4xx is returned
	// as is and nothing moves.
	f := newFaultServer(t, 501)
	c := newClient(t, Config{Host: f.URL, Endpoints: []string{etcd.ClientURL}})
	if resp := do(t, c, get("/retry/5xx")); resp.Status != 501 || c.Endpoints()[0] != f.URL {
		t.Errorf("501: %d, endpoints %v", resp.Status, c.Endpoints())
	}
}

// When every endpoint answers 5xx, after two passes with growing pauses
// the last answer is returned as the Response, not an error, so the
// script sees etcd's own message. A dead endpoint among them does not
// hide the answers.
func TestAll5xx(t *testing.T) {
	a, b := newFaultServer(t, 503), newFaultServer(t, 500)
	dead := deadURL(t)
	var sl sleeps
	c := newClient(t, Config{Host: a.URL, Endpoints: []string{dead, b.URL}})
	c.sleep = sl.sleep
	resp, err := c.Do(context.Background(), get("/retry/all"))
	if err != nil || resp.Status != 500 || strings.TrimSpace(string(resp.Body)) != etcdRaftError {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	if a.reqs.Load() != 2 || b.reqs.Load() != 2 {
		t.Errorf("requests: %d, %d; want 2 passes", a.reqs.Load(), b.reqs.Load())
	}
	// Attempts a(503) dead b(500) | a dead b: a pause after each 5xx and
	// before each attempt of the second pass: 4 pauses, 50/100/200/400 ms
	// nominal, each between half and all of it.
	if len(sl.d) != 4 {
		t.Fatalf("pauses %v", sl.d)
	}
	for i, d := range sl.d {
		if nom := backoff(i); d < nom/2 || d > nom {
			t.Errorf("pause %d: %v, nominal %v", i, d, nom)
		}
	}
	if c.Endpoints()[0] != a.URL {
		t.Errorf("moved without a success: %v", c.Endpoints())
	}
}

// The backoff doubles from 50 ms up to the cap and its jitter stays in
// [d/2, d]; with many endpoints the pauses of one call are bounded by
// 2 × endpoints − 1 steps; a deadline nearer than the next pause ends
// the retries at once with the answer had so far; a cancelled context
// ends a pause at once.
func TestBackoffBounds(t *testing.T) {
	want := []time.Duration{50, 100, 200, 400, 800, 1000, 1000, 1000}
	for i, w := range want {
		if got := backoff(i); got != w*time.Millisecond {
			t.Errorf("backoff(%d) = %v, want %v ms", i, got, w)
		}
	}
	seen := map[bool]int{}
	for i := 0; i < 10000; i++ {
		d := jitter(100 * time.Millisecond)
		if d < 50*time.Millisecond || d > 100*time.Millisecond {
			t.Fatalf("jitter %v", d)
		}
		seen[d < 75*time.Millisecond]++
	}
	if seen[true] < 3000 || seen[false] < 3000 {
		t.Errorf("jitter not spread: %v", seen)
	}

	var urls []string
	var faults []*faultServer
	for i := 0; i < 5; i++ {
		f := newFaultServer(t, 503)
		faults = append(faults, f)
		urls = append(urls, f.URL)
	}
	var sl sleeps
	c := newClient(t, Config{Host: urls[0], Endpoints: urls[1:]})
	c.sleep = sl.sleep
	resp := do(t, c, get("/retry/bounds"))
	if resp.Status != 503 || len(sl.d) != 9 {
		t.Fatalf("status %d, %d pauses", resp.Status, len(sl.d))
	}
	var total time.Duration
	for _, d := range sl.d {
		total += d
	}
	if total > 50*(1+2+4+8+16)*time.Millisecond+4*backoffCap {
		t.Errorf("pauses sum to %v", total)
	}
	for _, f := range faults {
		if f.reqs.Load() != 2 {
			t.Errorf("%s: %d requests", f.URL, f.reqs.Load())
		}
	}

	// Real pauses under a 300 ms timeout: the nominal pauses would sum to
	// 4.75 s; the call ends before its deadline, answering etcd's 503
	// instead of a 408.
	c = newClient(t, Config{Host: urls[0], Endpoints: urls[1:]})
	req := get("/retry/bounds")
	req.Timeout = 300 * time.Millisecond
	start := time.Now()
	resp = do(t, c, req)
	if d := time.Since(start); resp.Status != 503 || d > 300*time.Millisecond {
		t.Errorf("deadline: status %d after %v", resp.Status, d)
	}

	// Cancelling the caller's context ends a pause at once.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	req.Timeout = 0
	start = time.Now()
	_, err := c.Do(ctx, req)
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("cancel: %v after %v", err, time.Since(start))
	}
}

// A write that is not idempotent is not resent after a 5xx: etcd may have
// applied it (a proposal that timed out in an election can still be
// committed), so the 5xx is returned as is. Nor after an ambiguous
// failure (TestFailoverAmbiguous); only after a refused dial.
func TestNonIdempotentNotResentAfter5xx(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		f := newFaultServer(t, status)
		var sl sleeps
		c := newClient(t, Config{Host: f.URL, Endpoints: []string{etcd.ClientURL}})
		c.sleep = sl.sleep
		dir := "/retry/push" + http.StatusText(status)[:3]
		push := &backend.Op{Kind: backend.CreateInOrder, Key: dir, Value: "once", HasValue: true, TTL: backend.NoTTL, Timeout: 5 * time.Second}
		resp, err := c.Do(context.Background(), push)
		if err != nil || resp.Status != status {
			t.Errorf("%d: resp %+v err %v", status, resp, err)
		}
		if f.reqs.Load() != 1 || len(sl.d) != 0 {
			t.Errorf("%d: fault server got %d requests, %d pauses", status, f.reqs.Load(), len(sl.d))
		}
		if resp := do(t, newClient(t, Config{}), get(dir)); resp.Status != 404 {
			t.Errorf("%d: the real server got the write: %d %s", status, resp.Status, resp.Body)
		}
		if c.Endpoints()[0] != f.URL {
			t.Errorf("%d: moved: %v", status, c.Endpoints())
		}
	}

	// Through two passes, an ambiguous failure still stops a create.
	drop := newDropServer(t)
	c := newClient(t, Config{Host: etcd.ClientURL, Endpoints: []string{drop.URL()}})
	c.pin(c.eps[1])
	setnx := set("/retry/setnx", "x")
	setnx.Kind = backend.Create
	if _, err := c.Do(context.Background(), setnx); err == nil || !strings.Contains(err.Error(), "not resent") || drop.reqs.Load() != 1 {
		t.Errorf("setnx: err %v, %d requests", err, drop.reqs.Load())
	}
}

// After a failover the membership is looked up again, but at most once
// per 30 s (injected clock) and only when a request did fail over; a
// refresh keeps the endpoint that has just answered current. The lookups
// are counted on the etcd 0.4 peer API, a fake listing two members that
// are reverse proxies to the real etcd, each of which can be made to
// answer 503 as a proxy with no healthy upstream does.
func TestRefreshAfterFailover(t *testing.T) {
	target := mustParse(t, etcd.ClientURL)
	var down1, down2 atomic.Bool
	member := func(down *atomic.Bool) *httptest.Server {
		rp := httputil.NewSingleHostReverseProxy(target)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() {
				http.Error(w, "no healthy upstream", http.StatusServiceUnavailable)
				return
			}
			rp.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	p1, p2 := member(&down1), member(&down2)
	var lookups atomic.Int32
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lookups.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, machineList(
			v2api.Machine{Name: "m1", State: "leader", ClientURL: p1.URL},
			v2api.Machine{Name: "m2", State: "follower", ClientURL: p2.URL}))
	}))
	defer peer.Close()
	now := time.Unix(1e9, 0)
	c, err := New(Config{Host: p2.URL, Peer: peer.URL})
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return now }
	var sl sleeps
	c.sleep = sl.sleep
	step := func(advance time.Duration, wantInit int8, wantLookups int32, wantFirst string) {
		t.Helper()
		now = now.Add(advance)
		resp := do(t, c, get("/"))
		if resp.Status != 200 || resp.FailoverInit != wantInit || lookups.Load() != wantLookups || c.Endpoints()[0] != wantFirst {
			t.Fatalf("after %v: status %d, init %d, %d lookups, endpoints %v; want init %d, %d lookups, %s first",
				advance, resp.Status, resp.FailoverInit, lookups.Load(), c.Endpoints(), wantInit, wantLookups, wantFirst)
		}
	}
	step(0, 1, 1, p1.URL) // the first lookup moves to the leader
	for i := 0; i < 10; i++ {
		step(time.Minute, 0, 1, p1.URL) // no failover: no lookup, however long
	}
	// p1 fails: the call fails over to p2 and, the last lookup being
	// long ago, refreshes at once; p2 has just answered and stays current.
	down1.Store(true)
	step(time.Second, 1, 2, p2.URL)
	if got := strings.Join(c.Endpoints(), " "); got != p2.URL+" "+p1.URL {
		t.Errorf("after refresh: %s", got)
	}
	// p1 is back and p2 fails a second later: a failover, but the next
	// lookup waits until 30 s after the last one; then there is one.
	down1.Store(false)
	down2.Store(true)
	step(time.Second, 0, 2, p1.URL)
	for i := 0; i < 28; i++ {
		step(time.Second, 0, 2, p1.URL)
	}
	step(time.Second, 1, 3, p1.URL)
	for i := 0; i < 5; i++ {
		step(time.Hour, 0, 3, p1.URL)
	}
}
