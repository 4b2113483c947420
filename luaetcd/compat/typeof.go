package compat

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// typeChecker reports whether v belongs to a category of lua-util's typeof.
type typeChecker func(v lua.LValue) bool

func isType(t lua.LValueType) typeChecker {
	return func(v lua.LValue) bool { return v.Type() == t }
}

// number returns v as a float64 when v is a Lua number (no string coercion,
// as type(v) == 'number' in lua-util).
func number(v lua.LValue) (float64, bool) {
	n, ok := v.(lua.LNumber)
	return float64(n), ok
}

func isFinite(v lua.LValue) bool {
	n, ok := number(v)
	return ok && n < math.Inf(1) && n > math.Inf(-1)
}

// isUnsigned follows lua-util: a number below +inf and not below zero, so
// 0.5 and -0 count, NaN does not.
func isUnsigned(v lua.LValue) bool {
	n, ok := number(v)
	return ok && n < math.Inf(1) && n >= 0
}

func isInt(v lua.LValue) bool {
	n, _ := number(v)
	return isFinite(v) && math.Floor(n) == n
}

func isUint(v lua.LValue) bool {
	n, _ := number(v)
	return isUnsigned(v) && math.Floor(n) == n
}

func intRange(lo, hi float64) typeChecker {
	return func(v lua.LValue) bool {
		n, _ := number(v)
		return isInt(v) && n >= lo && n <= hi
	}
}

func uintMax(hi float64) typeChecker {
	return func(v lua.LValue) bool {
		n, _ := number(v)
		return isUint(v) && n <= hi
	}
}

// isNaN is lua-util's `arg ~= arg`: true only for NaN.
func isNaN(v lua.LValue) bool {
	n, ok := number(v)
	return ok && n != n
}

// isNon is lua-util's "empty" test: nil, false, 0 (and -0), the empty string or NaN.
func isNon(v lua.LValue) bool {
	switch x := v.(type) {
	case *lua.LNilType:
		return true
	case lua.LBool:
		return !bool(x)
	case lua.LNumber:
		return x == 0 || x != x
	case lua.LString:
		return x == ""
	}
	return false
}

// typeofCheckers lists every checker of lua-util 1.2's util.typeof, under
// the names that module exports (including its aliases Nil and Function).
var typeofCheckers = []struct {
	name  string
	check typeChecker
}{
	{"nil", isType(lua.LTNil)},
	{"boolean", isType(lua.LTBool)},
	{"string", isType(lua.LTString)},
	{"number", isType(lua.LTNumber)},
	{"function", isType(lua.LTFunction)},
	{"table", isType(lua.LTTable)},
	{"thread", isType(lua.LTThread)},
	{"userdata", isType(lua.LTUserData)},
	{"finite", isFinite},
	{"unsigned", isUnsigned},
	{"int", isInt},
	{"int8", intRange(-128, 127)},
	{"int16", intRange(-32768, 32767)},
	{"int32", intRange(-2147483648, 2147483647)},
	{"uint", isUint},
	{"uint8", uintMax(255)},
	{"uint16", uintMax(65535)},
	{"uint32", uintMax(4294967295)},
	{"nan", isNaN},
	{"non", isNon},
	// aliases
	{"Nil", isType(lua.LTNil)},
	{"Function", isType(lua.LTFunction)},
}

// newTypeofModule builds the util.typeof table: one predicate per checker,
// plus the T_<NAME> constants holding the checker names (T_NIL = 'nil',
// T_FUNCTION = 'function': the aliases share those constants).
func newTypeofModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	for _, c := range typeofCheckers {
		check := c.check
		mod.RawSetString(c.name, L.NewFunction(func(L *lua.LState) int {
			// A missing argument is nil, as in the Lua original.
			L.Push(lua.LBool(check(L.Get(1))))
			return 1
		}))
	}
	for _, c := range typeofCheckers {
		key := "T_" + strings.ToUpper(c.name)
		if mod.RawGetString(key) == lua.LNil {
			mod.RawSetString(key, lua.LString(c.name))
		}
	}
	return mod
}

// loadTypeof is the package.preload loader of "util.typeof".
func loadTypeof(L *lua.LState) int {
	L.Push(newTypeofModule(L))
	return 1
}
