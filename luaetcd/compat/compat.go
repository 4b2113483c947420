// Package compat provides the modules lua-etcd scripts commonly require
// alongside it: util, cjson, cjson.safe and path. (Being written: see issue 3.)
package compat

import lua "github.com/yuin/gopher-lua"

// Preload adds util, util.typeof, cjson, cjson.safe and path to L's
// package.preload.
func Preload(L *lua.LState) {}
