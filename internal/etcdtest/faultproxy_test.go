package etcdtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The proxy passes traffic, goes silent while blackholed (the connection
// is accepted, no answer comes) and delivers the held request when
// restored. The server behind it is a plain HTTP server: this tests the
// proxy alone.
func TestFaultProxy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok "+r.URL.Path)
	}))
	defer srv.Close()
	p, err := NewFaultProxy(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(timeout time.Duration, path string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", p.URL+path, nil)
		res, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	if got, err := get(5*time.Second, "/a"); err != nil || got != "ok /a" {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}

	p.Blackhole()
	start := time.Now()
	if got, err := get(300*time.Millisecond, "/b"); err == nil {
		t.Fatalf("blackholed: answered %q", got)
	} else if time.Since(start) < 250*time.Millisecond {
		t.Fatalf("blackholed: failed at once (%v), not silent", err)
	}
	done := make(chan string, 1)
	go func() {
		got, err := get(10*time.Second, "/c")
		if err != nil {
			got = err.Error()
		}
		done <- got
	}()
	select {
	case got := <-done:
		t.Fatalf("blackholed: answered %q", got)
	case <-time.After(300 * time.Millisecond):
	}
	p.Restore()
	select {
	case got := <-done:
		if got != "ok /c" {
			t.Fatalf("after restore: %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the held request was not answered after restore")
	}
	if got, err := get(5*time.Second, "/d"); err != nil || got != "ok /d" {
		t.Fatalf("after restore: %q, %v", got, err)
	}
}
