package luaetcd_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// The concurrency proofs of the v3 backend, made from Lua: N Lua states,
// one per goroutine as a host runs them, each with its own client, on one
// counter and one in-order directory. They run against etcd 3.7.3 with the
// default API (auto, which must choose v3 there), and against the embedded
// 3.5 with api = 'v3' and with api = 'v2', so both backends are held to
// the same outcome.

// proofTarget is one etcd and API the proofs run on.
type proofTarget struct {
	name, url string
	api       string // "" leaves Etcd.new's api option out (auto)
}

func proofTargets(t *testing.T) []proofTarget {
	var ts []proofTarget
	for _, tg := range targets {
		switch tg.name {
		case "etcd3.7":
			ts = append(ts, proofTarget{"etcd3.7-auto", tg.clientURL, ""})
		case "etcd3.5":
			ts = append(ts,
				proofTarget{"etcd3.5-v3", tg.clientURL, luaetcd.APIv3},
				proofTarget{"etcd3.5-v2", tg.clientURL, luaetcd.APIv2})
		}
	}
	if len(ts) < 3 {
		t.Logf("etcd 3.7.3 not available: only the embedded 3.5 (%d targets)", len(ts))
	}
	return ts
}

// proofState is a Lua state whose OPTS reach pt, with globals set. Its
// hook counts the v3 transactions its clients commit (Method "Txn"), which
// tells which backend served it.
func proofState(t *testing.T, pt proofTarget, txns *atomic.Int64, globals map[string]lua.LValue) *lua.LState {
	L := luaetcd.NewState(context.Background(), luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) {
		if i.Method == "Txn" {
			txns.Add(1)
		}
	}))
	t.Cleanup(L.Close)
	o := L.NewTable()
	o.RawSetString("host", lua.LString(pt.url))
	if pt.api != "" {
		o.RawSetString("api", lua.LString(pt.api))
	}
	L.SetGlobal("OPTS", o)
	for k, v := range globals {
		L.SetGlobal(k, v)
	}
	return L
}

// runStates runs script in n states at once (state i gets ID = i) and
// returns the first error.
func runStates(t *testing.T, n int, script string, state func(i int) *lua.LState) ([]*lua.LState, error) {
	states := make([]*lua.LState, n)
	for i := range states {
		states[i] = state(i)
		states[i].SetGlobal("ID", lua.LNumber(i))
	}
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, L := range states {
		wg.Add(1)
		go func(L *lua.LState) {
			defer wg.Done()
			if err := L.DoFile(script); err != nil {
				errs <- err
			}
		}(L)
	}
	wg.Wait()
	close(errs)
	return states, <-errs
}

// checkBackend fails unless the states were served by the API the target
// expects: v3 transactions for v3 and auto on 3.7 (no v2 API there), none
// for v2.
func checkBackend(t *testing.T, pt proofTarget, txns int64) {
	t.Helper()
	if wantV3 := pt.api != luaetcd.APIv2; wantV3 != (txns > 0) {
		t.Fatalf("%s: %d v3 transactions: not served by the expected API", pt.name, txns)
	}
}

// N Lua states increment one counter M times each with get and setx on
// the modifiedIndex read, retrying on 412 / errorCode 101: the final
// value is N×M, no increment lost.
func TestLuaConcurrentCAS(t *testing.T) {
	const n, m = 8, 25
	for _, pt := range proofTargets(t) {
		t.Run(pt.name, func(t *testing.T) {
			key := fmt.Sprintf("/luaproof/%s/counter", pt.name)
			var txns atomic.Int64
			globals := map[string]lua.LValue{"KEY": lua.LString(key), "M": lua.LNumber(m)}
			L := proofState(t, pt, &txns, globals)
			if err := L.DoString(`local c = assert(require('etcd.luasocket').new(OPTS))
				assert(c:set(KEY, 0).status < 300)`); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			states, err := runStates(t, n, "testdata/v3proof/counter.lua", func(int) *lua.LState {
				return proofState(t, pt, &txns, globals)
			})
			if err != nil {
				t.Fatal(err)
			}
			retries := 0
			for _, s := range states {
				retries += int(lua.LVAsNumber(s.GetGlobal("RETRIES")))
			}
			if err := L.DoString(`local c = assert(require('etcd.luasocket').new(OPTS))
				FINAL = c:get(KEY).body.node.value`); err != nil {
				t.Fatal(err)
			}
			if got := L.GetGlobal("FINAL"); got != lua.LNumber(n*m) {
				t.Fatalf("counter %v after %d×%d increments", got, n, m)
			}
			checkBackend(t, pt, txns.Load())
			t.Logf("%s: %d×%d increments = %d in %v, %d swaps lost a race and were retried",
				pt.name, n, m, n*m, time.Since(start).Round(time.Millisecond), retries)
		})
	}
}

// N Lua states push M in-order keys each into one directory: every push
// is created, names are unique and increase in commit order (each state's
// own pushes too), and readdir shows them all.
func TestLuaConcurrentPushOrder(t *testing.T) {
	const n, m = 8, 20
	for _, pt := range proofTargets(t) {
		t.Run(pt.name, func(t *testing.T) {
			var txns atomic.Int64
			globals := map[string]lua.LValue{
				"DIR": lua.LString(fmt.Sprintf("/luaproof/%s/queue", pt.name)),
				"N":   lua.LNumber(n), "M": lua.LNumber(m),
			}
			if _, err := runStates(t, n, "testdata/v3proof/pusher.lua", func(int) *lua.LState {
				return proofState(t, pt, &txns, globals)
			}); err != nil {
				t.Fatal(err)
			}
			L := proofState(t, pt, &txns, globals)
			if err := L.DoFile("testdata/v3proof/pushcheck.lua"); err != nil {
				t.Fatal(err)
			}
			checkBackend(t, pt, txns.Load())
			t.Logf("%s: %d pushes, %v names equal their createdIndex", pt.name, n*m, L.GetGlobal("EQUAL"))
		})
	}
}
