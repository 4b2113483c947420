package luaetcd_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/backend/fakebackend"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// The Lua layer on the in-memory fake backend: fast runs of the behaviour
// scripts the fake can serve (all but those that need a server's stats,
// admin API or HTTP body limit), which also run against real etcds in
// TestScripts, and unit tests of what the layer does on its own.

// fakeScripts are the behaviour scripts the fake serves.
var fakeScripts = []string{"args", "cas", "dir", "keys", "new", "push", "ttl", "wait"}

// countingBackend counts the operations a backend is asked, for
// request_count().
type countingBackend struct {
	backend.Backend
	n atomic.Int64
}

func (c *countingBackend) Do(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	c.n.Add(1)
	return c.Backend.Do(ctx, op)
}

// fakeState is a state whose clients all use one fresh fake store.
func fakeState(t *testing.T, prefix string) (*lua.LState, *fakebackend.Store) {
	store := fakebackend.New()
	be := &countingBackend{Backend: store}
	L := luaetcd.NewState(context.Background(), luaetcd.WithBackend(be))
	L.SetGlobal("OPTS", L.NewTable())
	L.SetGlobal("API", lua.LString("fake"))
	L.SetGlobal("PREFIX", lua.LString(prefix))
	L.SetGlobal("request_count", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(be.n.Load()))
		return 1
	}))
	setRawPut(t, L, func(key, value string) error { store.Put(key, value); return nil })
	return L, store
}

func TestScriptsFake(t *testing.T) {
	for _, name := range fakeScripts {
		runScript(t, "fake/", "testdata/etcd/behaviour/"+name+".lua", func(t *testing.T, prefix string) *lua.LState {
			L, _ := fakeState(t, prefix)
			return L
		})
	}
}

// Unit tests of the Lua layer on the fake: each snippet runs in a fresh
// state with cli a client of an empty store, and must not raise.
func TestLuaLayerFake(t *testing.T) {
	cases := map[string]string{
		// The entity: status, lower-case header, decoded body.
		"entity": `
			local e = assert(cli:set('/a', {1, 'x'}))
			assert(e.status == 201 and e.header['content-type'] == 'application/json', e.status)
			assert(tonumber(e.header['x-etcd-index']) == 1)
			assert(e.body.node.value == '[1,"x"]')
			local g = cli:get('/a')
			assert(g.body.node.value[2] == 'x')`,
		// Argument errors come back as nil, err and send nothing.
		"arguments": `
			local n = request_count()
			local v, err = cli:set(1, 2)
			assert(v == nil and err == 'key must be string', err)
			v, err = cli:setx('/a', 1, nil, -1)
			assert(v == nil and err == 'modifiedIndex must be unsigned integer', err)
			assert(request_count() == n)`,
		// The raw serializer: strings in and out.
		"raw": `
			local raw = require('etcd.luasocket').new({ serializer = 'raw' })
			assert(raw:set('/r', 'plain text').body.node.value == 'plain text')
			assert(raw:get('/r').body.node.value == 'plain text')
			local v, err = cli:get('/r')
			assert(v == nil and err == 'Expected value but found invalid token at character 1', err)`,
		// A prefix is applied to every key and shows in node.key.
		"prefix": `
			local p = require('etcd.luasocket').new({ prefix = '/app' })
			assert(p:set('/k', 1).body.node.key == '/app/k')
			assert(cli:get('/app/k').body.node.value == 1)`,
		// readdir of a key is 404 with dir = false; of a directory lists it.
		"readdir": `
			cli:set('/d/a', 1)
			local e = cli:readdir('/d/a')
			assert(e.status == 404 and e.body.node.dir == false)
			e = cli:readdir('/d')
			assert(e.status == 200 and #e.body.node.nodes == 1 and e.body.node.nodes[1].value == '1')`,
		// wait with a past index answers at once, decoded.
		"wait": `
			local i = cli:set('/w', 'one').body.node.modifiedIndex
			cli:set('/w', 'two')
			local e = cli:wait('/w', i)
			assert(e.status == 200 and e.body.node.value == 'one')
			assert(cli:wait('/w', nil, 1).status == 408)`,
		// setTTL keeps the value.
		"setTTL": `
			cli:set('/t', 'v')
			local e = cli:setTTL('/t', 50)
			assert(e.status == 200 and e.body.node.ttl == 50, e.status)
			assert(cli:get('/t').body.node.value == 'v')`,
	}
	for name, code := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			L, _ := fakeState(t, "")
			defer L.Close()
			if err := L.DoString("cli = require('etcd.luasocket').new()\n" + code); err != nil {
				t.Fatal(strings.TrimSpace(err.Error()))
			}
		})
	}
}
