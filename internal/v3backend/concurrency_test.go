package v3backend

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// N clients increment one counter M times each with read and
// compare-and-swap on the index read, retrying on 412: the final value is
// N×M, nothing lost.
func TestConcurrentCAS(t *testing.T) {
	const n, m = 8, 25
	p := prefix(t)
	b0 := newBackend(t)
	do(t, b0, set(p+"/counter", "0"))
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		b := newBackend(t) // one per Lua state; they share the connection
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < m; {
				g, err := b.Do(context.Background(), ptr(opOf(backend.Get, p+"/counter")))
				if err != nil {
					errs <- err.Error()
					return
				}
				a := decode(t, g.Status, g.Header, g.Body)
				v, _ := strconv.Atoi(*a.Event.Node.Value)
				op := withValue(opOf(backend.CompareAndSwap, p+"/counter"), strconv.Itoa(v+1))
				op = prevIndex(op, a.Event.Node.ModifiedIndex)
				r, err := b.Do(context.Background(), &op)
				if err != nil {
					errs <- err.Error()
					return
				}
				switch r.Status {
				case 200:
					done++
				case 412:
				default:
					errs <- string(r.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	a := do(t, b0, opOf(backend.Get, p+"/counter"))
	if *a.Event.Node.Value != strconv.Itoa(n*m) {
		t.Fatalf("counter %s, want %d", *a.Event.Node.Value, n*m)
	}
}

// Concurrent pushes into one directory: every key is created, names are
// unique, and name order is commit (createdIndex) order.
func TestConcurrentPushOrder(t *testing.T) {
	const n, m = 8, 20
	p := prefix(t)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		b := newBackend(t)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < m; j++ {
				r, err := b.Do(context.Background(), ptr(withValue(opOf(backend.CreateInOrder, p+"/q"), strconv.Itoa(i))))
				if err != nil || r.Status != 201 {
					t.Errorf("push: %v %v", r, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	a := mustStatus(t, do(t, newBackend(t), backend.Op{Kind: backend.Get, Key: p + "/q", Sorted: true}), 200)
	nodes := a.Event.Node.Nodes
	if len(nodes) != n*m {
		t.Fatalf("%d keys after %d pushes", len(nodes), n*m)
	}
	byIndex := append(nodes[:0:0], nodes...)
	sort.Slice(byIndex, func(i, j int) bool { return byIndex[i].CreatedIndex < byIndex[j].CreatedIndex })
	equal := 0
	for i := range nodes {
		if nodes[i].Key != byIndex[i].Key {
			t.Fatalf("name order differs from commit order at %d: %s vs %s", i, nodes[i].Key, byIndex[i].Key)
		}
		if i > 0 && nodes[i].Key == nodes[i-1].Key {
			t.Fatalf("duplicate name %s", nodes[i].Key)
		}
		if nodes[i].Key[len(nodes[i].Key)-20:] == pad(nodes[i].CreatedIndex) {
			equal++
		}
	}
	t.Logf("%d of %d names equal their createdIndex", equal, len(nodes))
}

func pad(i uint64) string {
	s := strconv.FormatUint(i, 10)
	for len(s) < 20 {
		s = "0" + s
	}
	return s
}
