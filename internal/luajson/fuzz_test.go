package luajson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// FuzzDecode checks that Decode never panics, that it accepts exactly JSON
// (apart from cjson's leniencies: raw control bytes in strings and a NUL
// ending the text), that it agrees with encoding/json on the values, and
// that whatever it returns encodes again, stably.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"action":"get","node":{"key":"/a","value":"\"hi\"","modifiedIndex":4,"createdIndex":4}}`,
		`[1,null,3]`, `"\ud83d\ude00"`, `-0`, `1e400`, `{"a":{"b":[]}}`, `[1 2]`, `"\u12"`,
	} {
		f.Add([]byte(s))
	}
	L := lua.NewState()
	defer L.Close()
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(L, data)
		if err != nil {
			if v != lua.LNil {
				t.Fatalf("error %v came with value %v", err, v)
			}
			msg := err.Error()
			if json.Valid(data) && !strings.Contains(msg, "nested") && !strings.Contains(msg, "unicode escape") {
				t.Fatalf("Decode rejected valid JSON %q: %v", data, err)
			}
			return
		}
		// Unless cjson's leniencies are used, only real JSON is accepted.
		if !cjsonLeniency(data) && !json.Valid(data) {
			t.Fatalf("Decode accepted invalid JSON %q", data)
		}
		if utf8.Valid(data) {
			var want any
			if json.Unmarshal(data, &want) == nil && !sameAsJSON(v, want) {
				t.Fatalf("Decode(%q) = %s, encoding/json says %#v", data, show(v), want)
			}
		}

		// A decoded value has no sparse arrays, odd keys or cycles, so the
		// only thing that can stop it encoding is an overflowed number.
		enc, err := Encode(v)
		if err != nil {
			if !errors.Is(err, ErrInvalidNumber) || !bytes.ContainsAny(data, "eE") && len(data) < 300 {
				t.Fatalf("Encode(Decode(%q)): %v", data, err)
			}
			return
		}
		v2, err := Decode(L, enc)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = Decode(%s): %v", data, enc, err)
		}
		enc2, err := Encode(v2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("second round differs for %q:\n%s\n%s (%v)", data, enc, enc2, err)
		}
	})
}

// cjsonLeniency reports whether data has a NUL byte or a raw control byte
// inside a string, which cjson (and Decode) accept but JSON does not.
func cjsonLeniency(data []byte) bool {
	inString := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == 0:
			return true
		case inString && c < 0x20:
			return true
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		}
	}
	return false
}

// sameAsJSON compares a decoded Lua value with what encoding/json made of
// the same text.
func sameAsJSON(v lua.LValue, j any) bool {
	switch j := j.(type) {
	case nil:
		return v == Null
	case bool:
		return v == lua.LBool(j)
	case float64:
		n, ok := v.(lua.LNumber)
		return ok && float64(n) == j
	case string:
		return v == lua.LString(j)
	case []any:
		tb, ok := v.(*lua.LTable)
		if !ok || tb.Len() != len(j) || countKeys(tb) != len(j) {
			return false
		}
		for i, e := range j {
			if !sameAsJSON(tb.RawGetInt(i+1), e) {
				return false
			}
		}
		return true
	case map[string]any:
		tb, ok := v.(*lua.LTable)
		if !ok || countKeys(tb) != len(j) {
			return false
		}
		for k, e := range j {
			if !sameAsJSON(tb.RawGetString(k), e) {
				return false
			}
		}
		return true
	}
	return false
}

func countKeys(tb *lua.LTable) int {
	n := 0
	tb.ForEach(func(lua.LValue, lua.LValue) { n++ })
	return n
}

// FuzzRoundTrip builds Lua values from the fuzzer's inputs and checks that
// Encode -> Decode gives them back (strings byte for byte, numbers to 14
// digits) and that a second Encode gives the same text.
func FuzzRoundTrip(f *testing.F) {
	f.Add("hi", 1.0/3, int64(4), true, uint8(2))
	f.Add("a/b\"\\\x00\x7f\xff", -0.5, int64(-1), false, uint8(0))
	f.Add("", 1e15, int64(1)<<53, true, uint8(40))
	f.Add("héllo ☃", math.Inf(1), int64(0), false, uint8(1))
	L := lua.NewState()
	defer L.Close()
	f.Fuzz(func(t *testing.T, s string, num float64, i int64, b bool, depth uint8) {
		// The string alone comes back unchanged.
		enc, err := Encode(lua.LString(s))
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(L, enc)
		if err != nil || back != lua.LString(s) {
			t.Fatalf("string %q -> %s -> %q, %v", s, enc, back, err)
		}

		// The number alone: an error for NaN and ±Inf, else %.14g.
		enc, err = Encode(lua.LNumber(num))
		if math.IsNaN(num) || math.IsInf(num, 0) {
			if !errors.Is(err, ErrInvalidNumber) {
				t.Fatalf("Encode(%v) = %s, %v", num, enc, err)
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			back, err := Decode(L, enc)
			if err != nil {
				t.Fatalf("Decode(%s): %v", enc, err)
			}
			got := float64(back.(lua.LNumber))
			if got != num && math.Abs(got-num) > math.Abs(num)*1e-13 {
				t.Fatalf("number %v -> %s -> %v", num, enc, got)
			}
		}

		// A table mixing all of them, with a nested chain.
		inner := L.NewTable()
		inner.Append(lua.LString(s))
		inner.Append(lua.LNumber(i))
		inner.RawSetInt(4, lua.LBool(b)) // index 3 is a hole
		inner.Append(Null)
		data := L.NewTable()
		data.RawSetString(s, inner)
		top := L.NewTable()
		top.RawSetString("data", data)
		top.RawSetString("num", lua.LNumber(num))
		chain := top
		for d := 0; d < int(depth); d++ {
			next := L.NewTable()
			chain.RawSetString("next", next)
			chain = next
		}
		chain.RawSetString("end", lua.LString(s))
		enc, err = Encode(top)
		if math.IsNaN(num) || math.IsInf(num, 0) {
			if !errors.Is(err, ErrInvalidNumber) {
				t.Fatalf("Encode = %s, %v; want ErrInvalidNumber", enc, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		v, err := Decode(L, enc)
		if err != nil {
			t.Fatalf("Decode(%s): %v", enc, err)
		}
		tb := v.(*lua.LTable)
		dt, _ := tb.RawGetString("data").(*lua.LTable)
		if dt == nil {
			t.Fatalf("data lost in %s", enc)
		}
		in, ok := dt.RawGetString(s).(*lua.LTable)
		if !ok || in.RawGetInt(1) != lua.LString(s) || in.RawGetInt(3) != Null ||
			in.RawGetInt(4) != lua.LBool(b) || in.RawGetInt(5) != Null || in.Len() != 5 {
			t.Fatalf("inner array lost in %s: %s", enc, show(v))
		}
		enc2, err := Encode(v)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("second round differs:\n%s\n%s (%v)", enc, enc2, err)
		}
	})
}
