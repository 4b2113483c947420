package v2http

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// faultProxy stands in front of the real etcd and forwards everything, but
// may end a watch (a request with wait=true) without its event. It injects
// faults a real etcd cannot be made to produce on demand: a stream that
// the server (or a proxy or load balancer between) ends after the headers
// with no body, or cuts off mid-stream, or drops because it was idle.
type faultProxy struct {
	*httptest.Server
	// fault says what to do with the n-th watch (0-based):
	//   ""       forward it
	//   "empty"  relay etcd's headers, then end the body with no event
	//   "cut"    relay etcd's headers, then break the connection
	//   "idle"   forward it, but end the body with no event when etcd
	//            sent nothing for idleAfter
	fault     func(n int) string
	idleAfter time.Duration
	// afterHeaders, when set, runs after the headers of a faulted watch
	// were sent and before it is ended.
	afterHeaders func(n int)

	mu      sync.Mutex
	queries []url.Values // the query of each watch, in order
	indexes []string     // the X-Etcd-Index etcd sent for each watch
}

func newFaultProxy(t *testing.T, fault func(n int) string) *faultProxy {
	t.Helper()
	p := &faultProxy{fault: fault, idleAfter: 150 * time.Millisecond}
	target := etcd.ClientURL
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mode := ""
		n := -1
		if q.Get("wait") == "true" {
			p.mu.Lock()
			n = len(p.queries)
			p.queries = append(p.queries, q)
			p.indexes = append(p.indexes, "")
			p.mu.Unlock()
			mode = p.fault(n)
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		body, _ := io.ReadAll(r.Body)
		up, err := http.NewRequestWithContext(ctx, r.Method, target+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		if len(body) > 0 {
			up.Body = io.NopCloser(bytes.NewReader(body))
			up.ContentLength = int64(len(body))
		}
		up.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(up)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		if n >= 0 {
			p.mu.Lock()
			p.indexes[n] = resp.Header.Get("X-Etcd-Index")
			p.mu.Unlock()
		}
		for k, vs := range resp.Header {
			if k == "Content-Length" && mode != "" {
				continue
			}
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		w.(http.Flusher).Flush()
		switch mode {
		case "":
			buf := make([]byte, 32<<10)
			for {
				m, err := resp.Body.Read(buf)
				if m > 0 {
					w.Write(buf[:m])
					w.(http.Flusher).Flush()
				}
				if err != nil {
					return
				}
			}
		case "empty", "cut":
			if p.afterHeaders != nil {
				p.afterHeaders(n)
			}
			if mode == "cut" {
				panic(http.ErrAbortHandler) // no final chunk: the client reads a broken body
			}
			return // a clean end of a chunked body with nothing in it
		case "idle":
			got := make(chan []byte, 1)
			go func() {
				b, _ := io.ReadAll(resp.Body)
				got <- b
			}()
			select {
			case b := <-got:
				w.Write(b)
			case <-time.After(p.idleAfter):
				cancel() // the proxy gives up on an idle stream
				<-got
			}
		}
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *faultProxy) watches() ([]url.Values, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.queries...), append([]string(nil), p.indexes...)
}

func watchReq(key string, idx uint64, timeout time.Duration) *backend.Op {
	return &backend.Op{Kind: backend.Watch, Key: key, WaitIndex: idx, HasWaitIndex: idx > 0, Timeout: timeout}
}

// A watch without waitIndex whose stream ends empty is sent again from the
// index the first one started at, so a change made in between is the
// answer, not lost.
func TestLongPollEmpty200(t *testing.T) {
	key := "/longpoll/empty"
	p := newFaultProxy(t, func(n int) string {
		if n == 0 {
			return "empty"
		}
		return ""
	})
	p.afterHeaders = func(int) {
		// The change happens while no watch is open.
		if err := rawSet(key, "v1"); err != nil {
			t.Error(err)
		}
	}
	c := newClient(t, Config{Host: p.URL})
	resp := do(t, c, watchReq(key, 0, 10*time.Second))
	b := decode(t, resp)
	if resp.Status != 200 || b.Action != "set" || b.Node.Value == nil || *b.Node.Value != "v1" {
		t.Fatalf("wait: %d %s", resp.Status, resp.Body)
	}
	qs, idx := p.watches()
	if len(qs) != 2 {
		t.Fatalf("%d watches sent, want 2", len(qs))
	}
	first, _ := strconv.ParseUint(idx[0], 10, 64)
	if got := qs[1].Get("waitIndex"); got != strconv.FormatUint(first+1, 10) {
		t.Fatalf("second watch waitIndex=%q, want %d (X-Etcd-Index of the first + 1)", got, first+1)
	}
}

// A watch with a waitIndex is sent again with the same index, as many
// times as its stream ends empty.
func TestLongPollSameIndex(t *testing.T) {
	key := "/longpoll/same"
	c := newClient(t, Config{})
	cur := decode(t, do(t, c, set(key, "v0"))).Node.ModifiedIndex
	p := newFaultProxy(t, func(n int) string {
		if n < 3 {
			return "empty"
		}
		return ""
	})
	pc := newClient(t, Config{Host: p.URL})
	go func() {
		time.Sleep(300 * time.Millisecond)
		if err := rawSet(key, "v1"); err != nil {
			t.Error(err)
		}
	}()
	resp := do(t, pc, watchReq(key, cur+1, 10*time.Second))
	if b := decode(t, resp); resp.Status != 200 || b.Node.Value == nil || *b.Node.Value != "v1" {
		t.Fatalf("wait: %d %s", resp.Status, resp.Body)
	}
	qs, _ := p.watches()
	if len(qs) < 4 {
		t.Fatalf("%d watches sent, want at least 4", len(qs))
	}
	for i, q := range qs {
		if q.Get("waitIndex") != strconv.FormatUint(cur+1, 10) {
			t.Errorf("watch %d: waitIndex=%q, want %d", i, q.Get("waitIndex"), cur+1)
		}
	}
}

// A stream cut off after the headers (no final chunk: the connection
// breaks) is a watch that saw nothing, too.
func TestLongPollBrokenStream(t *testing.T) {
	key := "/longpoll/cut"
	p := newFaultProxy(t, func(n int) string {
		if n == 0 {
			return "cut"
		}
		return ""
	})
	c := newClient(t, Config{Host: p.URL})
	go func() {
		time.Sleep(300 * time.Millisecond)
		if err := rawSet(key, "v1"); err != nil {
			t.Error(err)
		}
	}()
	resp := do(t, c, watchReq(key, 0, 10*time.Second))
	if b := decode(t, resp); resp.Status != 200 || b.Node.Value == nil || *b.Node.Value != "v1" {
		t.Fatalf("wait: %d %s", resp.Status, resp.Body)
	}
	if qs, _ := p.watches(); len(qs) != 2 {
		t.Fatalf("%d watches, want 2", len(qs))
	}
}

// A wait far longer than the proxy's idle limit and the transport's
// IdleConnTimeout still gets its event.
func TestLongPollIdleProxy(t *testing.T) {
	key := "/longpoll/idle"
	p := newFaultProxy(t, func(int) string { return "idle" })
	hc := &http.Client{Transport: &http.Transport{IdleConnTimeout: 50 * time.Millisecond}}
	defer hc.CloseIdleConnections()
	c := newClient(t, Config{Host: p.URL, HTTPClient: hc})
	go func() {
		time.Sleep(1200 * time.Millisecond)
		if err := rawSet(key, "late"); err != nil {
			t.Error(err)
		}
	}()
	start := time.Now()
	resp := do(t, c, watchReq(key, 0, 10*time.Second))
	if b := decode(t, resp); resp.Status != 200 || b.Node.Value == nil || *b.Node.Value != "late" {
		t.Fatalf("wait: %d %s", resp.Status, resp.Body)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("wait returned after %v, before the change", d)
	}
	if qs, _ := p.watches(); len(qs) < 3 {
		t.Fatalf("%d watches, want several (the proxy drops idle ones)", len(qs))
	}
}

// Straight to etcd (no proxy), a wait longer than the transport's
// IdleConnTimeout is not disturbed by it.
func TestLongPollDirectLongerThanIdleTimeout(t *testing.T) {
	key := "/longpoll/direct"
	hc := &http.Client{Transport: &http.Transport{IdleConnTimeout: 100 * time.Millisecond}}
	defer hc.CloseIdleConnections()
	c := newClient(t, Config{HTTPClient: hc})
	go func() {
		time.Sleep(700 * time.Millisecond)
		if err := rawSet(key, "x"); err != nil {
			t.Error(err)
		}
	}()
	resp := do(t, c, watchReq(key, 0, 10*time.Second))
	if b := decode(t, resp); resp.Status != 200 || b.Node.Value == nil || *b.Node.Value != "x" {
		t.Fatalf("wait: %d %s", resp.Status, resp.Body)
	}
}

// Streams that keep ending at once are re-sent with a growing pause, and
// the request's timeout still ends the call with 408.
func TestLongPollTimeout(t *testing.T) {
	p := newFaultProxy(t, func(int) string { return "empty" })
	c := newClient(t, Config{Host: p.URL})
	start := time.Now()
	resp := do(t, c, watchReq("/longpoll/timeout", 0, 700*time.Millisecond))
	d := time.Since(start)
	if !resp.TimedOut || resp.Status != 408 {
		t.Fatalf("got %+v, want a timeout", resp)
	}
	if d < 600*time.Millisecond || d > 3*time.Second {
		t.Fatalf("timed out after %v, want about 700ms", d)
	}
	if qs, _ := p.watches(); len(qs) < 2 || len(qs) > 12 {
		t.Fatalf("%d watches in 700ms: want a few, with pauses", len(qs))
	}
}

// Cancelling the caller's context ends a long poll at once, even between
// two polls.
func TestLongPollCancel(t *testing.T) {
	p := newFaultProxy(t, func(int) string { return "empty" })
	c := newClient(t, Config{Host: p.URL})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, watchReq("/longpoll/cancel", 0, 0))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("cancel took %v", d)
	}
}

// rawSet writes key straight to etcd.
func rawSet(key, value string) error {
	req, _ := http.NewRequest(http.MethodPut, etcd.ClientURL+"/v2/keys"+key,
		strings.NewReader(url.Values{"value": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return errors.New(resp.Status)
	}
	return nil
}
