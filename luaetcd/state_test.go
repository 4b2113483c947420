package luaetcd_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd"
)

// NewState gives scripts the Lua 5.1 details and the compat modules, and
// hands WithTLSConfig to socket.http for https.
func TestNewStateWiring(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "over tls")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	tc := srv.Client().Transport.(*http.Transport).TLSClientConfig

	L := luaetcd.NewState(context.Background(), luaetcd.WithTLSConfig(tc))
	defer L.Close()
	err := L.DoString(fmt.Sprintf(`
		local body, code = require('socket.http').request(%q)
		assert(body == 'over tls' and code == 200, tostring(body) .. ' ' .. tostring(code))
		assert(('/a/b'):gmatch('([^/]+)/([^/]+)$')() == 'a')
		assert(require('util').inspect({ 1 }, { depth = 2 }) == '{ \n  [1] = 1\n}')
		local ok, err = pcall(require, 'no.such')
		assert(err:find("module 'no.such' not found", 1, true))
		assert(loadstring(string.dump(function() return 7 end))() == 7)
		require('socket').sleep(0.001)
	`, srv.URL))
	if err != nil {
		t.Fatal(err)
	}

	plain := luaetcd.NewState(context.Background())
	defer plain.Close()
	if err := plain.DoString(fmt.Sprintf(`
		local body, err = require('socket.http').request(%q)
		assert(body == nil and err:find('certificate'), tostring(err))
	`, srv.URL)); err != nil {
		t.Fatal(err)
	}
}
