package luaetcd_test

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// countingProxy is a TCP proxy in front of etcd that counts the
// connections clients hold to it: open now, the most open at once, and all
// accepted.
type countingProxy struct {
	ln                     net.Listener
	target                 string
	open, maxOpen, accepts atomic.Int64
	wg                     sync.WaitGroup
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{ln: ln, target: strings.TrimPrefix(target, "http://")}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *countingProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *countingProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepts.Add(1)
		n := p.open.Add(1)
		for {
			m := p.maxOpen.Load()
			if n <= m || p.maxOpen.CompareAndSwap(m, n) {
				break
			}
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.open.Add(-1)
			defer c.Close()
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				return
			}
			defer up.Close()
			done := make(chan struct{}, 2)
			go func() { io.Copy(up, c); up.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
			go func() { io.Copy(c, up); done <- struct{}{} }()
			<-done // either side closed: end both
			c.Close()
			up.Close()
			<-done
		}()
	}
}

// TestNoLeaks makes 10,000 calls from several states at once, mixing fast
// calls, refused connections, short timeouts and contexts cancelled in the
// middle of a call, then checks that the goroutines come back to where
// they were and that the connections to etcd stayed few.
func TestNoLeaks(t *testing.T) {
	const (
		workers = 8
		calls   = 10000
	)
	proxy := newCountingProxy(t, etcdServer.ClientURL)
	dead := closedURL(t)
	// A transport like the shared one, but ours, so that its idle
	// connections can be closed at the end and the count must reach 0.
	tr := &http.Transport{
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
	}
	hc := &http.Client{Transport: tr}

	runtime.GC()
	before := runtime.NumGoroutine()

	var kinds [5]atomic.Int64 // fast, refused, timeout, cancelled, long timeout
	var longWaits atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			errs <- leakWorker(w, calls/workers, proxy.URL(), dead, hc, &kinds, &longWaits)
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)

	maxOpen := proxy.maxOpen.Load()
	if maxOpen > 4*workers {
		t.Errorf("up to %d connections open to etcd at once with %d callers", maxOpen, workers)
	}
	// The states are closed; once the idle keep-alive connections are
	// closed too nothing should remain.
	hc.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for proxy.open.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := proxy.open.Load(); n != 0 {
		t.Errorf("%d connections to etcd still open", n)
	}
	var after int
	for {
		runtime.GC()
		after = runtime.NumGoroutine()
		if after <= before+2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after > before+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
	t.Logf("%d calls in %v: %d fast, %d refused, %d timed out (%d of them 1 s waits), %d cancelled; "+
		"connections: %d accepted, at most %d open at once; goroutines %d before, %d after",
		calls, elapsed.Round(time.Millisecond), kinds[0].Load(), kinds[1].Load(), kinds[2].Load()+kinds[4].Load(),
		kinds[4].Load(), kinds[3].Load(), proxy.accepts.Load(), maxOpen, before, after)
}

// leakWorker runs n calls in its own state.
func leakWorker(w, n int, host, dead string, hc *http.Client, kinds *[5]atomic.Int64, longWaits *atomic.Int64) error {
	// The state's default timeout (50 ms) is what the "short" client uses;
	// the others give their own.
	L := luaetcd.NewState(context.Background(), luaetcd.WithHTTPClient(hc), luaetcd.WithTimeout(50*time.Millisecond))
	defer L.Close()
	err := L.DoString(fmt.Sprintf(`
		local Etcd = require('etcd.luasocket')
		local cli = assert(Etcd.new({ host = %q, prefix = '/test/leak/%d', timeout = 5 }))
		local short = assert(Etcd.new({ host = %q, prefix = '/test/leak/%d' }))
		local dead = assert(Etcd.new({ host = %q, timeout = 5 }))
		assert(cli:set('k', 'v'))
		function fast(i)
			if i %% 2 == 0 then return cli:get('k') end
			return cli:set('k', i)
		end
		function refused() return dead:get('k') end
		function timeout() return short:wait('never') end
		function block() return cli:wait('never', nil, 0) end
		function long() return cli:wait('never', nil, 1) end
	`, host, w, host, w, dead))
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(int64(w)))
	call := func(ctx context.Context, fn string, args ...lua.LValue) ([]lua.LValue, error) {
		L.SetContext(ctx)
		defer L.RemoveContext()
		top := L.GetTop()
		err := L.CallByParam(lua.P{Fn: L.GetGlobal(fn), NRet: lua.MultRet, Protect: true}, args...)
		var r []lua.LValue
		for i := top + 1; i <= L.GetTop(); i++ {
			r = append(r, L.Get(i))
		}
		L.SetTop(top)
		return r, err
	}
	for i := 0; i < n; i++ {
		k := rng.Intn(100)
		switch {
		case k < 70:
			kinds[0].Add(1)
			r, err := call(context.Background(), "fast", lua.LNumber(i))
			if err != nil || len(r) != 1 {
				return fmt.Errorf("fast call: %v %v", r, err)
			}
		case k < 85:
			kinds[1].Add(1)
			r, err := call(context.Background(), "refused")
			if err != nil || len(r) != 2 || !strings.Contains(r[1].String(), "refused") {
				return fmt.Errorf("refused call: %v %v", r, err)
			}
		case k < 88:
			// A 1-second wait now and then (at most one per worker).
			if w < 4 && longWaits.Load() < 4 && i > n/2 {
				longWaits.Add(1)
				kinds[4].Add(1)
				r, err := call(context.Background(), "long")
				if err != nil || len(r) != 1 || r[0].(*lua.LTable).RawGetString("status") != lua.LNumber(408) {
					return fmt.Errorf("1 s wait: %v %v", r, err)
				}
				continue
			}
			kinds[2].Add(1)
			r, err := call(context.Background(), "timeout")
			if err != nil || len(r) != 1 || r[0].(*lua.LTable).RawGetString("status") != lua.LNumber(408) {
				return fmt.Errorf("50 ms wait: %v %v", r, err)
			}
		default:
			// Cancelled before, during the connect, or while blocked.
			kinds[3].Add(1)
			ctx, cancel := context.WithCancel(context.Background())
			d := time.Duration(rng.Intn(3000)) * time.Microsecond
			timer := time.AfterFunc(d, cancel)
			t0 := time.Now()
			r, err := call(ctx, "block")
			timer.Stop()
			cancel()
			if time.Since(t0) > d+time.Second {
				return fmt.Errorf("a wait cancelled after %v took %v", d, time.Since(t0))
			}
			// lua-etcd's word for a request whose connection went away.
			if err == nil && (len(r) != 2 || r[1].String() != "closed") {
				return fmt.Errorf("cancelled wait: %v", r)
			}
			if err != nil && !strings.Contains(err.Error(), "context canceled") {
				return fmt.Errorf("cancelled wait raised %v", err)
			}
		}
	}
	return nil
}

// A wait through a proxy that ends every stream idle for 200 ms with no
// body (an idle timeout; etcd itself cannot be made to do this on demand)
// still returns the real event, for wait and waitdir, from the index the
// first stream started at.
func TestWaitThroughIdleDroppingProxy(t *testing.T) {
	target, _ := url.Parse(etcdServer.ClientURL)
	var waits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("wait") != "true" {
			httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
			return
		}
		waits.Add(1)
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		up, _ := http.NewRequestWithContext(ctx, r.Method, etcdServer.ClientURL+r.URL.RequestURI(), nil)
		resp, err := http.DefaultTransport.RoundTrip(up)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.(http.Flusher).Flush()
		body := make(chan []byte, 1)
		go func() { b, _ := io.ReadAll(resp.Body); body <- b }()
		select {
		case b := <-body:
			w.Write(b)
		case <-time.After(200 * time.Millisecond):
			cancel() // idle: end the stream with no body
			<-body
		}
	}))
	defer srv.Close()

	L := newTestState(t, context.Background(), "/test/idledrop")
	defer L.Close()
	L.SetGlobal("DROPPING", lua.LString(srv.URL))
	if err := L.DoString(`
		local cli = assert(require('etcd.luasocket').new({ host = DROPPING, prefix = PREFIX }))
		assert(cli:set('dir/k', 'old'))
		raw_put_later(PREFIX .. '/dir/k', '"new"', 700)
		local ent = assert(cli:wait('dir/k', nil, 5))
		assert(ent.status == 200, ent.status)
		assert(ent.body.node.value == 'new', tostring(ent.body.node.value))
		raw_put_later(PREFIX .. '/dir/k2', '"two"', 700)
		ent = assert(cli:waitdir('dir', nil, 5))
		assert(ent.status == 200 and ent.body.node.key == PREFIX .. '/dir/k2', ent.status)
		assert(ent.body.node.value == 'two')
	`); err != nil {
		t.Fatal(err)
	}
	if n := waits.Load(); n < 4 {
		t.Fatalf("only %d watches reached the proxy; the drops were not exercised", n)
	}
}
