package apiprobe

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"go.etcd.io/etcd/server/v3/embed"
)

func start(t *testing.T, v2 bool) *embedetcd.Server {
	t.Helper()
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true, Configure: func(c *embed.Config) { c.EnableV2 = v2 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestChoose(t *testing.T) {
	Forget()
	ctx := context.Background()
	v2, v3 := start(t, true), start(t, false)
	port, _ := embedetcd.FreePort()
	dead := "http://127.0.0.1:" + strconv.Itoa(port)
	for _, c := range []struct {
		eps  []string
		want string
	}{
		{[]string{v2.ClientURL}, V2},
		{[]string{v3.ClientURL}, V3},
		{[]string{dead, v3.ClientURL}, V3}, // an unreachable endpoint is skipped
	} {
		got, err := Choose(ctx, http.DefaultClient, c.eps)
		if err != nil || got.API != c.want || got.Reason == "" {
			t.Fatalf("%v: %+v %v, want %s", c.eps, got, err, c.want)
		}
	}
	if _, err := Choose(ctx, http.DefaultClient, []string{dead}); err == nil {
		t.Fatal("no error without a reachable endpoint")
	}
	// Remembered: with the server stopped, the choice stays.
	gone, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Choose(ctx, http.DefaultClient, []string{gone.ClientURL}); err != nil || got.API != V2 {
		t.Fatalf("%+v %v", got, err)
	}
	gone.Close()
	if got, err := Choose(ctx, http.DefaultClient, []string{gone.ClientURL}); err != nil || got.API != V2 {
		t.Fatalf("not remembered: %+v %v", got, err)
	}
}

// An endpoint that accepts connections and answers nothing (a FaultProxy,
// a fake in front of the real server, blackholed) is left after
// StallTimeout for the next one.
func TestChooseSilentFirst(t *testing.T) {
	Forget()
	v3 := start(t, false)
	p, err := etcdtest.NewFaultProxy(strings.TrimPrefix(v3.ClientURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Blackhole()
	t0 := time.Now()
	got, err := Choose(context.Background(), http.DefaultClient, []string{p.URL, v3.ClientURL})
	if took := time.Since(t0); err != nil || got.API != V3 || took > StallTimeout+2*time.Second {
		t.Fatalf("%+v %v after %v", got, err, took)
	}
}

// With v2 auth on, the anonymous probe is refused by the v2 API: still v2.
func TestChooseV2Auth(t *testing.T) {
	Forget()
	s := etcdtest.StartAuth(t)
	got, err := Choose(context.Background(), http.DefaultClient, []string{s.ClientURL})
	if err != nil || got.API != V2 {
		t.Fatalf("%+v %v", got, err)
	}
}

// etcd 3.7.3 has no v2 API: v3.
func TestChooseEtcd37(t *testing.T) {
	Forget()
	m := etcdtest.StartEtcd37(t)
	got, err := Choose(context.Background(), http.DefaultClient, []string{m.ClientURL})
	if err != nil || got.API != V3 {
		t.Fatalf("%+v %v", got, err)
	}
}
