package luaetcd_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
	luar "layeh.com/gopher-luar"
)

// A Go program runs lua-etcd automation against its cluster, handing the
// script its own configuration and a callback through gopher-luar.
func Example() {
	type Service struct {
		Name  string
		Port  int
		Hosts []string
	}
	svc := &Service{Name: "api", Port: 8080, Hosts: []string{"10.0.0.1", "10.0.0.2"}}
	var changes []string
	report := func(key string, status int) {
		changes = append(changes, fmt.Sprintf("%s -> %d", key, status))
	}

	L := luaetcd.NewState(context.Background(),
		luaetcd.WithEndpoints(etcdServer.ClientURL),
		luaetcd.WithPrefix("/example"))
	defer L.Close()
	L.SetGlobal("service", luar.New(L, svc))
	L.SetGlobal("report", luar.New(L, report))

	err := L.DoString(`
		local etcd = require('etcd.luasocket').new()
		local key = '/services/' .. service.Name
		local res = assert(etcd:set(key, { port = service.Port, hosts = #service.Hosts }))
		report(key, res.status)
		res = assert(etcd:get(key))
		print(res.body.node.value.port, res.body.node.value.hosts)
	`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(changes, "\n"))
	// Output:
	// 8080	2
	// /services/api -> 201
}

// Scripts from many goroutines: take a state from a pool for each run.
func ExamplePool() {
	pool := luaetcd.NewPool(8, luaetcd.WithEndpoints(etcdServer.ClientURL))
	defer pool.Close()

	err := pool.Do(context.Background(), func(L *lua.LState) error {
		return L.DoString(`
			local etcd = require('etcd.luasocket').new()
			local res = etcd:setnx('/example/once', 'first')
			print(res.status, res.body.action)
		`)
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 201	create
}

// A tenant's script, run with only the safe libraries, confined to the
// tenant's keys, and stopped after 5 seconds whatever it does.
func ExampleWithKeyJail() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	L := luaetcd.NewState(ctx,
		luaetcd.WithSandbox(),
		luaetcd.WithKeyJail("/example/tenants/acme"),
		luaetcd.WithEndpoints(etcdServer.ClientURL))
	defer L.Close()

	err := L.DoString(`
		local etcd = require('etcd.luasocket').new()
		local res = assert(etcd:set('/../../../config', 'mine'))
		print(res.status, res.body.node.key)
		print(pcall(os.execute, 'rm -rf /'))
		print(require('etcd.luasocket').new({ host = 'http://10.9.9.9:2379' }))
	`)
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 201	/config
	// false	os.execute is not available in the sandbox
	// nil	opts.host is not allowed in a key jail: the host chooses the cluster and the credentials
}
