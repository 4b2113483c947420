package v2http

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// The tests of this file put a FaultProxy (a fake: a TCP proxy that can
// go silent, accepting connections and answering nothing, as a stopped
// member does) in front of the real etcd as the first endpoint, with the
// real etcd itself as the second.

// infoLog collects a client's hook records; safe for the background
// probes' records, which the hook gets on the caller's goroutine anyway.
type infoLog struct {
	mu    sync.Mutex
	infos []backend.Info
}

func (l *infoLog) hook(i backend.Info) {
	l.mu.Lock()
	l.infos = append(l.infos, i)
	l.mu.Unlock()
}

func (l *infoLog) take() []backend.Info {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.infos
	l.infos = nil
	return out
}

// requests are the records of requests, without the probes.
func requests(infos []backend.Info) []backend.Info {
	var out []backend.Info
	for _, i := range infos {
		if !i.Probe {
			out = append(out, i)
		}
	}
	return out
}

func newProxy(t *testing.T) *etcdtest.FaultProxy {
	t.Helper()
	p, err := etcdtest.NewFaultProxy(strings.TrimPrefix(etcd.ClientURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// A read on a silent endpoint is abandoned after the stall bound (a third
// of the 3 s timeout) for the next endpoint; the silent one becomes
// suspect, with a hook record saying why, and the next read goes to the
// healthy endpoint at once.
func TestStallReadMovesOn(t *testing.T) {
	p := newProxy(t)
	var log infoLog
	c := newClient(t, Config{Host: p.URL, Endpoints: []string{etcd.ClientURL}, Hook: log.hook})
	do(t, c, set("/stall/read", "v"))
	log.take()
	p.Blackhole()

	op := get("/stall/read")
	op.Timeout = 3 * time.Second
	start := time.Now()
	resp := do(t, c, op)
	took := time.Since(start)
	if resp.Status != 200 || *decode(t, resp).Node.Value != "v" {
		t.Fatalf("get: %d %s", resp.Status, resp.Body)
	}
	if took < time.Second || took > 2*time.Second {
		t.Errorf("the read took %v; want the stall bound (1 s) and a little", took)
	}
	infos := requests(log.take())
	if len(infos) != 2 || infos[0].Endpoint != p.URL || infos[0].Suspect != "no answer headers within 1s" ||
		infos[1].Endpoint != etcd.ClientURL || infos[1].Status != 200 || infos[1].Suspect != "" {
		t.Errorf("records: %+v", infos)
	}
	if why := c.SuspectEndpoints()[p.URL]; why == "" {
		t.Errorf("suspects: %v", c.SuspectEndpoints())
	}
	start = time.Now()
	do(t, c, op)
	if infos := requests(log.take()); len(infos) != 1 || infos[0].Endpoint != etcd.ClientURL || time.Since(start) > 500*time.Millisecond {
		t.Errorf("next read: %+v in %v", infos, time.Since(start))
	}
}

// A write on a silent endpoint is not resent: after the stall bound the
// client probes the endpoint, which does not answer either, and the call
// answers 408 as a timeout does, before its timeout; the next write goes
// to the other endpoint at once.
func TestStallWriteNotResent(t *testing.T) {
	p := newProxy(t)
	var log infoLog
	c := newClient(t, Config{Host: p.URL, Endpoints: []string{etcd.ClientURL}, Hook: log.hook})
	p.Blackhole()
	op := set("/stall/write", "v1")
	op.Timeout = 6 * time.Second
	start := time.Now()
	resp := do(t, c, op)
	took := time.Since(start)
	if !resp.TimedOut || resp.Status != 408 {
		t.Fatalf("write: %+v", resp)
	}
	// stall bound 2 s, probe up to 1 s
	if took < 2*time.Second || took > 4*time.Second {
		t.Errorf("the write answered after %v; want about 3 s", took)
	}
	infos := log.take()
	if len(infos) != 2 || !infos[0].Probe || infos[0].URL != p.URL+"/version" || infos[0].Err == nil ||
		infos[1].Probe || infos[1].Endpoint != p.URL || infos[1].Suspect == "" || infos[1].Kind != backend.Set {
		t.Errorf("records: %+v", infos)
	}
	// Not sent to the other endpoint.
	if r := do(t, c, get("/stall/write")); r.Status != 404 {
		t.Errorf("the write was resent: %d %s", r.Status, r.Body)
	}
	log.take()
	op.Value = "v2"
	if r := do(t, c, op); r.Status != 201 && r.Status != 200 {
		t.Errorf("next write: %d %s", r.Status, r.Body)
	}
	if infos := requests(log.take()); len(infos) != 1 || infos[0].Endpoint != etcd.ClientURL {
		t.Errorf("next write: %+v", infos)
	}
}

// A write waits on a server that is alive: when the stall bound passes
// without headers but the server answers the probe, the write gets its
// answer however late (here a server that takes 1.5 s to answer writes
// and answers /version at once: a fake, as no etcd can be made to delay
// one write).
func TestStallWriteWaitsOnLiveServer(t *testing.T) {
	slow := newSlowServer(t, 1500*time.Millisecond)
	c := newClient(t, Config{Host: slow.URL, Endpoints: []string{etcd.ClientURL}, StallTimeout: 300 * time.Millisecond})
	op := set("/stall/slow", "v")
	op.Timeout = 5 * time.Second
	resp := do(t, c, op)
	if resp.Status != 201 || len(c.SuspectEndpoints()) != 0 {
		t.Errorf("write: %d %s; suspects %v", resp.Status, resp.Body, c.SuspectEndpoints())
	}
}

// newSlowServer is a fake etcd that answers PUTs after d with 201 and
// anything else at once.
func newSlowServer(t *testing.T, d time.Duration) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			time.Sleep(d)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			w.Write([]byte(`{"action":"set","node":{"key":"/stall/slow","value":"v","modifiedIndex":1,"createdIndex":1}}`))
			return
		}
		w.Write([]byte(`{"etcdserver":"3.5.0","etcdcluster":"3.5.0"}`))
	}))
	t.Cleanup(s.Close)
	return s
}

// A write whose connection is never made (a dial that hangs, as to an
// address whose packets are dropped; injected through the client's
// transport) cannot have been sent: it moves on to the next endpoint.
func TestStallWriteUnsentMovesOn(t *testing.T) {
	hang := "127.0.0.1:9" // never dialled for real: the dialer below holds it
	d := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == hang {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return d.DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	var log infoLog
	c := newClient(t, Config{Host: "http://" + hang, Endpoints: []string{etcd.ClientURL}, HTTPClient: &http.Client{Transport: tr},
		StallTimeout: 300 * time.Millisecond, Hook: log.hook})
	op := set("/stall/unsent", "v")
	op.Timeout = 5 * time.Second
	if resp := do(t, c, op); resp.Status != 201 && resp.Status != 200 {
		t.Fatalf("write: %d %s", resp.Status, resp.Body)
	}
	infos := requests(log.take())
	if len(infos) != 2 || infos[0].Suspect == "" || infos[1].Endpoint != etcd.ClientURL {
		t.Errorf("records: %+v", infos)
	}
}

// A watch is not stalled by waiting: etcd sends its headers at once, so
// a watch that sees no change waits until its timeout (408) on the same
// endpoint, which does not become suspect.
func TestStallQuietWatch(t *testing.T) {
	var log infoLog
	c := newClient(t, Config{Host: etcd.ClientURL, Endpoints: []string{deadURL(t)}, StallTimeout: 200 * time.Millisecond, Hook: log.hook})
	op := &backend.Op{Kind: backend.Watch, Key: "/stall/quiet", Timeout: 1500 * time.Millisecond}
	resp := do(t, c, op)
	if !resp.TimedOut {
		t.Fatalf("watch: %+v", resp)
	}
	infos := log.take()
	if len(infos) != 1 || infos[0].Endpoint != etcd.ClientURL || infos[0].Suspect != "" || len(c.SuspectEndpoints()) != 0 {
		t.Errorf("records: %+v; suspects %v", infos, c.SuspectEndpoints())
	}
}

// A watch sent to a silent endpoint moves on after the stall bound and
// sees the change made on the other endpoint.
func TestStallWatchMovesOn(t *testing.T) {
	p := newProxy(t)
	c := newClient(t, Config{Host: p.URL, Endpoints: []string{etcd.ClientURL}})
	p.Blackhole()
	op := &backend.Op{Kind: backend.Watch, Key: "/stall/watched", Timeout: 6 * time.Second}
	done := make(chan *backend.Response, 1)
	go func() {
		resp, err := c.Do(context.Background(), op)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	time.Sleep(3 * time.Second) // the stall bound is 2 s
	do(t, newClient(t, Config{}), set("/stall/watched", "changed"))
	resp := <-done
	if resp == nil || resp.Status != 200 || *decode(t, resp).Node.Value != "changed" {
		t.Fatalf("watch: %+v", resp)
	}
}

// With one endpoint there is nowhere else to go: the stall bound does not
// apply and a read waits for its timeout (408), which makes the endpoint
// suspect; it is still tried, and a later read is answered once it
// answers again.
func TestStallSingleEndpoint(t *testing.T) {
	p := newProxy(t)
	c := newClient(t, Config{Host: p.URL})
	p.Blackhole()
	op := get("/stall/single")
	op.Timeout = 1200 * time.Millisecond
	start := time.Now()
	if resp := do(t, c, op); !resp.TimedOut || time.Since(start) < op.Timeout {
		t.Fatalf("read: %+v after %v", resp, time.Since(start))
	}
	if why := c.SuspectEndpoints()[p.URL]; why != "no answer within the call's timeout" {
		t.Errorf("suspects: %v", c.SuspectEndpoints())
	}
	p.Restore()
	if resp := do(t, c, op); resp.Status != 404 {
		t.Fatalf("read after restore: %d", resp.Status)
	}
	if len(c.SuspectEndpoints()) != 0 {
		t.Errorf("still suspect after answering: %v", c.SuspectEndpoints())
	}
}

// StallTimeout < 0 turns abandoning off: the read waits for its timeout
// on the silent endpoint, which then becomes suspect all the same.
func TestStallOff(t *testing.T) {
	p := newProxy(t)
	c := newClient(t, Config{Host: p.URL, Endpoints: []string{etcd.ClientURL}, StallTimeout: -1})
	p.Blackhole()
	op := get("/stall/off")
	op.Timeout = time.Second
	if resp := do(t, c, op); !resp.TimedOut {
		t.Fatalf("read: %+v", resp)
	}
	if resp := do(t, c, op); resp.Status != 404 {
		t.Fatalf("next read: %d", resp.Status)
	}
}
