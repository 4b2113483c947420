package v3backend

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// rpcCounts reads the server's count of handled gRPC calls per method
// (etcd's /metrics, grpc_server_handled_total), which is how many RPCs
// the clients sent, whoever sent them.
func rpcCounts(t testing.TB) map[string]float64 {
	t.Helper()
	r, err := http.Get(srv.ClientURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "grpc_server_handled_total{") {
			continue
		}
		i := strings.Index(line, `grpc_method="`)
		j := strings.LastIndexByte(line, ' ')
		if i < 0 || j < 0 {
			continue
		}
		method := line[i+len(`grpc_method="`):]
		method = method[:strings.IndexByte(method, '"')]
		n, err := strconv.ParseFloat(line[j+1:], 64)
		if err != nil {
			t.Fatal(err)
		}
		m[method] += n
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// rpcsSince is the RPCs handled since before, as "Txn:2 Range:1", and
// their total.
func rpcsSince(t testing.TB, before map[string]float64) (string, float64) {
	after := rpcCounts(t)
	var parts []string
	total := 0.0
	for _, method := range []string{"Range", "Put", "Txn", "LeaseGrant", "LeaseRevoke", "LeaseTimeToLive", "Watch"} {
		if d := after[method] - before[method]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s:%g", method, d))
			total += d
		}
	}
	return strings.Join(parts, " "), total
}

// benchOps are the workloads of cmd/luaetcd-bench as backend operations
// on a key at depth 3 (/tN/bench/k: two ancestors), and the RPCs each
// sends (the test below checks them).
func benchOps(p string) []struct {
	name string
	op   func(i int) backend.Op
	rpcs string
} {
	key := p + "/bench/k"
	return []struct {
		name string
		op   func(i int) backend.Op
		rpcs string
	}{
		// A set over the layout this backend leaves: one guarded put.
		// (TTL NoTTL: lua-etcd's set sends "ttl=".)
		{"set", func(int) backend.Op {
			return backend.Op{Kind: backend.Set, Key: key, Value: "v", HasValue: true, TTL: backend.NoTTL}
		}, "Txn:1"},
		// A set into a directory that does not exist yet: the guarded
		// put fails and reads instead, then the general commit.
		{"set-new-dir", func(i int) backend.Op {
			return backend.Op{Kind: backend.Set, Key: fmt.Sprintf("%s/new%d/k", p, i), Value: "v", HasValue: true}
		}, "Txn:2"},
		{"get", func(int) backend.Op { return backend.Op{Kind: backend.Get, Key: key} }, "Txn:1"},
		{"readdir", func(int) backend.Op { return backend.Op{Kind: backend.Get, Key: p + "/bench"} }, "Txn:1"},
		{"push", func(int) backend.Op {
			return backend.Op{Kind: backend.CreateInOrder, Key: p + "/bench/q", Value: "v", HasValue: true}
		}, "Txn:2"},
	}
}

// TestRPCsPerOperation pins what the emulation costs in round trips: a
// read is one transaction of gets, a write a read then a guarded commit,
// except a plain set over the backend's own layout (fastSet).
// A change that adds an RPC to these paths shows up here.
func TestRPCsPerOperation(t *testing.T) {
	b := newBackend(t)
	p := prefix(t)
	ctx := context.Background()
	// The key exists (set overwrites it, get finds it) and has no lease.
	do(t, b, backend.Op{Kind: backend.Set, Key: p + "/bench/k", Value: "v", HasValue: true})
	for _, c := range benchOps(p) {
		const n = 5
		before := rpcCounts(t)
		for i := range n {
			op := c.op(i)
			if _, err := b.Do(ctx, &op); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := rpcsSince(t, before)
		want := c.rpcs
		// Scale the per-operation counts to n operations.
		var scaled []string
		for _, part := range strings.Fields(want) {
			m, k, _ := strings.Cut(part, ":")
			v, _ := strconv.Atoi(k)
			scaled = append(scaled, fmt.Sprintf("%s:%d", m, v*n))
		}
		if got != strings.Join(scaled, " ") {
			t.Errorf("%s × %d: RPCs %q, want %q per operation", c.name, n, got, want)
		}
	}
}

// BenchmarkOps measures the backend alone (no Lua) on the bench's
// workloads, one goroutine, against the embedded etcd; rpcs/op is counted
// by the server.
//
//	go test ./internal/v3backend -run '^$' -bench Ops -cpuprofile cpu.out
func BenchmarkOps(bm *testing.B) {
	b := newBackend(bm)
	p := prefix(bm)
	ctx := context.Background()
	do(bm, b, backend.Op{Kind: backend.Set, Key: p + "/bench/k", Value: "v", HasValue: true})
	for _, c := range benchOps(p) {
		bm.Run(c.name, func(bm *testing.B) {
			before := rpcCounts(bm)
			bm.ReportAllocs()
			for i := 0; bm.Loop(); i++ {
				op := c.op(i)
				if _, err := b.Do(ctx, &op); err != nil {
					bm.Fatal(err)
				}
			}
			bm.StopTimer()
			_, total := rpcsSince(bm, before)
			bm.ReportMetric(total/float64(bm.N), "rpcs/op")
		})
	}
	// A write and a read beside a large directory: the key's parent
	// holds bigDir other keys (a queue that was pushed to, say). What a
	// read of the ancestors costs the server shows here.
	fillDir(bm, b, p+"/big", bigDir)
	for _, c := range []struct {
		name string
		op   backend.Op
	}{
		{"set-beside-10k", backend.Op{Kind: backend.Set, Key: p + "/big/k", Value: "v", HasValue: true}},
		{"get-beside-10k", backend.Op{Kind: backend.Get, Key: p + "/big/k"}},
		{"push-into-10k", backend.Op{Kind: backend.CreateInOrder, Key: p + "/big", Value: "v", HasValue: true}},
	} {
		bm.Run(c.name, func(bm *testing.B) {
			bm.ReportAllocs()
			for bm.Loop() {
				op := c.op
				if _, err := b.Do(ctx, &op); err != nil {
					bm.Fatal(err)
				}
			}
		})
	}
}

const bigDir = 10000

// fillDir writes n keys (and the marker) under dir in the backend's
// layout, straight through clientv3, maxTxnOps at a time.
func fillDir(t testing.TB, b *Backend, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	ops := []clientv3.Op{clientv3.OpPut(dir+"/", "")}
	for i := range n {
		ops = append(ops, clientv3.OpPut(fmt.Sprintf("%s/k%05d", dir, i), "v"))
		if len(ops) == maxTxnOps || i == n-1 {
			if _, err := b.cli.Txn(ctx).Then(ops...).Commit(); err != nil {
				t.Fatal(err)
			}
			ops = ops[:0]
		}
	}
}
