package luajson

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// newState returns a Lua state with the global null bound to Null.
func newState(t testing.TB) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	L.SetGlobal("null", Null)
	return L
}

// eval runs "return <expr>" and returns the value.
func eval(t testing.TB, L *lua.LState, expr string) lua.LValue {
	t.Helper()
	if err := L.DoString("return " + expr); err != nil {
		t.Fatalf("lua %q: %v", expr, err)
	}
	v := L.Get(-1)
	L.Pop(1)
	return v
}

// evalBlock runs a chunk that ends in a return statement.
func evalBlock(t testing.TB, L *lua.LState, chunk string) lua.LValue {
	t.Helper()
	if err := L.DoString(chunk); err != nil {
		t.Fatalf("lua %q: %v", chunk, err)
	}
	v := L.Get(-1)
	L.Pop(1)
	return v
}

// nested returns depth tables nested inside each other: {{{...}}}.
func nested(depth int) lua.LValue {
	var v lua.LValue = lua.LNil
	for i := 0; i < depth; i++ {
		t := &lua.LTable{Metatable: lua.LNil}
		if v != lua.LNil {
			t.RawSetInt(1, v)
		}
		v = t
	}
	return v
}

var allBytes = func() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

func TestEncode(t *testing.T) {
	L := newState(t)
	negZero := lua.LNumber(math.Copysign(0, -1))
	ud := L.NewUserData()
	th, _ := L.NewThread()
	tests := []struct {
		name string
		lua  string     // Lua expression giving the value, or
		val  lua.LValue // the value itself
		want string
		err  error  // wanted error, or
		msg  string // wanted error text
	}{
		// scalars
		{name: "nil", lua: "nil", want: `null`},
		{name: "Null", val: Null, want: `null`},
		{name: "go nil", val: nil, want: `null`},
		{name: "true", lua: "true", want: `true`},
		{name: "false", lua: "false", want: `false`},
		{name: "int", lua: "100", want: `100`},
		{name: "zero", lua: "0", want: `0`},
		{name: "negative zero", val: negZero, want: `-0`},
		{name: "third", lua: "1/3", want: `0.33333333333333`},
		{name: "two thirds", lua: "-2/3", want: `-0.66666666666667`},
		{name: "1e15", lua: "1e15", want: `1e+15`},
		{name: "1e14", lua: "1e14", want: `1e+14`},
		{name: "14 digits", lua: "99999999999999", want: `99999999999999`},
		{name: "15 digits", lua: "123456789012345", want: `1.2345678901234e+14`},
		{name: "half", lua: "-0.5", want: `-0.5`},
		{name: "tenth", lua: "0.1", want: `0.1`},
		{name: "small", lua: "0.0001", want: `0.0001`},
		{name: "smaller", lua: "0.00001", want: `1e-05`},
		{name: "large", lua: "1.5e300", want: `1.5e+300`},
		{name: "etcd index", lua: "4294967296", want: `4294967296`},
		{name: "NaN", lua: "0/0", err: ErrInvalidNumber},
		{name: "inf", lua: "1/0", err: ErrInvalidNumber},
		{name: "-inf", lua: "-1/0", err: ErrInvalidNumber},

		// strings
		{name: "single quoted", lua: `'hi'`, want: `"hi"`},
		{name: "empty string", lua: `''`, want: `""`},
		{name: "slash", lua: `'a/b'`, want: `"a\/b"`},
		{name: "quote backslash", lua: `'say "\\"'`, want: `"say \"\\\""`},
		{name: "short escapes", lua: `'\b\f\n\r\t'`, want: `"\b\f\n\r\t"`},
		{name: "control", lua: `'\0\1\26\31\127'`, want: `"\u0000\u0001\u001a\u001f\u007f"`},
		{name: "utf8", lua: `'héllo ☃ 😀'`, want: `"héllo ☃ 😀"`},
		{name: "invalid utf8 passes", lua: `'\255\254\128'`, want: "\"\xff\xfe\x80\""},
		{name: "json text", lua: `'"hi"'`, want: `"\"hi\""`},
		{name: "all bytes", val: lua.LString(allBytes), want: `"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f` +
			`\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f` +
			` !\"#$%&'()*+,-.\/0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_` + "`" + `abcdefghijklmnopqrstuvwxyz{|}~\u007f` +
			allBytes[128:] + `"`},

		// tables
		{name: "empty", lua: `{}`, want: `{}`},
		{name: "array", lua: `{1, 2, 3}`, want: `[1,2,3]`},
		{name: "strings array", lua: `{"a", "b"}`, want: `["a","b"]`},
		{name: "hole", lua: `{1, nil, 3}`, want: `[1,null,3]`},
		{name: "Null in array", lua: `{1, null, 3}`, want: `[1,null,3]`},
		{name: "leading hole", lua: `{[2] = "x"}`, want: `[null,"x"]`},
		{name: "sparse but small", lua: `{[1] = 1, [10] = 2}`, want: `[1,null,null,null,null,null,null,null,null,2]`},
		{name: "half full", lua: `{[1]=1,[2]=2,[3]=3,[4]=4,[5]=5,[6]=6,[12]=12}`, want: `[1,2,3,4,5,6,null,null,null,null,null,12]`},
		{name: "excessively sparse", lua: `{[1] = 1, [11] = 2}`, err: ErrSparseArray},
		{name: "sparse high", lua: `{[1000] = 1}`, err: ErrSparseArray},
		{name: "huge index", lua: `{[2^40] = 1}`, err: ErrSparseArray},
		{name: "float keys as array", lua: `{[1.0] = "a", [2.0] = "b"}`, want: `["a","b"]`},
		{name: "object", lua: `{a = 1}`, want: `{"a":1}`},
		{name: "mixed", lua: `{1, 2, a = 3}`, want: `{"1":1,"2":2,"a":3}`},
		{name: "insertion order", lua: `(function() local t = {} t.z = 1 t.a = 2 t.m = 3 return t end)()`, want: `{"z":1,"a":2,"m":3}`},
		{name: "zero key", lua: `{[0] = "z"}`, want: `{"0":"z"}`},
		{name: "negative key", lua: `{[-1] = "n"}`, want: `{"-1":"n"}`},
		{name: "fraction key", lua: `{[1.5] = "f"}`, want: `{"1.5":"f"}`},
		{name: "third key", lua: `{[1/3] = 1}`, want: `{"0.33333333333333":1}`},
		{name: "number and string keys", lua: `{[0.5] = 1, ["0.5"] = 2}`, want: `{"0.5":1,"0.5":2}`},
		{name: "nested", lua: `{a = {b = {c = {}}}}`, want: `{"a":{"b":{"c":{}}}}`},
		{name: "nested arrays", lua: `{{}, {{}}, {1, {2}}}`, want: `[{},[{}],[1,[2]]]`},
		{name: "etcd node", lua: `{key = "/a", value = '"hi"', modifiedIndex = 4}`, want: `{"key":"\/a","value":"\"hi\"","modifiedIndex":4}`},
		{name: "Null value", lua: `{a = null}`, want: `{"a":null}`},
		{name: "metatable ignored", lua: `setmetatable({}, {__index = function() return 1 end, __len = function() return 5 end})`, want: `{}`},
		{name: "NaN key", lua: `(function() local t = {} t[1.5] = 0/0 return t end)()`, err: ErrInvalidNumber},
		{name: "inf key", lua: `{[1/0] = 1}`, err: ErrInvalidNumber},
		{name: "NaN in array", lua: `{1, 0/0}`, err: ErrInvalidNumber},
		// cjson names the key's type (lua-cjson 2.1 under Lua 5.1).
		{name: "boolean key", lua: `{[true] = 1}`, err: ErrKeyType, msg: "Cannot serialise boolean: table key must be a number or string"},
		{name: "table key", lua: `{a = 1, [{}] = 1}`, err: ErrKeyType, msg: "Cannot serialise table: table key must be a number or string"},
		{name: "function key", lua: `{[print] = 1}`, err: ErrKeyType, msg: "Cannot serialise function: table key must be a number or string"},
		{name: "userdata key", val: udKey(L, ud), err: ErrKeyType, msg: "Cannot serialise userdata: table key must be a number or string"},
		{name: "nested boolean key", lua: `{x = {[false] = 1}}`, err: ErrKeyType, msg: "Cannot serialise boolean: table key must be a number or string"},
		{name: "sparse message", lua: `{[1] = 1, [20] = 2}`, msg: "Cannot serialise table: excessively sparse array"},
		{name: "NaN message", lua: `0/0`, msg: "Cannot serialise number: must not be NaN or Inf"},
		{name: "inf key message", lua: `{[1/0] = 1}`, msg: "Cannot serialise number: must not be NaN or Inf"},
		{name: "cycle message", lua: `(function() local t = {} t.x = t return t end)()`, msg: "Cannot serialise, excessive nesting (1001)"},
		{name: "depth 1000", val: nested(1000), want: strings.Repeat("[", 999) + "{}" + strings.Repeat("]", 999)},
		{name: "depth 1001", val: nested(1001), err: ErrNesting, msg: "Cannot serialise, excessive nesting (1001)"},
		{name: "cycle", lua: `(function() local t = {} t.self = t return t end)()`, err: ErrNesting},
		{name: "array cycle", lua: `(function() local t = {} t[1] = t return t end)()`, err: ErrNesting},
		{name: "empty table cycle", lua: `(function() local a, b = {}, {} a.b = b b.a = a return a end)()`, err: ErrNesting},

		// types without a JSON form
		{name: "function", lua: `print`, msg: "Cannot serialise function: type not supported"},
		{name: "lua function", lua: `function() end`, msg: "Cannot serialise function: type not supported"},
		{name: "function in table", lua: `{f = print}`, msg: "Cannot serialise function: type not supported"},
		{name: "userdata", val: ud, msg: "Cannot serialise userdata: type not supported"},
		{name: "thread", val: th, msg: "Cannot serialise thread: type not supported"},
		{name: "coroutine", lua: `coroutine.create(function() end)`, msg: "Cannot serialise thread: type not supported"},
		{name: "channel", val: lua.LChannel(make(chan lua.LValue)), msg: "Cannot serialise channel: type not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.val
			if tc.lua != "" {
				v = eval(t, L, tc.lua)
			}
			got, err := Encode(v)
			if tc.err != nil || tc.msg != "" {
				if err == nil {
					t.Fatalf("Encode = %s, want an error", got)
				}
				if tc.err != nil && !errors.Is(err, tc.err) {
					t.Errorf("error %q, want %q", err, tc.err)
				}
				if tc.msg != "" && err.Error() != tc.msg {
					t.Errorf("error %q, want %q", err, tc.msg)
				}
				if got != nil {
					t.Errorf("Encode returned %q along with the error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("Encode = %s\n          want %s", got, tc.want)
			}
			// AppendEncode appends to what is there.
			pre := []byte("x=")
			got2, err := AppendEncode(pre, v)
			if err != nil || string(got2) != "x="+tc.want {
				t.Errorf("AppendEncode = %q, %v", got2, err)
			}
		})
	}
}

func TestErrorTexts(t *testing.T) {
	for err, want := range map[error]string{
		ErrInvalidNumber: "Cannot serialise number: must not be NaN or Inf",
		ErrSparseArray:   "Cannot serialise table: excessively sparse array",
		ErrKeyType:       "table key must be a number or string",
		ErrNesting:       "Cannot serialise, excessive nesting (1001)",
	} {
		if err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
	}
}

func TestAppendEncodeErrorKeepsDst(t *testing.T) {
	L := newState(t)
	dst := []byte("prefix")
	out, err := AppendEncode(dst, eval(t, L, `{a = "long string", b = print}`))
	if err == nil {
		t.Fatal("want an error")
	}
	if string(out) != "prefix" {
		t.Errorf("got %q, want the original dst", out)
	}
}

// A number key stored outside the array part (only possible from Go) must
// give an error, not an endless loop in LTable.Next.
func TestHiddenArrayKey(t *testing.T) {
	for _, setup := range []func(*lua.LTable){
		func(tb *lua.LTable) { tb.RawSetH(lua.LNumber(3), lua.LTrue) },
		func(tb *lua.LTable) { tb.RawSetString("a", lua.LTrue); tb.RawSetH(lua.LNumber(1), lua.LTrue) },
		func(tb *lua.LTable) { tb.RawSetInt(1, lua.LTrue); tb.RawSetH(lua.LNumber(1), lua.LTrue) },
	} {
		tb := &lua.LTable{Metatable: lua.LNil}
		setup(tb)
		if _, err := Encode(tb); !errors.Is(err, ErrHiddenArrayKey) {
			t.Errorf("got %v, want ErrHiddenArrayKey", err)
		}
	}
}

// Tables changed after they were built (deleted keys, holes, keys beyond
// gopher-lua's array limit) still follow cjson's rules.
func TestEncodeEditedTables(t *testing.T) {
	L := newState(t)
	tests := []struct{ chunk, want string }{
		{`local t = {a = 1, b = 2} t.a = nil return t`, `{"b":2}`},
		{`local t = {a = 1} t.a = nil return t`, `{}`},
		{`local t = {a = 1} t.a = nil t[1] = 5 return t`, `[5]`},
		{`local t = {1, 2, 3} t[3] = nil return t`, `[1,2]`},
		{`local t = {1, 2, 3} t[1] = nil t[2] = nil t[3] = nil return t`, `{}`},
		{`local t = {1, 2, 3} table.remove(t) return t`, `[1,2]`},
		{`local t = {} for i = 1, 20 do t[i] = i end for i = 1, 19 do t[i] = nil end return t`, ``},
		{`local t = {} t[1] = 1 t[2^27] = 2 return t`, ``},
		{`local t = {} t[-5] = 1 t.x = 2 t[1] = 3 return t`, `{"1":3,"-5":1,"x":2}`},
	}
	for _, tc := range tests {
		got, err := Encode(evalBlock(t, L, tc.chunk))
		if tc.want == "" {
			if !errors.Is(err, ErrSparseArray) {
				t.Errorf("%s: got %s, %v, want ErrSparseArray", tc.chunk, got, err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s, %v, want %s", tc.chunk, got, err, tc.want)
		}
	}
}

// equal reports whether two Lua values are the same, tables compared by
// content.
func equal(a, b lua.LValue) bool {
	if a == b {
		return true
	}
	switch x := a.(type) {
	case lua.LNumber:
		y, ok := b.(lua.LNumber)
		return ok && (x == y || x != x && y != y) && math.Signbit(float64(x)) == math.Signbit(float64(y))
	case *lua.LTable:
		y, ok := b.(*lua.LTable)
		if !ok {
			return false
		}
		n := 0
		same := true
		x.ForEach(func(k, v lua.LValue) {
			n++
			if !equal(v, y.RawGet(k)) {
				same = false
			}
		})
		y.ForEach(func(lua.LValue, lua.LValue) { n-- })
		return same && n == 0
	}
	return false
}

func show(v lua.LValue) string {
	if b, err := Encode(v); err == nil {
		return string(b)
	}
	return fmt.Sprintf("%#v", v)
}

func TestDecode(t *testing.T) {
	L := newState(t)
	tests := []struct {
		json string
		want string // Lua expression
	}{
		{`"hi"`, `"hi"`},
		{`""`, `""`},
		{`0`, `0`},
		{`-0`, `-(0*1)`}, // checked for its sign below
		{`100`, `100`},
		{`-12`, `-12`},
		{`1.5`, `1.5`},
		{`1e5`, `1e5`},
		{`1E+5`, `1e5`},
		{`-1.5e-3`, `-0.0015`},
		{`123456789012345678`, `123456789012345678`},
		{`1e400`, `1/0`},
		{`-1e400`, `-1/0`},
		{`1e-400`, `0`},
		{`true`, `true`},
		{`false`, `false`},
		{`null`, `null`},
		{" \t\r\n[ 1 , 2 ] \n", `{1, 2}`},
		{`[]`, `{}`},
		{`{}`, `{}`},
		{`[1,null,3]`, `{1, null, 3}`},
		{`[null]`, `{null}`},
		{`{"a":null}`, `{a = null}`},
		{`{"a":1,"a":2}`, `{a = 2}`},
		{`{"1":"x"}`, `{["1"] = "x"}`},
		{`{"a":{"b":[{},[]]}}`, `{a = {b = {{}, {}}}}`},
		{`"\"\\\/\b\f\n\r\t"`, `"\"\\/\b\f\n\r\t"`},
		{`"\u0000\u001f\u007F"`, `"\0\31\127"`},
		{`"\u00e9\u00E9"`, `"éé"`},
		{`"\u2603"`, `"☃"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\uD834\uDD1E"`, `"𝄞"`},
		{"\"raw \x01 control \xff bytes\"", `"raw \1 control \255 bytes"`},
		{`"héllo"`, `"héllo"`},
		{"[1]\x00garbage", `{1}`},
		{`{"action":"get","node":{"key":"/a","value":"\"hi\"","modifiedIndex":4,"createdIndex":4}}`,
			`{action = "get", node = {key = "/a", value = '"hi"', modifiedIndex = 4, createdIndex = 4}}`},
	}
	for _, tc := range tests {
		got, err := Decode(L, []byte(tc.json))
		if err != nil {
			t.Errorf("Decode(%q): %v", tc.json, err)
			continue
		}
		want := eval(t, L, tc.want)
		if tc.json == "-0" {
			want = lua.LNumber(math.Copysign(0, -1))
		}
		if !equal(got, want) {
			t.Errorf("Decode(%q) = %s, want %s", tc.json, show(got), show(want))
		}
	}
}

func TestDecodeNullKeepsIndices(t *testing.T) {
	L := newState(t)
	v, err := Decode(L, []byte(`[null,"b",null]`))
	if err != nil {
		t.Fatal(err)
	}
	tb := v.(*lua.LTable)
	if tb.Len() != 3 || tb.RawGetInt(1) != Null || tb.RawGetInt(2) != lua.LString("b") || tb.RawGetInt(3) != Null {
		t.Errorf("got %s (len %d)", show(v), tb.Len())
	}
	// Scripts see it as a userdata they can compare.
	L.SetGlobal("v", v)
	if err := L.DoString(`assert(v[1] == null and type(v[1]) == "userdata" and #v == 3 and getmetatable(v[1]) == nil)`); err != nil {
		t.Error(err)
	}
}

func TestDecodeErrors(t *testing.T) {
	L := newState(t)
	deep := strings.Repeat("[", 1001) + strings.Repeat("]", 1001)
	deepObj := strings.Repeat(`{"a":`, 1001) + "1" + strings.Repeat("}", 1001)
	tests := []struct{ json, want string }{
		{`hello`, "Expected value but found invalid token at character 1"},
		{``, "Expected value but found T_END at character 1"},
		{"   ", "Expected value but found T_END at character 4"},
		{"\x00", "Expected value but found T_END at character 1"},
		{`"a" "b"`, "Expected the end but found T_STRING at character 5"},
		{`1 2`, "Expected the end but found T_NUMBER at character 3"},
		{`{} []`, "Expected the end but found T_ARR_BEGIN at character 4"},
		{`[1]]`, "Expected the end but found T_ARR_END at character 4"},
		{`{1:2}`, "Expected object key string but found T_NUMBER at character 2"},
		{`{"a":1,}`, "Expected object key string but found T_OBJ_END at character 8"},
		{`{`, "Expected object key string but found T_END at character 2"},
		{`{"a" 1}`, "Expected colon but found T_NUMBER at character 6"},
		{`{"a",1}`, "Expected colon but found T_COMMA at character 5"},
		{`{"a":}`, "Expected value but found T_OBJ_END at character 6"},
		{`{"a":1 "b":2}`, "Expected comma or object end but found T_STRING at character 8"},
		{`{"a":1]`, "Expected comma or object end but found T_ARR_END at character 7"},
		{`{"a":1`, "Expected comma or object end but found T_END at character 7"},
		{`[1 2]`, "Expected comma or array end but found T_NUMBER at character 4"},
		{`[1,]`, "Expected value but found T_ARR_END at character 4"},
		{`[,1]`, "Expected value but found T_COMMA at character 2"},
		{`[1}`, "Expected comma or array end but found T_OBJ_END at character 3"},
		{`[`, "Expected value but found T_END at character 2"},
		{`]`, "Expected value but found T_ARR_END at character 1"},
		{`:`, "Expected value but found T_COLON at character 1"},
		{`[1:2]`, "Expected comma or array end but found T_COLON at character 3"},
		{`[true false]`, "Expected comma or array end but found T_BOOLEAN at character 7"},
		{`[null null]`, "Expected comma or array end but found T_NULL at character 7"},
		{`tru`, "Expected value but found invalid token at character 1"},
		{`nul`, "Expected value but found invalid token at character 1"},
		{`[True]`, "Expected value but found invalid token at character 2"},
		{`'a'`, "Expected value but found invalid token at character 1"},
		{`truex`, "Expected the end but found invalid token at character 5"},
		{`NaN`, "Expected value but found invalid token at character 1"},
		{`inf`, "Expected value but found invalid token at character 1"},
		{`-`, "Expected value but found invalid number at character 1"},
		{`-a`, "Expected value but found invalid number at character 1"},
		{`01`, "Expected value but found invalid number at character 1"},
		{`[-01]`, "Expected value but found invalid number at character 2"},
		{`1.`, "Expected value but found invalid number at character 1"},
		{`1.e5`, "Expected value but found invalid number at character 1"},
		{`1e`, "Expected value but found invalid number at character 1"},
		{`1e+`, "Expected value but found invalid number at character 1"},
		{`.5`, "Expected value but found invalid token at character 1"},
		{`+1`, "Expected value but found invalid token at character 1"},
		{`0x10`, "Expected the end but found invalid token at character 2"},
		{`"abc`, "Expected value but found unexpected end of string at character 5"},
		{`["abc`, "Expected value but found unexpected end of string at character 6"},
		{"\"a\x00b\"", "Expected value but found unexpected end of string at character 3"},
		{`{"a`, "Expected object key string but found unexpected end of string at character 4"},
		{`"\x"`, "Expected value but found invalid escape code at character 2"},
		{`"ab\`, "Expected value but found invalid escape code at character 4"},
		{`"\'"`, "Expected value but found invalid escape code at character 2"},
		{`"\u12"`, "Expected value but found invalid unicode escape code at character 2"},
		{`"\u12`, "Expected value but found invalid unicode escape code at character 2"},
		{`"\uzzzz"`, "Expected value but found invalid unicode escape code at character 2"},
		{`"x\ud800"`, "Expected value but found invalid unicode escape code at character 3"},
		{`"\ud800x"`, "Expected value but found invalid unicode escape code at character 2"},
		{`"\ud800\n"`, "Expected value but found invalid unicode escape code at character 2"},
		{`"\ud800\ud800"`, "Expected value but found invalid unicode escape code at character 2"},
		{`"\udc00"`, "Expected value but found invalid unicode escape code at character 2"},
		{`"\ud800\u00"`, "Expected value but found invalid unicode escape code at character 2"},
		{"1\x00", "JSON parser does not support UTF-16 or UTF-32"},
		{"\x00[", "JSON parser does not support UTF-16 or UTF-32"},
		{deep, "Found too many nested data structures (1001) at character 1001"},
		{deepObj, "Found too many nested data structures (1001) at character 5001"},
		{"  " + deep, "Found too many nested data structures (1001) at character 1003"},
	}
	for _, tc := range tests {
		got, err := Decode(L, []byte(tc.json))
		if err == nil {
			t.Errorf("Decode(%.40q) = %s, want error %q", tc.json, show(got), tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Decode(%.40q): error %q\n                    want %q", tc.json, err, tc.want)
		}
		if got != lua.LNil {
			t.Errorf("Decode(%.40q) returned %v along with the error", tc.json, got)
		}
	}
	// One level less is fine.
	for _, s := range []string{strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
		strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000)} {
		if _, err := Decode(L, []byte(s)); err != nil {
			t.Errorf("depth 1000: %v", err)
		}
	}
}

// roundTrip checks that Encode -> Decode -> Encode gives identical text and
// returns the first encoding.
func roundTrip(t testing.TB, L *lua.LState, v lua.LValue) []byte {
	t.Helper()
	first, err := Encode(v)
	if err != nil {
		t.Fatalf("Encode(%v): %v", v, err)
	}
	back, err := Decode(L, first)
	if err != nil {
		t.Fatalf("Decode(%s): %v", first, err)
	}
	second, err := Encode(back)
	if err != nil {
		t.Fatalf("Encode(Decode(%s)): %v", first, err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("round trip changed the text:\n%s\n%s", first, second)
	}
	return first
}

func TestRoundTrip(t *testing.T) {
	L := newState(t)
	exprs := []string{
		`nil`, `true`, `false`, `0`, `1`, `-1`, `1/3`, `-2/3`, `1e15`, `1e-7`, `2^53`, `-2^63`, `1.5e300`, `5e-324`,
		`0.1`, `123.456`, `4294967295`, `''`, `'hi'`, `'a/b'`, `'"quoted"'`, `'back\\slash'`, `'\0\1\2\127'`,
		`'héllo ☃ 😀'`, `'\255\128\192'`, `{}`, `{1, 2, 3}`, `{"a", null, "c"}`, `{a = 1}`, `{1, 2, a = 3}`,
		`{a = {b = {c = {1, {2, {3}}}}}}`, `{[0] = 0, [-1] = -1, [1.5] = 1.5}`, `{[1] = 1, [10] = 10}`,
		`{key = "/a", value = '"hi"', modifiedIndex = 4, createdIndex = 4, dir = false}`,
		`{["with space"] = 1, ["\n"] = 2, [""] = 3}`,
	}
	for _, e := range exprs {
		roundTrip(t, L, eval(t, L, e))
	}
	roundTrip(t, L, lua.LNumber(math.Copysign(0, -1)))
	roundTrip(t, L, nested(MaxDepth))
	roundTrip(t, L, Null)

	// Every byte, alone, in pairs with a neighbour, and all together;
	// decoding must give back the very same bytes.
	var strs []string
	for i := 0; i < 256; i++ {
		strs = append(strs, string([]byte{byte(i)}), string([]byte{'a', byte(i), byte(255 - i)}))
	}
	strs = append(strs, allBytes)
	for _, s := range strs {
		text := roundTrip(t, L, lua.LString(s))
		back, _ := Decode(L, text)
		if back != lua.LString(s) {
			t.Errorf("string %q came back as %q (via %s)", s, back, text)
		}
	}
	// The same strings as keys and as array elements.
	obj := L.NewTable()
	arr := L.NewTable()
	for _, s := range strs {
		obj.RawSetString(s, lua.LString(s))
		arr.Append(lua.LString(s))
	}
	roundTrip(t, L, obj)
	roundTrip(t, L, arr)

	// Numbers survive with %.14g precision: the second pass is exact.
	for _, f := range []float64{math.Pi, math.E, math.MaxFloat64, math.SmallestNonzeroFloat64, 1e21, 123456789.123456789, -1e-300} {
		roundTrip(t, L, lua.LNumber(f))
	}
}

func TestDecodeIntoScriptSeesTables(t *testing.T) {
	L := newState(t)
	v, err := Decode(L, []byte(`{"node":{"nodes":[{"key":"/a/1"},{"key":"/a/2"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	L.SetGlobal("r", v)
	if err := L.DoString(`
		assert(#r.node.nodes == 2)
		assert(r.node.nodes[2].key == "/a/2")
		local n = 0
		for k, v in pairs(r.node) do n = n + 1 end
		assert(n == 1)
	`); err != nil {
		t.Fatal(err)
	}
}

// A failed Decode must not leave anything behind for the next one, and
// decoders may run in parallel (each with its own LState).
func TestDecodeAfterErrorAndInParallel(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- true }()
			L := lua.NewState()
			defer L.Close()
			for i := 0; i < 200; i++ {
				if _, err := Decode(L, []byte(`{"a":[1,2,{"b":"\u00e9`)); err == nil {
					t.Error("want an error")
				}
				v, err := Decode(L, []byte(`[5,{"k":"v"}]`))
				if err != nil {
					t.Error(err)
					return
				}
				if got := show(v); got != `[5,{"k":"v"}]` {
					t.Errorf("got %s", got)
					return
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// udKey is a table whose only key is the userdata ud.
func udKey(L *lua.LState, ud lua.LValue) *lua.LTable {
	t := L.NewTable()
	t.RawSet(ud, lua.LNumber(1))
	return t
}
