package v2http

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
)

// Query parameters are sent in order and escaped: prevExist=false makes
// the second create fail, and prevValue with & + = matches exactly.
func TestQueryParams(t *testing.T) {
	c := newClient(t, Config{})
	key := "/q/setnx"
	do(t, c, &backend.Op{Kind: backend.Delete, Key: key, Timeout: 5 * time.Second})
	setnx := set(key, "a&b+c=d")
	setnx.Kind = backend.Create
	if resp := do(t, c, setnx); resp.Status != 201 {
		t.Fatalf("setnx: %d %s", resp.Status, resp.Body)
	}
	if resp := do(t, c, setnx); resp.Status != 412 || decode(t, resp).ErrorCode != 105 {
		t.Fatalf("second setnx: %d %s", resp.Status, resp.Body)
	}
	cas := set(key, "new")
	cas.Kind, cas.PrevValue, cas.HasPrevValue = backend.CompareAndSwap, "a&b+c=d", true
	if resp := do(t, c, cas); resp.Status != 200 || *decode(t, resp).PrevNode.Value != "a&b+c=d" {
		t.Fatalf("compare-and-swap: %d %s", resp.Status, resp.Body)
	}
	// The query string reaches the server in the order given.
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.URL.RawQuery }))
	defer srv.Close()
	fc := newClient(t, Config{Host: srv.URL})
	do(t, fc, &backend.Op{Kind: backend.CompareAndSwap, Key: "/k", PrevIndex: 7, HasPrevIndex: true, PrevValue: "a b&c", HasPrevValue: true})
	if want := "prevExist=true&prevIndex=7&prevValue=a+b%26c"; got != want {
		t.Errorf("query %q, want %q", got, want)
	}
}

// Form bodies are application/x-www-form-urlencoded and JSON bodies
// application/json, both with GetBody set (checked by a 307 below). The
// echo server is a fake only because no etcd accepts a JSON body on the
// client port; the real peer port answers admin/config with its 404.
func TestBodies(t *testing.T) {
	type seen struct{ ctype, body string }
	ch := make(chan seen, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- seen{r.Header.Get("Content-Type"), string(b)}
	}))
	defer srv.Close()
	c := newClient(t, Config{Host: srv.URL, Peer: srv.URL})
	do(t, c, &backend.Op{Kind: backend.Set, Key: "/f", Value: "a+b&c=1e+15 ü", HasValue: true, TTL: backend.NoTTL})
	if s := <-ch; s.ctype != "application/x-www-form-urlencoded" || s.body != "value=a%2Bb%26c%3D1e%2B15+%C3%BC&ttl=" {
		t.Errorf("form: %+v", s)
	}
	do(t, c, &backend.Op{Kind: backend.SetAdminConfig, Settings: []backend.Setting{{Name: "activeSize", Value: 3}}})
	if s := <-ch; s.ctype != "application/json" || s.body != `{"activeSize":3}` {
		t.Errorf("json: %+v", s)
	}

	// Real server: a form value that needs escaping is stored exactly.
	rc := newClient(t, Config{Peer: etcd.PeerURL})
	do(t, rc, set("/bodies/v", "1e+15&x=y; #"))
	if b := decode(t, do(t, rc, get("/bodies/v"))); *b.Node.Value != "1e+15&x=y; #" {
		t.Errorf("stored %q", *b.Node.Value)
	}
	// AdminConfig has no successor: the real peer's 404 comes back as is.
	resp := do(t, rc, &backend.Op{Kind: backend.SetAdminConfig, Settings: []backend.Setting{{Name: "activeSize", Value: 3}}})
	if resp.Status != 404 || string(resp.Body) != "404 page not found\n" {
		t.Errorf("admin config on etcd 3.5: %d %q", resp.Status, resp.Body)
	}
}

// A 307 to another URL is followed and the body is sent again. The
// redirecting server is a fake: a single etcd 3.5 member never redirects.
func TestRedirect307(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, etcd.ClientURL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := newClient(t, Config{Host: srv.URL})
	resp := do(t, c, set("/redirect/a b?", "via 307"))
	if resp.Status != 201 && resp.Status != 200 {
		t.Fatalf("status %d %s", resp.Status, resp.Body)
	}
	b := decode(t, do(t, newClient(t, Config{}), get("/redirect/a b?")))
	if b.Node.Value == nil || *b.Node.Value != "via 307" || hits.Load() != 1 {
		t.Errorf("after redirect: %+v, hits %d", b.Node, hits.Load())
	}
	// The write moved the client (lua-etcd's failover); no location.
	if resp.RedirectedTo != etcd.ClientURL || c.Endpoints()[0] != etcd.ClientURL || resp.Header.Get("Location") != "" {
		t.Errorf("redirected to %q, endpoints %v, location %q", resp.RedirectedTo, c.Endpoints(), resp.Header.Get("Location"))
	}
	// A GET is followed without moving: the location is in the header.
	g := newClient(t, Config{Host: srv.URL})
	resp = do(t, g, get("/redirect/a b?"))
	want := etcd.ClientURL + "/v2/keys/redirect/a%20b%3F"
	if resp.Status != 200 || resp.RedirectedTo != "" || resp.Header.Get("Location") != want || g.Endpoints()[0] != srv.URL || hits.Load() != 2 {
		t.Errorf("get: status %d, redirected to %q, location %q, endpoints %v", resp.Status, resp.RedirectedTo, resp.Header.Get("Location"), g.Endpoints())
	}
}

// A wait that outlives its Timeout answers 408 with TimedOut.
func TestWaitTimeout(t *testing.T) {
	c := newClient(t, Config{})
	start := time.Now()
	resp, err := c.Do(context.Background(), &backend.Op{Kind: backend.Watch, Key: "/wait/never", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 408 || !resp.TimedOut || resp.Header != nil || resp.Body != nil {
		t.Errorf("got %+v", resp)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

// A cancelled context ends a blocked long-poll at once with "context
// canceled", and no goroutine is left behind.
func TestCancelWait(t *testing.T) {
	c := newClient(t, Config{})
	do(t, c, get("/")) // warm up: the idle connection's goroutines exist before counting
	before := runtime.NumGoroutine()
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := c.Do(ctx, &backend.Op{Kind: backend.Watch, Key: "/wait/cancel", Timeout: time.Minute})
			done <- err
		}()
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) || err.Error() != "context canceled" {
				t.Fatalf("err = %v", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("cancel took %v", d)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Do did not return after cancel")
		}
	}
	var now int
	for i := 0; i < 100; i++ {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("goroutines: %d before, %d after", before, now)
}

// Many Do calls from two Clients (default HTTP client) share keep-alive
// connections: concurrently at most a few new connections, sequentially
// none after the first.
func TestConnectionReuse(t *testing.T) {
	var fresh, reused atomic.Int32
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) {
			if i.Reused {
				reused.Add(1)
			} else {
				fresh.Add(1)
			}
		},
	})
	c1 := newClient(t, Config{})
	c2 := newClient(t, Config{Host: etcd.ClientURL + "/"})
	if c1.hc != c2.hc {
		t.Fatal("clients do not share the HTTP client")
	}
	for i := 0; i < 50; i++ {
		for _, c := range []*Client{c1, c2} {
			if _, err := c.Do(ctx, get("/")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if fresh.Load() > 1 || reused.Load() < 99 {
		t.Errorf("sequential: %d new connections, %d reused", fresh.Load(), reused.Load())
	}
	// 16 states at once, ten rounds: never more connections than requests
	// in flight, so later rounds reuse the earlier ones.
	fresh.Store(0)
	for round := 0; round < 10; round++ {
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := c1
				if i%2 == 1 {
					c = c2
				}
				if _, err := c.Do(ctx, get("/")); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	if n := fresh.Load(); n > 16 {
		t.Errorf("160 concurrent requests in rounds of 16 opened %d new connections", n)
	}
}

// Transport errors name the cause; credentials never show up in errors or
// in Info; the hook sees each request.
func TestErrorsAndHook(t *testing.T) {
	port, err := embedetcd.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	var infos []backend.Info
	dead := "http://127.0.0.1:" + strconv.Itoa(port)
	c, err := New(Config{Host: "http://root:s3cret@127.0.0.1:" + strconv.Itoa(port) + "/", Password: "other", Hook: func(i backend.Info) { infos = append(infos, i) }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), get("/x"))
	if err == nil || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), dead) {
		t.Errorf("err = %v", err)
	}
	// Two passes over the one endpoint: two attempts, both refused.
	if len(infos) != 2 || infos[1].URL != infos[0].URL || infos[0].URL != dead+"/v2/keys/x" || infos[0].Status != 0 || infos[0].Err == nil || infos[0].Method != "GET" {
		t.Errorf("infos = %+v", infos)
	}

	// Basic auth from the URL reaches the server; the hook shows no credentials.
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		auth = u + ":" + p
		w.WriteHeader(201)
	}))
	defer srv.Close()
	infos = nil
	c, _ = New(Config{Host: strings.Replace(srv.URL, "://", "://root:s3cret@", 1), Hook: func(i backend.Info) { infos = append(infos, i) }})
	c.lookupOK = true
	do(t, c, get("/a"))
	if auth != "root:s3cret" || len(infos) != 1 || strings.Contains(infos[0].URL, "s3cret") || infos[0].Status != 201 {
		t.Errorf("auth %q infos %+v", auth, infos)
	}
	c, _ = New(Config{Host: srv.URL, User: "u", Password: "p w"})
	c.lookupOK = true
	do(t, c, get("/a"))
	if auth != "u:p w" {
		t.Errorf("auth %q", auth)
	}
}

// New accepts any URL, as lua-etcd did; a request that would go to an
// unusable one fails with lua-etcd's word for it, and the Go error names
// the URL (without its password).
func TestBadURLsFailPerCall(t *testing.T) {
	const format = `invalid uri format: "Parsed text violates expected format"`
	for _, tc := range []struct {
		cfg        Config
		op         backend.Kind
		word, text string
	}{
		{Config{Host: "127.0.0.1:4001"}, backend.Get, format, `invalid host url "127.0.0.1:4001": `},
		{Config{Host: "not a url"}, backend.Get, format, `invalid host url "not a url": not an absolute url`},
		{Config{Host: "ftp://x"}, backend.Get, `unsupported protocol: "ftp"`, `invalid host url "ftp://x": scheme must be http or https`},
		{Config{Host: "http://"}, backend.Version, format, `invalid host url "http://": missing host`},
		{Config{Host: "http://a:b@h:1/?x=1"}, backend.Get, `invalid uri format: "must not have a query"`, `invalid host url "http://xxxxx@h:1/?x=1": must not have a query`},
		{Config{Host: "http://u:pw@h:%zz"}, backend.Get, format, `invalid host url "http://xxxxx@h:%zz": `},
		{Config{Peer: "http//p"}, backend.AdminConfig, format, `invalid peer url "http//p": `},
		{Config{Peer: "gopher://p:1"}, backend.SetAdminConfig, `unsupported protocol: "gopher"`, `invalid peer url "gopher://p:1": `},
	} {
		c, err := New(tc.cfg)
		if err != nil {
			t.Fatalf("%+v: New: %v", tc.cfg, err)
		}
		_, err = c.Do(context.Background(), &backend.Op{Kind: tc.op, Key: "/a", Timeout: time.Second})
		var ue *backend.URLError
		if !errors.As(err, &ue) || ue.Word != tc.word || !strings.Contains(err.Error(), tc.text) || strings.Contains(err.Error(), "pw") {
			t.Errorf("%+v: err = %v (word %v), want %s...", tc.cfg, err, ue, tc.text)
		}
	}
	// A bad peer does not stop requests to the client URLs, nor the
	// membership lookup (which falls back to /v2/members).
	c, _ := New(Config{Host: etcd.ClientURL, Peer: "not a url"})
	res, err := c.Do(context.Background(), &backend.Op{Kind: backend.Version, Timeout: 5 * time.Second})
	if err != nil || res.Status != 200 || res.FailoverInit != 1 {
		t.Errorf("version with a bad peer: %v %+v", err, res)
	}
	// An unusable endpoint in the list is passed over like a dead one,
	// by writes that may not be repeated too: nothing was sent.
	c, _ = New(Config{Host: "ftp://x", Endpoints: []string{etcd.ClientURL}})
	if res, err := c.Do(context.Background(), &backend.Op{Kind: backend.Version, Timeout: 5 * time.Second}); err != nil || res.Status != 200 {
		t.Errorf("version after a bad host: %v %+v", err, res)
	}
	c, _ = New(Config{Host: "not a url", Endpoints: []string{etcd.ClientURL}})
	create := &backend.Op{Kind: backend.CreateInOrder, Key: "/badurl/q", Value: "1", HasValue: true, TTL: backend.NoTTL, Timeout: 5 * time.Second}
	if res, err := c.Do(context.Background(), create); err != nil || res.Status != 201 {
		t.Errorf("push after a bad host: %v %+v", err, res)
	}
}

func TestEndpointList(t *testing.T) {
	c, err := New(Config{Host: "http://h:1///", Endpoints: []string{"http://h:2/", "http://h:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Endpoints(), " "); got != "http://h:1 http://h:2" {
		t.Errorf("endpoints %q", got)
	}
	c, _ = New(Config{})
	if c.Endpoints()[0] != backend.DefaultHost {
		t.Errorf("default host %v", c.Endpoints())
	}
}

// A body over MaxBodySize is an error, not a crash or a partial answer.
func TestMaxBodySize(t *testing.T) {
	c := newClient(t, Config{MaxBodySize: 10})
	_, err := c.Do(context.Background(), get("/"))
	if err == nil || !strings.Contains(err.Error(), "exceeds the limit of 10 bytes") {
		t.Errorf("err = %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // chunked: no Content-Length
		w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	c = newClient(t, Config{Host: srv.URL, MaxBodySize: 10})
	if _, err = c.Do(context.Background(), get("/")); err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
		t.Errorf("chunked: err = %v", err)
	}
}

// Version and stats go to their paths on the real server.
func TestVersionAndStats(t *testing.T) {
	c := newClient(t, Config{})
	for kind, want := range map[backend.Kind]string{
		backend.Version:     `"etcdserver"`,
		backend.StatsSelf:   `"leaderInfo"`,
		backend.StatsStore:  `"getsSuccess"`,
		backend.StatsLeader: `"followers"`,
	} {
		resp := do(t, c, &backend.Op{Kind: kind})
		if resp.Status != 200 || !strings.Contains(string(resp.Body), want) {
			t.Errorf("%s: %d %s", kind, resp.Status, resp.Body)
		}
	}
}

// Op.Timeout covers the body too: a server that sends its header and
// then stalls the body (a fake, to stall on demand) gives 408.
func TestTimeoutCoversBody(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		w.Write([]byte(`{"action":`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newClient(t, Config{Host: srv.URL})
	req := get("/slow")
	req.Timeout = 200 * time.Millisecond
	resp, err := c.Do(context.Background(), req)
	if err != nil || !resp.TimedOut || resp.Status != 408 {
		t.Errorf("resp %+v err %v", resp, err)
	}
}

// A caller's HTTPClient carries every request.
type countingRT struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (c *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestCustomHTTPClient(t *testing.T) {
	rt := &countingRT{base: http.DefaultTransport}
	c := newClient(t, Config{HTTPClient: &http.Client{Transport: rt}})
	do(t, c, get("/"))
	do(t, c, &backend.Op{Kind: backend.Version})
	if rt.n.Load() != 2 {
		t.Errorf("custom client saw %d requests", rt.n.Load())
	}
}
