package v2http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
)

// etcd is the real etcd (3.5, v2 API enabled) every test in this package
// talks to; started once in TestMain.
var etcd *embedetcd.Server

func TestMain(m *testing.M) {
	t0 := time.Now()
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if d := time.Since(t0); d > 5*time.Second {
		fmt.Fprintf(os.Stderr, "embedded etcd took %v to start (busy machine?)\n", d)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	etcd = s
	code := m.Run()
	t0 = time.Now()
	// Idle connections that never carried a request (a dial that finished
	// after its request was cancelled) hold etcd's listener until their
	// keep-alive timeout: close them first.
	CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	s.Close()
	if d := time.Since(t0); d > 5*time.Second {
		fmt.Fprintf(os.Stderr, "embedded etcd took %v to stop\n", d)
	}
	os.Exit(code)
}

// newClient returns a Client (on the real etcd unless cfg.Host says
// otherwise) with the lazy membership lookup marked done just now, so
// tests count only their own requests (a refresh after a failover is due
// only 30 s later). Tests of the lookup call New themselves.
func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Host == "" {
		cfg.Host = etcd.ClientURL
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.lookupOK, c.lookedUp, c.lookupAt = true, true, c.now()
	return c
}

func do(t *testing.T, c *Client, op *backend.Op) *backend.Response {
	t.Helper()
	resp, err := c.Do(context.Background(), op)
	if err != nil {
		t.Fatalf("%s %q: %v", op.Kind, op.Key, err)
	}
	return resp
}

type node struct {
	Key           string  `json:"key"`
	Value         *string `json:"value"`
	Dir           bool    `json:"dir"`
	TTL           int64   `json:"ttl"`
	ModifiedIndex uint64  `json:"modifiedIndex"`
	Nodes         []node  `json:"nodes"`
}

type keysBody struct {
	Action    string `json:"action"`
	Node      node   `json:"node"`
	PrevNode  *node  `json:"prevNode"`
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
}

func decode(t *testing.T, resp *backend.Response) keysBody {
	t.Helper()
	var b keysBody
	if err := json.Unmarshal(resp.Body, &b); err != nil {
		t.Fatalf("status %d body %q: %v", resp.Status, resp.Body, err)
	}
	return b
}

func set(key, value string) *backend.Op {
	return &backend.Op{Kind: backend.Set, Key: key, Value: value, HasValue: true, TTL: backend.NoTTL, Timeout: 10 * time.Second}
}

func get(key string) *backend.Op {
	return &backend.Op{Kind: backend.Get, Key: key, Timeout: 10 * time.Second}
}
