package etcdtest

import (
	"context"
	"net/http"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// newClient returns a v3 client (the main module's 3.5 client) for urls,
// closed when t ends.
func newClient(t *testing.T, urls ...string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: urls, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustPut(t *testing.T, cli *clientv3.Client, key, value string) {
	t.Helper()
	if _, err := cli.Put(ctx(t), key, value); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func mustGet(t *testing.T, cli *clientv3.Client, key string, opts ...clientv3.OpOption) string {
	t.Helper()
	res, err := cli.Get(ctx(t), key, opts...)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	if len(res.Kvs) != 1 {
		return ""
	}
	return string(res.Kvs[0].Value)
}

func TestEtcd37Single(t *testing.T) {
	t.Parallel()
	m := StartEtcd37(t)
	st, err := m.Status(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != Etcd37Version {
		t.Fatalf("server version %q, want %s", st.Version, Etcd37Version)
	}
	cli := newClient(t, m.ClientURL)
	mustPut(t, cli, "/k", "v1")
	if got := mustGet(t, cli, "/k"); got != "v1" {
		t.Fatalf("get /k = %q, want v1", got)
	}
	// The point of this etcd: it has no v2 API.
	res, err := http.Get(m.ClientURL + "/v2/keys/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /v2/keys/: %s, want 404", res.Status)
	}

	// Same data directory and port after a clean stop.
	m.Stop()
	if m.Running() {
		t.Fatal("running after Stop")
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, cli, "/k"); got != "v1" {
		t.Fatalf("after restart get /k = %q, want v1", got)
	}
	if err := m.Restart(); err == nil {
		t.Fatal("Restart of a running member succeeded")
	}
}
