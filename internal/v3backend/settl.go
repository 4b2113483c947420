package v3backend

import (
	"context"
	"net/http"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// setTTL answers SetTTL. lua-etcd changes a TTL by reading the node and
// writing it back, guarded by what it read; the answer is that of the
// write: compareAndSwap for a file, update for a directory. Here the file
// is put again with its value kept (WithIgnoreValue) on a new lease, or on
// none (or its directory's) when the TTL is removed, in one transaction
// guarded by the revision read.
func (b *Backend) setTTL(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op.Key == "/" {
		return b.rootReadOnly(ctx)
	}
	l, err := b.leaseFor(ctx, op.TTL)
	if err != nil {
		return nil, err
	}
	defer b.done(l)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		s, err := b.read(ctx, op.Key, readOpts{})
		if err != nil {
			return nil, err
		}
		switch {
		case s.fileAncestor() != "":
			return errorResp(v2api.EcodeNotDir, s.fileAncestor(), s.rev), nil
		case s.file == nil && s.isDir():
			return b.dirTTL(ctx, op.Key, l)
		case s.file == nil:
			return b.notFound(ctx, s)
		}
		keyLease := l.id
		if keyLease == 0 {
			keyLease = s.inheritedLease()
		}
		g := &guard{}
		g.parents(s)
		g.keyUnchanged(op.Key, s.file)
		g.ops = append(g.ops, clientv3.OpPut(op.Key, "", clientv3.WithIgnoreValue(), clientv3.WithLease(keyLease)))
		rev, t, ok, err := b.commitLeased(ctx, g, l)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		v := string(s.file.Value)
		n := &v2api.Node{Key: op.Key, Value: &v, ModifiedIndex: uint64(rev), CreatedIndex: uint64(s.file.CreateRevision)}
		t.apply(ctx, n, int64(keyLease))
		ev := &v2api.Event{Action: v2api.ActionCompareAndSwap, Node: n, PrevNode: t.fileNode(ctx, s.file)}
		b.released(ctx, []*mvccpb.KeyValue{s.file}, keyLease, false)
		return eventResp(http.StatusOK, ev, rev), nil
	}
	return nil, errContention
}

// dirTTL gives the directory key the lease l (none: the TTL is removed,
// and the directory goes on the lease it inherits, if any). The marker
// moves to the new lease, and so does every key below that was on the
// directory's old lease (the keys without a TTL of their own); keys with
// their own TTL keep it. All in one transaction guarded by the revisions
// read, so it fails and is retried when a key below changed meanwhile.
// v3 puts each moved key again, so their modifiedIndex changes (v2
// changes only the directory's).
func (b *Backend) dirTTL(ctx context.Context, key string, l *newLease) (*backend.Response, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		s, err := b.read(ctx, key, readOpts{subtree: true, oldest: true})
		if err != nil {
			return nil, err
		}
		switch {
		case s.fileAncestor() != "":
			return errorResp(v2api.EcodeNotDir, s.fileAncestor(), s.rev), nil
		case s.file != nil:
			return errorResp(v2api.EcodeNotFile, key, s.rev), nil
		case !s.isDir():
			return b.notFound(ctx, s)
		}
		marker := s.marker()
		oldLease := int64(s.inheritedLease())
		if marker != nil {
			oldLease = marker.Lease
		}
		newLease := l.id
		if newLease == 0 {
			newLease = s.inheritedLease()
		}
		g := &guard{}
		g.parents(s)
		g.keyUnchanged(dirPrefix(key), marker)
		g.ops = append(g.ops, clientv3.OpPut(dirPrefix(key), "", clientv3.WithLease(newLease)))
		prev := []*mvccpb.KeyValue{marker}
		for _, kv := range s.below {
			if kv == marker || kv.Lease != oldLease || kv.Lease == int64(newLease) {
				continue
			}
			g.keyUnchanged(string(kv.Key), kv)
			g.ops = append(g.ops, clientv3.OpPut(string(kv.Key), "", clientv3.WithIgnoreValue(), clientv3.WithLease(newLease)))
			prev = append(prev, kv)
		}
		rev, t, ok, err := b.commitLeased(ctx, g, l)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		n := &v2api.Node{Key: key, Dir: true, ModifiedIndex: uint64(rev), CreatedIndex: uint64(rev)}
		if marker != nil {
			n.CreatedIndex = uint64(marker.CreateRevision)
		} else if s.oldest != nil {
			n.CreatedIndex = uint64(s.oldest.CreateRevision)
		}
		t.apply(ctx, n, int64(newLease))
		ev := &v2api.Event{Action: v2api.ActionUpdate, Node: n, PrevNode: t.dirNode(ctx, key, marker, s.oldest)}
		b.released(ctx, prev, newLease, false)
		return eventResp(http.StatusOK, ev, rev), nil
	}
	return nil, errContention
}
