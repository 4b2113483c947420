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
)

// The history of concurrent gets, sets and compare-and-swaps through the
// backend on a 3-member etcd 3.7.3 cluster, whose leader is killed and
// restarted in the middle, is linearizable (checked with porcupine, as
// etcd's own robustness tests do): every answer a client got is one a
// single register could have given, so no acknowledged write is lost and
// no read is stale. A write that failed or timed out may or may not have
// happened; a failed read is left out.

type regInput struct {
	op       string // get, set, cas
	value    string // set, cas: the new value
	expected string // cas: prevValue
}

type regOutput struct {
	value   string // get: the value read ("" for none)
	ok      bool   // cas: swapped
	unknown bool   // set, cas: no answer
}

var registerModel = porcupine.NondeterministicModel{
	Init: func() []any { return []any{""} },
	Step: func(state, input, output any) []any {
		st, in, out := state.(string), input.(regInput), output.(regOutput)
		switch in.op {
		case "get":
			if out.value == st {
				return []any{st}
			}
			return nil
		case "set":
			if out.unknown {
				return []any{st, in.value}
			}
			return []any{in.value}
		}
		match := st == in.expected
		switch {
		case out.unknown && match:
			return []any{st, in.value}
		case out.unknown:
			return []any{st}
		case out.ok && match:
			return []any{in.value}
		case !out.ok && !match:
			return []any{st}
		}
		return nil
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(regInput), output.(regOutput)
		return fmt.Sprintf("%s(%q, %q) -> %+v", in.op, in.value, in.expected, out)
	},
}

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
				in := regInput{op: "get"}
				op := backend.Op{Kind: backend.Get, Key: key, Timeout: 2 * time.Second, TTL: backend.NoTTL}
				switch r := rnd.Intn(10); {
				case r < 3:
					in = regInput{op: "set", value: fmt.Sprintf("c%d-%d", c, seq)}
					op = set(key, in.value)
					op.Timeout = 2 * time.Second
				case r < 7:
					in = regInput{op: "cas", value: fmt.Sprintf("c%d-%d", c, seq), expected: last}
					op = withValue(prevValue(opOf(backend.CompareAndSwap, key), last), in.value)
					op.Timeout = 2 * time.Second
					if last == "" {
						in.op, op.Kind = "set", backend.Set
					}
				}
				call := now()
				r, err := b.Do(context.Background(), &op)
				ret := now()
				var out regOutput
				switch {
				case err != nil || r.TimedOut || r.Status >= 500:
					if in.op == "get" {
						continue // a failed read changes nothing
					}
					out.unknown, ret = true, math.MaxInt64
				case in.op == "get":
					if r.Status == 200 {
						out.value = *decode(t, r.Status, r.Header, r.Body).Event.Node.Value
					} else if r.Status != 404 {
						t.Errorf("get answered %d %s", r.Status, r.Body)
						return
					}
					last = out.value
				case in.op == "set":
					if r.Status != 200 && r.Status != 201 {
						t.Errorf("set answered %d %s", r.Status, r.Body)
						return
					}
					last = in.value
				default:
					out.ok = r.Status == 200
					if !out.ok && r.Status != 412 {
						t.Errorf("cas answered %d %s", r.Status, r.Body)
						return
					}
					if out.ok {
						last = in.value
					}
				}
				mu.Lock()
				history = append(history, porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret})
				if !out.unknown {
					acked[in.op]++
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
	res := porcupine.CheckOperationsTimeout(registerModel.ToModel(), history, 60*time.Second)
	if res != porcupine.Ok {
		t.Fatalf("history not linearizable: %v", res)
	}
}

// The model refuses a lost write and a stale read, so the check above
// can fail.
func TestRegisterModelCatchesViolations(t *testing.T) {
	m := registerModel.ToModel()
	for _, h := range [][]porcupine.Operation{
		{ // a read after an acknowledged set misses it
			{ClientId: 0, Input: regInput{op: "set", value: "a"}, Call: 0, Output: regOutput{}, Return: 1},
			{ClientId: 1, Input: regInput{op: "get"}, Call: 2, Output: regOutput{value: ""}, Return: 3},
		},
		{ // two swaps from the same value both succeed
			{ClientId: 0, Input: regInput{op: "set", value: "a"}, Call: 0, Output: regOutput{}, Return: 1},
			{ClientId: 1, Input: regInput{op: "cas", value: "b", expected: "a"}, Call: 2, Output: regOutput{ok: true}, Return: 3},
			{ClientId: 2, Input: regInput{op: "cas", value: "c", expected: "a"}, Call: 4, Output: regOutput{ok: true}, Return: 5},
		},
	} {
		if porcupine.CheckOperations(m, h) {
			t.Fatalf("accepted %+v", h)
		}
	}
}
