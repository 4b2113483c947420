package luaetcd_test

import (
	"context"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/internal/lintest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// Linearizability from Lua: 4 Lua states run testdata/v3proof/register.lua
// (get, set and setx with prevIndex on one key) against a 3-member etcd
// 3.7.3 cluster with the default API (auto: v3 there), while the test
// kills the leader and restarts it. Every call is logged through a Go
// function into one history, which porcupine checks against
// lintest.RegisterModel: every answer a script got is one a single
// register could have given, so no acknowledged write is lost and no read
// is stale. Calls without an answer (nil, err; 408; 5xx) are writes that
// may or may not have happened. After the run, one fresh state per member
// reads the key: all agree, and those reads are part of the history.
func TestLuaLinearizableWithLeaderKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	if h := lintest.CatchesViolations(); h != nil {
		t.Fatalf("the model accepts a violation: %+v", h)
	}
	cl := etcdtest.StartEtcd37Cluster(t, 3)
	const key = "/luaproof/register"
	start := time.Now()
	now := func() int64 { return int64(time.Since(start)) }

	var mu sync.Mutex
	var history []porcupine.Operation
	counts := map[string]int{}
	var v3ops atomic.Int64 // operations the v3 backend carried out
	var stopped sync.WaitGroup
	stop := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// state is a Lua state whose record() logs as client id.
	state := func(id int, opts *lua.LTable) *lua.LState {
		L := luaetcd.NewState(ctx, luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) {
			if i.Method == "Txn" || i.Method == "Range" {
				v3ops.Add(1)
			}
		}))
		t.Cleanup(L.Close)
		if opts == nil {
			opts = L.NewTable()
			eps := L.NewTable()
			for _, u := range cl.ClientURLs() {
				eps.Append(lua.LString(u))
			}
			opts.RawSetString("endpoints", eps)
		}
		opts.RawSetString("serializer", lua.LString("raw"))
		opts.RawSetString("timeout", lua.LNumber(2))
		L.SetGlobal("OPTS", opts)
		L.SetGlobal("KEY", lua.LString(key))
		L.SetGlobal("ID", lua.LNumber(id))
		L.SetGlobal("now", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LNumber(now()))
			return 1
		}))
		L.SetGlobal("running", L.NewFunction(func(L *lua.LState) int {
			select {
			case <-stop:
				L.Push(lua.LFalse)
			default:
				L.Push(lua.LTrue)
			}
			return 1
		}))
		L.SetGlobal("record", L.NewFunction(func(L *lua.LState) int {
			in := lintest.Input{Op: L.CheckString(1), Value: L.CheckString(2), Expected: L.CheckString(3)}
			call, ret := int64(L.CheckNumber(4)), int64(L.CheckNumber(5))
			var out lintest.Output
			switch outcome := L.CheckString(6); outcome {
			case "ok":
				out.OK, out.Value = true, L.CheckString(7)
			case "failed":
			case "unknown":
				out.Unknown, ret = true, math.MaxInt64
			default:
				L.ArgError(6, "unknown outcome "+outcome)
			}
			mu.Lock()
			history = append(history, porcupine.Operation{ClientId: id, Input: in, Call: call, Output: out, Return: ret})
			switch {
			case out.Unknown:
				counts["unknown"]++
			case in.Op == "cas" && !out.OK:
				counts["cas failed"]++
			default:
				counts[in.Op]++
			}
			mu.Unlock()
			return 0
		}))
		return L
	}

	const clients = 4
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		L := state(c, nil)
		stopped.Add(1)
		go func() {
			defer stopped.Done()
			if err := L.DoFile("testdata/v3proof/register.lua"); err != nil {
				errs <- err
			}
		}()
	}

	time.Sleep(2 * time.Second)
	leader := cl.Leader()
	if leader < 0 {
		close(stop)
		stopped.Wait()
		t.Fatal("no leader")
	}
	killed := time.Now()
	cl.Members[leader].Kill()
	newLeader, err := cl.WaitLeader(15 * time.Second)
	elected := time.Since(killed)
	if err != nil {
		close(stop)
		stopped.Wait()
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cl.Members[leader].Restart(); err != nil {
		close(stop)
		stopped.Wait()
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	close(stop)
	stopped.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// The restarted member catches up before the final reads.
	if _, err := cl.WaitLeader(15 * time.Second); err != nil {
		t.Fatal(err)
	}

	// Final reads, one per member, each through that member only.
	var finals []string
	for i, m := range cl.Members {
		L := luaetcd.NewState(ctx)
		o := L.NewTable()
		o.RawSetString("host", lua.LString(m.ClientURL))
		o.RawSetString("serializer", lua.LString("raw"))
		L.SetGlobal("OPTS", o)
		L.SetGlobal("KEY", lua.LString(key))
		call := now()
		if err := L.DoString(`local c = assert(require('etcd.luasocket').new(OPTS))
			local res = assert(c:get(KEY))
			assert(res.status == 200, 'final get answered ' .. res.status)
			FINAL = res.body.node.value`); err != nil {
			L.Close()
			t.Fatalf("member %d: %v", i, err)
		}
		v := L.GetGlobal("FINAL").String()
		L.Close()
		finals = append(finals, v)
		history = append(history, porcupine.Operation{ClientId: 100 + i, Input: lintest.Input{Op: "get"},
			Call: call, Output: lintest.Output{OK: true, Value: v}, Return: now()})
	}
	for _, v := range finals[1:] {
		if v != finals[0] {
			t.Fatalf("members disagree on the final value: %q", finals)
		}
	}

	if v3ops.Load() == 0 {
		t.Fatal("the default API did not choose v3 on etcd 3.7.3")
	}
	acked := counts["get"] + counts["set"] + counts["cas"] + counts["cas failed"]
	t.Logf("%d operations in %v: %d acknowledged (%d get, %d set, %d cas swapped, %d cas refused), %d without an answer; "+
		"leader %d killed, member %d leader after %v; final value %q on all %d members",
		len(history)-len(finals), time.Since(start).Round(time.Millisecond), acked, counts["get"], counts["set"], counts["cas"],
		counts["cas failed"], counts["unknown"], leader, newLeader, elected.Round(time.Millisecond), finals[0], len(finals))
	if counts["set"]+counts["cas"] < 20 || counts["get"] < 20 {
		t.Fatalf("too few operations to say anything: %v", counts)
	}
	model := lintest.RegisterModel.ToModel()
	res, info := porcupine.CheckOperationsVerbose(model, history, 60*time.Second)
	if res != porcupine.Ok {
		if f, err := os.CreateTemp("", "luaetcd-linearizability-*.html"); err == nil {
			porcupine.Visualize(model, info, f)
			f.Close()
			t.Logf("porcupine's view of the history: %s", f.Name())
		}
		t.Fatalf("history not linearizable: %v", res)
	}

	// The same check refuses this history once one acknowledged read is
	// made to return a value that was never written: the check of this
	// very history can fail.
	bad := append([]porcupine.Operation(nil), history...)
	for i := range bad {
		if in := bad[i].Input.(lintest.Input); in.Op == "get" {
			bad[i].Output = lintest.Output{OK: true, Value: "never written"}
			break
		}
	}
	if res := porcupine.CheckOperationsTimeout(model, bad, 20*time.Second); res != porcupine.Illegal {
		t.Fatalf("a read of a value never written was not refused: %v", res)
	}
}
