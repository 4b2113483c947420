package jail_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/internal/jail"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
)

// The jail around the real v2 backend, against a real etcd: operations
// that try to leave the jail land inside it, answers show keys relative
// to it, and the keys outside, read over plain HTTP afterwards, are as
// they were.
func TestJailOnRealEtcd(t *testing.T) {
	srv, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer v2http.CloseIdleConnections()
	etcdtest.Put(t, srv.ClientURL, "/tenant/b/secret", "b")
	etcdtest.Put(t, srv.ClientURL, "/tenant/ab", "sibling")
	before := etcdtest.Outside(etcdtest.Keys(t, srv.ClientURL), "/tenant/a")

	inner, err := v2http.New(v2http.Config{Host: srv.ClientURL, Peer: srv.PeerURL})
	if err != nil {
		t.Fatal(err)
	}
	be := jail.Wrap(inner, "/tenant/a")
	ctx := context.Background()
	do := func(op backend.Op) *backend.Response {
		t.Helper()
		res, err := be.Do(ctx, &op)
		if err != nil {
			t.Fatalf("%s %q: %v", op.Kind, op.Key, err)
		}
		return res
	}
	event := func(res *backend.Response) v2api.Event {
		t.Helper()
		var ev v2api.Event
		if err := json.Unmarshal(res.Body, &ev); err != nil || ev.Node == nil {
			t.Fatalf("%d %s: %v", res.Status, res.Body, err)
		}
		return ev
	}

	for _, key := range []string{"/../b/secret", "/../../tenant/b/secret", "/%2e%2e/b/secret"} {
		ev := event(do(backend.Op{Kind: backend.Set, Key: key, Value: "mine", HasValue: true, TTL: backend.NoTTL}))
		if ev.Node.Key == "" || ev.Node.Key[0] != '/' || len(ev.Node.Key) >= 9 && ev.Node.Key[:9] == "/tenant/a" {
			t.Errorf("set %q answered key %q", key, ev.Node.Key)
		}
	}
	// The recursive listing of "/" is the jail, without a key for its
	// root as etcd shows its own root.
	ev := event(do(backend.Op{Kind: backend.Get, Key: "/", Recursive: true, Sorted: true}))
	var keys []string
	var walk func(n *v2api.Node)
	walk = func(n *v2api.Node) {
		keys = append(keys, n.Key)
		for _, c := range n.Nodes {
			walk(c)
		}
	}
	walk(ev.Node)
	want := []string{"", "/%2e%2e", "/%2e%2e/b", "/%2e%2e/b/secret", "/b", "/b/secret", "/tenant", "/tenant/b", "/tenant/b/secret"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("listing of / = %q, want %q", keys, want)
	}
	// Errors name keys inside the jail.
	res := do(backend.Op{Kind: backend.Get, Key: "/no/such"})
	var e v2api.Error
	if json.Unmarshal(res.Body, &e) != nil || res.Status != 404 || e.Cause != "/no" {
		t.Errorf("get /no/such: %d %s", res.Status, res.Body)
	}
	// The root is read only, as etcd's is.
	res = do(backend.Op{Kind: backend.Delete, Key: "/..", Dir: true, Recursive: true})
	if json.Unmarshal(res.Body, &e) != nil || e.ErrorCode != v2api.EcodeRootROnly {
		t.Errorf("rmdir /..: %d %s", res.Status, res.Body)
	}
	if _, err := be.Do(ctx, &backend.Op{Kind: backend.RemoveMachine, Name: "default"}); !errors.Is(err, jail.ErrRefused) {
		t.Errorf("removeMachine: %v", err)
	}
	if res := do(backend.Op{Kind: backend.Version}); res.Status != 200 {
		t.Errorf("version: %d", res.Status)
	}

	if got := etcdtest.Outside(etcdtest.Keys(t, srv.ClientURL), "/tenant/a"); !reflect.DeepEqual(got, before) {
		t.Errorf("keys outside the jail changed:\nbefore %v\n after %v", before, got)
	}
}
