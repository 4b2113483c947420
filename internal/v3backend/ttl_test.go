package v3backend

import (
	"context"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// leaseCount counts the cluster's live leases through a client of its
// own.
func leaseCount(t *testing.T) int {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{target}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Leases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(r.Leases)
}

// A key with a TTL expires, and a watcher sees it as "expire" with the
// key's last value as prevNode.
func TestLeaseExpiry(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	a := mustStatus(t, do(t, b, setTTL(p+"/k", "v", 2)), 201)
	if a.Event.Node.TTL != 2 {
		t.Fatalf("set answered %s", a)
	}
	done := make(chan *answer, 1)
	go func() {
		r, err := b.Do(context.Background(), ptr(opOf(backend.Watch, p+"/k")))
		if err != nil {
			t.Error(err)
			done <- nil
			return
		}
		done <- decode(t, r.Status, r.Header, r.Body)
	}()
	var w *answer
	select {
	case w = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no expiry within 10 s of a 2 s ttl")
	}
	if w == nil {
		return
	}
	if w.Event.Action != v2api.ActionExpire || w.Event.PrevNode == nil || *w.Event.PrevNode.Value != "v" ||
		w.Event.Node.Key != p+"/k" || w.Event.Node.ModifiedIndex == 0 {
		t.Fatalf("watch answered %s", w)
	}
	mustStatus(t, do(t, b, opOf(backend.Get, p+"/k")), 404)
}

// A directory's TTL takes its subtree along: children written without a
// TTL go on the directory's lease; a child with its own TTL keeps it.
func TestDirTTL(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	mustStatus(t, do(t, b, backend.Op{Kind: backend.Set, Key: p + "/d", Dir: true, TTL: 2}), 201)
	mustStatus(t, do(t, b, set(p+"/d/a/b", "1")), 201)
	mustStatus(t, do(t, b, setTTL(p+"/d/own", "2", 60)), 201)
	a := mustStatus(t, do(t, b, opOf(backend.Get, p+"/d/a/b")), 200)
	if a.Event.Node.TTL == 0 || a.Event.Node.TTL > 2 {
		t.Fatalf("child of a ttl dir: %s", a)
	}
	time.Sleep(3500 * time.Millisecond)
	mustStatus(t, do(t, b, opOf(backend.Get, p+"/d/a/b")), 404)
	mustStatus(t, do(t, b, opOf(backend.Get, p+"/d/own")), 200)
}

// Refreshing a directory's TTL moves its subtree to the new lease;
// removing it keeps the keys.
func TestDirTTLRefreshAndRemove(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	do(t, b, backend.Op{Kind: backend.Set, Key: p + "/d", Dir: true, TTL: 2})
	do(t, b, set(p+"/d/x", "1"))
	a := mustStatus(t, do(t, b, backend.Op{Kind: backend.SetTTL, Key: p + "/d", TTL: 60}), 200)
	if a.Event.Action != v2api.ActionUpdate || a.Event.Node.TTL != 60 {
		t.Fatalf("setTTL answered %s", a)
	}
	time.Sleep(3 * time.Second)
	x := mustStatus(t, do(t, b, opOf(backend.Get, p+"/d/x")), 200)
	if x.Event.Node.TTL < 55 || x.Event.Node.TTL > 58 {
		t.Fatalf("child after the refresh: %s", x)
	}
	mustStatus(t, do(t, b, backend.Op{Kind: backend.SetTTL, Key: p + "/d", TTL: backend.NoTTL}), 200)
	for _, k := range []string{p + "/d", p + "/d/x"} {
		if g := mustStatus(t, do(t, b, opOf(backend.Get, k)), 200); g.Event.Node.TTL != 0 {
			t.Fatalf("%s keeps a ttl: %s", k, g)
		}
	}
}

// SetTTL of a file keeps the value; removing the TTL makes it permanent.
func TestSetTTLFile(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	do(t, b, set(p+"/f", "v"))
	a := mustStatus(t, do(t, b, backend.Op{Kind: backend.SetTTL, Key: p + "/f", TTL: 50}), 200)
	if a.Event.Action != v2api.ActionCompareAndSwap || *a.Event.Node.Value != "v" || a.Event.Node.TTL != 50 || a.Event.PrevNode.TTL != 0 {
		t.Fatalf("setTTL answered %s", a)
	}
	a = mustStatus(t, do(t, b, backend.Op{Kind: backend.SetTTL, Key: p + "/f", TTL: backend.NoTTL}), 200)
	if a.Event.Node.TTL != 0 || a.Event.PrevNode.TTL == 0 || *a.Event.Node.Value != "v" {
		t.Fatalf("setTTL removal answered %s", a)
	}
}

// No lease outlives its keys: after a churn of every write that takes
// keys on and off leases, the cluster holds as many leases as before.
func TestNoLeaseLeak(t *testing.T) {
	before := leaseCount(t)
	b, err := New(Config{Endpoints: []string{target}})
	if err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	for i := 0; i < 5; i++ {
		k := p + "/k"
		do(t, b, setTTL(k, "1", 60))
		do(t, b, setTTL(k, "2", 60))                                // overwritten with a new lease
		do(t, b, set(k, "3"))                                       // overwritten without
		do(t, b, backend.Op{Kind: backend.SetTTL, Key: k, TTL: 60}) // TTL added
		do(t, b, backend.Op{Kind: backend.SetTTL, Key: k, TTL: 70}) // changed
		do(t, b, backend.Op{Kind: backend.SetTTL, Key: k, TTL: -1}) // removed
		do(t, b, withValue(prevValue(backend.Op{Kind: backend.CompareAndSwap, Key: k, TTL: 60}, "3"), "4"))
		do(t, b, opOf(backend.Delete, k)) // deleted with its lease
		do(t, b, setTTL(k, "5", 60))
		do(t, b, prevValue(opOf(backend.CompareAndDelete, k), "5"))
		do(t, b, backend.Op{Kind: backend.Set, Key: p + "/d", Dir: true, TTL: 60})
		do(t, b, set(p+"/d/a", "1"))
		do(t, b, setTTL(p+"/d/b", "1", 60))
		do(t, b, backend.Op{Kind: backend.SetTTL, Key: p + "/d", TTL: 80})
		do(t, b, backend.Op{Kind: backend.Delete, Key: p + "/d", Recursive: true})
		q := do(t, b, backend.Op{Kind: backend.CreateInOrder, Key: p + "/q", Value: "j", HasValue: true, TTL: 60})
		do(t, b, opOf(backend.Delete, q.Event.Node.Key))
		do(t, b, withValue(opOf(backend.Create, k), "x")) // refused below: lease given back
		do(t, b, backend.Op{Kind: backend.Create, Key: k, Value: "y", HasValue: true, TTL: 60})
		do(t, b, opOf(backend.Delete, k))
	}
	// Leases of deleted keys are revoked after the grace period.
	time.Sleep(revokeGrace + 500*time.Millisecond)
	do(t, b, setTTL(p+"/probe", "1", 60))
	if n := leaseCount(t); n != before+1 {
		t.Fatalf("%d leases with one key on a lease, %d before", n, before)
	}
	do(t, b, opOf(backend.Delete, p+"/probe"))
	// Close revokes the leases still in their grace period.
	b.Close()
	if after := leaseCount(t); after != before {
		t.Fatalf("%d leases before the churn, %d after", before, after)
	}
}

// etcd raises a TTL below its minimum lease TTL (1.5 × the election
// timeout, rounded up: 2 s with the default 1 s); the answer says what
// was granted (docs/v3-backend.md, difference 3).
func TestMinimumTTL(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	a := mustStatus(t, do(t, b, setTTL(p+"/k", "v", 1)), 201)
	r, err := b.cli.Get(context.Background(), p+"/k")
	if err != nil || len(r.Kvs) != 1 {
		t.Fatal(r, err)
	}
	l, err := b.cli.TimeToLive(context.Background(), clientv3.LeaseID(r.Kvs[0].Lease))
	if err != nil {
		t.Fatal(err)
	}
	if a.Event.Node.TTL != l.GrantedTTL || l.GrantedTTL < 1 {
		t.Fatalf("ttl=1 answered %s, granted %d", a, l.GrantedTTL)
	}
	t.Logf("ttl=1 granted as %d", l.GrantedTTL)
}
