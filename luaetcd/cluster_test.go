package luaetcd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// outcome is one call the script made, as it saw it.
type outcome struct {
	at     time.Time
	op     string // "set" or "get"
	n      int
	status int // 0 when the call gave nil, err
	err    string
	value  lua.LValue
}

// ok reports a call answered with success: an acknowledged write, or a
// read that found the key.
func (o outcome) ok() bool {
	return o.status == 200 || o.op == "set" && o.status == 201
}

// kind names a failed call's kind, for counting.
func (o outcome) kind() string {
	switch {
	case o.status == 0:
		return "nil,err"
	case o.status == 408:
		return "408 timeout"
	case o.status >= 500:
		return strconv.Itoa(o.status)
	case o.op == "get" && o.status == 404:
		return "404"
	}
	return "status " + strconv.Itoa(o.status)
}

// clusterRun is what the script reported, safe to read while it runs.
type clusterRun struct {
	mu       sync.Mutex
	out      []outcome
	attempts map[string]int // HTTP attempts by outcome (status or "error"), from the request hook
	lastURL  string         // where the last attempt went
}

func (r *clusterRun) snapshot() []outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]outcome(nil), r.out...)
}

// setLoopGlobals gives a loop script (writer.lua, loop.lua) what it
// reports through: running(), true until stop is set, and record(op, n,
// status, err, value), which appends the call's outcome to out under mu.
func setLoopGlobals(L *lua.LState, stop *atomic.Bool, mu *sync.Mutex, out *[]outcome) {
	L.SetGlobal("running", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(!stop.Load()))
		return 1
	}))
	L.SetGlobal("record", L.NewFunction(func(L *lua.LState) int {
		o := outcome{at: time.Now(), op: L.CheckString(1), n: L.CheckInt(2), value: L.Get(5)}
		if s, ok := L.Get(3).(lua.LNumber); ok {
			o.status = int(s)
		} else {
			o.err = L.OptString(4, "")
		}
		mu.Lock()
		*out = append(*out, o)
		mu.Unlock()
		return 0
	}))
}

// rate is the successful calls per second in [from, from+d).
func rate(out []outcome, from time.Time, d time.Duration) float64 {
	n := 0
	for _, o := range out {
		if o.ok() && !o.at.Before(from) && o.at.Before(from.Add(d)) {
			n++
		}
	}
	return float64(n) / d.Seconds()
}

// longestGap is the longest time in [from, to] with no successful call.
func longestGap(out []outcome, from, to time.Time) time.Duration {
	prev, gap := from, time.Duration(0)
	for _, o := range out {
		if !o.ok() || o.at.Before(from) || o.at.After(to) {
			continue
		}
		gap = max(gap, o.at.Sub(prev))
		prev = o.at
	}
	return max(gap, to.Sub(prev))
}

// failures counts the failed calls in [from, to] by kind. A get that
// finds nothing after its set failed is no failure (the write was not
// made, or not known to be); after an acknowledged set it is a stale
// read.
func failures(out []outcome, from, to time.Time) map[string]int {
	m := map[string]int{}
	setOK := map[int]bool{}
	for _, o := range out {
		if o.op == "set" {
			setOK[o.n] = o.ok()
		}
		if o.ok() || o.at.Before(from) || o.at.After(to) {
			continue
		}
		k := o.op + " " + o.kind()
		if o.op == "get" && o.status == 404 {
			if !setOK[o.n] {
				continue
			}
			k = "get 404 after an acknowledged set (stale read)"
		}
		m[k]++
	}
	return m
}

// lastFailure is how long after from the last failed call in [from, to]
// ended; 0 when none failed.
func lastFailure(out []outcome, from, to time.Time) time.Duration {
	var d time.Duration
	for _, o := range out {
		if !o.ok() && !(o.op == "get" && o.status == 404) && o.at.After(from) && o.at.Before(to) {
			d = o.at.Sub(from)
		}
	}
	return d
}

func showCounts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	for i, k := range ks {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %d", k, m[k])
	}
	return b.String()
}

// TestClusterFailover runs testdata/cluster/writer.lua, a script that
// writes and reads without pause, against a real three-member etcd
// cluster given to it as WithEndpoints, while the test kills the leader
// (a crash: no leadership transfer, so a real election), restarts it,
// then stops the follower the script is using and restarts it. It checks
// that every write acknowledged to the script is in the cluster with its
// value, that the script neither hangs nor raises, that the failed calls
// are nil, err or entities (408, 5xx), and that after the new leader is
// elected the script is back to at least half its earlier rate within
// 10 s. The numbers are logged (go test -v -run TestClusterFailover).
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-member cluster through member failures")
	}
	cl, err := embedetcd.StartCluster(3, embedetcd.ClusterConfig{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.WaitLeader(10 * time.Second); err != nil {
		t.Fatal(err)
	}

	run := &clusterRun{attempts: map[string]int{}}
	var stop atomic.Bool
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	L := luaetcd.NewState(ctx,
		luaetcd.WithEndpoints(cl.ClientURLs()...),
		luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) {
			k := strconv.Itoa(i.Status)
			if i.Err != nil {
				k = "error"
			}
			run.mu.Lock()
			run.attempts[k]++
			run.lastURL = i.URL
			run.mu.Unlock()
		}))
	defer L.Close()
	const prefix = "/cluster"
	L.SetGlobal("PREFIX", lua.LString(prefix))
	L.SetGlobal("TIMEOUT", lua.LNumber(1))
	setLoopGlobals(L, &stop, &run.mu, &run.out)
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- L.DoFile("testdata/cluster/writer.lua")
	}()
	finished := false
	defer func() {
		if !finished {
			stop.Store(true)
			cancel()
			<-done
		}
	}()
	alive := func(what string) {
		t.Helper()
		select {
		case err := <-done:
			finished = true
			t.Fatalf("the script ended %s: %v", what, err)
		default:
		}
	}

	// Phase 1: the leader crashes; a new one is elected; it comes back.
	time.Sleep(2 * time.Second)
	alive("during warm-up")
	lead := cl.Leader()
	if lead < 0 {
		t.Fatal("no leader")
	}
	tKill := time.Now()
	killed := make(chan struct{})
	go func() { cl.KillMember(lead); close(killed) }()
	var tElected time.Time
	for tElected.IsZero() {
		if i := cl.Leader(); i >= 0 && i != lead {
			tElected = time.Now()
		} else if time.Since(tKill) > 10*time.Second {
			t.Fatal("no new leader 10 s after the leader was killed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	<-killed
	time.Sleep(time.Until(tKill.Add(4 * time.Second)))
	alive("after the leader was killed")
	tRestart1 := time.Now()
	if err := cl.RestartMember(lead); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	alive("after the old leader restarted")

	// Phase 2: the follower the script is using stops (or any follower,
	// when the script is on the leader), then comes back.
	run.mu.Lock()
	lastURL := run.lastURL
	run.mu.Unlock()
	lead2 := cl.Leader()
	follower := -1
	for i, m := range cl.Members {
		if i != lead2 && (follower < 0 || strings.HasPrefix(lastURL, m.ClientURL+"/")) {
			follower = i
		}
	}
	onIt := strings.HasPrefix(lastURL, cl.Members[follower].ClientURL+"/")
	tStop := time.Now()
	cl.StopMember(follower)
	time.Sleep(time.Until(tStop.Add(3 * time.Second)))
	alive("after a follower stopped")
	tRestart2 := time.Now()
	if err := cl.RestartMember(follower); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	tEnd := time.Now()
	stop.Store(true)
	select {
	case err := <-done:
		finished = true
		if err != nil {
			t.Fatalf("script: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the script did not end within 5 s of being asked to (a call hung)")
	}

	// Every acknowledged write is in the cluster with its value: read the
	// whole directory back from a member, through quorum.
	out := run.snapshot()
	acked := map[int]bool{}
	for _, o := range out {
		if o.op == "set" && o.ok() {
			acked[o.n] = true
		}
		if o.op == "get" && o.status == 200 {
			if v, ok := o.value.(lua.LNumber); !ok || int(v) != o.n {
				t.Errorf("get %d read %v", o.n, o.value)
			}
		}
		if o.status == 0 && o.err == "" {
			t.Errorf("%s %d: nil without an error", o.op, o.n)
		}
	}
	stored := readDir(t, cl.Members[cl.Leader()].ClientURL, prefix+"/c")
	missing := 0
	for n := range acked {
		if v, ok := stored[n]; !ok || v != strconv.Itoa(n) {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged write %d: stored %q (present %v)", n, v, ok)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged writes lost", missing, len(acked))
	}

	// Back to speed after the election.
	before := rate(out, tKill.Add(-time.Second), time.Second)
	var recovered time.Time
	for at := tElected; at.Before(tElected.Add(10*time.Second)) && at.Add(time.Second).Before(tEnd); at = at.Add(50 * time.Millisecond) {
		if rate(out, at, time.Second) >= before/2 {
			recovered = at
			break
		}
	}
	if recovered.IsZero() {
		t.Errorf("the script did not get back to half its rate (%.0f ops/s) within 10 s of the new leader", before)
	}
	after := rate(out, recovered, time.Second)
	before2 := rate(out, tStop.Add(-time.Second), time.Second)
	after2 := rate(out, tStop.Add(time.Second), time.Second)

	calls := map[string]int{}
	for _, o := range out {
		calls[o.op]++
	}
	t.Logf("run: %d calls (%d sets, %d gets) in %.1f s; %d writes acknowledged, all %d found in the cluster with their value",
		len(out), calls["set"], calls["get"], tEnd.Sub(out[0].at).Seconds(), len(acked), len(acked)-missing)
	t.Logf("leader killed (member %d, no leadership transfer): new leader elected after %v",
		lead, tElected.Sub(tKill).Round(time.Millisecond))
	t.Logf("  calls failed, kill to restart: %s", showCounts(failures(out, tKill, tRestart1)))
	t.Logf("  calls failed, restart +2 s: %s", showCounts(failures(out, tRestart1, tStop)))
	t.Logf("  longest time without a successful call: %v; the last failed call ended %v after the kill",
		longestGap(out, tKill, tRestart1).Round(time.Millisecond), lastFailure(out, tKill, tRestart1).Round(time.Millisecond))
	t.Logf("  ops/s: %.0f in the second before the kill; %.0f in the first one-second window at >= 50%% of that, which starts %v after the new leader (%v after the kill)",
		before, after, recovered.Sub(tElected).Round(time.Millisecond), recovered.Sub(tKill).Round(time.Millisecond))
	for i := 0; i < 4; i++ {
		at := tKill.Add(time.Duration(i) * time.Second)
		t.Logf("  ops/s in second %d after the kill: %.0f", i+1, rate(out, at, time.Second))
	}
	t.Logf("follower stopped (member %d, the one the script was using: %v), restarted after 3 s:", follower, onIt)
	t.Logf("  calls failed, stop to restart: %s; after the restart: %s",
		showCounts(failures(out, tStop, tRestart2)), showCounts(failures(out, tRestart2, tEnd)))
	t.Logf("  longest time without a successful call: %v; ops/s %.0f before the stop, %.0f in the second after it",
		longestGap(out, tStop, tRestart2).Round(time.Millisecond), before2, after2)
	run.mu.Lock()
	t.Logf("HTTP attempts by outcome (the client's retries included): %s", showCounts(run.attempts))
	run.mu.Unlock()
}

// readDir reads every key below dir from base with a quorum read and
// returns the raw values by their last path segment as a number.
func readDir(t *testing.T, base, dir string) map[int]string {
	t.Helper()
	res, err := http.Get(base + "/v2/keys" + dir + "?recursive=true&quorum=true")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Node struct {
			Nodes []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"nodes"`
		} `json:"node"`
	}
	if res.StatusCode != 200 {
		t.Fatalf("read back %s: status %d", dir, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	m := map[int]string{}
	for _, n := range body.Node.Nodes {
		i, err := strconv.Atoi(n.Key[strings.LastIndex(n.Key, "/")+1:])
		if err == nil {
			m[i] = n.Value
		}
	}
	return m
}
