package luaetcd_test

// Micro-benchmarks of the Lua call path against the embedded etcd that
// TestMain starts (etcdServer): one cli:get / cli:set from a Lua loop,
// the same request through v2http alone (the protocol layer without
// Lua), and the same request with plain net/http (the floor). The
// difference between the three is what the Lua layer and the protocol
// layer cost per call. The JSON codec has its own benchmarks in
// internal/luajson; the command cmd/luaetcd-bench measures whole
// workloads.
//
//	go test -run '^$' -bench . -benchmem ./luaetcd/

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

const benchKey = "/bench/micro"

// benchLua runs body (Lua statements using cli) b.N times in one Lua
// loop, after setup.
func benchLua(b *testing.B, setup, body string) { benchLuaAPI(b, luaetcd.APIv2, setup, body) }

// benchLuaAPI is benchLua with the clients on api (the v2 HTTP backend
// or the v3 one).
func benchLuaAPI(b *testing.B, api, setup, body string) {
	L := luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(etcdServer.ClientURL), luaetcd.WithAPI(api))
	defer L.Close()
	if err := L.DoString(`cli = assert(require('etcd.luasocket').new())
		assert(cli:set('` + benchKey + `', 'hello'))
		` + setup + `
		function loop(n)
			for i = 1, n do
				` + body + `
			end
		end`); err != nil {
		b.Fatal(err)
	}
	loop := L.GetGlobal("loop")
	b.ReportAllocs()
	b.ResetTimer()
	if err := L.CallByParam(lua.P{Fn: loop, NRet: 0, Protect: true}, lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkCallGetLua(b *testing.B) {
	benchLua(b, "", `local r, err = cli:get('`+benchKey+`'); if not r or r.status ~= 200 then error(err) end`)
}

func BenchmarkCallSetLua(b *testing.B) {
	benchLua(b, "", `local r, err = cli:set('`+benchKey+`', 'hello'); if not r or r.status ~= 200 then error(err) end`)
}

// BenchmarkCallGetLuaV3 and BenchmarkCallSetLuaV3 are the same calls on
// the v3 backend (one read transaction for a get; a read and a guarded
// commit for a set). Their floor, plain clientv3, is in
// internal/v3backend's BenchmarkOps and cmd/luaetcd-bench's clientv3 rows.
func BenchmarkCallGetLuaV3(b *testing.B) {
	benchLuaAPI(b, luaetcd.APIv3, "", `local r, err = cli:get('`+benchKey+`'); if not r or r.status ~= 200 then error(err) end`)
}

func BenchmarkCallSetLuaV3(b *testing.B) {
	benchLuaAPI(b, luaetcd.APIv3, "", `local r, err = cli:set('`+benchKey+`', 'hello'); if not r or r.status ~= 200 then error(err) end`)
}

// BenchmarkCallGetV2HTTP is the protocol layer alone: the operation
// luaetcd builds for cli:get, without Lua values or the entity.
func BenchmarkCallGetV2HTTP(b *testing.B) {
	c, err := v2http.New(v2http.Config{Host: etcdServer.ClientURL})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := &backend.Op{Kind: backend.Get, Key: benchKey, Timeout: 60e9}
	if _, err := c.Do(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := c.Do(ctx, req)
		if err != nil || res.Status != 200 {
			b.Fatal(err, res)
		}
	}
}

type goNode struct {
	Key           string `json:"key"`
	Value         string `json:"value"`
	ModifiedIndex uint64 `json:"modifiedIndex"`
	CreatedIndex  uint64 `json:"createdIndex"`
}

type goResponse struct {
	Action string  `json:"action"`
	Node   *goNode `json:"node"`
}

// goDo is the floor: plain net/http on a keep-alive transport, the body
// decoded into a struct as a Go caller would.
func goDo(b *testing.B, hc *http.Client, method, url, form string) {
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		b.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatal(err, resp.StatusCode)
	}
	var r goResponse
	if err := json.Unmarshal(data, &r); err != nil {
		b.Fatal(err)
	}
}

func benchGo(b *testing.B, method, form string) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	url := etcdServer.ClientURL + "/v2/keys" + benchKey
	goDo(b, hc, "PUT", url, "value=%22hello%22&ttl=")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		goDo(b, hc, method, url, form)
	}
}

func BenchmarkCallGetGo(b *testing.B) { benchGo(b, "GET", "") }
func BenchmarkCallSetGo(b *testing.B) { benchGo(b, "PUT", "value=%22hello%22&ttl=") }
