package luaetcd_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// TestBasicAuth runs scripts against an etcd with v2 auth on.
func TestBasicAuth(t *testing.T) {
	srv := etcdtest.StartAuth(t)
	g := map[string]string{
		"HOST":        srv.ClientURL,
		"HOSTPORT":    strings.TrimPrefix(srv.ClientURL, "http://"),
		"ROOT_PW":     etcdtest.RootPassword,
		"READER_PW":   etcdtest.ReaderPassword,
		"READER_HOST": strings.Replace(srv.ClientURL, "http://", "http://reader:"+etcdtest.ReaderPassword+"@", 1),
	}
	// check401 is the entity etcd gives for missing or insufficient
	// credentials: HTTP 401 with the v2 error body, errorCode 110.
	const check401 = `
		function check401(ent, err)
			assert(ent, err)
			assert(ent.status == 401, ent.status)
			assert(type(ent.body) == 'table', tostring(ent.body))
			assert(ent.body.errorCode == 110, ent.body.errorCode)
			assert(ent.body.message == 'The request requires user authentication', ent.body.message)
			assert(ent.body.cause == 'Insufficient credentials', ent.body.cause)
		end
	`
	// Root writes the key the others read.
	doLua(t, g, check401+`
		local Etcd = require('etcd.luasocket')
		local root = assert(Etcd.new({ host = HOST, user = 'root', password = ROOT_PW }))
		local ent, err = root:set('/ro/k', { v = 1 }) -- replaces the seeded "hello"
		assert(ent and ent.status == 200, err or ent.status)
		ent, err = root:set('/rw/k', 'root only')
		assert(ent and ent.status == 201, err or ent.status)
		assert(root:get('/rw/k').body.node.value == 'root only')
	`)

	t.Run("reader", func(t *testing.T) {
		doLua(t, g, check401+`
			local Etcd = require('etcd.luasocket')
			for _, opts in ipairs({
				{ host = HOST, user = 'reader', password = READER_PW },
				{ host = READER_HOST },                                    -- user:pass@ in the URL
				{ host = READER_HOST, user = 'root', password = 'wrong' }, -- the URL's own wins
			}) do
				local cli = assert(Etcd.new(opts))
				local ent, err = cli:get('/ro/k')
				assert(ent and ent.status == 200, err or ent.status)
				assert(ent.body.node.value.v == 1)
				-- read-only: a write is etcd's 401 entity, not a crash
				check401(cli:set('/ro/k', 2))
				check401(cli:delete('/ro/k'))
				-- and outside /ro nothing at all
				check401(cli:get('/rw/k'))
			end
		`)
	})

	t.Run("no credentials", func(t *testing.T) {
		doLua(t, g, check401+`
			local cli = assert(require('etcd.luasocket').new({ host = HOST }))
			check401(cli:get('/ro/k'))
			check401(cli:set('/ro/k', 3))
		`)
	})

	t.Run("wrong password", func(t *testing.T) {
		doLua(t, g, check401+`
			local Etcd = require('etcd.luasocket')
			check401(Etcd.new({ host = HOST, user = 'reader', password = 'nope' }):get('/ro/k'))
			check401(Etcd.new({ host = HOST, user = 'root', password = 'nope' }):set('/ro/k', 4))
			check401(Etcd.new({ host = HOST, user = 'nobody', password = 'x' }):get('/ro/k'))
			check401(Etcd.new({ host = 'http://reader:nope@' .. HOSTPORT }):get('/ro/k'))
		`)
	})

	t.Run("WithBasicAuth", func(t *testing.T) {
		// The Go option is the default; a script's own user wins.
		doLua(t, g, check401+`
			local Etcd = require('etcd.luasocket')
			local ent, err = Etcd.new():get('/ro/k')
			assert(ent and ent.status == 200, err or ent.status)
			check401(Etcd.new():set('/ro/k', 5))
			ent, err = Etcd.new({ user = 'root', password = ROOT_PW }):set('/rw/go', 1)
			assert(ent and ent.status == 201, err or ent.status)
		`, luaetcd.WithEndpoints(srv.ClientURL), luaetcd.WithBasicAuth("reader", etcdtest.ReaderPassword))
	})
}

// TestCredentialsNeverShown: passwords (and user names) stay out of error
// texts, the request hook and what a script can print of a client.
func TestCredentialsNeverShown(t *testing.T) {
	const secret = "t0p-s3cret-pw"
	var mu sync.Mutex
	var infos []luaetcd.RequestInfo
	hook := luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) {
		mu.Lock()
		infos = append(infos, i)
		mu.Unlock()
	})
	var errs []string
	var parseErrs []string // may name the user (u.Redacted), never the password
	L := luaetcd.NewState(context.Background(), hook, luaetcd.WithBasicAuth("gouser", secret))
	defer L.Close()
	L.SetGlobal("SECRET", lua.LString(secret))
	L.SetGlobal("HOST", lua.LString(etcdServer.ClientURL))
	L.SetGlobal("note", L.NewFunction(func(L *lua.LState) int {
		errs = append(errs, L.CheckString(1))
		return 0
	}))
	L.SetGlobal("note_parse", L.NewFunction(func(L *lua.LState) int {
		parseErrs = append(parseErrs, L.CheckString(1))
		return 0
	}))
	err := L.DoString(`
		local Etcd = require('etcd.luasocket')
		local util = require('util')
		local hostport = HOST:gsub('^http://', '')
		local clients = {
			Etcd.new({ host = 'http://alice:' .. SECRET .. '@127.0.0.1:1', timeout = 2 }),
			Etcd.new({ host = 'http://127.0.0.1:1', user = 'alice', password = SECRET, timeout = 2 }),
			Etcd.new({ host = 'http://127.0.0.1:1', endpoints = { 'http://bob:' .. SECRET .. '@127.0.0.1:2' }, timeout = 2 }),
			Etcd.new({ host = 'http://127.0.0.1:1', timeout = 2 }), -- WithBasicAuth's
			-- a server that answers: etcd without auth ignores credentials
			Etcd.new({ host = 'http://alice:' .. SECRET .. '@' .. hostport }),
			Etcd.new({ host = HOST, user = 'alice', password = SECRET }),
		}
		for i, cli in ipairs(clients) do
			note(tostring(cli))
			note(util.inspect(cli))
			note(util.inspect({ cli = cli, [cli] = 1 }))
			note(tostring(getmetatable(cli)))
			for _, call in ipairs({
				function() return cli:get('/secret/k') end,
				function() return cli:set('/secret/k', 1) end,
				function() return cli:version() end,
				function() return cli:adminMachines() end,
				function() return cli:initFailoverURIs() end,
			}) do
				local ent, err = call()
				if i <= 4 then
					assert(not ent, 'no server there, yet ' .. tostring(ent))
					note(err)
				else
					note(util.inspect(ent))
				end
			end
		end
		-- URLs that cannot be used: new accepts them, the calls say why
		for _, bad in ipairs({
			'http://alice:' .. SECRET .. '@[::1',
			'ftp://alice:' .. SECRET .. '@127.0.0.1:1',
			'http://alice:' .. SECRET .. '@127.0.0.1:1/?q',
			'http://alice:' .. SECRET .. '@',
		}) do
			local cli = assert(Etcd.new({ host = bad, timeout = 2 }), bad)
			local ent, err = cli:get('/k')
			assert(ent == nil, bad)
			note_parse(err)
			cli = assert(Etcd.new({ peer = bad, timeout = 2 }), bad)
			ent, err = cli:adminConfig()
			assert(ent == nil, bad)
			note_parse(err)
		end
	`)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) == 0 || len(infos) == 0 {
		t.Fatalf("nothing to check: %d texts, %d hook calls", len(errs), len(infos))
	}
	for _, i := range infos {
		txt := fmt.Sprintf("%s %s %d %v", i.Method, i.URL, i.Status, i.Err)
		errs = append(errs, txt)
		if strings.Contains(i.URL, "@") {
			t.Errorf("RequestInfo.URL has user info: %s", i.URL)
		}
	}
	for _, e := range errs {
		if strings.Contains(e, secret) || strings.Contains(e, "alice") || strings.Contains(e, "bob") || strings.Contains(e, "gouser") {
			t.Errorf("credentials shown: %s", e)
		}
	}
	for _, e := range parseErrs {
		if strings.Contains(e, secret) {
			t.Errorf("password shown: %s", e)
		}
	}
	t.Logf("%d texts checked, e.g. %q", len(errs), errs[len(errs)-1])
}
