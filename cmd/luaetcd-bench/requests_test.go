package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
)

// TestSameRequests checks that the go-http floor sends exactly the
// requests the Lua path sends (method, escaped path, query, content type,
// body) for every workload, through a recording proxy in front of a real
// etcd.
func TestSameRequests(t *testing.T) {
	s, err := embedetcd.Start(embedetcd.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	target, _ := url.Parse(s.ClientURL)
	var mu sync.Mutex
	var seen []string
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Fail the Lua client's membership lookup, so that whatever the
		// lookup does with the endpoint list, the client stays on this
		// proxy and every request it sends is recorded.
		if strings.HasPrefix(r.URL.Path, "/v2/members") {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		// Only the workload's own requests; not the warm-up GET /bench nor
		// the Lua client's membership lookup.
		if strings.HasPrefix(r.URL.Path, "/v2/keys/bench/") {
			mu.Lock()
			seen = append(seen, fmt.Sprintf("%s %s ?%s [%s] %s", r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), body))
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	e := newEnv(srv.URL, "", "", options{duration: time.Second})
	record := func(impl, work string) []string {
		mu.Lock()
		seen = nil
		mu.Unlock()
		w, err := e.newWorker(impl, work, 7)
		if err != nil {
			t.Fatal(err)
		}
		defer w.close()
		// A clock whose deadline has passed: one operation after the
		// preparation.
		clock := &rowClock{start: make(chan struct{})}
		clock.ready.Add(1)
		close(clock.start)
		if err := w.run(&stepper{row: clock}); err != nil {
			t.Fatalf("%s %s: %v", impl, work, err)
		}
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(seen)
		// cas carries the index of the write before; the two runs differ
		// in it, the form of the request must not.
		for i, s := range out {
			if j := strings.Index(s, "prevIndex="); j >= 0 {
				k := j + len("prevIndex=")
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				out[i] = s[:j] + "prevIndex=N" + s[k:]
			}
		}
		return out
	}
	if err := e.setup(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, work := range []string{"set", "get", "cas", "readdir", "push"} {
		lua, raw := record("lua", work), record("go-http", work)
		if len(lua) < 1 || !slices.Equal(lua, raw) {
			t.Errorf("%s:\nlua     %q\ngo-http %q", work, lua, raw)
		}
	}
}
