// Package luajson converts between Lua values and JSON text with the rules
// of lua-cjson, which lua-etcd used. (Being written: see issue 2.)
package luajson

import lua "github.com/yuin/gopher-lua"

// Null is the sentinel that stands for JSON null (cjson.null).
var Null lua.LValue = &lua.LUserData{}

// Encode returns v as JSON text following cjson's rules.
func Encode(v lua.LValue) ([]byte, error) { return nil, nil }

// Decode parses JSON text into Lua values created in L.
func Decode(L *lua.LState, data []byte) (lua.LValue, error) { return lua.LNil, nil }
