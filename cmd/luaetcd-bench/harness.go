package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// stepper paces one worker. The first more() waits until every worker of
// the row is prepared (clients built, connection warm) and the row
// starts; each later more() records the time since the previous one as
// one operation's latency and returns false once the row's deadline has
// passed.
type stepper struct {
	row     *rowClock
	arrived sync.Once
	started bool
	last    time.Time
	lat     []time.Duration

	// wait-notify: the index to wait at first, and the writer's signals.
	index   uint64
	readyCh chan struct{}
	doneCh  chan time.Time
}

// rowClock is shared by the workers of a row.
type rowClock struct {
	ready    sync.WaitGroup
	start    chan struct{}
	deadline time.Time // written before start is closed
}

func (s *stepper) arrive() { s.arrived.Do(s.row.ready.Done) }

func (s *stepper) more() bool {
	if !s.started {
		s.arrive()
		<-s.row.start
		s.started = true
		s.last = time.Now()
		return true
	}
	now := time.Now()
	s.lat = append(s.lat, now.Sub(s.last))
	s.last = now
	return now.Before(s.row.deadline)
}

func (s *stepper) ready() {
	if s.readyCh != nil {
		s.readyCh <- struct{}{}
	}
}

func (s *stepper) done() {
	if s.doneCh != nil {
		s.doneCh <- time.Now()
	}
}

// row is one line of the results table.
type row struct {
	Work        string
	Impl        string
	Conc        int
	Ops         int
	Elapsed     time.Duration
	OpsPerSec   float64
	P50, P99    time.Duration
	AllocsPerOp float64 // -1: not measured
	BytesPerOp  float64 // -1: not measured
	RSS         int64   // bytes
	Ratio       float64 // ops/s relative to the floor (floorOf) at the same concurrency; 0: none
	V2Ratio     float64 // lua-v3 only: ops/s relative to lua (v2 backend); 0: none
	Rounds      int

	// Raw data of the rounds, merged by mergeRounds.
	lat            []time.Duration
	mallocs, bytes uint64
	rates          []float64
}

// mergeRounds makes one row of the rounds of one implementation: ops/s is
// the median of the rounds' rates (robust against another process taking
// the CPU for a while), latencies are over all operations, allocations
// are totals over all operations.
func mergeRounds(parts []row) row {
	r := parts[0]
	r.Rounds = len(parts)
	r.lat, r.rates = nil, nil
	r.Ops, r.Elapsed, r.mallocs, r.bytes = 0, 0, 0, 0
	for _, p := range parts {
		r.lat = append(r.lat, p.lat...)
		r.rates = append(r.rates, p.OpsPerSec)
		r.Ops += p.Ops
		r.Elapsed += p.Elapsed
		r.mallocs += p.mallocs
		r.bytes += p.bytes
		r.RSS = max(r.RSS, p.RSS)
	}
	slices.Sort(r.rates)
	r.OpsPerSec = r.rates[len(r.rates)/2]
	r.P50, r.P99 = percentile(r.lat, 0.50), percentile(r.lat, 0.99)
	if r.AllocsPerOp >= 0 && r.Ops > 0 {
		r.AllocsPerOp = float64(r.mallocs) / float64(r.Ops)
		r.BytesPerOp = float64(r.bytes) / float64(r.Ops)
	}
	return r
}

type env struct {
	url, bin, script string
	o                options
	tr               *http.Transport
	raw              *rawClient
	v3               *clientv3.Client // shared by the clientv3 workers and the v3 wait writer
}

func newEnv(url, bin, script string, o options) *env {
	tr := newTransport()
	return &env{url: url, bin: bin, script: script, o: o, tr: tr,
		raw: &rawClient{hc: &http.Client{Transport: tr}, base: url}}
}

// setup writes the directory that readdir lists, through the v2 API.
func (e *env) setup(ctx context.Context) error {
	for i := 0; i < dirSize; i++ {
		if _, err := e.raw.expect(ctx, "PUT", fmt.Sprintf("%s/k%03d", dirKey, i), "", writeForm, 200, 201); err != nil {
			return err
		}
	}
	return nil
}

// setupV3 connects the clientv3 client and writes the readdir directory
// into the v3 keyspace (on etcd 3.5 a store apart from the v2 one)
// through the v3 backend, so that it is in the backend's layout, with
// its directory markers, as a v3 user of luaetcd would have written it.
func (e *env) setupV3(ctx context.Context) error {
	v3, err := newClientv3(e.url)
	if err != nil {
		return err
	}
	e.v3 = v3
	L := luaetcd.NewState(ctx, luaetcd.WithEndpoints(e.url), luaetcd.WithAPI(luaetcd.APIv3))
	defer L.Close()
	return L.DoString(fmt.Sprintf(`local cli = assert(require('etcd.luasocket').new())
for i = 0, %d do
  local r, err = cli:set(string.format('%s/k%%03d', i), 'hello')
  assert(r and (r.status == 200 or r.status == 201), err or r.status)
end`, dirSize-1, dirKey))
}

// close releases the clientv3 client.
func (e *env) close() {
	if e.v3 != nil {
		e.v3.Close()
	}
}

func (e *env) newWorker(impl, work string, id int) (worker, error) {
	key := fmt.Sprintf("/bench/%s/%d", work, id)
	switch impl {
	case "go-http":
		return &rawWorker{c: &rawClient{hc: &http.Client{Transport: e.tr}, base: e.url}, work: work, key: key}, nil
	case "go-v2":
		return newV2Worker(e.tr, e.url, work, key)
	case "lua":
		return newLuaWorker(e.url, luaetcd.APIv2, work, strconv.Itoa(id)), nil
	case "lua-v3":
		return newLuaWorker(e.url, luaetcd.APIv3, work, strconv.Itoa(id)), nil
	case "clientv3":
		if e.v3 == nil {
			return nil, fmt.Errorf("clientv3: setup has not run")
		}
		return &v3Worker{cli: e.v3, work: work, key: key}, nil
	}
	return nil, fmt.Errorf("unknown implementation %q", impl)
}

// measure runs workers under one clock and returns the row, without
// latencies when lat is set by the caller.
func (e *env) measure(work, impl string, workers []worker, steppers []*stepper, clock *rowClock, extra func()) (row, error) {
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	runtime.GC()
	clock.ready.Add(len(workers))
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = w.run(steppers[i])
			steppers[i].arrive()
		}()
	}
	clock.ready.Wait()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	clock.deadline = t0.Add(e.o.duration)
	close(clock.start)
	if extra != nil {
		extra()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	runtime.ReadMemStats(&m1)
	for _, w := range workers {
		w.close()
	}
	for _, err := range errs {
		if err != nil {
			return row{}, err
		}
	}
	r := row{Work: work, Impl: impl, Conc: len(workers), Elapsed: elapsed, RSS: rss()}
	var lat []time.Duration
	for _, s := range steppers {
		lat = append(lat, s.lat...)
	}
	r.lat = lat
	r.Ops = len(lat)
	r.OpsPerSec = float64(r.Ops) / elapsed.Seconds()
	r.P50, r.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	r.mallocs, r.bytes = m1.Mallocs-m0.Mallocs, m1.TotalAlloc-m0.TotalAlloc
	if r.Ops > 0 {
		r.AllocsPerOp = float64(r.mallocs) / float64(r.Ops)
		r.BytesPerOp = float64(r.bytes) / float64(r.Ops)
	}
	return r, nil
}

// runRow runs one workload with n goroutines of one implementation.
func (e *env) runRow(work, impl string, n int) (row, error) {
	clock := &rowClock{start: make(chan struct{})}
	workers := make([]worker, n)
	steppers := make([]*stepper, n)
	for i := range n {
		w, err := e.newWorker(impl, work, i)
		if err != nil {
			return row{}, err
		}
		workers[i] = w
		steppers[i] = &stepper{row: clock, lat: make([]time.Duration, 0, 4096)}
	}
	r, err := e.measure(work, impl, workers, steppers, clock, nil)
	if err == nil {
		logf("%-8s %-8s c=%-2d %8.0f ops/s  p50 %-9v p99 %-9v %6.1f allocs/op", work, impl, n, r.OpsPerSec, r.P50, r.P99, r.AllocsPerOp)
	}
	return r, err
}

// notifyPause is how long the writer waits after the waiter says it is
// about to wait, so that the wait is parked in etcd when the write comes.
const notifyPause = time.Millisecond

// notifier returns the writer of wait-notify for impl: a go-http PUT
// for the v2 implementations, a clientv3 Put for the v3 ones (each waits
// in its own store). write returns the index (revision) it wrote at.
func (e *env) notifier(impl, key string) func(context.Context) (uint64, error) {
	if isV3(impl) {
		return func(ctx context.Context) (uint64, error) {
			r, err := e.v3.Put(ctx, key, benchValueJSON)
			if err != nil {
				return 0, err
			}
			return uint64(r.Header.Revision), nil
		}
	}
	return func(ctx context.Context) (uint64, error) {
		r, err := e.raw.expect(ctx, "PUT", key, "", writeForm, 200, 201)
		if err != nil {
			return 0, err
		}
		return r.Node.ModifiedIndex, nil
	}
}

// runWait measures wait-notify: impl waits on a key; a go-http writer
// (clientv3 for the v3 implementations) sets it. The latency is from the
// write sent to the wait returning.
func (e *env) runWait(impl string) (row, error) {
	ctx := context.Background()
	const id = 0
	key := fmt.Sprintf("/bench/wait/%d", id)
	write := e.notifier(impl, key)
	idx0, err := write(ctx)
	if err != nil {
		return row{}, err
	}
	w, err := e.newWorker(impl, "wait", id)
	if err != nil {
		return row{}, err
	}
	clock := &rowClock{start: make(chan struct{})}
	st := &stepper{row: clock, index: idx0 + 1,
		readyCh: make(chan struct{}, 1), doneCh: make(chan time.Time, 1)}
	var notify []time.Duration
	var werr error
	waiterDone := make(chan struct{})
	stopped := make(chan struct{})
	writer := func() {
		defer close(stopped)
		for {
			select {
			case <-st.readyCh:
			case <-waiterDone:
				return
			}
			time.Sleep(notifyPause)
			t0 := time.Now()
			if _, err := write(ctx); err != nil {
				werr = err
				return
			}
			select {
			case t1 := <-st.doneCh:
				notify = append(notify, t1.Sub(t0))
			case <-waiterDone:
				return
			}
		}
	}
	r, err := e.measure("wait", impl, []worker{w}, []*stepper{st}, clock, func() { go writer() })
	close(waiterDone)
	<-stopped
	if err != nil {
		return row{}, err
	}
	if werr != nil {
		return row{}, werr
	}
	r.lat = notify
	r.Ops = len(notify)
	r.OpsPerSec = float64(r.Ops) / r.Elapsed.Seconds()
	r.P50, r.P99 = percentile(notify, 0.50), percentile(notify, 0.99)
	r.AllocsPerOp, r.BytesPerOp = -1, -1 // the writer's are mixed in
	logf("%-8s %-8s c=1  p50 %-9v p99 %-9v (%d notifications)", "wait", impl, r.P50, r.P99, r.Ops)
	return r, nil
}

// runRunner runs the workload through the luaetcd binary, one process
// after another, each doing o.runnerOps operations, until the row's
// duration is used up (at least 3 processes).
func (e *env) runRunner(work string) (row, error) {
	var perOp []time.Duration
	var maxRSS int64
	ops := 0
	start := time.Now()
	for i := 0; i < 3 || time.Since(start) < e.o.duration; i++ {
		cmd := exec.Command(e.bin, "--endpoints", e.url, e.script, work, strconv.Itoa(e.o.runnerOps), "runner")
		cmd.Stderr = os.Stderr
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			return row{}, fmt.Errorf("%s: %v", strings.Join(cmd.Args, " "), err)
		}
		wall := time.Since(t0)
		perOp = append(perOp, wall/time.Duration(e.o.runnerOps))
		ops += e.o.runnerOps
		maxRSS = max(maxRSS, peakRSS(cmd.ProcessState))
	}
	elapsed := time.Since(start)
	r := row{Work: work, Impl: "runner", Conc: 1, Ops: ops, Elapsed: elapsed, lat: perOp,
		OpsPerSec: float64(ops) / elapsed.Seconds(),
		P50:       percentile(perOp, 0.5), P99: percentile(perOp, 0.99),
		AllocsPerOp: -1, BytesPerOp: -1, RSS: maxRSS}
	logf("%-8s %-8s c=1  %8.0f ops/s  p50 %-9v (%d processes of %d ops)", work, "runner", r.OpsPerSec, r.P50, len(perOp), e.o.runnerOps)
	return r, nil
}

// startupTimes runs `luaetcd -e ”` n times.
func startupTimes(bin string, n int) ([]time.Duration, error) {
	var ts []time.Duration
	for range n {
		t0 := time.Now()
		if out, err := exec.Command(bin, "-e", "").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("luaetcd -e '': %v: %s", err, out)
		}
		ts = append(ts, time.Since(t0))
	}
	return ts, nil
}

// idleClientBytes is the heap that n idle clients (Etcd.new() kept in a
// table) take in one state, per client.
func idleClientBytes(url string, n int) (float64, error) {
	L := luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(url))
	defer L.Close()
	// The first client also builds the state's client metatable.
	if err := L.DoString(`Etcd = require('etcd.luasocket'); clients = { Etcd.new() }`); err != nil {
		return 0, err
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	if err := L.DoString(fmt.Sprintf(`for i = 2, %d do clients[i] = assert(Etcd.new()) end`, n+1)); err != nil {
		return 0, err
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(L)
	return float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / float64(n), nil
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

// rss is the resident set size of this process.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}

// machineInfo describes where the run happened.
func machineInfo() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (nproc), %s, %s %s/%s", runtime.NumCPU(), cpu, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// loadAvg is the 1-minute load average, which tells how much else ran.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// stateBytes is the heap of one idle state from luaetcd.NewState (the
// fixed cost of the Lua path per goroutine), averaged over n states.
func stateBytes(url string, n int) float64 {
	states := make([]*lua.LState, 0, n)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for range n {
		states = append(states, luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(url)))
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	for _, L := range states {
		L.Close()
	}
	return float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / float64(n)
}
