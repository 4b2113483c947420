package v3backend

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
)

// Only requests that change nothing are abandoned and sent again.
func TestReadOnlyRequests(t *testing.T) {
	rng := &pb.RequestOp{Request: &pb.RequestOp_RequestRange{RequestRange: &pb.RangeRequest{Key: []byte("a")}}}
	put := &pb.RequestOp{Request: &pb.RequestOp_RequestPut{RequestPut: &pb.PutRequest{Key: []byte("a")}}}
	for _, c := range []struct {
		req  any
		want bool
	}{
		{&pb.RangeRequest{}, true},
		{&pb.MemberListRequest{}, true},
		{&pb.StatusRequest{}, true},
		{&pb.TxnRequest{Success: []*pb.RequestOp{rng}, Failure: []*pb.RequestOp{rng}}, true},
		{&pb.TxnRequest{Success: []*pb.RequestOp{rng, put}}, false},
		{&pb.TxnRequest{Failure: []*pb.RequestOp{put}}, false},
		{&pb.PutRequest{}, false},
		{&pb.DeleteRangeRequest{}, false},
		{&pb.LeaseGrantRequest{}, false},
	} {
		if got := readOnly(c.req); got != c.want {
			t.Errorf("readOnly(%T %v) = %v", c.req, c.req, got)
		}
	}
}

// silentOutcome is one operation of a loop.
type silentOutcome struct {
	at      time.Time
	n       int
	ok      bool
	timeout bool
	what    string
}

// silentLoop runs writes (set /p/w/<n>) or reads (get /p/r/<1..10>)
// through b without pause until stop.
func silentLoop(b *Backend, write bool, pfx string, timeout time.Duration, stop *atomic.Bool, mu *sync.Mutex, out *[]silentOutcome, wg *sync.WaitGroup) {
	defer wg.Done()
	for n := 1; !stop.Load(); n++ {
		op := &backend.Op{Kind: backend.Get, Key: pfx + "/r/" + strconv.Itoa(n%10+1), Timeout: timeout}
		if write {
			op = &backend.Op{Kind: backend.Set, Key: pfx + "/w/" + strconv.Itoa(n), Value: strconv.Itoa(n), HasValue: true, TTL: backend.NoTTL, Timeout: timeout}
		}
		r, err := b.Do(context.Background(), op)
		o := silentOutcome{at: time.Now(), n: n}
		switch {
		case err != nil:
			o.what = "nil, err: " + err.Error()
		case r.TimedOut:
			o.timeout, o.what = true, "408"
		case r.Status == 200 || r.Status == 201:
			o.ok = true
		default:
			o.what = fmt.Sprintf("status %d: %s", r.Status, r.Body)
		}
		mu.Lock()
		*out = append(*out, o)
		mu.Unlock()
	}
}

// The v3 backend on a real three-member etcd 3.7.3 cluster of separate
// processes, with a write loop and a read loop sharing one connection,
// while a member stops answering: frozen (SIGSTOP) or behind a port that
// accepts and never answers (etcdtest.FaultProxy, a fake TCP proxy in
// front of the real member, given instead of its URL). clientv3 spreads
// RPCs over every member, so without the silent-member rules every call
// that lands on it waits for its whole timeout until gRPC's keep-alive
// closes the connection. Each loop must lose at most one call, go on at
// a good rate, keep every acknowledged write, and the member must be
// used again once it answers.
func TestSilentMemberEtcd37(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-member etcd 3.7.3 cluster with a silent member")
	}
	bin := etcdtest.Etcd37Binary(t)
	cl := etcdtest.StartProcCluster(t, bin, 3, etcdtest.ProcOptions{})
	for _, fault := range []string{"freeze", "blackhole"} {
		for _, timeout := range []time.Duration{3 * time.Second, 60 * time.Second} {
			t.Run(fmt.Sprintf("%s/timeout=%v", fault, timeout), func(t *testing.T) {
				lead, err := cl.WaitLeader(10 * time.Second)
				if err != nil {
					t.Fatal(err)
				}
				eps := cl.ClientURLs()
				faulty := eps[lead]
				on := func() {
					if err := cl.Members[lead].Freeze(); err != nil {
						t.Fatal(err)
					}
				}
				off := func() {
					if err := cl.Members[lead].Thaw(); err != nil {
						t.Fatal(err)
					}
				}
				if fault == "blackhole" {
					p, err := etcdtest.NewFaultProxy(strings.TrimPrefix(eps[lead], "http://"))
					if err != nil {
						t.Fatal(err)
					}
					defer p.Close()
					eps = append([]string(nil), eps...)
					eps[lead] = p.URL
					faulty = p.URL
					on, off = p.Blackhole, p.Restore
				}
				runSilent(t, eps, faulty, timeout, on, off, fault == "freeze")
			})
		}
	}
}

// leaderFrozen says the leader itself stops (a freeze), not only the
// client's path to it (a blackhole).
func runSilent(t *testing.T, eps []string, faulty string, timeout time.Duration, on, off func(), leaderFrozen bool) {
	// Longer than etcd's request timeout (below).
	const faultFor = 8 * time.Second
	b, err := New(Config{Endpoints: eps})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pfx := prefix(t)
	for i := 1; i <= 10; i++ {
		r, err := b.Do(context.Background(), &backend.Op{Kind: backend.Set, Key: pfx + "/r/" + strconv.Itoa(i), Value: "x", HasValue: true, TTL: backend.NoTTL, Timeout: 10 * time.Second})
		if err != nil || r.Status >= 300 {
			t.Fatalf("setup: %v %v", r, err)
		}
	}
	var (
		stop   atomic.Bool
		mu     sync.Mutex
		wg     sync.WaitGroup
		writes []silentOutcome
		reads  []silentOutcome
	)
	wg.Add(2)
	go silentLoop(b, true, pfx, timeout, &stop, &mu, &writes, &wg)
	go silentLoop(b, false, pfx, timeout, &stop, &mu, &reads, &wg)
	time.Sleep(2 * time.Second)
	tFault := time.Now()
	on()
	time.Sleep(faultFor)
	tOff := time.Now()
	off()
	var back time.Time
	for deadline := tOff.Add(12 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(b.cli.Endpoints()) == len(eps) {
			back = time.Now()
			break
		}
	}
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout + 5*time.Second):
		t.Fatal("a loop did not end (a call hung)")
	}

	stall := backend.StallBound(0, timeout)
	t.Logf("timeout %v, stall bound %v; %s silent for %v", timeout, stall, faulty, faultFor)
	for _, l := range []struct {
		name string
		out  []silentOutcome
	}{{"write", writes}, {"read", reads}} {
		var before, after int
		var lost []string
		timedOut := 0
		prev, gap := tFault, time.Duration(0)
		perSecond := make([]int, int(faultFor/time.Second))
		for _, o := range l.out {
			if o.ok && o.at.After(tFault.Add(-time.Second)) && o.at.Before(tFault) {
				before++
			}
			if o.at.Before(tFault) || o.at.After(tOff) {
				continue
			}
			if !o.ok {
				lost = append(lost, o.what)
				if o.timeout {
					timedOut++
				}
				continue
			}
			gap = max(gap, o.at.Sub(prev))
			prev = o.at
			if s := int(o.at.Sub(tFault) / time.Second); s < len(perSecond) {
				perSecond[s]++
			}
		}
		gap = max(gap, tOff.Sub(prev))
		for _, n := range perSecond[6:] {
			after += n
		}
		after /= len(perSecond) - 6
		t.Logf("%s loop: %d ok/s before; longest time without success %v; lost %d %v; ok per second of the fault %v",
			l.name, before, gap.Round(time.Millisecond), len(lost), lost, perSecond)
		if timedOut > 1 {
			t.Errorf("%s loop: %d calls timed out", l.name, timedOut)
		}
		if len(lost) > 2 {
			t.Errorf("%s loop: %d calls lost", l.name, len(lost))
		}
		// A write: the stall bound, a probe (1 s), and an election
		// when the leader went silent; a read: the stall bound. A
		// write that a live follower forwarded to the leader just
		// frozen is held by etcd until its own request timeout (5 s +
		// 2 election timeouts: 6 s here); the member answers probes,
		// so the write is waited for (it may yet be applied).
		limit := stall + 2*time.Second
		if l.name == "write" {
			limit += time.Second
			if leaderFrozen && timeout > 7*time.Second {
				limit = 7500 * time.Millisecond
			}
		}
		if gap > limit {
			t.Errorf("%s loop: %v without success (limit %v)", l.name, gap, limit)
		}
		if after == 0 {
			t.Errorf("%s loop: %d ok/s once moved on, against %d before", l.name, after, before)
		}
	}
	if back.IsZero() {
		t.Errorf("%s not used again within 12 s of the fault's end: endpoints %v", faulty, b.cli.Endpoints())
	} else {
		t.Logf("%s back among the endpoints %v after the fault ended", faulty, back.Sub(tOff).Round(time.Millisecond))
	}

	// Every acknowledged write is there.
	r, err := b.Do(context.Background(), &backend.Op{Kind: backend.Get, Key: pfx + "/w", Recursive: true, Quorum: true, Timeout: 10 * time.Second})
	if err != nil || r.Status != 200 {
		t.Fatalf("read back: %v %v", r, err)
	}
	a := decode(t, r.Status, r.Header, r.Body).Event
	stored := map[string]bool{}
	for _, n := range a.Node.Nodes {
		stored[n.Key[strings.LastIndex(n.Key, "/")+1:]] = true
	}
	missing := 0
	acked := 0
	for _, o := range writes {
		if o.ok {
			acked++
			if !stored[strconv.Itoa(o.n)] {
				missing++
			}
		}
	}
	t.Logf("%d writes acknowledged, %d missing", acked, missing)
	if missing > 0 {
		t.Errorf("%d acknowledged writes missing", missing)
	}
}
