package luaetcd_test

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// FuzzLuaAPI calls every client method, and new(), with arguments built
// from the fuzz input: nil, booleans, numbers (NaN, ±inf, -0, huge,
// fractions), strings with odd bytes, nested and cyclic tables, functions,
// the client itself. It runs them on a client of the real etcd (through a
// guard that refuses member removal, so the fuzzer cannot take the
// cluster down) and on a client whose host and peer are a closed port, and
// checks that nothing panics, that no call hangs (each runs under a
// context deadline) and that every call answers as lua-etcd does: an
// entity table, or nil and a string (false and a string, or true, for
// initFailoverURIs). Keys stay below the clients' prefix /fuzz.
func FuzzLuaAPI(f *testing.F) {
	guard := newGuardProxy(f, etcdServer.ClientURL)
	closed := closedURL(f)

	L := luaetcd.NewState(context.Background(), luaetcd.WithTimeout(400*time.Millisecond))
	defer L.Close()
	if err := L.DoString(`Etcd = require('etcd.luasocket')`); err != nil {
		f.Fatal(err)
	}
	newFn := L.GetField(L.GetGlobal("Etcd"), "new")
	mkClient := func(host, peer string) lua.LValue {
		opts := L.NewTable()
		opts.RawSetString("host", lua.LString(host))
		opts.RawSetString("peer", lua.LString(peer))
		opts.RawSetString("prefix", lua.LString("/fuzz"))
		if err := L.CallByParam(lua.P{Fn: newFn, NRet: 2, Protect: true}, opts); err != nil {
			f.Fatal(err)
		}
		cli, msg := L.Get(-2), L.Get(-1)
		L.Pop(2)
		if cli == lua.LNil {
			f.Fatalf("new: %v", msg)
		}
		return cli
	}
	clients := []lua.LValue{mkClient(guard, closed), mkClient(closed, closed)}

	mt, ok := L.GetTypeMetatable("etcd.client").(*lua.LTable)
	if !ok {
		f.Fatal("no etcd.client metatable")
	}
	methodTable := mt.RawGetString("__index").(*lua.LTable)
	var names []string
	methodTable.ForEach(func(k, _ lua.LValue) { names = append(names, k.String()) })
	sort.Strings(names)
	if len(names) < 20 {
		f.Fatalf("only %d methods: %v", len(names), names)
	}

	// Seeds: each method on each client with a few argument lists, then
	// new() with a few option tables. See fuzzInput.value for the coding.
	argLists := [][]byte{
		{},
		{0x06, 1, 'a'}, // 'a'
		{0x06, 3, 'a', '/', 'b', 0x06, 2, 'h', 'i'},    // 'a/b', 'hi'
		{0x06, 1, 'k', 0x00, 0x03, 1},                  // 'k', nil, 1
		{0x06, 1, 'k', 0x03, 0xff, 0x03, 1},            // 'k', -1, 1
		{0x0b, 4, 0x05, 0},                             // '..', NaN
		{0x06, 1, 'd', 0x01, 0x02},                     // 'd', true, false
		{0x06, 1, 'v', 0x07, 2, 0x03, 5, 0x06, 1, 'x'}, // 'v', {5, 'x'}
		{0x06, 1, 'c', 0x0c, 1, 3, 0x03, 1},            // 'c', cyclic sparse table
		{0x06, 1, 'f', 0x09},                           // 'f', function
		{0x08, 2, 4, 1, 0x05, 1, 0, 1, 0x03, 1},        // a table of options
	}
	for m := range names {
		for i, a := range argLists {
			f.Add(append([]byte{byte(m), byte(countValues(a))}, a...))
			if i < 3 { // the closed port fails them all alike
				f.Add(append([]byte{byte(1<<7 | m), byte(countValues(a))}, a...))
			}
		}
	}
	for _, a := range [][]byte{
		{0x08, 2, 0, 1, 0x03, 5, 2, 1, 0x06, 1, 'x'}, // {timeout = 5, peer = 'x'}
		{0x08, 1, 7, 1, 0x05, 2},                     // {max_body_size = inf}
		{0x08, 1, 6, 1, 0x07, 1, 0x09},               // {endpoints = {function}}
		{0x03, 7},
	} {
		f.Add(append([]byte{byte(len(names)), 1}, a...))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzInput{data: data, L: L}
		sel := int(in.byte())
		cli := clients[sel>>7]
		nargs := int(in.byte() % 6)
		args := make([]lua.LValue, 0, nargs)
		for i := 0; i < nargs; i++ {
			args = append(args, in.value(cli, 0))
		}
		which := sel & 0x7f % (len(names) + 2)
		switch {
		case which == len(names): // Etcd.new(opts, ...)
			callNew(t, L, newFn, args)
		case which == len(names)+1: // a method called without a client
			callWrongSelf(t, L, methodTable, names, args)
		default:
			callMethod(t, L, names[which], methodTable.RawGetString(names[which]), cli, args)
		}
	})
}

// callMethod calls cli:name(args...) and checks the answer.
func callMethod(t *testing.T, L *lua.LState, name string, fn, cli lua.LValue, args []lua.LValue) {
	blocking := name == "wait" || name == "waitdir"
	limit := 5 * time.Second
	if blocking {
		limit = 700 * time.Millisecond // a wait with no event ends by this deadline
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	L.SetContext(ctx)
	defer L.RemoveContext()
	top := L.GetTop()
	start := time.Now()
	err := L.CallByParam(lua.P{Fn: fn, NRet: lua.MultRet, Protect: true}, append([]lua.LValue{cli}, args...)...)
	took := time.Since(start)
	results := make([]lua.LValue, 0, 2)
	for i := top + 1; i <= L.GetTop(); i++ {
		results = append(results, L.Get(i))
	}
	L.SetTop(top)
	desc := func() string { return name + "(" + showArgs(args) + ")" }
	if took > limit+time.Second {
		t.Fatalf("%s took %v, past its %v deadline", desc(), took, limit)
	}
	if err != nil {
		var ae *lua.ApiError
		if errors.As(err, &ae) && ae.Type == lua.ApiErrorPanic {
			t.Fatalf("%s: Go panic: %v", desc(), err)
		}
		if blocking && ctx.Err() != nil {
			return // a wait that was still waiting when its deadline came
		}
		t.Fatalf("%s raised %v", desc(), err)
	}
	if ctx.Err() != nil && !blocking {
		t.Fatalf("%s: still running at its %v deadline (%v)", desc(), limit, showArgs(results))
	}
	checkAnswer(t, name, desc, results)
	if os.Getenv("FUZZDEBUG") != "" {
		t.Logf("%s -> %s", desc(), showArgs(results))
	}
}

// checkAnswer checks the shape of a method's results.
func checkAnswer(t *testing.T, name string, desc func() string, r []lua.LValue) {
	bad := func() { t.Fatalf("%s answered %s", desc(), showArgs(r)) }
	failValue := lua.LValue(lua.LNil)
	if name == "initFailoverURIs" {
		failValue = lua.LFalse
	}
	switch len(r) {
	case 1:
		if name == "initFailoverURIs" {
			if r[0] != lua.LTrue {
				bad()
			}
			return
		}
		ent, ok := r[0].(*lua.LTable)
		if !ok {
			bad()
		}
		status, ok := ent.RawGetString("status").(lua.LNumber)
		if !ok || status < 100 || status > 599 || status != lua.LNumber(math.Trunc(float64(status))) {
			bad()
		}
		h := ent.RawGetString("header")
		b := ent.RawGetString("body")
		if status == 408 && h == lua.LNil {
			if b != lua.LNil {
				bad()
			}
			return
		}
		ht, ok := h.(*lua.LTable)
		if !ok {
			bad()
		}
		ht.ForEach(func(k, v lua.LValue) {
			ks, ok1 := k.(lua.LString)
			_, ok2 := v.(lua.LString)
			if !ok1 || !ok2 || strings.ToLower(string(ks)) != string(ks) {
				bad()
			}
		})
		switch b.(type) {
		case *lua.LTable, lua.LString:
		default:
			bad()
		}
	case 2:
		if r[0] != failValue {
			bad()
		}
		if s, ok := r[1].(lua.LString); !ok || s == "" {
			bad()
		}
	default:
		bad()
	}
}

// callNew calls Etcd.new(args...): a client or nil and a string. The
// client is not used (its host is whatever the fuzzer made up).
func callNew(t *testing.T, L *lua.LState, newFn lua.LValue, args []lua.LValue) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	L.SetContext(ctx)
	defer L.RemoveContext()
	top := L.GetTop()
	err := L.CallByParam(lua.P{Fn: newFn, NRet: lua.MultRet, Protect: true}, args...)
	var r []lua.LValue
	for i := top + 1; i <= L.GetTop(); i++ {
		r = append(r, L.Get(i))
	}
	L.SetTop(top)
	desc := "new(" + showArgs(args) + ")"
	if err != nil {
		t.Fatalf("%s raised %v", desc, err)
	}
	switch {
	case len(r) == 1:
		if !luaetcd.IsClient(r[0]) {
			t.Fatalf("%s answered %s", desc, showArgs(r))
		}
	case len(r) == 2 && r[0] == lua.LNil:
		if s, ok := r[1].(lua.LString); !ok || s == "" {
			t.Fatalf("%s answered %s", desc, showArgs(r))
		}
	default:
		t.Fatalf("%s answered %s", desc, showArgs(r))
	}
}

// callWrongSelf calls a method with something else than a client as
// self: a Lua error that says how to call it, never a Go panic.
func callWrongSelf(t *testing.T, L *lua.LState, methods *lua.LTable, names []string, args []lua.LValue) {
	if len(args) == 0 {
		args = []lua.LValue{lua.LNil}
	}
	name := names[len(args)%len(names)]
	err := L.CallByParam(lua.P{Fn: methods.RawGetString(name), NRet: lua.MultRet, Protect: true}, args...)
	L.SetTop(0)
	if luaetcd.IsClient(args[0]) {
		return // the client itself after all
	}
	if err == nil || !strings.Contains(err.Error(), "call it as cli:"+name) {
		t.Fatalf("%s with self %s: %v", name, showArgs(args[:1]), err)
	}
}

// fuzzInput turns bytes into Lua values.
type fuzzInput struct {
	data []byte
	L    *lua.LState
}

func (in *fuzzInput) byte() byte {
	if len(in.data) == 0 {
		return 0
	}
	b := in.data[0]
	in.data = in.data[1:]
	return b
}

func (in *fuzzInput) bytes(n int) []byte {
	if n > len(in.data) {
		n = len(in.data)
	}
	b := in.data[:n]
	in.data = in.data[n:]
	return b
}

var specialNumbers = []float64{
	math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1 << 53, 1<<53 + 1, 1 << 63, 1 << 64,
	math.MaxFloat64, -1, 0.5, 1 << 32, 4294967295, -(1 << 63), 1e15, 5e-324, 60, 1,
}

var oddStrings = []string{
	"", "/", "//", ".", "..", "../..", "/../../x", "%41", "%zz", "a b", "?x=1#f", "ü", "\x00", "\xff\xfe",
	"\u2028", "key", "dir/", "timeout", "host", "prefix", "ttl", "1", "-1", "0", "1e+15", "true", "null",
	"{\"a\":1}", "[1,2]", "\"quoted\"", "json", "raw", "http://127.0.0.1:1", "http://[::1", "http://u:p@x/",
	strings.Repeat("k", 300), strings.Repeat("/..", 50),
}

// optionNames are the keys new() reads, so the fuzzer reaches its checks.
var optionNames = []string{
	"timeout", "host", "peer", "prefix", "ttl", "serializer", "endpoints", "max_body_size",
	"user", "password", "cacert", "cert", "key", "activeSize", "removeDelay", "syncInterval",
}

// value builds one Lua value; depth bounds nesting.
func (in *fuzzInput) value(cli lua.LValue, depth int) lua.LValue {
	L := in.L
	switch k := in.byte() % 14; k {
	case 0:
		return lua.LNil
	case 1:
		return lua.LTrue
	case 2:
		return lua.LFalse
	case 3:
		return lua.LNumber(int8(in.byte()))
	case 4:
		b := in.bytes(8)
		var buf [8]byte
		copy(buf[:], b)
		return lua.LNumber(math.Float64frombits(binary.LittleEndian.Uint64(buf[:])))
	case 5:
		return lua.LNumber(specialNumbers[int(in.byte())%len(specialNumbers)])
	case 6:
		return lua.LString(in.bytes(int(in.byte() % 40)))
	case 7, 8, 12:
		t := L.NewTable()
		if depth > 4 {
			return t
		}
		n := int(in.byte() % 6)
		for i := 0; i < n; i++ {
			switch k {
			case 7:
				t.Append(in.value(cli, depth+1))
			case 8:
				var key lua.LValue = lua.LString(optionNames[int(in.byte())%len(optionNames)])
				if in.byte()%4 == 0 {
					key = in.value(cli, depth+1)
				}
				if key == lua.LNil {
					continue
				}
				if n, ok := key.(lua.LNumber); ok && math.IsNaN(float64(n)) {
					continue
				}
				L.RawSet(t, key, in.value(cli, depth+1))
			case 12:
				// sparse or cyclic
				t.RawSetInt(int(in.byte()), in.value(cli, depth+1))
				t.RawSetString("self", t)
			}
		}
		return t
	case 9:
		return L.NewFunction(func(L *lua.LState) int { return 0 })
	case 10:
		return cli
	case 11:
		return lua.LString(oddStrings[int(in.byte())%len(oddStrings)])
	default:
		return lua.LNumber(int64(binary.LittleEndian.Uint16(append(in.bytes(2), 0, 0))))
	}
}

// countValues counts the top-level values an argument coding holds, for
// the seeds (it understands only the codings the seeds use).
func countValues(a []byte) int {
	in := &fuzzInput{data: a, L: lua.NewState()}
	defer in.L.Close()
	n := 0
	for len(in.data) > 0 {
		in.value(lua.LNil, 0)
		n++
	}
	return n
}

func showArgs(args []lua.LValue) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case lua.LString:
			parts[i] = strconvQuote(string(v))
		case *lua.LTable:
			parts[i] = "table"
		default:
			parts[i] = a.String()
		}
	}
	return strings.Join(parts, ", ")
}

func strconvQuote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// newGuardProxy forwards to etcd but refuses to change the cluster's
// membership, so the fuzzer's removeAdminMachines cannot remove the one
// member the tests run on.
func newGuardProxy(tb testing.TB, target string) string {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/members") {
			http.Error(w, "membership changes are not fuzzed", http.StatusForbidden)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

// closedURL is the URL of a loopback port nothing listens on.
func closedURL(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
