package v3backend

import (
	"context"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TTLs are v3 leases (docs/v3-backend.md): a write with a TTL grants a
// lease of its own and puts the key on it; a key written without a TTL
// below a directory with one goes on the directory's lease, so the
// subtree expires with the directory. When a key leaves a lease
// (overwritten, deleted, its TTL changed), the lease is revoked once no
// key is attached to it any more, so no lease outlives its keys.

// revokeGrace is how long a lease whose key was deleted on purpose stays
// alive before it is revoked. A watcher tells an expiry from a delete by
// the deleted key's lease being gone; the grace period keeps the lease
// for the watchers of a delete to look it up.
var revokeGrace = 3 * time.Second

// grant grants a lease of ttl seconds. etcd raises TTLs below its
// minimum (about 2 s with the default election timeout); the granted TTL
// is returned.
func (b *Backend) grant(ctx context.Context, ttl int64) (clientv3.LeaseID, int64, time.Time, error) {
	at := time.Now()
	r, err := b.cli.Grant(ctx, ttl)
	if err != nil {
		return 0, 0, at, err
	}
	return r.ID, r.TTL, at, nil
}

// revokeNow revokes a lease no key was ever put on (a write that did not
// happen). Errors are ignored: the lease expires by itself.
func (b *Backend) revokeNow(id clientv3.LeaseID) {
	if id == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.cli.Revoke(ctx, id)
}

// released handles the leases of keys that left them (prev: the keys as
// they were before the write), except keep (the lease the keys are on
// now): each lease with no key left is revoked, at once after an
// overwrite, after revokeGrace after a delete (deleted).
func (b *Backend) released(ctx context.Context, prev []*mvccpb.KeyValue, keep clientv3.LeaseID, deleted bool) {
	seen := map[int64]bool{}
	for _, kv := range prev {
		if kv == nil || kv.Lease == 0 || kv.Lease == int64(keep) || seen[kv.Lease] {
			continue
		}
		seen[kv.Lease] = true
		id := clientv3.LeaseID(kv.Lease)
		r, err := b.cli.TimeToLive(ctx, id, clientv3.WithAttachedKeys())
		if err != nil || r.TTL < 0 || len(r.Keys) > 0 {
			continue
		}
		if deleted {
			b.revokeLater(id)
		} else {
			b.revokeNow(id)
		}
	}
}

// revokeLater revokes id after revokeGrace (at once when the backend is
// closed; Close revokes those still waiting).
func (b *Backend) revokeLater(id clientv3.LeaseID) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		go b.revokeNow(id)
		return
	}
	if _, ok := b.pending[id]; ok {
		return
	}
	b.pending[id] = time.AfterFunc(revokeGrace, func() {
		b.mu.Lock()
		if b.pending != nil {
			delete(b.pending, id)
		}
		b.mu.Unlock()
		b.revokeNow(id)
	})
}
