package compat

import (
	"math"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/luajson"
	lua "github.com/yuin/gopher-lua"
)

func TestCjsonEncodeDecode(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local cjson = require('cjson')
		local v = cjson.decode('{"a":[1,"x",null],"b":true}')
		return cjson.encode({ 1, 2, 3 }), cjson.encode('a/b'), cjson.encode(cjson.null),
			v.a[1], v.a[2], v.a[3] == cjson.null, v.b, cjson.decode('null') == cjson.null,
			cjson.decode(123)`)
	want := []lua.LValue{lua.LString("[1,2,3]"), lua.LString(`"a\/b"`), lua.LString("null"),
		lua.LNumber(1), lua.LString("x"), lua.LTrue, lua.LTrue, lua.LTrue, lua.LNumber(123)}
	for i, w := range want {
		if res[i] != w {
			t.Errorf("result %d: got %v, want %v", i+1, res[i], w)
		}
	}
	if eval(t, L, "return require('cjson').null")[0] != luajson.Null {
		t.Error("cjson.null is not luajson.Null")
	}
	if eval(t, L, "return require('cjson').null == require('cjson.safe').null")[0] != lua.LTrue {
		t.Error("cjson.null differs from cjson.safe.null")
	}
}

func TestCjsonErrors(t *testing.T) {
	L := newState(t)
	// cjson raises its message as is, without a position.
	for _, c := range []struct{ code, want string }{
		{"require('cjson').encode(print)", "Cannot serialise function: type not supported"},
		{"require('cjson').decode('x')", "Expected value but found invalid token at character 1"},
	} {
		if got := evalErr(t, L, c.code); got != c.want {
			t.Errorf("%s: got %q, want %q", c.code, got, c.want)
		}
	}
	_, nanErr := luajson.Encode(lua.LNumber(math.NaN()))
	if got := evalErr(t, L, "require('cjson').encode(0/0)"); nanErr == nil || got != nanErr.Error() {
		t.Errorf("NaN: got %q, want luajson's %v", got, nanErr)
	}
	// argument errors
	for _, c := range []struct{ code, want string }{
		{"require('cjson').encode()", "(expected 1 argument)"},
		{"require('cjson').encode(1, 2)", "(expected 1 argument)"},
		{"require('cjson').decode()", "(expected 1 argument)"},
		{"require('cjson').decode(nil)", "(string expected, got nil)"},
		{"require('cjson').decode({})", "(string expected, got table)"},
		{"require('cjson.safe').decode()", "(expected 1 argument)"},
		{"require('cjson').encode_number_precision(15)", "bad argument #1 to"},
		{"require('cjson').encode_number_precision(0)", "(expected integer between 1 and 14)"},
		{"require('cjson').encode_number_precision('x')", "(number expected, got string)"},
		{"require('cjson').encode_sparse_array(true, -1)", "(expected integer between 0 and 2147483647)"},
		{"require('cjson').encode_keep_buffer('maybe')", "(invalid option 'maybe')"},
		{"require('cjson').encode_max_depth(1, 2)", "bad argument #2 to"},
		{"require('cjson').encode_max_depth(0)", "(expected integer between 1 and 2147483647)"},
	} {
		if got := evalErr(t, L, c.code); !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want it to contain %q", c.code, got, c.want)
		}
	}
}

func TestCjsonSafe(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local safe = require('cjson.safe')
		local v1, e1 = safe.decode('x')
		local v2, e2 = safe.encode(print)
		local v3, e3 = safe.decode(nil)
		local v4, e4 = safe.decode('[1]')
		return v1, e1, v2, e2, v3, e3, v4[1], e4, safe.encode({ a = 1 })`)
	want := []lua.LValue{lua.LNil, lua.LString("Expected value but found invalid token at character 1"),
		lua.LNil, lua.LString("Cannot serialise function: type not supported"),
		lua.LNil, lua.LString("bad argument #1 to 'decode' (string expected, got nil)"),
		lua.LNumber(1), lua.LNil, lua.LString(`{"a":1}`)}
	for i, w := range want {
		if res[i] != w {
			t.Errorf("result %d: got %v, want %v", i+1, res[i], w)
		}
	}
}

func TestCjsonConfig(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local cjson = require('cjson')
		local out = {}
		local function add(...) for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end end
		add(cjson.encode_sparse_array())
		add(cjson.encode_sparse_array(true, 3, 20))
		add(cjson.encode_sparse_array('off'))
		add(cjson.encode_max_depth(), cjson.encode_max_depth(50), cjson.decode_max_depth())
		add(cjson.encode_number_precision(), cjson.encode_number_precision(10.9))
		add(cjson.encode_keep_buffer(), cjson.encode_keep_buffer(false), cjson.encode_keep_buffer('on'))
		add(cjson.encode_invalid_numbers(), cjson.encode_invalid_numbers('null'), cjson.encode_invalid_numbers(true))
		add(cjson.decode_invalid_numbers(), cjson.decode_invalid_numbers(false))
		-- each instance has its own settings
		add(cjson.new().encode_number_precision(), cjson.encode_number_precision())
		add(cjson._NAME, require('cjson.safe')._NAME, cjson._VERSION, type(cjson.new().encode))
		return table.concat(out, ' ')`)
	want := "false 2 10 true 3 20 false 3 20 1000 50 1000 14 10 true false true false null true true false 14 10 cjson cjson.safe 2.1.0 function"
	if res[0].String() != want {
		t.Errorf("got  %s\nwant %s", res[0], want)
	}
}
