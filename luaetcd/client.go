package luaetcd

import (
	"context"
	"errors"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	lua "github.com/yuin/gopher-lua"
)

// clientTypeName names the client metatable; tostring(cli) and
// getmetatable(cli) give it.
const clientTypeName = "etcd.client"

// clientMethods is the method table behind a client's __index.
var clientMethods = map[string]func(*client, *lua.LState) (lua.LValue, error){
	"get":     (*client).get,
	"set":     (*client).set,
	"setnx":   (*client).setnx,
	"setx":    (*client).setx,
	"delete":  (*client).delete,
	"wait":    (*client).wait,
	"readdir": (*client).readdir,
	"mkdir":   (*client).mkdir,
	"mkdirnx": (*client).mkdirnx,
	"rmdir":   (*client).rmdir,
	"waitdir": (*client).waitdir,
	"push":    (*client).push,
	"setTTL":  (*client).setTTL,
	"version": (*client).version,
	"statsLeader": func(c *client, L *lua.LState) (lua.LValue, error) {
		return c.simple(L, backend.StatsLeader)
	},
	"statsSelf": func(c *client, L *lua.LState) (lua.LValue, error) {
		return c.simple(L, backend.StatsSelf)
	},
	"statsStore": func(c *client, L *lua.LState) (lua.LValue, error) {
		return c.simple(L, backend.StatsStore)
	},
	"adminConfig":         (*client).adminConfig,
	"setAdminConfig":      (*client).setAdminConfig,
	"adminMachines":       (*client).adminMachines,
	"removeAdminMachines": (*client).removeAdminMachines,
	"initFailoverURIs":    (*client).initFailoverURIs,
}

// clientMetatable returns the client metatable of L, making it on first
// use. Every client of the state shares it: __index is the method table,
// so a script may set fields on its client, or override a method on one
// client, as it could with lua-etcd's clients.
func clientMetatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.GetTypeMetatable(clientTypeName).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTypeMetatable(clientTypeName)
	methods := L.CreateTable(0, len(clientMethods))
	for name, m := range clientMethods {
		methods.RawSetString(name, L.NewFunction(wrapMethod(name, m)))
	}
	mt.RawSetString("__index", methods)
	// Printing shows the type, never the settings.
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(clientTypeName))
		return 1
	}))
	// getmetatable(cli) gives this string, and setmetatable(cli, ...)
	// raises: the methods cannot be swapped for the whole state, and a
	// sandbox that hides the state keeps it hidden.
	mt.RawSetString("__metatable", lua.LString(clientTypeName))
	return mt
}

// wrapMethod adapts a method to Lua's calling convention: the client is
// argument 1 (cli:method(...)), and the result is either the value or
// nil, err. Argument errors are returned, never raised, as lua-etcd does.
func wrapMethod(name string, m func(*client, *lua.LState) (lua.LValue, error)) lua.LGFunction {
	// initFailoverURIs alone answers false, err on failure.
	failValue := lua.LValue(lua.LNil)
	if name == "initFailoverURIs" {
		failValue = lua.LFalse
	}
	return func(L *lua.LState) int {
		c := clientOf(L.Get(1))
		if c == nil {
			L.RaiseError("%s: call it as cli:%s(...) on a client made by new()", name, name)
			return 0
		}
		v, err := m(c, L)
		if err != nil {
			L.Push(failValue)
			L.Push(lua.LString(err.Error()))
			return 2
		}
		L.Push(v)
		return 1
	}
}

// newClientValue returns the Lua value of c: an empty table with the
// client metatable. c itself is kept out of Lua's reach (see clients).
func newClientValue(L *lua.LState, c *client) *lua.LTable {
	t := L.CreateTable(0, 0)
	t.Metatable = clientMetatable(L)
	registerClient(t, c)
	return t
}

// ctx is the context of the state: a host cancels it to stop a blocked
// call.
func ctx(L *lua.LState) context.Context {
	if c := L.Context(); c != nil {
		return c
	}
	return context.Background()
}

// send carries out op and builds the entity. When no answer was had the
// error is lua-etcd's word for the cause ("connection refused", see
// errorWord); the host's request hook got the whole error.
func (c *client) send(L *lua.LState, op *backend.Op) (*lua.LTable, error) {
	res, err := c.be.Do(ctx(L), op)
	if err != nil {
		return nil, errors.New(errorWord(err))
	}
	return newEntity(L, res), nil
}
