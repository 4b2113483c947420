package luaetcd

import (
	"context"

	"github.com/luaetcd/go-luaetcd/luaetcd/compat"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// NewState returns a Lua state ready for lua-etcd scripts: built with
// lua51.Options (a call stack and a registry that grow to Lua 5.1's limits),
// the standard libraries open and completed to Lua 5.1's (lua51.Open:
// pcall/xpcall, unpack, table.concat, ... behaving as in Lua 5.1), the
// compat modules (util, cjson, cjson.safe, path, socket, socket.url,
// socket.http, ltn12) and the etcd modules preloaded, and ctx
// set as the state's context, so cancelling ctx stops the script and any
// request or socket.sleep it is blocked in. ctx may be nil. WithTLSConfig
// also applies to https requests of socket.http. With WithSandbox the
// state has only the safe libraries (see there). Close the state when
// done.
func NewState(ctx context.Context, opts ...Option) *lua.LState {
	cfg := newConfig(opts)
	var L *lua.LState
	if cfg.sandbox {
		L = newSandboxState(setOf(cfg.allow...))
	} else {
		L = lua.NewState(lua51.Options())
	}
	lua51.Open(L)
	compat.Preload(L)
	if tc := cfg.tlsConfig; tc != nil {
		compat.SetTLSConfig(L, tc)
	}
	Preload(L, opts...)
	if cfg.sandbox {
		applySandbox(L, setOf(cfg.allow...))
	}
	if ctx != nil {
		L.SetContext(ctx)
	}
	return L
}

// StateOptions returns the lua.Options NewState builds its states with
// (lua51.Options: a call stack of Lua 5.1's 20000 frames allocated as it
// grows, a registry that grows from 1024 values to 5,120,000), for hosts
// that build their own state and call Preload.
func StateOptions() lua.Options {
	return lua51.Options()
}
