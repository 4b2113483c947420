package v2http

import (
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Keys and values with characters the original client corrupted round-trip
// exactly through the real server.
func TestKeysRoundTrip(t *testing.T) {
	c := newClient(t, Config{})
	keys := []string{
		"/rt/plain",
		"/rt/a b",
		"/rt/a&b=c;d",
		"/rt/q?x#y",
		"/rt/pct%41%2F",
		"/rt/plus+sign",
		"/rt/ü/日本語/ключ",
		"/rt/dir with space/sub?#",
		"/rt/'\"<>\\{}|^`~!$*(),:@",
	}
	values := []string{
		`"a+b"`, `"a&b"`, `1e+15`, `"x=y;z#w"`, `"100%"`, `"sp ace"`, `"ü日本"`, `"?q"`, `{"a":[1,2]}`,
	}
	for i, key := range keys {
		val := values[i%len(values)]
		resp := do(t, c, set(key, val))
		if resp.Status != 200 && resp.Status != 201 {
			t.Fatalf("set %q: status %d %s", key, resp.Status, resp.Body)
		}
		if b := decode(t, resp); b.Node.Key != key {
			t.Errorf("set %q: node.key = %q", key, b.Node.Key)
		}
		resp = do(t, c, get(key))
		b := decode(t, resp)
		if resp.Status != 200 || b.Node.Key != key || b.Node.Value == nil || *b.Node.Value != val {
			t.Errorf("get %q: status %d body %s", key, resp.Status, resp.Body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("content-type %q", ct)
		}
		if resp.Header.Get("X-Etcd-Index") == "" {
			t.Errorf("no X-Etcd-Index header")
		}
		del := &backend.Op{Kind: backend.CompareAndDelete, Key: key, PrevValue: val, HasPrevValue: true, Timeout: 10 * time.Second}
		resp = do(t, c, del)
		if b := decode(t, resp); resp.Status != 200 || b.Node.Key != key || b.Action != "compareAndDelete" {
			t.Errorf("delete %q: status %d body %s", key, resp.Status, resp.Body)
		}
		resp = do(t, c, get(key))
		if b := decode(t, resp); resp.Status != 404 || b.ErrorCode != 100 {
			t.Errorf("get after delete %q: status %d body %s", key, resp.Status, resp.Body)
		}
	}
}
