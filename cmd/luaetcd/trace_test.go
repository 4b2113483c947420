package main

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/luaetcd"
)

func TestTraceLines(t *testing.T) {
	var b strings.Builder
	tr := &tracer{w: &b}
	tr.hook(luaetcd.RequestInfo{Op: "get", Endpoint: "http://a:1", Method: "GET", URL: "http://a:1/v2/keys/k", Status: 200, Duration: 1500 * time.Microsecond})
	tr.hook(luaetcd.RequestInfo{Op: "set", Endpoint: "http://a:1", Method: "PUT", URL: "http://a:1/v2/keys/k", Err: errors.New("dial tcp a:1: connect: connection refused"), Duration: 300 * time.Microsecond})
	tr.hook(luaetcd.RequestInfo{Op: "set", Endpoint: "http://b:2", Method: "PUT", URL: "http://b:2/v2/keys/k", Status: 201, Duration: 25 * time.Millisecond})
	tr.hook(luaetcd.RequestInfo{Op: "watch", Endpoint: "http://b:2", Method: "GET", URL: "http://b:2/v2/keys/k?wait=true", Status: 200, Duration: 2500 * time.Millisecond})
	// A silent member: the read moves on, the member is probed.
	tr.hook(luaetcd.RequestInfo{Op: "get", Endpoint: "http://b:2", Method: "GET", URL: "http://b:2/v2/keys/k", Err: errors.New("context canceled"), Duration: time.Second, Suspect: "no answer headers within 1s"})
	tr.hook(luaetcd.RequestInfo{Op: "version", Endpoint: "http://b:2", Method: "GET", URL: "http://b:2/health", Err: errors.New("context deadline exceeded"), Duration: 2 * time.Second, Probe: true})
	tr.hook(luaetcd.RequestInfo{Op: "get", Endpoint: "http://a:1", Method: "GET", URL: "http://a:1/v2/keys/k", Status: 200, Duration: time.Millisecond})
	// The v3 backend names an RPC, the endpoints and the key.
	tr.hook(luaetcd.RequestInfo{Op: "set", Key: "/k", Endpoint: "http://a:1,http://b:2", Method: "Txn", Status: 201, Duration: 2 * time.Millisecond})
	want := "luaetcd: trace get GET http://a:1/v2/keys/k 200 1.5ms\n" +
		"luaetcd: trace set PUT http://a:1/v2/keys/k error: dial tcp a:1: connect: connection refused 0.3ms\n" +
		"luaetcd: trace set PUT http://b:2/v2/keys/k 201 25ms (answered by http://b:2 after a failover)\n" +
		"luaetcd: trace watch GET http://b:2/v2/keys/k?wait=true 200 2.5s\n" +
		"luaetcd: trace get GET http://b:2/v2/keys/k error: context canceled 1.0s (http://b:2 suspect: no answer headers within 1s)\n" +
		"luaetcd: trace probe GET http://b:2/health error: context deadline exceeded 2.0s\n" +
		"luaetcd: trace get GET http://a:1/v2/keys/k 200 1.0ms (answered by http://a:1 after a failover)\n" +
		"luaetcd: trace set Txn http://a:1,http://b:2 /k 201 2.0ms\n"
	if b.String() != want {
		t.Errorf("trace:\n%s\nwant:\n%s", b.String(), want)
	}
}

// --trace and LUAETCD_TRACE print each request of a real run on stderr:
// the script sees lua-etcd's short word, the trace the whole cause, and
// which endpoint answered after a failover. Credentials never show.
func TestTraceRun(t *testing.T) {
	requireEtcdModule(t)
	srv, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	script := `local E = require('etcd.luasocket')
		local c = E.new()
		print(c:set('/trace', 1).body.action)
		print(E.new({ host = 'http://u:s3cret@127.0.0.1:1' }):get('/x'))`
	for _, how := range []struct {
		args []string
		env  []string
	}{
		{[]string{"--trace", "--endpoints", "http://127.0.0.1:1," + srv.ClientURL, "-e", script}, nil},
		{[]string{"--endpoints", "http://127.0.0.1:1," + srv.ClientURL, "-e", script}, []string{"LUAETCD_TRACE=1"}},
	} {
		r := runBinary(t, how.args, how.env, "")
		cliCase{stdout: "set\nnil\tconnection refused\n", stderrHas: []string{
			"luaetcd: trace set PUT http://127.0.0.1:1/v2/keys/trace error: dial tcp 127.0.0.1:1: connect: connection refused ",
			"luaetcd: trace set PUT " + srv.ClientURL + "/v2/keys/trace 20",
			"ms (answered by " + srv.ClientURL + " after a failover)\n",
			"luaetcd: trace machines GET " + srv.ClientURL + "/v2/members 200 ",
			"luaetcd: trace get GET http://127.0.0.1:1/v2/keys/x error: dial tcp 127.0.0.1:1: connect: connection refused ",
		}}.check(t, r)
		if strings.Contains(r.stderr, "s3cret") {
			t.Errorf("credentials in the trace: %s", r.stderr)
		}
		line := regexp.MustCompile(`(?m)^luaetcd: trace \w+ [A-Z]+ \S+ (\d{3}|error: .+) [\d.]+m?s( \(answered by \S+ after a failover\))?$`)
		for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			if !line.MatchString(l) {
				t.Errorf("trace line %q", l)
			}
		}
	}
	// Without either, nothing is traced.
	r := runBinary(t, []string{"--endpoints", srv.ClientURL, "-e", script}, nil, "")
	cliCase{stdout: "set\nnil\tconnection refused\n"}.check(t, r)
}
