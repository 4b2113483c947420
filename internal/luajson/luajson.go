// Package luajson converts between gopher-lua values and JSON text with the
// default rules of lua-cjson 2.1, the JSON library lua-etcd was written
// against, so that scripts see the same values and the same error texts as
// they did under OpenResty.
//
// Encoding (cjson.encode):
//
//   - nil and [Null] become null, booleans true/false.
//   - Numbers are written like C's "%.14g": 1/3 -> 0.33333333333333,
//     1e15 -> 1e+15, 100 -> 100. NaN and ±Inf are an error.
//   - Strings are copied byte for byte (no UTF-8 validation); only '"', '\',
//     '/', control characters and DEL are escaped.
//   - A table whose keys are all whole numbers >= 1 is an array; missing
//     indices are written as null, but an array with more than 10 slots of
//     which fewer than half are used is "excessively sparse" and an error.
//     An empty table is {}. Any other table is an object whose keys must be
//     strings or numbers.
//   - More than 1000 nested tables (which includes any cycle) is an error.
//
// Decoding (cjson.decode) accepts any JSON value at the top level and builds
// fresh Lua tables; JSON null becomes [Null], so arrays keep their indices.
// Errors carry cjson's messages with 1-based character positions.
package luajson

import lua "github.com/yuin/gopher-lua"

// Null is the Lua value that stands for JSON null, like cjson.null.
//
// [Decode] stores it wherever the JSON text has null (also inside arrays, so
// that later elements keep their index) and [Encode] writes it back as null.
// It is a single *lua.LUserData shared by every LState: compare with ==.
// It has no metatable; scripts should treat it as opaque.
var Null lua.LValue = &lua.LUserData{Value: nullMarker{}, Metatable: lua.LNil}

// nullMarker is the Go value inside Null, so that Null is recognisable when
// printed from Go.
type nullMarker struct{}

func (nullMarker) String() string { return "cjson.null" }

// MaxDepth is how many tables (when encoding) or objects and arrays (when
// decoding) may be nested inside each other, as in cjson's
// encode_max_depth and decode_max_depth defaults. One more is an error.
const MaxDepth = 1000
