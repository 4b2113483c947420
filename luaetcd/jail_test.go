package luaetcd_test

import (
	"context"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// A jailed client sees the jail's subtree as its key space, with its
// prefix inside the jail, and keys shown relative to the jail.
func TestKeyJailRelativeKeys(t *testing.T) {
	L := luaetcd.NewState(context.Background(), luaetcd.WithKeyJail("/test/jail/t1"),
		luaetcd.WithEndpoints(etcdServer.ClientURL))
	defer L.Close()
	plain := luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(etcdServer.ClientURL))
	defer plain.Close()
	if err := plain.DoString(`
		local cli = require('etcd.luasocket').new()
		cli:rmdir('/test/jail', true)
		assert(cli:set('/test/jail/t2/other', 'not yours').status == 201)
	`); err != nil {
		t.Fatal(err)
	}
	err := L.DoString(`
		local Etcd = require('etcd.luasocket')
		local cli = assert(Etcd.new({ prefix = '/app' }))
		local ent = assert(cli:set('/x', { n = 1 }))
		assert(ent.status == 201 and ent.body.node.key == '/app/x', ent.body.node.key)
		ent = assert(cli:get('/x'))
		assert(ent.body.node.value.n == 1)
		ent = assert(cli:set('/x', 2))
		assert(ent.body.prevNode.key == '/app/x')
		ent = assert(Etcd.new():readdir('/', true))
		assert(ent.status == 200 and ent.body.node.key == nil)
		assert(#ent.body.node.nodes == 1 and ent.body.node.nodes[1].key == '/app')
		assert(ent.body.node.nodes[1].nodes[1].key == '/app/x')
		ent = assert(cli:get('/missing/deeper'))
		assert(ent.status == 404 and ent.body.cause == '/app/missing', ent.body.cause)
		ent = assert(Etcd.new():get('/../t2/other'))
		assert(ent.status == 404 and ent.body.cause == '/t2', ent.body.cause)
		local n, err = cli:statsSelf()
		assert(n == nil and err == 'not allowed in a key jail', err)
	`)
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.DoString(`
		local ent = require('etcd.luasocket').new():get('/test/jail/t1/app/x')
		assert(ent.status == 200 and ent.body.node.value == 2)
	`); err != nil {
		t.Fatal(err)
	}
}

// Under a jail, Etcd.new refuses what would choose another cluster or
// identity, but accepts the host's own host and peer.
func TestKeyJailNewOptions(t *testing.T) {
	L := luaetcd.NewState(context.Background(), luaetcd.WithKeyJail("/test/jail/t3"),
		luaetcd.WithEndpoints(etcdServer.ClientURL+"/"), luaetcd.WithPeer(etcdServer.PeerURL))
	defer L.Close()
	L.SetGlobal("HOST", lua.LString(etcdServer.ClientURL))
	L.SetGlobal("PEER", lua.LString(etcdServer.PeerURL+"/"))
	err := L.DoString(`
		local Etcd = require('etcd.luasocket')
		assert(Etcd.new({ host = HOST, peer = PEER, prefix = '/p', timeout = 5 }))
		local cli, err = Etcd.new({ host = 'http://127.0.0.1:1' })
		assert(cli == nil and err == 'opts.host is not allowed in a key jail: the host chooses the cluster and the credentials', err)
		cli, err = Etcd.new({ password = 'x' })
		assert(cli == nil and err:find('opts.password', 1, true), err)
		-- Argument checks of lua-etcd come first, as without a jail.
		cli, err = Etcd.new({ host = 1 })
		assert(cli == nil and err == 'opts.host must be string', err)
		-- Limits can be lowered, not raised.
		assert(Etcd.new({ max_body_size = 1024 }))
		cli, err = Etcd.new({ max_body_size = 2 ^ 40 })
		assert(cli == nil and err:find("may not exceed the host's limit", 1, true), err)
	`)
	if err != nil {
		t.Fatal(err)
	}
	// Without a jail or a sandbox, a script may raise the limit.
	free := luaetcd.NewState(context.Background())
	defer free.Close()
	if err := free.DoString(`assert(require('etcd.luasocket').new({ max_body_size = 2 ^ 40 }))`); err != nil {
		t.Fatal(err)
	}
	sandboxed := luaetcd.NewState(context.Background(), luaetcd.WithSandbox(), luaetcd.WithMaxBodySize(1<<20))
	defer sandboxed.Close()
	if err := sandboxed.DoString(`assert(require('etcd.luasocket').new({ max_body_size = 2 ^ 21 }) == nil)`); err != nil {
		t.Fatal(err)
	}
}
