package luaetcd_test

import (
	"fmt"
	"log"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// A host that builds its own state and adds the etcd modules builds it
// with StateOptions, as NewState does: with gopher-lua's defaults the
// table.concat below fails with "registry overflow".
func ExamplePreload() {
	L := lua.NewState(luaetcd.StateOptions())
	defer L.Close()
	lua51.Open(L) // Lua 5.1's pcall, unpack, table.concat, ...
	luaetcd.Preload(L, luaetcd.WithEndpoints(etcdServer.ClientURL))

	err := L.DoString(`
		local etcd = require('etcd.luasocket').new()
		assert(etcd:set('/example/preload', 'x'))
		local value = assert(etcd:get('/example/preload')).body.node.value
		local parts = {}
		for i = 1, 100000 do parts[i] = value end
		print(#table.concat(parts, ','))
	`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("done")
	// Output:
	// 199999
	// done
}
