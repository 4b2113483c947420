package v3backend

import (
	"context"
	"fmt"
	"net/http"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// createInOrder answers CreateInOrder (push). v2 names the new key by the
// store index of the write, 20 digits zero-padded. Here the name is the
// revision after the one read (rev+1), and the transaction commits only
// if no key of the directory sorts at or after that name ("no greater
// in-order name exists"). So:
//
//   - names are unique and increase in commit order: a name is never
//     above the revision it commits at, every later push reads a later
//     revision and picks a greater name, and a push that lost a race to a
//     greater name fails its guard and tries again with a new one;
//   - the name equals the key's createdIndex when no other write reached
//     the cluster between the read and the commit (the usual case), and
//     is lower otherwise.
//
// The directory (and its parents) get markers if they have none, in the
// same transaction, as v2 creates them.
func (b *Backend) createInOrder(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	l, err := b.leaseFor(ctx, op.TTL)
	if err != nil {
		return nil, err
	}
	defer b.done(l)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		s, err := b.read(ctx, op.Key, readOpts{markerOnly: true})
		if err != nil {
			return nil, err
		}
		if a := s.fileAncestor(); a != "" {
			return errorResp(v2api.EcodeNotDir, a, s.rev), nil
		}
		if s.file != nil {
			return errorResp(v2api.EcodeNotDir, op.Key, s.rev), nil
		}
		name := fmt.Sprintf("%020d", s.rev+1)
		p := dirPrefix(op.Key)
		key := p + name
		dirLease := s.inheritedLease()
		if m := s.marker(); m != nil && m.Lease != 0 {
			dirLease = clientv3.LeaseID(m.Lease)
		}
		keyLease := l.id
		if keyLease == 0 {
			keyLease = dirLease
		}
		g := &guard{}
		g.parents(s)
		g.keyUnchanged(op.Key, nil)
		if op.Key != "/" {
			m := s.marker()
			g.keyUnchanged(p, m)
			if m == nil {
				g.ops = append(g.ops, clientv3.OpPut(p, "", clientv3.WithLease(s.inheritedLease())))
			}
		}
		// Nothing at or after the name: digits sort before ':'.
		g.cmps = append(g.cmps, clientv3.Compare(clientv3.CreateRevision(key), "=", 0).WithRange(p+":"))
		g.ops = append(g.ops, clientv3.OpPut(key, op.Value, clientv3.WithLease(keyLease)))
		rev, t, ok, err := b.commitLeased(ctx, g, l)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		v := op.Value
		n := &v2api.Node{Key: key, Value: &v, ModifiedIndex: uint64(rev), CreatedIndex: uint64(rev)}
		t.apply(ctx, n, int64(keyLease))
		return eventResp(http.StatusCreated, &v2api.Event{Action: v2api.ActionCreate, Node: n}, rev), nil
	}
	return nil, errContention
}
