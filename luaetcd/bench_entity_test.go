package luaetcd

// Micro-benchmarks of the pieces of one call that do not touch the
// network: building the response entity (newEntity: header table, JSON
// body decoded into tables), decoding node.value (decodeNode), reading
// and normalizing the key (checkKey, keypath.Normalize) and building the
// request of cli:get and cli:set. The JSON codec itself is benchmarked in
// internal/luajson.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/keypath"
	lua "github.com/yuin/gopher-lua"
)

// etcdHeader is the header etcd 3.5 sends with a v2 keys answer (all
// ten of them, CORS included).
func etcdHeader() http.Header {
	return http.Header{
		"Access-Control-Allow-Headers": {"accept, content-type, authorization"},
		"Access-Control-Allow-Methods": {"POST, GET, OPTIONS, PUT, DELETE"},
		"Access-Control-Allow-Origin":  {"*"},
		"Content-Type":                 {"application/json"},
		"Content-Length":               {"120"},
		"Date":                         {"Mon, 01 Jan 2024 00:00:00 GMT"},
		"X-Etcd-Index":                 {"42"},
		"X-Etcd-Cluster-Id":            {"cdf818194e3a8c32"},
		"X-Raft-Index":                 {"43"},
		"X-Raft-Term":                  {"2"},
	}
}

const getBody = `{"action":"get","node":{"key":"/bench/micro","value":"\"hello\"","modifiedIndex":42,"createdIndex":7}}`

func readdirBody(n int) string {
	var b strings.Builder
	b.WriteString(`{"action":"get","node":{"key":"/bench/dir","dir":true,"nodes":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"key":"/bench/dir/k%03d","value":"\"hello\"","modifiedIndex":%d,"createdIndex":%d}`, i, i+10, i+10)
	}
	b.WriteString(`],"modifiedIndex":9,"createdIndex":9}}`)
	return b.String()
}

func benchEntity(b *testing.B, body string) {
	L := lua.NewState()
	defer L.Close()
	res := &backend.Response{Status: 200, Header: etcdHeader(), Body: []byte(body)}
	b.ReportAllocs()
	for b.Loop() {
		newEntity(L, res)
	}
}

func BenchmarkEntityGet(b *testing.B)        { benchEntity(b, getBody) }
func BenchmarkEntityReaddir100(b *testing.B) { benchEntity(b, readdirBody(100)) }

func BenchmarkEntityHeader(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	h := etcdHeader()
	b.ReportAllocs()
	for b.Loop() {
		newHeader(L, h)
	}
}

// BenchmarkEntityGetDecoded is what cli:get adds: the entity, then
// node.value decoded with the JSON serializer.
func BenchmarkEntityGetDecoded(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	c := &client{ttl: -1, timeout: time.Minute}
	res := &backend.Response{Status: 200, Header: etcdHeader(), Body: []byte(getBody)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.decodeNode(L, newEntity(L, res)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeyNormalizeClean(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		keypath.Normalize("/bench/set/0")
	}
}

func BenchmarkKeyNormalizeMessy(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		keypath.Normalize("//bench/./set/../set/0/")
	}
}

// BenchmarkKeyCheckPrefixed is checkKey with a client prefix: normalize,
// then join with the prefix.
func BenchmarkKeyCheckPrefixed(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	c := &client{prefix: "/app", ttl: -1}
	L.Push(lua.LNil)
	L.Push(lua.LString("bench/set/0"))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.checkKey(L); err != nil {
			b.Fatal(err)
		}
	}
}

// nopBackend answers every operation at once, so a benchmark sees only the
// Lua layer of a call: arguments, operation, entity, decoding.
type nopBackend struct{ res *backend.Response }

func (n nopBackend) Do(context.Context, *backend.Op) (*backend.Response, error) {
	// A fresh copy, as the real backend returns.
	r := *n.res
	return &r, nil
}

func (nopBackend) InitFailover(context.Context) error { return nil }

func benchLuaLayer(b *testing.B, call, body string) {
	L := NewState(context.Background())
	defer L.Close()
	c := &client{ttl: -1, timeout: time.Minute,
		be: nopBackend{&backend.Response{Status: 200, Header: etcdHeader(), Body: []byte(body)}}}
	L.SetGlobal("cli", newClientValue(L, c))
	if err := L.DoString(`function loop(n)
		for i = 1, n do
			local r, err = ` + call + `
			if not r then error(err) end
		end
	end`); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := L.CallByParam(lua.P{Fn: L.GetGlobal("loop"), Protect: true}, lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLuaLayerGet is a whole cli:get from a Lua loop with a backend
// that answers at once: the cost of the Lua layer per call, without HTTP.
func BenchmarkLuaLayerGet(b *testing.B) { benchLuaLayer(b, `cli:get('/bench/micro')`, getBody) }

// BenchmarkLuaLayerSet is the same for cli:set (encoding the value, the
// form).
func BenchmarkLuaLayerSet(b *testing.B) {
	benchLuaLayer(b, `cli:set('/bench/micro', 'hello')`,
		`{"action":"set","node":{"key":"/bench/micro","value":"\"hello\"","modifiedIndex":43,"createdIndex":43},"prevNode":{"key":"/bench/micro","value":"\"hello\"","modifiedIndex":42,"createdIndex":42}}`)
}
