package v3backend

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// One test for each defect of etcd's own v2-on-v3 emulation
// (--experimental-enable-v2v3, etcd 3.3 to 3.5), as measured on 3.5.35;
// each fails if the defect came back here.

// The emulation refused every TTL.
func TestDefectTTLRefused(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	a := mustStatus(t, do(t, b, setTTL(p+"/k", "v", 30)), 201)
	if a.Event.Node.TTL != 30 || a.Event.Node.Expiration == nil {
		t.Fatalf("no ttl in %s", a)
	}
	r, err := b.cli.Get(context.Background(), p+"/k")
	if err != nil || len(r.Kvs) != 1 || r.Kvs[0].Lease == 0 {
		t.Fatalf("key not on a lease: %v %v", r, err)
	}
	a = mustStatus(t, do(t, b, opOf(backend.Get, p+"/k")), 200)
	if a.Event.Node.TTL < 29 || a.Event.Node.TTL > 30 {
		t.Fatalf("ttl %d after a write with 30", a.Event.Node.TTL)
	}
}

// A recursive get or delete of /foo also touched /foobar/...
func TestDefectSiblingLeak(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	do(t, b, set(p+"/foo/a", "1"))
	do(t, b, set(p+"/foobar/b", "2"))
	do(t, b, set(p+"/foo.txt", "3"))
	a := mustStatus(t, do(t, b, backend.Op{Kind: backend.Get, Key: p + "/foo", Recursive: true}), 200)
	if n := a.Event.Node.Nodes; len(n) != 1 || n[0].Key != p+"/foo/a" {
		t.Fatalf("get /foo lists %s", a)
	}
	mustStatus(t, do(t, b, backend.Op{Kind: backend.Delete, Key: p + "/foo", Recursive: true}), 200)
	for _, k := range []string{p + "/foobar/b", p + "/foo.txt"} {
		if r, err := b.cli.Get(context.Background(), k); err != nil || len(r.Kvs) != 1 {
			t.Fatalf("%s gone after deleting /foo: %v %v", k, r, err)
		}
	}
}

// POST (in-order) keys were named from a timestamp and left no parent
// directory.
func TestDefectInOrderNames(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	a := mustStatus(t, do(t, b, withValue(opOf(backend.CreateInOrder, p+"/q"), "job")), 201)
	if !regexp.MustCompile(`^` + p + `/q/\d{20}$`).MatchString(a.Event.Node.Key) {
		t.Fatalf("in-order key %q", a.Event.Node.Key)
	}
	if a.Event.Action != v2api.ActionCreate {
		t.Fatalf("action %q", a.Event.Action)
	}
	mustStatus(t, do(t, b, opOf(backend.Delete, a.Event.Node.Key)), 200)
	d := mustStatus(t, do(t, b, opOf(backend.Get, p+"/q")), 200)
	if !d.Event.Node.Dir || len(d.Event.Node.Nodes) != 0 {
		t.Fatalf("parent directory after the pop: %s", d)
	}
}

// waitIndex = modifiedIndex + 1 fired at once with the old event.
func TestDefectWaitIndexPlusOne(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	a := do(t, b, set(p+"/w", "1"))
	op := opOf(backend.Watch, p+"/w")
	op.WaitIndex, op.HasWaitIndex = a.Event.Node.ModifiedIndex+1, true
	op.Timeout = 500 * time.Millisecond
	r, err := b.Do(context.Background(), &op)
	if err != nil || !r.TimedOut || r.Status != 408 {
		t.Fatalf("watch from the next index answered %v %v", r, err)
	}
	op.Timeout = 0
	go func() {
		time.Sleep(200 * time.Millisecond)
		b.Do(context.Background(), ptr(set(p+"/w", "2")))
	}()
	w := mustStatus(t, do(t, b, op), 200)
	if *w.Event.Node.Value != "2" || w.Event.PrevNode == nil || *w.Event.PrevNode.Value != "1" {
		t.Fatalf("watch answered %s", w)
	}
}

// A compacted waitIndex gave an empty 200 instead of 401.
func TestDefectCompactedWaitIndex(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	first := do(t, b, set(p+"/w", "1"))
	last := do(t, b, set(p+"/w", "2"))
	rev := int64(last.Event.Node.ModifiedIndex)
	if _, err := b.cli.Compact(context.Background(), rev, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
	op := opOf(backend.Watch, p+"/w")
	op.WaitIndex, op.HasWaitIndex = first.Event.Node.ModifiedIndex, true
	a := mustStatus(t, do(t, b, op), 400)
	want := "the requested history has been cleared [" + itoa(rev) + "/" + itoa(int64(first.Event.Node.ModifiedIndex)) + "]"
	if a.Error.ErrorCode != 401 || a.Error.Message != "The event in requested index is outdated and cleared" ||
		a.Error.Cause != want || a.Error.Index == 0 || a.Index == "" {
		t.Fatalf("answer %s, want cause %q", a, want)
	}
	// From the compacted revision itself, history is still there.
	op.WaitIndex = uint64(rev)
	w := mustStatus(t, do(t, b, op), 200)
	if *w.Event.Node.Value != "2" {
		t.Fatalf("watch from the compaction answered %s", w)
	}
}

// Updating a missing key gave 102 and deleting a missing directory
// recursively 105; both are 100 in v2.
func TestDefectMissingKeyCodes(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	do(t, b, mkdir(p))
	a := mustStatus(t, do(t, b, withValue(opOf(backend.Update, p+"/nope"), "v")), 404)
	if a.Error.ErrorCode != 100 || a.Error.Cause != p+"/nope" {
		t.Fatalf("update of a missing key: %s", a)
	}
	a = mustStatus(t, do(t, b, backend.Op{Kind: backend.Delete, Key: p + "/nope", Dir: true, Recursive: true}), 404)
	if a.Error.ErrorCode != 100 || a.Error.Cause != p+"/nope" {
		t.Fatalf("recursive delete of a missing dir: %s", a)
	}
}

// `_` keys showed in listings.
func TestDefectHiddenKeysListed(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	do(t, b, set(p+"/d/_h", "1"))
	do(t, b, set(p+"/d/_hd/x", "1"))
	do(t, b, set(p+"/d/s/_y", "1"))
	do(t, b, set(p+"/d/v", "2"))
	for _, rec := range []bool{false, true} {
		a := mustStatus(t, do(t, b, backend.Op{Kind: backend.Get, Key: p + "/d", Recursive: rec}), 200)
		n := a.Event.Node.Nodes
		if len(n) != 2 || n[0].Key != p+"/d/s" || n[1].Key != p+"/d/v" || len(n[0].Nodes) != 0 {
			t.Fatalf("recursive=%v lists %s", rec, a)
		}
	}
	a := mustStatus(t, do(t, b, opOf(backend.Get, p+"/d/_h")), 200)
	if *a.Event.Node.Value != "1" {
		t.Fatalf("hidden key read directly: %s", a)
	}
}

func ptr(op backend.Op) *backend.Op { return &op }

func itoa(i int64) string { return v2api.Header(uint64(i)).Get("X-Etcd-Index") }
