package luajson

import (
	"errors"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// Errors returned by Encode and AppendEncode. Their texts are cjson's, so a
// caller can show them to scripts unchanged (lua-etcd prefixed them with
// "encoding error: ").
var (
	// ErrInvalidNumber is returned for NaN, +Inf and -Inf, as values or
	// as table keys.
	ErrInvalidNumber = errors.New("Cannot serialise number: must not be NaN or Inf")
	// ErrSparseArray is returned for a table whose keys are all whole
	// numbers >= 1 but whose largest key is above 10 and more than twice
	// the number of keys, e.g. {[1]=1, [20]=2}.
	ErrSparseArray = errors.New("Cannot serialise table: excessively sparse array")
	// ErrKeyType matches (errors.Is) the error for an object key that is
	// neither a string nor a number. The error itself names the key's type
	// as cjson does: "Cannot serialise boolean: table key must be a number
	// or string".
	ErrKeyType = errors.New("table key must be a number or string")
	// ErrNesting is returned when tables are nested more than MaxDepth
	// deep, which is also how a table that contains itself is reported.
	ErrNesting = errors.New("Cannot serialise, excessive nesting (" + strconv.Itoa(MaxDepth+1) + ")")
	// ErrHiddenArrayKey is returned for a table that holds a small positive
	// whole-number key outside its array part. Lua code cannot build such
	// a table; only Go code calling LTable.RawSetH can, and gopher-lua's
	// LTable.Next cannot walk past such a key.
	ErrHiddenArrayKey = errors.New("Cannot serialise table: array index stored in the hash part (set with RawSetH?)")
)

// unsupported holds the "type not supported" error for each Lua type that
// has no JSON form, named as Lua's type() names it.
var unsupported [lua.LTChannel + 1]error

// badKey holds the key-type error for each Lua type, named as Lua's
// type() names it.
var badKey [lua.LTChannel + 1]error

func init() {
	for t := lua.LTNil; t <= lua.LTChannel; t++ {
		unsupported[t] = errors.New("Cannot serialise " + t.String() + ": type not supported")
		badKey[t] = keyTypeError("Cannot serialise " + t.String() + ": " + ErrKeyType.Error())
	}
}

// keyTypeError is cjson's text for a key of the wrong type; it matches
// ErrKeyType.
type keyTypeError string

func (e keyTypeError) Error() string        { return string(e) }
func (e keyTypeError) Is(target error) bool { return target == ErrKeyType }

// keyError returns the key-type error for key k.
func keyError(k lua.LValue) error {
	if t := k.Type(); t >= 0 && int(t) < len(badKey) {
		return badKey[t]
	}
	return keyTypeError("Cannot serialise " + k.Type().String() + ": " + ErrKeyType.Error())
}

// Encode returns v as JSON text, following lua-cjson 2.1's default rules
// (see the package documentation):
//
//	Encode(lua.LString("a/b"))  // "a\/b"
//	Encode(t)                  // {1,2,a=3} -> {"1":1,"2":2,"a":3}
//
// Functions, threads, channels and userdata other than Null give an error
// such as "Cannot serialise function: type not supported"; see also
// ErrInvalidNumber, ErrSparseArray, ErrKeyType and ErrNesting. Object keys
// come out in gopher-lua's iteration order (array part first, then keys in
// insertion order), so the same table always gives the same text.
// Metatables are ignored, as cjson reads tables raw.
//
// Note that gopher-lua's math.huge is the largest finite float64, not
// infinity, so it encodes as 1.7976931348623e+308; 1/0 is infinite and is
// refused with ErrInvalidNumber.
func Encode(v lua.LValue) ([]byte, error) {
	b, err := AppendEncode(nil, v)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AppendEncode is Encode appending the JSON text to dst and returning the
// extended buffer. It allocates nothing when dst has room, so a caller on a
// hot path can reuse one buffer. On error it returns dst with its original
// length (whatever was appended is cut off) together with the error.
func AppendEncode(dst []byte, v lua.LValue) ([]byte, error) {
	n := len(dst)
	out, err := appendValue(dst, v, 0)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func appendValue(dst []byte, v lua.LValue, depth int) ([]byte, error) {
	switch x := v.(type) {
	case lua.LString:
		return appendString(dst, string(x)), nil
	case lua.LNumber:
		return appendNumber(dst, float64(x))
	case lua.LBool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case *lua.LTable:
		return appendTable(dst, x, depth+1)
	case *lua.LNilType, nil:
		return append(dst, "null"...), nil
	case *lua.LUserData:
		if v == Null {
			return append(dst, "null"...), nil
		}
	}
	t := v.Type()
	if t < 0 || int(t) >= len(unsupported) {
		return dst, errors.New("Cannot serialise " + t.String() + ": type not supported")
	}
	return dst, unsupported[t]
}

// appendNumber writes f as C's printf("%.14g") does.
func appendNumber(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, ErrInvalidNumber
	}
	// Whole numbers with at most 14 digits print as plain integers; this
	// is the common case (indices, counts) and skips the float formatter.
	if f == math.Trunc(f) && f > -1e14 && f < 1e14 {
		if f == 0 && math.Signbit(f) {
			return append(dst, "-0"...), nil
		}
		return strconv.AppendInt(dst, int64(f), 10), nil
	}
	// Go's 'g' with an explicit precision matches C's %g: it drops
	// trailing zeros, switches to an exponent when it is < -4 or >= the
	// precision, and writes at least two exponent digits (1e+15, 1e-05).
	return strconv.AppendFloat(dst, f, 'g', 14, 64), nil
}

// escapes maps each byte to its JSON escape, or "" when it is copied as is.
// Like cjson's char2escape table: the short escapes, \u00xx with lower-case
// hex for the other control characters and DEL, and an escaped '/'.
var escapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for c := 0; c < 0x20; c++ {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&15])
	}
	t[0x7f] = `\u007f`
	t['\b'] = `\b`
	t['\t'] = `\t`
	t['\n'] = `\n`
	t['\f'] = `\f`
	t['\r'] = `\r`
	t['"'] = `\"`
	t['\\'] = `\\`
	t['/'] = `\/`
	return t
}()

func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if e := escapes[s[i]]; e != "" {
			dst = append(dst, s[start:i]...)
			dst = append(dst, e...)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// boxedInts holds small whole numbers already stored in an interface, so
// that handing one to LTable.Next does not allocate.
var boxedInts = func() (t [256]lua.LValue) {
	for i := range t {
		t[i] = lua.LNumber(i)
	}
	return t
}()

func boxInt(n int) lua.LValue {
	if n == 0 {
		// LTable.Next(0) would skip the first hash key; nil starts afresh.
		return lua.LNil
	}
	if n > 0 && n < len(boxedInts) {
		return boxedInts[n]
	}
	return lua.LNumber(n)
}

// arrayKey reports whether k is a key cjson counts as an array index: a
// number that is whole and at least 1.
func arrayKey(k lua.LValue) (float64, bool) {
	n, ok := k.(lua.LNumber)
	if !ok {
		return 0, false
	}
	f := float64(n)
	return f, f >= 1 && f == math.Trunc(f) && !math.IsInf(f, 0)
}

// inArrayPart reports whether gopher-lua keeps number key f in a table's
// array slice (and LTable.Next would treat it as an array position).
func inArrayPart(f float64) bool {
	return f >= 1 && f < float64(lua.MaxArrayIndex) && f == math.Trunc(f)
}

func appendTable(dst []byte, tb *lua.LTable, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return dst, ErrNesting
	}
	// The array part: indices 1..n, where everything after n is nil.
	n := tb.MaxN()
	items := 0
	for i := 1; i <= n; i++ {
		if tb.RawGetInt(i) != lua.LNil {
			items++
		}
	}
	// The hash part, walked in gopher-lua's order (insertion order).
	first, firstVal := tb.Next(boxInt(n))
	max := float64(n)
	isArray := true
	for k := first; k != lua.LNil; {
		f, ok := arrayKey(k)
		if !ok {
			isArray = false
			break
		}
		if inArrayPart(f) {
			return dst, ErrHiddenArrayKey
		}
		if f > max {
			max = f
		}
		items++
		k, _ = tb.Next(k)
	}
	if isArray && max == 0 {
		return append(dst, "{}"...), nil
	}
	if isArray {
		// cjson: encode_sparse_ratio 2, encode_sparse_safe 10.
		if max > float64(items)*2 && max > 10 {
			return dst, ErrSparseArray
		}
		return appendArray(dst, tb, n, int(max), depth)
	}
	return appendObject(dst, tb, n, first, firstVal, depth)
}

func appendArray(dst []byte, tb *lua.LTable, n, max, depth int) ([]byte, error) {
	dst = append(dst, '[')
	var err error
	for i := 1; i <= max; i++ {
		if i > 1 {
			dst = append(dst, ',')
		}
		var v lua.LValue
		if i <= n {
			v = tb.RawGetInt(i)
		} else {
			v = tb.RawGetH(lua.LNumber(i))
		}
		if dst, err = appendValue(dst, v, depth); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendObject(dst []byte, tb *lua.LTable, n int, first, firstVal lua.LValue, depth int) ([]byte, error) {
	dst = append(dst, '{')
	comma := false
	var err error
	for i := 1; i <= n; i++ {
		v := tb.RawGetInt(i)
		if v == lua.LNil {
			continue
		}
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, int64(i), 10)
		dst = append(dst, '"', ':')
		if dst, err = appendValue(dst, v, depth); err != nil {
			return dst, err
		}
	}
	for k, v := first, firstVal; k != lua.LNil; k, v = tb.Next(k) {
		if f, ok := k.(lua.LNumber); ok && inArrayPart(float64(f)) {
			return dst, ErrHiddenArrayKey
		}
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		switch key := k.(type) {
		case lua.LString:
			dst = appendString(dst, string(key))
		case lua.LNumber:
			dst = append(dst, '"')
			if dst, err = appendNumber(dst, float64(key)); err != nil {
				return dst, err
			}
			dst = append(dst, '"')
		default:
			return dst, keyError(k)
		}
		dst = append(dst, ':')
		if dst, err = appendValue(dst, v, depth); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}
