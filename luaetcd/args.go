package luaetcd

import (
	"math"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// The argument checks follow lua-util's typeof, which lua-etcd used: no
// string-to-number coercion, and an "integer" is a finite whole number.

// errArg is an argument error. lua-etcd returns these as nil, err and
// never raises.
type errArg string

func (e errArg) Error() string { return string(e) }

const (
	errKey           errArg = "key must be string"
	errTTL           errArg = "ttl must be integer"
	errModifiedIndex errArg = "modifiedIndex must be unsigned integer"
	errWaitIndex     errArg = "waitIndex must be unsigned integer"
	errTimeout       errArg = "timeout must be unsigned integer"
	errRecursive     errArg = "recursive must be boolean"
	errConsistent    errArg = "consistent must be boolean"
	errName          errArg = "name must be string"
	errCfg           errArg = "cfg must be table"
	errSlashKey      errArg = "key should not be a slash"
)

func isInt(v lua.LValue) bool {
	n, ok := v.(lua.LNumber)
	f := float64(n)
	return ok && !math.IsInf(f, 0) && f == math.Trunc(f)
}

func isUint(v lua.LValue) bool {
	return isInt(v) && float64(v.(lua.LNumber)) >= 0
}

// formatUint writes a whole, non-negative number as decimal digits, never
// in exponent form (an index of 1e15 must be sent as 1000000000000000).
func formatUint(n lua.LNumber) string {
	return strconv.FormatFloat(float64(n), 'f', -1, 64)
}

// seconds converts a whole number of seconds to a Duration, saturating
// instead of overflowing for absurdly large values.
func seconds(n lua.LNumber) time.Duration {
	if float64(n) >= float64(math.MaxInt64/int64(time.Second)) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(n) * time.Second
}

// optBool reads an optional boolean: nil and false both mean "not sent".
func optBool(v lua.LValue, err errArg) (bool, error) {
	switch b := v.(type) {
	case *lua.LNilType:
		return false, nil
	case lua.LBool:
		return bool(b), nil
	}
	return false, err
}

// optUint reads an optional unsigned integer; ok is false when v is nil.
func optUint(v lua.LValue, err errArg) (n lua.LNumber, ok bool, _ error) {
	if v == lua.LNil {
		return 0, false, nil
	}
	if !isUint(v) {
		return 0, false, err
	}
	return v.(lua.LNumber), true, nil
}

// indexOf converts a checked unsigned integer to an etcd index. ok is
// false for 2^64 and above, which no index can be (see indexNaN).
func indexOf(n lua.LNumber) (idx uint64, ok bool) {
	if float64(n) >= 1<<64 {
		return 0, false
	}
	return uint64(n), true
}
