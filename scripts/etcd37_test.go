package scripts_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// The example scripts run unchanged, with no API flag, against etcd 3.7.3,
// which serves no v2 API: the runner picks the v3 backend by itself. They
// print what they print on the embedded 3.5, except where the docs say v3
// has no source (the store statistics), the server's version and the
// member's name.
func TestScriptsOnEtcd37(t *testing.T) {
	t.Parallel()
	m := etcdtest.StartEtcd37(t)
	for _, name := range []string{"tour", "lock", "queue"} {
		got := run(t, "--endpoints", m.ClientURL, name+".lua")
		want, err := os.ReadFile(filepath.Join("testdata", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		exp := string(want)
		if name == "tour" {
			exp = strings.Replace(exp, "etcdserver 3.5.x", "etcdserver 3.7.x", 1)
			exp = strings.Replace(exp, "statsStore()                             -> 200\nsetsSuccess counted: true",
				"statsStore()                             -> 404\nsetsSuccess counted: false", 1)
			exp = strings.Replace(exp, `name = "default"`, `name = "`+m.Name+`"`, 1)
		}
		if got != exp {
			t.Errorf("%s.lua on etcd 3.7.3 printed:\n%s\nwant:\n%s", name, got, exp)
		}
	}
}

// config.lua's export / import round trip (TestConfig's steps) runs
// unchanged against etcd 3.7.3 with only --endpoints, and prints and
// exports exactly what it does on the embedded 3.5.
func TestConfigOnEtcd37(t *testing.T) {
	t.Parallel()
	m := etcdtest.StartEtcd37(t)
	configRoundTrip(t, "--endpoints", m.ClientURL)
}

// watch.lua (TestWatch's steps) runs unchanged against etcd 3.7.3 with
// only --endpoints and prints what it prints on the embedded 3.5. etcd
// 3.7 keeps history until it is compacted, not the last 1000 events, so
// the test compacts the way an operator's auto-compaction would: once the
// watcher's second lag write is in, at that write's revision. The
// watcher's first wait index (its read's X-Etcd-Index + 1) is then below
// the compacted revision, and the v3 backend must answer v2's errorCode
// 401 so that the script's recovery runs.
func TestWatchOnEtcd37(t *testing.T) {
	t.Parallel()
	m := etcdtest.StartEtcd37(t)
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{m.ClientURL}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	compacted := make(chan error, 1)
	lagging := func() {
		wch := cli.Watch(ctx, "/cfg/feature.lag")
		go func() {
			for resp := range wch {
				for _, ev := range resp.Events {
					if ev.Type == clientv3.EventTypePut && string(ev.Kv.Value) == "2" {
						_, err := cli.Compact(ctx, ev.Kv.ModRevision)
						compacted <- err
						return
					}
				}
			}
			compacted <- errors.New("watch of /cfg/feature.lag ended before the second lag write")
		}()
	}
	watchRoundTrip(t, lagging, "--endpoints", m.ClientURL)
	if err := <-compacted; err != nil {
		t.Fatal(err)
	}
}
