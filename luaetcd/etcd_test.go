package luaetcd_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// The tests run Lua scripts from testdata/etcd against a real etcd 3.5
// (embedded, v2 API on), started once for the whole test binary. Requests
// pass through a recording reverse proxy so scripts can assert on the
// exact request lua-etcd would have sent, and then on etcd's real answer.

var etcdServer *embedetcd.Server

// target is an etcd the scripts run against.
type target struct {
	name, clientURL, peerURL string
	// v3only: the etcd serves no v2 API (3.6 and later); only the v3
	// backend runs there.
	v3only bool
}

// targets: the embedded etcd 3.5, and Debian's etcd-server 3.4 as a
// separate process when it is installed (.ci/run installs it, and under CI
// its absence is a failure).
var targets []target

// debianEtcd is where Debian's etcd-server package puts the server.
const debianEtcd = "/usr/bin/etcd"

func TestMain(m *testing.M) {
	flag.Parse()
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	etcdServer = s
	targets = append(targets, target{"etcd3.5", s.ClientURL, s.PeerURL, false})
	var proc *embedetcd.Process
	if _, err := os.Stat(debianEtcd); err == nil && !testing.Short() {
		proc, err = embedetcd.StartProcess(debianEtcd)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			s.Close()
			os.Exit(1)
		}
		targets = append(targets, target{"etcd3.4", proc.ClientURL, proc.PeerURL, false})
	} else if os.Getenv("CI") != "" && !testing.Short() {
		fmt.Fprintf(os.Stderr, "CI: %s (Debian's etcd-server) is missing; .ci/run installs it\n", debianEtcd)
		s.Close()
		os.Exit(1)
	}
	// etcd 3.7.3 (no v2 API) for the v3 backend, when built (.ci/run
	// builds it; under CI its absence is a failure).
	var etcd37 *etcdtest.ProcCluster
	if bin, err := etcdtest.Etcd37Path(); err == nil && !testing.Short() {
		etcd37, err = etcdtest.NewProcCluster(bin, 1, etcdtest.ProcOptions{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			s.Close()
			os.Exit(1)
		}
		m37 := etcd37.Members[0]
		targets = append(targets, target{"etcd3.7", m37.ClientURL, m37.PeerURL, true})
	} else if os.Getenv("CI") != "" && !testing.Short() {
		fmt.Fprintf(os.Stderr, "CI: etcd %s is missing: %v\n", etcdtest.Etcd37Version, err)
		s.Close()
		os.Exit(1)
	}
	code := m.Run()
	if proc != nil {
		proc.Close()
	}
	if etcd37 != nil {
		etcd37.Close()
	}
	// etcd's listener waits for the first bytes of every open connection
	// before it can stop; idle ones that never carried a request would
	// hold it until their keep-alive timeout.
	luaetcd.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	s.Close()
	os.Exit(code)
}

// recordedRequest is one request as it reached the proxy.
type recordedRequest struct {
	Method, Path, RawPath, Query, ContentType, Body string
}

// recordingProxy forwards to a real etcd and remembers what it saw. The
// client's own membership lookups (/v2/members and the /v2/stats/self that
// follows it) are counted but not offered as "the last request", so that a
// script can check the request its own call made.
type recordingProxy struct {
	*httptest.Server
	mu       sync.Mutex
	n        int
	conns    int // TCP connections accepted
	reqs     []recordedRequest
	inLookup bool
}

func newRecordingProxy(target string) *recordingProxy {
	u, _ := url.Parse(target)
	rp := &recordingProxy{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	rp.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.mu.Lock()
		rp.n++
		switch {
		case strings.HasPrefix(r.URL.Path, "/v2/members"):
			rp.inLookup = true
		case rp.inLookup && r.URL.Path == "/v2/stats/self":
			rp.inLookup = false
		default:
			rp.inLookup = false
			rp.reqs = append(rp.reqs, recordedRequest{
				Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), Query: r.URL.RawQuery,
				ContentType: r.Header.Get("Content-Type"), Body: string(body),
			})
		}
		rp.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	rp.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			rp.mu.Lock()
			rp.conns++
			rp.mu.Unlock()
		}
	}
	rp.Start()
	return rp
}

func (rp *recordingProxy) count() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.n
}

func (rp *recordingProxy) last() (recordedRequest, bool) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if len(rp.reqs) == 0 {
		return recordedRequest{}, false
	}
	return rp.reqs[len(rp.reqs)-1], true
}

// rawPut writes a key straight to etcd, bypassing the client: "another
// tool" writing data, or a writer racing a wait.
func rawPut(base, key, value string) error {
	req, _ := http.NewRequest("PUT", base+"/v2/keys"+key, strings.NewReader(url.Values{"value": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		return fmt.Errorf("raw put %s: status %d", key, res.StatusCode)
	}
	return nil
}

// newTestState builds a state the way hosts do and adds the test helpers
// the scripts use:
//
//	HOST, DIRECT, PEER    the proxy URL, etcd's own client URL, its peer URL
//	PREFIX                a key prefix unique to the script
//	OPTS, API             { host = HOST } and "v2": the backend, for check.client
//	last_request()        the last request the proxy saw, as a table
//	request_count()       how many requests the proxy has seen
//	connection_count()    how many TCP connections the proxy has accepted
//	raw_put(key, value)   write a raw string straight to etcd
//	raw_put_later(key, value, ms)  the same from another goroutine, later
//	sleep(seconds)
func newTestState(t *testing.T, ctx context.Context, prefix string, opts ...luaetcd.Option) *lua.LState {
	return newTestStateOn(t, targets[0], ctx, prefix, opts...)
}

// newTestStateOn is newTestState against a given etcd.
func newTestStateOn(t *testing.T, tg target, ctx context.Context, prefix string, opts ...luaetcd.Option) *lua.LState {
	recorder := newRecordingProxy(tg.clientURL)
	t.Cleanup(recorder.Close)
	L := luaetcd.NewState(ctx, opts...)
	L.SetGlobal("HOST", lua.LString(recorder.URL))
	L.SetGlobal("DIRECT", lua.LString(tg.clientURL))
	L.SetGlobal("PEER", lua.LString(tg.peerURL))
	L.SetGlobal("PREFIX", lua.LString(prefix))
	// The behaviour scripts' view of the backend (see TestScripts).
	be := L.NewTable()
	be.RawSetString("host", lua.LString(recorder.URL))
	// The v2 backend under test, without the auto probe's extra request
	// (the probe has tests of its own).
	be.RawSetString("api", lua.LString(luaetcd.APIv2))
	L.SetGlobal("OPTS", be)
	L.SetGlobal("API", lua.LString("v2"))
	L.SetGlobal("last_request", L.NewFunction(func(L *lua.LState) int {
		r, ok := recorder.last()
		if !ok {
			return 0
		}
		t := L.NewTable()
		t.RawSetString("method", lua.LString(r.Method))
		t.RawSetString("path", lua.LString(r.Path))
		t.RawSetString("rawpath", lua.LString(r.RawPath))
		t.RawSetString("query", lua.LString(r.Query))
		t.RawSetString("content_type", lua.LString(r.ContentType))
		t.RawSetString("body", lua.LString(r.Body))
		L.Push(t)
		return 1
	}))
	L.SetGlobal("request_count", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(recorder.count()))
		return 1
	}))
	L.SetGlobal("connection_count", L.NewFunction(func(L *lua.LState) int {
		recorder.mu.Lock()
		defer recorder.mu.Unlock()
		L.Push(lua.LNumber(recorder.conns))
		return 1
	}))
	setRawPut(t, L, func(key, value string) error { return rawPut(tg.clientURL, key, value) })
	return L
}

// setRawPut sets the globals raw_put, raw_put_later and sleep; put writes
// a raw string to the key space the way another tool would.
func setRawPut(t *testing.T, L *lua.LState, put func(key, value string) error) {
	L.SetGlobal("raw_put", L.NewFunction(func(L *lua.LState) int {
		if err := put(L.CheckString(1), L.CheckString(2)); err != nil {
			L.RaiseError("%s", err)
		}
		return 0
	}))
	L.SetGlobal("raw_put_later", L.NewFunction(func(L *lua.LState) int {
		key, value, ms := L.CheckString(1), L.CheckString(2), L.CheckInt(3)
		go func() {
			time.Sleep(time.Duration(ms) * time.Millisecond)
			if err := put(key, value); err != nil {
				t.Errorf("raw_put_later: %v", err)
			}
		}()
		return 0
	}))
	L.SetGlobal("sleep", L.NewFunction(func(L *lua.LState) int {
		time.Sleep(time.Duration(float64(L.CheckNumber(1)) * float64(time.Second)))
		return 0
	}))
}

// The scripts in testdata/etcd come in two kinds:
//
//   - behaviour/*.lua check what a script observes (entities, errors,
//     values), whatever backend serves the etcd module. They reach it only
//     through these globals, which each backend's harness sets: OPTS (the
//     options that select and reach the backend; check.client and
//     check.opts add them to every Etcd.new), API (the backend's name),
//     PREFIX, DIRECT and PEER (the etcd's own client and peer URLs, as
//     members advertise them), raw_put, raw_put_later, request_count and
//     sleep.
//   - wire/*.lua check the exact v2 HTTP requests through the recording
//     proxy (last_request(), connection_count()); they run on the v2
//     backend only.
//
// A script passes when it runs to the end; it fails by raising an error
// (helpers in testdata/etcd/lib/check.lua).

// testBackend is one backend the behaviour scripts run against, on every
// target etcd.
type testBackend struct {
	name string
	// state builds the Lua state of one script on tg, with the globals
	// above set.
	state func(t *testing.T, tg target, prefix string) *lua.LState
}

// backends lists the backends the behaviour scripts run against. Adding
// one is adding a line.
var backends = []testBackend{
	{"v2", v2State},
	{"v3", v3State},
}

// v3State is the v3 backend (api = 'v3') on the target's client URL:
// etcd's v3 API, the key space in the v3 layout (docs/v3-backend.md).
// raw_put writes with a v3 put, as another v3 tool would; request_count
// counts the operations the backend carried out (its hook).
func v3State(t *testing.T, tg target, prefix string) *lua.LState {
	var ops atomic.Int64
	L := luaetcd.NewState(context.Background(), luaetcd.WithAPI(luaetcd.APIv3),
		luaetcd.WithRequestHook(func(luaetcd.RequestInfo) { ops.Add(1) }))
	L.SetGlobal("HOST", lua.LString(tg.clientURL))
	L.SetGlobal("DIRECT", lua.LString(tg.clientURL))
	L.SetGlobal("PEER", lua.LString(tg.peerURL))
	L.SetGlobal("PREFIX", lua.LString(prefix))
	o := L.NewTable()
	o.RawSetString("host", lua.LString(tg.clientURL))
	o.RawSetString("api", lua.LString(luaetcd.APIv3))
	L.SetGlobal("OPTS", o)
	L.SetGlobal("API", lua.LString(luaetcd.APIv3))
	L.SetGlobal("request_count", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(ops.Load()))
		return 1
	}))
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{tg.clientURL}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	setRawPut(t, L, func(key, value string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := cli.Put(ctx, key, value)
		return err
	})
	return L
}

// v2State is the v2 HTTP backend through the recording proxy.
func v2State(t *testing.T, tg target, prefix string) *lua.LState {
	return newTestStateOn(t, tg, context.Background(), prefix)
}

func scripts(t *testing.T, kind string) []string {
	files, err := filepath.Glob("testdata/etcd/" + kind + "/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s scripts: %v", kind, err)
	}
	return files
}

// TestScripts runs every behaviour script with every backend, and every
// wire script with the v2 backend, on every target etcd.
func TestScripts(t *testing.T) {
	for _, tg := range targets {
		for _, be := range backends {
			if tg.v3only && be.name != "v3" {
				continue
			}
			for _, f := range scripts(t, "behaviour") {
				runScript(t, tg.name+"/"+be.name+"/", f, func(t *testing.T, prefix string) *lua.LState {
					return be.state(t, tg, prefix)
				})
			}
		}
		for _, f := range scripts(t, "wire") {
			if tg.v3only {
				break
			}
			runScript(t, tg.name+"/wire/", f, func(t *testing.T, prefix string) *lua.LState {
				return v2State(t, tg, prefix)
			})
		}
	}
}

func runScript(t *testing.T, group, f string, state func(t *testing.T, prefix string) *lua.LState) {
	name := strings.TrimSuffix(filepath.Base(f), ".lua")
	t.Run(group+name, func(t *testing.T) {
		t.Parallel()
		// A prefix per run: scripts of both kinds share one etcd.
		prefix := "/test/" + strings.ReplaceAll(group, "/", "_") + name
		L := state(t, prefix)
		defer L.Close()
		pkgPath(L)
		if err := L.DoFile(f); err != nil {
			t.Fatal(err)
		}
	})
}

// pkgPath lets scripts require the helpers in testdata/etcd/lib.
func pkgPath(L *lua.LState) {
	L.GetGlobal("package").(*lua.LTable).RawSetString("path", lua.LString("testdata/etcd/lib/?.lua"))
}
