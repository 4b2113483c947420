package luaetcd

import lua "github.com/yuin/gopher-lua"

// Preload registers the modules "etcd.luasocket" and "etcd" in L's
// package.preload, so that require('etcd.luasocket').new(opts) works as in
// lua-etcd. The options set the defaults of every client built in L; what
// a script passes to new() explicitly wins.
//
// A host that builds its own state should build it as NewState does, so
// that scripts get Lua 5.1's limits (a registry and call stack that grow;
// gopher-lua's fixed defaults overflow on table.concat of a few thousand
// strings) and library:
//
//	L := lua.NewState(luaetcd.StateOptions()) // = lua51.Options()
//	lua51.Open(L)
//	luaetcd.Preload(L)
func Preload(L *lua.LState, opts ...Option) {
	cfg := newConfig(opts)
	L.PreloadModule("etcd.luasocket", cfg.luasocketLoader)
	L.PreloadModule("etcd", cfg.coreLoader)
}

// Loader is the lua.LGFunction that loads "etcd.luasocket" with the
// default settings, for hosts that register modules themselves:
//
//	L.PreloadModule("etcd.luasocket", luaetcd.Loader)
func Loader(L *lua.LState) int {
	return newConfig(nil).luasocketLoader(L)
}

func newConfig(opts []Option) *config {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	return cfg
}

// luasocketLoader returns the class table of require('etcd.luasocket'):
// new(opts) builds a client.
func (cfg *config) luasocketLoader(L *lua.LState) int {
	mod := L.CreateTable(0, 1)
	mod.RawSetString("new", L.NewFunction(func(L *lua.LState) int {
		return cfg.pushNew(L, L.Get(1))
	}))
	L.Push(mod)
	return 1
}

// coreLoader returns the class table of require('etcd'): in lua-etcd its
// new(httpClient, opts) took the HTTP client to use. Here the HTTP client
// is always ours, so the first argument is ignored.
func (cfg *config) coreLoader(L *lua.LState) int {
	mod := L.CreateTable(0, 1)
	mod.RawSetString("new", L.NewFunction(func(L *lua.LState) int {
		return cfg.pushNew(L, L.Get(2))
	}))
	L.Push(mod)
	return 1
}

// pushNew builds a client from opts and pushes it, or nil and the error.
func (cfg *config) pushNew(L *lua.LState, opts lua.LValue) int {
	c, err := cfg.newClient(L, opts)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(newClientValue(L, c))
	return 1
}
