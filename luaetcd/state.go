package luaetcd

import (
	"context"

	"github.com/luaetcd/go-luaetcd/luaetcd/compat"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// NewState returns a Lua state ready for lua-etcd scripts: the standard
// libraries open, pcall/xpcall behaving as in Lua 5.1, the compat modules
// (util, cjson, cjson.safe, path) and the etcd modules preloaded, and ctx
// set as the state's context, so cancelling ctx stops the script and any
// request it is blocked in. ctx may be nil. Close the state when done.
// With WithSandbox the state has only the safe libraries (see there).
func NewState(ctx context.Context, opts ...Option) *lua.LState {
	cfg := newConfig(opts)
	var L *lua.LState
	if cfg.sandbox {
		L = newSandboxState(setOf(cfg.allow...))
	} else {
		L = lua.NewState()
	}
	lua51.Open(L)
	compat.Preload(L)
	Preload(L, opts...)
	if cfg.sandbox {
		applySandbox(L, setOf(cfg.allow...))
	}
	if ctx != nil {
		L.SetContext(ctx)
	}
	return L
}
