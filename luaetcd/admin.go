package luaetcd

import (
	"errors"
	"math"
	"strings"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/keypath"
	lua "github.com/yuin/gopher-lua"
)

// Methods outside /v2/keys: version, stats and the etcd 0.4 admin API.

func (c *client) version(L *lua.LState) (lua.LValue, error) {
	return c.simple(L, backend.Version)
}

// simple carries out an operation without arguments.
func (c *client) simple(L *lua.LState, kind backend.Kind) (lua.LValue, error) {
	return c.send(L, &backend.Op{Kind: kind, Timeout: c.timeout})
}

func (c *client) adminConfig(L *lua.LState) (lua.LValue, error) {
	return c.simple(L, backend.AdminConfig)
}

// adminConfigFields are the settings etcd 0.4's /v2/admin/config took, in
// the order they are checked.
var adminConfigFields = []string{"activeSize", "removeDelay", "syncInterval"}

// setAdminConfig sends only the known fields, each an unsigned integer.
func (c *client) setAdminConfig(L *lua.LState) (lua.LValue, error) {
	cfg, ok := L.Get(2).(*lua.LTable)
	if !ok {
		return nil, errCfg
	}
	settings := make([]backend.Setting, 0, len(adminConfigFields))
	for _, name := range adminConfigFields {
		v := cfg.RawGetString(name)
		if v == lua.LNil {
			continue
		}
		if !isUint(v) {
			return nil, errArg("opts." + name + " must be uint")
		}
		n, ok := indexOf(v.(lua.LNumber))
		if !ok {
			n = math.MaxUint64 // beyond any setting etcd 0.4 took
		}
		settings = append(settings, backend.Setting{Name: name, Value: n})
	}
	return c.send(L, &backend.Op{Kind: backend.SetAdminConfig, Settings: settings, Timeout: c.timeout})
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
	return c.send(L, &backend.Op{Kind: backend.Machines, Name: name, Timeout: c.timeout})
}

func (c *client) removeAdminMachines(L *lua.LState) (lua.LValue, error) {
	name, err := machineName(L)
	if err != nil {
		return nil, err
	}
	return c.send(L, &backend.Op{Kind: backend.RemoveMachine, Name: name, Timeout: c.timeout})
}

// initFailoverURIs returns true, or false and the reason; unlike the other
// methods its failure value is false, as in lua-etcd.
func (c *client) initFailoverURIs(L *lua.LState) (lua.LValue, error) {
	if err := c.be.InitFailover(ctx(L)); err != nil {
		return nil, errors.New(errorWord(err))
	}
	return lua.LTrue, nil
}
