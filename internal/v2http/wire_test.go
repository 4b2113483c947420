package v2http

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// wireRequest is a request as a server read it.
type wireRequest struct {
	method, path, query, ctype, body string
}

// wireRecorder is a fake etcd that records every request and answers 200
// with an empty JSON object: the test is about what is sent, and a fake
// is the only way to see the peer's admin requests, which no etcd of
// today serves.
type wireRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []wireRequest
}

func newWireRecorder(t *testing.T) *wireRecorder {
	w := &wireRecorder{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.reqs = append(w.reqs, wireRequest{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), string(b)})
		w.mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		rw.Write([]byte(`{"action":"get","node":{"key":"/k","value":"v","modifiedIndex":7}}`))
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *wireRecorder) take() []wireRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.reqs
	w.reqs = nil
	return r
}

const formType = "application/x-www-form-urlencoded"

// Every kind of Op becomes exactly lua-etcd 0.12's request: method, path,
// query parameters and form fields in its order. (The Lua-level
// recording-proxy tests of package luaetcd check the same through real
// etcd, method by method.)
func TestWire(t *testing.T) {
	w := newWireRecorder(t)
	c := newClient(t, Config{Host: w.URL, Peer: w.URL})
	const key = "/a b/k"
	const path = "/v2/keys/a%20b/k"
	cases := []struct {
		name string
		op   backend.Op
		want []wireRequest
	}{
		{"set", backend.Op{Kind: backend.Set, Key: key, Value: `"x&y"`, HasValue: true, TTL: backend.NoTTL},
			[]wireRequest{{"PUT", path, "", formType, "value=%22x%26y%22&ttl="}}},
		{"set nil value with ttl", backend.Op{Kind: backend.Set, Key: key, TTL: 5},
			[]wireRequest{{"PUT", path, "", formType, "ttl=5"}}},
		{"setnx", backend.Op{Kind: backend.Create, Key: key, Value: "1", HasValue: true, TTL: backend.NoTTL},
			[]wireRequest{{"PUT", path, "prevExist=false", formType, "value=1&ttl="}}},
		{"setx", backend.Op{Kind: backend.Update, Key: key, Value: "1", HasValue: true, TTL: 0},
			[]wireRequest{{"PUT", path, "prevExist=true", formType, "value=1&ttl=0"}}},
		{"setx with index", backend.Op{Kind: backend.CompareAndSwap, Key: key, Value: "1", HasValue: true, PrevIndex: 1e15, HasPrevIndex: true, TTL: backend.NoTTL},
			[]wireRequest{{"PUT", path, "prevExist=true&prevIndex=1000000000000000", formType, "value=1&ttl="}}},
		{"push", backend.Op{Kind: backend.CreateInOrder, Key: key, Value: "1", HasValue: true, TTL: backend.NoTTL},
			[]wireRequest{{"POST", path, "", formType, "value=1&ttl="}}},
		{"mkdir", backend.Op{Kind: backend.Set, Key: key, Dir: true, TTL: 9},
			[]wireRequest{{"PUT", path, "", formType, "dir=true&ttl=9"}}},
		{"mkdirnx", backend.Op{Kind: backend.Create, Key: key, Dir: true, TTL: backend.NoTTL},
			[]wireRequest{{"PUT", path, "prevExist=false", formType, "dir=true&ttl="}}},
		{"get", backend.Op{Kind: backend.Get, Key: key},
			[]wireRequest{{"GET", path, "", "", ""}}},
		{"get consistent", backend.Op{Kind: backend.Get, Key: key, Quorum: true},
			[]wireRequest{{"GET", path, "consistent=true&quorum=true", "", ""}}},
		{"readdir recursive consistent", backend.Op{Kind: backend.Get, Key: key, Recursive: true, Quorum: true},
			[]wireRequest{{"GET", path, "recursive=true&consistent=true&quorum=true", "", ""}}},
		{"delete", backend.Op{Kind: backend.Delete, Key: key},
			[]wireRequest{{"DELETE", path, "", "", ""}}},
		{"delete compare", backend.Op{Kind: backend.CompareAndDelete, Key: key, PrevValue: "a+b", HasPrevValue: true, PrevIndex: 3, HasPrevIndex: true},
			[]wireRequest{{"DELETE", path, "prevValue=a%2Bb&prevIndex=3", "", ""}}},
		{"delete compare index", backend.Op{Kind: backend.CompareAndDelete, Key: key, PrevIndex: 3, HasPrevIndex: true},
			[]wireRequest{{"DELETE", path, "prevIndex=3", "", ""}}},
		{"rmdir", backend.Op{Kind: backend.Delete, Key: key, Dir: true},
			[]wireRequest{{"DELETE", path, "dir=true", "", ""}}},
		{"rmdir recursive", backend.Op{Kind: backend.Delete, Key: key, Dir: true, Recursive: true},
			[]wireRequest{{"DELETE", path, "dir=true&recursive=true", "", ""}}},
		{"wait", backend.Op{Kind: backend.Watch, Key: key, WaitIndex: 12, HasWaitIndex: true},
			[]wireRequest{{"GET", path, "wait=true&waitIndex=12", "", ""}}},
		{"waitdir", backend.Op{Kind: backend.Watch, Key: key, Recursive: true, WaitIndex: 12, HasWaitIndex: true},
			[]wireRequest{{"GET", path, "wait=true&recursive=true&waitIndex=12", "", ""}}},
		{"setTTL of a file", backend.Op{Kind: backend.SetTTL, Key: key, TTL: 30},
			[]wireRequest{{"GET", path, "", "", ""}, {"PUT", path, "prevExist=true&prevIndex=7&prevValue=v", formType, "ttl=30&value=v"}}},
		{"version", backend.Op{Kind: backend.Version}, []wireRequest{{"GET", "/version", "", "", ""}}},
		{"statsLeader", backend.Op{Kind: backend.StatsLeader}, []wireRequest{{"GET", "/v2/stats/leader", "", "", ""}}},
		{"statsSelf", backend.Op{Kind: backend.StatsSelf}, []wireRequest{{"GET", "/v2/stats/self", "", "", ""}}},
		{"statsStore", backend.Op{Kind: backend.StatsStore}, []wireRequest{{"GET", "/v2/stats/store", "", "", ""}}},
		{"adminConfig", backend.Op{Kind: backend.AdminConfig}, []wireRequest{{"GET", "/v2/admin/config", "", "", ""}}},
		{"setAdminConfig", backend.Op{Kind: backend.SetAdminConfig, Settings: []backend.Setting{{Name: "activeSize", Value: 3}, {Name: "syncInterval", Value: 5}}},
			[]wireRequest{{"PUT", "/v2/admin/config", "", "application/json", `{"activeSize":3,"syncInterval":5}`}}},
		{"setAdminConfig empty", backend.Op{Kind: backend.SetAdminConfig},
			[]wireRequest{{"PUT", "/v2/admin/config", "", "application/json", `{}`}}},
		{"adminMachines", backend.Op{Kind: backend.Machines, Name: "m 1"},
			[]wireRequest{{"GET", "/v2/admin/machines/m%201", "", "", ""}}},
		{"removeAdminMachines", backend.Op{Kind: backend.RemoveMachine, Name: "m1"},
			[]wireRequest{{"DELETE", "/v2/admin/machines/m1", "", "", ""}}},
	}
	for _, tc := range cases {
		op := tc.op
		op.Timeout = 5 * time.Second
		if _, err := c.Do(context.Background(), &op); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := w.take()
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d requests %+v, want %+v", tc.name, len(got), got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: request %d\n got %+v\nwant %+v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}
