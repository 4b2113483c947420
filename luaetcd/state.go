package luaetcd

import (
	"context"

	"github.com/luaetcd/go-luaetcd/luaetcd/compat"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// NewState returns a Lua state ready for lua-etcd scripts: the standard
// libraries open and behaving as in Lua 5.1 where scripts notice (package
// lua51), the compat modules (util, cjson, cjson.safe, path, socket,
// socket.url, socket.http, ltn12) and the etcd modules preloaded, and ctx
// set as the state's context, so cancelling ctx stops the script and any
// request or socket.sleep it is blocked in. ctx may be nil. WithTLSConfig
// also applies to https requests of socket.http. Close the state when
// done.
func NewState(ctx context.Context, opts ...Option) *lua.LState {
	L := lua.NewState()
	lua51.Open(L)
	compat.Preload(L)
	if tc := newConfig(opts).tlsConfig; tc != nil {
		compat.SetTLSConfig(L, tc)
	}
	Preload(L, opts...)
	if ctx != nil {
		L.SetContext(ctx)
	}
	return L
}
