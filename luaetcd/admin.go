package luaetcd

import (
	"bytes"
	"strings"

	"github.com/luaetcd/go-luaetcd/luaetcd/backend"
	"github.com/luaetcd/go-luaetcd/luaetcd/keypath"
	lua "github.com/yuin/gopher-lua"
)

// Methods outside /v2/keys: version, stats and the etcd 0.4 admin API.

func (c *client) version(L *lua.LState) (lua.LValue, error) {
	return c.simple(L, "version", backend.Version)
}

// simple sends a GET without arguments to an endpoint.
func (c *client) simple(L *lua.LState, what string, ep backend.Endpoint) (lua.LValue, error) {
	return c.send(L, what, &backend.Request{Method: "GET", Endpoint: ep, Timeout: c.timeout, Idempotent: true})
}

func (c *client) adminConfig(L *lua.LState) (lua.LValue, error) {
	return c.simple(L, "adminConfig", backend.AdminConfig)
}

// adminConfigFields are the settings etcd 0.4's /v2/admin/config took, in
// the order they are checked.
var adminConfigFields = []string{"activeSize", "removeDelay", "syncInterval"}

// setAdminConfig sends only the known fields, each an unsigned integer, as
// a JSON object.
func (c *client) setAdminConfig(L *lua.LState) (lua.LValue, error) {
	cfg, ok := L.Get(2).(*lua.LTable)
	if !ok {
		return nil, errCfg
	}
	var body bytes.Buffer
	body.WriteByte('{')
	for _, name := range adminConfigFields {
		v := cfg.RawGetString(name)
		if v == lua.LNil {
			continue
		}
		if !isUint(v) {
			return nil, errArg("opts." + name + " must be uint")
		}
		if body.Len() > 1 {
			body.WriteByte(',')
		}
		body.WriteString(`"` + name + `":` + formatUint(v.(lua.LNumber)))
	}
	body.WriteByte('}')
	return c.send(L, "setAdminConfig", &backend.Request{
		Method: "PUT", Endpoint: backend.AdminConfig, JSON: body.Bytes(), Timeout: c.timeout, Idempotent: true,
	})
}

// machineName reads the optional machine name; "" means all machines.
func machineName(L *lua.LState) (string, error) {
	v := L.Get(2)
	if v == lua.LNil {
		return "", nil
	}
	s, ok := v.(lua.LString)
	if !ok {
		return "", errName
	}
	return strings.TrimPrefix(keypath.Normalize(string(s)), "/"), nil
}

func (c *client) adminMachines(L *lua.LState) (lua.LValue, error) {
	name, err := machineName(L)
	if err != nil {
		return nil, err
	}
	return c.send(L, "adminMachines", &backend.Request{
		Method: "GET", Endpoint: backend.AdminMachines, Key: name, Timeout: c.timeout, Idempotent: true,
	})
}

func (c *client) removeAdminMachines(L *lua.LState) (lua.LValue, error) {
	name, err := machineName(L)
	if err != nil {
		return nil, err
	}
	return c.send(L, "removeAdminMachines", &backend.Request{
		Method: "DELETE", Endpoint: backend.AdminMachines, Key: name, Timeout: c.timeout,
	})
}

// initFailoverURIs returns true, or false and the reason; unlike the other
// methods its failure value is false, as in lua-etcd.
func (c *client) initFailoverURIs(L *lua.LState) (lua.LValue, error) {
	if err := c.be.InitFailover(ctx(L)); err != nil {
		return nil, err
	}
	return lua.LTrue, nil
}
