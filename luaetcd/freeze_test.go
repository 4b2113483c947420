package luaetcd_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// The tests of this file run testdata/cluster/loop.lua, a Lua write loop
// and a Lua read loop (each its own client, given every member), against
// a real three-member etcd 3.4 cluster of separate processes (Debian's
// etcd-server, v2 API on), while the member the loops use stops
// answering: frozen with SIGSTOP (TestClusterFreeze), or reached through
// a port that accepts connections and answers nothing (TestClusterBlackhole:
// etcdtest.FaultProxy, a fake TCP proxy in front of the real member, since
// a real partition needs a firewall rule and root). Each runs with the
// script's timeout at 3 s and at the default 60 s. They check that each
// loop loses at most one call (a write that may have reached the silent
// member answers 408 and is not resent; reads lose none), that both go on
// through the other members at a good rate within a few seconds, that
// every acknowledged write is in the cluster, and that once the member
// answers again the loops use it again. The figures are logged (go test
// -v -run 'TestCluster(Freeze|Blackhole)' ./luaetcd/).

// reqRecord is one request a loop's client sent, from the request hook.
type reqRecord struct {
	at       time.Time
	endpoint string
	ok       bool // answered below 500
	suspect  string
	probe    bool
}

// loop is one Lua loop running in its own state.
type loop struct {
	mode   string
	stop   atomic.Bool
	done   chan error
	cancel context.CancelFunc
	once   sync.Once
	err    error

	mu   sync.Mutex
	out  []outcome
	reqs []reqRecord
}

// startLoop runs loop.lua in mode ("write" or "read") with the given
// endpoints (WithEndpoints) and timeout (0: the script sets none, so the
// default 60 s). The test's cleanup stops it.
func startLoop(t *testing.T, mode, prefix string, endpoints []string, timeout float64) *loop {
	l := &loop{mode: mode, done: make(chan error, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	l.cancel = cancel
	L := luaetcd.NewState(ctx,
		luaetcd.WithEndpoints(endpoints...),
		luaetcd.WithAPI(luaetcd.APIv2), // the v2 backend (v3: internal/v3backend/silent_test.go)
		luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) {
			r := reqRecord{at: time.Now(), endpoint: i.Endpoint, ok: i.Err == nil && i.Status > 0 && i.Status < 500, suspect: i.Suspect, probe: i.Probe}
			l.mu.Lock()
			l.reqs = append(l.reqs, r)
			l.mu.Unlock()
		}))
	L.SetGlobal("MODE", lua.LString(mode))
	L.SetGlobal("PREFIX", lua.LString(prefix))
	if timeout > 0 {
		L.SetGlobal("TIMEOUT", lua.LNumber(timeout))
	}
	setLoopGlobals(L, &l.stop, &l.mu, &l.out)
	go func() {
		defer L.Close()
		defer func() {
			if p := recover(); p != nil {
				l.done <- fmt.Errorf("panic: %v", p)
			}
		}()
		l.done <- L.DoFile("testdata/cluster/loop.lua")
	}()
	t.Cleanup(func() { l.finish(5 * time.Second) })
	return l
}

// finish asks the loop to stop and waits up to wait for it; a loop that
// does not stop has a call that hung.
func (l *loop) finish(wait time.Duration) error {
	l.once.Do(func() {
		l.stop.Store(true)
		select {
		case l.err = <-l.done:
		case <-time.After(wait):
			l.cancel()
			<-l.done
			l.err = fmt.Errorf("the %s loop did not end within %v of being asked to (a call hung)", l.mode, wait)
		}
		l.cancel()
	})
	return l.err
}

func (l *loop) snapshot() ([]outcome, []reqRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]outcome(nil), l.out...), append([]reqRecord(nil), l.reqs...)
}

// lastEndpoint is where the loop's last request that was not a probe
// went.
func (l *loop) lastEndpoint() string {
	_, reqs := l.snapshot()
	for i := len(reqs) - 1; i >= 0; i-- {
		if !reqs[i].probe {
			return reqs[i].endpoint
		}
	}
	return ""
}

// usedAgain is when the loop's first request answered by ep after from
// ended; zero when none yet.
func (l *loop) usedAgain(ep string, from time.Time) time.Time {
	_, reqs := l.snapshot()
	for _, r := range reqs {
		if !r.probe && r.ok && r.endpoint == ep && r.at.After(from) {
			return r.at
		}
	}
	return time.Time{}
}

// debianEtcdBinary is Debian's etcd-server 3.4, which serves the v2 API
// with --enable-v2; without it the test skips, or fails under CI.
func debianEtcdBinary(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(debianEtcd); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %s (Debian's etcd-server) is missing; .ci/run installs it", debianEtcd)
		}
		t.Skipf("%s (Debian's etcd-server) is not installed", debianEtcd)
	}
	return debianEtcd
}

func startV2Cluster(t *testing.T) *etcdtest.ProcCluster {
	t.Helper()
	cl := etcdtest.StartProcCluster(t, debianEtcdBinary(t), 3, etcdtest.ProcOptions{Args: []string{"--enable-v2"}})
	if _, err := cl.WaitLeader(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	return cl
}

// putRaw writes a raw value with plain HTTP, outside the client under
// test.
func putRaw(t *testing.T, base, key, value string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, base+"/v2/keys"+key, strings.NewReader(url.Values{"value": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 && res.StatusCode != 201 {
		t.Fatalf("put %s: status %d", key, res.StatusCode)
	}
}

// faultCase is one way for the member in use to go silent.
type faultCase struct {
	endpoints []string // what the loops are given
	// pick returns the endpoint URL of the member to fault, given the
	// one the loops use, and a live member's client URL to check with.
	pick func(inUse string) (faulty, live string)
	on   func(t *testing.T, faulty string)
	off  func(t *testing.T, faulty string)
}

// runFault runs both loops with timeout (0: the default), faults the
// member they use for faultFor, ends the fault, and checks and logs what
// the loops saw.
func runFault(t *testing.T, fc faultCase, timeout float64) {
	const faultFor = 6 * time.Second
	prefix := "/freeze/" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	live := fc.endpoints[len(fc.endpoints)-1]
	for i := 1; i <= 10; i++ {
		putRaw(t, live, prefix+"/r/"+strconv.Itoa(i), strconv.Itoa(i))
	}
	w := startLoop(t, "write", prefix, fc.endpoints, timeout)
	r := startLoop(t, "read", prefix, fc.endpoints, timeout)
	time.Sleep(2 * time.Second)
	inUse := w.lastEndpoint()
	if got := r.lastEndpoint(); got != inUse {
		t.Fatalf("the loops use different endpoints: %s (write) and %s (read)", inUse, got)
	}
	faulty, live := fc.pick(inUse)

	tFault := time.Now()
	fc.on(t, faulty)
	time.Sleep(faultFor)
	tOff := time.Now()
	fc.off(t, faulty)
	var back [2]time.Time
	for deadline := tOff.Add(12 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		back = [2]time.Time{w.usedAgain(faulty, tOff), r.usedAgain(faulty, tOff)}
		if !back[0].IsZero() && !back[1].IsZero() {
			break
		}
	}
	time.Sleep(500 * time.Millisecond)
	tEnd := time.Now()
	for _, l := range []*loop{w, r} {
		if err := l.finish(5 * time.Second); err != nil {
			t.Fatalf("%s loop: %v", l.mode, err)
		}
	}

	stall := min(time.Duration(timeout*float64(time.Second))/3, 2*time.Second)
	if timeout == 0 {
		stall = 2 * time.Second
	}
	t.Logf("timeout %s, stall bound %v; member in use %s made silent for %v", timeoutName(timeout), stall, faulty, faultFor)
	for i, l := range []*loop{w, r} {
		out, reqs := l.snapshot()
		before := rate(out, tFault.Add(-time.Second), time.Second)
		failed := map[string]int{}
		timedOut := 0
		for _, o := range out {
			if !o.ok() && !o.at.Before(tFault) {
				failed[o.op+" "+o.kind()]++
				if o.status == 408 {
					timedOut++
				}
			}
			if o.op == "get" && o.status == 200 {
				if v, ok := o.value.(lua.LNumber); !ok || int(v) != o.n {
					t.Errorf("get /r/%d read %v", o.n, o.value)
				}
			}
			if o.status == 0 && o.err == "" {
				t.Errorf("%s %d: nil without an error", o.op, o.n)
			}
		}
		gap := longestGap(out, tFault, tOff)
		var perSecond []string
		for s := time.Duration(0); s < faultFor; s += time.Second {
			perSecond = append(perSecond, fmt.Sprintf("%.0f", rate(out, tFault.Add(s), time.Second)))
		}
		after := rate(out, tFault.Add(gap+time.Second), tOff.Sub(tFault.Add(gap+time.Second)))
		var note string
		var suspects, onFaulty int
		for _, q := range reqs {
			if q.suspect != "" && q.endpoint == faulty {
				suspects++
				if note == "" {
					note = q.suspect
				}
			}
			if !q.probe && !q.ok && q.endpoint == faulty && q.at.After(tFault) && q.at.Before(tOff) {
				onFaulty++
			}
		}
		t.Logf("%s loop: %.0f calls/s before; longest time without a successful call %v; failed calls %s; calls/s in each second of the fault: %s (%.0f/s once moved on)",
			l.mode, before, gap.Round(time.Millisecond), showCounts(failed), strings.Join(perSecond, " "), after)
		t.Logf("  unanswered requests to the silent member during the fault: %d; marked suspect %d time(s) (%q); used again %v after the fault ended",
			onFaulty, suspects, note, durOrNever(back[i], tOff))

		if timedOut > 1 || len(failed) > timedOut {
			t.Errorf("%s loop: more than one lost call: %s", l.mode, showCounts(failed))
		}
		if l.mode == "read" && timedOut > 0 {
			t.Errorf("read loop: a read timed out instead of moving on")
		}
		// A write: the stall bound, a probe (1 s), and an election when
		// the leader went silent; a read: the stall bound. Both with
		// room for a loaded machine.
		limit := stall + 2*time.Second
		if l.mode == "write" {
			limit += time.Second
		}
		if gap > limit {
			t.Errorf("%s loop: %v without a successful call (limit %v)", l.mode, gap, limit)
		}
		// The rate itself depends on the shared disk (every write is
		// synced on two members): only a loop that stopped fails.
		if after == 0 {
			t.Errorf("%s loop: %.0f calls/s once moved on, against %.0f before", l.mode, after, before)
		}
		if suspects == 0 {
			t.Errorf("%s loop: no request record marked %s suspect", l.mode, faulty)
		}
		if back[i].IsZero() {
			t.Errorf("%s loop: %s not used again within 12 s of the fault's end", l.mode, faulty)
		}
	}

	// Every acknowledged write is in the cluster, with its value.
	out, _ := w.snapshot()
	stored := readDir(t, live, prefix+"/w")
	acked, missing := 0, 0
	for _, o := range out {
		if o.op != "set" || !o.ok() {
			continue
		}
		acked++
		if v, ok := stored[o.n]; !ok || v != strconv.Itoa(o.n) {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged write %d: stored %q (present %v)", o.n, v, ok)
			}
		}
	}
	t.Logf("%d writes acknowledged, %d of them missing afterwards; run ended %v after the fault", acked, missing, tEnd.Sub(tFault).Round(time.Millisecond))
}

func timeoutName(timeout float64) string {
	if timeout == 0 {
		return "default (60 s)"
	}
	return strconv.FormatFloat(timeout, 'g', -1, 64) + " s"
}

func durOrNever(at, from time.Time) string {
	if at.IsZero() {
		return "never"
	}
	return at.Sub(from).Round(time.Millisecond).String()
}

// memberOf returns the index of the member whose client URL is u.
func memberOf(cl *etcdtest.ProcCluster, u string) int {
	for i, m := range cl.Members {
		if m.ClientURL == u {
			return i
		}
	}
	return -1
}

// TestClusterFreeze freezes the member the loops use (SIGSTOP, then
// SIGCONT): the process keeps its port, the kernel accepts connections,
// nothing answers. The client's membership lookup makes the leader the
// member in use, so the others also elect a new leader meanwhile.
func TestClusterFreeze(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-member cluster with a frozen member")
	}
	cl := startV2Cluster(t)
	fc := faultCase{
		endpoints: cl.ClientURLs(),
		pick: func(inUse string) (string, string) {
			i := memberOf(cl, inUse)
			if i < 0 {
				t.Fatalf("the loops use %s, which is no member", inUse)
			}
			return inUse, cl.Members[(i+1)%3].ClientURL
		},
		on: func(t *testing.T, faulty string) {
			if err := cl.Members[memberOf(cl, faulty)].Freeze(); err != nil {
				t.Fatal(err)
			}
		},
		off: func(t *testing.T, faulty string) {
			if err := cl.Members[memberOf(cl, faulty)].Thaw(); err != nil {
				t.Fatal(err)
			}
		},
	}
	for _, timeout := range []float64{3, 0} {
		t.Run("timeout="+timeoutName(timeout), func(t *testing.T) {
			if _, err := cl.WaitLeader(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			runFault(t, fc, timeout)
		})
	}
}

// TestClusterBlackhole reaches the leader through a FaultProxy given as
// the first endpoint, and blackholes it: connections are accepted and
// nothing answers, as with a partition between the client and the member
// (the member itself keeps running and leading). The loops go on through
// the other endpoints, which include the member's own URL (the client
// learns it from the membership).
func TestClusterBlackhole(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-member cluster behind a blackholed port")
	}
	cl := startV2Cluster(t)
	for _, timeout := range []float64{3, 0} {
		t.Run("timeout="+timeoutName(timeout), func(t *testing.T) {
			lead, err := cl.WaitLeader(10 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			p, err := etcdtest.NewFaultProxy(strings.TrimPrefix(cl.Members[lead].ClientURL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			eps := []string{p.URL}
			for i, m := range cl.Members {
				if i != lead {
					eps = append(eps, m.ClientURL)
				}
			}
			fc := faultCase{
				endpoints: eps,
				pick: func(inUse string) (string, string) {
					if inUse != p.URL {
						t.Fatalf("the loops use %s, not the proxy %s", inUse, p.URL)
					}
					return p.URL, eps[1]
				},
				on:  func(*testing.T, string) { p.Blackhole() },
				off: func(*testing.T, string) { p.Restore() },
			}
			runFault(t, fc, timeout)
		})
	}
}
