package luaetcd

import (
	"runtime"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

func countClients() int {
	n := 0
	clients.Range(func(any, any) bool { n++; return true })
	return n
}

// A table with the client metatable that Etcd.new did not make is no
// client; the client's table stands for its client only.
func TestClientOf(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	c := &client{ttl: -1}
	cli := newClientValue(L, c)
	if clientOf(cli) != c {
		t.Fatal("the client table does not lead to its client")
	}
	forged := L.NewTable()
	forged.Metatable = clientMetatable(L)
	for _, v := range []lua.LValue{forged, L.NewTable(), lua.LNil, lua.LString("x"), L.NewUserData()} {
		if clientOf(v) != nil {
			t.Errorf("%s taken for a client", v.Type())
		}
	}
	if cli.Len() != 0 || cli.RawGetString("be") != lua.LNil {
		t.Error("the client table has fields")
	}
}

// A client the script dropped is forgotten once its table is collected,
// so the backend and its settings go too.
func TestClientCollected(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	before := countClients()
	for i := 0; i < 100; i++ {
		newClientValue(L, &client{ttl: -1})
	}
	if countClients() < before+100 {
		t.Fatal("clients not registered")
	}
	deadline := time.Now().Add(5 * time.Second)
	for countClients() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := countClients(); n > before {
		t.Errorf("%d dropped clients still registered", n-before)
	}
}

// BenchmarkClientOf is what finding the client behind self costs each
// method call.
func BenchmarkClientOf(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	cli := newClientValue(L, &client{ttl: -1})
	b.ReportAllocs()
	for b.Loop() {
		if clientOf(cli) == nil {
			b.Fatal("no client")
		}
	}
}
