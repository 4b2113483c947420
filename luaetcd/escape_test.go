package luaetcd_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// escapeRoot is the jail the escape corpus runs in.
const escapeRoot = "/tenant/a"

// hostPassword is the host's etcd password; no script may find it.
const hostPassword = "s3cret-host-pw"

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
	seed := map[string]string{
		"/tenant/b/secret": "b's secret", "/tenant/ab/x": "sibling", "/outside": "outside",
		"/tenant/a/seed": "1", "/tenant/x": "parent's",
	}
	for k, v := range seed {
		etcdtest.Put(t, srv.ClientURL, k, v)
	}
	before := etcdtest.Outside(etcdtest.Keys(t, srv.ClientURL), escapeRoot)

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
			L := luaetcd.NewState(ctx, luaetcd.WithSandbox(), luaetcd.WithKeyJail(escapeRoot),
				luaetcd.WithEndpoints(srv.ClientURL), luaetcd.WithPeer(srv.PeerURL),
				luaetcd.WithBasicAuth("root", hostPassword))
			defer L.Close()
			L.SetGlobal("HOST_PASSWORD", lua.LString(hostPassword))
			L.SetGlobal("HOST_URL", lua.LString(srv.ClientURL))
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

	after := etcdtest.Keys(t, srv.ClientURL)
	if got := etcdtest.Outside(after, escapeRoot); !reflect.DeepEqual(got, before) {
		t.Errorf("keys outside the jail changed:\nbefore %v\n after %v", before, got)
	}
	// What the scripts wrote is inside the jail, under the names they
	// used (the literal %2e%2e too).
	for _, k := range []string{"/tenant/a/outside", "/tenant/a/%2e%2e/outside", "/tenant/a/tenant/b/secret",
		"/tenant/a/b/secret", "/tenant/a/via-prefix", "/tenant/a/tenant/b/via-prefix", "/tenant/a/client-was-here"} {
		if _, ok := after[k]; !ok {
			t.Errorf("%s is missing: a write went elsewhere", k)
		}
	}
	for _, f := range []string{"/tmp/luaetcd-escape"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s exists: a shell command ran", f)
		}
	}
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
