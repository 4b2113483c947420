// Package fakebackend is an in-memory backend.Backend on etcd's v2 model,
// for fast tests of the Lua layer (argument checks, values, entities)
// without a server. It keeps a v2 key space (files, directories, TTLs,
// indexes, an event history) and answers every key-space Op as etcd's v2
// API does, with its status codes, error codes, actions and node fields,
// built with package v2api. Tests that matter for behaviour also run
// against a real etcd; where the fake and etcd differ it is a bug of the
// fake.
//
// What it leaves out: the server kinds answer as a modern etcd without
// the 0.4 admin API (version, statsStore and a one-member machine list;
// the other stats and the admin config are 404); TTLs expire when the
// store is next used, not on a timer; watches see events of their key
// and, when recursive, of the keys below it.
package fakebackend

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// historySize is how many events a Store keeps for watches with an index,
// as etcd does.
const historySize = 1000

// Store is one v2 key space. It is a backend.Backend: give the same Store
// to every client that should see the same data. Safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	index   uint64
	root    *node
	history []recorded    // the last historySize events, oldest first
	changed chan struct{} // closed and replaced when an event is recorded
	now     func() time.Time
}

// node is a file or a directory of the key space.
type node struct {
	key               string // full path; "/" for the root
	value             string
	dir               bool
	children          map[string]*node
	created, modified uint64
	expires           time.Time // zero: no TTL
}

type recorded struct {
	index uint64
	key   string
	event *v2api.Event
}

var _ backend.Backend = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		root:    &node{key: "/", dir: true, children: map[string]*node{}},
		changed: make(chan struct{}),
		now:     time.Now,
	}
}

// Put writes value to the file key (normalized, absolute) as another tool
// would: the raw string, no TTL.
func (s *Store) Put(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	s.write(&backend.Op{Kind: backend.Set, Key: key, Value: value, HasValue: true, TTL: backend.NoTTL})
}

// InitFailover has nothing to look up: there is one member.
func (s *Store) InitFailover(context.Context) error { return nil }

// Do carries out op.
func (s *Store) Do(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op == nil {
		return nil, errNilOp
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch op.Kind {
	case backend.Watch:
		return s.watch(ctx, op)
	case backend.Version:
		return jsonAnswer(http.StatusOK, map[string]string{"etcdserver": "3.4.0-fake", "etcdcluster": "3.4.0"}), nil
	case backend.StatsStore:
		return jsonAnswer(http.StatusOK, map[string]uint64{"getsSuccess": 0, "setsSuccess": 0}), nil
	case backend.Machines:
		ms := []v2api.Machine{{Name: "fake", State: v2api.StateLeader}}
		if op.Name == "" {
			return jsonAnswer(http.StatusOK, ms), nil
		}
		if m := v2api.FindMachine(ms, op.Name); m != nil {
			return jsonAnswer(http.StatusOK, m), nil
		}
		e := v2api.MachineNotFound(op.Name)
		return jsonAnswer(e.Status(), e), nil
	}
	if !op.Kind.OnKeys() {
		return &backend.Response{
			Status: http.StatusNotFound,
			Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
			Body:   []byte("404 page not found\n"),
		}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if op.Kind == backend.Get {
		return s.get(op), nil
	}
	return s.write(op), nil
}

type fakeError string

func (e fakeError) Error() string { return string(e) }

const errNilOp = fakeError("nil operation")

func jsonAnswer(status int, v any) *backend.Response {
	return &backend.Response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: v2api.Marshal(v)}
}

// answer is a keys answer at the store's index.
func (s *Store) answer(status int, v any) *backend.Response {
	return &backend.Response{Status: status, Header: v2api.Header(s.index), Body: v2api.Marshal(v)}
}

func (s *Store) fail(code int, cause string) *backend.Response {
	e := v2api.NewError(code, cause, s.index)
	return s.answer(e.Status(), e)
}

// segments splits a key into its path segments.
func segments(key string) []string {
	var out []string
	for _, p := range strings.Split(key, "/") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func join(segs []string) string { return "/" + strings.Join(segs, "/") }

// lookup returns the node at key, or nil.
func (s *Store) lookup(key string) *node {
	n, _ := s.find(key)
	return n
}

// find returns the node at key, or nil and etcd's error: the first
// missing path (not found) or the file in the way (not a directory).
func (s *Store) find(key string) (*node, *backend.Response) {
	n := s.root
	segs := segments(key)
	for i, seg := range segs {
		if !n.dir {
			return nil, s.fail(v2api.EcodeNotDir, n.key)
		}
		c := n.children[seg]
		if c == nil {
			return nil, s.fail(v2api.EcodeKeyNotFound, join(segs[:i+1]))
		}
		n = c
	}
	return n, nil
}

// view is n as etcd shows it; a directory lists its children (their
// children too when recursive).
func (s *Store) view(n *node, withChildren, recursive bool) *v2api.Node {
	v := &v2api.Node{Dir: n.dir, ModifiedIndex: n.modified, CreatedIndex: n.created}
	if n != s.root {
		v.Key = n.key
	}
	if !n.dir {
		val := n.value
		v.Value = &val
	}
	if !n.expires.IsZero() {
		exp := n.expires.UTC()
		v.Expiration = &exp
		v.TTL = v2api.TTLOf(n.expires, s.now())
	}
	if n.dir && withChildren {
		names := make([]string, 0, len(n.children))
		for name := range n.children {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			v.Nodes = append(v.Nodes, s.view(n.children[name], recursive, recursive))
		}
	}
	return v
}

func (s *Store) get(op *backend.Op) *backend.Response {
	n, fail := s.find(op.Key)
	if n == nil {
		return fail
	}
	return s.answer(http.StatusOK, &v2api.Event{Action: v2api.ActionGet, Node: s.view(n, true, op.Recursive)})
}

// record makes ev the event of the store's current index.
func (s *Store) record(key string, ev *v2api.Event) {
	s.history = append(s.history, recorded{index: s.index, key: key, event: ev})
	if len(s.history) > historySize {
		s.history = append(s.history[:0], s.history[len(s.history)-historySize:]...)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// sweep removes the nodes whose TTL has run out, each with an expire
// event, as etcd's TTL loop would have.
func (s *Store) sweep() {
	now := s.now()
	var walk func(n *node)
	walk = func(n *node) {
		names := make([]string, 0, len(n.children))
		for name := range n.children {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			c := n.children[name]
			if !c.expires.IsZero() && !now.Before(c.expires) {
				prev := s.view(c, false, false)
				delete(n.children, name)
				s.index++
				s.record(c.key, &v2api.Event{Action: v2api.ActionExpire,
					Node:     &v2api.Node{Key: c.key, Dir: c.dir, ModifiedIndex: s.index, CreatedIndex: c.created},
					PrevNode: prev})
				continue
			}
			if c.dir {
				walk(c)
			}
		}
	}
	walk(s.root)
}

// expiry is when a node written with ttl at now expires.
func expiry(ttl int64, now time.Time) time.Time {
	if ttl < 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(ttl) * time.Second)
}
