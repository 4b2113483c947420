// Command luaetcd-bench measures the etcd module's Lua path against plain
// Go clients, side by side, on one real etcd.
//
//	go run ./cmd/luaetcd-bench [-duration 1s] [-out BENCHMARKS.md]
//
// It starts one etcd 3.5 (internal/embedetcd, v2 API on) in a child
// process, so that the allocation counts and the RSS it reports are the
// clients' alone, and builds cmd/luaetcd. Then, for each workload (set,
// get, cas, readdir of 100 keys, push) and each concurrency (1, 2, 4, 8,
// 16 goroutines), it runs for -duration each of:
//
//	go-http   plain net/http keep-alive client sending exactly the v2
//	          requests luaetcd sends (the floor)
//	lua       the workload as a Lua loop calling cli:set etc., one Lua state
//	          per goroutine (luaetcd.NewState), all sharing luaetcd's one
//	          keep-alive transport
//	go-v2     the official Go client go.etcd.io/etcd/client/v2
//	runner    (concurrency 1 only) the built luaetcd binary running the
//	          same script, process start included: time per op is the
//	          process's wall time / ops
//	clientv3  plain go.etcd.io/etcd/client/v3, one shared client, doing
//	          at minimum what each workload asks of the v3 API (Put, Get,
//	          Txn on ModRevision, Get of a prefix, a creating Txn, Watch):
//	          the floor of the v3 backend
//	lua-v3    the same Lua workload with luaetcd.WithAPI(APIv3): the v2
//	          semantics served from the v3 API by internal/v3backend
//
// plus the wait-notify latency (a writer sets a key that a waiting client
// waits on: time from the write sent to the wait returning), the runner's
// start-up time (luaetcd -e ”) and the heap of an idle client.
//
// -out FILE.md replaces the part of FILE between the markers
// "<!-- luaetcd-bench:begin -->" and "<!-- luaetcd-bench:end -->" (or
// appends them); -out DIR writes DIR/results.md. The chart (ops/s against
// concurrency for set and get) goes to -chart, bench/chart.svg by default.
package main

import (
	"bufio"
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"go.etcd.io/etcd/server/v3/embed"
)

//go:embed workload.lua
var workloadScript string

type options struct {
	duration   time.Duration
	out        string
	chart      string
	conc       []int
	workloads  []string
	runnerOps  int
	luaetcdBin string
	cpuProfile string
	memProfile string
	impls      map[string]bool
	fsync      bool
	rounds     int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-serve-etcd" {
		serveEtcd(len(os.Args) > 2 && os.Args[2] == "fsync")
		return
	}
	var o options
	var conc, works, impls string
	flag.DurationVar(&o.duration, "duration", 400*time.Millisecond, "measuring time of each round of each row")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds per row; ops/s is the median of the rounds")
	flag.StringVar(&o.out, "out", "", "FILE.md: replace the results section of FILE; DIR: write DIR/results.md; empty: stdout only")
	flag.StringVar(&o.chart, "chart", "bench/chart.svg", "where to write the SVG chart (empty: none)")
	flag.StringVar(&conc, "conc", "1,2,4,8,16", "concurrencies (goroutines)")
	flag.StringVar(&works, "workloads", "set,get,cas,readdir,push,wait", "workloads to run")
	flag.StringVar(&impls, "impls", "go-http,lua,go-v2,runner,clientv3,lua-v3", "implementations to run")
	flag.IntVar(&o.runnerOps, "runner-ops", 100, "operations per runner process")
	flag.StringVar(&o.luaetcdBin, "luaetcd", "", "prebuilt luaetcd binary (default: go build ./cmd/luaetcd)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run")
	flag.StringVar(&o.memProfile, "memprofile", "", "write an allocation profile at the end")
	flag.BoolVar(&o.fsync, "fsync", false, "let etcd fsync its WAL (default: --unsafe-no-fsync, so the disk does not drown the client costs)")
	flag.Parse()
	for _, s := range strings.Split(conc, ",") {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
			fatalf("bad -conc %q", conc)
		}
		o.conc = append(o.conc, n)
	}
	o.workloads = strings.Split(works, ",")
	o.impls = map[string]bool{}
	for _, s := range strings.Split(impls, ",") {
		o.impls[s] = true
	}
	if err := run(o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "luaetcd-bench: "+format+"\n", args...)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// serveEtcd is the child process: it starts etcd, prints the client URL
// and runs until its stdin closes. Without fsync, etcd runs with
// --unsafe-no-fsync: on a shared disk a WAL fsync takes 0.3 to 60 ms,
// which would make the write rows measure the disk, not the clients.
func serveEtcd(fsync bool) {
	s, err := embedetcd.Start(embedetcd.Config{Configure: func(c *embed.Config) {
		c.UnsafeNoFsync = !fsync
	}})
	if err != nil {
		fatalf("%v", err)
	}
	fmt.Println(s.ClientURL)
	io.Copy(io.Discard, os.Stdin)
	s.Close()
}

// startEtcd starts the etcd child process and returns its client URL and
// a function that stops it.
func startEtcd(fsync bool) (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	mode := "nofsync"
	if fsync {
		mode = "fsync"
	}
	cmd := exec.Command(self, "-serve-etcd", mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "", nil, fmt.Errorf("etcd child: %v", err)
	}
	stop := func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	return strings.TrimSpace(line), stop, nil
}

// buildRunner builds cmd/luaetcd into dir, with the given build tags
// ("" for the default build, "noembed" for the production build without
// --embed, which starts faster).
func buildRunner(dir, tags string) (string, error) {
	bin := filepath.Join(dir, "luaetcd"+strings.ReplaceAll(tags, ",", "-"))
	cmd := exec.Command("go", "build", "-tags", tags, "-o", bin, "github.com/luaetcd/go-luaetcd/cmd/luaetcd")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building cmd/luaetcd: %v", err)
	}
	return bin, nil
}

func run(o options) error {
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	tmp, err := os.MkdirTemp("", "luaetcd-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// The runner rows use the production build (-tags noembed: scripts
	// talk to a real cluster, so etcd's server is not linked); start-up is
	// reported for it and for the default build with --embed.
	bin, fullBin := o.luaetcdBin, ""
	if bin == "" && o.impls["runner"] {
		logf("building cmd/luaetcd ...")
		if bin, err = buildRunner(tmp, "noembed"); err != nil {
			return err
		}
		if fullBin, err = buildRunner(tmp, ""); err != nil {
			return err
		}
	}
	scriptPath := filepath.Join(tmp, "workload.lua")
	if err := os.WriteFile(scriptPath, []byte(workloadScript), 0o644); err != nil {
		return err
	}

	url, stop, err := startEtcd(o.fsync)
	if err != nil {
		return err
	}
	defer stop()
	logf("etcd at %s (child process)", url)

	env := newEnv(url, bin, scriptPath, o)
	defer env.close()
	if err := env.setup(context.Background()); err != nil {
		return err
	}
	if o.impls["clientv3"] || o.impls["lua-v3"] {
		if err := env.setupV3(context.Background()); err != nil {
			return err
		}
	}
	res := &results{Machine: machineInfo(), Duration: o.duration, RunnerOps: o.runnerOps, Fsync: o.fsync, Rounds: o.rounds}
	start := time.Now()
	load0 := loadAvg()
	var impls []string
	for _, impl := range []string{"go-http", "lua", "go-v2", "clientv3", "lua-v3"} {
		if o.impls[impl] {
			impls = append(impls, impl)
		}
	}
	for _, w := range o.workloads {
		concs := o.conc
		if w == "wait" {
			concs = []int{1}
		}
		for _, n := range concs {
			// Rounds rotate the order of the implementations, so none is
			// always first after a change of workload or always next to
			// a noisy neighbour.
			parts := map[string][]row{}
			for k := range o.rounds {
				for j := range impls {
					impl := impls[(j+k)%len(impls)]
					var r row
					var err error
					if w == "wait" {
						r, err = env.runWait(impl)
					} else {
						r, err = env.runRow(w, impl, n)
					}
					if err != nil {
						return fmt.Errorf("%s/%s/%d: %v", w, impl, n, err)
					}
					parts[impl] = append(parts[impl], r)
				}
			}
			for _, impl := range impls {
				res.add(mergeRounds(parts[impl]))
			}
			if n == 1 && w != "wait" && o.impls["runner"] && bin != "" {
				r, err := env.runRunner(w)
				if err != nil {
					return fmt.Errorf("%s/runner: %v", w, err)
				}
				res.add(r)
			}
		}
	}
	if bin != "" {
		logf("runner start-up ...")
		if res.Startup, err = startupTimes(bin, 21); err != nil {
			return err
		}
		if fullBin != "" {
			if res.StartupFull, err = startupTimes(fullBin, 21); err != nil {
				return err
			}
		}
	}
	logf("idle client memory ...")
	if res.IdleClient, err = idleClientBytes(url, 1000); err != nil {
		return err
	}
	res.State = stateBytes(url, 100)
	res.Elapsed = time.Since(start)
	res.Load = load0 + " / " + loadAvg()

	md := res.markdown(o.chart)
	fmt.Print(md)
	if o.chart != "" {
		if err := os.MkdirAll(filepath.Dir(o.chart), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(o.chart, []byte(res.svg()), 0o644); err != nil {
			return err
		}
	}
	if o.out != "" {
		if err := writeOut(o.out, md); err != nil {
			return err
		}
	}
	if o.memProfile != "" {
		f, err := os.Create(o.memProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		runtime.GC()
		pprof.Lookup("allocs").WriteTo(f, 0)
	}
	return nil
}

const (
	beginMarker = "<!-- luaetcd-bench:begin -->"
	endMarker   = "<!-- luaetcd-bench:end -->"
)

// writeOut writes md into out: between the markers of a .md file, or as
// results.md in a directory.
func writeOut(out, md string) error {
	if !strings.HasSuffix(out, ".md") {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, "results.md"), []byte(md), 0o644)
	}
	old, err := os.ReadFile(out)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	section := beginMarker + "\n" + md + endMarker
	s := string(old)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i >= 0 && j > i {
		s = s[:i] + section + s[j+len(endMarker):]
	} else {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += section + "\n"
	}
	return os.WriteFile(out, []byte(s), 0o644)
}
