package luaetcd_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/backend/fakebackend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// escapeRoot is the jail the escape corpus runs in.
const escapeRoot = "/tenant/a"

// hostPassword is the host's etcd password; no script may find it.
const hostPassword = "s3cret-host-pw"

// escapeSeed are the keys the corpus must not reach (and one inside).
var escapeSeed = map[string]string{
	"/tenant/b/secret": "b's secret", "/tenant/ab/x": "sibling", "/outside": "outside",
	"/tenant/a/seed": "1", "/tenant/x": "parent's",
}

// escapeWrites are keys the corpus writes, each inside the jail under the
// name the script used (the literal %2e%2e too).
var escapeWrites = []string{"/tenant/a/outside", "/tenant/a/%2e%2e/outside", "/tenant/a/tenant/b/secret",
	"/tenant/a/b/secret", "/tenant/a/via-prefix", "/tenant/a/tenant/b/via-prefix", "/tenant/a/client-was-here"}

// TestEscapeCorpus runs every script of testdata/sandbox/escape in a
// sandboxed state jailed below /tenant/a, against an etcd of its own
// whose other keys are then compared, over plain HTTP, with what they
// were before: each script asserts that its attempts fail or stay inside
// the jail, and the cluster shows that nothing outside changed.
func TestEscapeCorpus(t *testing.T) {
	srv, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for k, v := range escapeSeed {
		etcdtest.Put(t, srv.ClientURL, k, v)
	}
	before := etcdtest.Outside(etcdtest.Keys(t, srv.ClientURL), escapeRoot)
	runEscapeCorpus(t, srv.ClientURL, srv.PeerURL)
	after := etcdtest.Keys(t, srv.ClientURL)
	if got := etcdtest.Outside(after, escapeRoot); !reflect.DeepEqual(got, before) {
		t.Errorf("keys outside the jail changed:\nbefore %v\n after %v", before, got)
	}
	for _, k := range escapeWrites {
		if _, ok := after[k]; !ok {
			t.Errorf("%s is missing: a write went elsewhere", k)
		}
	}
	if _, err := os.Stat("/tmp/luaetcd-escape"); err == nil {
		t.Errorf("/tmp/luaetcd-escape exists: a shell command ran")
	}
}

// The jail holds on another backend too: the corpus on the in-memory
// fake, whose whole key space is then read without the jail.
func TestEscapeCorpusFakeBackend(t *testing.T) {
	fake := fakebackend.New()
	for k, v := range escapeSeed {
		fake.Put(k, v)
	}
	keys := func() map[string]string {
		res, err := fake.Do(context.Background(), &backend.Op{Kind: backend.Get, Key: "/", Recursive: true})
		if err != nil {
			t.Fatal(err)
		}
		var ev v2api.Event
		if err := json.Unmarshal(res.Body, &ev); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		var walk func(n *v2api.Node)
		walk = func(n *v2api.Node) {
			if n.Value != nil {
				out[n.Key] = *n.Value
			} else {
				out[n.Key] = "(dir)"
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		}
		walk(ev.Node)
		return out
	}
	outside := func(m map[string]string) map[string]string {
		o := map[string]string{}
		for k, v := range m {
			if k != escapeRoot && !strings.HasPrefix(k, escapeRoot+"/") {
				o[k] = v
			}
		}
		return o
	}
	before := outside(keys())
	runEscapeCorpus(t, "http://127.0.0.1:4001", "http://127.0.0.1:7001", luaetcd.WithBackend(fake))
	after := keys()
	if got := outside(after); !reflect.DeepEqual(got, before) {
		t.Errorf("keys outside the jail changed:\nbefore %v\n after %v", before, got)
	}
	for _, k := range escapeWrites {
		if _, ok := after[k]; !ok {
			t.Errorf("%s is missing: a write went elsewhere", k)
		}
	}
}

// runEscapeCorpus runs each corpus script in a fresh sandboxed state
// jailed below escapeRoot, with a 20 s budget (the busy loop 300 ms).
func runEscapeCorpus(t *testing.T, clientURL, peerURL string, extra ...luaetcd.Option) {
	scripts, _ := filepath.Glob("testdata/sandbox/escape/*.lua")
	if len(scripts) < 10 {
		t.Fatalf("only %d corpus scripts", len(scripts))
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".lua")
		t.Run(name, func(t *testing.T) {
			budget := 20 * time.Second
			if name == "busy" {
				budget = 300 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), budget)
			defer cancel()
			opts := append([]luaetcd.Option{luaetcd.WithSandbox(), luaetcd.WithKeyJail(escapeRoot),
				luaetcd.WithEndpoints(clientURL), luaetcd.WithPeer(peerURL),
				luaetcd.WithBasicAuth("root", hostPassword)}, extra...)
			L := luaetcd.NewState(ctx, opts...)
			defer L.Close()
			L.SetGlobal("HOST_PASSWORD", lua.LString(hostPassword))
			L.SetGlobal("HOST_URL", lua.LString(clientURL))
			L.SetGlobal("MEMBER", lua.LString("default"))
			mods := L.NewTable()
			for _, m := range sandboxModules {
				mods.Append(lua.LString(m))
			}
			L.SetGlobal("MODULES", mods) // for reach.lua
			src, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			fn, err := L.LoadString(string(src))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			L.Push(fn)
			err = L.PCall(0, 0, nil)
			if name == "busy" {
				// gopher-lua checks the context before each instruction.
				late := time.Since(start) - budget
				if err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) || late > time.Second {
					t.Fatalf("busy loop: err %v, stopped %v after the budget", err, late)
				}
				t.Logf("busy loop stopped %v after its %v budget: %v", late.Round(time.Millisecond), budget, firstLine(err))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
