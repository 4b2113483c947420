package v3backend

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// ttls looks the leases of one answer's nodes up, each once, and gives
// their v2 ttl and expiration.
type ttls struct {
	b   *Backend
	now time.Time
	m   map[int64]leaseTTL
}

type leaseTTL struct {
	ttl int64
	exp time.Time
	ok  bool
}

func (b *Backend) newTTLs() *ttls {
	return &ttls{b: b, now: time.Now(), m: map[int64]leaseTTL{}}
}

// fresh records a lease granted just now for granted seconds: v2 answers
// a write with the full TTL.
func (t *ttls) fresh(id clientv3.LeaseID, granted int64, at time.Time) {
	t.m[int64(id)] = leaseTTL{ttl: granted, exp: at.Add(time.Duration(granted) * time.Second), ok: true}
}

// get returns lease id's remaining time. v3 reports whole seconds rounded
// down, v2 rounds up, so a lease with r seconds left shows r+1 (at most
// the granted TTL). A lease that is gone (expired between the read and
// now) shows no TTL.
func (t *ttls) get(ctx context.Context, id int64) leaseTTL {
	if id == 0 {
		return leaseTTL{}
	}
	if l, ok := t.m[id]; ok {
		return l
	}
	var l leaseTTL
	r, err := t.b.cli.TimeToLive(ctx, clientv3.LeaseID(id))
	if err == nil && r.TTL >= 0 {
		ttl := r.TTL + 1
		if r.GrantedTTL > 0 && ttl > r.GrantedTTL {
			ttl = r.GrantedTTL
		}
		l = leaseTTL{ttl: ttl, exp: t.now.Add(time.Duration(ttl) * time.Second), ok: true}
	}
	t.m[id] = l
	return l
}

// apply sets n's ttl and expiration from lease.
func (t *ttls) apply(ctx context.Context, n *v2api.Node, lease int64) {
	if l := t.get(ctx, lease); l.ok {
		e := l.exp.UTC()
		n.TTL, n.Expiration = l.ttl, &e
	}
}

// fileNode is the v2 node of a file.
func (t *ttls) fileNode(ctx context.Context, kv *mvccpb.KeyValue) *v2api.Node {
	v := string(kv.Value)
	n := &v2api.Node{Key: string(kv.Key), Value: &v, ModifiedIndex: uint64(kv.ModRevision), CreatedIndex: uint64(kv.CreateRevision)}
	t.apply(ctx, n, kv.Lease)
	return n
}

// dirNode is the v2 node of the directory key, without children. Its
// indices and TTL are the marker's; an implied directory (no marker:
// written by another v3 client) has the create revision of its oldest
// key as both indices, since v2 would have created it with that key.
func (t *ttls) dirNode(ctx context.Context, key string, marker, oldest *mvccpb.KeyValue) *v2api.Node {
	n := &v2api.Node{Key: key, Dir: true}
	switch {
	case marker != nil:
		n.ModifiedIndex, n.CreatedIndex = uint64(marker.ModRevision), uint64(marker.CreateRevision)
		t.apply(ctx, n, marker.Lease)
	case oldest != nil:
		n.ModifiedIndex, n.CreatedIndex = uint64(oldest.CreateRevision), uint64(oldest.CreateRevision)
	}
	return n
}

// tnode is one v2 node while a listing is built from a flat v3 range.
type tnode struct {
	key      string
	file     *mvccpb.KeyValue
	marker   *mvccpb.KeyValue
	oldest   *mvccpb.KeyValue
	children map[string]*tnode
}

func (n *tnode) child(name string) *tnode {
	if n.children == nil {
		n.children = map[string]*tnode{}
	}
	c := n.children[name]
	if c == nil {
		k := n.key + "/" + name
		if n.key == "/" {
			k = "/" + name
		}
		c = &tnode{key: k}
		n.children[name] = c
	}
	return c
}

func (n *tnode) saw(kv *mvccpb.KeyValue) {
	if n.oldest == nil || kv.CreateRevision < n.oldest.CreateRevision {
		n.oldest = kv
	}
}

// tree arranges the keys below key (the range of dirPrefix(key)) as v2
// nodes. Hidden entries (a path segment below key starting with "_") are
// left out of the children, but still count for the directory's own
// indices.
func tree(key string, kvs []*mvccpb.KeyValue) *tnode {
	root := &tnode{key: key}
	p := dirPrefix(key)
	for _, kv := range kvs {
		root.saw(kv)
		rel := strings.TrimPrefix(string(kv.Key), p)
		if rel == "" {
			root.marker = kv
			continue
		}
		marker := strings.HasSuffix(rel, "/")
		segs := strings.Split(strings.TrimSuffix(rel, "/"), "/")
		hidden := false
		for _, s := range segs {
			if strings.HasPrefix(s, "_") || s == "" {
				hidden = true
			}
		}
		if hidden {
			continue
		}
		n := root
		for _, s := range segs {
			n = n.child(s)
			n.saw(kv)
		}
		if marker {
			n.marker = kv
		} else {
			n.file = kv
		}
	}
	return root
}

// nodes returns n's children as v2 nodes in key order (v2 lists in any
// order unless sorted is asked; sorting always is allowed), with their
// own children when recursive.
func (t *ttls) nodes(ctx context.Context, n *tnode, recursive bool) []*v2api.Node {
	if len(n.children) == 0 {
		return nil
	}
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]*v2api.Node, 0, len(names))
	for _, name := range names {
		c := n.children[name]
		if c.file != nil {
			// A file that also has keys below it (only another v3
			// client can make that) shows as the file.
			out = append(out, t.fileNode(ctx, c.file))
			continue
		}
		d := t.dirNode(ctx, c.key, c.marker, c.oldest)
		if recursive {
			d.Nodes = t.nodes(ctx, c, true)
		}
		out = append(out, d)
	}
	return out
}
