package luaetcd

import lua "github.com/yuin/gopher-lua"

// Preload registers the modules "etcd.luasocket" and "etcd" in L's
// package.preload, so that require('etcd.luasocket').new(opts) works as in
// lua-etcd. The options set the defaults of every client built in L.
func Preload(L *lua.LState, opts ...Option) {
	// Filled in by issue 2.
}
