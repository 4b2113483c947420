package luaetcd

import (
	"net/http"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	lua "github.com/yuin/gopher-lua"
)

// Entities are built from responses alone; these cases need header shapes
// a real etcd does not send (repeated headers, odd content types), so they
// are built by hand.
func TestNewEntity(t *testing.T) {
	L := lua.NewState()
	defer L.Close()

	ent := newEntity(L, &backend.Response{
		Status: 200,
		Header: http.Header{
			"Content-Type": {"application/json; charset=utf-8"},
			"X-Multi":      {"a", "b", "c"},
			"X-Etcd-Index": {"12"},
		},
		Body: []byte(`{"action":"get","node":{"key":"/a","value":"1"}}`),
	})
	h := ent.RawGetString("header").(*lua.LTable)
	if got := h.RawGetString("x-multi"); got != lua.LString("a, b, c") {
		t.Errorf("repeated header: %v", got)
	}
	if got := h.RawGetString("x-etcd-index"); got != lua.LString("12") {
		t.Errorf("x-etcd-index: %v", got)
	}
	if got := h.RawGetString("content-type"); got != lua.LString("application/json; charset=utf-8") {
		t.Errorf("content-type: %v", got)
	}
	node := nodeOf(ent)
	if node == nil || node.RawGetString("value") != lua.LString("1") {
		t.Errorf("body not decoded: %v", ent.RawGetString("body"))
	}

	for _, c := range []struct {
		ct, body string
	}{
		{"text/plain", "404 page not found\n"},
		{"application/json", "   \n"},
		{"application/json", "{broken"},
		{"", ""},
	} {
		ent := newEntity(L, &backend.Response{Status: 404, Header: http.Header{"Content-Type": {c.ct}}, Body: []byte(c.body)})
		if got := ent.RawGetString("body"); got != lua.LString(c.body) {
			t.Errorf("%q %q: body %v, want the raw string", c.ct, c.body, got)
		}
	}

	ent = newEntity(L, &backend.Response{Status: 408, TimedOut: true})
	n := 0
	ent.ForEach(func(lua.LValue, lua.LValue) { n++ })
	if n != 1 || ent.RawGetString("status") != lua.LNumber(408) {
		t.Errorf("timeout entity has %d fields", n)
	}
	ent = newEntity(L, &backend.Response{Status: 200, Header: http.Header{}, FailoverInit: -1})
	if ent.RawGetString("initFailoverURIs") != lua.LFalse {
		t.Error("initFailoverURIs = false not set")
	}
}

func TestQuoteLua(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:       `"plain"`,
		`say "hi"`:    `"say \"hi\""`,
		"a\\b\nc\rd":  "\"a\\\\b\\\nc\\rd\"",
		"nul\x00byte": `"nul\000byte"`,
	} {
		if got := quoteLua(in); got != want {
			t.Errorf("quoteLua(%q) = %s, want %s", in, got, want)
		}
	}
}
