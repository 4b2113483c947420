package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/luaetcd/go-luaetcd/internal/v2http"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
	etcdv2 "go.etcd.io/etcd/client/v2"
)

// benchValue is the value every write stores. luaetcd stores it as JSON
// ("hello" with the quotes), so the Go clients send that text too.
const (
	benchValue     = "hello"
	benchValueJSON = `"hello"`
	// writeForm is the form body of luaetcd's set/setx/push of benchValue
	// with no ttl: value=<json(val)>&ttl= (internal/v2http/request.go: keysCall).
	writeForm = "value=%22hello%22&ttl="
	dirKey    = "/bench/dir"
	dirSize   = 100
)

// worker runs one goroutine's share of a row: its own Lua state or
// client, the loop paced by st.more().
type worker interface {
	run(st *stepper) error
	close()
}

// newTransport is the keep-alive transport shared by all go-http and
// go-v2 clients: luaetcd's own transport settings (v2http.NewTransport,
// which the Lua states' shared transport uses), so that both sides of a
// comparison hold their connections alike. Only the settings are shared:
// the Go clients build and send their requests with net/http alone.
func newTransport() *http.Transport { return v2http.NewTransport(nil) }

// ---- go-http: the floor ----

// rawClient sends the v2 requests luaetcd sends, with net/http alone.
type rawClient struct {
	hc   *http.Client
	base string
}

type v2Node struct {
	Key           string    `json:"key"`
	Value         string    `json:"value"`
	Dir           bool      `json:"dir"`
	Nodes         []*v2Node `json:"nodes"`
	ModifiedIndex uint64    `json:"modifiedIndex"`
	CreatedIndex  uint64    `json:"createdIndex"`
	TTL           int64     `json:"ttl"`
	Expiration    string    `json:"expiration"`
}

type v2Response struct {
	Action   string  `json:"action"`
	Node     *v2Node `json:"node"`
	PrevNode *v2Node `json:"prevNode"`
	// An error answer.
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
}

// do sends one request and decodes the answer, as any Go caller that uses
// the result must. query and form are already encoded.
func (c *rawClient) do(ctx context.Context, method, key, query, form string) (int, *v2Response, error) {
	u := c.base + "/v2/keys" + key
	if query != "" {
		u += "?" + query
	}
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, nil, err
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var r v2Response
	if err := json.Unmarshal(data, &r); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, &r, nil
}

func (c *rawClient) expect(ctx context.Context, method, key, query, form string, want ...int) (*v2Response, error) {
	st, r, err := c.do(ctx, method, key, query, form)
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		if st == w {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%s %s?%s: status %d", method, key, query, st)
}

type rawWorker struct {
	c    *rawClient
	work string
	key  string
	idx  uint64
}

func (w *rawWorker) close() {}

func (w *rawWorker) prepare(ctx context.Context) error {
	if _, err := w.c.expect(ctx, "GET", "/bench", "", "", 200, 404); err != nil {
		return err
	}
	if w.work == "get" || w.work == "cas" {
		r, err := w.c.expect(ctx, "PUT", w.key, "", writeForm, 200, 201)
		if err != nil {
			return err
		}
		w.idx = r.Node.ModifiedIndex
	}
	return nil
}

func (w *rawWorker) op(ctx context.Context) error {
	var err error
	switch w.work {
	case "set":
		_, err = w.c.expect(ctx, "PUT", w.key, "", writeForm, 200, 201)
	case "get":
		_, err = w.c.expect(ctx, "GET", w.key, "", "", 200)
	case "cas":
		var r *v2Response
		r, err = w.c.expect(ctx, "PUT", w.key, "prevExist=true&prevIndex="+strconv.FormatUint(w.idx, 10), writeForm, 200)
		if err == nil {
			w.idx = r.Node.ModifiedIndex
		}
	case "readdir":
		_, err = w.c.expect(ctx, "GET", dirKey, "", "", 200)
	case "push":
		_, err = w.c.expect(ctx, "POST", w.key, "", writeForm, 201)
	default:
		err = fmt.Errorf("unknown workload %q", w.work)
	}
	return err
}

// wait waits for the change at idx and returns the next index to wait at.
func (w *rawWorker) wait(ctx context.Context, idx uint64) (uint64, error) {
	r, err := w.c.expect(ctx, "GET", w.key, "wait=true&waitIndex="+strconv.FormatUint(idx, 10), "", 200)
	if err != nil {
		return 0, err
	}
	return r.Node.ModifiedIndex + 1, nil
}

func (w *rawWorker) run(st *stepper) error {
	ctx := context.Background()
	if err := w.prepare(ctx); err != nil {
		return err
	}
	if w.work == "wait" {
		return runGoWaiter(st, w.wait)
	}
	for st.more() {
		if err := w.op(ctx); err != nil {
			return err
		}
	}
	return nil
}

// runGoWaiter is the waiting side of wait-notify for the Go clients.
func runGoWaiter(st *stepper, wait func(context.Context, uint64) (uint64, error)) error {
	idx := st.index
	for st.more() {
		st.ready()
		next, err := wait(context.Background(), idx)
		st.done()
		if err != nil {
			return err
		}
		idx = next
	}
	return nil
}

// ---- go-v2: the official client ----

type v2Worker struct {
	kapi etcdv2.KeysAPI
	work string
	key  string
	idx  uint64
}

func newV2Worker(tr *http.Transport, url, work, key string) (*v2Worker, error) {
	c, err := etcdv2.New(etcdv2.Config{Endpoints: []string{url}, Transport: tr})
	if err != nil {
		return nil, err
	}
	return &v2Worker{kapi: etcdv2.NewKeysAPI(c), work: work, key: key}, nil
}

func (w *v2Worker) close() {}

func (w *v2Worker) run(st *stepper) error {
	ctx := context.Background()
	if _, err := w.kapi.Get(ctx, "/bench", nil); err != nil && !etcdv2.IsKeyNotFound(err) {
		return err
	}
	if w.work == "get" || w.work == "cas" {
		r, err := w.kapi.Set(ctx, w.key, benchValueJSON, nil)
		if err != nil {
			return err
		}
		w.idx = r.Node.ModifiedIndex
	}
	if w.work == "wait" {
		return runGoWaiter(st, func(ctx context.Context, idx uint64) (uint64, error) {
			r, err := w.kapi.Watcher(w.key, &etcdv2.WatcherOptions{AfterIndex: idx - 1}).Next(ctx)
			if err != nil {
				return 0, err
			}
			return r.Node.ModifiedIndex + 1, nil
		})
	}
	for st.more() {
		var err error
		switch w.work {
		case "set":
			_, err = w.kapi.Set(ctx, w.key, benchValueJSON, nil)
		case "get":
			_, err = w.kapi.Get(ctx, w.key, nil)
		case "cas":
			var r *etcdv2.Response
			r, err = w.kapi.Set(ctx, w.key, benchValueJSON, &etcdv2.SetOptions{PrevExist: etcdv2.PrevExist, PrevIndex: w.idx})
			if err == nil {
				w.idx = r.Node.ModifiedIndex
			}
		case "readdir":
			_, err = w.kapi.Get(ctx, dirKey, nil)
		case "push":
			_, err = w.kapi.CreateInOrder(ctx, w.key, benchValueJSON, nil)
		default:
			err = fmt.Errorf("unknown workload %q", w.work)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- lua: the etcd module ----

type luaWorker struct {
	L    *lua.LState
	work string
	id   string
}

// newLuaWorker makes the Lua state of one goroutine, its clients on api
// (luaetcd.APIv2: the v2 HTTP backend; APIv3: the v3 backend). The
// script is the same for both.
func newLuaWorker(url, api, work, id string) *luaWorker {
	L := luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(url), luaetcd.WithAPI(api))
	return &luaWorker{L: L, work: work, id: id}
}

func (w *luaWorker) close() { w.L.Close() }

func (w *luaWorker) run(st *stepper) error {
	L := w.L
	b := L.CreateTable(0, 6)
	b.RawSetString("work", lua.LString(w.work))
	b.RawSetString("id", lua.LString(w.id))
	b.RawSetString("index", lua.LNumber(st.index))
	b.RawSetString("more", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(st.more()))
		return 1
	}))
	b.RawSetString("ready", L.NewFunction(func(L *lua.LState) int { st.ready(); return 0 }))
	b.RawSetString("done", L.NewFunction(func(L *lua.LState) int { st.done(); return 0 }))
	L.SetGlobal("BENCH", b)
	return L.DoString(workloadScript)
}
