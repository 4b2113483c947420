package main

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestSameEndState runs one operation of each workload with every
// implementation (v2: go-http, lua, go-v2; v3: clientv3, lua-v3) on a
// real etcd, and checks that all leave the same keys and values behind:
// the v2 ones in the v2 store, the v3 ones in the v3 keyspace (the v3
// backend's directory markers aside). So the clientv3 floor and the
// lua-v3 rows do the same work as the v2 rows.
func TestSameEndState(t *testing.T) {
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := newEnv(s.ClientURL, "", "", options{duration: 200 * time.Millisecond})
	ctx := t.Context()
	if err := e.setup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.setupV3(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.close()

	impls := []string{"go-http", "lua", "go-v2", "clientv3", "lua-v3"}
	for _, work := range []string{"set", "get", "cas", "readdir", "push"} {
		var want map[string]string
		for id, impl := range impls {
			w, err := e.newWorker(impl, work, id)
			if err != nil {
				t.Fatal(err)
			}
			// A clock whose deadline has passed: one operation after
			// the preparation.
			clock := &rowClock{start: make(chan struct{})}
			clock.ready.Add(1)
			close(clock.start)
			err = w.run(&stepper{row: clock})
			w.close()
			if err != nil {
				t.Fatalf("%s %s: %v", impl, work, err)
			}
			key := fmt.Sprintf("/bench/%s/%d", work, id)
			if work == "readdir" {
				key = dirKey
			}
			got := endState(t, e, impl, key)
			if want == nil {
				want = got
				if len(want) == 0 {
					t.Fatalf("%s %s: nothing written", impl, work)
				}
				t.Logf("%s: %d keys", work, len(want))
				continue
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s %s: end state %v, want %v (as %s)", impl, work, got, want, impls[0])
			}
		}
	}

	// wait: every implementation is woken by the writer of its store.
	for _, impl := range impls {
		r, err := e.runWait(impl)
		if err != nil {
			t.Fatalf("wait %s: %v", impl, err)
		}
		if r.Ops == 0 || r.P50 <= 0 {
			t.Errorf("wait %s: %d notifications, p50 %v", impl, r.Ops, r.P50)
		}
	}
}

// endState is what lies at key: its files below it (or itself) with
// their values, relative to key, read from the store impl writes to.
// Pushed keys' names become "#": the two stores number them apart.
func endState(t *testing.T, e *env, impl, key string) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	name := func(k string) string {
		rel := strings.TrimPrefix(k, key)
		if strings.Contains(key, "/push/") && rel != "" {
			return "/#"
		}
		return rel
	}
	if isV3(impl) {
		r, err := e.v3.Get(ctx, key, clientv3.WithPrefix())
		if err != nil {
			t.Fatal(err)
		}
		for _, kv := range r.Kvs {
			k := string(kv.Key)
			if k != key && !strings.HasPrefix(k, key+"/") || strings.HasSuffix(k, "/") {
				continue // another key with key as its prefix, or a marker
			}
			out[name(k)] = string(kv.Value)
		}
		return out
	}
	r, err := e.raw.expect(ctx, "GET", key, "recursive=true", "", 200)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *v2Node)
	walk = func(n *v2Node) {
		if !n.Dir {
			out[name(n.Key)] = n.Value
		}
		for _, c := range n.Nodes {
			walk(c)
		}
	}
	walk(r.Node)
	return out
}
