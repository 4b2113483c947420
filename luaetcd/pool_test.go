package luaetcd_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// Many goroutines run scripts through one pool: every write lands, states
// are reused, and no state is used by two goroutines at once (the race
// detector would see it).
func TestPoolConcurrent(t *testing.T) {
	pool := luaetcd.NewPool(4, luaetcd.WithEndpoints(etcdServer.ClientURL), luaetcd.WithPrefix("/test/pool"))
	defer pool.Close()

	const workers, runs = 8, 25
	states := sync.Map{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*runs)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < runs; i++ {
				errs <- pool.Do(context.Background(), func(L *lua.LState) error {
					states.Store(L, true)
					L.SetGlobal("W", lua.LNumber(w))
					L.SetGlobal("I", lua.LNumber(i))
					return L.DoString(`
						local cli = require('etcd.luasocket').new()
						local ent, err = cli:set('/w' .. W .. '/i' .. I, { w = W, i = I })
						assert(ent and ent.status == 201, err)
					`)
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	states.Range(func(_, _ any) bool { n++; return true })
	if n > workers {
		t.Errorf("%d states built for %d workers: not reused", n, workers)
	}

	// Every acknowledged write is there.
	L := luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(etcdServer.ClientURL), luaetcd.WithPrefix("/test/pool"))
	defer L.Close()
	for w := 0; w < workers; w++ {
		err := L.DoString(fmt.Sprintf(`
			local ent = assert(require('etcd.luasocket').new():readdir('/w%d'))
			assert(ent.status == 200 and #ent.body.node.nodes == %d, 'writes of worker %d: ' .. #ent.body.node.nodes)
		`, w, runs, w))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A state whose context was cancelled is not handed out again.
func TestPoolDropsCancelledStates(t *testing.T) {
	pool := luaetcd.NewPool(2)
	defer pool.Close()
	ctx, cancel := context.WithCancel(context.Background())
	L := pool.Get(ctx)
	cancel()
	pool.Put(L)
	L2 := pool.Get(context.Background())
	defer pool.Put(L2)
	if L2 == L {
		t.Fatal("cancelled state reused")
	}
	if err := L2.DoString(`assert(require('etcd.luasocket'))`); err != nil {
		t.Fatal(err)
	}
}
