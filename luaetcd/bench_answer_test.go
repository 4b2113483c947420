package luaetcd

// Where the entity's body is built from: the answer's JSON bytes (what
// newEntity does, for every backend) or a typed v2api answer. typedBody
// is a prototype of the second way, kept here only to measure it:
//
//	go test -run '^$' -bench 'Answer' -benchmem ./luaetcd/
//
// BytesDecode is today's path for the v2 backend; StructThenTables is the
// v2 backend if it answered typed (it must decode etcd's JSON anyway);
// TypedTables is a backend that holds a typed answer (v3) building tables
// straight from it, MarshalDecode the same backend going through bytes.
// See docs/architecture.md for the figures and the choice.

import (
	"encoding/json"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/luajson"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	lua "github.com/yuin/gopher-lua"
)

func typedNode(L *lua.LState, n *v2api.Node) *lua.LTable {
	t := L.CreateTable(0, 8)
	if n.Key != "" {
		t.RawSetString("key", lua.LString(n.Key))
	}
	if n.Value != nil {
		t.RawSetString("value", lua.LString(*n.Value))
	}
	if n.Dir {
		t.RawSetString("dir", lua.LTrue)
	}
	if n.Expiration != nil {
		t.RawSetString("expiration", lua.LString(n.Expiration.Format("2006-01-02T15:04:05.999999999Z07:00")))
	}
	if n.TTL != 0 {
		t.RawSetString("ttl", lua.LNumber(n.TTL))
	}
	if len(n.Nodes) > 0 {
		nodes := L.CreateTable(len(n.Nodes), 0)
		for _, c := range n.Nodes {
			nodes.Append(typedNode(L, c))
		}
		t.RawSetString("nodes", nodes)
	}
	if n.ModifiedIndex != 0 {
		t.RawSetString("modifiedIndex", lua.LNumber(n.ModifiedIndex))
	}
	if n.CreatedIndex != 0 {
		t.RawSetString("createdIndex", lua.LNumber(n.CreatedIndex))
	}
	return t
}

func typedBody(L *lua.LState, ev *v2api.Event) *lua.LTable {
	t := L.CreateTable(0, 3)
	t.RawSetString("action", lua.LString(ev.Action))
	if ev.Node != nil {
		t.RawSetString("node", typedNode(L, ev.Node))
	}
	if ev.PrevNode != nil {
		t.RawSetString("prevNode", typedNode(L, ev.PrevNode))
	}
	return t
}

func benchAnswer(b *testing.B, body string, how string) {
	L := lua.NewState()
	defer L.Close()
	data := []byte(body)
	var ev v2api.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		switch how {
		case "bytes":
			if _, err := luajson.Decode(L, data); err != nil {
				b.Fatal(err)
			}
		case "struct":
			var e v2api.Event
			if err := json.Unmarshal(data, &e); err != nil {
				b.Fatal(err)
			}
			typedBody(L, &e)
		case "typed":
			typedBody(L, &ev)
		case "marshal":
			if _, err := luajson.Decode(L, v2api.Marshal(&ev)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkAnswerGetBytesDecode(b *testing.B)      { benchAnswer(b, getBody, "bytes") }
func BenchmarkAnswerGetStructThenTables(b *testing.B) { benchAnswer(b, getBody, "struct") }
func BenchmarkAnswerGetTypedTables(b *testing.B)      { benchAnswer(b, getBody, "typed") }
func BenchmarkAnswerGetMarshalDecode(b *testing.B)    { benchAnswer(b, getBody, "marshal") }

func BenchmarkAnswerReaddir100BytesDecode(b *testing.B) { benchAnswer(b, readdirBody(100), "bytes") }
func BenchmarkAnswerReaddir100StructThenTables(b *testing.B) {
	benchAnswer(b, readdirBody(100), "struct")
}
func BenchmarkAnswerReaddir100TypedTables(b *testing.B) { benchAnswer(b, readdirBody(100), "typed") }
func BenchmarkAnswerReaddir100MarshalDecode(b *testing.B) {
	benchAnswer(b, readdirBody(100), "marshal")
}
