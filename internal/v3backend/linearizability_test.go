package v3backend

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/internal/lintest"
)

// The history of concurrent gets, sets and compare-and-swaps through the
// backend on a 3-member etcd 3.7.3 cluster, whose leader is killed and
// restarted in the middle, is linearizable (checked with porcupine, as
// etcd's own robustness tests do): every answer a client got is one a
// single register could have given, so no acknowledged write is lost and
// no read is stale. A write that failed or timed out may or may not have
// happened; a failed read is left out.

func TestLinearizableWithLeaderKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	cl := etcdtest.StartEtcd37Cluster(t, 3)
	var urls []string
	for _, m := range cl.Members {
		urls = append(urls, m.ClientURL)
	}
	key := "/lin/register"
	start := time.Now()
	now := func() int64 { return int64(time.Since(start)) }
	var mu sync.Mutex
	var history []porcupine.Operation
	acked := map[string]int{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for c := 0; c < 4; c++ {
		b, err := New(Config{Endpoints: urls})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(int64(c)))
			last := ""
			for seq := 0; ; seq++ {
				select {
				case <-stop:
					return
				default:
				}
				in := lintest.Input{Op: "get"}
				op := backend.Op{Kind: backend.Get, Key: key, Timeout: 2 * time.Second, TTL: backend.NoTTL}
				switch r := rnd.Intn(10); {
				case r < 3:
					in = lintest.Input{Op: "set", Value: fmt.Sprintf("c%d-%d", c, seq)}
					op = set(key, in.Value)
					op.Timeout = 2 * time.Second
				case r < 7:
					in = lintest.Input{Op: "cas", Value: fmt.Sprintf("c%d-%d", c, seq), Expected: last}
					op = withValue(prevValue(opOf(backend.CompareAndSwap, key), last), in.Value)
					op.Timeout = 2 * time.Second
					if last == "" {
						in.Op, op.Kind = "set", backend.Set
					}
				}
				call := now()
				r, err := b.Do(context.Background(), &op)
				ret := now()
				var out lintest.Output
				switch {
				case err != nil || r.TimedOut || r.Status >= 500:
					if in.Op == "get" {
						continue // a failed read changes nothing
					}
					out.Unknown, ret = true, math.MaxInt64
				case in.Op == "get":
					if r.Status == 200 {
						out.Value = *decode(t, r.Status, r.Header, r.Body).Event.Node.Value
					} else if r.Status != 404 {
						t.Errorf("get answered %d %s", r.Status, r.Body)
						return
					}
					last = out.Value
				case in.Op == "set":
					if r.Status != 200 && r.Status != 201 {
						t.Errorf("set answered %d %s", r.Status, r.Body)
						return
					}
					last = in.Value
				default:
					out.OK = r.Status == 200
					if !out.OK && r.Status != 412 {
						t.Errorf("cas answered %d %s", r.Status, r.Body)
						return
					}
					if out.OK {
						last = in.Value
					}
				}
				mu.Lock()
				history = append(history, porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret})
				if !out.Unknown {
					acked[in.Op]++
				}
				mu.Unlock()
			}
		}(c)
	}
	time.Sleep(1500 * time.Millisecond)
	leader := cl.Leader()
	if leader < 0 {
		t.Fatal("no leader")
	}
	cl.Members[leader].Kill()
	time.Sleep(1500 * time.Millisecond)
	if err := cl.Members[leader].Restart(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()
	unknown := len(history) - acked["get"] - acked["set"] - acked["cas"]
	t.Logf("%d operations: %v acknowledged, %d without an answer", len(history), acked, unknown)
	if acked["set"]+acked["cas"] < 20 || acked["get"] < 20 {
		t.Fatalf("too few operations to say anything: %v", acked)
	}
	res := porcupine.CheckOperationsTimeout(lintest.RegisterModel.ToModel(), history, 60*time.Second)
	if res != porcupine.Ok {
		t.Fatalf("history not linearizable: %v", res)
	}
}

// The model refuses a lost write and a stale read, so the check above
// can fail.
func TestRegisterModelCatchesViolations(t *testing.T) {
	if h := lintest.CatchesViolations(); h != nil {
		t.Fatalf("accepted %+v", h)
	}
}
