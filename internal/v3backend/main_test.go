package v3backend

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// srv is the real etcd 3.5 (embedded, v2 API enabled) every test of this
// package talks to: v3 through the backend, v2 over HTTP on the same
// client URL for the comparisons. Tests keep apart by key prefix.
var srv *embedetcd.Server

// target is the client URL the backend under test talks to: srv, or a
// real etcd 3.7.3 while TestOnEtcd37 runs the tests again against it.
var target string

func TestMain(m *testing.M) {
	revokeGrace = 500 * time.Millisecond
	var err error
	srv, err = embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	target = srv.ClientURL
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

var prefixSeq atomic.Int64

// prefix returns a key prefix no other test uses.
func prefix(t testing.TB) string {
	return fmt.Sprintf("/t%d", prefixSeq.Add(1))
}

// newBackend returns a backend on srv, closed when t ends.
func newBackend(t testing.TB) *Backend {
	t.Helper()
	b, err := New(Config{Endpoints: []string{target}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// answer is a decoded keys answer.
type answer struct {
	Status int
	Index  string // X-Etcd-Index
	Event  v2api.Event
	Error  v2api.Error
	Raw    []byte
}

func (a *answer) String() string { return fmt.Sprintf("%d %s", a.Status, a.Raw) }

func decode(t testing.TB, status int, h http.Header, body []byte) *answer {
	t.Helper()
	a := &answer{Status: status, Index: h.Get("X-Etcd-Index"), Raw: body}
	if status >= 300 {
		if err := json.Unmarshal(body, &a.Error); err != nil {
			t.Fatalf("bad error body %q: %v", body, err)
		}
	} else if err := json.Unmarshal(body, &a.Event); err != nil {
		t.Fatalf("bad body %q: %v", body, err)
	}
	return a
}

// do runs op on b and decodes the answer.
func do(t testing.TB, b *Backend, op backend.Op) *answer {
	t.Helper()
	r, err := b.Do(context.Background(), &op)
	if err != nil {
		t.Fatalf("%s %s: %v", op.Kind, op.Key, err)
	}
	return decode(t, r.Status, r.Header, r.Body)
}

func mustStatus(t testing.TB, a *answer, status int) *answer {
	t.Helper()
	if a.Status != status {
		t.Fatalf("status %d, want %d: %s", a.Status, status, a.Raw)
	}
	return a
}

// v2Do sends op as lua-etcd would to the v2 API of srv and decodes the
// answer. SetTTL is lua-etcd's read and guarded write.
func v2Do(t testing.TB, op backend.Op) *answer {
	t.Helper()
	if op.Kind == backend.SetTTL {
		g := v2Do(t, backend.Op{Kind: backend.Get, Key: op.Key})
		if g.Status != 200 {
			return g
		}
		w := backend.Op{Kind: backend.Update, Key: op.Key, TTL: op.TTL, Dir: g.Event.Node.Dir}
		if !g.Event.Node.Dir {
			w.Kind = backend.CompareAndSwap
			w.Value, w.HasValue = *g.Event.Node.Value, true
			w.PrevValue, w.HasPrevValue = *g.Event.Node.Value, true
			w.PrevIndex, w.HasPrevIndex = g.Event.Node.ModifiedIndex, true
		}
		return v2Do(t, w)
	}
	q, f := url.Values{}, url.Values{}
	method := http.MethodPut
	ttl := func() {
		if op.TTL > 0 {
			f.Set("ttl", strconv.FormatInt(op.TTL, 10))
		} else {
			f.Set("ttl", "")
		}
	}
	value := func() {
		if op.HasValue {
			f.Set("value", op.Value)
		}
	}
	conds := func(target url.Values) {
		if op.HasPrevValue {
			target.Set("prevValue", op.PrevValue)
		}
		if op.HasPrevIndex {
			target.Set("prevIndex", strconv.FormatUint(op.PrevIndex, 10))
		}
	}
	switch op.Kind {
	case backend.Get:
		method = http.MethodGet
		if op.Recursive {
			q.Set("recursive", "true")
		}
		if op.Sorted {
			q.Set("sorted", "true")
		}
	case backend.Watch:
		method = http.MethodGet
		q.Set("wait", "true")
		if op.Recursive {
			q.Set("recursive", "true")
		}
		if op.HasWaitIndex {
			q.Set("waitIndex", strconv.FormatUint(op.WaitIndex, 10))
		}
	case backend.Set, backend.Create, backend.Update, backend.CompareAndSwap:
		value()
		ttl()
		if op.Dir {
			q.Set("dir", "true")
		}
		switch op.Kind {
		case backend.Create:
			q.Set("prevExist", "false")
		case backend.Update:
			q.Set("prevExist", "true")
		case backend.CompareAndSwap:
			conds(q)
		}
	case backend.Delete, backend.CompareAndDelete:
		method = http.MethodDelete
		if op.Dir {
			q.Set("dir", "true")
		}
		if op.Recursive {
			q.Set("recursive", "true")
		}
		conds(q)
	case backend.CreateInOrder:
		method = http.MethodPost
		value()
		ttl()
	default:
		t.Fatalf("v2Do: %s", op.Kind)
	}
	segs := strings.Split(op.Key, "/")
	for i := range segs {
		segs[i] = url.PathEscape(segs[i])
	}
	u := srv.ClientURL + "/v2/keys" + strings.Join(segs, "/")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if len(f) > 0 {
		body = strings.NewReader(f.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return decode(t, res.StatusCode, res.Header, data)
}
