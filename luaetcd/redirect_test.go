package luaetcd_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// redirector answers every request with 307 to the same path and query on
// target, as an etcd 0.4 follower sent requests to its leader. It is a
// fake on purpose: etcd 2.x and later no longer redirect. It counts the
// requests of the calls under test (keys and admin config), not the
// client's own membership lookups.
func redirector(t *testing.T, target string) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/keys") || r.URL.Path == "/v2/admin/config" {
			n.Add(1)
		}
		w.Header().Set("Location", target+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// Redirects behave as in lua-etcd, through a redirecting server in front
// of the recording proxy and the real etcd: a GET is followed (location in
// the header, no failover, the client stays); a write is sent again to the
// location, answers with failover = that server, and later calls go there
// directly, keys on the host and admin calls on the peer.
func TestRedirects(t *testing.T) {
	L := newTestState(t, context.Background(), "/test/redirect")
	defer L.Close()
	pkgPath(L)
	hostRedir, hostHits := redirector(t, L.GetGlobal("HOST").String())
	peerRedir, peerHits := redirector(t, L.GetGlobal("HOST").String())
	L.SetGlobal("REDIRECT", lua.LString(hostRedir.URL))
	L.SetGlobal("PEER_REDIRECT", lua.LString(peerRedir.URL))
	L.SetGlobal("redirect_hits", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(hostHits.Load()))
		L.Push(lua.LNumber(peerHits.Load()))
		return 2
	}))
	if err := L.DoString(`
		local check = require('check')
		local Etcd = require('etcd.luasocket')
		check.status(check.client():set('/r', 'v0'), nil, 201)

		-- GET: followed; the location in the header, no failover, no switch
		local cli = check.client({ host = REDIRECT })
		local ent = check.status(cli:get('/r'), nil, 200, 'get')
		check.eq(ent.body.node.value, 'v0')
		check.eq(ent.header.location, HOST .. '/v2/keys' .. PREFIX .. '/r')
		check.eq(ent.failover, nil, 'failover of a get')
		check.eq(ent.header['x-etcd-index'] ~= nil, true, 'the final answer')
		check.eq(last_request().path, '/v2/keys' .. PREFIX .. '/r')
		check.status(cli:get('/r'), nil, 200)
		check.eq((redirect_hits()), 2, 'a get does not move the client')
		-- a missing key: the final answer (404), with the location too
		ent = check.status(cli:get('/none'), nil, 404)
		check.eq(ent.header.location, HOST .. '/v2/keys' .. PREFIX .. '/none')

		-- a write: sent again to the location; failover, no location
		ent = check.status(cli:set('/r', 'v1'), nil, 200, 'set')
		check.eq(ent.failover, HOST)
		check.eq(ent.header.location, nil, 'location of a write')
		check.eq(ent.body.node.value, '"v1"')
		local r = last_request()
		check.eq(r.method, 'PUT'); check.eq(r.body, 'value=%22v1%22&ttl=')
		check.eq((redirect_hits()), 4)
		-- later calls go straight to the new host
		check.status(cli:set('/r', 'v2'), nil, 200)
		check.eq(check.status(cli:get('/r'), nil, 200).body.node.value, 'v2')
		ent = check.status(cli:push('/q', 1), nil, 201)
		check.eq(ent.failover, nil, 'no failover once there')
		check.eq((redirect_hits()), 4, 'calls after the switch')

		-- push and delete are re-sent the same way
		for _, m in ipairs({ 'push', 'delete' }) do
			local c = check.client({ host = REDIRECT })
			local args = m == 'push' and { '/q', 2 } or { '/r' }
			ent = check.status(c[m](c, unpack(args)), nil, m == 'push' and 201 or 200, m)
			check.eq(ent.failover, HOST, m)
			check.eq(last_request().method, m == 'push' and 'POST' or 'DELETE')
		end

		-- the peer: admin writes re-sent, later admin calls go there; the
		-- host is left alone
		local before = redirect_hits()
		local pc = check.client({ peer = PEER_REDIRECT })
		check.status(pc:version(), nil, 200) -- its membership lookup done first
		ent = pc:setAdminConfig({ activeSize = 3 })
		check.eq(ent.failover, HOST, 'setAdminConfig failover')
		check.eq(last_request().path, '/v2/admin/config')
		check.eq(last_request().method, 'PUT')
		local _, peer1 = redirect_hits()
		check.eq(peer1, 1)
		pc:adminConfig()
		local hosts, peer2 = redirect_hits()
		check.eq(peer2, 1, 'admin calls after the switch')
		check.eq(hosts, before, 'the host is untouched')
		-- an admin GET through a redirecting peer is followed, no switch
		local pg = check.client({ peer = PEER_REDIRECT })
		ent = pg:adminConfig()
		check.eq(ent.header.location, HOST .. '/v2/admin/config')
		check.eq(ent.failover, nil)
		pg:adminConfig()
		check.eq(select(2, redirect_hits()), 3)
	`); err != nil {
		t.Fatal(err)
	}
}
