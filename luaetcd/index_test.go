package luaetcd_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// An index of 2^64 or more (a Lua number can hold one; no etcd index can
// be one) gets, without a request, the answer etcd gives when asked: 400,
// errorCode 203, the same message and cause.
func TestIndexBeyondUint64(t *testing.T) {
	for _, tc := range []struct {
		call, param, method, query string
	}{
		{`cli:delete('/idx', nil, 2^64)`, "prevIndex", "DELETE", "prevIndex=18446744073709551616"},
		{`cli:setx('/idx', 'v', nil, 1e30)`, "prevIndex", "PUT", "prevExist=true&prevIndex=1000000000000000019884624838656"},
		{`cli:wait('/idx', 2^64)`, "waitIndex", "GET", "wait=true&waitIndex=18446744073709551616"},
	} {
		L := newTestState(t, context.Background(), "")
		// Etcd.new may ask which API the host serves; count only the call.
		if err := L.DoString(`cli = require('etcd.luasocket').new({ host = HOST })`); err != nil {
			t.Fatal(err)
		}
		before := countOf(t, L)
		if err := L.DoString(`local r = assert(` + tc.call + `)
			status, code, message, cause = r.status, r.body.errorCode, r.body.message, r.body.cause`); err != nil {
			t.Fatal(err)
		}
		if countOf(t, L) != before {
			t.Errorf("%s: a request was sent", tc.call)
		}
		req, _ := http.NewRequest(tc.method, etcdServer.ClientURL+"/v2/keys/idx?"+tc.query, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var want struct {
			ErrorCode int    `json:"errorCode"`
			Message   string `json:"message"`
			Cause     string `json:"cause"`
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("etcd answered %d %q", resp.StatusCode, b)
		}
		got := func(name string) lua.LValue { return L.GetGlobal(name) }
		if got("status") != lua.LNumber(resp.StatusCode) || got("code") != lua.LNumber(want.ErrorCode) ||
			got("message") != lua.LString(want.Message) || got("cause") != lua.LString(want.Cause) {
			t.Errorf("%s: got %v %v %v %v, etcd says %d %s", tc.call, got("status"), got("code"), got("message"), got("cause"), resp.StatusCode, b)
		}
		L.Close()
	}
}

func countOf(t *testing.T, L *lua.LState) lua.LValue {
	if err := L.DoString(`n = request_count()`); err != nil {
		t.Fatal(err)
	}
	return L.GetGlobal("n")
}
