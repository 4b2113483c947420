package v3backend

import (
	"context"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestNotFoundCause checks the cause of "Key not found" (the outermost
// missing directory on the path) when the read could not tell it alone:
// ancestors without markers, as another v3 client leaves them, which
// exist when keys lie below them and are missing otherwise. The read
// fetches markers by exact key; notFound probes the rest.
func TestNotFoundCause(t *testing.T) {
	b := newBackend(t)
	p := prefix(t)
	// An implied tree: p/x/y/z and nothing else, no markers.
	if _, err := b.cli.Put(context.Background(), p+"/x/y/z", "v"); err != nil {
		t.Fatal(err)
	}
	// And a tree with markers, written through the backend.
	do(t, b, backend.Op{Kind: backend.Set, Key: p + "/m/n/o", Value: "v", HasValue: true})
	for _, c := range []struct{ key, cause string }{
		{p + "/x/y/missing", p + "/x/y/missing"}, // both ancestors implied
		{p + "/x/w/missing", p + "/x/w"},         // p/x implied, p/x/w missing
		{p + "/q/r/s", p + "/q"},                 // nothing below p/q
		{p + "/m/n/missing", p + "/m/n/missing"}, // markers
		{p + "/m/gone/k", p + "/m/gone"},
	} {
		for _, op := range []backend.Op{
			{Kind: backend.Get, Key: c.key},
			{Kind: backend.Update, Key: c.key, Value: "v", HasValue: true},
			{Kind: backend.Delete, Key: c.key},
		} {
			a := mustStatus(t, do(t, b, op), 404)
			if a.Error.Cause != c.cause {
				t.Errorf("%s %s: cause %q, want %q", op.Kind, c.key, a.Error.Cause, c.cause)
			}
		}
	}
	// A marker-less ancestor whose keys all went: missing again.
	if _, err := b.cli.Delete(context.Background(), p+"/x/", clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	a := mustStatus(t, do(t, b, backend.Op{Kind: backend.Get, Key: p + "/x/y/z"}), 404)
	if a.Error.Cause != p+"/x" {
		t.Errorf("after delete: cause %q, want %q", a.Error.Cause, p+"/x")
	}
}
