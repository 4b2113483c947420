package v2http

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// deadURL is a loopback URL where nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	port, err := embedetcd.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

// A dead first URL fails over to the real server, for a GET, an
// idempotent PUT and a non-idempotent POST (the dial failed, so it surely
// never reached a server); the client then stays on the URL that worked.
func TestFailoverDeadFirst(t *testing.T) {
	dead := deadURL(t)
	var infos []backend.Info
	c := newClient(t, Config{Host: dead, Endpoints: []string{etcd.ClientURL}, Hook: func(i backend.Info) { infos = append(infos, i) }})
	resp := do(t, c, set("/failover/dead", "v1"))
	if resp.Status != 201 && resp.Status != 200 {
		t.Fatalf("put: %d %s", resp.Status, resp.Body)
	}
	if len(infos) != 2 || infos[0].Err == nil || !strings.HasPrefix(infos[0].URL, dead) || infos[1].Status != resp.Status {
		t.Errorf("infos %+v", infos)
	}
	if got := c.Endpoints(); got[0] != etcd.ClientURL || got[1] != dead {
		t.Errorf("not pinned: %v", got)
	}
	infos = nil
	if b := decode(t, do(t, c, get("/failover/dead"))); *b.Node.Value != "v1" || len(infos) != 1 {
		t.Errorf("get: %+v, %d requests", b.Node, len(infos))
	}

	// A fresh client: GET first, then a push (POST, not idempotent).
	c = newClient(t, Config{Host: dead, Endpoints: []string{etcd.ClientURL}})
	if b := decode(t, do(t, c, get("/failover/dead"))); *b.Node.Value != "v1" {
		t.Errorf("get: %+v", b.Node)
	}
	c = newClient(t, Config{Host: dead, Endpoints: []string{etcd.ClientURL}})
	push := &backend.Op{Kind: backend.CreateInOrder, Key: "/failover/queue", Value: "x", HasValue: true, TTL: backend.NoTTL, Timeout: 5 * time.Second}
	if resp := do(t, c, push); resp.Status != 201 {
		t.Errorf("push: %d %s", resp.Status, resp.Body)
	}
}

// When every endpoint fails the error says how many and which, and the
// last cause.
func TestFailoverAllDead(t *testing.T) {
	a, b := deadURL(t), deadURL(t)
	c := newClient(t, Config{Host: a, Endpoints: []string{b}})
	_, err := c.Do(context.Background(), get("/x"))
	want := "all 2 endpoints failed (" + a + ", " + b + "); last error: dial tcp "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "connection refused") {
		t.Errorf("err = %v", err)
	}
}

// dropServer accepts connections, reads one HTTP request from each and
// closes the connection without answering. It injects a fault a real
// server cannot be made to produce on demand: the request arrived, but
// the client cannot know whether it was carried out.
type dropServer struct {
	ln   net.Listener
	reqs atomic.Int32
	wg   sync.WaitGroup
}

func newDropServer(t *testing.T) *dropServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &dropServer{ln: ln}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				io.Copy(io.Discard, req.Body)
				d.reqs.Add(1)
			}
			conn.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); d.wg.Wait() })
	return d
}

func (d *dropServer) URL() string { return "http://" + d.ln.Addr().String() }

// After an ambiguous failure (the connection closed after the request was
// written) a non-idempotent write is not resent to the next endpoint; an
// idempotent one is.
func TestFailoverAmbiguous(t *testing.T) {
	drop := newDropServer(t)
	c := newClient(t, Config{Host: drop.URL(), Endpoints: []string{etcd.ClientURL}})
	key := "/failover/ambiguous"
	push := &backend.Op{Kind: backend.CreateInOrder, Key: key, Value: "once", HasValue: true, TTL: backend.NoTTL, Timeout: 5 * time.Second}
	_, err := c.Do(context.Background(), push)
	if err == nil || !strings.Contains(err.Error(), "not resent") || !strings.Contains(err.Error(), "eof") {
		t.Errorf("err = %v", err)
	}
	if n := drop.reqs.Load(); n != 1 {
		t.Errorf("fault server got %d requests, want 1", n)
	}
	if resp := do(t, newClient(t, Config{}), get(key)); resp.Status != 404 {
		t.Errorf("the real server got the write: %d %s", resp.Status, resp.Body)
	}
	if got := c.Endpoints(); got[0] != drop.URL() {
		t.Errorf("moved after a failure: %v", got)
	}

	// The same failure for an idempotent PUT moves on to the real server.
	if resp := do(t, c, set(key, "put")); resp.Status != 201 && resp.Status != 200 {
		t.Errorf("put: %d %s", resp.Status, resp.Body)
	}
	if n := drop.reqs.Load(); n != 2 {
		t.Errorf("fault server got %d requests, want 2", n)
	}
	if got := c.Endpoints(); got[0] != etcd.ClientURL {
		t.Errorf("not pinned: %v", got)
	}
}

// machineList is the etcd 0.4 admin API's answer shape.
func machineList(ms ...v2api.Machine) string {
	b, _ := json.Marshal(ms)
	return string(b)
}

// The etcd 0.4 peer API is a fake: no living etcd serves
// /v2/admin/machines any more. The leader's client URL becomes the current
// endpoint and the followers' the retry list, unless the URL in use is no
// member (a proxy), which then stays current.
func TestAdminMachines04(t *testing.T) {
	f1, f2 := deadURL(t), deadURL(t)
	var hits atomic.Int32
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v2/admin/machines":
			io.WriteString(w, machineList(
				v2api.Machine{Name: "m1", State: "follower", ClientURL: f1, PeerURL: "http://p1"},
				v2api.Machine{Name: "m2", State: "leader", ClientURL: etcd.ClientURL, PeerURL: "http://p2"},
				v2api.Machine{Name: "m3", State: "follower", ClientURL: f2, PeerURL: "http://p3"}))
		case "/v2/admin/machines/m 2":
			io.WriteString(w, `{"name":"m 2"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer peer.Close()
	// The host is a member (a follower, down): rebuilt on the leader.
	c, err := New(Config{Host: f1, Peer: peer.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.InitFailover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(c.Endpoints(), " "), etcd.ClientURL+" "+f1+" "+f2; got != want {
		t.Errorf("endpoints %q, want %q", got, want)
	}
	// The host is no member (a reverse proxy in front of etcd): it stays
	// current and the members, leader first, follow.
	rp := httptest.NewServer(httputil.NewSingleHostReverseProxy(mustParse(t, etcd.ClientURL)))
	defer rp.Close()
	c2, _ := New(Config{Host: rp.URL, Peer: peer.URL})
	if resp := do(t, c2, get("/")); resp.FailoverInit != 1 {
		t.Errorf("lookup through the proxy: %d", resp.FailoverInit)
	}
	if got, want := strings.Join(c2.Endpoints(), " "), rp.URL+" "+etcd.ClientURL+" "+f1+" "+f2; got != want {
		t.Errorf("endpoints %q, want %q", got, want)
	}
	// The 0.4 answer is passed through as is; a name is one escaped segment.
	resp := do(t, c, &backend.Op{Kind: backend.Machines, Name: "m 2"})
	if resp.Status != 200 || string(resp.Body) != `{"name":"m 2"}` {
		t.Errorf("machine: %d %s", resp.Status, resp.Body)
	}

	// Lazily, on the first Do: the key is read through the leader.
	hits.Store(0)
	c, _ = New(Config{Host: f1, Endpoints: []string{f2, etcd.ClientURL}, Peer: peer.URL})
	resp = do(t, c, get("/"))
	if resp.FailoverInit != 1 || hits.Load() != 1 || c.Endpoints()[0] != etcd.ClientURL {
		t.Errorf("lazy: init %d, %d lookups, endpoints %v", resp.FailoverInit, hits.Load(), c.Endpoints())
	}
	if resp = do(t, c, get("/")); resp.FailoverInit != 0 || hits.Load() != 1 {
		t.Errorf("second Do: init %d, %d lookups", resp.FailoverInit, hits.Load())
	}
}

// A failed membership lookup is tried again at most once per 30 s per
// client (injected clock), and never again after one succeeded. The
// lookups are counted on the peer server, a fake that first fails with
// 503 and then says 404 (so the real server's /v2/members answers).
func TestLookupRate(t *testing.T) {
	var hits, status atomic.Int32
	status.Store(503)
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(int(status.Load()))
	}))
	defer peer.Close()
	now := time.Unix(1e9, 0)
	c, err := New(Config{Host: etcd.ClientURL, Peer: peer.URL})
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return now }
	step := func(advance time.Duration, wantInit int8, wantHits int32) {
		t.Helper()
		now = now.Add(advance)
		resp := do(t, c, get("/"))
		if resp.FailoverInit != wantInit || hits.Load() != wantHits {
			t.Fatalf("after %v: init %d, %d lookups; want %d, %d", advance, resp.FailoverInit, hits.Load(), wantInit, wantHits)
		}
	}
	step(0, -1, 1)
	for i := 0; i < 10; i++ {
		step(time.Second, 0, 1)
	}
	step(19*time.Second, 0, 1) // 29 s after the first lookup
	step(time.Second, -1, 2)   // 30 s
	step(29*time.Second, 0, 2)
	status.Store(404)
	step(time.Second, 1, 3)
	for i := 0; i < 5; i++ {
		step(time.Hour, 0, 3)
	}
	if err := c.InitFailover(context.Background()); err != nil || hits.Load() != 4 {
		t.Errorf("explicit InitFailover: %v, %d lookups", err, hits.Load())
	}
}

// Sixteen goroutines on one fresh client make one lazy lookup between them.
func TestLookupConcurrent(t *testing.T) {
	var hits atomic.Int32
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		time.Sleep(50 * time.Millisecond)
		http.NotFound(w, r)
	}))
	defer peer.Close()
	c, err := New(Config{Host: etcd.ClientURL, Peer: peer.URL})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var inits atomic.Int32
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Do(context.Background(), get("/"))
			if err != nil {
				t.Error(err)
				return
			}
			if resp.FailoverInit != 0 {
				inits.Add(1)
			}
		}()
	}
	wg.Wait()
	if hits.Load() != 1 || inits.Load() != 1 {
		t.Errorf("%d lookups, %d reported", hits.Load(), inits.Load())
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
