package luaetcd

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/luajson"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	lua "github.com/yuin/gopher-lua"
)

// newEntity turns a backend response into lua-etcd's response entity:
//
//	{ status = 200, header = { ["content-type"] = "...", ... }, body = ... }
//
// header names are lower case and a repeated header is joined with ", ".
// body is the decoded JSON when the content type says JSON and the body is
// not blank, else the raw text. A timed-out request is just {status = 408}.
func newEntity(L *lua.LState, res *backend.Response) *lua.LTable {
	ent := L.CreateTable(0, 4)
	ent.RawSetString("status", lua.LNumber(res.Status))
	if res.FailoverInit != 0 {
		ent.RawSetString("initFailoverURIs", lua.LBool(res.FailoverInit > 0))
	}
	if res.RedirectedTo != "" {
		ent.RawSetString("failover", lua.LString(res.RedirectedTo))
	}
	if res.TimedOut {
		return ent
	}
	ent.RawSetString("header", newHeader(L, res.Header))
	ent.RawSetString("body", newBody(L, res.Header.Get("Content-Type"), res.Body))
	return ent
}

func newHeader(L *lua.LState, h http.Header) *lua.LTable {
	t := L.CreateTable(0, len(h))
	for name, vals := range h {
		var v string
		if len(vals) == 1 {
			v = vals[0]
		} else {
			v = strings.Join(vals, ", ")
		}
		lv, ok := commonHeaderValues[v]
		if !ok {
			lv = lua.LString(v)
		}
		t.RawSetString(lowerHeaderName(name), lv)
	}
	return t
}

// commonHeaderValues holds header values etcd sends on every answer,
// already boxed as Lua values, so building a header table does not
// allocate for them.
var commonHeaderValues = map[string]lua.LValue{
	"application/json":                    lua.LString("application/json"),
	"*":                                   lua.LString("*"),
	"accept, content-type, authorization": lua.LString("accept, content-type, authorization"),
	"POST, GET, OPTIONS, PUT, DELETE":     lua.LString("POST, GET, OPTIONS, PUT, DELETE"),
	"text/plain; charset=utf-8":           lua.LString("text/plain; charset=utf-8"),
	"chunked":                             lua.LString("chunked"),
}

// lowerHeaderName lower-cases a header name, without allocating for the
// names etcd sends on every response.
func lowerHeaderName(name string) string {
	switch name {
	case "Content-Type":
		return "content-type"
	case "Content-Length":
		return "content-length"
	case "Date":
		return "date"
	case "X-Etcd-Index":
		return "x-etcd-index"
	case "X-Etcd-Cluster-Id":
		return "x-etcd-cluster-id"
	case "X-Raft-Index":
		return "x-raft-index"
	case "X-Raft-Term":
		return "x-raft-term"
	case "Access-Control-Allow-Headers":
		return "access-control-allow-headers"
	case "Access-Control-Allow-Methods":
		return "access-control-allow-methods"
	case "Access-Control-Allow-Origin":
		return "access-control-allow-origin"
	case "Transfer-Encoding":
		return "transfer-encoding"
	}
	return strings.ToLower(name)
}

func newBody(L *lua.LState, contentType string, body []byte) lua.LValue {
	if strings.HasPrefix(contentType, "application/json") && len(bytes.TrimSpace(body)) > 0 {
		if v, err := luajson.Decode(L, body); err == nil {
			return v
		}
	}
	return lua.LString(body)
}

// nodeOf returns entity.body.node when it is a table.
func nodeOf(ent *lua.LTable) *lua.LTable {
	body, ok := ent.RawGetString("body").(*lua.LTable)
	if !ok {
		return nil
	}
	node, _ := body.RawGetString("node").(*lua.LTable)
	return node
}

// isDir reports whether a node table has dir = true.
func isDir(node *lua.LTable) bool {
	return node.RawGetString("dir") == lua.LTrue
}

// indexNaN is etcd's answer to an index it cannot read as an unsigned
// 64-bit number (400, errorCode 203), given without asking: no etcd index
// reaches 2^64, which a Lua number can hold, and lua-etcd's request for
// one got this answer. param is "prevIndex" or "waitIndex".
func indexNaN(L *lua.LState, param string) *lua.LTable {
	e := v2api.NewError(v2api.EcodeIndexNaN, `invalid value for "`+param+`"`, 0)
	return newEntity(L, &backend.Response{Status: e.Status(), Header: v2api.Header(0), Body: v2api.Marshal(e)})
}
