package v2http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// setTTL of a directory writes it back as a directory, with no value or
// index guard; an answer other than 200 to the read is the answer.
func TestWireSetTTLDir(t *testing.T) {
	var mu sync.Mutex
	var reqs []wireRequest
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, wireRequest{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), string(b)})
		st := status
		mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(st)
		rw.Write([]byte(`{"action":"get","node":{"key":"/d","dir":true,"modifiedIndex":7}}`))
	}))
	defer srv.Close()
	c := newClient(t, Config{Host: srv.URL})
	resp := do(t, c, &backend.Op{Kind: backend.SetTTL, Key: "/d", TTL: backend.NoTTL, Timeout: 5 * time.Second})
	want := []wireRequest{{"GET", "/v2/keys/d", "", "", ""}, {"PUT", "/v2/keys/d", "prevExist=true", formType, "ttl=&dir=true"}}
	if resp.Status != 200 || len(reqs) != 2 || reqs[0] != want[0] || reqs[1] != want[1] {
		t.Fatalf("status %d, requests %+v, want %+v", resp.Status, reqs, want)
	}
	reqs, status = nil, http.StatusNotFound
	resp = do(t, c, &backend.Op{Kind: backend.SetTTL, Key: "/d", TTL: 3, Timeout: 5 * time.Second})
	if resp.Status != 404 || len(reqs) != 1 {
		t.Fatalf("status %d, requests %+v", resp.Status, reqs)
	}
}

// On a real etcd: setTTL keeps a file's value and sets its TTL; a
// negative TTL removes it; a missing key is the read's 404.
func TestSetTTLReal(t *testing.T) {
	c := newClient(t, Config{})
	key := "/settl/file"
	do(t, c, set(key, `{"a":"b&c"}`))
	resp := do(t, c, &backend.Op{Kind: backend.SetTTL, Key: key, TTL: 100, Timeout: 5 * time.Second})
	if b := decode(t, resp); resp.Status != 200 || b.Action != "compareAndSwap" || b.Node.TTL != 100 || *b.Node.Value != `{"a":"b&c"}` {
		t.Fatalf("setTTL: %d %s", resp.Status, resp.Body)
	}
	resp = do(t, c, &backend.Op{Kind: backend.SetTTL, Key: key, TTL: backend.NoTTL, Timeout: 5 * time.Second})
	if b := decode(t, do(t, c, get(key))); resp.Status != 200 || b.Node.TTL != 0 || *b.Node.Value != `{"a":"b&c"}` {
		t.Fatalf("setTTL -1: %d, then %+v", resp.Status, b.Node)
	}
	resp = do(t, c, &backend.Op{Kind: backend.SetTTL, Key: "/settl/missing", TTL: 5, Timeout: 5 * time.Second})
	if b := decode(t, resp); resp.Status != 404 || b.ErrorCode != 100 {
		t.Fatalf("missing: %d %s", resp.Status, resp.Body)
	}
}
