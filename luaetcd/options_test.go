package luaetcd_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// The Go options set what Etcd.new() falls back to; a script's own opts
// win.
func TestOptionsAreDefaults(t *testing.T) {
	var infos []luaetcd.RequestInfo
	var viaClient atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		viaClient.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	L := luaetcd.NewState(context.Background(),
		luaetcd.WithEndpoints("http://127.0.0.1:1", etcdServer.ClientURL),
		luaetcd.WithPrefix("/test/options"),
		luaetcd.WithTimeout(2*time.Second),
		luaetcd.WithHTTPClient(hc),
		luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) { infos = append(infos, i) }),
	)
	defer L.Close()
	err := L.DoString(`
		local cli = require('etcd.luasocket').new()
		local ent = assert(cli:set('/k', 'v'))
		assert(ent.status == 201, ent.status)
		assert(ent.body.node.key == '/test/options/k', ent.body.node.key)
		-- a script's explicit prefix wins
		ent = assert(require('etcd.luasocket').new({ prefix = '/other' }):set('/k', 1))
		assert(ent.body.node.key == '/other/k', ent.body.node.key)
		-- the timeout default applies to waits
		ent = assert(cli:wait('/k', 1000000))
		assert(ent.status == 408, ent.status)
	`)
	if err != nil {
		t.Fatal(err)
	}
	if viaClient.Load() == 0 {
		t.Error("the injected *http.Client was not used")
	}
	if len(infos) < 3 {
		t.Fatalf("hook saw %d requests", len(infos))
	}
	// The first request went to the dead endpoint and failed over.
	if infos[0].Err == nil || !strings.HasPrefix(infos[0].URL, "http://127.0.0.1:1/") ||
		infos[0].Endpoint != "http://127.0.0.1:1" || infos[0].Op != "set" || infos[0].Key != "/test/options/k" {
		t.Errorf("first request: %+v", infos[0])
	}
	var sawSet, sawWatch bool
	for _, i := range infos {
		if i.Op == "set" && i.Key == "/test/options/k" && i.Endpoint == etcdServer.ClientURL &&
			i.Method == "PUT" && i.Status == 201 && strings.HasSuffix(i.URL, "/v2/keys/test/options/k") && i.Duration > 0 {
			sawSet = true
		}
		if i.Op == "watch" && i.Key == "/test/options/k" {
			sawWatch = true
		}
	}
	if !sawWatch {
		t.Errorf("hook did not see the wait as a watch: %+v", infos)
	}
	if !sawSet {
		t.Errorf("hook did not see the set: %+v", infos)
	}
}

// Loader registers the module with lua-etcd's defaults.
func TestLoader(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.PreloadModule("etcd.luasocket", luaetcd.Loader)
	err := L.DoString(`
		local cli = require('etcd.luasocket').new({ host = '` + etcdServer.ClientURL + `' })
		assert(cli:version().status == 200)
		local dflt = require('etcd.luasocket').new({ timeout = 1 })
		local ent, err = dflt:get('/x')
		assert(ent == nil and err == 'connection refused', err)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
