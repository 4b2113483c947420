package compat

import (
	"fmt"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	"math"

	"github.com/luaetcd/go-luaetcd/internal/luajson"
	lua "github.com/yuin/gopher-lua"
)

// cjsonConfig holds the settings of one cjson instance, with lua-cjson
// 2.1.0's defaults. The configuration functions read and change them as
// lua-cjson's do, but encoding and decoding always follow luajson's
// (lua-cjson's default) rules: see doc.go.
type cjsonConfig struct {
	sparseConvert  bool
	sparseRatio    int
	sparseSafe     int
	encodeMaxDepth int
	decodeMaxDepth int
	precision      int
	keepBuffer     bool
	encodeInvalid  int // 0 off, 1 on, 2 "null"
	decodeInvalid  bool
}

func defaultCjsonConfig() *cjsonConfig {
	return &cjsonConfig{
		sparseRatio:    2,
		sparseSafe:     10,
		encodeMaxDepth: 1000,
		decodeMaxDepth: 1000,
		precision:      14,
		keepBuffer:     true,
		decodeInvalid:  true,
	}
}

const cjsonIntMax = math.MaxInt32

// argInit raises lua-cjson's error when more than n arguments are given,
// and pads the arguments with nil up to n (as json_arg_init does) so that
// the results pushed afterwards never stand in for a missing argument.
func argInit(L *lua.LState, n int) {
	if L.GetTop() > n {
		L.ArgError(n+1, "found too many arguments")
	}
	L.SetTop(n)
}

// intOption reads argument i as lua-cjson's json_integer_option does: nil
// keeps the setting, anything else must be an integer in [min, max] (the
// range error names argument #1, as lua-cjson's does). It pushes the
// resulting setting.
func intOption(L *lua.LState, i int, setting *int, min, max int) {
	if L.Get(i) != lua.LNil {
		v := L.CheckNumber(i)
		n := int64(v) // lua_tointeger truncates
		if float64(v) != float64(v) || float64(v) > math.MaxInt64 || float64(v) < math.MinInt64 {
			n = math.MinInt64
		}
		if n < int64(min) || n > int64(max) {
			L.ArgError(1, fmt.Sprintf("expected integer between %d and %d", min, max))
		}
		*setting = int(n)
	}
	L.Push(lua.LNumber(*setting))
}

// enumOption reads argument i as lua-cjson's json_enum_option does with
// the options "off", "on" (and "null" when withNull): a boolean or one of
// those names. It pushes true/false, or "null".
func enumOption(L *lua.LState, i int, setting *int, withNull bool) {
	options := []string{"off", "on"}
	if withNull {
		options = append(options, "null")
	}
	arg := L.Get(i)
	switch x := arg.(type) {
	case *lua.LNilType:
	case lua.LBool:
		*setting = 0
		if x {
			*setting = 1
		}
	default:
		name := L.CheckString(i)
		found := false
		for j, o := range options {
			if o == name {
				*setting, found = j, true
			}
		}
		if !found {
			L.ArgError(i, fmt.Sprintf("invalid option '%s'", name))
		}
	}
	if *setting <= 1 {
		L.Push(lua.LBool(*setting == 1))
	} else {
		L.Push(lua.LString(options[*setting]))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// newCjsonModule builds a cjson (or, when safe, cjson.safe) table with its
// own configuration.
func newCjsonModule(L *lua.LState, safe bool) *lua.LTable {
	cfg := defaultCjsonConfig()
	mod := L.NewTable()
	name := "cjson"
	if safe {
		name = "cjson.safe"
	}

	// fail raises msg as a Lua error without position information (as
	// lua-cjson's C errors read), or in safe mode returns nil, msg.
	fail := func(L *lua.LState, msg string) int {
		if safe {
			L.Push(lua.LNil)
			L.Push(lua.LString(msg))
			return 2
		}
		L.Error(lua.LString(msg), 0)
		return 0
	}

	fns := map[string]lua.LGFunction{
		"encode": func(L *lua.LState) int {
			if L.GetTop() != 1 {
				L.ArgError(1, "expected 1 argument")
			}
			data, err := luajson.Encode(L.Get(1))
			if err != nil {
				return fail(L, err.Error())
			}
			L.Push(lua.LString(data))
			return 1
		},
		"decode": func(L *lua.LState) int {
			if L.GetTop() != 1 {
				L.ArgError(1, "expected 1 argument")
			}
			var text string
			switch x := L.Get(1).(type) {
			case lua.LString:
				text = string(x)
			case lua.LNumber:
				// luaL_checklstring accepts numbers
				text = lua51.FormatNumber(float64(x))
			default:
				msg := fmt.Sprintf("bad argument #1 to 'decode' (string expected, got %s)", x.Type().String())
				if safe {
					return fail(L, msg)
				}
				L.TypeError(1, lua.LTString)
			}
			v, err := luajson.Decode(L, []byte(text))
			if err != nil {
				return fail(L, err.Error())
			}
			L.Push(v)
			return 1
		},
		"new": func(L *lua.LState) int {
			L.Push(newCjsonModule(L, safe))
			return 1
		},
		"encode_sparse_array": func(L *lua.LState) int {
			argInit(L, 3)
			convert := boolInt(cfg.sparseConvert)
			enumOption(L, 1, &convert, false)
			cfg.sparseConvert = convert == 1
			intOption(L, 2, &cfg.sparseRatio, 0, cjsonIntMax)
			intOption(L, 3, &cfg.sparseSafe, 0, cjsonIntMax)
			return 3
		},
		"encode_max_depth": func(L *lua.LState) int {
			argInit(L, 1)
			intOption(L, 1, &cfg.encodeMaxDepth, 1, cjsonIntMax)
			return 1
		},
		"decode_max_depth": func(L *lua.LState) int {
			argInit(L, 1)
			intOption(L, 1, &cfg.decodeMaxDepth, 1, cjsonIntMax)
			return 1
		},
		"encode_number_precision": func(L *lua.LState) int {
			argInit(L, 1)
			intOption(L, 1, &cfg.precision, 1, 14)
			return 1
		},
		"encode_keep_buffer": func(L *lua.LState) int {
			argInit(L, 1)
			keep := boolInt(cfg.keepBuffer)
			enumOption(L, 1, &keep, false)
			cfg.keepBuffer = keep == 1
			return 1
		},
		"encode_invalid_numbers": func(L *lua.LState) int {
			argInit(L, 1)
			enumOption(L, 1, &cfg.encodeInvalid, true)
			return 1
		},
		"decode_invalid_numbers": func(L *lua.LState) int {
			argInit(L, 1)
			dec := boolInt(cfg.decodeInvalid)
			enumOption(L, 1, &dec, false)
			cfg.decodeInvalid = dec == 1
			return 1
		},
	}
	for fname, fn := range fns {
		mod.RawSetString(fname, L.NewFunction(fn))
	}
	mod.RawSetString("null", luajson.Null)
	mod.RawSetString("_NAME", lua.LString(name))
	mod.RawSetString("_VERSION", lua.LString("2.1.0"))
	return mod
}

// loadCjson is the package.preload loader of "cjson".
func loadCjson(L *lua.LState) int {
	L.Push(newCjsonModule(L, false))
	return 1
}

// loadCjsonSafe is the package.preload loader of "cjson.safe".
func loadCjsonSafe(L *lua.LState) int {
	L.Push(newCjsonModule(L, true))
	return 1
}
