package luaetcd

import (
	"context"
	"fmt"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	lua "github.com/yuin/gopher-lua"
)

// clientTypeName names the metatable of client userdata.
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
		return c.simple(L, "statsLeader", backend.StatsLeader)
	},
	"statsSelf": func(c *client, L *lua.LState) (lua.LValue, error) {
		return c.simple(L, "statsSelf", backend.StatsSelf)
	},
	"statsStore": func(c *client, L *lua.LState) (lua.LValue, error) {
		return c.simple(L, "statsStore", backend.StatsStore)
	},
	"adminConfig":         (*client).adminConfig,
	"setAdminConfig":      (*client).setAdminConfig,
	"adminMachines":       (*client).adminMachines,
	"removeAdminMachines": (*client).removeAdminMachines,
	"initFailoverURIs":    (*client).initFailoverURIs,
}

// clientMetatable returns the client metatable of L, making it on first
// use.
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
	// Hide the internals (credentials among them) from printing.
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(clientTypeName))
		return 1
	}))
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
		ud, ok := L.Get(1).(*lua.LUserData)
		var c *client
		if ok {
			c, ok = ud.Value.(*client)
		}
		if !ok {
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

// newClientValue wraps c as a Lua userdata with the client metatable.
func newClientValue(L *lua.LState, c *client) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = c
	ud.Metatable = clientMetatable(L)
	return ud
}

// ctx is the context of the state: a host cancels it to stop a blocked
// call.
func ctx(L *lua.LState) context.Context {
	if c := L.Context(); c != nil {
		return c
	}
	return context.Background()
}

// send carries out op and builds the entity. what names the call in
// errors, as in "get /a/b: connection refused".
func (c *client) send(L *lua.LState, what string, op *backend.Op) (*lua.LTable, error) {
	res, err := c.be.Do(ctx(L), op)
	if err != nil {
		if op.Kind.OnKeys() {
			return nil, fmt.Errorf("%s %s: %w", what, op.Key, err)
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return newEntity(L, res), nil
}
