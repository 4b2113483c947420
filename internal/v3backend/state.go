package v3backend

import (
	"context"
	"errors"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// maxTxnOps is etcd's default limit of operations in one transaction
// (--max-txn-ops).
const maxTxnOps = 128

// state is what one key looks like at one revision, read in one
// transaction: the key as a file, as a directory, and its ancestors. A
// write decides on it and then commits only if the parts it relied on
// are unchanged (optimistic concurrency: see guard and the write loops).
type state struct {
	key string
	rev int64 // the revision read at: v2's current index
	// file is the v3 key itself, when it exists.
	file *mvccpb.KeyValue
	// below holds up to two of the keys under the directory prefix (the
	// marker sorts first), enough to tell "absent", "only the marker" and
	// "has children"; all of them when the read asked for the subtree.
	below []*mvccpb.KeyValue
	// oldest is the key below with the lowest create revision (for an
	// implied directory's indices), when asked for.
	oldest *mvccpb.KeyValue
	anc    []ancestor
}

// ancestor is one directory above the key: its file (a conflict: v2's
// "Not a directory"), its marker, and whether anything is below it.
// exists is known from the read only when the marker is there; for an
// ancestor without one it is learnt by probeAncestors, which only v2's
// "Key not found" needs (its cause names the outermost missing one).
type ancestor struct {
	key          string
	file, marker *mvccpb.KeyValue
	exists       bool
}

// readOpts says what read fetches beyond the key itself.
type readOpts struct {
	subtree bool // all keys below, not just two
	oldest  bool // the oldest key below
	// markerOnly reads of the directory only its marker (below holds it
	// or nothing), by exact key: for push, which needs nothing else of
	// the directory, and whose directory (a queue) may hold many keys,
	// every one of which a prefix range makes the server visit.
	markerOnly bool
}

// read reads key's state in one linearizable transaction.
func (b *Backend) read(ctx context.Context, key string, o readOpts) (*state, error) {
	anc := ancestors(key)
	if 3+2*len(anc) > maxTxnOps {
		return nil, &limitError{"key has too many levels for one transaction"}
	}
	ops := readOps(key, anc, o)
	r, err := b.cli.Txn(ctx).Then(ops...).Commit()
	if errors.Is(err, rpctypes.ErrPermissionDenied) && len(anc) > 0 {
		// A v3 user whose role covers "/app/" but not the key "/app"
		// may still use the keys: read without the ancestors, whose
		// checks (Not a directory, parent markers) are then skipped.
		ops = ops[:len(ops)-2*len(anc)]
		anc = nil
		r, err = b.cli.Txn(ctx).Then(ops...).Commit()
	}
	if err != nil {
		return nil, err
	}
	return parseState(key, anc, o, r.Responses, r.Header.Revision), nil
}

// readOps are the gets of read: the key, its directory prefix as o says,
// and each ancestor's file and marker.
func readOps(key string, anc []string, o readOpts) []clientv3.Op {
	p := dirPrefix(key)
	ops := make([]clientv3.Op, 0, 3+2*len(anc))
	ops = append(ops, clientv3.OpGet(key))
	switch {
	case o.subtree:
		ops = append(ops, clientv3.OpGet(p, clientv3.WithPrefix()))
	case o.markerOnly:
		ops = append(ops, clientv3.OpGet(p))
	default:
		ops = append(ops, clientv3.OpGet(p, clientv3.WithPrefix(), clientv3.WithLimit(2)))
	}
	if o.oldest {
		ops = append(ops, clientv3.OpGet(p, clientv3.WithPrefix(), clientv3.WithLimit(1),
			clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend)))
	}
	// Each ancestor's file and marker, by exact key: a prefix range would
	// do as well for the marker but costs the server a visit of every key
	// below the ancestor (etcd counts a range's total whatever its limit),
	// so a write next to a large directory would cost as much as reading it.
	for _, a := range anc {
		ops = append(ops, clientv3.OpGet(a), clientv3.OpGet(a+"/"))
	}
	return ops
}

// parseState makes the state of the answers to readOps(key, anc, o), read
// at revision rev.
func parseState(key string, anc []string, o readOpts, rs []*pb.ResponseOp, rev int64) *state {
	s := &state{key: key, rev: rev}
	if key != "/" {
		s.file = first(rs[0])
	}
	s.below = rs[1].GetResponseRange().Kvs
	i := 2
	if o.oldest {
		s.oldest = first(rs[2])
		i++
	}
	for _, a := range anc {
		an := ancestor{key: a, file: first(rs[i]), marker: first(rs[i+1])}
		an.exists = an.marker != nil
		s.anc = append(s.anc, an)
		i += 2
	}
	return s
}

// probeAncestors learns, for the ancestors without a marker and not
// files, whether anything is below them (a directory another v3 client
// made without markers), at the revision s was read at so that the state
// stays one snapshot; at the current revision if that one was compacted
// meanwhile.
func (b *Backend) probeAncestors(ctx context.Context, s *state) error {
	var idx []int
	var at, now []clientv3.Op
	for i, a := range s.anc {
		if a.marker != nil || a.file != nil {
			continue
		}
		idx = append(idx, i)
		opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithLimit(1), clientv3.WithKeysOnly()}
		now = append(now, clientv3.OpGet(a.key+"/", opts...))
		at = append(at, clientv3.OpGet(a.key+"/", append(opts, clientv3.WithRev(s.rev))...))
	}
	if len(idx) == 0 {
		return nil
	}
	r, err := b.cli.Txn(ctx).Then(at...).Commit()
	if errors.Is(err, rpctypes.ErrCompacted) {
		r, err = b.cli.Txn(ctx).Then(now...).Commit()
	}
	if err != nil {
		return err
	}
	for j, i := range idx {
		s.anc[i].exists = first(r.Responses[j]) != nil
	}
	return nil
}

// notFound is v2's "Key not found" for s's key, its cause the outermost
// missing directory on the path (missing), which may need the ancestors
// probed.
func (b *Backend) notFound(ctx context.Context, s *state) (*backend.Response, error) {
	if err := b.probeAncestors(ctx, s); err != nil {
		return nil, err
	}
	return errorResp(v2api.EcodeKeyNotFound, s.missing(), s.rev), nil
}

func first(r *pb.ResponseOp) *mvccpb.KeyValue {
	if kvs := r.GetResponseRange().Kvs; len(kvs) > 0 {
		return kvs[0]
	}
	return nil
}

// isDir reports whether key is a directory: the root, or anything below
// its prefix (the marker or a child).
func (s *state) isDir() bool { return s.key == "/" || len(s.below) > 0 }

// marker is the key's directory marker, when it has one.
func (s *state) marker() *mvccpb.KeyValue {
	if len(s.below) > 0 && string(s.below[0].Key) == dirPrefix(s.key) && s.key != "/" {
		return s.below[0]
	}
	return nil
}

// hasChildren reports whether the directory holds anything besides its
// marker (hidden keys count, as in v2's "Directory not empty").
func (s *state) hasChildren() bool {
	for _, kv := range s.below {
		if string(kv.Key) != dirPrefix(s.key) {
			return true
		}
	}
	return false
}

// fileAncestor is the outermost ancestor that is a file ("" if none):
// v2 walks from the root and reports the first one as "Not a directory".
func (s *state) fileAncestor() string {
	for _, a := range s.anc {
		if a.file != nil {
			return a.key
		}
	}
	return ""
}

// missing is the cause of v2's "Key not found" for the key: the
// outermost missing directory on its path, else the key itself. It needs
// the ancestors probed (notFound does so).
func (s *state) missing() string {
	for _, a := range s.anc {
		if !a.exists && a.file == nil {
			return a.key
		}
	}
	return s.key
}

// inheritedLease is the lease a key written below the ancestors without
// a TTL of its own attaches to: the innermost ancestor directory's lease
// (a TTL directory takes its subtree along when it expires).
func (s *state) inheritedLease() clientv3.LeaseID {
	var l int64
	for _, a := range s.anc {
		if a.marker != nil && a.marker.Lease != 0 {
			l = a.marker.Lease
		}
	}
	return clientv3.LeaseID(l)
}

// guard collects a write's conditions and operations.
type guard struct {
	cmps []clientv3.Cmp
	ops  []clientv3.Op
}

// keyUnchanged: the key is still absent, or still at the revision read.
func (g *guard) keyUnchanged(key string, kv *mvccpb.KeyValue) {
	if kv == nil {
		g.cmps = append(g.cmps, clientv3.Compare(clientv3.CreateRevision(key), "=", 0))
	} else {
		g.cmps = append(g.cmps, clientv3.Compare(clientv3.ModRevision(key), "=", kv.ModRevision))
	}
}

// noDir: nothing exists below key's prefix.
func (g *guard) noDir(key string) {
	g.cmps = append(g.cmps, clientv3.Compare(clientv3.CreateRevision(dirPrefix(key)), "=", 0).WithPrefix())
}

// noChildren: nothing exists below key's prefix but the marker (a range
// compare over no key compares a zero key, so "= 0" holds exactly when
// the range is empty).
func (g *guard) noChildren(key string) {
	p := dirPrefix(key)
	g.cmps = append(g.cmps, clientv3.Compare(clientv3.CreateRevision(p+"\x00"), "=", 0).WithRange(prefixEnd(p)))
}

// parents keeps the ancestors as read: none became a file, and each
// marker is unchanged; an ancestor without a marker gets one (v2 creates
// the parent directories of a key, and they outlive their children), on
// the lease it inherits.
func (g *guard) parents(s *state) {
	var lease int64
	for _, a := range s.anc {
		g.cmps = append(g.cmps, clientv3.Compare(clientv3.CreateRevision(a.key), "=", 0))
		g.keyUnchanged(a.key+"/", a.marker)
		if a.marker == nil {
			g.ops = append(g.ops, clientv3.OpPut(a.key+"/", "", clientv3.WithLease(clientv3.LeaseID(lease))))
		} else if a.marker.Lease != 0 {
			lease = a.marker.Lease
		}
	}
}

func (g *guard) commit(ctx context.Context, b *Backend) (*clientv3.TxnResponse, error) {
	if len(g.cmps) > maxTxnOps || len(g.ops) > maxTxnOps {
		return nil, &limitError{"operation too large for one transaction"}
	}
	return b.cli.Txn(ctx).If(g.cmps...).Then(g.ops...).Commit()
}
