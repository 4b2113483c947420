package fakebackend

import (
	"fmt"
	"net/http"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// Writes, with the rules of etcd's v2 store (server/etcdserver/api/v2store):
// which conditions are checked in which order, which error code each
// failure gets, and what the event shows.

// write carries out a key-space op other than Get and Watch; s.mu is held.
func (s *Store) write(op *backend.Op) *backend.Response {
	segs := segments(op.Key)
	if len(segs) == 0 {
		return s.fail(v2api.EcodeRootROnly, "/")
	}
	switch op.Kind {
	case backend.Set, backend.Create, backend.CreateInOrder:
		return s.create(op, segs)
	case backend.Update, backend.CompareAndSwap, backend.SetTTL:
		return s.update(op)
	case backend.Delete, backend.CompareAndDelete:
		return s.remove(op, segs)
	}
	return s.fail(v2api.EcodeInvalidField, op.Kind.String())
}

// parent returns the directory that holds segs, making the missing
// directories on the way; nil and the error answer when a file is in the
// way.
func (s *Store) parent(segs []string, index uint64) (*node, *backend.Response) {
	n := s.root
	for i, seg := range segs[:len(segs)-1] {
		c := n.children[seg]
		if c == nil {
			c = &node{key: join(segs[:i+1]), dir: true, children: map[string]*node{}, created: index, modified: index}
			n.children[seg] = c
		} else if !c.dir {
			return nil, s.fail(v2api.EcodeNotDir, c.key)
		}
		n = c
	}
	return n, nil
}

// create implements Set, Create and CreateInOrder.
func (s *Store) create(op *backend.Op, segs []string) *backend.Response {
	if op.Kind == backend.CreateInOrder {
		// The new file's name is the index that creates it.
		segs = append(append([]string(nil), segs...), fmt.Sprintf("%020d", s.index+1))
	}
	key := join(segs)
	if old := s.lookup(key); old != nil {
		if op.Kind == backend.Create {
			return s.fail(v2api.EcodeNodeExist, key)
		}
		if old.dir {
			return s.fail(v2api.EcodeNotFile, key)
		}
	}
	if n := s.lookup(join(segs[:len(segs)-1])); n != nil && !n.dir {
		return s.fail(v2api.EcodeNotDir, n.key)
	}
	next := s.index + 1
	dir, res := s.parent(segs, next)
	if res != nil {
		return res
	}
	s.index = next
	name := segs[len(segs)-1]
	var prev *v2api.Node
	if old := dir.children[name]; old != nil {
		prev = s.view(old, false, false)
	}
	n := &node{key: key, value: op.Value, dir: op.Dir, created: s.index, modified: s.index, expires: expiry(op.TTL, s.now())}
	if op.Dir {
		n.value, n.children = "", map[string]*node{}
	}
	dir.children[name] = n
	action := v2api.ActionCreate
	if op.Kind == backend.Set {
		action = v2api.ActionSet
	}
	ev := &v2api.Event{Action: action, Node: s.view(n, false, false), PrevNode: prev}
	s.record(key, ev)
	status := http.StatusCreated
	if prev != nil {
		status = http.StatusOK
	}
	return s.answer(status, ev)
}

// compareFailed is etcd's cause of a failed compare.
func compareFailed(op *backend.Op, n *node) string {
	valueBad := op.HasPrevValue && op.PrevValue != n.value
	indexBad := op.HasPrevIndex && op.PrevIndex != n.modified
	switch {
	case valueBad && indexBad:
		return fmt.Sprintf("[%v != %v] [%v != %v]", op.PrevValue, n.value, op.PrevIndex, n.modified)
	case valueBad:
		return fmt.Sprintf("[%v != %v]", op.PrevValue, n.value)
	case indexBad:
		return fmt.Sprintf("[%v != %v]", op.PrevIndex, n.modified)
	}
	return ""
}

// update implements Update, CompareAndSwap and SetTTL: the node must
// exist; its created index stays.
func (s *Store) update(op *backend.Op) *backend.Response {
	n, fail := s.find(op.Key)
	if n == nil {
		return fail
	}
	action := v2api.ActionUpdate
	switch op.Kind {
	case backend.CompareAndSwap:
		if n.dir {
			return s.fail(v2api.EcodeNotFile, op.Key)
		}
		if cause := compareFailed(op, n); cause != "" {
			return s.fail(v2api.EcodeTestFailed, cause)
		}
		action = v2api.ActionCompareAndSwap
	case backend.Update:
		if n.dir && op.HasValue {
			return s.fail(v2api.EcodeNotFile, op.Key)
		}
	case backend.SetTTL:
		// lua-etcd's setTTL writes a file back guarded by its value and
		// index: a compare-and-swap that always matches.
		if !n.dir {
			action = v2api.ActionCompareAndSwap
		}
	}
	prev := s.view(n, false, false)
	s.index++
	n.modified = s.index
	n.expires = expiry(op.TTL, s.now())
	if !n.dir && op.Kind != backend.SetTTL {
		n.value = op.Value
	}
	ev := &v2api.Event{Action: action, Node: s.view(n, false, false), PrevNode: prev}
	s.record(n.key, ev)
	return s.answer(http.StatusOK, ev)
}

// remove implements Delete and CompareAndDelete.
func (s *Store) remove(op *backend.Op, segs []string) *backend.Response {
	n, fail := s.find(op.Key)
	if n == nil {
		return fail
	}
	action := v2api.ActionDelete
	if op.Kind == backend.CompareAndDelete {
		if n.dir {
			return s.fail(v2api.EcodeNotFile, op.Key)
		}
		if cause := compareFailed(op, n); cause != "" {
			return s.fail(v2api.EcodeTestFailed, cause)
		}
		action = v2api.ActionCompareAndDelete
	} else if n.dir {
		if !op.Dir && !op.Recursive {
			return s.fail(v2api.EcodeNotFile, op.Key)
		}
		if len(n.children) > 0 && !op.Recursive {
			return s.fail(v2api.EcodeDirNotEmpty, op.Key)
		}
	}
	prev := s.view(n, false, false)
	parent := s.lookup(join(segs[:len(segs)-1]))
	delete(parent.children, segs[len(segs)-1])
	s.index++
	ev := &v2api.Event{Action: action,
		Node:     &v2api.Node{Key: n.key, Dir: n.dir, ModifiedIndex: s.index, CreatedIndex: n.created},
		PrevNode: prev}
	s.record(n.key, ev)
	return s.answer(http.StatusOK, ev)
}
