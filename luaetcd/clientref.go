package luaetcd

import (
	"runtime"
	"sync"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// A script's client is a plain Lua table, as lua-etcd's was (type(cli) is
// 'table', pairs(cli) yields nothing, a script may set fields and
// override methods on it). The Go client behind it (settings, backend,
// credentials) is not stored in the table, nor in its metatable: clients
// maps the table, weakly, to it. Nothing a script can reach (pairs, next,
// rawget, getmetatable, debug.getmetatable, tostring) leads to the Go
// side, and a table the script made itself, even with the client
// metatable set through the debug library, is not a client.
//
// The map holds no reference to the table: when the script drops its
// client and the table is collected, a cleanup removes the entry, so the
// backend goes with it.
var clients sync.Map // weak.Pointer[lua.LTable] -> *client

// registerClient makes t stand for c.
func registerClient(t *lua.LTable, c *client) {
	wp := weak.Make(t)
	clients.Store(wp, c)
	runtime.AddCleanup(t, func(wp weak.Pointer[lua.LTable]) { clients.Delete(wp) }, wp)
}

// clientOf returns the client a Lua value stands for, or nil when it is
// not a client table.
func clientOf(v lua.LValue) *client {
	t, ok := v.(*lua.LTable)
	if !ok || t.Metatable == lua.LNil || t.Metatable == nil {
		return nil
	}
	c, ok := clients.Load(weak.Make(t))
	if !ok {
		return nil
	}
	return c.(*client)
}
