package v3backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// maxAttempts bounds the optimistic retries of one write. A write retries
// only when something it relied on changed between its read and its
// commit, that is when another write made progress.
const maxAttempts = 100

var errContention = errors.New("v3 backend: gave up after too many concurrent changes of the same keys")

// newLease is a lease granted for one write, revoked again if the write
// does not happen.
type newLease struct {
	id      clientv3.LeaseID
	granted int64
	at      time.Time
	used    bool
}

func (b *Backend) leaseFor(ctx context.Context, ttl int64) (*newLease, error) {
	l := &newLease{}
	if ttl > 0 {
		var err error
		if l.id, l.granted, l.at, err = b.grant(ctx, ttl); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (b *Backend) done(l *newLease) {
	if !l.used {
		b.revokeNow(l.id)
	}
}

// commitLeased commits g's transaction for a write that may attach the
// new lease l. ok is false when the guard failed: what was read changed,
// and the caller reads again. On success the lease counts as used (done
// will not revoke it), and the returned TTL cache already knows it, so
// the answer's ttl needs no extra round trip.
func (b *Backend) commitLeased(ctx context.Context, g *guard, l *newLease) (rev int64, t *ttls, ok bool, err error) {
	r, err := g.commit(ctx, b)
	if err != nil || !r.Succeeded {
		return 0, nil, false, err
	}
	l.used = true
	t = b.newTTLs()
	if l.id != 0 {
		t.fresh(l.id, l.granted, l.at)
	}
	return r.Header.Revision, t, true, nil
}

// put answers Set, Create, Update and CompareAndSwap: it reads the key
// and its ancestors, decides as v2 would, and commits the write in one
// transaction guarded by everything it read (the key's revision or
// absence, no directory where a file goes, ancestors still directories).
// A compare-and-swap is thus decided on the value and index of the very
// revision it replaces.
func (b *Backend) put(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op.Key == "/" {
		return b.rootReadOnly(ctx)
	}
	kind := op.Kind
	if kind == backend.CompareAndSwap {
		if op.HasPrevValue && op.PrevValue == "" {
			return prevValueRequired(), nil
		}
		// v2 treats prevIndex=0 as no index, and a swap without a
		// condition as an update.
		if !op.HasPrevValue && (!op.HasPrevIndex || op.PrevIndex == 0) {
			kind = backend.Update
		}
	}
	var pre *state
	// TTL: 0 (none given) or backend.NoTTL (lua-etcd's "ttl="): no lease.
	if kind == backend.Set && !op.Dir && op.TTL <= 0 {
		resp, s, err := b.fastSet(ctx, op)
		switch {
		case errors.Is(err, rpctypes.ErrPermissionDenied):
			// The guard names the ancestors, which the user may not
			// read: the general path knows what to do without them.
		case err != nil:
			return nil, err
		case resp != nil:
			return resp, nil
		}
		pre = s
	}
	l, err := b.leaseFor(ctx, op.TTL)
	if err != nil {
		return nil, err
	}
	defer b.done(l)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		s := pre
		pre = nil
		if s == nil {
			if s, err = b.read(ctx, op.Key, readOpts{}); err != nil {
				return nil, err
			}
		}
		if a := s.fileAncestor(); a != "" {
			return errorResp(v2api.EcodeNotDir, a, s.rev), nil
		}
		isFile, isDir := s.file != nil, s.isDir()
		status, action := http.StatusOK, ""
		switch kind {
		case backend.Set:
			if isDir {
				return errorResp(v2api.EcodeNotFile, op.Key, s.rev), nil
			}
			action = v2api.ActionSet
			if !isFile {
				status = http.StatusCreated
			}
		case backend.Create:
			if isFile || isDir {
				return errorResp(v2api.EcodeNodeExist, op.Key, s.rev), nil
			}
			status, action = http.StatusCreated, v2api.ActionCreate
		case backend.Update:
			if !isFile && !isDir {
				return b.notFound(ctx, s)
			}
			if isDir {
				if op.HasValue && op.Value != "" && !op.Dir {
					return errorResp(v2api.EcodeNotFile, op.Key, s.rev), nil
				}
				// An update of a directory changes only its TTL.
				return b.dirTTL(ctx, op.Key, l)
			}
			action = v2api.ActionUpdate
		case backend.CompareAndSwap:
			if !isFile && !isDir {
				return b.notFound(ctx, s)
			}
			if isDir {
				return errorResp(v2api.EcodeNotFile, op.Key, s.rev), nil
			}
			if cause := compareFailure(op, s.file); cause != "" {
				return errorResp(v2api.EcodeTestFailed, cause, s.rev), nil
			}
			action = v2api.ActionCompareAndSwap
		}
		keyLease := l.id
		if keyLease == 0 {
			keyLease = s.inheritedLease()
		}
		g := &guard{}
		g.parents(s)
		g.keyUnchanged(op.Key, s.file)
		g.noDir(op.Key)
		mkdir := op.Dir && (kind == backend.Set || kind == backend.Create)
		if mkdir {
			if isFile {
				g.ops = append(g.ops, clientv3.OpDelete(op.Key))
			}
			g.ops = append(g.ops, clientv3.OpPut(dirPrefix(op.Key), "", clientv3.WithLease(keyLease)))
		} else {
			g.ops = append(g.ops, clientv3.OpPut(op.Key, op.Value, clientv3.WithLease(keyLease)))
		}
		rev, t, ok, err := b.commitLeased(ctx, g, l)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		var n *v2api.Node
		if mkdir {
			n = &v2api.Node{Key: op.Key, Dir: true, ModifiedIndex: uint64(rev), CreatedIndex: uint64(rev)}
		} else {
			v := op.Value
			n = &v2api.Node{Key: op.Key, Value: &v, ModifiedIndex: uint64(rev), CreatedIndex: uint64(rev)}
			if isFile {
				n.CreatedIndex = uint64(s.file.CreateRevision)
			}
		}
		t.apply(ctx, n, int64(keyLease))
		ev := &v2api.Event{Action: action, Node: n}
		if isFile {
			ev.PrevNode = t.fileNode(ctx, s.file)
		}
		b.released(ctx, []*mvccpb.KeyValue{s.file}, keyLease, false)
		return eventResp(status, ev, rev), nil
	}
	return nil, errContention
}

// fastSet is a plain set (no TTL, not a directory) in one round trip
// when the tree is as this backend leaves it: every ancestor a directory
// with its marker, on no lease (so the key inherits none), and nothing
// below the key. The transaction asserts exactly that and puts the key,
// taking its previous version (for 200/201 and prevNode) from the put
// itself; otherwise it runs read's gets instead and returns their state,
// and put decides and commits as for any write (two round trips, as
// without this path). What the guard asserts is what the general path
// would have read and guarded, so the outcome is the same.
func (b *Backend) fastSet(ctx context.Context, op *backend.Op) (*backend.Response, *state, error) {
	anc := ancestors(op.Key)
	if 1+3*len(anc) > maxTxnOps {
		return nil, nil, nil
	}
	cmps := make([]clientv3.Cmp, 0, 1+3*len(anc))
	for _, a := range anc {
		cmps = append(cmps,
			clientv3.Compare(clientv3.CreateRevision(a), "=", 0),
			clientv3.Compare(clientv3.CreateRevision(a+"/"), ">", 0),
			clientv3.Compare(clientv3.LeaseValue(a+"/"), "=", clientv3.NoLease))
	}
	cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(dirPrefix(op.Key)), "=", 0).WithPrefix())
	r, err := b.cli.Txn(ctx).If(cmps...).
		Then(clientv3.OpPut(op.Key, op.Value, clientv3.WithPrevKV())).
		Else(readOps(op.Key, anc, readOpts{})...).Commit()
	if err != nil {
		return nil, nil, err
	}
	if !r.Succeeded {
		return nil, parseState(op.Key, anc, readOpts{}, r.Responses, r.Header.Revision), nil
	}
	rev := r.Header.Revision
	prev := r.Responses[0].GetResponsePut().GetPrevKv()
	v := op.Value
	n := &v2api.Node{Key: op.Key, Value: &v, ModifiedIndex: uint64(rev), CreatedIndex: uint64(rev)}
	ev := &v2api.Event{Action: v2api.ActionSet, Node: n}
	status := http.StatusCreated
	if prev != nil {
		status = http.StatusOK
		n.CreatedIndex = uint64(prev.CreateRevision)
		ev.PrevNode = b.newTTLs().fileNode(ctx, prev)
	}
	b.released(ctx, []*mvccpb.KeyValue{prev}, 0, false)
	return eventResp(status, ev, rev), nil, nil
}

// compareFailure is v2's cause of a failed compare-and-swap or
// compare-and-delete ("[prevValue != value] [prevIndex != modifiedIndex]",
// the failing parts only), or "" when kv matches.
func compareFailure(op *backend.Op, kv *mvccpb.KeyValue) string {
	valueOK := !op.HasPrevValue || string(kv.Value) == op.PrevValue
	indexOK := !op.HasPrevIndex || op.PrevIndex == 0 || uint64(kv.ModRevision) == op.PrevIndex
	switch {
	case valueOK && indexOK:
		return ""
	case !valueOK && !indexOK:
		return fmt.Sprintf("[%s != %s] [%d != %d]", op.PrevValue, kv.Value, op.PrevIndex, kv.ModRevision)
	case !valueOK:
		return fmt.Sprintf("[%s != %s]", op.PrevValue, kv.Value)
	}
	return fmt.Sprintf("[%d != %d]", op.PrevIndex, kv.ModRevision)
}

// prevValueRequired is v2's answer to an empty prevValue: it is refused
// before the store is asked, so its index is 0.
func prevValueRequired() *backend.Response {
	return errorResp(v2api.EcodePrevValueRequired, `"prevValue" cannot be empty`, 0)
}

// rootReadOnly answers a write of "/".
func (b *Backend) rootReadOnly(ctx context.Context) (*backend.Response, error) {
	rev, err := b.currentRev(ctx)
	if err != nil {
		return nil, err
	}
	return errorResp(v2api.EcodeRootROnly, "/", rev), nil
}

// currentRev reads the cluster's current revision (v2's current index).
func (b *Backend) currentRev(ctx context.Context) (int64, error) {
	r, err := b.cli.Get(ctx, "/", clientv3.WithCountOnly())
	if err != nil {
		return 0, err
	}
	return r.Header.Revision, nil
}
