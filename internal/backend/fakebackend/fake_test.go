package fakebackend

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
)

var etcd *embedetcd.Server

func TestMain(m *testing.M) {
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	etcd = s
	code := m.Run()
	v2http.CloseIdleConnections()
	s.Close()
	os.Exit(code)
}

// shape is what of an answer the fake must get right: everything but the
// indexes and times, which differ between two stores by nature.
type shape struct {
	Status    int
	Action    string
	Node      *nodeShape
	PrevNode  *nodeShape
	ErrorCode int
	Message   string
	Cause     string
}

type nodeShape struct {
	Key   string
	Value *string
	Dir   bool
	TTL   int64
	Nodes []*nodeShape
}

func shapeOf(t *testing.T, res *backend.Response) shape {
	t.Helper()
	var raw struct {
		Action    string     `json:"action"`
		Node      *nodeShape `json:"node"`
		PrevNode  *nodeShape `json:"prevNode"`
		ErrorCode int        `json:"errorCode"`
		Message   string     `json:"message"`
		Cause     string     `json:"cause"`
	}
	if err := json.Unmarshal(res.Body, &raw); err != nil {
		t.Fatalf("status %d body %q: %v", res.Status, res.Body, err)
	}
	sh := shape{Status: res.Status, Action: raw.Action, Node: raw.Node, PrevNode: raw.PrevNode,
		ErrorCode: raw.ErrorCode, Message: raw.Message, Cause: raw.Cause}
	for _, n := range []*nodeShape{sh.Node, sh.PrevNode} {
		sortNodes(n)
	}
	if sh.ErrorCode == 101 || sh.ErrorCode == 401 {
		sh.Cause = "" // holds indexes
	}
	return sh
}

// sortNodes orders listings by key: etcd lists in no order.
func sortNodes(n *nodeShape) {
	if n == nil {
		return
	}
	sort.Slice(n.Nodes, func(i, j int) bool { return n.Nodes[i].Key < n.Nodes[j].Key })
	for _, c := range n.Nodes {
		sortNodes(c)
	}
}

// The fake answers as etcd 3.5 does: the same sequence of operations on
// the fake and, through the v2 HTTP backend, on a real etcd gives answers
// of the same shape (status, action, nodes, errors).
func TestSameAsEtcd(t *testing.T) {
	real, err := v2http.New(v2http.Config{Host: etcd.ClientURL})
	if err != nil {
		t.Fatal(err)
	}
	fake := New()
	const p = "/fakecmp"
	ops := []backend.Op{
		{Kind: backend.Get, Key: p + "/a"},
		{Kind: backend.Set, Key: p + "/a", Value: "1", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/a", Value: "2", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Get, Key: p + "/a"},
		{Kind: backend.Create, Key: p + "/a", Value: "3", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Create, Key: p + "/b", TTL: backend.NoTTL},
		{Kind: backend.Update, Key: p + "/none", Value: "x", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Update, Key: p + "/b", Value: "x", HasValue: true, TTL: 100},
		{Kind: backend.CompareAndSwap, Key: p + "/b", Value: "y", HasValue: true, PrevValue: "nope", HasPrevValue: true, TTL: backend.NoTTL},
		{Kind: backend.CompareAndSwap, Key: p + "/b", Value: "y", HasValue: true, PrevValue: "x", HasPrevValue: true, TTL: backend.NoTTL},
		{Kind: backend.CompareAndSwap, Key: p + "/b", Value: "z", HasValue: true, PrevIndex: 1, HasPrevIndex: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/a/under", Value: "x", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/d", Dir: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/d", Dir: true, TTL: backend.NoTTL},
		{Kind: backend.Create, Key: p + "/d", Dir: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/d", Value: "v", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/d/x", Value: "1", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Set, Key: p + "/d/sub/y", Value: "2", HasValue: true, TTL: backend.NoTTL},
		{Kind: backend.Get, Key: p + "/d"},
		{Kind: backend.Get, Key: p + "/d", Recursive: true},
		{Kind: backend.Get, Key: p, Recursive: true, Quorum: true},
		{Kind: backend.Delete, Key: p + "/d"},
		{Kind: backend.Delete, Key: p + "/d", Dir: true},
		{Kind: backend.CompareAndDelete, Key: p + "/d", PrevValue: "v", HasPrevValue: true},
		{Kind: backend.Delete, Key: p + "/d", Dir: true, Recursive: true},
		{Kind: backend.Get, Key: p + "/d"},
		{Kind: backend.Delete, Key: p + "/none"},
		{Kind: backend.CompareAndDelete, Key: p + "/a", PrevValue: "1", HasPrevValue: true},
		{Kind: backend.CompareAndDelete, Key: p + "/a", PrevIndex: 1, HasPrevIndex: true, PrevValue: "1", HasPrevValue: true},
		{Kind: backend.CompareAndDelete, Key: p + "/a", PrevValue: "2", HasPrevValue: true},
		{Kind: backend.Delete, Key: p + "/b", Dir: true},
		{Kind: backend.Delete, Key: "/"},
		{Kind: backend.Set, Key: p + "/e", Dir: true, TTL: backend.NoTTL},
		{Kind: backend.Delete, Key: p + "/e", Dir: true},
		{Kind: backend.SetTTL, Key: p + "/none", TTL: 5},
	}
	ctx := context.Background()
	for i, op := range ops {
		op.Timeout = 5 * time.Second
		rres, err := real.Do(ctx, &op)
		if err != nil {
			t.Fatalf("op %d %s %s on etcd: %v", i, op.Kind, op.Key, err)
		}
		fres, err := fake.Do(ctx, &op)
		if err != nil {
			t.Fatalf("op %d %s %s on the fake: %v", i, op.Kind, op.Key, err)
		}
		want, got := shapeOf(t, rres), shapeOf(t, fres)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("op %d %s %s:\n fake %s\n etcd %s", i, op.Kind, op.Key, fres.Body, rres.Body)
		}
		if fres.Header.Get("X-Etcd-Index") == "" || fres.Header.Get("Content-Type") != "application/json" {
			t.Errorf("op %d: header %v", i, fres.Header)
		}
	}
}
